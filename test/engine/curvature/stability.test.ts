import * as assert from 'node:assert/strict';
import {
  gradientDescentRule, heavyBallRule, nesterovRule, preconditionedHeavyBallRule, preconditionedMomentumRule,
  spectralRadius, stabilityThreshold, type StabilityRule,
} from '../../../src/engine/curvature/stability';
import { runStability, runThreshold } from '../../../src/engine/curvature/ofRun';
import { defaultHyperparameters, OPTIMIZERS } from '../../../src/engine/hyperparameters';
import { createOptimizer } from '../../../src/engine/optimizers';
import { getProblem } from '../../../src/engine/problems';
import { applyUpdates } from '../../../src/engine/transforms';
import { experiment } from '../helpers';
import { runToEnd, type RunEnd } from './runs';

const RULES: Record<string, StabilityRule> = {
  'gradient descent': gradientDescentRule(0),
  'gradient descent, L2 0.3': gradientDescentRule(0.3),
  'heavy ball β = 0.9': heavyBallRule(0.9, 0, 0),
  'heavy ball μ = 0.5, τ = 0.3, L2 0.1': heavyBallRule(0.5, 0.3, 0.1),
  'Nesterov μ = 0.9': nesterovRule(0.9, 0),
  'Nesterov μ = 0.6, L2 0.2': nesterovRule(0.6, 0.2),
  'Adam β₁ = 0.9': preconditionedMomentumRule(0.9, 0, 0),
  'AdamW β₁ = 0.8, λ = 0.5': preconditionedMomentumRule(0.8, 0.5, 0),
  'RMSprop': preconditionedHeavyBallRule(0, 0, 0),
  'RMSprop μ = 0.7': preconditionedHeavyBallRule(0.7, 0, 0),
  'Adagrad γ = 0.1 at t = 5': preconditionedHeavyBallRule(0, 0.1, 0),
};

describe('curvature/stability: thresholds per optimizer', () => {
  for (const [name, rule] of Object.entries(RULES)) {
    it(`${name}: the closed-form threshold is where the iteration's spectral radius reaches 1`, () => {
      for (const eta of [0.01, 0.3, 1.7]) {
        const t = 5;
        const threshold = stabilityThreshold(rule, eta, t);
        assert.ok(threshold > 0, `${threshold}`);
        const at = spectralRadius(rule.recurrence(eta, threshold, t));
        assert.ok(Math.abs(at - 1) <= 1e-9, `ρ at the threshold: ${at}`);
        assert.ok(spectralRadius(rule.recurrence(eta, threshold * 0.999, t)) < 1, 'just below: converges');
        assert.ok(spectralRadius(rule.recurrence(eta, threshold * 1.001, t)) > 1, 'just above: diverges');
        assert.ok(spectralRadius(rule.recurrence(eta, threshold * 1e-3, t)) < 1, 'small curvature: converges');
      }
    });
  }

  it('writes the contract\'s thresholds: GD 2/η, heavy ball (2 + 2β)/η, Adam (2 + 2β₁)/((1 − β₁)η) — 38/η at β₁ = 0.9', () => {
    const at = (id: string, h: Record<string, unknown>, eta: number): number => {
      const s = runStability({ optimizer: id, hyperparameters: { ...defaultHyperparameters(id), ...h } as never });
      assert.ok(s.rule, `${id} has a rule`);
      return stabilityThreshold(s.rule, eta);
    };
    assert.equal(at('gd', { lr: 0.1 }, 0.1), 2 / 0.1);
    assert.equal(at('sgd', { lr: 0.1 }, 0.1), 2 / 0.1);
    assert.equal(at('momentum', { lr: 0.1, momentum: 0.9 }, 0.1), (2 + 2 * 0.9) / 0.1);
    assert.equal(at('sgd', { lr: 0.1, momentum: 0.9 }, 0.1), (2 + 2 * 0.9) / 0.1);
    assert.ok(Math.abs(at('adam', { lr: 0.01 }, 0.01) - 38 / 0.01) <= 1e-9);
    assert.equal(runStability({ optimizer: 'adam', hyperparameters: defaultHyperparameters('adam') }).rule?.measure, 'preconditionedSharpness');
    assert.equal(runStability({ optimizer: 'gd', hyperparameters: defaultHyperparameters('gd') }).rule?.measure, 'sharpness');
    assert.equal(runThreshold({ optimizer: 'gd', hyperparameters: { lr: 0.04, weightDecay: 0 } }), 50);
    assert.equal(runThreshold({ optimizer: 'lion', hyperparameters: defaultHyperparameters('lion') }), null);
  });

  it('every optimizer declares its stability: a rule, or the reason there is none', () => {
    for (const spec of OPTIMIZERS) {
      const s = runStability({ optimizer: spec.id, hyperparameters: defaultHyperparameters(spec.id) });
      assert.ok(s.rule ? typeof s.rule.terms === 'function' : s.reason.length > 20, spec.id);
      if (s.rule && s.rule.measure === 'preconditionedSharpness') assert.ok(s.preconditioner, `${spec.id} reads its preconditioner`);
    }
  });

  it('gives no threshold where none is known, and says why', () => {
    for (const id of ['nadam', 'radam', 'adadelta', 'lion']) {
      const s = runStability({ optimizer: id, hyperparameters: defaultHyperparameters(id) });
      assert.equal(s.rule, null);
      assert.ok(!s.rule && s.reason.length > 20, id);
    }
  });

  /** θ_{t+1} = T·θ_t − D·θ_{t−1} along a real run of the optimizer on ½λθ² (one parameter). */
  for (const [id, h, rule] of [
    ['gd', { lr: 0.03, weightDecay: 0.2 }, gradientDescentRule(0.2)],
    ['momentum', { lr: 0.02, momentum: 0.8 }, heavyBallRule(0.8, 0, 0)],
    ['sgd', { lr: 0.02, momentum: 0.7, dampening: 0.4, weightDecay: 0.1 }, heavyBallRule(0.7, 0.4, 0.1)],
    ['sgd', { lr: 0.02, momentum: 0.9, nesterov: true, weightDecay: 0.05 }, nesterovRule(0.9, 0.05)],
  ] as const) {
    it(`${id} ${JSON.stringify(h)}: the rule's recurrence is what the engine's optimizer does on a quadratic`, () => {
      const lambda = 30;
      const optimizer = createOptimizer({ label: id, optimizer: id, hyperparameters: { ...defaultHyperparameters(id), ...h } }, 100);
      const params = Float64Array.of(1.5);
      const state = optimizer.transform.init(params);
      const path = [params[0]];
      const u = new Float64Array(1);
      for (let t = 0; t < 30; t++) {
        u[0] = lambda * params[0];
        optimizer.transform.update(u, state, params);
        applyUpdates(params, u);
        path.push(params[0]);
      }
      const { trace, det } = rule.recurrence(h.lr, lambda, 1);
      for (let t = 2; t < path.length - 1; t++) {
        const predicted = trace * path[t] - det * path[t - 1];
        assert.ok(Math.abs(path[t + 1] - predicted) <= 1e-12 * Math.max(...path.map(Math.abs)), `step ${t + 1}: ${path[t + 1]} vs ${predicted}`);
      }
    });
  }
});

describe('curvature/stability: the thresholds predict, on the ill-conditioned quadratic (λmax = 50)', () => {
  const lambdaMax = 50;
  const end = (optimizer: string, h: Record<string, unknown>): RunEnd => runToEnd(experiment({
    loss: { preset: 'ill-conditioned-quadratic' }, steps: 5000, runs: [{ optimizer, ...h }],
  }), getProblem('ill-conditioned-quadratic')!.objective());

  for (const [label, optimizer, h, threshold] of [
    ['gradient descent at 2/λmax', 'gd', {}, 2 / lambdaMax],
    ['heavy-ball momentum (β = 0.9) at (2 + 2β)/λmax', 'momentum', { momentum: 0.9 }, 3.8 / lambdaMax],
    ['SGD with momentum 0.5 at (2 + 2μ)/λmax', 'sgd', { momentum: 0.5 }, 3 / lambdaMax],
    ['Nesterov (μ = 0.9) at (2 + 2μ)/((1 + 2μ)λmax)', 'sgd', { momentum: 0.9, nesterov: true }, 3.8 / 2.8 / lambdaMax],
  ] as const) {
    it(`${label}: η 1% below converges, 1% above diverges`, () => {
      const below = end(optimizer, { ...h, lr: threshold * 0.99 });
      assert.equal(below.status, 'converged', below.message);
      const above = end(optimizer, { ...h, lr: threshold * 1.01 });
      assert.equal(above.status, 'diverged', above.message);
    });
  }
});
