// The registry's formulas, written as code, against the engine: same steps on random inputs.
// If this fails, what the hovers and the panel show is no longer what the engine computes.
import * as assert from 'node:assert/strict';
import { defaultHyperparameters, OPTIMIZERS } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import { Random } from '../../src/engine/random';
import { createSchedule, scheduleFields } from '../../src/engine/schedules';
import { applyUpdates } from '../../src/engine/transforms';
import type { Hyperparameters, ScheduleSpec } from '../../src/engine/types';
import { optimizerFormula, SCHEDULE_FORMULAS } from '../../src/explain/registry';

/** Settings per optimizer, on top of the defaults: they cover every flag and coupled/decoupled decay. */
const SETTINGS: Record<string, Hyperparameters[]> = {
  gd: [{ lr: 0.05 }, { lr: 0.05, weightDecay: 0.1 }],
  momentum: [{ lr: 0.05 }, { lr: 0.02, momentum: 0.5, weightDecay: 0.1 }],
  sgd: [{ lr: 0.05 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 },
    { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  adagrad: [{}, { lr: 0.1, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.5, eps: 1e-6 }],
  rmsprop: [{}, { centered: true, weightDecay: 0.1 }, { momentum: 0.9, alpha: 0.9 }, { momentum: 0.5, centered: true, eps: 1e-3 }],
  adam: [{ lr: 0.01 }, { lr: 0.01, betas: [0.5, 0.9], weightDecay: 0.1 }, { lr: 0.01, amsgrad: true }],
  adamw: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.3, amsgrad: true }],
  adamax: [{}, { betas: [0.8, 0.99], weightDecay: 0.1, eps: 1e-3 }],
  nadam: [{}, { momentumDecay: 0.1, weightDecay: 0.1 }],
  radam: [{ lr: 0.01 }, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1 }],
  adadelta: [{}, { rho: 0.5, eps: 1e-3, weightDecay: 0.1, lr: 0.5 }],
  lion: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.5, betas: [0.5, 0.9] }],
};

const STEPS = 12;

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-11 * Math.max(1, Math.abs(expected));
}

function compare(optimizer: string, overrides: Hyperparameters, seed: number, schedule?: ScheduleSpec): void {
  const hyper = { ...defaultHyperparameters(optimizer), ...overrides };
  const rng = new Random(seed);
  const dim = 2 + rng.int(4);
  const start = Float64Array.from({ length: dim }, () => rng.uniform(-2, 2));
  const engine = createOptimizer({ label: 'x', optimizer, hyperparameters: hyper, schedule }, STEPS);
  const engineParams = new Float64Array(start);
  const engineState = engine.transform.init(engineParams);
  const rule = optimizerFormula(optimizer).reference;
  assert.ok(rule, `${optimizer}: the registry has no reference code`);
  const refParams = new Float64Array(start);
  const refState = rule.init(dim, hyper);
  const lrOf = createSchedule(schedule, hyper.lr as number, STEPS);
  for (let t = 1; t <= STEPS; t++) {
    const g = Float64Array.from({ length: dim }, () => rng.normal() * 3);
    const updates = new Float64Array(g);
    engine.transform.update(updates, engineState, engineParams);
    applyUpdates(engineParams, updates);
    rule.step(refState, g, refParams, { ...hyper, lr: lrOf(t - 1) }, t);
    for (let i = 0; i < dim; i++) {
      assert.ok(close(refParams[i], engineParams[i]),
        `${optimizer} ${JSON.stringify(overrides)}${schedule ? ` schedule ${schedule.type}` : ''}: step ${t}, θ[${i}]: formula ${refParams[i]} vs engine ${engineParams[i]}`);
    }
  }
}

describe('explain: formulas as code match the engine', () => {
  for (const o of OPTIMIZERS) {
    it(`${o.id}: every setting, ${STEPS} steps on random gradients`, () => {
      const settings = SETTINGS[o.id];
      assert.ok(settings, `no parity settings for optimizer "${o.id}"`);
      settings.forEach((s, k) => { for (const seed of [1, 2, 3]) compare(o.id, s, 100 * k + seed); });
    });
  }

  it('with a schedule, the scheduled rate enters each formula at the step it is used', () => {
    const schedule: ScheduleSpec = { type: 'cosine', steps: STEPS, warmup: 3 };
    for (const id of ['gd', 'momentum', 'sgd', 'adam', 'adamw', 'lion']) compare(id, SETTINGS[id][1], 7, schedule);
  });

  it('classical momentum and PyTorch\'s agree under a constant rate and differ under a schedule', () => {
    const run = (id: string, schedule?: ScheduleSpec): Float64Array => {
      const hyper = { ...defaultHyperparameters(id), lr: 0.05, momentum: 0.9 };
      const rule = optimizerFormula(id).reference!;
      const theta = Float64Array.of(1, -2), state = rule.init(2, hyper);
      const lrOf = createSchedule(schedule, 0.05, 20);
      for (let t = 1; t <= 20; t++) rule.step(state, Float64Array.of(2 * theta[0], 4 * theta[1]), theta, { ...hyper, lr: lrOf(t - 1) }, t);
      return theta;
    };
    const seed = run('momentum'), torch = run('sgd');
    for (let i = 0; i < 2; i++) assert.ok(close(seed[i], torch[i]), `constant η: θ[${i}] ${seed[i]} vs ${torch[i]}`);
    const step: ScheduleSpec = { type: 'step', stepSize: 5, gamma: 0.1 };
    const seedS = run('momentum', step), torchS = run('sgd', step);
    assert.ok(Math.abs(seedS[0] - torchS[0]) > 1e-6, `scheduled η: the forms should differ, got ${seedS[0]} and ${torchS[0]}`);
  });
});

describe('explain: schedule formulas match the engine', () => {
  const specs: ScheduleSpec[] = [
    { type: 'constant' }, { type: 'step', stepSize: 7 }, { type: 'step', stepSize: 3, gamma: 0.5 },
    { type: 'exponential', gamma: 0.97 }, { type: 'cosine', steps: 50 }, { type: 'cosine', steps: 40, warmup: 8, minLr: 0.001 },
    { type: 'linearWarmup', warmup: 10 }, { type: 'linearWarmup', warmup: 5, startFactor: 0.2 },
    { type: 'oneCycle', steps: 50 }, { type: 'oneCycle' }, { type: 'cosine' }, { type: 'oneCycle', steps: 30, maxLr: 0.5, pctStart: 0.25, divFactor: 10, finalDivFactor: 100 },
  ];
  for (const spec of specs) {
    it(`${JSON.stringify(spec)} for 60 steps`, () => {
      const f = SCHEDULE_FORMULAS.find((s) => s.id === spec.type);
      assert.ok(f, `no schedule formula for "${spec.type}"`);
      const engine = createSchedule(spec, 0.1, 60);
      for (let c = 0; c < 60; c++) {
        const want = engine(c), got = f.lr(scheduleFields(spec, { lr: 0.1, steps: 60 }), 0.1, c);
        assert.ok(close(got, want), `${spec.type} at c=${c}: formula ${got} vs engine ${want}`);
      }
    });
  }
});
