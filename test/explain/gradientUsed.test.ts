/**
 * gₜ in the formula view: the value shown for gₜ (symbolValues fed by the worker's `inspect`,
 * as the panel's formula view does) equals an independent recomputation — the gradient at θₜ₋₁
 * (the streamed point of step t − 1) on step t − 1's mini-batch, clipped as torch clips, plus
 * λθₜ₋₁ when the weight decay is coupled.
 */
import * as assert from 'node:assert/strict';
import { experiment } from '../engine/helpers';
import { defaultHyperparameters } from '../../src/engine/hyperparameters';
import { getProblem } from '../../src/engine/problems';
import { BatchSampler } from '../../src/engine/random';
import type { Experiment, Objective, RunnerEvent } from '../../src/engine/types';
import { symbolValues } from '../../src/explain/symbolValues';
import { startExperiment } from '../../src/snippet/session';

type Session = ReturnType<typeof startExperiment>;

/**
 * Runs `e` (a preset) in a worker session and hands `check` θ of every step of run 0 (from the
 * streamed points), the session (cancelled afterwards) and the preset's objective.
 */
async function withRun(e: Experiment, check: (thetas: readonly Float64Array[], session: Session, objective: Objective) => Promise<void>): Promise<void> {
  const preset = 'preset' in e.loss ? e.loss.preset : undefined;
  const problem = preset === undefined ? undefined : getProblem(preset);
  assert.ok(problem, `the experiment's loss is a preset (${preset})`);
  const session = startExperiment(e);
  try {
    const info = await session.info;
    const thetas: Float64Array[] = [];
    session.onEvent((ev: RunnerEvent) => {
      if (ev.type !== 'points') return;
      for (const b of ev.batches) {
        if (b.run !== 0) continue;
        for (let k = 0; k < b.count; k++) thetas[b.fromStep + k] = b.params.slice(k * info.dim, (k + 1) * info.dim);
      }
    });
    await session.done;
    await check(thetas, session, problem.objective());
  } finally {
    session.cancel();
  }
}

/** ∇J(θ) of `objective` on `batch` (null: all the data). */
function gradientAt(objective: Objective, theta: Float64Array, batch: Int32Array | null): Float64Array {
  const g = new Float64Array(objective.dim);
  objective.valueAndGrad(theta, g, batch);
  return g;
}

/** torch.nn.utils.clip_grad_norm_ / clip_grad_value_, written out. */
function clipped(g: Float64Array, clip: { norm?: number; value?: number } | undefined): Float64Array {
  if (clip?.norm !== undefined) {
    const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
    const c = Math.min(clip.norm / (norm + 1e-6), 1);
    return g.map((x) => x * c);
  }
  if (clip?.value !== undefined) { const v = clip.value; return g.map((x) => Math.min(Math.max(x, -v), v)); }
  return g;
}

/** What the formula view shows at step t of run 0 (one `inspect`, as the panel does). */
async function shown(session: Session, e: Experiment, t: number): Promise<ReadonlyMap<string, unknown>> {
  const spec = e.runs[0];
  const result = await session.inspect(0, t);
  assert.equal(result.step, t);
  const hyperparameters = { ...defaultHyperparameters(spec.optimizer), ...spec.hyperparameters };
  return symbolValues({
    optimizerId: spec.optimizer, hyperparameters, state: result.state, step: result.step, lr: result.lr,
    params: result.params, grad: result.grad, gradUsed: result.gradUsed, prevParams: result.prevParams,
    gradAtPrev: result.gradAtPrev,
  });
}

/** The value symbol `name` shows (a vector, or the test fails naming it and t). */
function vectorOf(values: ReadonlyMap<string, unknown>, name: string, t: number): readonly (number | null)[] {
  const v = values.get(name);
  assert.ok(Array.isArray(v), `${name} has a value at t = ${t}`);
  return v as readonly (number | null)[];
}

function assertNear(actual: readonly (number | null)[], expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((x, i) => {
    const a = actual[i];
    assert.ok(a !== null && Math.abs(a - x) <= 1e-12 * Math.max(1, Math.abs(x)), `${what}[${i}]: ${a} vs ${x}`);
  });
}

describe('formula view: gₜ is the gradient the update used', function () {
  this.timeout(20000);

  it('a clipped run (Adam, clip by norm, coupled weight decay): clip(∇J(θₜ₋₁)) + λθₜ₋₁', async () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 30, tolerance: 1e-300,
      runs: [{ optimizer: 'adam', lr: 0.05, weightDecay: 0.1, clip: { norm: 1 } }] });
    await withRun(e, async (thetas, session, objective) => {
      for (const t of [1, 2, 17, 30]) {
        const prev = thetas[t - 1];
        const raw = gradientAt(objective, prev, null);
        assert.ok(Math.hypot(raw[0], raw[1]) > 1, 'clipping is active at this step');
        const expected = clipped(raw, { norm: 1 }).map((x, i) => x + 0.1 * prev[i]);
        const values = await shown(session, e, t);
        assertNear(vectorOf(values, 'g', t), expected, `g at t = ${t}`);
        // ∇θJ(θₜ₋₁) in the rule is the gradient before clipping.
        assertNear(vectorOf(values, 'gradJ', t), raw, `∇J(θₜ₋₁) at t = ${t}`);
      }
      // Before the first update there is no gₜ.
      const zero = await session.inspect(0, 0);
      assert.equal(zero.gradUsed, undefined);
    });
  });

  it('a batched run (logistic regression, batch 8, clip by value): clip(∇J(θₜ₋₁) on step t − 1\'s batch)', async () => {
    const e = experiment({ loss: { preset: 'logistic-regression' }, steps: 25, batchSize: 8, seed: 5, tolerance: 1e-300,
      runs: [{ optimizer: 'sgd', lr: 0.5, momentum: 0.9, clip: { value: 0.05 } }] });
    await withRun(e, async (thetas, session, objective) => {
      const sampler = new BatchSampler(objective.dataSize, 8, 5);
      const batches = Array.from({ length: 25 }, () => sampler.draw().slice());
      for (const t of [1, 9, 25]) {
        const prev = thetas[t - 1];
        const raw = gradientAt(objective, prev, batches[t - 1]);
        assert.notDeepEqual(raw, gradientAt(objective, prev, null), 'the batch gradient differs from the full-data one');
        assertNear(vectorOf(await shown(session, e, t), 'g', t), clipped(raw, { value: 0.05 }), `g at t = ${t}`);
      }
    });
  });
});
