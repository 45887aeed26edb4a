/**
 * The loss surface behind the paths chart: where its grid lies over the two coordinates shown
 * (the loss's domain when it declares one, else around the point the slice goes through), and the
 * `SurfaceData` the webview draws from the loss's values on it.
 */
import type { LossInfo, SurfaceData } from '../protocol';
import type { SessionInfo } from '../snippet/types';

export interface SurfaceGrid { readonly xs: Float64Array; readonly ys: Float64Array }

/** `n` × `n` points over coordinates `dims` of a slice through `at`. */
export function surfaceGrid(info: LossInfo | SessionInfo, dims: readonly [number, number], at: readonly number[], n: number): SurfaceGrid {
  const [a, b] = dims;
  const span = (c: number): [number, number] => [c - Math.max(1, 2 * Math.abs(c)), c + Math.max(1, 2 * Math.abs(c))];
  const xr = info.domain && a === 0 ? info.domain.x : info.domain && a === 1 ? info.domain.y : span(at[a]);
  const yr = info.domain && b === 1 ? info.domain.y : info.domain && b === 0 ? info.domain.x : span(at[b]);
  const grid = (r: readonly [number, number]): Float64Array => Float64Array.from({ length: n }, (_, i) => r[0] + ((r[1] - r[0]) * i) / (n - 1));
  return { xs: grid(xr), ys: grid(yr) };
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
