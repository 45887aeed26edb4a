/**
 * Warm spare sandbox processes (src/snippet/spare.ts): `prewarmSandbox(heap, n)` keeps n ready, so
 * that n sessions started at once (Compare Optimizers… → Tuned starts the runs at their defaults and
 * the tuning together) each take a process that is ready already; the next one starts a new
 * process, and the taken spares are replaced.
 */
import * as assert from 'node:assert/strict';
import { DEFAULT_MEMORY_MB, sessionLimits } from '../../src/snippet/sandboxLimits';
import type { SandboxProcess } from '../../src/snippet/sandboxProcess';
import { disposeSpare, prewarmSandbox, takeSandbox } from '../../src/snippet/spare';

/** Whether `p` is ready now: a spare's `ready` has settled; a process just started cannot have said 'ready' before the next turn of the event loop. */
const readyNow = (p: SandboxProcess): Promise<boolean> =>
  Promise.race([p.ready.then(() => true, () => false), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);

describe('spare sandbox processes', function () {
  this.timeout(30_000);
  const taken: SandboxProcess[] = [];
  afterEach(() => {
    disposeSpare();
    for (const p of taken.splice(0)) p.kill();
  });

  it('two kept ready: two sessions at once each take a ready process, a third starts one', async () => {
    await prewarmSandbox(DEFAULT_MEMORY_MB, 2);
    const limits = sessionLimits({});
    taken.push(takeSandbox(limits), takeSandbox(limits), takeSandbox(limits));
    assert.deepEqual(await Promise.all(taken.map(readyNow)), [true, true, false]);
    assert.equal(new Set(taken.map((p) => p.pid)).size, 3);
  });

  it('one kept by default', async () => {
    await prewarmSandbox(DEFAULT_MEMORY_MB);
    const limits = sessionLimits({});
    taken.push(takeSandbox(limits), takeSandbox(limits));
    assert.deepEqual(await Promise.all(taken.map(readyNow)), [true, false]);
  });
});
