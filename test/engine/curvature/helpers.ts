/** Helpers for the curvature tests. */
import { Random } from '../../../src/engine/random';

/** A random symmetric matrix Q·diag(values)·Qᵀ with Q orthogonal (Gram–Schmidt of Gaussian columns). */
export function withSpectrum(values: readonly number[], seed: number): Float64Array {
  const n = values.length, random = new Random(seed);
  const q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const col = Array.from({ length: n }, () => random.normal());
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += col[i] * q[i * n + k];
      for (let i = 0; i < n; i++) col[i] -= d * q[i * n + k];
    }
    const norm = Math.hypot(...col);
    for (let i = 0; i < n; i++) q[i * n + j] = col[i] / norm;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * values[k] * q[j * n + k];
      a[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  return a;
}

