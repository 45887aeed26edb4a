/**
 * Quadratics, exactly: on L(θ) = L* + ½(θ − θ*)ᵀH(θ − θ*) an optimizer's error shrinks on each
 * eigen-direction of H by the spectral radius of its recurrence (stability.ts), so the whole run
 * converges at the worst direction's rate, max over i of ρ(λᵢ). The loss, quadratic in the error,
 * then shrinks by ρ² per step; `measuredRate` reads ρ back from a run's loss curve, so the two
 * can be put side by side. `rateMap` is Distill's (step size, momentum) map — Goh, "Why Momentum
 * Really Works" (2017) — for the user's own spectrum.
 */
import type { SymmetricEigen } from './eigen';
import { spectralRadius, type StabilityRule } from './stability';

/** The rate per step (≥ 0; < 1 converges) of `rule` at learning rate η on the curvatures `eigenvalues`. */
export function quadraticRate(rule: StabilityRule, eta: number, eigenvalues: ArrayLike<number>, t = 1): number {
  let worst = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const r = spectralRadius(rule.recurrence(eta, eigenvalues[i], t));
    if (!(r <= worst)) worst = r;  // NaN wins: a rate that cannot be computed is not hidden
  }
  return worst;
}

/**
 * Rates over a grid: `ruleFor(β)` builds the rule at momentum β; row k of the result holds β = betas[k]
 * at every η of `etas` (row-major, betas.length × etas.length).
 */
export function rateMap(ruleFor: (beta: number) => StabilityRule, eigenvalues: ArrayLike<number>,
  etas: readonly number[], betas: readonly number[]): Float64Array {
  const out = new Float64Array(etas.length * betas.length);
  betas.forEach((beta, k) => {
    const rule = ruleFor(beta);
    etas.forEach((eta, j) => { out[k * etas.length + j] = quadraticRate(rule, eta, eigenvalues); });
  });
  return out;
}

/**
 * The rate per step ρ measured on a loss curve that converges to `minimum` (or leaves it): the
 * least-squares slope s of ln(Lₖ − L*) over the last `window` of its first `count` steps at which
 * Lₖ − L* is finite and well above rounding (the k-th loss at step `steps[k]` when given, else
 * at step k), and ρ = e^{s/2} (the loss is quadratic in the
 * error). "Well above": 1e-8 of the larger of |L*| and |L₀| — L* computed from a point carries an
 * error of a few ulps of the loss there, so Lₖ − L* is then known to ~1e-7 relative at worst and
 * the fitted ρ to ~1e-9. Undefined when fewer than 3 such steps remain.
 */
export function measuredRate(losses: ArrayLike<number>, minimum: number, window = 50, count = losses.length, steps?: ArrayLike<number>): number | undefined {
  const scale = Math.max(Math.abs(minimum), count > 0 && Number.isFinite(losses[0]) ? Math.abs(losses[0]) : 0);
  const floor = Math.max(1e-8 * scale, 2.2250738585072014e-308);
  const usable = (k: number): boolean => losses[k] - minimum > floor && losses[k] < Infinity;
  let end = count;
  while (end > 0 && !usable(end - 1)) end--;
  let start = end;
  while (start > 0 && end - start < window && usable(start - 1)) start--;
  const m = end - start;
  if (m < 3) return undefined;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let k = start; k < end; k++) {
    const x = steps ? steps[k] : k, y = Math.log(losses[k] - minimum);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  const slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  return Math.exp(slope / 2);
}

/**
 * What `measuredRate` reads of a run, kept while its losses stream in bounded memory: the loss at
 * step 0 (it sets the scale) and the last `window` losses of the latest streak of usable steps.
 * `measuredRate(tail.losses(), minimum, window, tail.count)` equals it on the whole run's losses.
 */
export class MeasuredRateTail {
  private readonly ring: Float64Array;
  private first = NaN;
  private seen = 0;
  /** One past the last usable step, and how many usable steps end there (up to `window`). */
  private end = 0;
  private streak = 0;

  constructor(private readonly minimum: number, private readonly window = 50) {
    this.ring = new Float64Array(window);
  }

  /** One past the last usable step: the `count` to pass to `measuredRate`. */
  get count(): number { return this.end; }

  push(loss: number): void {
    const k = this.seen++;
    if (k === 0) this.first = loss;
    const scale = Math.max(Math.abs(this.minimum), Number.isFinite(this.first) ? Math.abs(this.first) : 0);
    const floor = Math.max(1e-8 * scale, 2.2250738585072014e-308);
    if (!(loss - this.minimum > floor && loss < Infinity)) return;
    this.streak = k === this.end ? Math.min(this.streak + 1, this.window) : 1;
    this.ring[k % this.window] = loss;
    this.end = k + 1;
  }

  /** The kept losses by step (step 0 and the streak; other steps absent, which `measuredRate` reads as unusable). */
  losses(): ArrayLike<number> {
    const out: { length: number; [step: number]: number } = { length: this.end };
    if (this.seen > 0) out[0] = this.first;
    for (let k = this.end - this.streak; k < this.end; k++) out[k] = this.ring[k % this.window] as number;
    return out;
  }
}

/**
 * The minimum of a quadratic from one point: with g = ∇L(θ) and H = V·diag(λ)·Vᵀ positive
 * definite, θ* = θ − H⁻¹g and L* = L(θ) − ½gᵀH⁻¹g. Undefined when some λᵢ ≤ 0 (no minimum).
 */
export function quadraticMinimum(loss: number, params: ArrayLike<number>, grad: ArrayLike<number>,
  eigen: SymmetricEigen): { params: Float64Array; loss: number } | undefined {
  const n = params.length;
  const { values, vectors } = eigen;
  for (let k = 0; k < n; k++) if (!(values[k] > 0)) return undefined;
  const step = new Float64Array(n);  // H⁻¹g
  let quad = 0;
  for (let k = 0; k < n; k++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += vectors[i * n + k] * grad[i];
    const w = c / values[k];
    quad += c * w;
    for (let i = 0; i < n; i++) step[i] += vectors[i * n + k] * w;
  }
  const at = new Float64Array(n);
  for (let i = 0; i < n; i++) at[i] = params[i] - step[i];
  return { params: at, loss: loss - 0.5 * quad };
}

/**
 * Whether two Hessians are the same matrix up to rounding: every entry within `tolerance` of the
 * larger one's largest entry (a quadratic's Hessian is constant; anything else moves).
 */
export function sameHessian(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-9): boolean {
  if (a.length !== b.length) return false;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  if (!Number.isFinite(scale)) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance * scale)) return false;
  return true;
}
