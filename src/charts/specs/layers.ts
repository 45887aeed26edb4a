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
import { runColor, themeConfig } from '../theme';
import { named, type ChartOptions, type Json } from './options';
import { FAINT_RUNS_SIGNAL, HOVER_SIGNAL, LEGEND_COLUMNS_SIGNAL, RUN_LABELS_SIGNAL } from './signals';

/** Default plot widths in px (the legend's column count depends on them). */
export const LINE_WIDTH = 480;

/**
 * Log-axis labels: only mantissas 1, 2 and 5 (the other ticks keep their grid line), plain between
 * 0.001 and 10⁴, exponent form outside (1e-7, 1e+6).
 */
export const LOG_AXIS = {
  labelExpr: "indexof([1, 2, 5], round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))) < 0 ? ''"
    + " : datum.value >= 0.001 && datum.value < 1e4 ? format(datum.value, '~g') : format(datum.value, '.0e')",
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
 * The colour channel shared by every per-run mark: the run labels (RUN_LABELS_SIGNAL) onto the
 * theme's whole palette, which an ordinal scale cycles, so run i gets `runColor(theme, i)`
 * whatever the number of runs; the legend gets as many columns as fit (LEGEND_COLUMNS_SIGNAL).
 */
export function runColorEncoding(o: ChartOptions): Json {
  const palette = o.theme.palette.length > 0 ? [...o.theme.palette] : [runColor(o.theme, 0)];
  return {
    field: 'label', type: 'nominal',
    scale: { domain: { expr: RUN_LABELS_SIGNAL }, range: palette },
    legend: { title: null, orient: 'bottom', columns: { expr: LEGEND_COLUMNS_SIGNAL }, symbolType: 'stroke', symbolOpacity: 1, labelLimit: 0 },
  };
}
/** The run signals' values: the labels, and the legend's columns for the plot width. */
function runParams(o: ChartOptions, width: number): Json[] {
  const longest = Math.max(1, ...o.runs.map((r) => r.length));
  const columnWidth = 28 + longest * o.theme.fontSize * 0.62;
  const columns = Math.max(1, Math.min(o.runs.length, Math.floor((o.width ?? width) / columnWidth)));
  return [{ name: RUN_LABELS_SIGNAL, value: [...o.runs] }, { name: LEGEND_COLUMNS_SIGNAL, value: columns }, { name: FAINT_RUNS_SIGNAL, value: [...(o.faintRuns ?? [])] }];
}

/** Opacity of a faint run's line (FAINT_RUNS_SIGNAL), on top of the scrubber's fading. */
export const FAINT_OPACITY = 0.45;
const isFaint = `indexof(${FAINT_RUNS_SIGNAL}, datum.label) >= 0`;

/** A per-run line's encodings that draw the faint runs faint and dotted (stroke opacity multiplies the mark's opacity). */
export function faintStroke(dotted: boolean): Json {
  return {
    strokeOpacity: { condition: { test: isFaint, value: FAINT_OPACITY }, value: 1 },
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
  const s = withScrubLayers(layers, line, o.theme, (l) => (l.data as { name?: string } | undefined)?.name === 'points');
  return { layer: s.layers, params: [...params, ...s.params] };
}
