import * as assert from 'node:assert/strict';
import { symmetricEigen } from '../../../src/engine/curvature/eigen';
import { getProblem, PROBLEMS } from '../../../src/engine/problems';
import { Random } from '../../../src/engine/random';
import { curvatureFixtures } from './fixtures';

/**
 * Tolerance: 1e-10 relative, as the issue asks. An entry is compared to the largest entry of its
 * Hessian (an entry that cancels to ~0, e.g. Himmelblau's 4x + 4y near x = −y, has no relative
 * digits of its own); eigenvalues likewise to the largest |λ|.
 */
const RELATIVE = 1e-10;

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

describe('curvature: analytic Hessians of the built-in problems against torch.autograd.functional.hessian', () => {
  it('has fixtures for every preset (two and five parameters for those of any dimension)', () => {
    const covered = new Set(curvatureFixtures.presets.map((p) => `${p.problem}/${p.dim}`));
    for (const problem of PROBLEMS) {
      assert.ok(covered.has(`${problem.name}/2`), problem.name);
      if (problem.anyDimension) assert.ok(covered.has(`${problem.name}/5`), `${problem.name} at 5 parameters`);
    }
  });

  for (const { problem: name, dim, points } of curvatureFixtures.presets) {
    it(`${name} (${dim} parameters): Hessian, loss and eigenvalues at ${points.length} points to 1e-10`, () => {
      const problem = getProblem(name);
      assert.ok(problem);
      const objective = problem.objective({ dim });
      assert.ok(objective.hessian);
      for (const point of points) {
        const h = new Float64Array(dim * dim);
        const batch = point.batch ? Int32Array.from(point.batch) : null;
        objective.hessian(Float64Array.from(point.params), h, batch);
        const loss = objective.value(Float64Array.from(point.params), batch);
        const where = `${name} at [${point.params.join(', ')}]${batch ? ' on a batch' : ''}`;
        assert.ok(Math.abs(loss - point.loss) <= RELATIVE * Math.max(Math.abs(point.loss), 1e-300), `${where}: loss ${loss} vs ${point.loss}`);
        const scale = maxAbs(point.hessian);
        point.hessian.forEach((e, k) => assert.ok(Math.abs(h[k] - e) <= RELATIVE * scale, `${where}: H[${k}] = ${h[k]}, torch ${e}`));
        const { values } = symmetricEigen(h, dim);
        const top = maxAbs(point.eigenvalues);
        point.eigenvalues.forEach((e, k) => assert.ok(Math.abs(values[k] - e) <= RELATIVE * top, `${where}: λ${k} = ${values[k]}, eigvalsh ${e}`));
      }
    });
  }

  it('gives Hessian-vector products equal to the Hessian times the vector (problems of any dimension, 7 parameters)', () => {
    const random = new Random(3);
    for (const problem of PROBLEMS.filter((p) => p.anyDimension)) {
      const objective = problem.objective({ dim: 7 });
      assert.ok(objective.hessianVector && objective.hessian);
      const p = Float64Array.from({ length: 7 }, () => random.uniform(-3, 3));
      const v = Float64Array.from({ length: 7 }, () => random.normal());
      const h = new Float64Array(49), hv = new Float64Array(7);
      objective.hessian(p, h, null);
      objective.hessianVector(p, v, hv, null);
      for (let i = 0; i < 7; i++) {
        let s = 0;
        for (let j = 0; j < 7; j++) s += h[i * 7 + j] * v[j];
        assert.ok(Math.abs(hv[i] - s) <= 1e-12 * Math.max(1, maxAbs(h)), `${problem.name}: (Hv)[${i}] ${hv[i]} vs ${s}`);
      }
    }
  });

  it('says where the Hessian does not exist: Ackley at the cone\'s tip is not finite', () => {
    const objective = getProblem('ackley')!.objective();
    const h = new Float64Array(4);
    objective.hessian!(new Float64Array(2), h, null);
    assert.ok(h.some((x) => !Number.isFinite(x)));
  });

  it('gives every preset a Hessian', () => {
    for (const problem of PROBLEMS) assert.equal(typeof problem.objective().hessian, 'function', problem.name);
  });
});
