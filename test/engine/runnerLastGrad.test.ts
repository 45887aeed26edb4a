/**
 * The Runner keeps the gradient its last update used (`state().lastGrad`): ∇L(θₜ₋₁) on step
 * t − 1's mini-batch, before clipping — checked against an independent evaluation of the
 * objective with the sampler's sequence redrawn.
 */
import * as assert from 'node:assert/strict';
import { experiment } from './helpers';
import { getProblem } from '../../src/engine/problems';
import { BatchSampler } from '../../src/engine/random';
import { Runner } from '../../src/engine/runner';

describe('Runner: the gradient the last update used', () => {
  it('is null before the first update, then ∇L(θₜ₋₁) on that step\'s mini-batch, for every t', () => {
    const problem = getProblem('logistic-regression');
    assert.ok(problem);
    const objective = problem.objective();
    const e = experiment({ loss: { preset: 'logistic-regression' }, steps: 40, batchSize: 8, seed: 11, tolerance: 1e-300,
      runs: [{ optimizer: 'adam', lr: 0.05, clip: { norm: 0.5 } }] });
    const runner = new Runner(e, objective, problem.init);
    assert.equal(runner.state(0).lastGrad, null);
    const sampler = new BatchSampler(objective.dataSize, 8, 11);
    let prev: Float64Array = Float64Array.from(problem.init);
    for (let t = 1; t <= 40; t++) {
      runner.advance(1);
      const s = runner.state(0);
      assert.equal(s.count, t);
      const expected = new Float64Array(objective.dim);
      objective.valueAndGrad(prev, expected, sampler.draw());
      assert.deepEqual(s.lastGrad, expected, `update ${t}`);
      prev = s.params;
    }
  });

  it('keeping it does not change the trajectory (same points as a runner stepped in one go)', () => {
    const problem = getProblem('rosenbrock');
    assert.ok(problem);
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 300, tolerance: 1e-300,
      runs: [{ optimizer: 'sgd', lr: 0.001, momentum: 0.9 }, { optimizer: 'rmsprop', lr: 0.01 }] });
    const a = new Runner(e, problem.objective(), problem.init);
    while (!a.finished) a.advance(7);
    const b = new Runner(e, problem.objective(), problem.init);
    b.advance(1e6);
    for (const run of [0, 1]) {
      assert.deepEqual(a.state(run).params, b.state(run).params);
      assert.deepEqual(a.state(run).lastGrad, b.state(run).lastGrad);
    }
  });
});
