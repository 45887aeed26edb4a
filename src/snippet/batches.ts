/**
 * Point batches on their way out of the sandbox process: the runner lends many small batches
 * (RunnerOptions.onPoints); each is copied once, at once, into its run's columns here, and a flush
 * takes one batch per run (fresh columns each time: a taken batch is never written again).
 */
import type { PointBatch } from '../engine/types';
import type { PointSink } from './stepping';

/** Points a run's columns start with, at least (they double as needed; a run's last flush sets the next start). */
const FIRST_CAPACITY = 1024;

/** One run's contiguous points since the last flush, in columns that grow by doubling. */
class RunColumns {
  count = 0;
  private capacity: number;
  private loss: Float64Array;
  private params: Float64Array;
  private gradNorm: Float64Array;
  private lr: Float64Array;
  private sharpness: Float64Array | undefined;
  private preconditioned: Float64Array | undefined;

  constructor(readonly run: number, readonly fromStep: number, private readonly dim: number, first: PointBatch, capacity: number) {
    this.capacity = Math.max(capacity, first.count);
    const n = this.capacity;
    this.loss = new Float64Array(n);
    this.params = new Float64Array(n * dim);
    this.gradNorm = new Float64Array(n);
    this.lr = new Float64Array(n);
    this.sharpness = first.sharpness ? new Float64Array(n) : undefined;
    this.preconditioned = first.preconditionedSharpness ? new Float64Array(n) : undefined;
  }

  /** Whether `b` continues these points. */
  continuedBy(b: PointBatch): boolean {
    return b.fromStep === this.fromStep + this.count;
  }

  append(b: PointBatch): void {
    const n = b.count, at = this.count, dim = this.dim;
    if (at + n > this.capacity) this.grow(Math.max(2 * this.capacity, at + n));
    copy(b.loss, this.loss, n, at);
    copy(b.params, this.params, n * dim, at * dim);
    copy(b.gradNorm, this.gradNorm, n, at);
    copy(b.lr, this.lr, n, at);
    if (this.sharpness && b.sharpness) copy(b.sharpness, this.sharpness, n, at);
    if (this.preconditioned && b.preconditionedSharpness) copy(b.preconditionedSharpness, this.preconditioned, n, at);
    this.count = at + n;
  }

  /** The points as one batch (views of the columns, which are not written again). */
  batch(): PointBatch {
    const n = this.count;
    return {
      run: this.run, fromStep: this.fromStep, count: n, loss: this.loss.subarray(0, n), params: this.params.subarray(0, n * this.dim),
      gradNorm: this.gradNorm.subarray(0, n), lr: this.lr.subarray(0, n),
      ...(this.sharpness ? { sharpness: this.sharpness.subarray(0, n) } : {}),
      ...(this.preconditioned ? { preconditionedSharpness: this.preconditioned.subarray(0, n) } : {}),
    };
  }

  get bytes(): number {
    return this.count * (this.dim + 3 + (this.sharpness ? 1 : 0) + (this.preconditioned ? 1 : 0)) * 8;
  }

  private grow(capacity: number): void {
    const widen = (a: Float64Array, width = 1): Float64Array => {
      const out = new Float64Array(capacity * width);
      out.set(a.subarray(0, this.count * width));
      return out;
    };
    this.loss = widen(this.loss);
    this.params = widen(this.params, this.dim);
    this.gradNorm = widen(this.gradNorm);
    this.lr = widen(this.lr);
    if (this.sharpness) this.sharpness = widen(this.sharpness);
    if (this.preconditioned) this.preconditioned = widen(this.preconditioned);
    this.capacity = capacity;
  }
}

/** `n` numbers of `from` into `to` at `at` (a loop: `.set` of a subarray costs more for short runs). */
function copy(from: Float64Array, to: Float64Array, n: number, at: number): void {
  if (n > 64) { to.set(from.subarray(0, n), at); return; }
  for (let i = 0; i < n; i++) to[at + i] = from[i] as number;
}

/** The points gathered between two flushes, by run. */
export class PendingPoints implements PointSink {
  private runs: RunColumns[] = [];
  private readonly byRun = new Map<number, RunColumns>();
  /** Each run's points at its last flush: where its next columns start. */
  private readonly lastCount = new Map<number, number>();

  constructor(private readonly dim: number) {}

  /** Copies a (lent) batch. */
  append(b: PointBatch): void {
    if (b.count === 0) return;
    let columns = this.byRun.get(b.run);
    if (!columns || !columns.continuedBy(b)) {
      columns = new RunColumns(b.run, b.fromStep, this.dim, b, Math.max(FIRST_CAPACITY, this.lastCount.get(b.run) ?? 0));
      this.byRun.set(b.run, columns);
      this.runs.push(columns);
    }
    columns.append(b);
  }

  get empty(): boolean {
    return this.runs.length === 0;
  }

  /** Bytes of point data gathered (to flush before a message grows too large). */
  get bytes(): number {
    let n = 0;
    for (const c of this.runs) n += c.bytes;
    return n;
  }

  /** The points gathered, one batch per run (and per gap, were a run's points not contiguous), in order; then none. */
  take(): { batches: PointBatch[] } {
    const batches = this.runs.map((c) => c.batch());
    for (const c of this.runs) this.lastCount.set(c.run, c.count);
    this.runs = [];
    this.byRun.clear();
    return { batches };
  }
}
