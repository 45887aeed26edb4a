import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { symmetricEigen, SymmetricEigenSolver } from '../../../src/engine/curvature/eigen';
import { Random } from '../../../src/engine/random';
import { withSpectrum } from './helpers';

/** max |A·v_k − λ_k·v_k| and max |VᵀV − I| over the decomposition. */
function residuals(a: ArrayLike<number>, n: number, values: Float64Array, vectors: Float64Array): { eig: number; orth: number } {
  let eig = 0, orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[j * n + k];
      eig = Math.max(eig, Math.abs(s - values[k] * vectors[i * n + k]));
    }
    for (let l = 0; l < n; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[i * n + k] * vectors[i * n + l];
      orth = Math.max(orth, Math.abs(d - (k === l ? 1 : 0)));
    }
  }
  return { eig, orth };
}

describe('curvature/eigen: symmetric eigenvalues by cyclic Jacobi', () => {
  it('gives a 2 × 2 matrix its closed-form eigenvalues, ascending, with unit eigenvectors', () => {
    // [[2, 1], [1, 3]]: (5 ∓ √5)/2.
    const { values, vectors } = symmetricEigen([2, 1, 1, 3], 2);
    assert.ok(Math.abs(values[0] - (5 - Math.sqrt(5)) / 2) <= 1e-15);
    assert.ok(Math.abs(values[1] - (5 + Math.sqrt(5)) / 2) <= 1e-15);
    const r = residuals([2, 1, 1, 3], 2, values, vectors);
    assert.ok(r.eig <= 1e-15 && r.orth <= 1e-15, JSON.stringify(r));
  });

  it('finds prescribed spectra of 1 to 50 parameters to 1e-13 of the largest |λ|', () => {
    for (const n of [1, 2, 3, 5, 12, 30, 50]) {
      const random = new Random(n);
      const spectrum = Array.from({ length: n }, () => random.uniform(-20, 60)).sort((a, b) => a - b);
      const a = withSpectrum(spectrum, 100 + n);
      const { values, vectors } = symmetricEigen(a, n);
      const scale = Math.max(...spectrum.map(Math.abs));
      spectrum.forEach((v, k) => assert.ok(Math.abs(values[k] - v) <= 1e-13 * scale, `n=${n}, λ${k}: ${values[k]} vs ${v}`));
      const r = residuals(a, n, values, vectors);
      assert.ok(r.eig <= 1e-12 * scale && r.orth <= 1e-13, `n=${n}: ${JSON.stringify(r)}`);
    }
  });

  it('keeps the small eigenvalue of a positive definite matrix with κ ≈ 5e11 to its own relative accuracy', () => {
    // [[a, b], [b, d]]: λmax = (a + d)/2 + hypot((a − d)/2, b) and λmin = (ad − b²)/λmax, both to a few ulps
    // (ad − b² = 2e12 − 1e6 is exact in float64); the textbook (a + d)/2 − hypot(…) would lose every digit of λmin.
    const a = 1e12, b = 1e3, d = 2;
    const top = (a + d) / 2 + Math.hypot((a - d) / 2, b);
    const small = (a * d - b * b) / top;
    const { values } = symmetricEigen([a, b, b, d], 2);
    assert.ok(Math.abs(values[0] - small) <= 1e-14 * small, `${values[0]} vs ${small}`);
    assert.ok(Math.abs(values[1] - top) <= 1e-15 * top, `${values[1]} vs ${top}`);
  });

  it('keeps the smallest eigenvalue of graded 3 × 3 matrices (κ up to 1e18) to a few ulps: λ₁λ₂λ₃ = det A', () => {
    for (const a of [[1e12, 1e3, 0, 1e3, 2, 1e-3, 0, 1e-3, 1e-6], [1e12, 1e-3, 0, 1e-3, 1, 1e-8, 0, 1e-8, 1e-6]]) {
      const { values } = symmetricEigen(a, 3);
      // Cofactor expansion: no cancellation for these entries, so det is accurate to a few ulps.
      const det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]);
      const smallest = det / (values[1] * values[2]);
      assert.ok(Math.abs(values[0] - smallest) <= 1e-14 * smallest, `${values[0]} vs ${smallest}`);
    }
  });

  it('symmetrises its input: (A + Aᵀ)/2', () => {
    const { values } = symmetricEigen([1, 2, 0, 1], 2);  // symmetric part [[1, 1], [1, 1]]: 0 and 2
    assert.ok(Math.abs(values[0]) <= 1e-15 && Math.abs(values[1] - 2) <= 1e-15, Array.from(values).join());
  });

  it('answers NaN for a matrix with a non-finite entry, without looping', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const { values } = symmetricEigen([1, bad, bad, 2], 2);
      assert.ok(values.every(Number.isNaN));
    }
  });

  it('reuses its arrays between calls (one solver per run, no allocation per step)', () => {
    const solver = new SymmetricEigenSolver(2);
    const first = solver.solve([1, 0, 0, 2]);
    const second = solver.solve([3, 0, 0, 4]);
    assert.equal(first.values, second.values);
    assert.deepEqual(Array.from(second.values), [3, 4]);
  });

  it('decomposes any symmetric matrix: A·v = λv and VᵀV = I (property)', () => {
    const entry = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.array(entry, { minLength: n * n, maxLength: n * n }))),
      ([n, raw]) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i <= j ? raw[i * n + j] : raw[j * n + i];
        const { values, vectors } = symmetricEigen(a, n);
        const scale = Math.max(1e-300, ...Array.from(a, Math.abs));
        const r = residuals(a, n, values, vectors);
        for (let k = 1; k < n; k++) assert.ok(values[k - 1] <= values[k]);
        return r.eig <= 1e-12 * scale * n && r.orth <= 1e-12;
      }), { numRuns: 300 });
  });
});
