import * as assert from 'node:assert/strict';
import { symmetricEigen } from '../../../src/engine/curvature/eigen';
import { runThreshold } from '../../../src/engine/curvature/ofRun';
import { MAX_CURVATURE_PARAMETERS } from '../../../src/engine/curvature/sharpness';
import { validateExperiment } from '../../../src/engine/experiment';
import { getProblem } from '../../../src/engine/problems';
import { Runner } from '../../../src/engine/runner';
import { serializeExperiment } from '../../../src/engine/serialize';
import type { Objective, PointBatch } from '../../../src/engine/types';
import { experiment } from '../helpers';
import { curvatureFixtures, type SharpnessRun } from './fixtures';
import { runToEnd } from './runs';

const column = (batches: PointBatch[], key: 'sharpness' | 'preconditionedSharpness' | 'loss' | 'lr'): number[] =>
  batches.flatMap((b) => Array.from(b[key] ?? []));

/** The fixtures' 5-D quadratic ½(x − c)ᵀA(x − c), with its exact Hessian A. */
function quadratic5(): Objective {
  const { A, c } = curvatureFixtures.quadratic5;
  const n = 5;
  const eval_ = (x: Float64Array, g: Float64Array | null): number => {
    const d = Array.from(x, (v, i) => v - c[i]);
    let f = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * d[j];
      if (g) g[i] = s;
      f += d[i] * s;
    }
    return 0.5 * f;
  };
  return {
    dim: n, dataSize: 0,
    value: (x) => eval_(x, null),
    valueAndGrad: (x, g) => eval_(x, g),
    hessian: (x, h) => { h.set(A); return eval_(x, null); },
  };
}

function objectiveOf(run: SharpnessRun): Objective {
  if (run.problem === 'quadratic5') return quadratic5();
  if (run.problem === 'rosenbrock') return getProblem('rosenbrock')!.objective();
  return getProblem('styblinski-tang')!.objective({ dim: 5 });
}

describe('curvature along runs (the runner with "curvature": true)', () => {
  for (const run of curvatureFixtures.runs) {
    it(`${run.optimizer} ${JSON.stringify(run.hyperparameters)} on ${run.problem}: sharpness and preconditioned sharpness equal torch's (Cohen et al. 2022's P)`, () => {
      const steps = run.params.length - 1;
      const e = experiment({ loss: { preset: 'rosenbrock' }, steps, tolerance: 1e-300, curvature: true,
        runs: [{ optimizer: run.optimizer, ...run.hyperparameters }] });
      const end = runToEnd(e, objectiveOf(run), run.init);
      assert.equal(end.status, 'completed', end.message);
      const sharpness = column(end.batches, 'sharpness');
      const preconditioned = column(end.batches, 'preconditionedSharpness');
      assert.equal(sharpness.length, steps + 1);
      assert.equal(preconditioned.length, steps + 1);
      // 1e-10 relative: the trajectories agree with torch's to ~1e-14 (test/engine/torch-parity), the
      // eigenvalues then to the same order; 1e-10 is the issue's bound.
      for (let k = 0; k < run.params.length; k++) {
        const where = `step ${k}`;
        assert.ok(Math.abs(sharpness[k] - run.sharpness[k]) <= 1e-10 * Math.abs(run.sharpness[k]), `${where}: sharpness ${sharpness[k]} vs torch ${run.sharpness[k]}`);
        const want = run.preconditionedSharpness[k];
        assert.ok(Math.abs(preconditioned[k] - want) <= 1e-10 * Math.abs(want), `${where}: preconditioned ${preconditioned[k]} vs torch ${want}`);
      }
      assert.ok(preconditioned.every(Number.isFinite), 'the last point has one too (the update it would take next)');
    });
  }

  it('gives plain-sharpness optimizers no preconditioned column, and every point a sharpness equal to eigvalsh of its Hessian', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 40, curvature: true,
      runs: [{ optimizer: 'gd', lr: 1e-3 }, { optimizer: 'sgd', lr: 1e-3, momentum: 0.9 }, { optimizer: 'lion', lr: 0.01 }] });
    const objective = getProblem('rosenbrock')!.objective();
    const runner = new Runner(e, objective, [-1.5, 2]);
    const batches: PointBatch[] = [];
    while (!runner.finished) for (const ev of runner.advance(1000)) if (ev.type === 'points') batches.push(...ev.batches);
    for (const b of batches) {
      assert.equal(b.preconditionedSharpness, undefined);
      assert.ok(b.sharpness && b.sharpness.length === b.count);
      for (let k = 0; k < b.count; k++) {
        const h = new Float64Array(4);
        objective.hessian!(b.params.subarray(2 * k, 2 * k + 2), h, null);
        const top = symmetricEigen(h, 2).values[1];
        assert.ok(Math.abs(b.sharpness[k] - top) <= 1e-15 * Math.abs(top), `${b.sharpness[k]} vs ${top}`);
      }
    }
  });

  it('measures the full loss of a mini-batch problem (its points\' loss is the full loss too)', () => {
    const e = experiment({ loss: { preset: 'linear-regression' }, steps: 20, batchSize: 4, curvature: true, runs: [{ optimizer: 'gd', lr: 0.05 }] });
    const objective = getProblem('linear-regression')!.objective();
    const h = new Float64Array(4);
    objective.hessian!(Float64Array.of(0, 0), h, null);
    const full = symmetricEigen(h, 2).values[1];
    const end = runToEnd(e, objective, [-0.5, 2]);
    for (const s of column(end.batches, 'sharpness')) assert.ok(Math.abs(s - full) <= 1e-14 * full, `${s} vs ${full}`);
  });

  it('warns before the loss explodes: the walkthrough\'s too-large learning rate is above 2/λmax from its first step', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 60, curvature: true, runs: [{ optimizer: 'gd', lr: 0.15 }] });
    const end = runToEnd(e, getProblem('booth')!.objective(), [-8, -6]);
    assert.equal(end.status, 'diverged');
    const threshold = runThreshold(e.runs[0]);
    assert.ok(threshold !== null && Math.abs(threshold - 2 / 0.15) <= 1e-12);
    const sharpness = column(end.batches, 'sharpness');
    const firstAbove = sharpness.findIndex((s) => s > threshold);
    assert.equal(firstAbove, 0);
    assert.ok(Math.abs(sharpness[0] - 18) <= 1e-13, 'Booth\'s λmax is 18');
    assert.ok(end.steps > 10, `the loss explodes later, at step ${end.steps}`);
  });

  it('keeps the batches\' shape: one sharpness per point, batches in order across handoffs', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 700, curvature: true, runs: [{ optimizer: 'adam', lr: 0.01 }] });
    const runner = new Runner(e, getProblem('rosenbrock')!.objective(), [-1.5, 2], { batchSize: 64 });
    let next = 0;
    while (!runner.finished) {
      for (const ev of runner.advance(37)) {
        if (ev.type !== 'points') continue;
        for (const b of ev.batches) {
          assert.equal(b.fromStep, next);
          assert.equal(b.sharpness?.length, b.count);
          assert.equal(b.preconditionedSharpness?.length, b.count);
          next += b.count;
        }
      }
    }
    assert.equal(next, 701);
  });

  it('refuses what it cannot do, up front and with the reason', () => {
    const bad = validateExperiment({ loss: { preset: 'rosenbrock' }, curvature: 'yes', runs: [{ optimizer: 'gd' }] });
    assert.ok(!bad.ok && bad.issues.some((i) => i.path === 'curvature' && /true or false/.test(i.message)));
    const big = validateExperiment({ loss: { preset: 'rastrigin' }, init: new Array(MAX_CURVATURE_PARAMETERS + 1).fill(1), curvature: true, runs: [{ optimizer: 'gd' }] });
    assert.ok(!big.ok && big.issues.some((i) => i.path === 'curvature' && /at most 1000 parameters/.test(i.message)), JSON.stringify(!big.ok && big.issues));
    const noHessian: Objective = { dim: 2, dataSize: 0, value: () => 0, valueAndGrad: () => 0 };
    assert.throws(() => new Runner(experiment({ loss: { preset: 'rosenbrock' }, curvature: true, runs: [{ optimizer: 'gd' }] }), noHessian, [0, 0]),
      /curvature: this loss gives no Hessian/);
  });

  it('round-trips through the experiment file', () => {
    const e = experiment({ loss: { preset: 'booth' }, curvature: true, runs: [{ optimizer: 'gd', lr: 0.1 }] });
    const again = validateExperiment(JSON.parse(serializeExperiment(e)));
    assert.ok(again.ok && again.experiment.curvature === true);
    const off = experiment({ loss: { preset: 'booth' }, runs: [{ optimizer: 'gd', lr: 0.1 }] });
    assert.equal(off.curvature, undefined);
    assert.ok(!serializeExperiment(off).includes('curvature'));
  });
});
