/**
 * The sandbox process's scheduler chooses fast or slow mode from what the loss's evaluations cost
 * (scheduler.ts, guard.ts): by the CPU they use, so that a slice the machine kept waiting for a
 * core is not taken for a slow loss.
 */
import * as assert from 'node:assert/strict';
import { EvaluationMonitor } from '../../src/snippet/guard';
import { sessionLimits } from '../../src/snippet/sandboxLimits';
import { Scheduler } from '../../src/snippet/scheduler';
import type { Job } from '../../src/snippet/stepping';

const params = new Float64Array([1, 2]);

/** Runs `slices` slices of `evaluations` evaluations, each spending `each()`; resolves with the monitor. */
function schedule(slices: number, evaluations: number, each: () => void): Promise<EvaluationMonitor> {
  const monitor = new EvaluationMonitor(2000);
  return new Promise((resolve, reject) => {
    const scheduler = new Scheduler({
      // The scheduler measures its own process's memory: here that is mocha's, with every test file before this one loaded.
      monitor, guarded: true, limits: { ...sessionLimits({}), residentLimitMb: Infinity }, unread: () => 0, drained: () => Promise.resolve(),
      heartbeat: () => undefined, afterSlice: () => undefined, onFatal: (e) => reject(new Error(e.message)),
    });
    let done = 0;
    const job: Job = {
      work: () => {
        for (let k = 0; k < evaluations; k++) {
          monitor.before(params);
          each();
          monitor.after();
        }
        return ++done === slices;
      },
      finish: () => resolve(monitor),
    };
    scheduler.request(job);
  });
}

/** Waits `ms` without using the CPU, as a process does while the machine runs others. */
function waitForCore(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Uses `ms` of CPU time (not of the clock: on a loaded machine a busy loop of 3 ms by the clock may
 * get a third of that on a core, and the loss would not be the slow one the test means).
 */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('sandbox scheduler: fast and slow mode', () => {
  it('stays fast when slices take long by the clock but not in CPU (a loaded machine)', async () => {
    // Each slice: 60 evaluations, each kept waiting 2 ms (120 ms of clock, more than the slow-slice mark of 80 ms).
    // Many short waits rather than a few long ones: the CPU time measured is the whole process's, and
    // mocha's own garbage collector threads may use some of it meanwhile (10 ms of theirs over 10
    // evaluations read as 1 ms each, the slow mark; over 60 they would need 60 ms).
    const monitor = await schedule(3, 60, () => waitForCore(2));
    assert.equal(monitor.slow, false);
    assert.equal(monitor.count, 180);
  });

  it('turns slow when the evaluations use the CPU for a millisecond or more', async () => {
    const monitor = await schedule(1, 5, () => spin(3));
    assert.equal(monitor.slow, true);
  });
});
