/**
 * `--out DIR`: the exact points (points.csv), the runs and how they ended (runs.json), and the
 * charts as Vega-Lite specs with their data inlined (`*.vl.json`) beside their SVG renderings.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  CHART_FILES, contourRows, crossingRows, defaultLightTheme, downsampleMinMax, gradNormChart, learningRateChart, lossChart, minimumRows, pathsChart,
  pointRows, sharpnessChart, surfaceGrid, surfaceRows, withCurvature, withDatasets, type ChartData, type CrossingRow, type EventRow, type PointRow,
} from '../charts';
import { measuredColumn } from '../engine/curvature/crossing';
import { runThreshold } from '../engine/curvature/ofRun';
import type { Domain, Experiment } from '../engine/types';
import type { SessionInfo } from '../snippet/types';
import { ChunkedWriter, stepsPerSecond, writeCsv } from './output';
import { renderSvg } from './render';
import type { RunResult } from './results';

/** Points per run in a chart: min–max downsampled to this many buckets (exact data is in points.csv). */
const CHART_BUCKETS = 1000;
/** Cells per axis of the loss surface under the paths. */
export const SURFACE_RESOLUTION = 48;

/** Loss values on a grid (row-major ys × xs), or undefined when the surface is not available. */
export type SurfaceSource = (xs: Float64Array, ys: Float64Array) => Promise<Float64Array | undefined>;

export interface OutInput {
  readonly experiment: Experiment;
  readonly info: SessionInfo;
  readonly runs: readonly RunResult[];
  readonly surface: SurfaceSource;
}

/** The files written, relative to the directory, in the order written. */
export async function writeOutDir(dir: string, input: OutInput): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const stream = createWriteStream(path.join(dir, 'points.csv'));
  await writeCsv(new ChunkedWriter(stream), input.runs);
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  written.push('points.csv');

  await writeFile(path.join(dir, 'runs.json'), JSON.stringify(runsDocument(input), null, 2) + '\n');
  written.push('runs.json');

  for (const [name, spec] of await chartSpecs(input)) {
    await writeFile(path.join(dir, `${name}.vl.json`), JSON.stringify(spec) + '\n');
    await writeFile(path.join(dir, `${name}.svg`), await renderSvg(spec));
    written.push(`${name}.vl.json`, `${name}.svg`);
  }
  return written;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** runs.json: the experiment's setting and, per run, its spec and how it ended (no points). */
function runsDocument({ experiment, info, runs }: OutInput): unknown {
  return {
    ...(experiment.title ? { title: experiment.title } : {}),
    loss: experiment.loss, init: info.init, steps: experiment.steps, seed: experiment.seed,
    ...(experiment.batchSize !== undefined ? { batchSize: experiment.batchSize } : {}),
    gradient: info.gradient, ...(info.curvature ? { curvature: info.curvature } : {}),
    runs: runs.map((r) => ({
      label: r.spec.label, optimizer: r.spec.optimizer, hyperparameters: r.spec.hyperparameters,
      ...(r.spec.schedule ? { schedule: r.spec.schedule } : {}), ...(r.spec.clip ? { clip: r.spec.clip } : {}),
      status: r.status, ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.curvature ? { stabilityThreshold: runThreshold(r.spec) } : {}),
      steps: r.steps, finalLoss: finiteOrNull(r.finalLoss), finalParams: Array.from(r.finalParams, finiteOrNull),
      stepsPerSecond: Math.round(stepsPerSecond(r)),
    })),
  };
}

/** A run's points for charts: min–max downsampled on the loss. */
function chartRows(run: RunResult): PointRow[] {
  const steps = Float64Array.from({ length: run.count }, (_, i) => i);
  const keep = downsampleMinMax(steps, run.loss.subarray(0, run.count), CHART_BUCKETS);
  const batch = { run: run.index, fromStep: 0, count: run.count, loss: run.loss, params: run.params, gradNorm: run.gradNorm, lr: run.lr };
  return pointRows(batch, run.spec.label, run.dim, [0, 1], keep);
}

/** A run's points for the sharpness chart (min–max downsampled on what its rule bounds) and its crossings. */
function curvatureData(run: RunResult): { points: PointRow[]; crossings: CrossingRow[] } {
  const columns = {
    count: run.count, lr: run.lr,
    ...(run.sharpness ? { sharpness: run.sharpness } : {}), ...(run.preconditionedSharpness ? { preconditionedSharpness: run.preconditionedSharpness } : {}),
  };
  const { values } = measuredColumn(run.spec, columns);
  if (!values) return { points: [], crossings: [] };
  const steps = Float64Array.from({ length: run.count }, (_, i) => i);
  const keep = downsampleMinMax(steps, Float64Array.from(values).subarray(0, run.count), CHART_BUCKETS);
  const batch = { run: run.index, fromStep: 0, count: run.count, loss: run.loss, params: run.params, gradNorm: run.gradNorm, lr: run.lr };
  return {
    points: withCurvature(pointRows(batch, run.spec.label, run.dim, [0, 1], keep), run.spec, columns),
    crossings: crossingRows(run.spec, run.index, run.spec.label, columns),
  };
}

/** Where each diverged run stopped and why. */
function eventRows(runs: readonly RunResult[]): EventRow[] {
  return runs.filter((r) => r.status === 'diverged').map((r) => {
    let last: number | null = null;
    for (let i = r.count - 1; i >= 0; i--) {
      if (Number.isFinite(r.loss[i])) {
        last = r.loss[i] as number;
        break;
      }
    }
    return { run: r.index, label: r.spec.label, step: r.steps, loss: last, message: r.message ?? 'diverged' };
  });
}

/** The plot window: the loss's own domain, or the paths' bounding box with a margin. */
function plotDomain(info: SessionInfo, points: readonly PointRow[]): Domain {
  if (info.domain) return info.domain;
  let x0 = info.init[0] ?? 0, x1 = x0, y0 = info.init[1] ?? 0, y1 = y0;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
  }
  const pad = (lo: number, hi: number): [number, number] => {
    const m = Math.max((hi - lo) * 0.15, 0.5);
    return [lo - m, hi + m];
  };
  return { x: pad(x0, x1), y: pad(y0, y1) };
}

function maxFinite(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

/** [name, spec with inline data] of every chart the experiment has. */
export async function chartSpecs(input: OutInput): Promise<[string, TopLevelSpec][]> {
  const { experiment, info, runs } = input;
  const labels = runs.map((r) => r.spec.label);
  const points = runs.flatMap(chartRows);
  const events = eventRows(runs);
  // The data's own minimum: a known minimum of 0 would shift every curve by ε for nothing.
  const lossFloor = Math.min(...runs.map((r) => r.minLoss));
  // Room above the runs that did not diverge; a diverging line leaves the plot through the top.
  const calm = runs.filter((r) => r.status !== 'diverged').map((r) => maxFinite(r.loss.subarray(0, r.count)));
  const lossCeiling = calm.length > 0 && calm.length < runs.length ? 10 * Math.max(...calm) : undefined;
  const base = { theme: defaultLightTheme, runs: labels, interactive: false, ...(experiment.title ? { title: experiment.title } : {}) };
  const data: ChartData = { points, events };
  const specs: [string, TopLevelSpec][] = [
    ['loss', withDatasets(lossChart({ ...base, ...(Number.isFinite(lossFloor) ? { lossFloor } : {}),
      ...(lossCeiling !== undefined && Number.isFinite(lossCeiling) ? { lossCeiling } : {}) }), data)],
    [CHART_FILES.lr, withDatasets(learningRateChart(base), data)],
    [CHART_FILES.gradNorm, withDatasets(gradNormChart(base), data)],
  ];
  if (experiment.curvature) {
    const curvature = runs.map(curvatureData);
    specs.push(['sharpness', withDatasets(sharpnessChart(base), {
      points: curvature.flatMap((c) => c.points), crossings: curvature.flatMap((c) => c.crossings),
    })]);
  }
  if (info.dim === 2) {
    const domain = plotDomain(info, points);
    const { xs, ys } = surfaceGrid(domain, SURFACE_RESOLUTION);
    const values = await input.surface(xs, ys);
    const surface = values ? { surface: surfaceRows(xs, ys, values), contours: contourRows(xs, ys, values) } : {};
    specs.push(['paths', withDatasets(pathsChart({ ...base, domain, resolution: SURFACE_RESOLUTION }),
      { ...data, ...surface, minima: minimumRows(info.minima ?? []) })]);
  }
  return specs;
}
