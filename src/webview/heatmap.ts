/**
 * The paths chart's heatmap image in the browser: the loss surface coloured by the theme's scheme
 * (as the chart's colour legend maps it), the contour lines over it, as an SVG `data:` URL for the
 * chart's `image` mark (the panel's CSP allows `img-src data:`). The numbers are
 * src/charts/heatmap.ts's; this file only owns the image.
 *
 * The SVG holds the grid as a PNG of one pixel per cell, scaled up without smoothing (cells stay
 * crisp, as the CLI's rectangles), and the contours as vector paths over it, in a view box twice the
 * plot's size (the contour width as drawn at that size). Nothing plot-sized is encoded: a PNG of
 * the whole plot took tens of milliseconds synchronously (`toDataURL`) or, asynchronously
 * (`toBlob`), waited for the page's idle time, which a playing panel does not have — the surface
 * then came seconds after the first points.
 */
import {
  contourPaths, gridOfRows, heatmapBounds, heatmapPixels, logLossValues, schemeColor,
  type ContourRow, type HeatmapBounds, type SurfaceRow,
} from '../charts';

/** How to draw it: the chart's HEATMAP_STYLE_SIGNAL. */
export interface HeatmapStyle {
  readonly scheme: string;
  /** The part of the scheme used (the theme's `schemeExtent`, as the legend's scale). */
  readonly schemeExtent?: readonly [number, number];
  readonly contourColor: string;
  readonly contourWidth: number;
}

/** The `heatmap` row: the image, where it goes, and its ℓ range (the colour legend's). */
export type HeatmapRow = HeatmapBounds & { readonly url: string; readonly lo: number; readonly hi: number };

/**
 * The `heatmap` row of a surface and its contours, for a plot `plotWidth × plotHeight` px.
 * Undefined without a finite loss.
 */
export function heatmapRow(surface: readonly SurfaceRow[], contours: readonly ContourRow[], style: HeatmapStyle,
  scheme: (t: number) => string, plotWidth: number, plotHeight: number): HeatmapRow | undefined {
  if (surface.length === 0) return undefined;
  const grid = gridOfRows(surface);
  const { lo, hi } = logLossValues(grid.losses);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  const cells = document.createElement('canvas');
  cells.width = grid.xs.length;
  cells.height = grid.ys.length;
  const cellContext = cells.getContext('2d');
  if (!cellContext) return undefined;
  const image = cellContext.createImageData(cells.width, cells.height);
  image.data.set(heatmapPixels(grid, schemeColor(scheme, lo, hi)));
  cellContext.putImageData(image, 0, 0);

  const scale = 2;
  const width = Math.max(cells.width, Math.round(plotWidth * scale));
  const height = Math.max(cells.height, Math.round(plotHeight * scale));
  const bounds = heatmapBounds(grid.xs, grid.ys);
  let d = '';
  for (const path of contourPaths(contours, bounds, width, height)) {
    d += `M${coordinate(path[0]!)} ${coordinate(path[1]!)}`;
    for (let k = 2; k < path.length; k += 2) d += `L${coordinate(path[k]!)} ${coordinate(path[k + 1]!)}`;
  }
  const lineWidth = style.contourWidth * (width / Math.max(1, plotWidth));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<image href="${cells.toDataURL('image/png')}" width="${width}" height="${height}" preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated"/>`
    + (d ? `<path d="${d}" fill="none" stroke="${attribute(style.contourColor)}" stroke-width="${coordinate(lineWidth)}" stroke-linejoin="round"/>` : '')
    + '</svg>';
  // A data: URL, not a blob: one: the exported SVG carries the image itself.
  return { url: `data:image/svg+xml;base64,${btoa(svg)}`, ...bounds, lo, hi };
}

/** A coordinate in the image, to a tenth of its (doubled) pixel. */
function coordinate(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function attribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
