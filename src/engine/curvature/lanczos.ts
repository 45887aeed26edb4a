/**
 * The largest eigenvalue of a symmetric operator known only through products v ↦ A·v (a
 * Hessian-vector product), by the Lanczos method with full reorthogonalisation (Golub & Van
 * Loan, "Matrix Computations", 4th ed., §10.1–10.3): k products build an orthonormal basis Q_k of
 * the Krylov space {q₁, Aq₁, …, A^{k−1}q₁} and the tridiagonal T_k = Q_kᵀAQ_k, whose largest
 * eigenvalue (the Ritz value) approaches λmax(A) from below. Reorthogonalising every new vector
 * against all previous ones keeps Q_k orthonormal in floating point, so no spurious copies of
 * converged eigenvalues appear; after n products the Ritz values are A's eigenvalues.
 *
 * Stopping test: the Ritz pair (θ, y) has residual ‖A·Q_k·s − θ·Q_k·s‖ = |β_k·s_k| (s the
 * eigenvector of T_k, s_k its last entry); we stop when it is below `tolerance`·|θ|. The Ritz
 * value's own error is then of the order of residual²/gap (Parlett, "The Symmetric Eigenvalue
 * Problem", §11.5), far below the residual itself.
 *
 * The start vector is drawn from a fixed seed, so the same operator gives the same answer.
 */
import { Random } from '../random';
import { SymmetricEigenSolver } from './eigen';

export interface LanczosOptions {
  /** Most products (default min(n, 80)). */
  readonly maxIterations?: number;
  /** Relative residual at which the top Ritz value is accepted (default 1e-12). */
  readonly tolerance?: number;
  /** Seed of the start vector (default 0). */
  readonly seed?: number;
}

export interface LanczosResult {
  /** The largest Ritz value: λmax(A) when converged. */
  readonly value: number;
  /** Its Ritz vector (unit length). */
  readonly vector: Float64Array;
  /** Products of A with a vector that were made. */
  readonly iterations: number;
  /** Whether the residual test passed (or the Krylov space was exhausted: then the value is exact). */
  readonly converged: boolean;
}

/** `apply(v, out)` writes A·v into `out`; v must not be modified. */
export type SymmetricOperator = (v: Float64Array, out: Float64Array) => void;

/** λmax of the n × n symmetric operator `apply`. */
export function lanczosLargest(apply: SymmetricOperator, n: number, options: LanczosOptions = {}): LanczosResult {
  const maxIterations = Math.max(1, Math.min(n, Math.floor(options.maxIterations ?? 80)));
  const tolerance = options.tolerance ?? 1e-12;
  const random = new Random(options.seed ?? 0);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = random.normal();
  scale(q, 1 / norm(q));
  const w = new Float64Array(n);
  let value = NaN;
  let ritz = new Float64Array(n);
  for (let k = 0; k < maxIterations; k++) {
    basis.push(q);
    apply(q, w);
    const a = dot(w, q);
    alpha.push(a);
    // w ← A·q_k − α_k·q_k − β_{k−1}·q_{k−1}, then twice against every basis vector (full reorthogonalisation).
    for (let i = 0; i < n; i++) w[i] -= a * q[i];
    if (k > 0) { const prev = basis[k - 1], b = beta[k - 1]; for (let i = 0; i < n; i++) w[i] -= b * prev[i]; }
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) { const c = dot(w, u); for (let i = 0; i < n; i++) w[i] -= c * u[i]; }
    }
    const b = norm(w);
    const top = topRitz(alpha, beta);
    value = top.value;
    const exhausted = k + 1 === n || !(b > 1e-300) || !Number.isFinite(b);
    const residual = Math.abs(b * top.last);
    if (exhausted || residual <= tolerance * Math.abs(value) || k + 1 === maxIterations) {
      ritz = new Float64Array(n);
      for (let j = 0; j < basis.length; j++) { const c = top.vector[j], u = basis[j]; for (let i = 0; i < n; i++) ritz[i] += c * u[i]; }
      scale(ritz, 1 / norm(ritz));
      return { value, vector: ritz, iterations: k + 1, converged: exhausted || residual <= tolerance * Math.abs(value) };
    }
    beta.push(b);
    q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = w[i] / b;
  }
  return { value, vector: ritz, iterations: maxIterations, converged: false };
}

/** The largest eigenvalue of the tridiagonal T (diagonal α, off-diagonal β), its eigenvector and the vector's last entry. */
function topRitz(alpha: readonly number[], beta: readonly number[]): { value: number; vector: Float64Array; last: number } {
  const k = alpha.length;
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = alpha[i];
    if (i + 1 < k) { t[i * k + i + 1] = beta[i]; t[(i + 1) * k + i] = beta[i]; }
  }
  const { values, vectors } = new SymmetricEigenSolver(k).solve(t);
  const vector = new Float64Array(k);
  for (let i = 0; i < k; i++) vector[i] = vectors[i * k + k - 1];
  return { value: values[k - 1], vector, last: vector[k - 1] };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
function scale(a: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= c;
}
