/**
 * createOptimizer: every registered optimizer builds from its defaults, its chain has the documented
 * shape (clipping first, weight decay coupled or decoupled, the learning rate last), its learning
 * rate follows the schedule, and bad combinations are refused with a message.
 */
import * as assert from 'node:assert/strict';
import { defaultHyperparameters, OPTIMIZERS } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import { applyUpdates, findState } from '../../src/engine/transforms';
import type { ScaleByLearningRateState } from '../../src/engine/transforms';
import type { ClipSpec, Hyperparameters, ScheduleSpec } from '../../src/engine/types';

function build(optimizer: string, hp: Hyperparameters = {}, extra: { schedule?: ScheduleSpec; clip?: ClipSpec } = {}) {
  return createOptimizer({ label: optimizer, optimizer, hyperparameters: { ...defaultHyperparameters(optimizer), ...hp }, ...extra }, 100);
}

const names = (optimizer: string, hp: Hyperparameters = {}, extra: { schedule?: ScheduleSpec; clip?: ClipSpec } = {}): string[] =>
  build(optimizer, hp, extra).transform.init(new Float64Array(2)).map((e) => e.name);

describe('createOptimizer', () => {
  it('builds every registered optimizer from its defaults, ending with the learning rate', () => {
    for (const { id } of OPTIMIZERS) {
      const chain = names(id);
      assert.equal(chain[chain.length - 1], id === 'momentum' ? 'traceMomentum' : 'scaleByLearningRate', id);
    }
  });

  it('fills missing hyperparameters from the registry', () => {
    const a = createOptimizer({ label: 'a', optimizer: 'adam', hyperparameters: { lr: 0.1 } }, 10);
    const b = build('adam', { lr: 0.1 });
    const step = (o: typeof a): Float64Array => {
      const x = new Float64Array([1, 2]);
      const u = new Float64Array([0.3, -0.2]);
      o.transform.update(u, o.transform.init(x), x);
      applyUpdates(x, u);
      return x;
    };
    assert.deepEqual(step(a), step(b));
  });

  it('has the documented chains', () => {
    assert.deepEqual(names('gd'), ['scaleByLearningRate']);
    assert.deepEqual(names('gd', { weightDecay: 0.1 }), ['addDecayedWeights', 'scaleByLearningRate']);
    assert.deepEqual(names('momentum'), ['scaleByLearningRate', 'traceMomentum']);
    assert.deepEqual(names('sgd'), ['scaleByLearningRate']);
    assert.deepEqual(names('sgd', { momentum: 0.9, weightDecay: 0.1 }), ['addDecayedWeights', 'traceMomentum', 'scaleByLearningRate']);
    assert.deepEqual(names('rmsprop', { centered: true, momentum: 0.5 }), ['scaleByStddev', 'traceMomentum', 'scaleByLearningRate']);
    assert.deepEqual(names('rmsprop'), ['scaleByRms', 'scaleByLearningRate']);
    assert.deepEqual(names('adam', { weightDecay: 0.1 }), ['addDecayedWeights', 'scaleByAdam', 'scaleByLearningRate']);
    assert.deepEqual(names('adamw'), ['scaleByAdam', 'addDecayedWeights', 'scaleByLearningRate']);
    assert.deepEqual(names('lion', { weightDecay: 0.1 }), ['scaleByLion', 'addDecayedWeights', 'scaleByLearningRate']);
    assert.deepEqual(names('adagrad'), ['scaleByAdagrad', 'scaleByLearningRate']);
    assert.deepEqual(names('adamax'), ['scaleByAdamax', 'scaleByLearningRate']);
    assert.deepEqual(names('nadam'), ['scaleByNadam', 'scaleByLearningRate']);
    assert.deepEqual(names('radam'), ['scaleByRadam', 'scaleByLearningRate']);
    assert.deepEqual(names('adadelta'), ['scaleByAdadelta', 'scaleByLearningRate']);
  });

  it('puts clipping first, before weight decay', () => {
    assert.deepEqual(names('adam', { weightDecay: 0.1 }, { clip: { norm: 1 } }), ['clipByGlobalNorm', 'addDecayedWeights', 'scaleByAdam', 'scaleByLearningRate']);
    assert.deepEqual(names('sgd', {}, { clip: { value: 0.5 } }), ['clip', 'scaleByLearningRate']);
  });

  it('learningRate(count) is the schedule applied to lr, and is what the update uses', () => {
    const opt = build('sgd', { lr: 0.4 }, { schedule: { type: 'step', stepSize: 2, gamma: 0.5 } });
    assert.deepEqual([0, 1, 2, 3, 4].map((c) => opt.learningRate(c)), [0.4, 0.4, 0.2, 0.2, 0.1]);
    const x = new Float64Array([0, 0]);
    const state = opt.transform.init(x);
    const u = new Float64Array(2);
    for (let c = 0; c < 5; c++) {
      u.set([1, 1]);
      opt.transform.update(u, state, x);
      assert.equal(u[0], -opt.learningRate(c));
      assert.equal(findState<ScaleByLearningRateState>(state, 'scaleByLearningRate')?.lr, opt.learningRate(c));
    }
    assert.equal(build('adam', { lr: 0.3 }).learningRate(1234), 0.3);
  });

  it('refuses an unknown optimizer and Nesterov without momentum, saying why', () => {
    assert.throws(() => createOptimizer({ label: 'x', optimizer: 'adamz', hyperparameters: {} }, 10), /unknown optimizer "adamz"/);
    assert.throws(() => build('sgd', { nesterov: true }), /Nesterov momentum requires momentum > 0 and dampening 0/);
    assert.throws(() => build('sgd', { nesterov: true, momentum: 0.9, dampening: 0.1 }), /Nesterov/);
    assert.throws(() => build('adam', { betas: 0.9 }), /adam: hyperparameter "betas" must be a pair of numbers, got 0.9/);
  });

  it('takes no steps away from the minimum of a flat gradient (a zero gradient changes nothing)', () => {
    for (const { id } of OPTIMIZERS) {
      if (id === 'adamw') continue; // decoupled decay shrinks θ even without a gradient, by design
      const opt = build(id, { lr: 0.1 });
      const x = new Float64Array([1.5, -2]);
      const state = opt.transform.init(x);
      const u = new Float64Array(2);
      for (let k = 0; k < 3; k++) {
        u.fill(0);
        opt.transform.update(u, state, x);
        applyUpdates(x, u);
      }
      assert.deepEqual([...x], [1.5, -2], id);
    }
  });
});
