import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { experiment as validated } from '../engine/helpers';
import type { Experiment, PointBatch, RunnerEvent } from '../../src/engine/types';
import { disposeSpareWorker, prewarmWorker, startExperiment } from '../../src/snippet/session';
import type { ExperimentSession, LossError, StartOptions } from '../../src/snippet/types';

/** An experiment of 30 Adam steps unless `raw` says otherwise. */
function experiment(raw: Record<string, unknown>): Experiment {
  return validated({ steps: 30, runs: [{ optimizer: 'adam', lr: 0.05 }], ...raw });
}

interface Outcome { events: RunnerEvent[]; points: Map<number, PointBatch[]>; error?: LossError; session: ExperimentSession }

async function run(raw: Record<string, unknown>, options?: StartOptions): Promise<Outcome> {
  const session = startExperiment(experiment(raw), options);
  const events: RunnerEvent[] = [];
  const points = new Map<number, PointBatch[]>();
  session.onEvent((e) => {
    events.push(e);
    if (e.type === 'points') for (const b of e.batches) points.set(b.run, [...(points.get(b.run) ?? []), b]);
  });
  let error: LossError | undefined;
  try { await session.done; } catch (e) { error = e as LossError; }
  return { events, points, error, session };
}

/** Every step from 0 to `last`, in order, exactly once. */
function assertContiguous(batches: readonly PointBatch[], last: number): void {
  let next = 0;
  for (const b of batches) {
    assert.equal(b.fromStep, next);
    next += b.count;
  }
  assert.equal(next, last + 1);
}

const ROSENBROCK = 'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\nexport const domain = { x: [-2, 2], y: [-1, 3] };\n';
const endOf = (o: Outcome, run: number) => o.events.find((e) => e.type === 'runEnd' && e.run === run) as Extract<RunnerEvent, { type: 'runEnd' }> | undefined;

describe('startExperiment (sandbox process sessions)', function () {
  this.timeout(20000);

  it('runs a preset: analytic gradient, points from step 0, statuses, done', async () => {
    const session = startExperiment(experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', lr: 0.05 }, { optimizer: 'sgd', lr: 0.001 }] }));
    const info = await session.info;
    assert.equal(info.dim, 2);
    assert.deepEqual(info.gradient, { mode: 'analytic' });
    assert.deepEqual(info.init, [-1.5, 2]);
    assert.ok(info.minima && info.minima.length > 0);
    const events: RunnerEvent[] = [];
    session.onEvent((e) => events.push(e));  // events before this call are replayed
    await session.done;
    const batches = (run: number) => events.flatMap((e) => e.type === 'points' ? e.batches.filter((b) => b.run === run) : []);
    assertContiguous(batches(0), 30);
    assertContiguous(batches(1), 30);
    assert.equal(batches(0)[0].params[0], -1.5);
    assert.equal(batches(0)[0].loss[0], 2.5 * 2.5 + 100 * (2 - 2.25) ** 2);
    assert.deepEqual(events.filter((e) => e.type === 'runEnd').map((e) => e.type === 'runEnd' && e.status), ['completed', 'completed']);
    assert.equal(events[events.length - 1].type, 'done');
  });

  it('runs a snippet with exact gradients: same points as the preset', async () => {
    const snippet = await run({ loss: { source: ROSENBROCK } });
    const preset = await run({ loss: { preset: 'rosenbrock' } });
    assert.equal(snippet.error, undefined);
    const info = await snippet.session.info;
    assert.equal(info.gradient.mode, 'autodiff');
    assert.deepEqual(info.domain, { x: [-2, 2], y: [-1, 3] });
    const a = snippet.points.get(0) ?? [], b = preset.points.get(0) ?? [];
    assertContiguous(a, 30);
    const flat = (bs: readonly PointBatch[]) => bs.flatMap((x) => Array.from(x.params));
    assert.deepEqual(flat(a), flat(b));
    assert.equal(endOf(snippet, 0)?.status, 'completed');

    const surface = await snippet.session.surface({ xs: Float64Array.of(0, 1), ys: Float64Array.of(0, 1), at: [0, 0], dims: [0, 1] });
    assert.deepEqual(Array.from(surface), [1, 100, 101, 0]);
    const state = await snippet.session.inspect(0, 10);
    assert.equal(state.step, 10);
    assert.deepEqual(state.params, Array.from(a[0].params.subarray(20, 22)));
    assert.equal(state.lr, 0.05);
    assert.equal((state.state.scaleByAdam as Record<string, unknown>).count, 10);
    snippet.session.cancel();
  });

  it('says when the gradient falls back to finite differences, and why', async () => {
    const o = await run({ loss: { source: 'export default ([x, y]: number[]) => x * x + y * y + Math.random() * 0;\nexport const init = [1, 1];' } });
    assert.deepEqual((await o.session.info).gradient, { mode: 'finite-differences', reason: '`Math.random` is not differentiable (line 1)', line: 1, column: 54 });
    assert.equal(endOf(o, 0)?.status, 'completed');
  });

  it('reads loss.file relative to baseDir, and refuses it when the workspace is not trusted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'snippet-'));
    writeFileSync(path.join(dir, 'bowl.ts'), 'export default ([x, y]: number[]) => x * x + 2 * y * y;\nexport const init = [1, 1];\n');
    const ok = await run({ loss: { file: 'bowl.ts' } }, { baseDir: dir });
    assert.equal(ok.error, undefined);
    assert.equal(endOf(ok, 0)?.status, 'completed');
    const refused = await run({ loss: { file: 'bowl.ts' } }, { baseDir: dir, allowFiles: false });
    assert.deepEqual(refused.error, { kind: 'trust', message: 'workspace is not trusted: loss files from the workspace do not run' });
    const missing = await run({ loss: { file: 'nope.ts' } }, { baseDir: dir });
    assert.equal(missing.error?.kind, 'io');
    assert.match(missing.error?.message ?? '', /nope\.ts/);
  });

  it('rejects a snippet that does not compile, with diagnostics, and nothing runs', async () => {
    const session = startExperiment(experiment({ loss: { source: 'export default function loss(p: number[]) {\n  return p[0] +;\n}' } }));
    await assert.rejects(session.info, (e: LossError) => e.kind === 'compile' && e.diagnostics?.[0].line === 2);
    await assert.rejects(session.done, (e: LossError) => e.kind === 'compile');
  });

  it('stops a loss that never returns, names the params, and the next session works', async () => {
    const o = await run({
      loss: { source: 'let calls = 0;\nexport default ([x, y]: number[]) => {\n  if (++calls > 40) while (true) { /* spin */ }\n  return x * x + y * y;\n};\nexport const init = [0.5, -0.25];' },
      steps: 100,
    }, { deadlineMs: 500 });
    assert.equal(o.error?.kind, 'timeout');
    assert.match(o.error?.message ?? '', /^the loss did not return within 500 ms \(at params \[[-\d.e, ]+\]\)$/);
    const end = endOf(o, 0);
    assert.equal(end?.status, 'error');
    assert.equal(end?.message, o.error?.message);
    const next = await run({ loss: { source: ROSENBROCK } });
    assert.equal(next.error, undefined);
    assert.equal(endOf(next, 0)?.status, 'completed');
  });

  it('promise callbacks a snippet schedules never run outside an evaluation', async () => {
    const o = await run({
      loss: { source: 'export default ([x]: number[]) => {\n  void Promise.resolve().then(() => { while (true) { /* spin */ } });\n  void (async () => { await 0; while (true) { /* spin */ } })();\n  return x * x;\n};\nexport const init = [1];' },
    }, { deadlineMs: 500 });
    assert.equal(o.error, undefined);
    assert.equal(endOf(o, 0)?.status, 'completed');
  });

  it('stops a memory bomb with a clear message, and the next session works', async () => {
    const o = await run({ loss: { source: 'export default ([x]: number[]) => {\n  const hoard: number[][] = [];\n  while (true) hoard.push(new Array(1e5).fill(x));\n};\nexport const init = [1];' } },
      // No deadline to race: near its heap limit V8 collects again and again before it gives up, which on a loaded machine can outlast 2 s.
      { memoryLimitMb: 48, deadlineMs: 120_000 });
    assert.equal(o.error?.kind, 'memory');
    assert.match(o.error?.message ?? '', /^the loss ran out of memory: .*48 MB/);
    const next = await run({ loss: { preset: 'booth' } });
    assert.equal(endOf(next, 0)?.status, 'completed');
  });

  it('refuses typed arrays past the evaluation\'s budget (outside the heap limit) before touching them', async () => {
    const o = await run({ loss: { source: 'const hoard: Float64Array[] = [];\nexport default ([x]: number[]) => {\n  while (true) hoard.push(new Float64Array(1e6).fill(x));\n};\nexport const init = [1];' } },
      { memoryLimitMb: 64 });
    assert.equal(o.error, undefined);
    assert.match(endOf(o, 0)?.message ?? '', /^the loss threw at line 3, column \d+: RangeError: the loss allocated more than 32 MB of typed arrays in one evaluation, the sandbox's limit at params \[1\]$/);
    const next = await run({ loss: { preset: 'booth' } });
    assert.equal(endOf(next, 0)?.status, 'completed');
  });

  it('ends the session when typed arrays kept across evaluations pass the process\'s resident limit', async () => {
    const o = await run({ loss: { source: 'const hoard: Float64Array[] = [];\nexport default ([x]: number[]) => {\n  hoard.push(new Float64Array(2e6).fill(x));\n  return x * x;\n};\nexport const init = [1];' },
      steps: 100_000 }, { memoryLimitMb: 64 });
    assert.equal(o.error?.kind, 'memory');
    assert.match(o.error?.message ?? '', /^the loss ran out of memory: its sandbox process used \d+ MB, more than the 224 MB allowed \(64 MB for the loss, 160 MB for the process itself\)$/);
    assert.equal(endOf(o, 0)?.status, 'error');
  });

  it('a throw in the middle of a run ends that run with the snippet\'s line and column', async () => {
    const o = await run({
      loss: { source: 'export default function loss([x]: number[]) {\n  if (x > 1.2) throw new Error("went too far");\n  return (x - 3) ** 2;\n}\nexport const init = [1];' },
      runs: [{ optimizer: 'sgd', lr: 0.1 }],
    });
    assert.equal(o.error, undefined);
    const end = endOf(o, 0);
    assert.equal(end?.status, 'error');
    assert.match(end?.message ?? '', /the loss threw at line 2, column \d+: Error: went too far at params \[1\.\d+\]/);
  });

  it('NaN at finite params ends the run as an error naming them; Infinity from runaway params is divergence', async () => {
    const nan = await run({ loss: { source: 'export default ([x]: number[]) => x < 0.5 ? Math.sqrt(-1) : (x - 0.2) ** 2;\nexport const init = [1];' }, runs: [{ optimizer: 'sgd', lr: 0.2 }] });
    assert.equal(endOf(nan, 0)?.status, 'error');
    assert.match(endOf(nan, 0)?.message ?? '', /the loss returned NaN at params \[0\.\d+\]/);
    const inf = await run({ loss: { source: 'export default ([x]: number[]) => Math.exp(x * x);\nexport const init = [3];' }, runs: [{ optimizer: 'sgd', lr: 1 }] });
    assert.equal(endOf(inf, 0)?.status, 'diverged');
  });

  it('takes a warm spare process when one was started', async () => {
    await prewarmWorker();
    try {
      const o = await run({ loss: { source: ROSENBROCK } });
      assert.equal(endOf(o, 0)?.status, 'completed');
      assertContiguous(o.points.get(0) ?? [], 30);
    } finally {
      disposeSpareWorker();
    }
  });

  it('cancel ends the runs still going as cancelled', async () => {
    const session = startExperiment(experiment({ loss: { source: ROSENBROCK }, steps: 10_000_000 }));
    const events: RunnerEvent[] = [];
    session.onEvent((e) => events.push(e));
    await session.info;
    await new Promise<void>((resolve) => session.onEvent((e) => { if (e.type === 'points') resolve(); }));
    session.cancel();
    await session.done;
    const end = events.find((e) => e.type === 'runEnd');
    assert.ok(end && end.type === 'runEnd');
    assert.equal(end.status, 'cancelled');
    assert.equal(events[events.length - 1].type, 'done');
  });
});
