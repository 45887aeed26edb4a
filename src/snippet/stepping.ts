/**
 * The optimizer loop inside the sandbox process: the engine's Runner next to the loss — one
 * message per step would be far too slow — stepping in slices (`work`, run by the scheduler
 * within the loss's deadline) and streaming point batches to the host a few dozen times a second
 * (`flush`, between slices: no I/O happens inside a slice).
 */
import type { Runner } from '../engine/runner';
import type { RunnerEvent } from '../engine/types';
import { coalesce, pointBytes } from './batches';

/**
 * Work the scheduler runs in slices: `work` returns true once there is nothing left to do; then
 * `finish` (outside the slice) sends what it produced.
 */
export interface Job {
  work(budgetMs: number): boolean;
  finish?(): void;
}

/** Points gathered beyond this many bytes are sent at once (messages stay well under the channel's frame limit). */
const FLUSH_BYTES = 4 << 20;

export class Stepping implements Job {
  private pending: RunnerEvent[] = [];
  private pendingBytes = 0;
  private lastFlush = -Infinity;
  private stepsPerAdvance = 16;
  /** Appended to the message of every run that ends from now on (see SessionNotice). */
  note: string | undefined;

  constructor(private readonly runner: Runner, private readonly send: (events: RunnerEvent[]) => void,
    private readonly batchIntervalMs: number) {}

  get finished(): boolean { return this.runner.finished; }

  /** Steps for about `budgetMs` (a first point goes out at once). */
  work(budgetMs: number): boolean {
    const r = this.runner;
    const t0 = performance.now();
    while (!r.finished) {
      const a = performance.now();
      const events = r.advance(this.stepsPerAdvance);
      for (const e of events) this.pending.push(e);
      this.pendingBytes += pointBytes(events);
      const took = performance.now() - a;
      // Aim for ~4–12 ms per advance call: few hand-offs of point buffers, slices close to the budget.
      if (took < 4) this.stepsPerAdvance = Math.min(this.stepsPerAdvance * 2, 1 << 20);
      else if (took > 12) this.stepsPerAdvance = Math.max(1, this.stepsPerAdvance >> 1);
      if (this.lastFlush === -Infinity && this.pending.length > 0) break;
      if (this.pendingBytes >= FLUSH_BYTES || performance.now() - t0 >= budgetMs) break;
    }
    return r.finished;
  }

  /** Sends what was gathered when it is time to (always once the runner finished, or when `force`). */
  flush(force = false): void {
    if (this.pending.length === 0) return;
    const due = force || this.runner.finished || this.pendingBytes >= FLUSH_BYTES
      || performance.now() - this.lastFlush >= this.batchIntervalMs;
    if (!due) return;
    const events = coalesce(this.pending).map((e) => this.noted(e));
    this.pending = [];
    this.pendingBytes = 0;
    this.lastFlush = performance.now();
    this.send(events);
  }

  /** Forgets the runs' ends gathered so far (a deadline ends the session; the host ends every run). */
  dropEnds(): void {
    this.pending = this.pending.filter((e) => e.type === 'points');
  }

  private noted(e: RunnerEvent): RunnerEvent {
    if (e.type !== 'runEnd' || this.note === undefined) return e;
    return { ...e, message: e.message === undefined ? this.note : `${e.message}; ${this.note}` };
  }
}
