import * as assert from 'node:assert/strict';
import { symmetricEigen } from '../../../src/engine/curvature/eigen';
import { MeasuredRateTail, measuredRate, quadraticMinimum, quadraticRate, rateMap, sameHessian } from '../../../src/engine/curvature/quadratic';
import { gradientDescentRule, heavyBallRule, spectralRadius } from '../../../src/engine/curvature/stability';
import { getProblem } from '../../../src/engine/problems';
import { experiment } from '../helpers';
import { runToEnd } from './runs';

function losses(optimizer: string, h: Record<string, unknown>, steps: number): number[] {
  const end = runToEnd(experiment({ loss: { preset: 'ill-conditioned-quadratic' }, steps, tolerance: 1e-300, runs: [{ optimizer, ...h }] }),
    getProblem('ill-conditioned-quadratic')!.objective());
  return end.batches.flatMap((b) => Array.from(b.loss));
}

describe('curvature/quadratic: convergence rates on quadratics', () => {
  it('gradient descent: max over the eigenvalues of |1 − ηλ|', () => {
    const rule = gradientDescentRule(0);
    assert.equal(quadraticRate(rule, 0.03, [1, 50]), Math.max(Math.abs(1 - 0.03), Math.abs(1 - 1.5)));
    assert.equal(quadraticRate(rule, 0.05, [1, 50]), 1.5);
  });

  it('momentum: the spectral radius of the 2 × 2 iteration, √β when its roots are complex', () => {
    const rule = heavyBallRule(0.81, 0, 0);
    // T = 1 + β − ηλ = 1.31, D = 0.81: T² < 4D, complex roots of modulus √0.81.
    assert.ok(Math.abs(quadraticRate(rule, 0.01, [50]) - 0.9) <= 1e-15);
    assert.ok(Math.abs(spectralRadius({ trace: 2.5, det: 1 }) - 2) <= 1e-15, 'roots 2 and ½');
  });

  it('reads the same rate back from a gradient-descent run\'s loss curve (slope of log loss)', () => {
    const curve = losses('gd', { lr: 0.03 }, 400);
    const measured = measuredRate(curve, 0);
    assert.ok(measured !== undefined);
    assert.ok(Math.abs(measured - 0.97) <= 1e-9, String(measured));
  });

  it('and from a momentum run whose slowest direction has real roots', () => {
    const rule = heavyBallRule(0.2, 0, 0);
    const predicted = quadraticRate(rule, 0.02, [1, 50]);
    const measured = measuredRate(losses('momentum', { lr: 0.02, momentum: 0.2 }, 600), 0);
    assert.ok(measured !== undefined);
    assert.ok(Math.abs(measured - predicted) <= 1e-6 * predicted, `${measured} vs ${predicted}`);
  });

  it('has no measured rate on a curve that does not fall (fewer than 3 usable steps)', () => {
    assert.equal(measuredRate([1, 1e-320, 0], 0), undefined);
    assert.equal(measuredRate([], 0), undefined);
  });

  it('measures the same rate from the losses kept while they stream (MeasuredRateTail) as from the whole curve', () => {
    const curves: number[][] = [
      losses('gd', { lr: 0.05 }, 400),
      [5, 4, Infinity, 3, 2.5, 2, 1.7, 1.5, 1.3, 1.2, 1.1, 1e-320, 1e-320],
      [3, 2, 1, 0.5, 0.25, NaN, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003],
      Array.from({ length: 300 }, (_, k) => 2 * 0.97 ** k + (k % 7 === 0 ? 1e-12 : 0)),
    ];
    for (const curve of curves) {
      for (const window of [3, 50]) {
        const tail = new MeasuredRateTail(0, window);
        curve.forEach((v) => tail.push(v));
        assert.equal(measuredRate(tail.losses(), 0, window, tail.count), measuredRate(curve, 0, window));
      }
    }
  });

  it('maps rates over (η, β): each cell is the rule\'s rate there (Distill\'s figure)', () => {
    const etas = [0.01, 0.02, 0.05], betas = [0, 0.5, 0.9];
    const map = rateMap((b) => heavyBallRule(b, 0, 0), [1, 50], etas, betas);
    assert.equal(map.length, 9);
    betas.forEach((b, k) => etas.forEach((e, j) => assert.equal(map[k * 3 + j], quadraticRate(heavyBallRule(b, 0, 0), e, [1, 50]))));
    assert.equal(map[0], 0.99, 'β = 0, η = 0.01: plain gradient descent, |1 − 0.01|');
  });

  it('finds a quadratic\'s minimum from any one point: linear regression\'s least-squares fit', () => {
    const problem = getProblem('linear-regression')!;
    const objective = problem.objective();
    const p = Float64Array.from(problem.init), g = new Float64Array(2), h = new Float64Array(4);
    const loss = objective.valueAndGrad(p, g, null);
    objective.hessian!(p, h, null);
    const min = quadraticMinimum(loss, p, g, symmetricEigen(h, 2));
    assert.ok(min);
    const exact = problem.minima[0];
    min.params.forEach((x, i) => assert.ok(Math.abs(x - exact.params[i]) <= 1e-12, `${x} vs ${exact.params[i]}`));
    assert.ok(Math.abs(min.loss - exact.loss) <= 1e-12 * exact.loss);
    assert.equal(quadraticMinimum(0, [0, 0], [1, 1], symmetricEigen([2, 0, 0, -2], 2)), undefined, 'a saddle has none');
  });

  it('tells a constant Hessian (quadratic) from a moving one', () => {
    const hessianAt = (name: string, p: number[]): Float64Array => {
      const h = new Float64Array(4);
      getProblem(name)!.objective().hessian!(Float64Array.from(p), h, null);
      return h;
    };
    assert.ok(sameHessian(hessianAt('booth', [0, 0]), hessianAt('booth', [3, -7])));
    assert.ok(!sameHessian(hessianAt('rosenbrock', [0, 0]), hessianAt('rosenbrock', [0.1, 0])));
    assert.ok(!sameHessian([NaN, 0, 0, 1], [NaN, 0, 0, 1]));
  });
});
