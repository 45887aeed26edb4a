import * as assert from 'node:assert/strict';
import { lanczosLargest } from '../../../src/engine/curvature/lanczos';
import { Random } from '../../../src/engine/random';
import { withSpectrum } from './helpers';

function operator(a: Float64Array, n: number): (v: Float64Array, out: Float64Array) => void {
  return (v, out) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      out[i] = s;
    }
  };
}

describe('curvature/lanczos: the top eigenvalue from matrix-vector products', () => {
  it('finds λmax of 120 × 120 matrices to 1e-12 relative, well before n products', () => {
    for (const seed of [1, 2, 3]) {
      const random = new Random(seed);
      const spectrum = Array.from({ length: 120 }, () => random.uniform(-5, 40));
      spectrum[7] = 55;  // a separated top eigenvalue
      const a = withSpectrum(spectrum, seed);
      const r = lanczosLargest(operator(a, 120), 120);
      assert.ok(r.converged);
      assert.ok(Math.abs(r.value - 55) <= 1e-12 * 55, `${r.value}`);
      assert.ok(r.iterations < 120, `${r.iterations} products`);
      // Its vector is the eigenvector: A·v = 55·v.
      const av = new Float64Array(120);
      operator(a, 120)(r.vector, av);
      for (let i = 0; i < 120; i++) assert.ok(Math.abs(av[i] - 55 * r.vector[i]) <= 1e-5);
    }
  });

  it('is exact once the Krylov space is exhausted (n products), clustered top eigenvalues included', () => {
    const spectrum = [1, 2, 3, 9.999999, 10, 10];
    const a = withSpectrum(spectrum, 9);
    const r = lanczosLargest(operator(a, 6), 6);
    assert.ok(r.converged);
    assert.ok(Math.abs(r.value - 10) <= 1e-12, String(r.value));
  });

  it('finds a negative largest eigenvalue (a maximum of the loss)', () => {
    const a = withSpectrum([-7, -3, -1.5], 4);
    const r = lanczosLargest(operator(a, 3), 3);
    assert.ok(Math.abs(r.value + 1.5) <= 1e-13, String(r.value));
  });

  it('gives the same answer for the same operator (seeded start)', () => {
    const a = withSpectrum(Array.from({ length: 90 }, (_, i) => i / 3), 5);
    const one = lanczosLargest(operator(a, 90), 90, { maxIterations: 10 });
    const two = lanczosLargest(operator(a, 90), 90, { maxIterations: 10 });
    assert.equal(one.value, two.value);
    assert.equal(one.converged, false, 'ten products cannot resolve 90 close eigenvalues to 1e-12');
    assert.ok(one.value <= 89 / 3 + 1e-12, 'a Ritz value never exceeds λmax');
  });
});
