/**
 * The sharpness chart's data under `--out` (DESIGN "Curvature"), read back from the point store
 * block by block, so a run of ten million steps needs no column of its own in memory: the points
 * min–max downsampled on the measure the run's stability rule bounds, with their curvature fields,
 * and the steps at which that measure crossed above the threshold (engine/curvature/crossing.ts).
 */
import { crossingRows, withCurvature, type CrossingRow, type PointRow } from '../charts';
import { MAX_CROSSINGS, measuredColumn } from '../engine/curvature/crossing';
import { LR, type PointStore } from '../points/store';
import { chartSteps, storeRows } from './storeRows';
import type { RunResult } from './results';

/** A run's curvature columns over `count` records (`steps[i]` the step of record i). */
interface Columns {
  readonly steps: Float64Array;
  readonly count: number;
  readonly lr: Float64Array;
  readonly sharpness?: Float64Array;
  readonly preconditionedSharpness?: Float64Array;
}

/** The columns of records [0, n) of a block, `stride` float64s each, with the curvature at `at`. */
function blockColumns(store: PointStore, run: number, from: number, records: Float64Array, at: number): Columns {
  const stride = store.stride, n = records.length / stride;
  const has = store.curvatureOf(run);
  const steps = new Float64Array(n), lr = new Float64Array(n), s = new Float64Array(n), p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = from + i;
    lr[i] = records[i * stride + LR] as number;
    s[i] = records[i * stride + at] as number;
    p[i] = records[i * stride + at + 1] as number;
  }
  return { steps, count: n, lr, ...(has.sharpness ? { sharpness: s } : {}), ...(has.preconditionedSharpness ? { preconditionedSharpness: p } : {}) };
}

/**
 * Every crossing of a run, as `crossingRows` finds them on its whole columns: block by block, each
 * block preceded by the last finite point of the one before (which carries whether the run was
 * above its threshold), that point's own crossing not counted twice.
 */
function streamedCrossings(run: RunResult, store: PointStore, at: number): CrossingRow[] {
  const out: CrossingRow[] = [];
  let carried: { step: number; lr: number; s: number; p: number } | undefined;
  for (const [from, records] of store.blocks(run.index)) {
    const block = blockColumns(store, run.index, from, records, at);
    const prefix = carried ? 1 : 0;
    const n = block.count + prefix;
    const join = (first: number | undefined, rest: Float64Array): Float64Array => {
      const c = new Float64Array(n);
      if (first !== undefined) c[0] = first;
      c.set(rest, prefix);
      return c;
    };
    const columns = {
      steps: join(carried?.step, block.steps), count: n, lr: join(carried?.lr, block.lr),
      ...(block.sharpness ? { sharpness: join(carried?.s, block.sharpness) } : {}),
      ...(block.preconditionedSharpness ? { preconditionedSharpness: join(carried?.p, block.preconditionedSharpness) } : {}),
    };
    for (const row of crossingRows(run.spec, run.index, run.spec.label, columns)) {
      if (out.length < MAX_CROSSINGS && row.step !== carried?.step) out.push(row);
    }
    if (out.length >= MAX_CROSSINGS) break;
    const { values } = measuredColumn(run.spec, columns);
    for (let i = n - 1; i >= prefix && values; i--) {
      if (Number.isFinite(values[i]) && Number.isFinite(columns.lr[i])) {
        carried = { step: columns.steps[i] as number, lr: columns.lr[i] as number, s: columns.sharpness?.[i] ?? NaN, p: columns.preconditionedSharpness?.[i] ?? NaN };
        break;
      }
    }
  }
  return out;
}

/** A run's rows for the sharpness chart and its crossings; none when its points carry no curvature. */
export function curvatureChartData(run: RunResult, store: PointStore): { points: PointRow[]; crossings: CrossingRow[] } {
  const at = store.sharpnessOffset;
  const has = store.curvatureOf(run.index);
  if (at === undefined || store.count(run.index) === 0) return { points: [], crossings: [] };
  const { rule } = measuredColumn(run.spec, { count: 0, lr: [], sharpness: [], preconditionedSharpness: [] });
  const measured = rule?.measure === 'preconditionedSharpness' ? at + 1 : at;
  if (!(measured === at ? has.sharpness : has.preconditionedSharpness)) return { points: [], crossings: [] };
  const keep = chartSteps(store, run.index, measured);
  const rows = storeRows(run, store, keep);
  // One row at a time: the rows are thinned, withCurvature reads the columns by step.
  const points = rows.map((row) => {
    const record = store.read(run.index, row.step, 1);
    const columns = {
      fromStep: row.step, count: 1, lr: [record[LR] as number],
      ...(has.sharpness ? { sharpness: [record[at] as number] } : {}),
      ...(has.preconditionedSharpness ? { preconditionedSharpness: [record[at + 1] as number] } : {}),
    };
    return withCurvature([row], run.spec, columns)[0] as PointRow;
  });
  return { points, crossings: streamedCrossings(run, store, at) };
}
