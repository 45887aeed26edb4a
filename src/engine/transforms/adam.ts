/** Adam and its relatives: bias correction, Adam, Adamax, NAdam, RAdam. */
import type { GradientTransformation, Vec } from '../types';

export interface ScaleByAdamState {
  count: number;
  /** m, the running average of updates (first moment). */
  mu: Float64Array;
  /** v, the running average of squared updates (second moment). */
  nu: Float64Array;
  /** max of v so far (AMSGrad only; empty otherwise). */
  nuMax: Float64Array;
}

export interface ScaleByAdamOptions {
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly amsgrad?: boolean;
}

/**
 * `1 − β^t`, computed as torch does (`1 - beta ** step`), but without calling `pow` once the
 * result is exactly 1: for β^t ≤ 2⁻⁵⁴, `1 − β^t` rounds to 1 in float64, so returning 1 from the
 * first such t on is bit-identical and saves two `pow` calls per Adam step on long runs.
 *
 * One function per β, which remembers its last answer: Adam's update and, with curvature on, the
 * reader of its preconditioner (curvature/preconditioners.ts) ask for the same t one after the
 * other, and the second asks no `pow`.
 */
export function biasCorrection(beta: number): (t: number) => number {
  let correction = corrections.get(beta);
  if (!correction) {
    if (corrections.size >= MAX_SHARED_CORRECTIONS) corrections.clear();
    correction = newBiasCorrection(beta);
    corrections.set(beta, correction);
  }
  return correction;
}

/** The bias corrections in use, by β (a sweep over β makes many; the table is emptied when full). */
const corrections = new Map<number, (t: number) => number>();
const MAX_SHARED_CORRECTIONS = 64;

function newBiasCorrection(beta: number): (t: number) => number {
  const tiny = 2 ** -54;
  let saturated = Infinity;
  if (beta > 0 && beta < 1) {
    let t = Math.max(1, Math.ceil((-54 * Math.LN2) / Math.log(beta)));
    while (t > 1 && beta ** (t - 1) <= tiny) t--;
    while (beta ** t > tiny) t++;
    saturated = t;
  } else if (beta === 0) {
    saturated = 1;
  }
  let lastT = NaN, last = NaN;
  return (t: number) => {
    if (t !== lastT) {
      last = t >= saturated ? 1 : 1 - beta ** t;
      lastT = t;
    }
    return last;
  };
}

/**
 * Adam's scaling, as torch.optim.Adam (ε added *after* the bias-corrected root):
 *
 *     m_t = β₁·m_{t−1} + (1 − β₁)·g,        v_t = β₂·v_{t−1} + (1 − β₂)·g²
 *     v̄_t = max(v̄_{t−1}, v_t) (AMSGrad)  or  v̄_t = v_t
 *     u ← (m_t / (1 − β₁^t)) / (√v̄_t / √(1 − β₂^t) + ε)
 *
 * Note that PyTorch's AMSGrad keeps the maximum of the *uncorrected* v and bias-corrects the maximum.
 * Kingma & Ba, Adam: A Method for Stochastic Optimization (2015); Reddi et al. (2018) for AMSGrad.
 */
export function scaleByAdam(options: ScaleByAdamOptions): GradientTransformation<ScaleByAdamState> {
  const { b1, b2, eps } = options;
  const amsgrad = options.amsgrad ?? false;
  const correction1 = biasCorrection(b1);
  const correction2 = biasCorrection(b2);
  return {
    name: 'scaleByAdam',
    init: (params: Vec) => ({
      count: 0,
      mu: new Float64Array(params.length),
      nu: new Float64Array(params.length),
      nuMax: new Float64Array(amsgrad ? params.length : 0),
    }),
    update(u: Vec, s: ScaleByAdamState): void {
      const m = s.mu;
      const v = s.nu;
      const vMax = s.nuMax;
      const t = s.count + 1;
      const bc1 = correction1(t);
      const bc2Sqrt = Math.sqrt(correction2(t));
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = m[i] * b1 + (1 - b1) * g;
        v[i] = v[i] * b2 + (1 - b2) * g * g;
        let second = v[i];
        if (amsgrad) {
          if (second > vMax[i] || Number.isNaN(second)) vMax[i] = second;
          second = vMax[i];
        }
        u[i] = m[i] / bc1 / (Math.sqrt(second) / bc2Sqrt + eps);
      }
      s.count = t;
    },
  };
}

export interface ScaleByAdamaxState {
  count: number;
  /** m, the running average of updates. */
  mu: Float64Array;
  /** u, the exponentially weighted infinity norm. */
  nuInf: Float64Array;
}

/**
 * Adamax's scaling, as torch.optim.Adamax (ε inside the max):
 *
 *     m_t = β₁·m_{t−1} + (1 − β₁)·g,     n_t = max(β₂·n_{t−1}, |g| + ε)
 *     u ← (m_t / n_t) / (1 − β₁^t)
 *
 * Kingma & Ba (2015), section 7.1.
 */
export function scaleByAdamax(options: { readonly b1: number; readonly b2: number; readonly eps: number }): GradientTransformation<ScaleByAdamaxState> {
  const { b1, b2, eps } = options;
  const correction1 = biasCorrection(b1);
  return {
    name: 'scaleByAdamax',
    init: (params: Vec) => ({ count: 0, mu: new Float64Array(params.length), nuInf: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByAdamaxState): void {
      const m = s.mu;
      const n = s.nuInf;
      const t = s.count + 1;
      const bc1 = correction1(t);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = m[i] * b1 + (1 - b1) * g;
        const decayed = n[i] * b2;
        const fresh = Math.abs(g) + eps;
        // torch.amax propagates NaN; Math.max does too.
        n[i] = Math.max(decayed, fresh);
        u[i] = m[i] / n[i] / bc1;
      }
      s.count = t;
    },
  };
}

export interface ScaleByNadamState {
  count: number;
  /** Π μ_i for i ≤ t, PyTorch's `mu_product`. */
  muProduct: number;
  mu: Float64Array;
  nu: Float64Array;
}

/**
 * NAdam's scaling, as torch.optim.NAdam in PyTorch 1.13:
 *
 *     μ_t = β₁(1 − ½·0.96^(tψ)),   μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ))
 *     Π_t = Π_{t−1}·μ_t,           Π' = Π_t·μ_t·μ_{t+1}
 *     m_t = β₁·m_{t−1} + (1 − β₁)·g,   v_t = β₂·v_{t−1} + (1 − β₂)·g²,   d = √(v_t / (1 − β₂^t)) + ε
 *     u ← (1 − μ_t)/(1 − Π_t) · g/d + μ_{t+1}/(1 − Π') · m_t/d
 *
 * Two conventions to note: the bias correction of v goes *inside* the root here (unlike Adam), and
 * PyTorch 1.13 computes Π' = Π_t·μ_t·μ_{t+1}, counting μ_t twice (later PyTorch versions use
 * Π_t·μ_{t+1}, the paper's); we keep 1.13's so trajectories match it. PyTorch keeps Π in a tensor
 * of the default dtype: float64 here, float32 unless `torch.set_default_dtype(torch.float64)`.
 * Dozat, Incorporating Nesterov Momentum into Adam (2016).
 */
export function scaleByNadam(options: { readonly b1: number; readonly b2: number; readonly eps: number;
  readonly momentumDecay: number }): GradientTransformation<ScaleByNadamState> {
  const { b1, b2, eps, momentumDecay } = options;
  return {
    name: 'scaleByNadam',
    init: (params: Vec) => ({ count: 0, muProduct: 1, mu: new Float64Array(params.length), nu: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByNadamState): void {
      const m = s.mu;
      const v = s.nu;
      const t = s.count + 1;
      const bc2 = 1 - b2 ** t;
      const muT = b1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
      const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
      s.muProduct = s.muProduct * muT;
      const muProductNext = s.muProduct * muT * muNext;
      const cg = (1 - muT) / (1 - s.muProduct);
      const cm = muNext / (1 - muProductNext);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = m[i] * b1 + (1 - b1) * g;
        v[i] = v[i] * b2 + (1 - b2) * g * g;
        const d = Math.sqrt(v[i] / bc2) + eps;
        u[i] = cg * g / d + cm * m[i] / d;
      }
      s.count = t;
    },
  };
}

export interface ScaleByRadamState {
  count: number;
  mu: Float64Array;
  nu: Float64Array;
  /** ρ_t at the last update (NaN before the first). */
  rho: number;
  /** The rectification r_t at the last update, or 0 when the step was an unadapted momentum step. */
  rectification: number;
}

/**
 * RAdam's scaling, as torch.optim.RAdam (rectify when ρ_t > 5, ε outside the root):
 *
 *     m_t = β₁·m_{t−1} + (1 − β₁)·g,   v_t = β₂·v_{t−1} + (1 − β₂)·g²,   m̂ = m_t / (1 − β₁^t)
 *     ρ∞ = 2/(1 − β₂) − 1,            ρ_t = ρ∞ − 2t·β₂^t / (1 − β₂^t)
 *     if ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)),
 *                  u ← m̂ · √(1 − β₂^t)/(√v_t + ε) · r_t
 *     else:        u ← m̂
 *
 * Liu et al., On the Variance of the Adaptive Learning Rate and Beyond (2020).
 */
export function scaleByRadam(options: { readonly b1: number; readonly b2: number; readonly eps: number }): GradientTransformation<ScaleByRadamState> {
  const { b1, b2, eps } = options;
  const rhoInf = 2 / (1 - b2) - 1;
  return {
    name: 'scaleByRadam',
    init: (params: Vec) => ({
      count: 0, mu: new Float64Array(params.length), nu: new Float64Array(params.length), rho: Number.NaN, rectification: 0,
    }),
    update(u: Vec, s: ScaleByRadamState): void {
      const m = s.mu;
      const v = s.nu;
      const t = s.count + 1;
      const bc1 = 1 - b1 ** t;
      const bc2 = 1 - b2 ** t;
      const rhoT = rhoInf - 2 * t * b2 ** t / bc2;
      const rectify = rhoT > 5;
      const rect = rectify ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
      const bc2Sqrt = Math.sqrt(bc2);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = m[i] * b1 + (1 - b1) * g;
        v[i] = v[i] * b2 + (1 - b2) * g * g;
        const mHat = m[i] / bc1;
        u[i] = rectify ? mHat * (bc2Sqrt / (Math.sqrt(v[i]) + eps)) * rect : mHat;
      }
      s.rho = rhoT;
      s.rectification = rect;
      s.count = t;
    },
  };
}
