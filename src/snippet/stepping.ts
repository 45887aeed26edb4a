/**
 * The optimizer loop inside the sandbox process: the engine's Runner next to the loss — one
 * message per step would be far too slow — stepping in slices (`work`, run by the scheduler
 * within the loss's deadline) and streaming point batches to the host a few dozen times a second
 * (`flush`, between slices: no I/O happens inside a slice) — or, when the host keeps no points
 * (StartOptions.summaryOnly), each run's summary (engine/runSummary.ts) folded here.
 */
import type { Runner } from '../engine/runner';
import type { RunSummaryEntry } from '../engine/runSummary';
import type { PointBatch, RunnerEvent } from '../engine/types';

/**
 * Work the scheduler runs in slices: `work` returns true once there is nothing left to do; then
 * `finish` (outside the slice) sends what it produced.
 */
export interface Job {
  work(budgetMs: number): boolean;
  finish?(): void;
}

/** What one flush sends: the runner's events, and with summaries only the summaries of the runs that went on. */
export interface SteppingOutput {
  readonly events: RunnerEvent[];
  readonly summaries?: RunSummaryEntry[];
}

/** Where the runner's lent batches go until a flush takes them: their points (batches.ts) or their summaries (summaries.ts). */
export interface PointSink {
  /** Takes note of a lent batch (valid only during the call). */
  append(batch: PointBatch): void;
  /** Nothing new since the last `take`. */
  readonly empty: boolean;
  /** Bytes of point data gathered. */
  readonly bytes: number;
  take(): { batches: PointBatch[]; summaries?: RunSummaryEntry[] };
}

/** Points gathered beyond this many bytes are sent at once (messages stay well under the channel's frame limit). */
const FLUSH_BYTES = 4 << 20;

export class Stepping implements Job {
  /** The runner's other events (runs' ends, the end) since the last flush. */
  private ends: RunnerEvent[] = [];
  private lastFlush = -Infinity;
  private stepsPerAdvance = 16;
  /** Appended to the message of every run that ends from now on (see SessionNotice). */
  note: string | undefined;

  /** `runner` lends its batches to `sink` (RunnerOptions.onPoints). */
  constructor(private readonly runner: Runner, private readonly sink: PointSink, private readonly send: (output: SteppingOutput) => void,
    private readonly batchIntervalMs: number) {}

  get finished(): boolean { return this.runner.finished; }

  /** Steps for about `budgetMs` (a first point goes out at once). */
  work(budgetMs: number): boolean {
    const r = this.runner, sink = this.sink;
    const t0 = performance.now();
    while (!r.finished) {
      const a = performance.now();
      for (const e of r.advance(this.stepsPerAdvance)) this.ends.push(e);
      const took = performance.now() - a;
      // Aim for ~4–12 ms per advance call: few hand-offs of point buffers, slices close to the budget.
      if (took < 4) this.stepsPerAdvance = Math.min(this.stepsPerAdvance * 2, 1 << 20);
      else if (took > 12) this.stepsPerAdvance = Math.max(1, this.stepsPerAdvance >> 1);
      if (this.lastFlush === -Infinity && !sink.empty) break;
      if (sink.bytes >= FLUSH_BYTES || performance.now() - t0 >= budgetMs) break;
    }
    return r.finished;
  }

  /** Sends what was gathered when it is time to (always once the runner finished, or when `force`). */
  flush(force = false): void {
    const sink = this.sink;
    if (sink.empty && this.ends.length === 0) return;
    const due = force || this.runner.finished || sink.bytes >= FLUSH_BYTES
      || performance.now() - this.lastFlush >= this.batchIntervalMs;
    if (!due) return;
    const { batches, summaries } = sink.take();
    const events: RunnerEvent[] = batches.length > 0 ? [{ type: 'points', batches }] : [];
    for (const e of this.ends) events.push(this.noted(e));
    this.ends = [];
    this.lastFlush = performance.now();
    this.send(summaries ? { events, summaries } : { events });
  }

  /** Forgets the runs' ends gathered so far (a deadline ends the session; the host ends every run). */
  dropEnds(): void {
    this.ends = [];
  }

  private noted(e: RunnerEvent): RunnerEvent {
    if (e.type !== 'runEnd' || this.note === undefined) return e;
    return { ...e, message: e.message === undefined ? this.note : `${e.message}; ${this.note}` };
  }
}
