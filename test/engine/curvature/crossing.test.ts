/** Where a run's curvature crosses its threshold, and the warning said (curvature/crossing.ts). */
import * as assert from 'node:assert/strict';
import { crossings, MAX_CROSSINGS } from '../../../src/engine/curvature/crossing';

const gd = { optimizer: 'gd', hyperparameters: { lr: 0.2, weightDecay: 0 } };

describe('curvature: threshold crossings', () => {
  it('every upward crossing of 2/η, with the step, the value and the message', () => {
    const c = crossings(gd, { count: 6, lr: Array(6).fill(0.2), sharpness: [1, 5, 12, 8, 11, 13] });
    assert.deepEqual(c.map((x) => [x.step, x.value, x.threshold]), [[2, 12, 10], [4, 11, 10]]);
    assert.equal(c[0].message, 'at step 2, η·λmax = 2.4 > 2: gradient descent cannot settle here');
  });

  it('counts steps from the batch\'s first step and reads each step\'s learning rate', () => {
    const c = crossings(gd, { fromStep: 100, count: 3, lr: [0.1, 0.1, 0.3], sharpness: [15, 15, 15] });
    assert.deepEqual(c.map((x) => x.step), [102]);
    const thinned = crossings(gd, { steps: [0, 40, 90], count: 3, lr: [0.2, 0.2, 0.2], sharpness: [1, 1, 15] });
    assert.deepEqual(thinned.map((x) => x.step), [90]);
  });

  it('heavy-ball momentum against (2 + 2β)/η, with the bound spelled out', () => {
    const momentum = { optimizer: 'momentum', hyperparameters: { lr: 0.1, momentum: 0.5, weightDecay: 0 } };
    const c = crossings(momentum, { count: 2, lr: [0.1, 0.1], sharpness: [29, 31] });
    assert.deepEqual(c.map((x) => x.step), [1]);
    assert.equal(c[0].message, 'at step 1, η·λmax = 3.1 > 2 + 2β = 3: momentum (classical form) cannot settle here');
  });

  it('Adam against its preconditioned sharpness, not the sharpness', () => {
    const adam = { optimizer: 'adam', hyperparameters: { lr: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, amsgrad: false } };
    const columns = { count: 2, lr: [0.1, 0.1], sharpness: [1e6, 1e6], preconditionedSharpness: [100, 400] };
    const c = crossings(adam, columns);
    assert.deepEqual(c.map((x) => [x.step, x.measure]), [[1, 'preconditionedSharpness']]);
    assert.match(c[0].message, /^at step 1, \(1 − β₁\)η·λmax\(P⁻¹H\) = 4 > 2 \+ 2β₁ = 3\.8: Adam cannot settle here$/);
  });

  it('none where the optimizer has no known bound, or the curvature is not finite', () => {
    const damped = { optimizer: 'sgd', hyperparameters: { lr: 0.1, momentum: 0.9, dampening: 1, weightDecay: 0, nesterov: false } };
    assert.deepEqual(crossings(damped, { count: 1, lr: [0.1], sharpness: [1e9] }), []);
    assert.deepEqual(crossings(gd, { count: 2, lr: [0.2, 0.2], sharpness: [NaN, Infinity] }), []);
  });

  it('at most MAX_CROSSINGS per run', () => {
    const n = 4 * MAX_CROSSINGS;
    const c = crossings(gd, { count: n, lr: Array(n).fill(0.2), sharpness: Array.from({ length: n }, (_, i) => (i % 2 ? 20 : 1)) });
    assert.equal(c.length, MAX_CROSSINGS);
  });
});
