/**
 * The paths chart's own interactions: a click sets the start point there; hovering the heatmap
 * (away from the paths) shows the plotted coordinates and the loss of the surface's nearest grid
 * point, in the charts' tooltip (the same vega-tooltip handler the chart views use).
 */
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import { fromWire, type SurfaceData } from '../protocol';
import { thetaName } from './problemForm';
import type { Libraries } from './vegaTypes';

/** A path's point is "under" the pointer within this distance; farther, the heatmap's tooltip shows. */
const HOVER_NEAR_PX = 16;

type Scale = ((v: number) => number) & { invert(v: number): number };

export interface SurfaceInteraction {
  /** The surface shown (its grid and losses). */
  surface(): SurfaceData | undefined;
  /** The person clicked the plot at (x, y) in the plotted coordinates. */
  clicked(x: number, y: number): void;
}

export function attachSurfaceInteraction(view: View, libs: Libraries, o: SurfaceInteraction): void {
  view.addEventListener('click', (event) => {
    const at = plotPoint(view, event as MouseEvent);
    if (at) o.clicked(at.x, at.y);
  });
  const show = (event: Event, value: Record<string, string> | null): void => libs.tooltip.call(view as never, event as MouseEvent, null as never, value);
  let shown = false;
  view.addEventListener('pointermove', (event, item) => {
    // A path's point, start or minimum near the pointer has its own tooltip (the hover layer
    // offers the nearest point wherever the pointer is; it is only "near" within HOVER_NEAR_PX).
    if (item && (item as { tooltip?: unknown }).tooltip != null && nearPointer(view, event as MouseEvent, item)) return;
    const value = surfaceTooltip(view, event as MouseEvent, o.surface());
    if (value || shown) show(event, value);
    shown = value !== null;
  });
  view.container()?.addEventListener('pointerleave', (event) => {
    if (shown) show(event, null);
    shown = false;
  });
}

/** The plotted coordinates under the pointer, if it is inside the plot. */
export function plotPoint(view: View, ev: MouseEvent): { x: number; y: number } | undefined {
  const canvas = view.container()?.querySelector('canvas');
  if (!canvas) return undefined;
  const rect = canvas.getBoundingClientRect();
  const [ox, oy] = view.origin();
  const px = ev.clientX - rect.left - ox;
  const py = ev.clientY - rect.top - oy;
  if (px < 0 || py < 0 || px > view.width() || py > view.height()) return undefined;
  return { x: (view.scale('x') as Scale).invert(px), y: (view.scale('y') as Scale).invert(py) };
}

/** Whether the row of a scenegraph item (a point, or the hover layer's cell of one) is drawn within HOVER_NEAR_PX of the pointer. */
function nearPointer(view: View, ev: MouseEvent, item: unknown): boolean {
  const d = (item as { datum?: Record<string, unknown> }).datum;
  const row = d && typeof d.datum === 'object' && d.datum !== null ? d.datum as Record<string, unknown> : d;
  const at = plotPoint(view, ev);
  if (!row || !at || typeof row.x !== 'number' || typeof row.y !== 'number') return true;
  const sx = view.scale('x') as Scale;
  const sy = view.scale('y') as Scale;
  return Math.hypot(sx(row.x) - sx(at.x), sy(row.y) - sy(at.y)) <= HOVER_NEAR_PX;
}

/** The heatmap's tooltip at the pointer: θ's there and the loss of the surface's nearest grid point. */
function surfaceTooltip(view: View, ev: MouseEvent, s: SurfaceData | undefined): Record<string, string> | null {
  const at = plotPoint(view, ev);
  if (!s || !at || s.xs.length < 2 || s.ys.length < 2) return null;
  const nearest = (grid: readonly number[], v: number): number => {
    const step = (grid[grid.length - 1]! - grid[0]!) / (grid.length - 1);
    return Math.min(grid.length - 1, Math.max(0, Math.round((v - grid[0]!) / step)));
  };
  const i = nearest(s.xs, at.x);
  const j = nearest(s.ys, at.y);
  const loss = surfaceValues(s)[j * s.xs.length + i];
  const [dx, dy] = s.dims;
  return {
    [thetaName(dx)]: String(Number(at.x.toPrecision(4))),
    [thetaName(dy)]: String(Number(at.y.toPrecision(4))),
    [`loss at (${Number(s.xs[i]!.toPrecision(4))}, ${Number(s.ys[j]!.toPrecision(4))})`]:
      loss === undefined ? 'none' : Number.isFinite(loss) ? String(Number(loss.toPrecision(6))) : String(loss),
  };
}

let valuesCache: { surface: SurfaceData; values: number[] } | undefined;

/** The surface's losses as numbers (decoded once per surface). */
export function surfaceValues(s: SurfaceData): number[] {
  if (valuesCache?.surface !== s) valuesCache = { surface: s, values: fromWire(s.loss) };
  return valuesCache.values;
}
