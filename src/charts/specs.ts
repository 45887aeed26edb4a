/**
 * Vega-Lite 6 specs of the playground's charts: loss per step, parameter paths over the loss
 * surface, learning rate per step and gradient norm per step. Pure functions of a theme and a
 * few options; the data comes by name (see rows.ts), so one spec serves the live panel (rows
 * streamed in with changesets) and the CLI (rows inlined with `withDatasets`).
 *
 * Colours: a run's colour is its label's position in `runs` within the theme's palette, the same
 * in every chart. Tooltips: run, step, loss and every parameter.
 *
 * Every mark is clipped to the plot (`clip: true`): the panel lays a view out again on every
 * update, and one unclipped mark far outside the window (a diverged run's last point, even an
 * invisible hover point) would grow the view to its bounds.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { Domain } from '../engine/types';
import { LOG_LOSS_EXPR } from './heatmap';
import { withScrubLayers } from './overlays';
import { formatNumber, type ChartData } from './rows';
import { casingEncoding, pathCasingOf, runColor, themeConfig, type ChartTheme } from './theme';

/** What every chart needs. */
export interface ChartOptions {
  readonly theme: ChartTheme;
  /** Run labels in run order: the colour legend's domain. */
  readonly runs: readonly string[];
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /**
   * Hover tooltips on every point (default true). Static renderings (the CLI's SVG files) turn
   * it off: an invisible symbol per step and a Voronoi layer only add bytes to a file.
   */
  readonly interactive?: boolean;
  /**
   * The experiment's step count: the step axis is fixed at [0, steps] instead of following the
   * data, so that a streamed point never changes the axis (which re-encodes every mark).
   */
  readonly steps?: number;
  /**
   * Axis domains for streaming (the live panel). A data-driven domain changes with nearly every
   * streamed batch, and a changed scale makes Vega encode every item of every mark again (each
   * through the expression interpreter, under the panel's CSP) and repaint the whole plot. With
   * `liveDomains`, a per-step chart's value axis is computed from the data by signals rounded
   * outwards (whole decades on log scales, 1–2–5 steps on linear ones), so it changes only a few
   * times in a whole run; the step axis likewise when `steps` is unknown.
   */
  readonly liveDomains?: boolean;
  /** The live panel's scrubber layers (overlays.ts): the step shown marked on every run, later steps faded or cut. */
  readonly scrubber?: boolean;
  /** Labels of reference runs, drawn faint and dotted (a tuned comparison's runs at their defaults). */
  readonly faintRuns?: readonly string[];
}

/**
 * The signal that turns the hover layers on and off without re-embedding (default true). A hover
 * layer finds the point nearest the pointer through a Voronoi diagram of every point it holds,
 * rebuilt on each data change: while points stream in, the panel sets it to false (the layer then
 * holds no rows) and back to true once the runs stop.
 */
export const HOVER_SIGNAL = 'hoverOn';

/**
 * The signal holding the highest starting loss of the runs shown (step-0 rows), in the live
 * panel's loss chart. The loss axis stops three decades above it (rounded up to a decade, in the
 * chart's plotted units): a run that climbs further — towards the 10¹² × start at which the
 * runner calls it diverged — leaves the plot at the top and its divergence marker stays, instead
 * of flattening every other curve. null (no run started): no ceiling from it.
 */
export const LOSS_START_SIGNAL = 'lossStart';

/**
 * The signal holding the experiment's step count in the live panel (null: unknown): the step
 * axes span [0, stepMax], set once per run, instead of following the streamed data.
 */
export const STEP_MAX_SIGNAL = 'stepMax';

/**
 * The signal holding the highest starting gradient norm of the runs shown, in the live panel's
 * gradient-norm chart: its axis stops LOSS_CEILING_DECADES above it, as the loss axis does.
 */
export const GRAD_START_SIGNAL = 'gradNormStart';

/** Decades between the highest starting loss and the top of the live loss axis. */
export const LOSS_CEILING_DECADES = 3;

/**
 * Signals holding what a spec is drawn for (its runs, its window, its steps, its loss floor and
 * ceiling) rather than how it is drawn. A spec carries each one as a top-level param with its
 * `value`, so a static rendering (the CLI) draws with those values baked in, while the live panel
 * keeps a view whose spec differs from the new one only in these values and in its plot size
 * (`specSignals`) and sets them on it: a new run, a new window or a new step count is then a
 * signal update in the chart's next changeset, not a re-embed (compile, parse, first render).
 */
/** Run labels in run order: the colour scale's domain (its range is the theme's palette, cycled). */
export const RUN_LABELS_SIGNAL = 'runLabels';
/** Columns of the colour legend (as many as fit the plot's width). */
export const LEGEND_COLUMNS_SIGNAL = 'legendColumns';
/** The paths chart's plotted window: [x₀, x₁] and [y₀, y₁] in parameter units. */
export const WINDOW_X_SIGNAL = 'windowX';
export const WINDOW_Y_SIGNAL = 'windowY';
/** Cells per axis of the surface grid (the static heatmap's rectangle size is the window over it). */
export const SURFACE_CELLS_SIGNAL = 'surfaceCells';
/** The live loss chart's known least loss (null: unknown, found in the data), see LossChartOptions.lossFloor. */
export const LOSS_FLOOR_SIGNAL = 'lossFloor';
/** The live loss chart's fixed top (plotted units; null: none), see LossChartOptions.lossCeiling. */
export const LOSS_CEILING_SIGNAL = 'lossCeiling';
/** The live loss chart's axis title (it says how the loss is shifted, which follows the floor). */
export const LOSS_TITLE_SIGNAL = 'lossTitle';

/** Labels of the runs drawn faint and dotted (ChartOptions.faintRuns). */
export const FAINT_RUNS_SIGNAL = 'faintRuns';

/** Every signal a spec carries the value of (see above); STEP_MAX_SIGNAL is one. */
export const VALUE_SIGNALS: ReadonlySet<string> = new Set([
  RUN_LABELS_SIGNAL, FAINT_RUNS_SIGNAL, LEGEND_COLUMNS_SIGNAL, WINDOW_X_SIGNAL, WINDOW_Y_SIGNAL, SURFACE_CELLS_SIGNAL,
  STEP_MAX_SIGNAL, LOSS_FLOOR_SIGNAL, LOSS_CEILING_SIGNAL, LOSS_TITLE_SIGNAL,
]);

/** A spec cut into its structure and the values a kept view can take as signals and sizes. */
export interface SpecSignals {
  /**
   * The spec as JSON without the VALUE_SIGNALS' values and without its top-level width and
   * height: two specs with the same structure compile to the same Vega dataflow, up to signal
   * values and the plot size.
   */
  readonly structure: string;
  /** The VALUE_SIGNALS the spec declares, with their values. */
  readonly values: ReadonlyMap<string, unknown>;
  readonly width?: number;
  readonly height?: number;
}

/** Cuts `spec` into its structure and its signal values and size (see SpecSignals). */
export function specSignals(spec: TopLevelSpec): SpecSignals {
  const { width, height, params, ...rest } = spec as unknown as Json & { width?: unknown; height?: unknown; params?: Json[] };
  const values = new Map<string, unknown>();
  const kept = params?.map((p) => {
    if (typeof p.name !== 'string' || !VALUE_SIGNALS.has(p.name) || !('value' in p)) return p;
    values.set(p.name, p.value);
    const { value: _value, ...declared } = p;
    return declared;
  });
  return {
    structure: JSON.stringify({ ...rest, ...(kept ? { params: kept } : {}) }),
    values,
    ...(typeof width === 'number' ? { width } : {}),
    ...(typeof height === 'number' ? { height } : {}),
  };
}

/**
 * The named data of the heatmap image: one row, `url` (the image), `x0`, `x1`, `y0`, `y1` (where
 * it goes, data coordinates) and `lo`, `hi` (its least and greatest ℓ, for the colour legend).
 * See heatmap.ts.
 */
export const HEATMAP_SOURCE = 'heatmap';

/** The signal telling the panel how to draw the heatmap image: `{ scheme, contourColor, contourWidth }`. */
export const HEATMAP_STYLE_SIGNAL = 'heatmapStyle';

/** Contour line width in px. */
const CONTOUR_WIDTH = 0.8;

export interface LossChartOptions extends ChartOptions {
  /**
   * The lowest loss there is or will be (a known minimum, or the data's own minimum). When it is
   * above 0 the chart plots the loss itself on a log scale. When it is ≤ 0 the chart plots
   * `loss − floor + ε` (ε = max(1e-12, 1e-9·|floor|)) and says so on the axis title. When it is
   * undefined (a snippet whose minimum is unknown while points stream in) the chart finds the
   * minimum of the data itself and shifts only when some loss is ≤ 0.
   */
  readonly lossFloor?: number;
  /**
   * Top of the loss axis. A diverging run climbs to 1e12 × its start and would flatten every
   * other curve; with a ceiling its line leaves the plot at the top (its divergence marker stays).
   */
  readonly lossCeiling?: number;
}

export interface PathsChartOptions extends ChartOptions {
  /** The plotted window of the parameter plane. */
  readonly domain: Domain;
  /** Axis titles of the two plotted coordinates (default θ₀, θ₁). */
  readonly axisTitles?: readonly [string, string];
  /** Cells per axis of the surface grid (`surfaceGrid(domain, n)`); sets the heatmap's cell size. */
  readonly resolution?: number;
  /**
   * Draw the heatmap as one image (data `heatmap`, made by the live panel with `heatmapPixels`)
   * instead of a rectangle per cell; an invisible two-row layer of `surface` keeps the fill scale
   * and its colour legend. Default false (the CLI's static SVG keeps the rectangles).
   */
  readonly surfaceImage?: boolean;
  /** The heatmap's colour legend beside the plot (default true); a compact chart leaves it out. */
  readonly heatmapLegend?: boolean;
}

export type Json = Record<string, unknown>;

/**
 * A named data source. Rows arrive typed (numbers are numbers), so Vega-Lite's automatic parsing
 * (a `toNumber` formula per quantitative field, run on every streamed row) is turned off.
 */
export function named(name: string): Json {
  return { name, format: { parse: null } };
}

/** Default plot widths in px (the legend's column count depends on them). */
export const LINE_WIDTH = 480;
const PATHS_WIDTH = 380;

/**
 * Log-axis labels: only mantissas 1, 2 and 5 (the other ticks keep their grid line), plain between
 * 0.001 and 10⁴, exponent form outside (1e-7, 1e+6).
 */
export const LOG_AXIS = {
  labelExpr: "indexof([1, 2, 5], round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))) < 0 ? ''"
    + " : datum.value >= 0.001 && datum.value < 1e4 ? format(datum.value, '~g') : format(datum.value, '.0e')",
};
/** A legend or axis label only for a finite value (the surface's legend before the surface has come reads no "NaN"). */
const FINITE_LABEL = "isFinite(datum.value) ? datum.label : ''";
/** A y axis' title written across the top of the plot, from its left edge, held to the plot's width. */
const TITLE_ACROSS_THE_TOP = { titleAngle: 0, titleAlign: 'left', titleBaseline: 'bottom', titleX: 0, titleY: -8, titleLimit: { expr: 'width' } };
/** Steps are counts: 0, 250, 1,000, 1M. */
export const STEP_AXIS = { labelExpr: "datum.value >= 1e6 ? format(datum.value, '.3~s') : format(datum.value, ',~d')" };

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
function faintStroke(dotted: boolean): Json {
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
 * Vega expressions: the power of ten at or below / above `v` (> 0), written exactly (`1e-4`, not
 * `pow(10, -4)` = 0.00009999…); `every` decades apart (the live axis' floor moves two decades at
 * a time, so a loss falling over 12 decades changes the axis 6 times, not 12).
 */
export const decadeFloor = (v: string, every = 1): string => `toNumber('1e' + ${every} * floor(log(${v}) / LN10 / ${every} + 1e-9))`;
export const decadeCeil = (v: string): string => `toNumber('1e' + ceil(log(${v}) / LN10 - 1e-9))`;
/** Vega expression: the least of 1, 2, 5 × 10ᵏ at or above `v` (> 0). */
const niceCeil = (v: string): string => {
  const e = decadeFloor(v);
  return `(${v} <= ${e} ? 1 : ${v} <= 2 * ${e} ? 2 : ${v} <= 5 * ${e} ? 5 : 10) * ${e}`;
};
/**
 * Vega expression: the top of a live log axis, LOSS_CEILING_DECADES above the decade at or above
 * `plotted` (the signal `signal` in plotted units); null while `signal` is unset or not > 0.
 */
const ceilingAbove = (signal: string, plotted: string): string => `(isValid(${signal}) && isFinite(${plotted}) && ${plotted} > 0`
  + ` ? ${decadeCeil(plotted)} * ${10 ** LOSS_CEILING_DECADES} : null)`;
/** Vega expression: [min, max] of a field of every streamed row (NaN and null skipped). */
export const extentOf = (field: string): string => `extent(pluck(data('points'), '${field}'))`;

/**
 * The step axis: [0, STEP_MAX_SIGNAL] (the experiment's steps, the `steps` option, or live set by
 * the panel per run) and, live while that is unknown, [0, a 1–2–5 step above the data]; static
 * without `steps`, the data's.
 */
export function stepScale(o: ChartOptions): { scale?: Json; params: Json[] } {
  const steps = o.steps !== undefined && o.steps > 0 ? o.steps : null;
  if (!o.liveDomains) {
    if (steps === null) return { params: [] };
    return { scale: { domain: [0, { expr: STEP_MAX_SIGNAL }], nice: false, zero: true }, params: [{ name: STEP_MAX_SIGNAL, value: steps }] };
  }
  return {
    scale: { domain: [0, { expr: 'stepHi' }], nice: false },
    params: [
      { name: STEP_MAX_SIGNAL, value: steps },
      { name: 'stepExtent', expr: extentOf('step') },
      { name: 'stepHi', expr: `isValid(${STEP_MAX_SIGNAL}) && ${STEP_MAX_SIGNAL} > 0 ? ${STEP_MAX_SIGNAL}`
        + ` : isValid(stepExtent[1]) && stepExtent[1] > 0 ? ${niceCeil('stepExtent[1]')} : 10` },
    ],
  };
}

/**
 * A log value axis for streaming: [even decade below the least, decade above the greatest] of
 * `plot(extent)`, capped at `ceiling` (an expression) when that lies above the bottom.
 */
function liveLogScale(prefix: string, field: string, plot: (v: string) => string, ceiling?: string): { domain: Json[]; params: Json[] } {
  // `ceiling`: a Vega expression of the top's cap in plotted units, null for none.
  const ext = `${prefix}Extent`;
  const lo = `${prefix}Lo`;
  const hi = `${prefix}Hi`;
  const top = `(isValid(${ext}[1]) && isFinite(${plot(`${ext}[1]`)}) && ${plot(`${ext}[1]`)} > 0 ? ${decadeCeil(plot(`${ext}[1]`))} : 10)`;
  const cap = `${prefix}Cap`;
  const capped = ceiling
    ? `max(${lo} * 10, isValid(${cap}) && ${cap} > ${lo} ? min(${top}, ${cap}) : ${top})`
    : `max(${lo} * 10, ${top})`;
  return {
    domain: [{ expr: lo }, { expr: hi }],
    params: [
      ...(ceiling ? [{ name: cap, expr: ceiling }] : []),
      { name: ext, expr: extentOf(field) },
      { name: lo, expr: `isValid(${ext}[0]) && isFinite(${plot(`${ext}[0]`)}) && ${plot(`${ext}[0]`)} > 0 ? ${decadeFloor(plot(`${ext}[0]`), 2)}`
        + ` : isValid(${ext}[1]) && ${plot(`${ext}[1]`)} > 0 ? ${decadeFloor(`${plot(`${ext}[1]`)} * 1e-6`)} : 1` },
      { name: hi, expr: capped },
    ],
  };
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
function hoverLayer(o: ChartOptions, name: string, x: Json, y: Json, transform: Json[]): Json[] {
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

/** Marks where runs diverged: a dashed rule at the step and a cross at the top, with the reason. */
function divergenceLayers(o: ChartOptions, x: Json): Json[] {
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'run' },
    { field: 'step', type: 'quantitative', title: 'diverged at step' },
    { field: 'message', type: 'nominal', title: 'why' },
  ];
  return [
    {
      data: named('events'),
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2, clip: true },
      encoding: { x, color: runColorEncoding(o), tooltip },
    },
    {
      data: named('events'),
      mark: { type: 'point', shape: 'cross', filled: true, size: 90, angle: 45, clip: true },
      encoding: { x, y: { value: 6 }, color: runColorEncoding(o), tooltip },
    },
  ];
}

/** The loss axis title for a floor: it says what is plotted. */
function lossTitle(floor: number | undefined): string {
  if (floor === undefined) return 'loss (log scale; loss − min + ε when some loss ≤ 0)';
  if (floor > 0) return 'loss (log scale)';
  const eps = Math.max(1e-12, 1e-9 * Math.abs(floor));
  return floor === 0 ? `loss + ε (log scale, ε = ${formatNumber(eps)})`
    : `loss − min + ε (log scale, min = ${formatNumber(floor)}, ε = ${formatNumber(eps)})`;
}

/**
 * `lossFloor` → the transform computing `plotLoss`, the axis title that says what it is, and
 * `plot(v)`: the same map as a Vega expression of a loss `v` (for the live axis domain).
 *
 * Live, the shift is one signal, `lossShift`, from LOSS_FLOOR_SIGNAL (0 above a floor > 0,
 * floor − ε at or below 0) or, with no floor known, from the data's least loss: it changes only
 * with the floor or while some loss is ≤ 0 and falling, so streamed points do not rewrite every
 * row (a joinaggregate would, on each new minimum), and a new floor is a signal update.
 */
function lossTransform(floor: number | undefined, live: boolean): { transform: Json[]; title: string; plot: (v: string) => string; params: Json[] } {
  const finite = { filter: 'isValid(datum.loss) && isFinite(datum.loss)' };
  const positive = { filter: 'datum.plotLoss > 0' };
  const title = lossTitle(floor);
  if (live) {
    const shift = 'lossShift';
    const f = LOSS_FLOOR_SIGNAL;
    return {
      transform: [finite, { calculate: `datum.loss - ${shift}`, as: 'plotLoss' }, positive],
      title, plot: (v) => `(${v} - ${shift})`,
      params: [
        { name: f, value: floor ?? null },
        { name: LOSS_TITLE_SIGNAL, value: title },
        { name: 'lossMinExtent', expr: extentOf('loss') },
        { name: shift, expr: `isValid(${f}) && isFinite(${f}) ? (${f} > 0 ? 0 : ${f} - max(1e-12, 1e-9 * abs(${f})))`
          + ' : isValid(lossMinExtent[0]) && isFinite(lossMinExtent[0]) && lossMinExtent[0] <= 0'
          + ' ? lossMinExtent[0] - max(1e-12, 1e-9 * abs(lossMinExtent[0])) : 0' },
      ],
    };
  }
  if (floor === undefined) {
    return {
      transform: [
        finite,
        { joinaggregate: [{ op: 'min', field: 'loss', as: 'minLoss' }] },
        { calculate: 'datum.minLoss > 0 ? datum.loss : datum.loss - datum.minLoss + max(1e-12, 1e-9 * abs(datum.minLoss))', as: 'plotLoss' },
        positive,
      ],
      title, plot: (v) => v, params: [],
    };
  }
  if (floor > 0) return { transform: [finite, { calculate: 'datum.loss', as: 'plotLoss' }, positive], title, plot: (v) => v, params: [] };
  const eps = Math.max(1e-12, 1e-9 * Math.abs(floor));
  return {
    transform: [finite, { calculate: `datum.loss - (${floor}) + ${eps}`, as: 'plotLoss' }, positive],
    title, plot: (v) => `(${v} - (${floor}) + ${eps})`, params: [],
  };
}

/** Loss per step, log scale, one line per run; diverged runs marked where and why. */
export function lossChart(o: LossChartOptions): TopLevelSpec {
  const W = LINE_WIDTH;
  const live = o.liveDomains === true;
  const { transform, title, plot, params: shiftParams } = lossTransform(o.lossFloor, live);
  const steps = stepScale(o);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS, ...(steps.scale ? { scale: steps.scale } : {}) };
  const ceiling = o.lossCeiling !== undefined && Number.isFinite(o.lossCeiling) && o.lossCeiling > 0 ? o.lossCeiling : undefined;
  // Live: capped LOSS_CEILING_DECADES above the highest start (a signal), and at LOSS_CEILING_SIGNAL when set.
  const fromStart = ceilingAbove(LOSS_START_SIGNAL, plot(LOSS_START_SIGNAL));
  const c = LOSS_CEILING_SIGNAL;
  const cap = `(isValid(${c}) && isFinite(${c}) && ${c} > 0 ? min(${c}, isValid(${fromStart}) ? ${fromStart} : ${c}) : ${fromStart})`;
  const liveScale = live ? liveLogScale('loss', 'loss', plot, cap) : undefined;
  // Live, the title is LOSS_TITLE_SIGNAL: Vega-Lite 6 passes an ExprRef axis title through as a
  // Vega signal title (not in its JSON schema; test/charts/specs.test.ts checks the compiled axis).
  // Live, the title reads across the top of the plot (held to its width) rather than up its side: the
  // panel's loss plot is short, and a title along it (as long as 'loss − min + ε (log scale, …)') was cut.
  const y = { field: 'plotLoss', type: 'quantitative', title: live ? 'loss' : title,
    axis: live ? { ...LOG_AXIS, title: { expr: LOSS_TITLE_SIGNAL }, ...TITLE_ACROSS_THE_TOP } : LOG_AXIS,
    scale: { type: 'log', ...(liveScale ? { domain: liveScale.domain } : ceiling !== undefined ? { domainMax: ceiling } : {}) } };
  const params = live
    ? [...steps.params, ...shiftParams, { name: LOSS_START_SIGNAL, value: null }, { name: c, value: ceiling ?? null }, ...(liveScale?.params ?? [])]
    : steps.params;
  const line: Json = {
    data: named('points'),
    transform,
    mark: { type: 'line', clip: true, ...rowAria(o) },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' }, ...faintStroke(true) },
  };
  const body = overlaid(o, [line, ...hoverLayer(o, 'lossHover', x, y, transform), ...divergenceLayers(o, x)], line, params);
  return topLevel(o, W, 280, { layer: body.layer }, body.params);
}

/** A per-step line chart of one point field (learning rate, gradient norm). */
function stepChart(o: ChartOptions, field: 'lr' | 'gradNorm', title: string, log: boolean, hover: string): TopLevelSpec {
  const W = LINE_WIDTH;
  const transform = [{ filter: `isValid(datum.${field}) && isFinite(datum.${field})${log ? ` && datum.${field} > 0` : ''}` }];
  const steps = stepScale(o);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS, ...(steps.scale ? { scale: steps.scale } : {}) };
  const params: Json[] = [...steps.params];
  let scale: Json | undefined = log ? { type: 'log' } : undefined;
  if (o.liveDomains && log) {
    // The gradient norm: capped LOSS_CEILING_DECADES above the highest start, like the loss.
    const s = liveLogScale(field, field, (v) => v, ceilingAbove(GRAD_START_SIGNAL, GRAD_START_SIGNAL));
    scale = { type: 'log', domain: s.domain };
    params.push({ name: GRAD_START_SIGNAL, value: null }, ...s.params);
  } else if (o.liveDomains) {
    // Linear (the learning rate): from 0 (or a 1–2–5 step below a negative least) to a 1–2–5 step above the greatest.
    const ext = `${field}Extent`;
    params.push(
      { name: ext, expr: extentOf(field) },
      { name: `${field}Hi`, expr: `isValid(${ext}[1]) && isFinite(${ext}[1]) && ${ext}[1] > 0 ? ${niceCeil(`${ext}[1]`)} : 1` },
      { name: `${field}Lo`, expr: `isValid(${ext}[0]) && isFinite(${ext}[0]) && ${ext}[0] < 0 ? -(${niceCeil(`(-${ext}[0])`)}) : 0` },
    );
    scale = { domain: [{ expr: `${field}Lo` }, { expr: `${field}Hi` }], nice: false, zero: false };
  }
  const y = { field, type: 'quantitative', title, ...(scale ? { scale } : {}), ...(log ? { axis: LOG_AXIS } : { axis: { format: '~g' } }) };
  const line: Json = {
    data: named('points'),
    transform,
    // A learning rate holds for a whole step; a gradient norm is a sample.
    mark: { type: 'line', clip: true, ...rowAria(o), interpolate: field === 'lr' ? 'step-after' : 'linear' },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' } },
  };
  const body = overlaid(o, [line, ...hoverLayer(o, hover, x, y, transform)], line, params);
  return topLevel(o, W, 180, { layer: body.layer }, body.params);
}

/** The learning rate each update used (the schedule's value), per step. */
export function learningRateChart(o: ChartOptions): TopLevelSpec {
  return stepChart(o, 'lr', 'learning rate η', false, 'lrHover');
}

/** The gradient's global norm at each step, log scale. */
export function gradNormChart(o: ChartOptions): TopLevelSpec {
  return stepChart(o, 'gradNorm', 'gradient norm ‖∇J‖ (log scale)', true, 'gradHover');
}

/**
 * Parameter paths over the loss surface: a heatmap of log₁₀(loss − min) (colour scheme from the
 * theme), contour lines (precomputed by `contourRows`, data `contours`), one path per run (over a
 * halo of the background colour, so two line marks per run), each
 * run's start point (step 0) and the known minima (data `minima`).
 */
export function pathsChart(o: PathsChartOptions): TopLevelSpec {
  const W = PATHS_WIDTH;
  const n = o.resolution ?? 60;
  const [xTitle, yTitle] = o.axisTitles ?? ['θ₀', 'θ₁'];
  // The window is two signals (WINDOW_X_SIGNAL, WINDOW_Y_SIGNAL): the live panel moves it on a kept view.
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: { expr: WINDOW_X_SIGNAL }, nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: { expr: WINDOW_Y_SIGNAL }, nice: false, zero: false } };
  const inPlane = { filter: 'isValid(datum.x) && isFinite(datum.x) && isValid(datum.y) && isFinite(datum.y)' };
  const style = o.surfaceImage ? [{ name: HEATMAP_STYLE_SIGNAL, value: { scheme: o.theme.scheme, schemeExtent: [...o.theme.schemeExtent], contourColor: o.theme.contourColor, contourWidth: CONTOUR_WIDTH } }] : [];
  const params = [
    { name: WINDOW_X_SIGNAL, value: [...o.domain.x] }, { name: WINDOW_Y_SIGNAL, value: [...o.domain.y] },
    ...(o.surfaceImage ? [] : [{ name: SURFACE_CELLS_SIGNAL, value: n }]),
    ...style,
  ];
  const line: Json = {
    data: named('points'),
    transform: [inPlane],
    mark: { type: 'line', clip: true, strokeWidth: 2.2, point: false, ...rowAria(o) },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' }, ...faintStroke(true) },
  };
  const layers: Json[] = [
    ...surfaceLayers(o, x, y, xTitle, yTitle),
    // With the heatmap image, the contour lines are drawn into it (heatmap.ts).
    ...(o.surfaceImage ? [] : [{
      data: named('contours'),
      mark: { type: 'line', clip: true, strokeWidth: CONTOUR_WIDTH, color: o.theme.contourColor, interpolate: 'linear', aria: false },
      encoding: { x, y, detail: { field: 'contour', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } },
    }]),
    {
      // A casing under each path keeps it readable over any colour of the heatmap (≥ 3:1 both ways: theme.ts `pathCasingOf`).
      data: named('points'),
      transform: [inPlane],
      mark: { type: 'line', clip: true, strokeWidth: 4.5, opacity: 1, aria: false },
      encoding: { x, y, stroke: casingEncoding(o.theme, { expr: RUN_LABELS_SIGNAL }), detail: { field: 'label', type: 'nominal' }, order: { field: 'step', type: 'quantitative' }, ...faintStroke(false) },
    },
    line,
    ...hoverLayer(o, 'pathHover', x, y, [inPlane]),
    {
      data: named('points'),
      transform: [inPlane, { filter: 'datum.step === 0' }],
      mark: { type: 'point', shape: 'circle', size: 70, filled: true, fill: o.theme.background, strokeWidth: 2, clip: true },
      encoding: { x, y, stroke: { value: o.theme.foreground }, tooltip: [{ field: 'params', type: 'nominal', title: 'start' }] },
    },
    {
      data: named('minima'),
      mark: { type: 'point', shape: 'diamond', size: 110, filled: true, color: o.theme.accent, stroke: pathCasingOf(o.theme, o.theme.accent), strokeWidth: 1.5, clip: true },
      encoding: { x, y, tooltip: [{ field: 'label', type: 'nominal', title: 'known minimum' }] },
    },
    {
      // The Hessian's shape at the step shown (curvature on; ellipse.ts).
      data: named('ellipse'),
      mark: { type: 'line', clip: true, strokeWidth: 1.6, color: o.theme.foreground, strokeDash: [3, 2], aria: false },
      encoding: { x, y, order: { field: 'order', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'curvature' }] },
    },
  ];
  const body = overlaid(o, layers, line, params);
  return topLevel(o, W, 320, { layer: body.layer }, body.params);
}

/**
 * The heatmap of log₁₀(loss − min + δ) (see heatmap.ts): a rectangle per grid cell, or (with
 * `surfaceImage`) the `heatmap` image under an invisible two-row layer (the surface's least and
 * greatest loss, drawn with zero size) that carries the fill scale and its colour legend.
 */
function surfaceLayers(o: PathsChartOptions, x: Json, y: Json, xTitle: string, yTitle: string): Json[] {
  const logLoss: Json[] = [
    { joinaggregate: [{ op: 'min', field: 'loss', as: 'minLoss' }, { op: 'max', field: 'loss', as: 'maxLoss' }] },
    { calculate: LOG_LOSS_EXPR, as: 'logLoss' },
  ];
  const fill = { field: 'logLoss', type: 'quantitative', title: 'log₁₀(loss − min)',
    scale: { scheme: { name: o.theme.scheme, extent: [...o.theme.schemeExtent] }, zero: false, nice: false }, legend: o.heatmapLegend === false ? null : { orient: 'right', gradientLength: 120, labelExpr: FINITE_LABEL } };
  if (o.surfaceImage) {
    return [
      {
        data: named(HEATMAP_SOURCE),
        mark: { type: 'image', aspect: false, smooth: true, clip: true, aria: false, opacity: o.theme.surfaceOpacity },
        encoding: { url: { field: 'url', type: 'nominal' }, x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' } },
      },
      {
        // The legend's carrier: the image's least and greatest ℓ as two rows, drawn with zero size.
        data: named(HEATMAP_SOURCE),
        transform: [{ fold: ['lo', 'hi'], as: ['end', 'logLoss'] }],
        mark: { type: 'rect', clip: true, aria: false },
        encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x0' }, y: { ...y, field: 'y0' }, y2: { field: 'y0' }, fill },
      },
    ];
  }
  const cellX = `(${WINDOW_X_SIGNAL}[1] - ${WINDOW_X_SIGNAL}[0]) / ${SURFACE_CELLS_SIGNAL}`;
  const cellY = `(${WINDOW_Y_SIGNAL}[1] - ${WINDOW_Y_SIGNAL}[0]) / ${SURFACE_CELLS_SIGNAL}`;
  return [{
    data: named('surface'),
    transform: [
      ...logLoss,
      // A cell is the window over SURFACE_CELLS_SIGNAL (the grid's step, so it follows the window).
      // Cells overlap their neighbours so that anti-aliasing leaves no seams between them.
      { calculate: `datum.x - 0.5 * ${cellX}`, as: 'x0' }, { calculate: `datum.x + 0.75 * ${cellX}`, as: 'x1' },
      { calculate: `datum.y - 0.5 * ${cellY}`, as: 'y0' }, { calculate: `datum.y + 0.75 * ${cellY}`, as: 'y1' },
    ],
    mark: { type: 'rect', clip: true, aria: false },
    encoding: {
      x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' }, fill,
      tooltip: [
        { field: 'x', type: 'quantitative', title: xTitle, format: '.4~g' },
        { field: 'y', type: 'quantitative', title: yTitle, format: '.4~g' },
        { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
      ],
    },
  }];
}

/** A copy of `spec` with its named data inlined (top-level `datasets`), for files and the CLI. */
export function withDatasets(spec: TopLevelSpec, data: ChartData): TopLevelSpec {
  const datasets: Record<string, readonly object[]> = {
    points: data.points ?? [], surface: data.surface ?? [], contours: data.contours ?? [],
    minima: data.minima ?? [], events: data.events ?? [],
    ...(data.crossings ? { crossings: data.crossings } : {}),
  };
  return { ...spec, datasets } as unknown as TopLevelSpec;
}

/** Names of the data sources the charts read, for a webview that resets them. */
export const DATA_SOURCES = ['points', 'surface', 'contours', 'minima', 'events', HEATMAP_SOURCE, 'crossings', 'ellipse'] as const;
