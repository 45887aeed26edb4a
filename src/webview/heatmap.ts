/**
 * The paths chart's heatmap image in the browser: the loss surface coloured by the theme's scheme
 * (as the chart's colour legend maps it), the contour lines over it, as a PNG `data:` URL for the
 * chart's `image` mark (the panel's CSP allows `img-src data:`). The numbers are
 * src/charts/heatmap.ts's; this file only owns the canvases.
 *
 * The image is twice the plot's size (sharp on high-density screens and in the 2× PNG export):
 * one pixel per grid cell scaled up without smoothing (cells stay crisp, as the CLI's
 * rectangles), then the contours drawn at that size.
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
 * Undefined without a finite loss. The pixels are drawn at once; the PNG is encoded off the main
 * thread (`toBlob`; a synchronous `toDataURL` of a plot-sized canvas takes tens of milliseconds).
 */
export async function heatmapRow(surface: readonly SurfaceRow[], contours: readonly ContourRow[], style: HeatmapStyle,
  scheme: (t: number) => string, plotWidth: number, plotHeight: number): Promise<HeatmapRow | undefined> {
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
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(cells.width, Math.round(plotWidth * scale));
  canvas.height = Math.max(cells.height, Math.round(plotHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.imageSmoothingEnabled = false;
  context.drawImage(cells, 0, 0, canvas.width, canvas.height);
  const bounds = heatmapBounds(grid.xs, grid.ys);
  context.strokeStyle = style.contourColor;
  context.lineWidth = style.contourWidth * (canvas.width / Math.max(1, plotWidth));
  context.lineJoin = 'round';
  context.beginPath();
  for (const path of contourPaths(contours, bounds, canvas.width, canvas.height)) {
    context.moveTo(path[0]!, path[1]!);
    for (let k = 2; k < path.length; k += 2) context.lineTo(path[k]!, path[k + 1]!);
  }
  context.stroke();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) return undefined;
  // A data: URL, not a blob: one: the exported SVG carries the image itself.
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the heatmap image could not be read'));
    reader.readAsDataURL(blob);
  });
  return { url, ...bounds, lo, hi };
}
