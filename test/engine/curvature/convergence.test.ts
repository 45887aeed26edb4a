/**
 * Quadratics, exactly (issue 14): the facts a quadratic loss gives once (spectrum, minimum), and
 * per run the closed-form rate beside the rate its loss curve shows.
 *
 * Tolerances: on a quadratic the error of gradient descent (or heavy-ball momentum with real
 * roots) is a sum of geometric sequences, the slowest of ratio ρ. Over the measured window (the
 * last 50 steps with Lₖ − L* above 1e-8 of the loss's scale: quadratic.ts `measuredRate`) the
 * next-slowest term is below ρ^t by (ρ₂/ρ)^t < 1e-12 of it in every case here. L*, computed from
 * one point, is off by a few ulps of L₀, i.e. ≤ 1e-7 of Lₖ − L* at the window's end: the fitted
 * slope over 50 steps moves by at most ~1e-8 and ρ = e^{slope/2} by less — hence 1e-8.
 */
import * as assert from 'node:assert/strict';
import { convergenceRates, quadraticFacts } from '../../../src/engine/curvature/convergence';
import { getProblem, PROBLEMS } from '../../../src/engine/problems';
import { compileSnippet } from '../../../src/snippet/compile';
import { experiment } from '../helpers';
import { runToEnd } from './runs';

const ILL = getProblem('ill-conditioned-quadratic')!;

function curve(optimizer: string, h: Record<string, unknown>, steps: number): Float64Array {
  const end = runToEnd(experiment({ loss: { preset: ILL.name }, steps, tolerance: 1e-300, runs: [{ optimizer, ...h }] }), ILL.objective());
  return Float64Array.from(end.batches.flatMap((b) => Array.from(b.loss)));
}

/** The run spec convergenceRates reads, with the optimizer's defaults filled in as validation does. */
function spec(optimizer: string, h: Record<string, unknown>): Parameters<typeof convergenceRates>[0] {
  const run = experiment({ loss: { preset: ILL.name }, runs: [{ optimizer, ...h }] }).runs[0]!;
  return run;
}

describe('curvature/convergence: closed-form rates beside measured ones on quadratics', () => {
  const facts = quadraticFacts(ILL.objective(), ILL.init, 'preset')!;

  it('learns a quadratic\'s spectrum and minimum from one point', () => {
    assert.equal(facts.evidence, 'preset');
    assert.ok(Math.abs(facts.eigenvalues[0]! - 1) < 1e-13 && Math.abs(facts.eigenvalues[1]! - 50) < 1e-12, String(facts.eigenvalues));
    assert.ok(Math.abs(facts.minimum as number) < 1e-13);
    const saddle = getProblem('saddle')!;
    assert.equal(quadraticFacts(saddle.objective(), saddle.init, 'preset')!.minimum, null, 'a saddle has no minimum');
  });

  it('gradient descent: max |1 − ηλᵢ| equals the slope of its log loss', () => {
    const r = convergenceRates(spec('gd', { lr: 0.03 }), facts, curve('gd', { lr: 0.03 }, 500));
    assert.ok(Math.abs((r.analytic as number) - 0.97) < 1e-15, String(r.analytic));
    assert.ok(Math.abs((r.measured as number) - (r.analytic as number)) < 1e-8, `${r.measured} vs ${r.analytic}`);
    assert.equal(r.note, undefined);
  });

  it('gradient descent past 2/λmax: a rate above 1, measured on the way out', () => {
    const r = convergenceRates(spec('gd', { lr: 0.041 }), facts, curve('gd', { lr: 0.041 }, 300));
    assert.ok(Math.abs((r.analytic as number) - 1.05) < 1e-12, String(r.analytic));
    assert.ok(Math.abs((r.measured as number) - 1.05) < 1e-8, String(r.measured));
  });

  it('heavy-ball momentum: the spectral radius of its 2 × 2 iteration (real roots) equals the measured slope', () => {
    // λ = 1: z² − 1.0z + 0.1, roots 0.887 and 0.113; λ = 50: complex, |z| = √0.1. The slowest is real.
    const h = { lr: 0.02, momentum: 0.1 };
    const r = convergenceRates(spec('momentum', h), facts, curve('momentum', h, 400));
    const slowest = (1.08 + Math.sqrt(1.08 * 1.08 - 0.4)) / 2;
    assert.ok(Math.abs((r.analytic as number) - slowest) < 1e-14, `${r.analytic} vs ${slowest}`);
    assert.ok(Math.abs((r.measured as number) - slowest) < 1e-8, `${r.measured} vs ${slowest}`);
  });

  it('says why a rate is missing: Adam\'s moving preconditioner, a schedule, weight decay, mini-batches', () => {
    const adam = convergenceRates(spec('adam', { lr: 0.01 }), facts, curve('adam', { lr: 0.01 }, 50));
    assert.equal(adam.analytic, null);
    assert.match(adam.note ?? '', /preconditioner/);
    assert.equal(typeof adam.measured, 'number');
    const scheduled = convergenceRates({ ...spec('gd', { lr: 0.03 }), schedule: { type: 'cosine', steps: 50 } } as never, facts, [1, 0.5]);
    assert.equal(scheduled.analytic, null);
    assert.match(scheduled.note ?? '', /schedule/);
    const decayed = convergenceRates(spec('gd', { lr: 0.03, weightDecay: 0.1 }), facts, curve('gd', { lr: 0.03 }, 50));
    assert.equal(typeof decayed.analytic, 'number');
    assert.equal(decayed.measured, null);
    assert.match(decayed.note ?? '', /weight decay/);
    const stochastic = convergenceRates(spec('gd', { lr: 0.03 }), { ...facts, stochastic: 'its gradients are of mini-batches (8 of 64 examples)' }, [1, 0.5]);
    assert.equal(stochastic.analytic, null);
    assert.match(stochastic.note ?? '', /mini-batches/);
  });

  it('every preset declared quadratic has one Hessian everywhere, the others do not; their snippets say the same', () => {
    const seeded = (k: number): number => Math.sin(12.9898 * k) * 3;
    for (const problem of PROBLEMS) {
      const o = problem.objective();
      const h0 = new Float64Array(o.dim * o.dim), h1 = new Float64Array(o.dim * o.dim);
      const at = (shift: number): Float64Array => Float64Array.from(problem.init, (v, i) => v + seeded(i + shift));
      o.hessian!(at(1), h0, null);
      o.hessian!(at(7), h1, null);
      const same = h0.every((v, i) => Math.abs(v - h1[i]!) <= 1e-12 * Math.max(1, Math.abs(v)));
      assert.equal(same, problem.quadratic, `${problem.name}: Hessian constant ${same}, declared ${problem.quadratic}`);
      // The preset's own snippet: recognised from its code unless it reads data (not straight-line code).
      const compiled = compileSnippet(problem.source);
      assert.ok(compiled.ok);
      assert.equal(compiled.quadratic === true, problem.quadratic && problem.dataSize === 0, `${problem.name}'s snippet`);
    }
  });
});
