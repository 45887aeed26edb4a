/**
 * The seed's three forms and how they relate to the PyTorch-style optimizers:
 * gradient descent with weight decay θ ← θ − η(∇J + wd·θ) is SGD without momentum; the seed's
 * momentum m ← βm + η∇J, θ ← θ − m traces the same path as SGD with momentum μ = β under a constant
 * η (m = η·b for PyTorch's buffer b), and a different one under a schedule.
 */
import * as assert from 'node:assert/strict';
import { createOptimizer } from '../../src/engine/optimizers';
import { applyUpdates } from '../../src/engine/transforms';
import type { Hyperparameters, ScheduleSpec, Vec } from '../../src/engine/types';

type Grad = (x: Vec, g: Vec) => number;

/** An anisotropic quadratic ½(4x² + y²) + xy/2, minimum at 0. */
const quadratic: Grad = (x, g) => {
  g[0] = 4 * x[0] + 0.5 * x[1];
  g[1] = x[1] + 0.5 * x[0];
  return 0.5 * (4 * x[0] * x[0] + x[1] * x[1]) + 0.5 * x[0] * x[1];
};

/** Himmelblau's function (four minima, curved valleys). */
const himmelblau: Grad = (x, g) => {
  const p = x[0] * x[0] + x[1] - 11;
  const q = x[0] + x[1] * x[1] - 7;
  g[0] = 4 * x[0] * p + 2 * q;
  g[1] = 2 * p + 4 * x[1] * q;
  return p * p + q * q;
};

function trajectory(optimizer: string, hyperparameters: Hyperparameters, f: Grad, init: number[], steps: number,
  schedule?: ScheduleSpec): Float64Array[] {
  const opt = createOptimizer({ label: optimizer, optimizer, hyperparameters, ...(schedule ? { schedule } : {}) }, steps);
  const x = Float64Array.from(init);
  const u = new Float64Array(x.length);
  const state = opt.transform.init(x);
  const path = [Float64Array.from(x)];
  for (let k = 0; k < steps; k++) {
    f(x, u);
    opt.transform.update(u, state, x);
    applyUpdates(x, u);
    path.push(Float64Array.from(x));
  }
  return path;
}

/** Largest relative difference between two paths. */
function maxRelDiff(a: Float64Array[], b: Float64Array[]): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    for (let i = 0; i < a[k].length; i++) {
      const d = Math.abs(a[k][i] - b[k][i]);
      if (d === 0) continue;
      worst = Math.max(worst, d / Math.max(Math.abs(a[k][i]), Math.abs(b[k][i])));
    }
  }
  return worst;
}

describe('the seed\'s forms', () => {
  it('gradient descent is θ ← θ − η(∇J + wd·θ), computed by hand', () => {
    const eta = 0.05;
    const wd = 0.1;
    const path = trajectory('gd', { lr: eta, weightDecay: wd }, quadratic, [1, -2], 20);
    const x = new Float64Array([1, -2]);
    const g = new Float64Array(2);
    for (let k = 0; k < 20; k++) {
      quadratic(x, g);
      for (let i = 0; i < 2; i++) x[i] = x[i] - eta * (g[i] + wd * x[i]);
      for (let i = 0; i < 2; i++) {
        assert.ok(Math.abs(path[k + 1][i] - x[i]) <= 1e-15 * Math.abs(x[i]), `step ${k + 1}, θ[${i}]: ${path[k + 1][i]} vs ${x[i]}`);
      }
    }
  });

  it('momentum is m ← βm + η∇J, θ ← θ − m, computed by hand', () => {
    const eta = 0.005;
    const beta = 0.8;
    const path = trajectory('momentum', { lr: eta, momentum: beta, weightDecay: 0 }, himmelblau, [0.5, -1.5], 40);
    const x = new Float64Array([0.5, -1.5]);
    const m = new Float64Array(2);
    const g = new Float64Array(2);
    for (let k = 0; k < 40; k++) {
      himmelblau(x, g);
      for (let i = 0; i < 2; i++) {
        m[i] = beta * m[i] + eta * g[i];
        x[i] = x[i] - m[i];
      }
      for (let i = 0; i < 2; i++) {
        const rel = Math.abs(path[k + 1][i] - x[i]) / Math.abs(x[i]);
        assert.ok(rel <= 1e-12, `step ${k + 1}, θ[${i}]: engine ${path[k + 1][i]}, by hand ${x[i]}`);
      }
    }
  });

  it('gd ≡ sgd without momentum, with weight decay, under a constant η and under a schedule', () => {
    const hp = { lr: 0.01, weightDecay: 0.05 };
    const schedule: ScheduleSpec = { type: 'step', stepSize: 10, gamma: 0.5 };
    for (const s of [undefined, schedule]) {
      const a = trajectory('gd', hp, himmelblau, [0.5, -1.5], 60, s);
      const b = trajectory('sgd', { ...hp, momentum: 0 }, himmelblau, [0.5, -1.5], 60, s);
      assert.deepEqual(a, b, `gd and sgd differ (${s ? 'step schedule' : 'constant η'})`);
    }
  });

  it('seed momentum ≡ sgd momentum under a constant η (equal trajectories)', () => {
    for (const [f, init, lr, beta, wd] of [
      [quadratic, [1, -2], 0.05, 0.9, 0],
      [himmelblau, [0.5, -1.5], 0.01, 0.5, 0],
      [himmelblau, [-1, 2], 0.005, 0.9, 0.1],
    ] as const) {
      const seed = trajectory('momentum', { lr, momentum: beta, weightDecay: wd }, f, [...init], 100);
      const torch = trajectory('sgd', { lr, momentum: beta, dampening: 0, nesterov: false, weightDecay: wd }, f, [...init], 100);
      const diff = maxRelDiff(seed, torch);
      assert.ok(diff <= 1e-10, `β=${beta}, η=${lr}, wd=${wd}: trajectories differ by ${diff}`);
      assert.ok(Math.abs(seed[100][0] - seed[0][0]) > 0.1, 'the path moved');
    }
  });

  it('seed momentum and sgd momentum differ under a schedule: a change of η reaches the seed form gradually', () => {
    const schedule: ScheduleSpec = { type: 'step', stepSize: 20, gamma: 0.1 };
    const hp = { lr: 0.05, momentum: 0.9 };
    const seed = trajectory('momentum', { ...hp, weightDecay: 0 }, quadratic, [1, -2], 60, schedule);
    const torch = trajectory('sgd', { ...hp, weightDecay: 0 }, quadratic, [1, -2], 60, schedule);
    // Equal while η is constant (the first 20 updates)…
    assert.ok(maxRelDiff(seed.slice(0, 21), torch.slice(0, 21)) <= 1e-12);
    // …then the 21st update differs: SGD scales its whole buffer by the new η at once (η·(μb + g)),
    // the seed form keeps the velocity built with the old η (βm + η∇J).
    const step21Seed = seed[21][1] - seed[20][1];
    const step21Torch = torch[21][1] - torch[20][1];
    assert.ok(Math.abs(step21Seed) > 5 * Math.abs(step21Torch),
      `after η drops 10×, the seed form's step (${step21Seed}) is much larger than SGD's (${step21Torch})`);
    assert.ok(maxRelDiff(seed, torch) > 1e-3, 'the trajectories differ');
  });
});
