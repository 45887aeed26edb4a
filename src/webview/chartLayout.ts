/**
 * Where the panel's parts go and how big each chart is, from the panel's size alone (pure, so it
 * is tested without a browser). The rule: the loss chart and the paths chart are on screen when
 * the panel opens, at every width, and stay there while the settings scroll.
 *
 * - wide (≥ WIDE_MIN px): the settings are a column on the left that scrolls on its own; the
 *   charts take the rest, the loss and paths charts side by side, the others below them;
 * - narrow: the loss and paths charts on top (side by side when both fit, else one above the
 *   other, the paths plot as large as the first screen allows), the settings below them, the other
 *   charts after the settings, in one scrolling column; the charts stay at its top while the
 *   settings scroll when that leaves the settings enough room (`stickyCharts`).
 *
 * Sizes are the plot areas (Vega-Lite's width and height, without axes and legends), whose
 * decorations `DECOR` estimates.
 */
import type { ChartName } from '../protocol';

/** Panel width from which the settings become a side column. */
export const WIDE_MIN = 1100;
/** Width of the settings column when wide. */
export const SETTINGS_WIDTH = 380;
/** Charts side by side when each gets at least this much width. */
const SIDE_BY_SIDE_MIN = 300;

/** Narrow, the charts stay at the top only when they take at most this share of the panel's height below its chrome. */
const STICKY_SHARE = 0.62;

/** Space around a plot: axes, titles, legend and card padding (px). */
const DECOR = { width: 86, pathsHeight: 86, stepHeight: 70, heatmapLegend: 64 };

/**
 * Height of the loss card around its plot: heading, the axis title across the top, the step axis,
 * padding (104 px) and the legend below, a line per run.
 */
export function lossDecorHeight(runs: number): number {
  return 104 + 13 * Math.max(1, runs);
}

/** Height of the paths card around its plot: heading, the x axis and its title, padding. */
export const PATHS_DECOR_HEIGHT = DECOR.pathsHeight;

export interface ChartBox { readonly width: number; readonly height: number }

export interface PanelLayout {
  readonly mode: 'wide' | 'narrow';
  /** The primary charts (loss, paths) side by side. */
  readonly sideBySide: boolean;
  /** Plot sizes by chart. */
  readonly charts: Readonly<Record<ChartName, ChartBox>>;
  /** Narrow: the loss and paths charts stay at the top while the settings scroll under them. */
  readonly stickyCharts: boolean;
  /** The paths chart's colour legend: to the right of the plot, or left out (a compact chart). */
  readonly heatmapLegend: 'right' | 'none';
}

/**
 * The layout of a panel `width × height` px (its viewport, below the toolbar and playback bar,
 * `chrome` px tall), for a paths window of aspect `aspect` (height / width of the plotted window)
 * and `runs` runs (the loss chart's legend has a line per run).
 */
export function panelLayout(width: number, height: number, chrome: number, aspect = 1, runs = 3): PanelLayout {
  const lossDecor = lossDecorHeight(runs);
  const wide = width >= WIDE_MIN;
  const area = Math.max(280, wide ? width - SETTINGS_WIDTH - 36 : width - 24);
  const available = Math.max(260, height - chrome - 16);
  const sideBySide = area / 2 >= SIDE_BY_SIDE_MIN;
  const ratio = Number.isFinite(aspect) && aspect > 0 ? Math.min(2, Math.max(0.5, aspect)) : 1;
  const legend: 'right' | 'none' = sideBySide ? (area / 2 >= 420 ? 'right' : 'none') : area >= 520 ? 'right' : 'none';
  const legendWidth = legend === 'right' ? DECOR.heatmapLegend : 0;
  let loss: ChartBox;
  let paths: ChartBox;
  if (sideBySide) {
    const column = Math.floor((area - 12) / 2);
    // Both in one row, as tall as the row allows: the paths plot keeps its window's aspect.
    const rowHeight = Math.min(available, wide ? 520 : Math.max(300, Math.round(available * 0.72)));
    let pw = column - DECOR.width - legendWidth;
    let ph = Math.round(pw * ratio);
    if (ph > rowHeight - DECOR.pathsHeight) {
      ph = rowHeight - DECOR.pathsHeight;
      pw = Math.round(ph / ratio);
    }
    paths = { width: Math.max(140, pw), height: Math.max(140, ph) };
    loss = { width: Math.max(160, column - DECOR.width), height: Math.max(120, paths.height + DECOR.pathsHeight - lossDecor) };
  } else {
    // One above the other (narrow: a column beside the Welcome page or a followed file): the loss
    // chart short and wide, the paths plot as large as the rest of the first screen allows.
    const lossHeight = Math.max(90, Math.min(160, Math.round(available * 0.18)));
    const room = Math.max(150, available - lossHeight - lossDecor - DECOR.pathsHeight);
    let pw = area - DECOR.width - legendWidth;
    let ph = Math.round(pw * ratio);
    if (ph > room) {
      ph = room;
      pw = Math.round(ph / ratio);
    }
    loss = { width: Math.max(160, area - DECOR.width), height: lossHeight };
    paths = { width: Math.max(140, pw), height: Math.max(140, ph) };
  }
  // Narrow, the charts stay at the top while the settings scroll under them only when that leaves
  // the settings a fair share of the panel; else they scroll with the rest (a short panel gives its
  // first screen to the charts, the settings follow below).
  const chartsHeight = sideBySide ? Math.max(loss.height + lossDecor, paths.height + DECOR.pathsHeight)
    : loss.height + lossDecor + paths.height + DECOR.pathsHeight;
  const stickyCharts = !wide && chartsHeight <= STICKY_SHARE * available;
  const secondaryWidth = wide && sideBySide ? Math.floor((area - 12) / 2) - DECOR.width : area - DECOR.width;
  const secondary = { width: Math.max(160, secondaryWidth), height: 110 };
  return { mode: wide ? 'wide' : 'narrow', sideBySide, stickyCharts, heatmapLegend: legend, charts: { loss, paths, lr: secondary, gradNorm: secondary, sharpness: { ...secondary, height: 150 }, rateMap: { width: Math.max(160, Math.min(secondary.width - 90, 360)), height: 200 } } };
}
