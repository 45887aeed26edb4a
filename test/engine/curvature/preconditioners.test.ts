import * as assert from 'node:assert/strict';
import { runStability } from '../../../src/engine/curvature/ofRun';
import type { PreconditionerReader } from '../../../src/engine/curvature/stability';
import { defaultHyperparameters } from '../../../src/engine/hyperparameters';
import { createOptimizer } from '../../../src/engine/optimizers';
import { findState, type ChainState } from '../../../src/engine/transforms';
import type { Hyperparameters } from '../../../src/engine/types';

/** The preconditioner reader an optimizer's declaration gives, if any. */
function preconditionerReader(id: string, h: Hyperparameters): PreconditionerReader | undefined {
  const s = runStability({ optimizer: id, hyperparameters: h });
  return s.rule ? s.preconditioner : undefined;
}

/** One update of `id` from `params` with gradient `grad`: the updates and the chain's state after it. */
function oneUpdate(id: string, h: Hyperparameters, params: number[], steps: number[][]): { updates: Float64Array; state: ChainState } {
  const optimizer = createOptimizer({ label: id, optimizer: id, hyperparameters: { ...defaultHyperparameters(id), ...h } }, 100);
  const p = Float64Array.from(params);
  const state = optimizer.transform.init(p) as ChainState;
  let updates = new Float64Array(p.length);
  for (const g of steps) {
    updates = Float64Array.from(g);
    optimizer.transform.update(updates, state, p);
  }
  return { updates, state };
}

describe('curvature/preconditioners: P read from the optimizer\'s state is the P its update divided by', () => {
  const grads = [[0.3, -2], [1.5, 0.25], [-0.7, 4]];
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 4e-16 * Math.max(Math.abs(a), Math.abs(b));

  it('Adam (and AMSGrad): update = −η·m/P', () => {
    for (const amsgrad of [false, true]) {
      const h = { ...defaultHyperparameters('adam'), lr: 0.1, amsgrad } as Hyperparameters;
      const { updates, state } = oneUpdate('adam', h, [1, 1], grads);
      const p = new Float64Array(2);
      assert.ok(preconditionerReader('adam', h)!(state, p));
      const m = findState<{ mu: Float64Array }>(state, 'scaleByAdam')!.mu;
      for (let i = 0; i < 2; i++) assert.ok(close(updates[i], -0.1 * (m[i] / p[i])), `${updates[i]} vs ${-0.1 * m[i] / p[i]}`);
    }
  });

  it('Adamax: update = −η·m/P', () => {
    const h = { ...defaultHyperparameters('adamax'), lr: 0.1 } as Hyperparameters;
    const { updates, state } = oneUpdate('adamax', h, [1, 1], grads);
    const p = new Float64Array(2);
    assert.ok(preconditionerReader('adamax', h)!(state, p));
    const m = findState<{ mu: Float64Array }>(state, 'scaleByAdamax')!.mu;
    for (let i = 0; i < 2; i++) assert.ok(close(updates[i], -0.1 * (m[i] / p[i])));
  });

  it('RMSprop (plain and centered) and Adagrad: update = −η·g/P', () => {
    for (const [id, extra] of [['rmsprop', {}], ['rmsprop', { centered: true }], ['adagrad', {}]] as const) {
      const h = { ...defaultHyperparameters(id), lr: 0.1, ...extra } as Hyperparameters;
      const { updates, state } = oneUpdate(id, h, [1, 1], grads);
      const p = new Float64Array(2);
      assert.ok(preconditionerReader(id, h)!(state, p));
      const g = grads[grads.length - 1];
      for (let i = 0; i < 2; i++) assert.ok(close(updates[i], -0.1 * (g[i] / p[i])), `${id} ${JSON.stringify(extra)}: ${updates[i]} vs ${-0.1 * g[i] / p[i]}`);
    }
  });

  it('has no P before the first update, and none for optimizers without a diagonal preconditioner', () => {
    const h = defaultHyperparameters('adam') as Hyperparameters;
    const { state } = oneUpdate('adam', h, [1, 1], []);
    assert.equal(preconditionerReader('adam', h)!(state, new Float64Array(2)), false);
    for (const id of ['sgd', 'gd', 'momentum', 'nadam', 'radam', 'adadelta', 'lion']) {
      assert.equal(preconditionerReader(id, defaultHyperparameters(id) as Hyperparameters), undefined, id);
    }
  });
});
