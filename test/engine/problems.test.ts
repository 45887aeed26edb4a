import * as assert from 'node:assert/strict';
import * as ts from 'typescript';
import { getProblem, PROBLEMS, type Problem } from '../../src/engine/problems';
import { BatchSampler, Random } from '../../src/engine/random';
import type { Objective } from '../../src/engine/types';

/** Evaluates a problem's TypeScript `source` (test only): transpiled to CommonJS, run with `new Function`. */
function loadSource(source: string): Record<string, unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, unknown> = {};
  new Function('exports', js)(exports);
  return exports;
}

/** Points to test at: the start, the minima, and seeded points inside the plot window. */
function samplePoints(problem: Problem, dim: number, count = 6): number[][] {
  const random = new Random(42);
  const points: number[][] = [problem.initFor(dim), ...problem.minimaFor(dim).map((m) => [...m.params])];
  for (let k = 0; k < count; k++) {
    points.push(Array.from({ length: dim }, (_, i) => {
      const [lo, hi] = i % 2 === 0 ? problem.domain.x : problem.domain.y;
      return random.uniform(lo, hi);
    }));
  }
  return points;
}

function gradAt(objective: Objective, p: readonly number[], batch: Int32Array | null = null): { loss: number; grad: Float64Array } {
  const grad = new Float64Array(objective.dim);
  const loss = objective.valueAndGrad(Float64Array.from(p), grad, batch);
  return { loss, grad };
}

function centralDifference(objective: Objective, p: readonly number[], batch: Int32Array | null = null): Float64Array {
  const out = new Float64Array(p.length);
  const x = Float64Array.from(p);
  for (let i = 0; i < p.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(p[i]));
    x[i] = p[i] + h;
    const up = objective.value(x, batch);
    x[i] = p[i] - h;
    const down = objective.value(x, batch);
    x[i] = p[i];
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('problems', () => {
  it('lists every problem the issue asks for, each findable by name', () => {
    const names = PROBLEMS.map((p) => p.name);
    for (const name of ['rosenbrock', 'beale', 'himmelblau', 'rastrigin', 'booth', 'matyas', 'ackley', 'styblinski-tang',
      'ill-conditioned-quadratic', 'saddle', 'linear-regression', 'logistic-regression']) {
      assert.ok(names.includes(name), `missing ${name}`);
      assert.equal(getProblem(name)?.name, name);
    }
    assert.equal(new Set(names).size, names.length, 'names are unique');
    assert.equal(getProblem('nope'), undefined);
    assert.ok(getProblem('styblinski-tang')?.anyDimension);
  });

  for (const problem of PROBLEMS) {
    describe(problem.name, () => {
      const dims = problem.anyDimension ? [problem.dim, 1, 5] : [problem.dim];

      it('has a consistent shape: init length = dim, a domain around the start, a title and a description', () => {
        assert.equal(problem.init.length, problem.dim);
        assert.ok(problem.title.length > 0 && problem.description.length > 0);
        assert.ok(problem.domain.x[0] < problem.domain.x[1] && problem.domain.y[0] < problem.domain.y[1]);
        assert.ok(problem.init[0] >= problem.domain.x[0] && problem.init[0] <= problem.domain.x[1]);
        assert.ok(problem.init[1] >= problem.domain.y[0] && problem.init[1] <= problem.domain.y[1]);
        const objective = problem.objective();
        assert.equal(objective.dim, problem.dim);
        assert.equal(objective.dataSize, problem.dataSize);
      });

      for (const dim of dims) {
        it(`has an exact gradient (central finite differences agree), dim ${dim}`, () => {
          const objective = problem.objective({ dim });
          for (const p of samplePoints(problem, dim)) {
            const { loss, grad } = gradAt(objective, p);
            assert.equal(loss, objective.value(Float64Array.from(p), null), `valueAndGrad and value agree at [${p}]`);
            const fd = centralDifference(objective, p);
            const scale = Math.max(1, norm(grad));
            for (let i = 0; i < dim; i++) {
              assert.ok(Math.abs(grad[i] - fd[i]) <= 1e-6 * scale,
                `${problem.name} ∂/∂p${i} at [${p}]: analytic ${grad[i]}, finite differences ${fd[i]}`);
            }
          }
        });

        it(`has its stated minima (loss as stated, gradient ≈ 0), dim ${dim}`, () => {
          const objective = problem.objective({ dim });
          for (const m of problem.minimaFor(dim)) {
            assert.equal(m.params.length, dim);
            const { loss, grad } = gradAt(objective, m.params);
            assert.ok(Math.abs(loss - m.loss) <= 1e-9 * Math.max(1, Math.abs(m.loss)), `loss ${loss} vs stated ${m.loss}`);
            assert.ok(norm(grad) < 1e-7, `gradient norm ${norm(grad)} at the minimum [${m.params}]`);
            // A minimum: nearby points are not lower.
            const random = new Random(7);
            for (let k = 0; k < 20; k++) {
              const q = m.params.map((v) => v + random.uniform(-1e-3, 1e-3));
              assert.ok(objective.value(Float64Array.from(q), null) >= m.loss - 1e-12, `lower loss next to the minimum at [${q}]`);
            }
          }
        });
      }

      it('its TypeScript source computes exactly the same loss as the objective', () => {
        const module = loadSource(problem.source);
        const loss = module.default as (p: number[], batch?: unknown[]) => number;
        assert.equal(typeof loss, 'function');
        assert.deepEqual(module.init, [...problem.init]);
        assert.deepEqual(module.domain, { x: [...problem.domain.x], y: [...problem.domain.y] });
        const objective = problem.objective();
        for (const p of samplePoints(problem, problem.dim)) {
          assert.equal(loss(p), objective.value(Float64Array.from(p), null), `${problem.name} at [${p}]`);
        }
        if (problem.dataSize > 0) {
          const data = module.data as unknown[];
          assert.equal(data.length, problem.dataSize);
          const indices = Int32Array.from([5, 0, 17, 3, 42, 9, 1]);
          for (const p of samplePoints(problem, problem.dim, 3)) {
            assert.equal(loss(p, Array.from(indices, (i) => data[i])), objective.value(Float64Array.from(p), indices));
          }
        } else {
          assert.equal(module.data, undefined);
        }
      });
    });
  }

  it('refuses a dimension other than its own for fixed-size problems, accepts any for anyDimension ones', () => {
    assert.throws(() => getProblem('rosenbrock')!.objective({ dim: 3 }), /rosenbrock has 2 parameters, not 3/);
    assert.equal(getProblem('styblinski-tang')!.objective({ dim: 7 }).dim, 7);
    assert.deepEqual(getProblem('rastrigin')!.initFor(3), [3.2, -2.7, 3.2]);
    assert.throws(() => getProblem('rastrigin')!.objective({ dim: 0 }), /positive integer/);
  });

  it('styblinski-tang has the textbook minimum ≈ −39.16617 per dimension', () => {
    const [m] = getProblem('styblinski-tang')!.minimaFor(4);
    assert.ok(Math.abs(m.loss / 4 - -39.16616570377142) < 1e-9);
    assert.ok(Math.abs(m.params[0] - -2.903534) < 1e-6);
  });

  it('the ill-conditioned quadratic has condition number 50 (Hessian by differences of the exact gradient)', () => {
    const objective = getProblem('ill-conditioned-quadratic')!.objective();
    const g0 = gradAt(objective, [0, 0]).grad;
    const gx = gradAt(objective, [1, 0]).grad, gy = gradAt(objective, [0, 1]).grad;
    const [a, b, c] = [gx[0] - g0[0], gx[1] - g0[1], gy[1] - g0[1]];
    const mean = (a + c) / 2, radius = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const kappa = (mean + radius) / (mean - radius);
    assert.ok(Math.abs(kappa - 50) < 1e-9, `κ = ${kappa}`);
    assert.ok(Math.abs(b) > 1, 'the axes are rotated (off-diagonal Hessian)');
  });

  describe('losses with data', () => {
    for (const name of ['linear-regression', 'logistic-regression']) {
      it(`${name}: full loss is the mean over all examples, a batch's loss the mean over its examples`, () => {
        const objective = getProblem(name)!.objective();
        const p = Float64Array.from([0.7, -0.3]);
        const all = Int32Array.from({ length: objective.dataSize }, (_, i) => i);
        assert.equal(objective.value(p, null), objective.value(p, all));
        const singles = Array.from(all, (i) => objective.value(p, Int32Array.of(i)));
        const mean = singles.reduce((s, v) => s + v, 0) / singles.length;
        assert.ok(Math.abs(mean - objective.value(p, null)) < 1e-12);
        // Batch gradients are exact too.
        const batch = Int32Array.of(3, 8, 1);
        const { grad } = gradAt(objective, [0.7, -0.3], batch);
        const fd = centralDifference(objective, [0.7, -0.3], batch);
        assert.ok(Math.abs(grad[0] - fd[0]) < 1e-7 && Math.abs(grad[1] - fd[1]) < 1e-7);
      });

      it(`${name}: the dataset is reproducible from its seed and changes with it`, () => {
        const p = Float64Array.from([1.1, 0.2]);
        const problem = getProblem(name)!;
        assert.equal(problem.objective({ seed: 3 }).value(p, null), problem.objective({ seed: 3 }).value(p, null));
        assert.notEqual(problem.objective({ seed: 3 }).value(p, null), problem.objective({ seed: 4 }).value(p, null));
        assert.equal(problem.objective().value(p, null), problem.objective({ seed: 0 }).value(p, null));
      });
    }

    it('linear-regression recovers roughly the generating line y = 2x − 1', () => {
      const [m] = getProblem('linear-regression')!.minima;
      assert.ok(Math.abs(m.params[0] - 2) < 0.3 && Math.abs(m.params[1] + 1) < 0.5, `[${m.params}]`);
    });
  });

  describe('random', () => {
    it('is deterministic per seed, uniform in [0, 1), with plausible normal moments', () => {
      const a = new Random(123), b = new Random(123), c = new Random(124);
      const xs = Array.from({ length: 1000 }, () => a.next());
      assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
      assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c.next()));
      assert.ok(xs.every((x) => x >= 0 && x < 1));
      const n = new Random(5);
      const zs = Array.from({ length: 20000 }, () => n.normal());
      const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
      const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length;
      assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
    });

    it('samples mini-batches of distinct indices, reproducibly, into one reused buffer', () => {
      const s1 = new BatchSampler(20, 6, 9), s2 = new BatchSampler(20, 6, 9);
      const buffer = s1.batch;
      for (let k = 0; k < 50; k++) {
        const b1 = s1.draw(), b2 = s2.draw();
        assert.equal(b1, buffer);
        assert.deepEqual(Array.from(b1), Array.from(b2));
        assert.equal(new Set(b1).size, 6);
        assert.ok(Array.from(b1).every((i) => i >= 0 && i < 20));
      }
      assert.equal(new BatchSampler(5, 10, 0).draw().length, 5, 'a batch larger than the data is the whole data');
    });
  });
});
