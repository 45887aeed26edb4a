/**
 * Gradient transformations: equivalences in optax's manner, clipping, momentum's first buffer,
 * state that is plain, inspectable, updated in place and copyable, and every optimizer reducing a
 * parabola and Rosenbrock's function.
 */
import * as assert from 'node:assert/strict';
import { defaultHyperparameters, OPTIMIZERS } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import {
  biasCorrection,
  addDecayedWeights, applyUpdates, chain, clip, clipByGlobalNorm, copyState, findState, identity, scale, scaleByAdam,
  scaleByLearningRate, scaleByRms, scaleBySign, traceMomentum,
} from '../../src/engine/transforms';
import type { ScaleByAdamState, ScaleByLearningRateState } from '../../src/engine/transforms';
import type { GradientTransformation, Hyperparameters, Vec } from '../../src/engine/types';

/** Feeds the same pseudo-random gradients to a transformation and returns its outputs. */
function outputs(t: GradientTransformation, n: number, steps: number): Float64Array[] {
  const params = new Float64Array(n).fill(0.5);
  const state = t.init(params);
  const u = new Float64Array(n);
  const out: Float64Array[] = [];
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < n; i++) u[i] = 3 * rand();
    t.update(u, state, params);
    out.push(Float64Array.from(u));
  }
  return out;
}

const parabola = (c: readonly number[]) => (x: Vec, g: Vec): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - c[i];
    g[i] = 2 * d;
    s += d * d;
  }
  return s;
};

const rosenbrock = (x: Vec, g: Vec): number => {
  const r = x[1] - x[0] * x[0];
  g[0] = -2 * (1 - x[0]) - 400 * x[0] * r;
  g[1] = 200 * r;
  return (1 - x[0]) ** 2 + 100 * r * r;
};

function minimise(id: string, hp: Hyperparameters, f: (x: Vec, g: Vec) => number, init: number[], steps: number) {
  const opt = createOptimizer({ label: id, optimizer: id, hyperparameters: { ...defaultHyperparameters(id), ...hp } }, steps);
  const x = Float64Array.from(init);
  const u = new Float64Array(x.length);
  const state = opt.transform.init(x);
  const first = f(x, u);
  for (let k = 0; k < steps; k++) {
    f(x, u);
    opt.transform.update(u, state, x);
    applyUpdates(x, u);
  }
  return { first, last: f(x, u), x };
}

describe('gradient transformations', () => {
  it('chain() of nothing and identity() leave updates unchanged', () => {
    for (const t of [chain(), identity(), chain(identity(), identity())] as GradientTransformation[]) {
      const u = new Float64Array([1.5, -2, 0, 1e300]);
      const state = t.init(u);
      t.update(u, state, new Float64Array(4));
      assert.deepEqual(u, new Float64Array([1.5, -2, 0, 1e300]));
    }
    assert.deepEqual(chain().init(new Float64Array(2)), []);
  });

  it('RMS with bias correction ≡ Adam with β₁ = 0', () => {
    const rms = outputs(scaleByRms({ alpha: 0.99, eps: 1e-8, biasCorrection: true }), 3, 50);
    const adam = outputs(scaleByAdam({ b1: 0, b2: 0.99, eps: 1e-8 }), 3, 50);
    assert.deepEqual(rms, adam);
  });

  it('a chain of scalings multiplies: scale(2) then scale(3) ≡ scale(6) on integers', () => {
    assert.deepEqual(outputs(chain(scale(2), scale(3)), 2, 5).map((a) => a.map(Math.round)),
      outputs(scale(6), 2, 5).map((a) => a.map(Math.round)));
  });

  it('adamw with weight decay 0 ≡ adam; adam\'s coupled decay differs from adamw\'s decoupled one', () => {
    const init = [-1.2, 1.5];
    const adamw0 = minimise('adamw', { lr: 0.02, weightDecay: 0 }, rosenbrock, init, 100);
    const adam = minimise('adam', { lr: 0.02 }, rosenbrock, init, 100);
    assert.deepEqual(adamw0.x, adam.x);
    const coupled = minimise('adam', { lr: 0.02, weightDecay: 0.1 }, rosenbrock, init, 100);
    const decoupled = minimise('adamw', { lr: 0.02, weightDecay: 0.1 }, rosenbrock, init, 100);
    assert.ok(Math.abs(coupled.x[0] - decoupled.x[0]) > 1e-6);
  });

  it('addDecayedWeights adds wd·θ; scaleByLearningRate multiplies by −η(count) and records it', () => {
    const params = new Float64Array([2, -4]);
    const t = chain(addDecayedWeights(0.5), scaleByLearningRate((c) => 0.1 * (c + 1)));
    const state = t.init(params);
    const u = new Float64Array([1, 1]);
    t.update(u, state, params);
    assert.deepEqual([...u], [-(1 + 1) * 0.1, -(1 - 2) * 0.1]);
    u.set([1, 1]);
    t.update(u, state, params);
    assert.deepEqual([...u], [-(1 + 1) * 0.2, -(1 - 2) * 0.2]);
    const lrState = findState<ScaleByLearningRateState>(state, 'scaleByLearningRate');
    assert.deepEqual(lrState, { count: 2, lr: 0.2 });
  });

  it('clipByGlobalNorm follows clip_grad_norm_ (max/(‖g‖ + 1e-6), never scaling up); clip() clamps each coordinate', () => {
    const t = clipByGlobalNorm(1);
    const s = t.init(new Float64Array(2));
    const u = new Float64Array([3, 4]);
    t.update(u, s, u);
    assert.equal(s.norm, 5);
    assert.equal(s.factor, 1 / (5 + 1e-6));
    assert.deepEqual([...u], [3 * (1 / (5 + 1e-6)), 4 * (1 / (5 + 1e-6))]);
    const short = new Float64Array([0.3, 0.4]);
    t.update(short, s, short);
    assert.deepEqual([...short], [0.3, 0.4]);
    const v = new Float64Array([-3, 0.2, 7]);
    clip(0.5).update(v, {}, v);
    assert.deepEqual([...v], [-0.5, 0.2, 0.5]);
    const w = new Float64Array([-3, 0, 2]);
    scaleBySign().update(w, {}, w);
    assert.deepEqual([...w], [-1, 0, 1]);
  });

  it('traceMomentum starts its buffer as the first update, undampened (PyTorch), and dampens later ones', () => {
    const t = traceMomentum({ momentum: 0.9, dampening: 0.5 });
    const s = t.init(new Float64Array(1));
    const u = new Float64Array([2]);
    t.update(u, s, u);
    assert.equal(u[0], 2);
    u[0] = 2;
    t.update(u, s, u);
    assert.equal(u[0], 0.9 * 2 + 0.5 * 2);
    const nesterov = traceMomentum({ momentum: 0.9, nesterov: true });
    const sn = nesterov.init(new Float64Array(1));
    const v = new Float64Array([1]);
    nesterov.update(v, sn, v);
    assert.equal(v[0], 1 + 0.9 * 1);
  });

  it('state is plain data, updated in place (same buffers), inspectable by name', () => {
    const opt = createOptimizer({ label: 'a', optimizer: 'adam', hyperparameters: { ...defaultHyperparameters('adam'), amsgrad: true } }, 10);
    const x = new Float64Array([1, 2]);
    const state = opt.transform.init(x);
    const adam = findState<ScaleByAdamState>(state, 'scaleByAdam');
    assert.ok(adam);
    const { mu, nu, nuMax } = adam;
    const u = new Float64Array([0.5, -1]);
    opt.transform.update(u, state, x);
    assert.equal(adam.mu, mu);
    assert.equal(adam.nu, nu);
    assert.equal(adam.nuMax, nuMax);
    assert.equal(adam.count, 1);
    assert.ok(Math.abs(mu[0] - 0.05) < 1e-15 && Math.abs(nu[1] - 0.001) < 1e-15);
    assert.deepEqual(state.map((e) => e.name), ['scaleByAdam', 'scaleByLearningRate']);
    for (const entry of state) {
      for (const v of Object.values(entry.state)) {
        assert.ok(typeof v === 'number' || typeof v === 'boolean' || v instanceof Float64Array, `${entry.name}: ${typeof v}`);
      }
    }
  });

  describe('state round-trip: a copy of the state continues exactly like the original', () => {
    const cases: [string, Hyperparameters][] = [
      ['sgd', { lr: 0.001, momentum: 0.9, nesterov: true }],
      ['momentum', { lr: 0.001, momentum: 0.9 }],
      ['adagrad', { lr: 0.1, lrDecay: 0.01 }],
      ['rmsprop', { lr: 0.001, centered: true, momentum: 0.5 }],
      ['adam', { lr: 0.01, amsgrad: true }],
      ['adamw', { lr: 0.01 }],
      ['adamax', { lr: 0.01 }],
      ['nadam', { lr: 0.01 }],
      ['radam', { lr: 0.001 }],
      ['adadelta', { lr: 1 }],
      ['lion', { lr: 0.001, weightDecay: 0.1 }],
    ];
    for (const [id, hp] of cases) {
      it(id, () => {
        const opt = createOptimizer({ label: id, optimizer: id, hyperparameters: { ...defaultHyperparameters(id), ...hp } }, 40);
        const x = new Float64Array([-1.2, 1]);
        const u = new Float64Array(2);
        const state = opt.transform.init(x);
        const step = (p: Vec, s: typeof state): void => {
          rosenbrock(p, u);
          opt.transform.update(u, s, p);
          applyUpdates(p, u);
        };
        for (let k = 0; k < 10; k++) step(x, state);
        const savedX = Float64Array.from(x);
        const saved = copyState(state);
        for (let k = 0; k < 10; k++) step(x, state);
        const y = savedX;
        for (let k = 0; k < 10; k++) step(y, saved);
        assert.deepEqual(y, x);
        assert.deepEqual(saved, state);
        assert.notEqual(saved[0].state, state[0].state);
      });
    }
  });

  describe('every optimizer reduces a parabola and Rosenbrock\'s function', () => {
    const parabolaLr: Record<string, number> = {
      gd: 0.1, momentum: 0.05, sgd: 0.1, adagrad: 0.5, rmsprop: 0.01, adam: 0.05, adamw: 0.05, adamax: 0.05,
      nadam: 0.05, radam: 0.05, adadelta: 10, lion: 0.02,
    };
    const rosenLr: Record<string, number> = {
      gd: 1e-3, momentum: 1e-4, sgd: 1e-3, adagrad: 0.1, rmsprop: 1e-3, adam: 0.01, adamw: 0.01, adamax: 0.01,
      nadam: 0.01, radam: 1e-3, adadelta: 1, lion: 1e-3,
    };
    for (const { id } of OPTIMIZERS) {
      it(id, () => {
        const p = minimise(id, { lr: parabolaLr[id] }, parabola([1, -2, 0.5]), [-1, 1, 2], 500);
        assert.ok(p.last < 1e-3 * p.first, `${id}: parabola loss ${p.first} → ${p.last}`);
        const r = minimise(id, { lr: rosenLr[id] }, rosenbrock, [-1.2, 1], 500);
        assert.ok(r.last < 0.5 * r.first, `${id}: Rosenbrock loss ${r.first} → ${r.last}`);
      });
    }
  });
});

describe('biasCorrection', () => {
  it('equals 1 − β^t bit for bit, before and after it saturates at 1', () => {
    for (const beta of [0, 0.3, 0.9, 0.99, 0.999, 0.9999]) {
      const correction = biasCorrection(beta);
      for (let t = 1; t <= 400_000; t += t < 1000 ? 1 : 7) {
        assert.equal(correction(t), 1 - beta ** t, `β=${beta}, t=${t}`);
      }
    }
  });

  it('is one function per β, whose remembered last answer never answers another t (Adam and its preconditioner reader share it)', () => {
    const a = biasCorrection(0.9), b = biasCorrection(0.9);
    assert.equal(a, b);
    for (const t of [3, 3, 5, 2, 5, 5, 1, 4000, 3]) {
      assert.equal(a(t), 1 - 0.9 ** t, `t=${t}`);
      assert.equal(biasCorrection(0.99)(t), 1 - 0.99 ** t, `β=0.99 between, t=${t}`);
    }
  });
});
