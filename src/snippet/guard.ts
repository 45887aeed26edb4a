/**
 * The loss's deadline, inside the sandbox process. Node's `vm` timeout interrupts whatever
 * JavaScript runs when it expires (V8's TerminateExecution) and leaves the process alive: here it
 * is put around this process's own code, so that a loss that never returns — a loop, a getter, a
 * regular expression — is stopped, wherever it was called from, and the session can say where.
 *
 * Two modes (`EvaluationMonitor.slow`), chosen from how long evaluations take:
 * - fast losses: a whole stepping slice (~20 ms of work) runs within deadline + slice, and only
 *   one evaluation in several reads the clock (`timeEvery`);
 * - slow losses (an evaluation of 1 ms or more, or steps of many evaluations): each evaluation
 *   runs within the deadline on its own (starting the timer costs ~0.1 ms, negligible there).
 * An interrupted slice cannot be resumed (the runner was stopped mid-step), so a deadline ends the
 * session; the monitor knows which evaluation was running, since when, and at which params.
 */
import * as vm from 'node:vm';
import { formatParams } from './format';
import type { EvaluationHooks } from './sandbox';
import type { ApiEntry, ContextApi } from './sandboxContext';
import type { LossError } from './types';
import type { Vec } from '../engine/types';

const ENTRY = '__optimizerPlaygroundGuarded';
const guardScript = new vm.Script(`globalThis.${ENTRY}()`, { filename: 'sandbox-guard.js' });
let pending: (() => void) | undefined;
Object.defineProperty(globalThis, ENTRY, {
  value: (): void => { const work = pending; pending = undefined; work?.(); },
  writable: false, configurable: false, enumerable: false,
});

/** Runs `work`; returns false when it was still running after `ms` and was interrupted. */
export function runWithin(ms: number, work: () => void): boolean {
  pending = work;
  try {
    guardScript.runInThisContext({ timeout: Math.max(1, Math.ceil(ms)) });
    return true;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw e;
  } finally {
    pending = undefined;
  }
}

/** Thrown through the runner when a slow-mode evaluation passed the deadline (the session ends). */
export class DeadlineExceeded extends Error {}

const MAX_RECORDED_PARAMS = 1024;

/**
 * Bookkeeping around every evaluation of user code (the Sandbox calls `before`/`after`), and the
 * per-evaluation deadline in slow mode (`guarded`).
 */
export class EvaluationMonitor implements EvaluationHooks {
  /** Evaluations started. */
  count = 0;
  /** An evaluation is running (it was interrupted when this is still true after a deadline). */
  busy = false;
  /**
   * performance.now() when the current (or last) evaluation started — in fast mode, when the last
   * evaluation whose start was timed did (see `timeEvery`).
   */
  startedAt = 0;
  /**
   * Fast mode times the start of one evaluation in this many (a clock read costs about as much as
   * a small loss's evaluation); the scheduler sets it so that the evaluations between two reads
   * take some microseconds, so `startedAt` is early by that much at most (the deadline's own
   * slack is a millisecond). Slow mode times every evaluation.
   */
  timeEvery = 1;
  private untilTimed = 0;
  /** The current evaluation's params (`dim` of them); dim −1 while the snippet loads. */
  readonly params = new Float64Array(MAX_RECORDED_PARAMS);
  dim = -1;
  /** Set when a slow-mode evaluation passed the deadline. */
  exceeded = false;
  /** Milliseconds slow-mode evaluations took (without the timers' own cost). */
  evaluationMs = 0;
  /** Slow mode: each evaluation runs within the deadline on its own (null in fast mode). */
  guarded: ((api: ContextApi, entry: ApiEntry) => unknown) | null = null;
  /** Called between slow-mode evaluations (the process's heartbeat). */
  onBetween: () => void = () => undefined;

  constructor(readonly deadlineMs: number) {}

  before(params: Vec | null): void {
    if (params === null) this.dim = -1;
    else {
      const n = params.length < MAX_RECORDED_PARAMS ? params.length : MAX_RECORDED_PARAMS;
      for (let k = 0; k < n; k++) this.params[k] = params[k];
      this.dim = n;
    }
    this.count++;
    this.busy = true;
    if (--this.untilTimed <= 0) {
      this.untilTimed = this.timeEvery;
      this.startedAt = performance.now();
    }
  }

  after(): void {
    this.busy = false;
  }

  get slow(): boolean { return this.guarded !== null; }

  set slow(slow: boolean) {
    if (slow === this.slow) return;
    this.guarded = slow ? (api, entry) => this.evaluateWithin(api, entry) : null;
    if (slow) this.timeEvery = this.untilTimed = 1;
  }

  private evaluateWithin(api: ContextApi, entry: ApiEntry): unknown {
    if (this.exceeded) throw new DeadlineExceeded('deadline');
    let result: unknown;
    const finished = runWithin(this.deadlineMs, () => {
      const t0 = performance.now();
      result = api[entry]();
      this.evaluationMs += performance.now() - t0;
    });
    if (!finished) {
      this.exceeded = true;
      throw new DeadlineExceeded('deadline');
    }
    this.onBetween();
    return result;
  }

  /** The params of the current evaluation, for messages. */
  describeParams(): string {
    return this.dim < 0 ? '' : formatParams(this.params.subarray(0, this.dim));
  }

  /**
   * The error a deadline ends the session with: the evaluation that had run for the whole
   * deadline and its params, or — when evaluations each returned in time but one optimizer step
   * took longer — that.
   */
  deadlineError(evaluationsInSlice: number): LossError {
    const ran = performance.now() - this.startedAt;
    if (this.busy && ran >= this.deadlineMs - 1) {
      if (this.dim < 0) return { kind: 'timeout', message: `the snippet did not finish loading within ${this.deadlineMs} ms` };
      return { kind: 'timeout', message: `the loss did not return within ${this.deadlineMs} ms (at params ${this.describeParams()})` };
    }
    return {
      kind: 'timeout',
      message: `one optimizer step took more than ${this.deadlineMs} ms (${evaluationsInSlice} evaluations of the loss, the last at params ${this.describeParams()}): the loss is too slow to optimize here`,
    };
  }
}
