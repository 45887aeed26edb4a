/**
 * The loss surface's heatmap as one image instead of a rectangle per grid cell.
 *
 * The paths chart colours each cell of the surface grid by
 *
 *     c(x, y) = scheme((ℓ(x, y) − ℓ_lo) / (ℓ_hi − ℓ_lo)),   ℓ = log₁₀(loss − min + δ),
 *     δ = max(1e-12, 1e-6 · (max − min)),
 *
 * (min, max over the grid; ℓ_lo, ℓ_hi the extremes of ℓ). As 3,600–4,096 `rect` marks, every
 * repaint of the plot (a streamed path crosses all of it) walks and fills every cell; as one image
 * it is one `drawImage`. The live panel draws the image (`heatmapPixels` into a canvas, the contour
 * lines over it, `contourPaths`; a `data:` URL into an `image` mark) and keeps the colour legend
 * from a two-row layer carrying the same fill scale; the surface and contour rows never enter the
 * chart's dataflow. The CLI keeps rectangles and vector contours (static SVG, no canvas in Node).
 *
 * `LOG_LOSS_EXPR` (the spec's Vega expression) and `logLossValues` (the image's numbers) are the
 * same formula, kept side by side so they cannot drift apart.
 */
import type { ContourRow, SurfaceRow } from './rows';

/** Vega expression of ℓ for a surface row with `minLoss`/`maxLoss` joined in (see pathsChart). */
export const LOG_LOSS_EXPR = 'log(datum.loss - datum.minLoss + max(1e-12, 1e-6 * (datum.maxLoss - datum.minLoss))) / LN10';

/** ℓ of every finite loss (NaN elsewhere), and the extremes `lo`, `hi` of ℓ (NaN when no loss is finite). */
export function logLossValues(losses: ArrayLike<number>): { values: Float64Array; lo: number; hi: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const values = new Float64Array(losses.length).fill(NaN);
  if (!(max >= min)) return { values, lo: NaN, hi: NaN };
  const delta = Math.max(1e-12, 1e-6 * (max - min));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i] as number;
    if (!Number.isFinite(v)) continue;
    const l = Math.log(v - min + delta) / Math.LN10;
    values[i] = l;
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  return { values, lo, hi };
}

/** A surface grid recovered from its rows: cell centres `xs`, `ys` (ascending) and row-major `ys × xs` losses (NaN where no row). */
export interface SurfaceGridValues {
  readonly xs: number[];
  readonly ys: number[];
  readonly losses: Float64Array;
}

/** The grid behind surface rows (`surfaceRows` leaves out non-finite cells; they come back as NaN). */
export function gridOfRows(rows: readonly SurfaceRow[]): SurfaceGridValues {
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const ys = [...new Set(rows.map((r) => r.y))].sort((a, b) => a - b);
  const xi = new Map(xs.map((x, i) => [x, i]));
  const yi = new Map(ys.map((y, j) => [y, j]));
  const losses = new Float64Array(xs.length * ys.length).fill(NaN);
  for (const r of rows) losses[(yi.get(r.y) as number) * xs.length + (xi.get(r.x) as number)] = r.loss;
  return { xs, ys, losses };
}

/** Where the image goes in data coordinates: the outer edges of the grid's cells. */
export interface HeatmapBounds { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number }

/** The outer edges of a grid of cell centres (half a cell beyond the first and last centre). */
export function heatmapBounds(xs: readonly number[], ys: readonly number[]): HeatmapBounds {
  const edge = (a: readonly number[]): [number, number] => {
    const first = a[0] as number;
    const last = a[a.length - 1] as number;
    const half = a.length > 1 ? (last - first) / (a.length - 1) / 2 : 0.5;
    return [first - half, last + half];
  };
  const [x0, x1] = edge(xs);
  const [y0, y1] = edge(ys);
  return { x0, x1, y0, y1 };
}

/** A colour as CSS text (`#rrggbb`, `rgb(r, g, b)`, `rgba(r, g, b, a)`) → [r, g, b, a] in 0–255. */
export function parseColor(css: string): [number, number, number, number] {
  const s = css.trim();
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (hex) {
    const n = Number.parseInt(hex[1] as string, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, hex[2] ? Number.parseInt(hex[2], 16) : 255];
  }
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(s);
  if (short) return [1, 2, 3].map((k) => Number.parseInt((short[k] as string).repeat(2), 16)).concat(255) as [number, number, number, number];
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(s);
  if (fn) {
    const a = fn[4] === undefined ? 1 : Number(fn[4]);
    return [Number(fn[1]), Number(fn[2]), Number(fn[3]), Math.round(a * 255)].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as [number, number, number, number];
  }
  throw new Error(`heatmap colour "${css}" is not #rrggbb, rgb() or rgba()`);
}

/**
 * RGBA pixels of the heatmap, one pixel per grid cell, top row first (the highest y), as a canvas'
 * `ImageData` wants them. `color(ℓ)` is the chart's fill scale (Vega's `view.scale('fill')`, or the
 * scheme applied to `(ℓ − lo)/(hi − lo)`); cells without a finite loss are transparent.
 */
export function heatmapPixels(grid: SurfaceGridValues, color: (logLoss: number) => string): Uint8ClampedArray {
  const w = grid.xs.length;
  const h = grid.ys.length;
  const { values } = logLossValues(grid.losses);
  const out = new Uint8ClampedArray(w * h * 4);
  const cache = new Map<string, [number, number, number, number]>();
  for (let j = 0; j < h; j++) {
    const row = h - 1 - j;
    for (let i = 0; i < w; i++) {
      const l = values[j * w + i] as number;
      if (!Number.isFinite(l)) continue;
      const css = color(l);
      let rgba = cache.get(css);
      if (!rgba) {
        rgba = parseColor(css);
        cache.set(css, rgba);
      }
      out.set(rgba, (row * w + i) * 4);
    }
  }
  return out;
}

/** The colour of ℓ in a scheme (`vega.scheme(name)`): its place in [lo, hi], as the legend's sequential scale maps it. */
export function schemeColor(scheme: (t: number) => string, lo: number, hi: number): (logLoss: number) => string {
  const span = hi - lo;
  return (l) => scheme(span > 0 ? (l - lo) / span : 0.5);
}

/**
 * Contour polylines in image pixels: each contour's vertices (rows in `order`) mapped from data
 * coordinates within `bounds` to a `width × height` image whose first row is the highest y.
 */
export function contourPaths(rows: readonly ContourRow[], bounds: HeatmapBounds, width: number, height: number): number[][] {
  const byContour = new Map<number, ContourRow[]>();
  for (const r of rows) {
    const list = byContour.get(r.contour);
    if (list) list.push(r);
    else byContour.set(r.contour, [r]);
  }
  const sx = width / (bounds.x1 - bounds.x0);
  const sy = height / (bounds.y1 - bounds.y0);
  const paths: number[][] = [];
  for (const list of byContour.values()) {
    list.sort((a, b) => a.order - b.order);
    const path: number[] = [];
    for (const r of list) path.push((r.x - bounds.x0) * sx, (bounds.y1 - r.y) * sy);
    if (path.length >= 4) paths.push(path);
  }
  return paths;
}
