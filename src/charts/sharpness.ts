/**
 * The sharpness chart (issue 14, DESIGN "Curvature"): per run, the curvature its optimizer's
 * stability rule bounds — the sharpness λmax(H(θₜ)), or the preconditioned sharpness λmax(P⁻¹H)
 * of adaptive optimizers — over the steps (log scale), that run's stability threshold as a dashed
 * line in the run's colour, and a mark at each step where the curve crosses above it. Runs whose
 * optimizer has no known bound show the curve alone. Data by name: `points` rows with their
 * curvature fields (`withCurvature`) and `crossings` (CrossingRow, from `crossingRows`).
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { crossings, measuredColumn, type CurvatureColumns } from '../engine/curvature/crossing';
import { stabilityThreshold } from '../engine/curvature/stability';
import type { RunSpec } from '../engine/types';
import type { CrossingRow, PointRow } from './rows';
import {
  decadeCeil, decadeFloor, extentOf, HOVER_SIGNAL, LINE_WIDTH, LOG_AXIS, named, overlaid, rowAria, runColorEncoding, STEP_AXIS, stepScale,
  topLevel, type ChartOptions, type Json,
} from './specs';

/** The measure's name in tooltips. */
const MEASURE_NAMES = { sharpness: 'λmax(H)', preconditionedSharpness: 'λmax(P⁻¹H)' } as const;

/**
 * `rows` of one run (steps `columns.fromStep + i` at index i of the columns) with their curvature
 * fields: what the run's rule bounds, its name, and the threshold at the row's learning rate.
 */
export function withCurvature(rows: readonly PointRow[], spec: Pick<RunSpec, 'optimizer' | 'hyperparameters'>,
  columns: CurvatureColumns): PointRow[] {
  const { rule, values } = measuredColumn(spec, columns);
  if (!values) return [...rows];
  const measure = MEASURE_NAMES[rule?.measure ?? 'sharpness'];
  const from = columns.fromStep ?? 0;
  return rows.map((row) => {
    const i = row.step - from;
    const t = rule && Number.isFinite(row.lr) ? stabilityThreshold(rule, row.lr, row.step + 1) : NaN;
    return { ...row, curvature: values[i] as number, measure, threshold: Number.isFinite(t) ? t : null };
  });
}

/** Rows of the steps at which a run crossed above its threshold (crossing.ts). */
export function crossingRows(spec: Pick<RunSpec, 'optimizer' | 'hyperparameters'>, run: number, label: string,
  columns: CurvatureColumns): CrossingRow[] {
  return crossings(spec, columns).map((c) => ({ run, label, step: c.step, value: c.value, threshold: c.threshold, message: c.message }));
}

/** The two series of each run's line, solid and dashed. */
const SERIES = ['sharpness', 'stability threshold'];

const POSITIVE = (field: string): Json => ({ filter: `isValid(datum.${field}) && isFinite(datum.${field}) && datum.${field} > 0` });

/** Sharpness per step with each run's threshold dashed and its crossings marked. */
export function sharpnessChart(o: ChartOptions): TopLevelSpec {
  const steps = stepScale(o);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS, ...(steps.scale ? { scale: steps.scale } : {}) };
  const live = liveScale(o);
  const y = (field: string): Json => ({
    field, type: 'quantitative', title: 'sharpness (log scale)', axis: LOG_AXIS, scale: { type: 'log', ...(live ? { domain: live.domain } : {}) },
  });
  const color = runColorEncoding(o);
  const order = { field: 'step', type: 'quantitative' };
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'run' },
    { field: 'step', type: 'quantitative', title: 'step' },
    { field: 'measure', type: 'nominal', title: 'measure' },
    { field: 'curvature', type: 'quantitative', title: 'value', format: '.4~g' },
    { field: 'threshold', type: 'quantitative', title: 'threshold', format: '.4~g' },
  ];
  const hover: Json[] = o.interactive === false ? [] : [{
    data: named('points'),
    transform: [{ filter: HOVER_SIGNAL }, POSITIVE('curvature')],
    params: [{ name: 'sharpnessHover', select: { type: 'point', on: 'pointerover', nearest: true, clear: 'pointerout' } }],
    mark: { type: 'point', filled: true, size: 36, clip: true, aria: false },
    encoding: { x, y: y('curvature'), color, opacity: { condition: { param: 'sharpnessHover', empty: false, value: 1 }, value: 0 }, tooltip },
  }];
  const line: Json = {
    // The curve and its threshold as two series of one line mark: the dash says which, in the legend.
    data: named('points'),
    transform: [
      { fold: ['curvature', 'threshold'], as: ['series', 'plotted'] },
      { calculate: "datum.series === 'curvature' ? 'sharpness' : 'stability threshold'", as: 'series' },
      POSITIVE('plotted'),
    ],
    mark: { type: 'line', clip: true, ...rowAria(o) },
    encoding: {
      x, y: y('plotted'), color, order, detail: { field: 'series', type: 'nominal' },
      strokeDash: { field: 'series', type: 'nominal', scale: { domain: SERIES, range: [[1, 0], [6, 4]] }, legend: { title: null, orient: 'top', labelLimit: 0 } },
    },
  };
  const marks: Json = {
    data: named('crossings'), transform: [POSITIVE('value')],
    // A pin above the curve at the step it crossed (the scrubber's run markers sit on the curves).
    mark: { type: 'point', shape: 'triangle-down', filled: true, size: 110, yOffset: -9, clip: false, stroke: o.theme.background, strokeWidth: 1 },
    encoding: {
      x, y: y('value'), color,
      tooltip: [{ field: 'label', type: 'nominal', title: 'run' }, { field: 'message', type: 'nominal', title: 'crossed' }],
    },
  };
  const body = overlaid(o, [line, marks, ...hover], line, [...steps.params, ...(live?.params ?? [])]);
  return topLevel(o, LINE_WIDTH, 220, {
    description: 'Sharpness per step for each run, on a log scale, with the run\'s stability threshold as a dashed line of the same colour'
      + ' and a downward triangle above the step where the sharpness crosses above it.',
    layer: body.layer,
  }, body.params);
}

/**
 * Live (the panel): the log axis from signals, whole decades around every curve and threshold
 * shown, so streamed points change it only when they pass a decade.
 */
function liveScale(o: ChartOptions): { domain: Json[]; params: Json[] } | undefined {
  if (!o.liveDomains) return undefined;
  const lo = 'sharpnessLo', hi = 'sharpnessHi';
  const low = (e: string): string => `(isValid(${e}[0]) && isFinite(${e}[0]) && ${e}[0] > 0 ? ${e}[0] : null)`;
  const high = (e: string): string => `(isValid(${e}[1]) && isFinite(${e}[1]) && ${e}[1] > 0 ? ${e}[1] : null)`;
  const least = `min(${low('curvatureExtent')} || 1e300, ${low('thresholdExtent')} || 1e300)`;
  const most = `max(${high('curvatureExtent')} || 0, ${high('thresholdExtent')} || 0)`;
  return {
    domain: [{ expr: lo }, { expr: hi }],
    params: [
      { name: 'curvatureExtent', expr: extentOf('curvature') },
      { name: 'thresholdExtent', expr: extentOf('threshold') },
      { name: lo, expr: `${least} < 1e300 ? ${decadeFloor(least)} : 1` },
      { name: hi, expr: `${most} > 0 ? max(${lo} * 10, ${decadeCeil(most)}) : 10` },
    ],
  };
}
