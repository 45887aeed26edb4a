/**
 * The loss surface behind the paths chart: where its grid lies over the two coordinates shown
 * (the loss's domain when it declares one, else around the point the slice goes through, widened
 * to the runs' paths once they are known), and the `SurfaceData` the webview draws from the loss's
 * values on it.
 */
import type { PointBatch } from '../engine/types';
import type { LossInfo, SurfaceData } from '../protocol';
import type { SessionInfo } from '../snippet/types';

export interface SurfaceGrid { readonly xs: Float64Array; readonly ys: Float64Array }

/** A window over the two coordinates shown: [least, greatest] of each. */
export interface SurfaceWindow { readonly x: readonly [number, number]; readonly y: readonly [number, number] }

/**
 * `n` × `n` points over coordinates `dims` of a slice through `at`, over `window` when given (the
 * runs' paths, `widenedWindow`).
 */
export function surfaceGrid(info: LossInfo | SessionInfo, dims: readonly [number, number], at: readonly number[], n: number, window?: SurfaceWindow): SurfaceGrid {
  const [a, b] = dims;
  const span = (c: number): [number, number] => [c - Math.max(1, 2 * Math.abs(c)), c + Math.max(1, 2 * Math.abs(c))];
  const xr = window ? window.x : info.domain && a === 0 ? info.domain.x : info.domain && a === 1 ? info.domain.y : span(at[a]);
  const yr = window ? window.y : info.domain && b === 1 ? info.domain.y : info.domain && b === 0 ? info.domain.x : span(at[b]);
  const grid = (r: readonly [number, number]): Float64Array => Float64Array.from({ length: n }, (_, i) => r[0] + ((r[1] - r[0]) * i) / (n - 1));
  return { xs: grid(xr), ys: grid(yr) };
}

/** Where the runs' paths went over coordinates `dims`: finite parameters only. */
export class PathExtent {
  private box: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];

  constructor(private readonly dims: readonly [number, number], private readonly dim: number) {}

  add(batches: readonly PointBatch[]): void {
    const [a, b] = this.dims;
    const box = this.box;
    for (const batch of batches) {
      for (let i = 0; i < batch.count; i++) {
        const x = batch.params[i * this.dim + a]!, y = batch.params[i * this.dim + b]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (x < box[0]) box[0] = x;
        if (x > box[1]) box[1] = x;
        if (y < box[2]) box[2] = y;
        if (y > box[3]) box[3] = y;
      }
    }
  }

  get window(): SurfaceWindow | undefined {
    const [x0, x1, y0, y1] = this.box;
    return x0 <= x1 && y0 <= y1 ? { x: [x0, x1], y: [y0, y1] } : undefined;
  }
}

/** How far a surface is widened to take in the paths, at most: this many times its span. */
const MAX_WIDENING = 8;

/**
 * The surface's window widened to take in `paths` (a twentieth of the span to spare), or undefined
 * when they lie inside it already. A path far outside (a run that diverged) widens it
 * MAX_WIDENING times at most: the surface stays readable; the path leaves it.
 */
export function widenedWindow(grid: SurfaceGrid, paths: SurfaceWindow | undefined): SurfaceWindow | undefined {
  if (!paths) return undefined;
  const widen = (g: Float64Array, [lo, hi]: readonly [number, number]): [number, number] | undefined => {
    const g0 = g[0]!, g1 = g[g.length - 1]!;
    if (lo >= g0 && hi <= g1) return undefined;
    const spare = (Math.max(hi, g1) - Math.min(lo, g0)) / 20;
    const most = (MAX_WIDENING - 1) * (g1 - g0) / 2;
    return [Math.max(g0 - most, Math.min(g0, lo - spare)), Math.min(g1 + most, Math.max(g1, hi + spare))];
  };
  const x = widen(grid.xs, paths.x), y = widen(grid.ys, paths.y);
  if (!x && !y) return undefined;
  return { x: x ?? [grid.xs[0]!, grid.xs[grid.xs.length - 1]!], y: y ?? [grid.ys[0]!, grid.ys[grid.ys.length - 1]!] };
}

/** The surface as the protocol carries it: non-finite losses as null, the loss's known minima (presets) beside. */
export function surfaceData(info: LossInfo | SessionInfo, grid: SurfaceGrid, dims: readonly [number, number], at: readonly number[],
  values: ArrayLike<number>): SurfaceData {
  const minima = 'minima' in info && info.minima ? info.minima : undefined;
  return {
    dims: [dims[0], dims[1]], xs: Array.from(grid.xs), ys: Array.from(grid.ys),
    loss: Array.from(values, (v) => (Number.isFinite(v) ? v : null)), at: [...at],
    ...(minima ? { minima: minima.map((m) => ({ params: [...m.params], loss: m.loss })) } : {}),
  };
}
