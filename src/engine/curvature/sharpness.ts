/**
 * Sharpness along a run: λmax(H(θ)), the largest eigenvalue of the loss's Hessian, and the
 * preconditioned sharpness λmax(P⁻¹(H + λI)) of an adaptive optimizer with diagonal
 * preconditioner P (λ the L2 weight decay coupled into its gradient, 0 by default). P⁻¹H is
 * similar to the symmetric P^{−1/2}HP^{−1/2}, so both are symmetric eigenproblems.
 *
 * Up to FULL_HESSIAN_MAX_DIM parameters the whole Hessian is formed and decomposed (Jacobi:
 * eigen.ts); above, the top eigenvalue comes from Lanczos on Hessian-vector products
 * (lanczos.ts), so memory stays O(k·n) whatever n is. Always of the full loss (every example of a
 * mini-batch loss), the loss the points report.
 */
import type { Objective, Vec } from '../types';
import { SymmetricEigenSolver, type SymmetricEigen } from './eigen';
import { lanczosLargest } from './lanczos';

/** Up to this many parameters the whole Hessian is formed; above, Lanczos on Hessian-vector products. */
export const FULL_HESSIAN_MAX_DIM = 50;
/**
 * Most parameters `curvature: true` accepts: every step then costs up to ~200 Hessian-vector
 * products and Lanczos's 200 × n basis, which above this stops being a live view.
 */
export const MAX_CURVATURE_PARAMETERS = 1000;
/** Lanczos's most products per step (its basis is this many vectors of n numbers). */
const MAX_LANCZOS_ITERATIONS = 200;

/** Why curvature is refused for `dim` parameters, or undefined when it is not. */
export function curvatureRefusal(dim: number): string | undefined {
  return dim > MAX_CURVATURE_PARAMETERS
    ? `needs a Hessian eigenvalue at every step: at most ${MAX_CURVATURE_PARAMETERS} parameters, and this loss has ${dim}`
    : undefined;
}

/** Why an objective has no sharpness, or undefined when it has one. */
export function missingCurvature(objective: Objective): string | undefined {
  if (objective.hessian || objective.hessianVector) return undefined;
  return 'this loss gives no Hessian';
}

export class SharpnessMeter {
  readonly dim: number;
  /** Whether the whole Hessian is formed (else only Hessian-vector products are used). */
  private readonly formed: boolean;
  /** Whether it is decomposed with Jacobi (else Lanczos finds its top eigenvalue). */
  private readonly decomposed: boolean;
  private readonly hessian: Float64Array;
  private readonly scaled: Float64Array;
  private readonly solver: SymmetricEigenSolver | undefined;
  private readonly scaledSolver: SymmetricEigenSolver | undefined;
  private readonly at: Float64Array;
  private readonly column: Float64Array;
  private readonly unit: Float64Array;
  private readonly scaledIn: Float64Array;
  /** The eigen-decomposition of the last measured Hessian (when decomposed). */
  private eigen: SymmetricEigen | undefined;

  constructor(private readonly objective: Objective) {
    const missing = missingCurvature(objective);
    if (missing) throw new Error(missing);
    const n = objective.dim;
    this.dim = n;
    this.decomposed = n <= FULL_HESSIAN_MAX_DIM;
    this.formed = this.decomposed || !objective.hessianVector;
    this.hessian = new Float64Array(this.formed ? n * n : 0);
    this.scaled = new Float64Array(this.decomposed ? n * n : 0);
    this.solver = this.decomposed ? new SymmetricEigenSolver(n) : undefined;
    this.scaledSolver = this.decomposed ? new SymmetricEigenSolver(n) : undefined;
    this.at = new Float64Array(n);
    this.column = new Float64Array(n);
    this.unit = new Float64Array(n);
    this.scaledIn = new Float64Array(n);
  }

  /** λmax(H) at `params` (remembered for `preconditioned`); NaN where the Hessian is not finite. */
  measure(params: Vec): number {
    const at = this.at;
    for (let i = 0; i < this.dim; i++) at[i] = params[i];  // a loop: .set() costs more than the 2 × 2 eigenvalue
    this.eigen = undefined;
    if (this.formed) this.formHessian();
    if (this.dim <= 2) return largestOfSmall(this.hessian, this.dim, 1, 1, 0);
    if (this.decomposed) {
      this.eigen = (this.solver as SymmetricEigenSolver).solve(this.hessian);
      return this.eigen.values[this.dim - 1];
    }
    return this.largest((v, out) => this.product(v, out));
  }

  /** The eigen-decomposition of the Hessian last measured (up to FULL_HESSIAN_MAX_DIM parameters). */
  lastEigen(): SymmetricEigen | undefined {
    if (!this.eigen && this.decomposed) this.eigen = (this.solver as SymmetricEigenSolver).solve(this.hessian);
    return this.eigen;
  }

  /** The Hessian last measured, row-major (up to FULL_HESSIAN_MAX_DIM parameters, or when only it is given). */
  lastHessian(): Float64Array | undefined {
    return this.formed ? this.hessian : undefined;
  }

  /** λmax(P⁻¹(H + λI)) at the parameters last measured, for the diagonal `p` (all > 0). */
  preconditioned(p: Vec, coupledDecay = 0): number {
    const n = this.dim;
    for (let i = 0; i < n; i++) if (!(p[i] > 0 && p[i] < Infinity)) return NaN;
    if (n <= 2) return largestOfSmall(this.hessian, n, p[0], p[1], coupledDecay);
    if (this.decomposed) {
      const h = this.hessian, m = this.scaled, r = this.scaledIn;
      for (let i = 0; i < n; i++) r[i] = 1 / Math.sqrt(p[i]);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          m[i * n + j] = (h[i * n + j] + (i === j ? coupledDecay : 0)) * r[i] * r[j];
        }
      }
      const { values } = (this.scaledSolver as SymmetricEigenSolver).solve(m);
      return values[n - 1];
    }
    const x = this.scaledIn;
    return this.largest((v, out) => {
      for (let i = 0; i < n; i++) x[i] = v[i] / Math.sqrt(p[i]);
      this.product(x, out);
      for (let i = 0; i < n; i++) out[i] = (out[i] + coupledDecay * x[i]) / Math.sqrt(p[i]);
    });
  }

  private formHessian(): void {
    const o = this.objective, n = this.dim, out = this.hessian;
    if (o.hessian) { o.hessian(this.at, out, null); return; }
    // Only Hessian-vector products: the columns H·eⱼ.
    const e = this.unit, col = this.column;
    for (let j = 0; j < n; j++) {
      e.fill(0); e[j] = 1;
      (o.hessianVector as NonNullable<Objective['hessianVector']>)(this.at, e, col, null);
      for (let i = 0; i < n; i++) out[i * n + j] = col[i];
    }
  }

  /** H·v at the parameters last measured. */
  private product(v: Float64Array, out: Float64Array): void {
    const o = this.objective;
    if (o.hessianVector) { o.hessianVector(this.at, v, out, null); return; }
    const n = this.dim, h = this.hessian;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += h[i * n + j] * v[j];
      out[i] = s;
    }
  }

  private largest(apply: (v: Float64Array, out: Float64Array) => void): number {
    const r = lanczosLargest(apply, this.dim, { maxIterations: Math.min(this.dim, MAX_LANCZOS_ITERATIONS) });
    return Number.isFinite(r.value) ? r.value : NaN;
  }
}

/**
 * λmax of P⁻¹(H + λI) for a 1 × 1 or 2 × 2 symmetric H and diagonal P = diag(p0, p1) (P = I for
 * the plain sharpness), in closed form — the runner's commonest case, every step. With
 * a = (h₀₀ + λ)/p0, d = (h₁₁ + λ)/p1 and b = h₀₁/√(p0·p1) the entries of the symmetric
 * P^{−1/2}(H + λI)P^{−1/2}: (a + d)/2 + √(((a − d)/2)² + b²), Jacobi's single rotation without its
 * bookkeeping (or, when (a + d)/2 < 0, the determinant over the other eigenvalue, which does not cancel).
 */
function largestOfSmall(h: Float64Array, n: number, p0: number, p1: number, decay: number): number {
  if (n === 1) {
    const top = (h[0] + decay) / p0;
    return Number.isFinite(top) ? top : NaN;
  }
  const a = (h[0] + decay) / p0, d = (h[3] + decay) / p1;
  const offDiagonal = 0.5 * (h[1] + h[2]);
  let root = Math.sqrt(p0 * p1);
  if (!(root > 0 && root < Infinity)) root = Math.sqrt(p0) * Math.sqrt(p1);  // the product under- or overflowed
  const b = offDiagonal / root;
  const half = 0.5 * (a - d), mean = 0.5 * (a + d);
  let r = Math.sqrt(half * half + b * b);
  if (!(r > 1e-150 && r < 1e150)) r = Math.hypot(half, b);  // the squares may have over- or underflowed
  let top = mean + r;
  if (mean < 0) {
    // mean + r cancels when the other eigenvalue is the larger in size: their product over it instead,
    // on entries scaled to at most 1 in size (a·d and b² of tiny or huge entries under- or overflow).
    const size = Math.max(Math.abs(a), Math.abs(b), Math.abs(d)), k = 1 / size;
    const product = (((a * k) * (d * k) - (b * k) * (b * k)) / ((mean - r) * k)) * size;
    if (Number.isFinite(product)) top = product;
  }
  return Number.isFinite(top) ? top : NaN;
}
