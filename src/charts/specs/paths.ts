/** The paths chart: parameter paths over the loss surface (heatmap, contours, starts, minima, curvature). */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { Domain } from '../../engine/types';
import { LOG_LOSS_EXPR } from '../heatmap';
import { pathCasingOf } from '../theme';
import { medianPathLayers } from './seeds';
import { faintStroke, hasSeeds, hoverLayer, overlaid, rowAria, runCasingEncoding, runColorEncoding, topLevel } from './layers';
import { named, type ChartOptions, type Json } from './options';
import { HEATMAP_SOURCE, HEATMAP_STYLE_SIGNAL, SURFACE_CELLS_SIGNAL, WINDOW_X_SIGNAL, WINDOW_Y_SIGNAL } from './signals';

/** Contour line width in px. */
const CONTOUR_WIDTH = 0.8;

/** Default plot width in px. */
const PATHS_WIDTH = 380;

/** A legend or axis label only for a finite value (the surface's legend before the surface has come reads no "NaN"). */
const FINITE_LABEL = "isFinite(datum.value) ? datum.label : ''";

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
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' }, ...faintStroke(true, hasSeeds(o)) },
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
      encoding: { x, y, stroke: runCasingEncoding(o), detail: { field: 'label', type: 'nominal' }, order: { field: 'step', type: 'quantitative' }, ...faintStroke(false, hasSeeds(o)) },
    },
    line,
    ...medianPathLayers(o, x, y, inPlane),
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
