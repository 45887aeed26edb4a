/**
 * Min–max downsampling for long runs (10 million steps do not fit in a chart, nor in a message).
 * The step range is cut into `buckets` equal spans and each span keeps the points where the value
 * is smallest and largest, so spikes and the lowest loss survive — what a plain stride would miss.
 * The first and last points are always kept (the start, and where a run ended or diverged).
 */

/**
 * Indices (ascending, into `steps`/`values`) of the points to keep: at most `2 · buckets + 2`.
 * `steps` must be ascending. NaN values are never a bucket's min or max, but a bucket that holds
 * only NaN keeps its first point, so a diverged tail stays visible.
 * When there are no more than `2 · buckets` points, every index is returned.
 */
export function downsampleMinMax(steps: ArrayLike<number>, values: ArrayLike<number>, buckets: number): Int32Array {
  const n = Math.min(steps.length, values.length);
  if (n === 0) return new Int32Array(0);
  const sampler = new MinMaxSampler(steps[0] as number, steps[n - 1] as number, n, buckets);
  for (let i = 0; i < n; i++) sampler.push(i, steps[i] as number, values[i] as number);
  return sampler.kept();
}

/**
 * `downsampleMinMax` one point at a time, in order, holding only each bucket's extrema: for points
 * read back from a file (src/points), where the whole series is never in memory. The step range
 * and the number of points must be known up front.
 */
export class MinMaxSampler {
  private readonly all: boolean;
  private readonly span: number;
  private readonly keep: number[] = [];
  private bucket = 0;
  private end: number;
  /** The current bucket's first index, least and greatest (−1: none yet). */
  private first = -1;
  private lo = -1;
  private hi = -1;
  private loValue = NaN;
  private hiValue = NaN;

  constructor(private readonly firstStep: number, lastStep: number, private readonly n: number, private readonly buckets: number) {
    this.all = n <= 2 * buckets || buckets < 1;
    this.span = lastStep - firstStep + 1;
    this.end = firstStep + this.span / buckets;
  }

  /** The point at `index` (0, 1, 2, … in order) with its step and value. */
  push(index: number, step: number, value: number): void {
    if (this.all) return;
    while (step >= this.end && this.bucket < this.buckets - 1) this.nextBucket();
    if (this.first < 0) this.first = index;
    if (Number.isNaN(value)) return;
    if (this.lo < 0 || value < this.loValue) { this.lo = index; this.loValue = value; }
    if (this.hi < 0 || value > this.hiValue) { this.hi = index; this.hiValue = value; }
  }

  private nextBucket(): void {
    this.closeBucket();
    this.bucket++;
    this.end = this.firstStep + (this.span * (this.bucket + 1)) / this.buckets;
  }

  private closeBucket(): void {
    if (this.lo >= 0) this.keep.push(this.lo, this.hi);
    else if (this.first >= 0) this.keep.push(this.first);
    this.first = this.lo = this.hi = -1;
  }

  /** Indices to keep, ascending (call once, after the last point). */
  kept(): Int32Array {
    if (this.all) return Int32Array.from({ length: this.n }, (_, i) => i);
    this.closeBucket();
    const sorted = Int32Array.from(new Set([0, this.n - 1, ...this.keep])).sort();
    return sorted;
  }
}

/**
 * Indices of the least and greatest of `values[from, to)` (the first of equals), NaN never
 * either; undefined when every value there is NaN (or the range is empty). One bucket of
 * `downsampleMinMax`, and of the panel's incremental thinning (src/webview/pointStore.ts).
 */
export function extremaIndices(values: ArrayLike<number>, from: number, to: number): [number, number] | undefined {
  let lo = -1;
  let hi = -1;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    if (lo < 0 || v < (values[lo] as number)) lo = i;
    if (hi < 0 || v > (values[hi] as number)) hi = i;
  }
  return lo < 0 ? undefined : [lo, hi];
}
