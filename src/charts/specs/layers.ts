/**
 * Pieces every chart is built of: the top-level spec (theme, run signals), the run colour channel,
 * faint runs, hover tooltips, the scrubber overlay and the shared axes.
 *
 * Every mark is clipped to the plot (`clip: true`): the panel lays a view out again on every
 * update, and one unclipped mark far outside the window (a diverged run's last point, even an
 * invisible hover point) would grow the view to its bounds.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { withScrubLayers } from '../overlays';
import { pathCasingOf, runColor, themeConfig } from '../theme';
import { named, type ChartOptions, type Json } from './options';
import {
  FAINT_RUNS_SIGNAL, HOVER_SIGNAL, LEGEND_COLUMNS_SIGNAL, RUN_CASINGS_SIGNAL, RUN_COLORS_SIGNAL, RUN_LABELS_SIGNAL, SEED_GROUPS_SIGNAL, SEEDED_RUNS_SIGNAL,
  LEGEND_RUNS_SIGNAL,
} from './signals';

/** Default plot widths in px (the legend's column count depends on them). */
export const LINE_WIDTH = 480;

/**
 * Log-axis labels: only mantissas 1, 2 and 5, plain between 0.001 and 10⁴, exponent form outside
 * (1e-7, 1e+6); grid lines at the powers of ten only (the log scales' domains start and end at
 * one): a line at every tick, 1 to 9 per decade, filled the plot.
 */
export const LOG_AXIS = {
  labelExpr: "indexof([1, 2, 5], round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))) < 0 ? ''"
    + " : datum.value >= 0.001 && datum.value < 1e4 ? format(datum.value, '~g') : format(datum.value, '.0e')",
  gridOpacity: { condition: { test: 'abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6', value: 1 }, value: 0 },
};
/** Steps are counts: 0, 250, 1,000, 1M. */
export const STEP_AXIS = { labelExpr: "datum.value >= 1e6 ? format(datum.value, '.3~s') : format(datum.value, ',~d')" };

/** The hover tooltip: run, step, loss and every parameter. */
const TOOLTIP = [
  { field: 'label', type: 'nominal', title: 'run' },
  { field: 'step', type: 'quantitative', title: 'step' },
  { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
  { field: 'params', type: 'nominal', title: 'params' },
];

/**
 * The colour of each position of the colour scale's range: run i's is `runColor(theme, colorOf[i] ?? i)`.
 * The range is as long as the palette, which an ordinal scale cycles (so that one structure serves
 * any number of runs), unless a run past the palette's length would then take a colour not its
 * own (a ghost there, or a ghost in the position it cycles to): then one position per run.
 */
export function runColors(o: ChartOptions): string[] {
  const colorOf = (i: number): string => runColor(o.theme, o.colorOf?.[i] ?? i);
  const p = Math.max(1, o.theme.palette.length);
  const cycled = o.runs.every((_, i) => i < p || colorOf(i) === colorOf(i % p));
  return Array.from({ length: cycled ? p : o.runs.length }, (_, i) => colorOf(i));
}

/** A scale range read from the array signal `signal`, one element per position. */
function signalRange(signal: string, n: number): Json[] {
  return Array.from({ length: n }, (_, i) => ({ expr: `${signal}[${i}]` }));
}

/**
 * The colour channel shared by every per-run mark: the run labels (RUN_LABELS_SIGNAL) onto the
 * runs' colours (RUN_COLORS_SIGNAL: `runColors`), so run i gets `runColor(theme, i)` — or, drawn
 * as written beside its tuned run, that run's colour; the legend gets as many columns as fit
 * (LEGEND_COLUMNS_SIGNAL).
 */
export function runColorEncoding(o: ChartOptions): Json {
  return {
    field: 'label', type: 'nominal',
    scale: { domain: { expr: RUN_LABELS_SIGNAL }, range: signalRange(RUN_COLORS_SIGNAL, runColors(o).length) },
    legend: { title: null, orient: 'bottom', columns: { expr: LEGEND_COLUMNS_SIGNAL }, symbolType: 'stroke', symbolOpacity: 1, labelLimit: 0,
      ...(hasSeeds(o) ? { values: { expr: LEGEND_RUNS_SIGNAL } } : {}) },
  };
}

/** The stroke channel of casings and end markers: each run's colour's casing (theme.ts `pathCasingOf`), no legend. */
export function runCasingEncoding(o: ChartOptions): Json {
  return { field: 'label', type: 'nominal', scale: { domain: { expr: RUN_LABELS_SIGNAL }, range: signalRange(RUN_CASINGS_SIGNAL, runColors(o).length) }, legend: null };
}

/** The run signals' values: the labels, their colours and casings, and the legend's columns for the plot width. */
function runParams(o: ChartOptions, width: number): Json[] {
  const longest = Math.max(1, ...o.runs.map((r) => r.length));
  const columnWidth = 28 + longest * o.theme.fontSize * 0.62;
  const columns = Math.max(1, Math.min(o.runs.length, Math.floor((o.width ?? width) / columnWidth)));
  const colors = runColors(o);
  return [
    { name: RUN_LABELS_SIGNAL, value: [...o.runs] },
    { name: RUN_COLORS_SIGNAL, value: colors }, { name: RUN_CASINGS_SIGNAL, value: colors.map((c) => pathCasingOf(o.theme, c)) },
    { name: LEGEND_COLUMNS_SIGNAL, value: columns }, { name: FAINT_RUNS_SIGNAL, value: [...(o.faintRuns ?? [])] },
    ...(hasSeeds(o) ? [
      { name: SEEDED_RUNS_SIGNAL, value: o.runs.filter((_, i) => typeof o.seedGroups?.[i] === 'string') },
      { name: SEED_GROUPS_SIGNAL, value: o.runs.map((_, i) => o.seedGroups?.[i] ?? null) },
      { name: LEGEND_RUNS_SIGNAL, value: o.runs.filter((r, i) => (o.seedGroups?.[i] ?? r) === r) },
    ] : []),
  ];
}

/** Opacity of a faint run's line (FAINT_RUNS_SIGNAL), on top of the scrubber's fading. */
export const FAINT_OPACITY = 0.45;
const isFaint = `indexof(${FAINT_RUNS_SIGNAL}, datum.label) >= 0`;

/** Whether some run is one of a group's seeds (ChartOptions.seedGroups): the charts then draw the groups (seeds.ts). */
export function hasSeeds(o: ChartOptions): boolean {
  return o.seedGroups?.some((g) => typeof g === 'string') === true;
}

/** Opacity of a seed's own path, under its group's median path. */
export const SEED_OPACITY = 0.3;
/** Vega expression: the row is one of a group's seeds. */
export const IS_SEEDED = `indexof(${SEEDED_RUNS_SIGNAL}, datum.label) >= 0`;

/**
 * A per-run line's encodings that draw the faint runs faint and dotted (stroke opacity multiplies
 * the mark's opacity), and, with `seeds`, the seeds of a group faint (solid).
 */
export function faintStroke(dotted: boolean, seeds = false): Json {
  return {
    strokeOpacity: seeds
      ? { condition: [{ test: isFaint, value: FAINT_OPACITY }, { test: IS_SEEDED, value: SEED_OPACITY }], value: 1 }
      : { condition: { test: isFaint, value: FAINT_OPACITY }, value: 1 },
    ...(dotted ? { strokeDash: { condition: { test: isFaint, value: [3, 3] }, value: [1, 0] } } : {}),
  };
}

export function topLevel(o: ChartOptions, width: number, height: number, body: Json, params: Json[] = []): TopLevelSpec {
  const all = [...(o.interactive === false ? [] : [{ name: HOVER_SIGNAL, value: true }]), ...runParams(o, width), ...params];
  return {
    // Live, the chart view lays a view out again when an axis domain changed, not on every update
    // (each layout measures every axis and legend); every mark is clipped, so none grows the view.
    ...(o.scrubber ? { autosize: { type: 'pad', resize: false } } : {}),
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    width: o.width ?? width,
    height: o.height ?? height,
    config: themeConfig(o.theme),
    ...(all.length > 0 ? { params: all } : {}),
    ...body,
  } as unknown as TopLevelSpec;
}

/**
 * ARIA of a mark with a row per step: kept in static files (SVG, where each line is described),
 * dropped in the live panel (canvas, no ARIA per item), where Vega-Lite would format a
 * description for every row again on every streamed update.
 */
export function rowAria(o: ChartOptions): Json {
  return o.interactive === false ? {} : { aria: false };
}

/**
 * A hover layer: one (invisible until nearest to the pointer) point per row with the tooltip.
 * Lines alone cannot say which step the pointer is on.
 */
export function hoverLayer(o: ChartOptions, name: string, x: Json, y: Json, transform: Json[]): Json[] {
  if (o.interactive === false) return [];
  return [{
    data: named('points'),
    transform: [{ filter: HOVER_SIGNAL }, ...transform],
    params: [{ name, select: { type: 'point', on: 'pointerover', nearest: true, clear: 'pointerout' } }],
    mark: { type: 'point', filled: true, size: 36, clip: true, aria: false },
    encoding: {
      x, y, color: runColorEncoding(o),
      opacity: { condition: { param: name, empty: false, value: 1 }, value: 0 },
      tooltip: TOOLTIP,
    },
  }];
}

/** `layers` with the scrubber's overlay when the chart is live (`o.scrubber`), and the params it needs. */
export function overlaid(o: ChartOptions, layers: Json[], line: Json, params: Json[]): { layer: Json[]; params: Json[] } {
  if (!o.scrubber) return { layer: layers, params };
  const s = withScrubLayers(layers, line, o.theme, runCasingEncoding(o), (l) => (l.data as { name?: string } | undefined)?.name === 'points');
  return { layer: s.layers, params: [...params, ...s.params] };
}
