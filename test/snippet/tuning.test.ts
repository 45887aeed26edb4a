import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { aloneExperiment, median, RunScore } from '../../src/engine/score';
import type { Experiment, RunnerEvent, RunStatus } from '../../src/engine/types';
import { startExperiment } from '../../src/snippet/session';
import { startTuning } from '../../src/snippet/tuning';
import type { LossError } from '../../src/snippet/types';
import { experiment } from '../engine/helpers';

const RAVINE = `const steepness = 10;
export default function loss([x, y]: number[]): number {
  const across = y - Math.sin(x);
  return 0.1 * x * x + steepness * across * across;
}
export const init = [-3, 1.5];
`;

/**
 * The sandbox processes this test process started and that still run (read from /proc: real
 * processes, not the host's bookkeeping), but those in `before` (other tests' idle sessions and
 * spares share the mocha process).
 */
function liveSandboxes(before: readonly number[] = []): number[] {
  return allSandboxes().filter((pid) => !before.includes(pid));
}

function allSandboxes(): number[] {
  const own = String(process.pid);
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      return ppid === own && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('sandboxMain');
    } catch {
      return false;  // it ended while being read
    }
  }).map(Number);
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return condition();
}

/** The score of configuration `run` with `seed`, running it alone as any experiment runs: its own session, its own process, its points streamed. */
async function scoreAlone(e: Experiment, c: Parameters<typeof aloneExperiment>[1]): Promise<number> {
  const alone = aloneExperiment(e, c);
  const session = startExperiment(alone);
  const score = new RunScore(c.objective, alone.steps);
  let end: { status: RunStatus; steps: number } | undefined;
  session.onEvent((event: RunnerEvent) => {
    if (event.type === 'points') for (const b of event.batches) score.add(b.loss, b.count, b.fromStep);
    if (event.type === 'runEnd') end = { status: event.status, steps: event.steps };
  });
  await session.done;
  session.cancel();
  assert.ok(end, 'the run ended');
  return score.end(end.status as Exclude<RunStatus, 'running'>, end.steps);
}

describe('tuning in sandbox processes (src/snippet/tuning.ts)', function () {
  this.timeout(60000);

  it('every score equals running that configuration alone, bit for bit, over two processes; the best is the arg-min of the medians', async () => {
    const e = experiment({
      loss: { source: RAVINE }, steps: 150, noise: 0.5, seed: 7,
      tune: { lr: { min: 0.001, max: 1, count: 4 }, objective: 'finalLoss', seeds: 2 },
      runs: [{ optimizer: 'momentum', lr: 0.01 }, { optimizer: 'adam', lr: 0.05, tune: { lr: [0.01, 0.5], beta1: [0, 0.9], objective: 'meanLoss', seeds: 2 } }],
    });
    const tuning = startTuning(e, { workers: 2, minProcessSteps: 0 });
    let chunks = 0;
    tuning.onScores(() => chunks++);
    const results = await tuning.results;
    assert.equal(tuning.workers, 2, 'two processes scored');
    assert.ok(chunks > 1, 'scores arrived in several chunks');
    assert.equal(results.length, 2);
    for (const job of tuning.jobs) {
      const r = results[job.plan];
      const got = job.point < 0 ? undefined : r.values[job.point][job.seedIndex];
      const alone = await scoreAlone(e, job);
      if (got !== undefined) assert.ok(Object.is(got, alone), `plan ${job.plan} point ${job.point} seed ${job.seedIndex}: ${got} ≠ ${alone} alone`);
    }
    for (const r of results) {
      const medians = r.values.map((seeds) => median(seeds));
      const arg = medians.reduce((best, m, i) => (m < medians[best] ? i : best), 0);
      assert.equal(r.bestPoint, arg);
      assert.equal(r.best?.objective, medians[arg]);
    }
    assert.deepEqual(results[1].parameters, ['lr', 'beta1']);
    assert.equal(results[1].values.length, 4);
    assert.ok(results[0].values.every((seeds) => new Set(seeds.filter(Number.isFinite)).size === seeds.filter(Number.isFinite).length), 'the seeds differ (noise)');
  });

  it('seeds reproduce: the same experiment tuned twice gives the same scores', async () => {
    const e = experiment({
      loss: { source: RAVINE }, steps: 100, noise: 1, seed: 3,
      tune: { lr: { min: 0.001, max: 0.3, count: 4 }, seeds: 3 }, runs: [{ optimizer: 'sgd', momentum: 0.9 }],
    });
    const [a, b] = await Promise.all([startTuning(e, { workers: 2, minProcessSteps: 0 }).results, startTuning(e, { workers: 1 }).results]);
    assert.deepEqual(a[0].values, b[0].values);
    const other = await startTuning({ ...e, seed: 4 }, { workers: 1 }).results;
    assert.notDeepEqual(other[0].values, a[0].values, 'another seed, other scores');
  });

  it('cancelling ends every sandbox process and rejects the results', async () => {
    const before = allSandboxes();
    const e = experiment({
      loss: { source: RAVINE }, steps: 100_000, tolerance: 1e-300,
      tune: { lr: { min: 1e-6, max: 1e-4, count: 16 } }, runs: [{ optimizer: 'adam' }, { optimizer: 'sgd' }],
    });
    const tuning = startTuning(e, { workers: 2, minProcessSteps: 0 });
    let scored = 0;
    tuning.onScores((s) => { scored += s.length; });
    await tuning.info;
    assert.ok(await until(() => liveSandboxes(before).length === 2, 10000), 'two processes score');
    tuning.cancel();
    await assert.rejects(tuning.results, (e: LossError) => /cancelled/.test(e.message));
    assert.ok(await until(() => liveSandboxes(before).length === 0, 5000), `every process ended: ${liveSandboxes(before).join(', ')}`);
    const after = scored;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(scored, after, 'no score after cancelling');
  });

  it('a loss that fails ends the tuning with its error (line and column), every process ended', async () => {
    const before = allSandboxes();
    const e = experiment({
      loss: { source: 'export default function loss([x, y]: number[]): number {\n  if (x > 2) throw new Error("out of range");\n  return x * x + y * y;\n}\nexport const init = [1, 1];\n' },
      steps: 50, tune: { lr: [0.01, 10] }, runs: [{ optimizer: 'sgd' }],
    });
    const results = await startTuning(e, { workers: 1 }).results;
    // A run whose loss throws ends in error: scored +∞ like a diverged run, not the end of the tuning.
    assert.equal(results[0].values[1][0], Infinity);
    assert.ok(Number.isFinite(results[0].values[0][0]));
    const broken = experiment({ loss: { source: 'export default function loss(p: number[]): number {\n  return p[0] +;\n}\n' }, steps: 5, tune: { lr: [0.1] }, runs: [{ optimizer: 'sgd' }] });
    await assert.rejects(startTuning(broken, { workers: 2, minProcessSteps: 0 }).results, (e: LossError) => e.kind === 'compile' && (e.diagnostics?.[0]?.line === 2));
    assert.ok(await until(() => liveSandboxes(before).length === 0, 5000), 'every process ended');
  });
});
