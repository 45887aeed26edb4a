/**
 * One run's points as the panel keeps them (columns), and the min–max display buckets that choose
 * the rows its charts show (pointStore.ts says how).
 */
import { extremaIndices, type PointRow } from '../charts';

export interface RunPoints {
  dim: number;
  steps: number[];
  loss: number[];
  params: number[];
  gradNorm: number[];
  lr: number[];
  /** With curvature: λmax(H) per point, and λmax(P⁻¹H) for adaptive optimizers (empty without). */
  sharpness: number[];
  preconditionedSharpness: number[];
  /** Points per display bucket (when `stepWidth` is 0). */
  span: number;
  /**
   * Steps per display bucket, for a run of known length: buckets are fixed step ranges
   * [k·w, (k+1)·w) from the start, sized so the whole run fits the cap, so rows once shown are
   * final (no thinning again, no `replace`). 0: buckets of `span` points, doubled as needed.
   */
  stepWidth: number;
  /** Raw index where the first incomplete bucket starts. */
  bucketStart: number;
  /** Rows shown in the charts. */
  display: PointRow[];
  /** The run ended: its last point is shown too. */
  finished: boolean;
}

/** Emits the min/max rows of every complete bucket (`row(i)`: the chart row of raw index i). */
export function closeBuckets(run: RunPoints, row: (i: number) => PointRow): PointRow[] {
  const out: PointRow[] = [];
  for (let end = bucketEnd(run, run.bucketStart); end !== undefined; end = bucketEnd(run, run.bucketStart)) {
    pushAll(out, bucketRows(run, run.bucketStart, end, row));
    run.bucketStart = end;
  }
  pushAll(run.display, out);
  return out;
}

/** Where the bucket starting at raw index `start` ends (exclusive), or undefined while it is incomplete. */
function bucketEnd(run: RunPoints, start: number): number | undefined {
  const n = run.steps.length;
  if (start >= n) return undefined;
  if (run.stepWidth > 0) {
    const limit = (Math.floor(run.steps[start]! / run.stepWidth) + 1) * run.stepWidth;
    let i = start;
    while (i < n && run.steps[i]! < limit) i++;
    return i < n ? i : undefined;
  }
  return start + run.span <= n ? start + run.span : undefined;
}

/** Doubles the bucket size until the run's rows fit under `cap`, rebuilding them. */
export function rethin(run: RunPoints, cap: number, row: (i: number) => PointRow): PointRow[] {
  while (run.display.length > cap) {
    if (run.stepWidth > 0) run.stepWidth *= 2;
    else run.span *= 2;
    run.bucketStart = 0;
    run.display = [];
    closeBuckets(run, row);
  }
  return [...run.display];
}

/**
 * Rows of the lowest- and highest-loss points of raw indices [from, to), in step order; the
 * run's first point is always among them (the start marker and the loss ceiling read it).
 */
export function bucketRows(run: RunPoints, from: number, to: number, row: (i: number) => PointRow): PointRow[] {
  if (to <= from) return [];
  if (from === 0) {
    const rest = bucketRows(run, 1, to, row);
    return [row(0), ...rest];
  }
  const extrema = extremaIndices(run.loss, from, to);
  if (!extrema) return [row(from)];
  const [lo, hi] = extrema;
  if (lo === hi) return [row(lo)];
  const [a, b] = lo < hi ? [lo, hi] : [hi, lo];
  return [row(a), row(b)];
}

/** The raw index of `step` in a run (or of the first step after it). */
export function indexOf(run: RunPoints, step: number): number {
  // Steps are ascending: binary search.
  let lo = 0;
  let hi = run.steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (run.steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first row whose step is after `step` (rows in ascending steps). */
export function firstAfter(rows: readonly PointRow[], step: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `target.push(...source)` without the argument-count limit of a spread. */
export function pushAll<T>(target: T[], source: readonly T[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}

/** A run's points as curvature columns (src/engine/curvature/crossing.ts). */
export function curvatureColumns(run: RunPoints): { steps: number[]; count: number; lr: number[]; sharpness: number[]; preconditionedSharpness?: number[] } {
  return {
    steps: run.steps, count: run.steps.length, lr: run.lr, sharpness: run.sharpness,
    ...(run.preconditionedSharpness.length > 0 ? { preconditionedSharpness: run.preconditionedSharpness } : {}),
  };
}
