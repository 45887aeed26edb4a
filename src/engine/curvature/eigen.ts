/**
 * Eigenvalues and eigenvectors of small real symmetric matrices (Hessians of up to ~50
 * parameters), by the cyclic Jacobi method: a sequence of plane rotations, each zeroing one
 * off-diagonal entry, until the off-diagonal part is negligible (Golub & Van Loan, "Matrix
 * Computations", 4th ed., §8.5; the rotation formulas are Rutishauser's, which keep the
 * rounding errors of each rotation small). For positive definite matrices Jacobi's eigenvalues
 * have small relative error, the small ones included, where other methods only guarantee an
 * error small against the matrix's norm (Demmel & Veselić, "Jacobi's method is more accurate than
 * QR", 1992); and the method is short enough to read in one sitting.
 *
 * Matrices are row-major `Float64Array`s of n × n numbers. The input is symmetrised as
 * (A + Aᵀ)/2 first: a Hessian from automatic differentiation is symmetric only up to rounding.
 * A matrix with a non-finite entry has NaN eigenvalues (there is nothing exact to say about it).
 */

/** Most sweeps over all (p, q) pairs; Jacobi converges quadratically, ~5–10 sweeps in practice. */
const MAX_SWEEPS = 60;

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Unit eigenvectors as the columns of a row-major n × n matrix: column k belongs to values[k]. */
  readonly vectors: Float64Array;
}

/**
 * A solver for n × n symmetric matrices that reuses its work arrays: `solve` allocates nothing,
 * so it can run once per optimizer step. The arrays it returns are its own and are overwritten
 * by the next call.
 */
export class SymmetricEigenSolver {
  private readonly a: Float64Array;
  private readonly v: Float64Array;
  private readonly values: Float64Array;
  private readonly vectors: Float64Array;
  private readonly order: Int32Array;

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`SymmetricEigenSolver: the size must be a positive integer, got ${n}`);
    this.a = new Float64Array(n * n);
    this.v = new Float64Array(n * n);
    this.values = new Float64Array(n);
    this.vectors = new Float64Array(n * n);
    this.order = new Int32Array(n);
  }

  /** The eigen-decomposition of the symmetric part of `matrix` (row-major, n × n). */
  solve(matrix: ArrayLike<number>): SymmetricEigen {
    const { n, a, v, values, vectors, order } = this;
    if (matrix.length < n * n) throw new Error(`SymmetricEigenSolver: expected ${n * n} numbers, got ${matrix.length}`);
    let finite = true;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = i === j ? matrix[i * n + i] : 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
        if (!Number.isFinite(x)) finite = false;
        a[i * n + j] = x;
        v[i * n + j] = i === j ? 1 : 0;
      }
    }
    if (!finite) {
      values.fill(NaN);
      vectors.fill(NaN);
      return { values, vectors };
    }
    jacobi(a, v, n);
    for (let k = 0; k < n; k++) order[k] = k;
    // Insertion sort by eigenvalue (n ≤ ~50): no closure, no allocation.
    for (let k = 1; k < n; k++) {
      const key = order[k];
      const x = a[key * n + key];
      let j = k - 1;
      while (j >= 0 && a[order[j] * n + order[j]] > x) { order[j + 1] = order[j]; j--; }
      order[j + 1] = key;
    }
    for (let k = 0; k < n; k++) {
      const src = order[k];
      values[k] = a[src * n + src];
      for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src];
    }
    return { values, vectors };
  }
}

/**
 * Cyclic Jacobi in place: `a` (symmetric, row-major) ends diagonal with the eigenvalues on its
 * diagonal, `v` (starting as I) accumulates the rotations, so A₀ = V·diag(a)·Vᵀ.
 * Rotation for the pair (p, q), after Rutishauser: θ = (a_qq − a_pp)/(2a_pq),
 * t = sgn(θ)/(|θ| + √(θ² + 1)), c = 1/√(t² + 1), s = t·c, τ = s/(1 + c); then
 * a_pp −= t·a_pq, a_qq += t·a_pq, a_pq = 0, and for every other r:
 * a_rp ← a_rp − s(a_rq + τ·a_rp), a_rq ← a_rq + s(a_rp − τ·a_rq) (old values on the right).
 *
 * An entry counts as zero once |a_pq| ≤ ε·√|a_pp·a_qq| (Demmel & Veselić's criterion, which keeps
 * every eigenvalue's relative accuracy), or below 10⁻³⁰ of the largest entry (eigenvalues at 0).
 */
function jacobi(a: Float64Array, v: Float64Array, n: number): void {
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(a[i]));
  const floor = 1e-30 * largest;
  const negligible = (apq: number, app: number, aqq: number): boolean =>
    Math.abs(apq) <= floor || Math.abs(apq) <= 1.1102230246251565e-16 * Math.sqrt(Math.abs(app * aqq));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p], aqq = a[q * n + q];
        if (negligible(apq, app, aqq)) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = Number.isFinite(theta * theta)
          ? (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
          : 1 / (2 * theta);
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        const tau = s / (1 + c);
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r !== p && r !== q) {
            const arp = a[r * n + p], arq = a[r * n + q];
            const np = arp - s * (arq + tau * arp);
            const nq = arq + s * (arp - tau * arq);
            a[r * n + p] = np; a[p * n + r] = np;
            a[r * n + q] = nq; a[q * n + r] = nq;
          }
          const vrp = v[r * n + p], vrq = v[r * n + q];
          v[r * n + p] = vrp - s * (vrq + tau * vrp);
          v[r * n + q] = vrq + s * (vrp - tau * vrq);
        }
      }
    }
    if (!rotated) return;
  }
}

/** The eigen-decomposition of a symmetric matrix (a fresh copy; see `SymmetricEigenSolver`). */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  const { values, vectors } = new SymmetricEigenSolver(n).solve(matrix);
  return { values: values.slice(), vectors: vectors.slice() };
}
