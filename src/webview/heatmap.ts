/**
 * The paths chart's heatmap image in the browser: the surface rows a view holds, coloured by the
 * view's own fill scale (the one its colour legend shows), one pixel per grid cell, as a PNG
 * `data:` URL for the chart's `image` mark (the panel's CSP allows `img-src data:`). The pixels
 * and the formula are src/charts/heatmap.ts's; this file only owns the canvas.
 */
import { gridOfRows, heatmapBounds, heatmapPixels, type HeatmapBounds, type SurfaceRow } from '../charts';

/** The `heatmap` row of a surface: the image and where it goes. Undefined without rows. */
export function heatmapRow(rows: readonly SurfaceRow[], color: (logLoss: number) => string): (HeatmapBounds & { url: string }) | undefined {
  if (rows.length === 0) return undefined;
  const grid = gridOfRows(rows);
  const canvas = document.createElement('canvas');
  canvas.width = grid.xs.length;
  canvas.height = grid.ys.length;
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  const image = context.createImageData(canvas.width, canvas.height);
  image.data.set(heatmapPixels(grid, color));
  context.putImageData(image, 0, 0);
  return { url: canvas.toDataURL('image/png'), ...heatmapBounds(grid.xs, grid.ys) };
}
