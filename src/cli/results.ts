/**
 * What the CLI keeps of a run: every point, exactly, in growable columnar Float64Arrays (the
 * contract's `--json` has every step, no downsampling), plus how the run ended.
 */
import type { PointBatch, RunSpec, RunStatus, RunnerEvent } from '../engine/types';

export class RunResult {
  status: RunStatus = 'running';
  message: string | undefined;
  /** Points held: step 0 (the start) up to the last step taken. */
  count = 0;
  loss: Float64Array = new Float64Array(1024);
  gradNorm: Float64Array = new Float64Array(1024);
  lr: Float64Array = new Float64Array(1024);
  params: Float64Array;
  /** Each point's sharpness λmax(H), and preconditioned sharpness, when the experiment asks for curvature. */
  sharpness: Float64Array | null = null;
  preconditionedSharpness: Float64Array | null = null;
  /** Milliseconds from the first point to the run's end (for steps per second). */
  elapsedMs = 0;

  /** `curvature`: the experiment asks for each point's sharpness (`"curvature": true`). */
  constructor(readonly index: number, readonly spec: RunSpec, readonly dim: number, readonly curvature = false) {
    this.params = new Float64Array(1024 * dim);
  }

  /** Updates taken (points − 1: step 0 is the start, before any update). */
  get steps(): number {
    return Math.max(0, this.count - 1);
  }

  get finalLoss(): number {
    return this.count > 0 ? (this.loss[this.count - 1] as number) : NaN;
  }

  get finalParams(): Float64Array {
    return this.count > 0 ? this.params.subarray((this.count - 1) * this.dim, this.count * this.dim) : new Float64Array(0);
  }

  /** The lowest finite loss of the run (for the loss chart's floor). */
  get minLoss(): number {
    let min = Infinity;
    for (let i = 0; i < this.count; i++) {
      const v = this.loss[i] as number;
      if (v < min) min = v;
    }
    return min;
  }

  append(batch: PointBatch): void {
    const need = this.count + batch.count;
    if (need > this.loss.length) {
      const capacity = Math.max(need, this.loss.length * 2);
      const grow = (a: Float64Array, size: number): Float64Array => {
        const b = new Float64Array(size);
        b.set(a);
        return b;
      };
      this.loss = grow(this.loss, capacity);
      this.gradNorm = grow(this.gradNorm, capacity);
      this.lr = grow(this.lr, capacity);
      this.params = grow(this.params, capacity * this.dim);
      if (this.sharpness) this.sharpness = grow(this.sharpness, capacity);
      if (this.preconditionedSharpness) this.preconditionedSharpness = grow(this.preconditionedSharpness, capacity);
    }
    if (batch.sharpness && !this.sharpness) this.sharpness = new Float64Array(this.loss.length).fill(NaN);
    if (batch.preconditionedSharpness && !this.preconditionedSharpness) this.preconditionedSharpness = new Float64Array(this.loss.length).fill(NaN);
    if (batch.sharpness) this.sharpness?.set(batch.sharpness.subarray(0, batch.count), this.count);
    if (batch.preconditionedSharpness) this.preconditionedSharpness?.set(batch.preconditionedSharpness.subarray(0, batch.count), this.count);
    this.loss.set(batch.loss.subarray(0, batch.count), this.count);
    this.gradNorm.set(batch.gradNorm.subarray(0, batch.count), this.count);
    this.lr.set(batch.lr.subarray(0, batch.count), this.count);
    this.params.set(batch.params.subarray(0, batch.count * this.dim), this.count * this.dim);
    this.count = need;
  }
}

/** Collects a session's runner events into one RunResult per enabled run. */
export class ResultCollector {
  readonly runs: RunResult[];
  private readonly byIndex = new Map<number, RunResult>();
  private readonly started = Date.now();
  /** Points received so far over all runs (for the progress bar). */
  received = 0;

  constructor(specs: readonly RunSpec[], dim: number, curvature = false) {
    this.runs = specs.flatMap((spec, i) => (spec.enabled === false ? [] : [new RunResult(i, spec, dim, curvature)]));
    for (const r of this.runs) this.byIndex.set(r.index, r);
  }

  handle(event: RunnerEvent): void {
    if (event.type === 'points') {
      for (const batch of event.batches) {
        const run = this.byIndex.get(batch.run);
        if (!run) continue;
        run.append(batch);
        this.received += batch.count;
      }
    } else if (event.type === 'runEnd') {
      const run = this.byIndex.get(event.run);
      if (!run) return;
      run.status = event.status;
      run.message = event.message;
      run.elapsedMs = Date.now() - this.started;
    }
  }

  /** Runs the session left running (it was cancelled or stopped) end as `cancelled`. */
  finish(): void {
    for (const run of this.runs) {
      if (run.status === 'running') {
        run.status = 'cancelled';
        run.elapsedMs = Date.now() - this.started;
      }
    }
  }
}
