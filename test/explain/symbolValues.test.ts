// Live symbol values for the formula view, from the engine's own state: they must agree with the
// update the engine actually made (θₜ − θₜ₋₁ = −η/(√v̂ₜ + ε)·m̂ₜ for Adam, −mₜ for classical momentum).
import * as assert from 'node:assert/strict';
import { defaultHyperparameters } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import { Random } from '../../src/engine/random';
import { applyUpdates, type ChainState } from '../../src/engine/transforms';
import type { Hyperparameters, ScheduleSpec } from '../../src/engine/types';
import { formatSymbolValue, symbolValues, type InspectState, type SymbolValue } from '../../src/explain/symbolValues';

/** The chain state as the worker's `inspect` reply carries it (records by name, arrays). */
function inspectState(chain: ChainState): InspectState {
  const out: Record<string, Record<string, number | boolean | number[]>> = {};
  for (const { name, state } of chain) {
    const fields: Record<string, number | boolean | number[]> = {};
    for (const [k, v] of Object.entries(state)) {
      if (typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
      else if (v instanceof Float64Array) fields[k] = Array.from(v);
    }
    out[name] = fields;
  }
  return out;
}

function stepEngine(optimizer: string, overrides: Hyperparameters, steps: number, schedule?: ScheduleSpec, withUsed = false) {
  const hyper = { ...defaultHyperparameters(optimizer), ...overrides };
  const opt = createOptimizer({ label: 'x', optimizer, hyperparameters: hyper, schedule }, 50);
  const rng = new Random(11);
  const params = Float64Array.of(1.5, -0.5, 2);
  const state = opt.transform.init(params);
  let before = new Float64Array(params), grad = new Float64Array(3);
  for (let t = 0; t < steps; t++) {
    before = new Float64Array(params);
    grad = Float64Array.from(params, (p) => 2 * p + rng.normal() * 0.1);
    const u = new Float64Array(grad);
    opt.transform.update(u, state, params);
    applyUpdates(params, u);
  }
  const values = symbolValues({ optimizerId: optimizer, hyperparameters: hyper, state: inspectState(state), step: steps,
    lr: opt.learningRate(steps), params: Array.from(params), grad: Array.from(grad),
    // The worker's gradUsed/prevParams: the gradient the last update used (no clipping here) and θₜ₋₁.
    ...(withUsed ? { gradUsed: Array.from(grad), prevParams: Array.from(before) } : {}) });
  return { values, before, after: params, hyper, lrUsed: opt.learningRate(steps - 1), grad };
}

const vec = (v: SymbolValue | undefined, what: string): readonly number[] => {
  assert.ok(Array.isArray(v), `${what} should be a vector, got ${JSON.stringify(v)}`);
  return v as readonly number[];
};
const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('explain: symbol values at a scrubbed step', () => {
  it('Adam: m̂ₜ, v̂ₜ, bias corrections and the effective step reproduce the engine\'s last update', () => {
    const { values, before, after } = stepEngine('adam', { lr: 0.05 }, 4);
    assert.equal(values.get('t'), 4);
    near(values.get('bc1') as number, 1 - 0.9 ** 4, '1 − β₁ᵗ');
    near(values.get('bc2') as number, 1 - 0.999 ** 4, '1 − β₂ᵗ');
    const mhat = vec(values.get('mhat'), 'm̂'), step = vec(values.get('step'), 'η/(√v̂+ε)');
    for (let i = 0; i < 3; i++) near(after[i] - before[i], -step[i] * mhat[i], `θ[${i}] update`);
    assert.equal(values.get('beta1'), 0.9);
    assert.equal(values.get('eta'), 0.05);
  });

  it('AMSGrad divides by the largest v seen', () => {
    const { values, before, after } = stepEngine('adamw', { lr: 0.05, amsgrad: true, weightDecay: 0 }, 6);
    const mhat = vec(values.get('mhat'), 'm̂'), step = vec(values.get('step'), 'step');
    assert.ok(values.has('vmax'));
    for (let i = 0; i < 3; i++) near(after[i] - before[i], -step[i] * mhat[i], `θ[${i}] update`);
  });

  it('classical momentum: θₜ − θₜ₋₁ = −mₜ; SGD: the buffer b and η', () => {
    const seed = stepEngine('momentum', { lr: 0.1, momentum: 0.9 }, 3);
    const m = vec(seed.values.get('m'), 'm');
    for (let i = 0; i < 3; i++) near(seed.after[i] - seed.before[i], -m[i], `θ[${i}]`);
    assert.equal(seed.values.get('beta'), 0.9);
    const sgd = stepEngine('sgd', { lr: 0.1, momentum: 0.9 }, 3);
    const b = vec(sgd.values.get('b'), 'b');
    for (let i = 0; i < 3; i++) near(sgd.after[i] - sgd.before[i], -0.1 * b[i], `θ[${i}]`);
    assert.equal(sgd.values.get('mu'), 0.9);
  });

  it('η is the scheduled rate the shown update used', () => {
    const { values, lrUsed } = stepEngine('adam', { lr: 0.1 }, 5, { type: 'cosine', steps: 50, warmup: 10 });
    near(values.get('eta') as number, lrUsed, 'η');
    assert.ok((values.get('eta') as number) < 0.1);
  });

  it('∇θJ(θₜ₋₁) and gₜ are not claimed without the host\'s gradAtPrev and gradUsed; ∇θJ(θₜ₋₁) is gradAtPrev, and ∇J(θ₀) before any update', () => {
    const { values, after, hyper } = stepEngine('adam', { weightDecay: 0.5 }, 2);
    assert.ok(!values.has('g'));
    assert.ok(!values.has('gradJ'), 'the gradient at θₜ is not ∇θJ(θₜ₋₁)');
    assert.deepEqual(values.get('theta'), Array.from(after));
    const base = { optimizerId: 'adam', hyperparameters: hyper, state: {}, lr: 0.001, params: Array.from(after), grad: [7, 8, 9] };
    assert.deepEqual(symbolValues({ ...base, step: 2, gradAtPrev: [1, 2, 3] }).get('gradJ'), [1, 2, 3]);
    assert.deepEqual(symbolValues({ ...base, step: 0 }).get('gradJ'), [7, 8, 9]);
  });

  it('gₜ reproduces the update: SGD with coupled weight decay moves θ by −η·gₜ (gₜ = ∇J(θₜ₋₁) + λθₜ₋₁)', () => {
    const { values, before, after } = stepEngine('sgd', { lr: 0.1, weightDecay: 0.3 }, 3, undefined, true);
    const g = vec(values.get('g'), 'gₜ');
    for (let i = 0; i < 3; i++) near(after[i] - before[i], -0.1 * g[i], `θ[${i}] update`);
  });

  it('gₜ has no λθ when the decay is decoupled (AdamW, Lion), and no value before the first update', () => {
    for (const id of ['adamw', 'lion']) {
      const { values, grad } = stepEngine(id, { weightDecay: 0.3 }, 3, undefined, true);
      assert.deepEqual(values.get('g'), Array.from(grad), `${id}: gₜ is the gradient itself`);
    }
    const coupled = stepEngine('adam', { weightDecay: 0.3 }, 3, undefined, true);
    assert.notDeepEqual(coupled.values.get('g'), Array.from(coupled.grad), 'adam: gₜ includes λθₜ₋₁');
    const zero = symbolValues({ optimizerId: 'adam', hyperparameters: defaultHyperparameters('adam'), state: {}, step: 0, lr: 0.001,
      gradUsed: [1, 2], prevParams: [0, 0] });
    assert.ok(!zero.has('g'));
  });

  it('every optimizer yields its state symbols', () => {
    const expect: Record<string, string[]> = {
      gd: ['eta', 'wd'], momentum: ['m', 'beta'], sgd: ['b', 'mu', 'tau'], adagrad: ['s', 'eps'],
      rmsprop: ['v', 'alpha', 'eps'], adam: ['m', 'v', 'mhat', 'vhat', 'step'], adamw: ['mhat', 'vhat'],
      adamax: ['m', 'u', 'bc1'], nadam: ['m', 'v', 'vhat', 'mut', 'muprod'], radam: ['m', 'v', 'mhat', 'rhoT', 'rhoInf', 'rect'],
      adadelta: ['v', 'acc', 'rho'], lion: ['m', 'beta1', 'beta2'],
    };
    for (const [id, keys] of Object.entries(expect)) {
      const over: Hyperparameters = id === 'sgd' ? { momentum: 0.9 } : {};
      const { values } = stepEngine(id, over, 8);
      for (const k of keys) assert.ok(values.has(k), `${id}: no value for ${k} (has ${[...values.keys()].join(', ')})`);
    }
    const centered = stepEngine('rmsprop', { centered: true, momentum: 0.5 }, 3).values;
    assert.ok(centered.has('gbar') && centered.has('b') && centered.has('v'));
  });

  it('before the first update: no bias-corrected values (1 − βᵗ = 0)', () => {
    const { values } = stepEngine('adam', {}, 0);
    assert.ok(!values.has('mhat') && !values.has('bc1'));
    assert.equal(values.get('eta'), 0.001);
  });

  it('formats values for display', () => {
    assert.equal(formatSymbolValue(0.000123456), '1.235e-4');
    assert.equal(formatSymbolValue([1, null, -0.5]), '[1, —, -0.5]');
    assert.equal(formatSymbolValue([Infinity, -Infinity, NaN]), '[∞, −∞, NaN]', 'a diverged run\'s values, as they are');
    assert.equal(formatSymbolValue(Array.from({ length: 8 }, () => 0)), '[0, 0, 0, 0, 0, 0, … (8)]');
  });
});
