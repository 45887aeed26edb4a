/**
 * The session's runner events on the host side: checked (a sandbox process taken over by its loss
 * could send anything), then handed to the listeners in order, or kept until the first listener
 * comes. It knows where every run stands, so it can end the runs still going when the session
 * fails or is cancelled, and it refuses points (or summaries: StartOptions.summaryOnly) that do not
 * continue a run where it stood — so no run ever gets more points than the experiment has steps.
 */
import type { Experiment, PointBatch, RunnerEvent } from '../engine/types';
import { checkSummary } from './checkMessages';
import { cut, oneLine } from './format';
import type { RunSummaryEntry } from '../engine/runSummary';

const END_STATUSES: ReadonlySet<string> = new Set(['completed', 'converged', 'diverged', 'error', 'cancelled']);
/** Longest run message kept (the runner's own words plus at most a quoted error). */
const RUN_MESSAGE_MAX_CHARS = 1000;

export class EventRelay {
  private readonly listeners: ((event: RunnerEvent) => void)[] = [];
  private readonly backlog: RunnerEvent[] = [];
  private readonly summaryListeners: ((summary: RunSummaryEntry) => void)[] = [];
  private readonly summaryBacklog: RunSummaryEntry[] = [];
  private readonly ended = new Set<number>();
  /** The next step each run's points must start at. */
  private readonly nextStep = new Map<number, number>();
  private isDone = false;
  /** The loss's dimension, once known (points carry dim params each). */
  dim = 0;

  constructor(private readonly experiment: Experiment) {}

  get done(): boolean { return this.isDone; }

  listen(listener: (event: RunnerEvent) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1) for (const e of this.backlog.splice(0)) listener(e);
  }

  listenSummaries(listener: (summary: RunSummaryEntry) => void): void {
    this.summaryListeners.push(listener);
    if (this.summaryListeners.length === 1) for (const s of this.summaryBacklog.splice(0)) listener(s);
  }

  /**
   * Checks runs' summaries from the sandbox process (StartOptions.summaryOnly: they stand for the
   * points, so they go on where each run stood, never past its steps) and relays them; returns why
   * they were refused, if they were.
   */
  acceptSummaries(summaries: unknown): string | undefined {
    if (!Array.isArray(summaries)) return 'summaries that are not a list';
    const checked: RunSummaryEntry[] = [];
    const next = new Map(this.nextStep);
    for (const raw of summaries as unknown[]) {
      const summary = checkSummary(raw, this.dim);
      if (!summary) return 'a malformed run summary';
      if (!this.isLiveRun(summary.run, this.ended)) return 'the summary of a run that is not going';
      const count = summary.count, from = next.get(summary.run) ?? 0;
      if (count < from || count - 1 > this.experiment.steps) return `a summary of run ${summary.run} with a wrong count`;
      next.set(summary.run, count);
      checked.push(summary);
    }
    for (const [run, step] of next) this.nextStep.set(run, step);
    for (const summary of checked) {
      if (this.summaryListeners.length === 0) this.summaryBacklog.push(summary);
      else for (const l of this.summaryListeners) l(summary);
    }
    return undefined;
  }

  /** Checks `events` from the sandbox process and relays them; returns why they were refused, if they were. */
  accept(events: unknown): string | undefined {
    if (!Array.isArray(events)) return 'events that are not a list';
    const checked: RunnerEvent[] = [];
    const next = new Map(this.nextStep), ended = new Set(this.ended);
    let done = this.isDone;
    for (const e of events as unknown[]) {
      if (done) return 'events after the end';
      const event = this.check(e, next, ended);
      if (typeof event === 'string') return event;
      if (event.type === 'done') {
        if (this.enabledRuns().some((k) => !ended.has(k))) return 'the end before every run ended';
        done = true;
      }
      checked.push(event);
    }
    for (const [run, step] of next) this.nextStep.set(run, step);
    for (const run of ended) this.ended.add(run);
    this.isDone = done;
    for (const e of checked) this.emit(e);
    return undefined;
  }

  /** Ends every run still going with `status` (and `message`), then the session. */
  endRuns(status: 'error' | 'cancelled', message?: string): void {
    if (this.isDone) return;
    for (const k of this.enabledRuns()) {
      if (this.ended.has(k)) continue;
      this.ended.add(k);
      this.emit({ type: 'runEnd', run: k, status, steps: Math.max(0, (this.nextStep.get(k) ?? 1) - 1), message });
    }
    this.isDone = true;
    this.emit({ type: 'done' });
  }

  private enabledRuns(): number[] {
    return this.experiment.runs.flatMap((r, k) => (r.enabled === false ? [] : [k]));
  }

  private emit(event: RunnerEvent): void {
    if (this.listeners.length === 0) { this.backlog.push(event); return; }
    for (const l of this.listeners) l(event);
  }

  private check(e: unknown, next: Map<number, number>, ended: Set<number>): RunnerEvent | string {
    const event = e as { type?: unknown };
    if (typeof event !== 'object' || event === null) return 'an event that is not an object';
    if (event.type === 'done') return { type: 'done' };
    if (event.type === 'runEnd') {
      const end = e as { run: unknown; status: unknown; steps: unknown; message?: unknown };
      if (!this.isLiveRun(end.run, ended)) return 'the end of a run that is not going';
      if (typeof end.status !== 'string' || !END_STATUSES.has(end.status)) return 'a run end with an unknown status';
      if (!Number.isInteger(end.steps) || (end.steps as number) < 0) return 'a run end without its step';
      if (end.message !== undefined && typeof end.message !== 'string') return 'a run message that is not text';
      ended.add(end.run as number);
      const message = end.message === undefined ? {} : { message: cut(oneLine(end.message as string), RUN_MESSAGE_MAX_CHARS) };
      return { type: 'runEnd', run: end.run as number, status: end.status as 'completed', steps: end.steps as number, ...message };
    }
    if (event.type !== 'points') return 'an event of an unknown type';
    const batches = (e as { batches?: unknown }).batches;
    if (!Array.isArray(batches)) return 'points without batches';
    for (const b of batches as unknown[]) {
      const reason = this.checkBatch(b, next, ended);
      if (reason) return reason;
    }
    return { type: 'points', batches: batches as PointBatch[] };
  }

  private checkBatch(raw: unknown, next: Map<number, number>, ended: Set<number>): string | undefined {
    const b = raw as Partial<PointBatch> | null;
    if (typeof b !== 'object' || b === null || !this.isLiveRun(b.run, ended)) return 'points of a run that is not going';
    const run = b.run as number, from = next.get(run) ?? 0;
    if (b.fromStep !== from) return `points of run ${run} from step ${String(b.fromStep)}, not ${from}`;
    const count = b.count;
    if (!Number.isInteger(count) || (count as number) < 1 || from + (count as number) - 1 > this.experiment.steps) return `a batch of run ${run} with a wrong count`;
    const n = count as number;
    const column = (a: unknown, length: number): boolean => a instanceof Float64Array && a.length >= length;
    if (!column(b.loss, n) || !column(b.gradNorm, n) || !column(b.lr, n) || !column(b.params, n * this.dim)) {
      return `a batch of run ${run} with missing columns`;
    }
    // Sharpness columns only where the experiment asked for curvature, each whole when present.
    const optional = [b.sharpness, b.preconditionedSharpness];
    if (optional.some((c) => c !== undefined && (this.experiment.curvature !== true || !column(c, n)))) {
      return `a batch of run ${run} with a wrong sharpness column`;
    }
    next.set(run, from + n);
    return undefined;
  }

  private isLiveRun(run: unknown, ended: Set<number>): boolean {
    return Number.isInteger(run) && (run as number) >= 0 && (run as number) < this.experiment.runs.length
      && this.experiment.runs[run as number].enabled !== false && !ended.has(run as number);
  }
}
