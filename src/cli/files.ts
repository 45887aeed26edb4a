/**
 * `--out DIR`: the exact points (points.csv, read back from the point store), the runs and how
 * they ended (runs.json), and the charts as Vega-Lite specs with their data inlined (`*.vl.json`)
 * beside their SVG renderings, drawn from a min–max view of at most `CHART_BUCKETS` buckets per run (storeRows.ts).
 * Every file is written whole or not at all, replacing (never writing through) what is there
 * (src/points/safeWrite.ts).
 */
import { mkdir, stat } from 'node:fs/promises';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  CHART_FILES, contourRows, defaultLightTheme, gradNormChart, learningRateChart, lossChart, minimumRows, pathsChart,
  sharpnessChart, surfaceGrid, surfaceRows, withDatasets, type ChartData, type EventRow, type PointRow,
} from '../charts';
import { runThreshold } from '../engine/curvature/ofRun';
import type { Domain, Experiment } from '../engine/types';
import { LOSS, type PointStore } from '../points/store';
import { writeInPlace, writeTextInPlace } from '../points/safeWrite';
import { ChunkedWriter, writePointsCsv } from '../points/writers';
import type { SessionInfo } from '../snippet/types';
import { curvatureChartData } from './curvatureChart';
import { chartSteps, storeRows } from './storeRows';
import { stepsPerSecond } from './output';
import { renderSvg } from './render';
import type { RunResult } from './results';
import { jsonText, truncated } from './text';

/** Cells per axis of the loss surface under the paths. */
export const SURFACE_RESOLUTION = 48;

/** Loss values on a grid (row-major ys × xs), or undefined when the surface is not available. */
export type SurfaceSource = (xs: Float64Array, ys: Float64Array) => Promise<Float64Array | undefined>;

export interface OutInput {
  readonly experiment: Experiment;
  readonly info: SessionInfo;
  readonly runs: readonly RunResult[];
  readonly store: PointStore;
  readonly fullMessages: boolean;
}

/** Chart specs with their data, named: from `chartSpecs`, made while the session can still draw the surface. */
export type Charts = readonly (readonly [string, TopLevelSpec])[];

/** Makes DIR (and its parents); a clear error when it is a file. */
export async function prepareOutDir(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: 'ENOTDIR' });
  await mkdir(dir, { recursive: true });
}

/**
 * Writes the folder: runs.json, each chart and its SVG (one rendering in memory at a time), then
 * points.csv. Returns the files written, relative to the directory, in the order written.
 */
export async function writeOutDir(dir: string, input: OutInput, charts: Charts): Promise<string[]> {
  await prepareOutDir(dir);
  const written: string[] = [];
  await writeTextInPlace(dir, 'runs.json', jsonText(runsDocument(input), 2) + '\n');
  written.push('runs.json');

  for (const [name, spec] of charts) {
    await writeTextInPlace(dir, `${name}.vl.json`, jsonText(spec) + '\n');
    await writeTextInPlace(dir, `${name}.svg`, await renderSvg(spec));
    written.push(`${name}.vl.json`, `${name}.svg`);
  }

  await writeInPlace(dir, 'points.csv', (stream) =>
    writePointsCsv(new ChunkedWriter(stream), input.store, input.runs.map((r) => ({ index: r.index, label: r.spec.label }))));
  written.push('points.csv');
  return written;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** runs.json: the experiment's setting and, per run, its spec and how it ended (no points). */
function runsDocument({ experiment, info, runs, fullMessages }: OutInput): unknown {
  return {
    ...(experiment.title ? { title: experiment.title } : {}),
    loss: experiment.loss, init: info.init, steps: experiment.steps, seed: experiment.seed,
    ...(experiment.batchSize !== undefined ? { batchSize: experiment.batchSize } : {}),
    gradient: info.gradient, ...(info.curvature ? { curvature: info.curvature } : {}),
    runs: runs.map((r) => ({
      label: r.spec.label, optimizer: r.spec.optimizer, hyperparameters: r.spec.hyperparameters,
      ...(r.spec.schedule ? { schedule: r.spec.schedule } : {}), ...(r.spec.clip ? { clip: r.spec.clip } : {}),
      status: r.status, ...(r.message !== undefined ? { message: truncated(r.message, fullMessages) } : {}),
      ...(r.curvature ? { stabilityThreshold: runThreshold(r.spec) } : {}),
      ...(r.convergenceRate ? { convergenceRate: r.convergenceRate } : {}),
      steps: r.steps, finalLoss: finiteOrNull(r.finalLoss), finalParams: Array.from(r.count > 0 ? r.finalParams : [], finiteOrNull),
      stepsPerSecond: Math.round(stepsPerSecond(r)),
    })),
  };
}

/** A run's points for charts: min–max downsampled on the loss. */
function chartRows(run: RunResult, store: PointStore): PointRow[] {
  return store.count(run.index) === 0 ? [] : storeRows(run, store, chartSteps(store, run.index, LOSS));
}

/** Where each diverged run stopped and why. */
function eventRows(runs: readonly RunResult[], fullMessages: boolean): EventRow[] {
  return runs.filter((r) => r.status === 'diverged').map((r) => ({
    run: r.index, label: r.spec.label, step: r.steps, loss: r.lastFiniteLoss, message: truncated(r.message ?? 'diverged', fullMessages),
  }));
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

/** [name, spec with inline data] of every chart the experiment has; `surface` draws the loss under the paths. */
export async function chartSpecs(input: OutInput, drawSurface: SurfaceSource): Promise<[string, TopLevelSpec][]> {
  const { experiment, info, runs } = input;
  const labels = runs.map((r) => r.spec.label);
  const points = runs.flatMap((r) => chartRows(r, input.store));
  const events = eventRows(runs, input.fullMessages);
  // The data's own minimum: a known minimum of 0 would shift every curve by ε for nothing.
  const lossFloor = Math.min(...runs.map((r) => r.minLoss));
  // Room above the runs that did not diverge; a diverging line leaves the plot through the top.
  const calm = runs.filter((r) => r.status !== 'diverged').map((r) => r.maxFiniteLoss);
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
    const curvature = runs.map((r) => curvatureChartData(r, input.store));
    specs.push([CHART_FILES.sharpness, withDatasets(sharpnessChart(base), {
      points: curvature.flatMap((c) => c.points), crossings: curvature.flatMap((c) => c.crossings),
    })]);
  }
  if (info.dim === 2) {
    const domain = plotDomain(info, points);
    const { xs, ys } = surfaceGrid(domain, SURFACE_RESOLUTION);
    const values = await drawSurface(xs, ys);
    const surface = values ? { surface: surfaceRows(xs, ys, values), contours: contourRows(xs, ys, values) } : {};
    specs.push(['paths', withDatasets(pathsChart({ ...base, domain, resolution: SURFACE_RESOLUTION }),
      { ...data, ...surface, minima: minimumRows(info.minima ?? []) })]);
  }
  return specs;
}
