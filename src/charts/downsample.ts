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
  if (n <= 2 * buckets || buckets < 1) return Int32Array.from({ length: n }, (_, i) => i);
  const first = steps[0] as number;
  const span = (steps[n - 1] as number) - first + 1;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = first + (span * (b + 1)) / buckets;
    const start = i;
    while (i < n && (steps[i] as number) < end) i++;
    const extrema = extremaIndices(values, start, i);
    if (extrema) {
      keep[extrema[0]] = 1;
      keep[extrema[1]] = 1;
    } else if (i > start) keep[start] = 1;
  }
  let count = 0;
  for (let k = 0; k < n; k++) count += keep[k] as number;
  const out = new Int32Array(count);
  for (let k = 0, o = 0; k < n; k++) if (keep[k]) out[o++] = k;
  return out;
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
