/**
 * Runs the sandbox process's work — the host's requests first, then the stepping job — in slices
 * of about SLICE_MS, each within the loss's deadline (guard.ts), and yields to the event loop
 * between slices so that messages get through. Between slices, never inside one: points are
 * flushed, resident memory is checked, a heartbeat goes out when nothing else did for a while,
 * and the work pauses while the host has not read what was sent.
 *
 * Slow or fast (see guard.ts): the first slice, and the loading before it, run in slow mode; then
 * the mode follows what the evaluations cost — slow once one takes a millisecond or a slice ran
 * four times too long, fast again when they are well under that. A fast slice is measured in the
 * CPU time it used, not by the clock: on a loaded machine the process waits for a core, and a
 * slice that waited is not a slow loss (slow mode's timer per evaluation would then cost it
 * several times its own time).
 */
import { describeThrown, lossError } from './format';
import { DeadlineExceeded, runWithin, type EvaluationMonitor } from './guard';
import { residentExceeded, type SessionLimits } from './sandboxLimits';
import type { Job, Stepping } from './stepping';
import type { LossError } from './types';

export const SLICE_MS = 20;
const SLOW_EVALUATION_MS = 1;
const SLOW_SLICE_MS = 4 * SLICE_MS;
const HEARTBEAT_MS = 250;
/** Fast mode: the time between two clock reads of guard.ts (a few microseconds), and the most evaluations between them. */
const TIMED_SPAN_MS = 0.005;
const MAX_UNTIMED = 64;
/** Bytes written and not yet read by the host after which stepping waits. */
const MAX_UNREAD_BYTES = 8 << 20;

export interface SchedulerSetting {
  readonly monitor: EvaluationMonitor;
  /** Whether user code runs (a snippet): slices within the deadline, modes adapted. */
  readonly guarded: boolean;
  readonly limits: SessionLimits;
  /** Bytes sent and not yet taken by the host; resolves when they were. */
  readonly unread: () => number;
  readonly drained: () => Promise<void>;
  /** A heartbeat ('alive'). */
  readonly heartbeat: () => void;
  /** After every slice (points to send, a notice). */
  readonly afterSlice: () => void;
  /** The session ends: a deadline, the memory limit, or a failure of the process itself. */
  readonly onFatal: (error: LossError) => void;
}

/** Milliseconds of CPU in a `process.cpuUsage` difference. */
function cpuMs(used: NodeJS.CpuUsage): number {
  return (used.user + used.system) / 1000;
}

export class Scheduler {
  private readonly requests: Job[] = [];
  private stepping?: Stepping;
  private scheduled = false;
  private stopped = false;
  private lastSent = performance.now();

  constructor(private readonly setting: SchedulerSetting) {
    setting.monitor.onBetween = () => this.beat();
  }

  /** Starts (or resumes) the stepping job. */
  run(stepping: Stepping): void {
    this.stepping = stepping;
    this.schedule();
  }

  /** A request of the host's: runs before further stepping. */
  request(job: Job): void {
    this.requests.push(job);
    this.schedule();
  }

  /** Something was sent to the host (heartbeats are due only after silence). */
  sent(): void {
    this.lastSent = performance.now();
  }

  private beat(): void {
    if (performance.now() - this.lastSent >= HEARTBEAT_MS) this.setting.heartbeat();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.tick());
  }

  private tick(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const job = this.requests[0] ?? (this.stepping && !this.stepping.finished ? this.stepping : undefined);
    if (!job) return;
    const finished = this.slice(job);
    if (finished === undefined) return;
    if (finished && job === this.requests[0]) this.requests.shift();
    if (finished) job.finish?.();
    this.setting.afterSlice();
    if (this.memoryExceeded()) return;
    this.beat();
    if (this.setting.unread() > MAX_UNREAD_BYTES) {
      void this.setting.drained().then(() => this.schedule());
      return;
    }
    this.schedule();
  }

  /** One slice of `job`: whether it finished, or undefined when the session ended. */
  private slice(job: Job): boolean | undefined {
    const { monitor, guarded, limits } = this.setting;
    const count = monitor.count, evaluationMs = monitor.evaluationMs, cpu0 = process.cpuUsage();
    let finished = false;
    const work = (): void => { finished = job.work(SLICE_MS); };
    try {
      if (!guarded || monitor.slow) work();
      else if (!runWithin(limits.deadlineMs + SLICE_MS, work)) return this.deadline(monitor.count - count);
    } catch (e) {
      if (e instanceof DeadlineExceeded || monitor.exceeded) return this.deadline(monitor.count - count);
      return this.fatal(lossError('runtime', `the sandbox failed: ${describeThrown(e).text}`));
    }
    if (monitor.exceeded) return this.deadline(monitor.count - count);
    if (guarded) this.adapt(monitor.count - count, monitor.slow ? monitor.evaluationMs - evaluationMs : cpuMs(process.cpuUsage(cpu0)));
    return finished;
  }

  /**
   * Slow mode from the time `evaluations` evaluations took (fast: the slice's CPU time; slow: without
   * the timers' own cost); in fast mode, how many evaluations go between two clock reads (guard.ts
   * `timeEvery`: about TIMED_SPAN_MS of them, the optimizer's own work counted in).
   */
  private adapt(evaluations: number, ms: number): void {
    const monitor = this.setting.monitor;
    const each = evaluations > 0 ? ms / evaluations : 0;
    if (!monitor.slow && (each >= SLOW_EVALUATION_MS || ms >= SLOW_SLICE_MS)) monitor.slow = true;
    else if (monitor.slow && each < SLOW_EVALUATION_MS / 4 && ms < 2 * SLICE_MS) monitor.slow = false;
    if (!monitor.slow) monitor.timeEvery = Math.max(1, Math.min(MAX_UNTIMED, Math.floor(TIMED_SPAN_MS / Math.max(each, 1e-6))));
  }

  private deadline(evaluations: number): undefined {
    this.stepping?.dropEnds();
    this.stepping?.flush(true);
    return this.fatal(this.setting.monitor.deadlineError(evaluations));
  }

  private memoryExceeded(): boolean {
    const usedMb = process.memoryUsage.rss() / (1024 * 1024);
    if (usedMb <= this.setting.limits.residentLimitMb) return false;
    this.fatal(lossError('memory', residentExceeded(this.setting.limits, usedMb)));
    return true;
  }

  private fatal(error: LossError): undefined {
    this.stopped = true;
    this.setting.onFatal(error);
    return undefined;
  }
}
