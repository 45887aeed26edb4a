/**
 * The rows of the charts' named data sources. Every spec reads its data by name (`points`,
 * `surface`, `contours`, `minima`, `events`) so that the webview embeds a spec once and streams
 * rows into it with `view.change(name, changeset().insert(rows))`, and the CLI supplies the same
 * rows inline through a top-level `datasets` block (see `withDatasets`).
 */
import type { Domain, PointBatch } from '../engine/types';

/** One step of one run. `x`/`y` are the two plotted coordinates of the parameters. */
export interface PointRow {
  /** Run index in the experiment (the colour is chosen by `label`). */
  readonly run: number;
  readonly label: string;
  readonly step: number;
  readonly loss: number;
  readonly x: number;
  readonly y: number;
  readonly gradNorm: number;
  readonly lr: number;
  /** Every parameter, formatted for the tooltip ("[1.2, -0.5]"). */
  readonly params: string;
  /**
   * With curvature (sharpness.ts, `withCurvature`): what the run's stability rule bounds — λmax(H),
   * or λmax(P⁻¹H) for adaptive optimizers (λmax(H) where no bound is known) — its name, and the
   * bound at this step's learning rate (null where none is known).
   */
  readonly curvature?: number;
  readonly measure?: string;
  readonly threshold?: number | null;
}

/** A loss value at the centre of a grid cell of the parameter plane. */
export interface SurfaceRow { readonly x: number; readonly y: number; readonly loss: number }

/** A vertex of a contour polyline: `contour` identifies the polyline, `order` the vertex in it. */
export interface ContourRow { readonly contour: number; readonly level: number; readonly order: number; readonly x: number; readonly y: number }

/** A known minimum of the loss. */
export interface MinimumRow { readonly x: number; readonly y: number; readonly loss: number; readonly label: string }

/** Where and why a run diverged. `loss` is the last finite loss before it (null when none). */
export interface EventRow {
  readonly run: number;
  readonly label: string;
  readonly step: number;
  readonly loss: number | null;
  readonly message: string;
}

/** All named data of a chart, as the CLI inlines it. Missing names are empty sources. */
export interface ChartData {
  readonly points?: readonly PointRow[];
  readonly surface?: readonly SurfaceRow[];
  readonly contours?: readonly ContourRow[];
  readonly minima?: readonly MinimumRow[];
  readonly events?: readonly EventRow[];
  /** Where runs crossed their stability thresholds (sharpness.ts). */
  readonly crossings?: readonly CrossingRow[];
}

/** A step at which a run's curvature went above its threshold, with the warning. */
export interface CrossingRow {
  readonly run: number;
  readonly label: string;
  readonly step: number;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
}

/** Shortest readable form of a number for tooltips and tables (6 significant digits). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(6)));
  return v.toExponential(4).replace(/\.?0+e/, 'e');
}

/** "[1.2, -0.5]" for the tooltip. */
export function formatParams(params: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < params.length; i++) parts.push(formatNumber(params[i] as number));
  return `[${parts.join(', ')}]`;
}

/**
 * Rows of one runner batch (`batch.params` is row-major `count × dim`), plotting coordinates
 * `dims` of the parameters as x and y (y is 0 for one-parameter problems). `indices`, when given,
 * picks the steps to keep (positions inside the batch, e.g. from `downsampleMinMax`).
 */
export function pointRows(batch: PointBatch, label: string, dim: number, dims: readonly [number, number] = [0, 1],
  indices?: ArrayLike<number>): PointRow[] {
  const rows: PointRow[] = [];
  const n = indices ? indices.length : batch.count;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const p = batch.params.subarray(i * dim, (i + 1) * dim);
    rows.push({
      run: batch.run, label, step: batch.fromStep + i, loss: batch.loss[i] as number,
      x: p[dims[0]] ?? 0, y: dim > 1 ? (p[dims[1]] ?? 0) : 0,
      gradNorm: batch.gradNorm[i] as number, lr: batch.lr[i] as number, params: formatParams(p),
    });
  }
  return rows;
}

/** Cell centres of an `n × n` grid over a domain: the `xs`/`ys` to ask a session's `surface()` for. */
export function surfaceGrid(domain: Domain, n = 60): { xs: Float64Array; ys: Float64Array } {
  const axis = ([lo, hi]: readonly [number, number]): Float64Array => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + ((i + 0.5) * (hi - lo)) / n;
    return a;
  };
  return { xs: axis(domain.x), ys: axis(domain.y) };
}

/** Rows of a surface `values` given row-major `ys × xs` (as `ExperimentSession.surface` returns it). */
export function surfaceRows(xs: ArrayLike<number>, ys: ArrayLike<number>, values: ArrayLike<number>): SurfaceRow[] {
  const rows: SurfaceRow[] = [];
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      const loss = values[j * xs.length + i] as number;
      if (Number.isFinite(loss)) rows.push({ x: xs[i] as number, y: ys[j] as number, loss });
    }
  }
  return rows;
}

/** Rows of known minima that lie inside the plotted window. */
export function minimumRows(minima: readonly { readonly params: readonly number[]; readonly loss: number }[],
  dims: readonly [number, number] = [0, 1]): MinimumRow[] {
  return minima.map((m) => {
    const x = m.params[dims[0]] ?? 0;
    const y = m.params[dims[1]] ?? 0;
    return { x, y, loss: m.loss, label: `minimum ${formatNumber(m.loss)} at ${formatParams(m.params)}` };
  });
}
