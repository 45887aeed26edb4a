/**
 * Point batches on their way out of the sandbox process: the runner hands off many small batches;
 * a flush merges them into one `points` event with one batch per run (fresh buffers, so the
 * runner's own buffers are never sent away from it).
 */
import type { PointBatch, RunnerEvent } from '../engine/types';

/**
 * Merges consecutive `points` events into one, and within it each run's contiguous batches into
 * one batch (fresh buffers, so the runner's own buffers are never transferred away from it).
 */
export function coalesce(events: readonly RunnerEvent[]): RunnerEvent[] {
  const out: RunnerEvent[] = [];
  let batches: PointBatch[] = [];
  const close = (): void => {
    if (batches.length === 0) return;
    out.push({ type: 'points', batches: mergeBatches(batches) });
    batches = [];
  };
  for (const e of events) {
    if (e.type === 'points') batches.push(...e.batches);
    else { close(); out.push(e); }
  }
  close();
  return out;
}

function mergeBatches(batches: readonly PointBatch[]): PointBatch[] {
  const byRun = new Map<number, PointBatch[]>();
  for (const b of batches) {
    if (b.count === 0) continue;
    const list = byRun.get(b.run);
    if (list) list.push(b); else byRun.set(b.run, [b]);
  }
  const out: PointBatch[] = [];
  for (const [run, list] of byRun) {
    list.sort((a, b) => a.fromStep - b.fromStep);
    let group: PointBatch[] = [list[0]];
    const emit = (): void => {
      const count = group.reduce((s, b) => s + b.count, 0);
      const dim = group[0].params.length / Math.max(1, group[0].count);
      const loss = new Float64Array(count), params = new Float64Array(count * dim);
      const gradNorm = new Float64Array(count), lr = new Float64Array(count);
      // Curvature runs (experiment.curvature) carry each point's sharpness, and the preconditioned one for Adam's family.
      const sharpness = group[0].sharpness ? new Float64Array(count) : undefined;
      const preconditioned = group[0].preconditionedSharpness ? new Float64Array(count) : undefined;
      let at = 0;
      for (const b of group) {
        loss.set(b.loss.subarray(0, b.count), at);
        params.set(b.params.subarray(0, b.count * dim), at * dim);
        gradNorm.set(b.gradNorm.subarray(0, b.count), at);
        lr.set(b.lr.subarray(0, b.count), at);
        if (sharpness && b.sharpness) sharpness.set(b.sharpness.subarray(0, b.count), at);
        if (preconditioned && b.preconditionedSharpness) preconditioned.set(b.preconditionedSharpness.subarray(0, b.count), at);
        at += b.count;
      }
      out.push({
        run, fromStep: group[0].fromStep, count, loss, params, gradNorm, lr,
        ...(sharpness ? { sharpness } : {}), ...(preconditioned ? { preconditionedSharpness: preconditioned } : {}),
      });
    };
    for (let k = 1; k < list.length; k++) {
      const prev = group[group.length - 1];
      if (list[k].fromStep === prev.fromStep + prev.count) group.push(list[k]);
      else { emit(); group = [list[k]]; }
    }
    emit();
  }
  return out;
}

/** Bytes of point data in `events` (to flush before a message grows too large). */
export function pointBytes(events: readonly RunnerEvent[]): number {
  let n = 0;
  for (const e of events) if (e.type === 'points') for (const b of e.batches) n += b.loss.byteLength + b.params.byteLength + b.gradNorm.byteLength + b.lr.byteLength;
  return n;
}
