/**
 * Chart rows read back from the point store: the steps a chart keeps of a run (min–max downsampled
 * on one column of its records, at most `CHART_BUCKETS` buckets) and the rows of those steps.
 */
import { MinMaxSampler, pointRows, type PointRow } from '../charts';
import { GRAD_NORM, LOSS, LR, PARAMS, type PointStore } from '../points/store';
import type { RunResult } from './results';

/** Points per run in a chart: min–max downsampled to this many buckets (exact data is in points.csv). */
export const CHART_BUCKETS = 1000;

/** Steps of a run's points kept for charts: min–max downsampled on column `column` of its records. */
export function chartSteps(store: PointStore, run: number, column: number): Int32Array {
  const n = store.count(run);
  const sampler = new MinMaxSampler(0, n - 1, n, CHART_BUCKETS);
  const stride = store.stride;
  for (const [from, records] of store.blocks(run)) {
    for (let i = 0, k = records.length / stride; i < k; i++) sampler.push(from + i, from + i, records[i * stride + column] as number);
  }
  return sampler.kept();
}

/** A run's points at steps `keep` as chart rows, read back from the store. */
export function storeRows(run: RunResult, store: PointStore, keep: ArrayLike<number>): PointRow[] {
  const dim = store.dim;
  const batch = {
    run: run.index, fromStep: 0, count: keep.length,
    loss: new Float64Array(keep.length), params: new Float64Array(keep.length * dim),
    gradNorm: new Float64Array(keep.length), lr: new Float64Array(keep.length),
  };
  for (let k = 0; k < keep.length; k++) {
    const record = store.read(run.index, keep[k] as number, 1);
    batch.loss[k] = record[LOSS] as number;
    batch.gradNorm[k] = record[GRAD_NORM] as number;
    batch.lr[k] = record[LR] as number;
    batch.params.set(record.subarray(PARAMS, PARAMS + dim), k * dim);
  }
  // Rows carry their true steps: the batch holds the kept points only.
  return pointRows(batch, run.spec.label, dim, [0, 1]).map((row, k) => ({ ...row, step: keep[k] as number }));
}
