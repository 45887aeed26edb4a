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
import { formatNumber, type ChartData } from './rows';
import { runColor, themeConfig, type ChartTheme } from './theme';

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
}

/**
 * The signal that turns the hover layers on and off without re-embedding (default true). A hover
 * layer finds the point nearest the pointer through a Voronoi diagram of every point it holds,
 * rebuilt on each data change: while points stream in, the panel sets it to false (the layer then
 * holds no rows) and back to true once the runs stop.
 */
export const HOVER_SIGNAL = 'hoverOn';

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
}

type Json = Record<string, unknown>;

/** Default plot widths in px (the legend's column count depends on them). */
const LINE_WIDTH = 480;
const PATHS_WIDTH = 380;

/**
 * Log-axis labels: only mantissas 1, 2 and 5 (the other ticks keep their grid line), plain between
 * 0.001 and 10⁴, exponent form outside (1e-7, 1e+6).
 */
const LOG_AXIS = {
  labelExpr: "indexof([1, 2, 5], round(datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9)))) < 0 ? ''"
    + " : datum.value >= 0.001 && datum.value < 1e4 ? format(datum.value, '~g') : format(datum.value, '.0e')",
};
/** Steps are counts: 0, 250, 1,000, 1M. */
const STEP_AXIS = { labelExpr: "datum.value >= 1e6 ? format(datum.value, '.3~s') : format(datum.value, ',~d')" };

const TOOLTIP = [
  { field: 'label', type: 'nominal', title: 'run' },
  { field: 'step', type: 'quantitative', title: 'step' },
  { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
  { field: 'params', type: 'nominal', title: 'params' },
];

/** The colour channel shared by every per-run mark; the legend gets as many columns as fit. */
function runColorEncoding(o: ChartOptions, width: number): Json {
  const longest = Math.max(1, ...o.runs.map((r) => r.length));
  const columnWidth = 28 + longest * o.theme.fontSize * 0.62;
  const columns = Math.max(1, Math.min(o.runs.length, Math.floor((o.width ?? width) / columnWidth)));
  return {
    field: 'label', type: 'nominal',
    scale: { domain: [...o.runs], range: o.runs.map((_, i) => runColor(o.theme, i)) },
    legend: { title: null, orient: 'bottom', columns, symbolType: 'stroke', labelLimit: 0 },
  };
}

function topLevel(o: ChartOptions, width: number, height: number, body: Json): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    width: o.width ?? width,
    height: o.height ?? height,
    config: themeConfig(o.theme),
    ...(o.interactive === false ? {} : { params: [{ name: HOVER_SIGNAL, value: true }] }),
    ...body,
  } as unknown as TopLevelSpec;
}

/**
 * ARIA of a mark with a row per step: kept in static files (SVG, where each line is described),
 * dropped in the live panel (canvas, no ARIA per item), where Vega-Lite would format a
 * description for every row again on every streamed update.
 */
function rowAria(o: ChartOptions): Json {
  return o.interactive === false ? {} : { aria: false };
}

/**
 * A hover layer: one (invisible until nearest to the pointer) point per row with the tooltip.
 * Lines alone cannot say which step the pointer is on.
 */
function hoverLayer(o: ChartOptions, W: number, name: string, x: Json, y: Json, transform: Json[]): Json[] {
  if (o.interactive === false) return [];
  return [{
    data: { name: 'points' },
    transform: [{ filter: HOVER_SIGNAL }, ...transform],
    params: [{ name, select: { type: 'point', on: 'pointerover', nearest: true, clear: 'pointerout' } }],
    mark: { type: 'point', filled: true, size: 36, clip: true, aria: false },
    encoding: {
      x, y, color: runColorEncoding(o, W),
      opacity: { condition: { param: name, empty: false, value: 1 }, value: 0 },
      tooltip: TOOLTIP,
    },
  }];
}

/** Marks where runs diverged: a dashed rule at the step and a cross at the top, with the reason. */
function divergenceLayers(o: ChartOptions, W: number): Json[] {
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'run' },
    { field: 'step', type: 'quantitative', title: 'diverged at step' },
    { field: 'message', type: 'nominal', title: 'why' },
  ];
  return [
    {
      data: { name: 'events' },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2, clip: true },
      encoding: { x: { field: 'step', type: 'quantitative' }, color: runColorEncoding(o, W), tooltip },
    },
    {
      data: { name: 'events' },
      mark: { type: 'point', shape: 'cross', filled: true, size: 90, angle: 45, clip: true },
      encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: 6 }, color: runColorEncoding(o, W), tooltip },
    },
  ];
}

/** `lossFloor` → the transform computing `plotLoss` and the axis title that says what it is. */
function lossTransform(floor: number | undefined): { transform: Json[]; title: string } {
  const finite = { filter: 'isValid(datum.loss) && isFinite(datum.loss)' };
  const positive = { filter: 'datum.plotLoss > 0' };
  if (floor === undefined) {
    return {
      transform: [
        finite,
        { joinaggregate: [{ op: 'min', field: 'loss', as: 'minLoss' }] },
        { calculate: 'datum.minLoss > 0 ? datum.loss : datum.loss - datum.minLoss + max(1e-12, 1e-9 * abs(datum.minLoss))', as: 'plotLoss' },
        positive,
      ],
      title: 'loss (log scale; loss − min + ε when some loss ≤ 0)',
    };
  }
  if (floor > 0) return { transform: [finite, { calculate: 'datum.loss', as: 'plotLoss' }, positive], title: 'loss (log scale)' };
  const eps = Math.max(1e-12, 1e-9 * Math.abs(floor));
  return {
    transform: [finite, { calculate: `datum.loss - (${floor}) + ${eps}`, as: 'plotLoss' }, positive],
    title: floor === 0 ? `loss + ε (log scale, ε = ${formatNumber(eps)})`
      : `loss − min + ε (log scale, min = ${formatNumber(floor)}, ε = ${formatNumber(eps)})`,
  };
}

/** Loss per step, log scale, one line per run; diverged runs marked where and why. */
export function lossChart(o: LossChartOptions): TopLevelSpec {
  const W = LINE_WIDTH;
  const { transform, title } = lossTransform(o.lossFloor);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS };
  const ceiling = o.lossCeiling !== undefined && Number.isFinite(o.lossCeiling) ? o.lossCeiling : undefined;
  const y = { field: 'plotLoss', type: 'quantitative', title, axis: LOG_AXIS,
    scale: { type: 'log', ...(ceiling !== undefined ? { domainMax: ceiling } : {}) } };
  return topLevel(o, W, 280, {
    layer: [
      {
        data: { name: 'points' },
        transform,
        mark: { type: 'line', clip: true, ...rowAria(o) },
        encoding: { x, y, color: runColorEncoding(o, W), order: { field: 'step', type: 'quantitative' } },
      },
      ...hoverLayer(o, W, 'lossHover', x, y, transform),
      ...divergenceLayers(o, W),
    ],
  });
}

/** A per-step line chart of one point field (learning rate, gradient norm). */
function stepChart(o: ChartOptions, field: 'lr' | 'gradNorm', title: string, log: boolean, hover: string): TopLevelSpec {
  const W = LINE_WIDTH;
  const transform = [{ filter: `isValid(datum.${field}) && isFinite(datum.${field})${log ? ` && datum.${field} > 0` : ''}` }];
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS };
  const y = { field, type: 'quantitative', title, ...(log ? { scale: { type: 'log' }, axis: LOG_AXIS } : { axis: { format: '~g' } }) };
  return topLevel(o, W, 180, {
    layer: [
      {
        data: { name: 'points' },
        transform,
        // A learning rate holds for a whole step; a gradient norm is a sample.
        mark: { type: 'line', clip: true, ...rowAria(o), interpolate: field === 'lr' ? 'step-after' : 'linear' },
        encoding: { x, y, color: runColorEncoding(o, W), order: { field: 'step', type: 'quantitative' } },
      },
      ...hoverLayer(o, W, hover, x, y, transform),
    ],
  });
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
  const dx = (o.domain.x[1] - o.domain.x[0]) / n;
  const dy = (o.domain.y[1] - o.domain.y[0]) / n;
  const [xTitle, yTitle] = o.axisTitles ?? ['θ₀', 'θ₁'];
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [...o.domain.x], nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: [...o.domain.y], nice: false, zero: false } };
  const inPlane = { filter: 'isValid(datum.x) && isFinite(datum.x) && isValid(datum.y) && isFinite(datum.y)' };
  return topLevel(o, W, 320, {
    layer: [
      {
        data: { name: 'surface' },
        transform: [
          { joinaggregate: [{ op: 'min', field: 'loss', as: 'minLoss' }, { op: 'max', field: 'loss', as: 'maxLoss' }] },
          { calculate: 'log(datum.loss - datum.minLoss + max(1e-12, 1e-6 * (datum.maxLoss - datum.minLoss))) / LN10', as: 'logLoss' },
          // Cells overlap their neighbours so that anti-aliasing leaves no seams between them.
          { calculate: `datum.x - ${dx * 0.5}`, as: 'x0' }, { calculate: `datum.x + ${dx * 0.75}`, as: 'x1' },
          { calculate: `datum.y - ${dy * 0.5}`, as: 'y0' }, { calculate: `datum.y + ${dy * 0.75}`, as: 'y1' },
        ],
        mark: { type: 'rect', clip: true, aria: false },
        encoding: {
          x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'y0' }, y2: { field: 'y1' },
          fill: { field: 'logLoss', type: 'quantitative', title: 'log₁₀(loss − min)', scale: { scheme: o.theme.scheme },
            legend: { orient: 'right', gradientLength: 120 } },
          tooltip: [
            { field: 'x', type: 'quantitative', title: xTitle, format: '.4~g' },
            { field: 'y', type: 'quantitative', title: yTitle, format: '.4~g' },
            { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
          ],
        },
      },
      {
        data: { name: 'contours' },
        mark: { type: 'line', clip: true, strokeWidth: 0.8, color: o.theme.contourColor, interpolate: 'linear', aria: false },
        encoding: { x, y, detail: { field: 'contour', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } },
      },
      {
        // A halo under each path keeps it readable over any colour of the heatmap.
        data: { name: 'points' },
        transform: [inPlane],
        mark: { type: 'line', clip: true, strokeWidth: 4, color: o.theme.background, opacity: 0.75, aria: false },
        encoding: { x, y, detail: { field: 'label', type: 'nominal' }, order: { field: 'step', type: 'quantitative' } },
      },
      {
        data: { name: 'points' },
        transform: [inPlane],
        mark: { type: 'line', clip: true, strokeWidth: 1.8, point: false, ...rowAria(o) },
        encoding: { x, y, color: runColorEncoding(o, W), order: { field: 'step', type: 'quantitative' } },
      },
      ...hoverLayer(o, W, 'pathHover', x, y, [inPlane]),
      {
        data: { name: 'points' },
        transform: [inPlane, { filter: 'datum.step === 0' }],
        mark: { type: 'point', shape: 'circle', size: 70, filled: true, fill: o.theme.background, strokeWidth: 2, clip: true },
        encoding: { x, y, stroke: { value: o.theme.foreground }, tooltip: [{ field: 'params', type: 'nominal', title: 'start' }] },
      },
      {
        data: { name: 'minima' },
        mark: { type: 'point', shape: 'diamond', size: 110, filled: true, color: o.theme.accent, stroke: o.theme.background, strokeWidth: 1, clip: true },
        encoding: { x, y, tooltip: [{ field: 'label', type: 'nominal', title: 'known minimum' }] },
      },
    ],
  });
}

/** A copy of `spec` with its named data inlined (top-level `datasets`), for files and the CLI. */
export function withDatasets(spec: TopLevelSpec, data: ChartData): TopLevelSpec {
  const datasets: Record<string, readonly object[]> = {
    points: data.points ?? [], surface: data.surface ?? [], contours: data.contours ?? [],
    minima: data.minima ?? [], events: data.events ?? [],
  };
  return { ...spec, datasets } as unknown as TopLevelSpec;
}

/** Names of the data sources the charts read, for a webview that resets them. */
export const DATA_SOURCES = ['points', 'surface', 'contours', 'minima', 'events'] as const;
