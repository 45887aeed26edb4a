/** Per-coordinate adaptive scalings without a first moment: RMSprop (plain and centred), Adagrad, Adadelta. */
import type { GradientTransformation, Vec } from '../types';

// Adaptive scalings

export interface ScaleByRmsState {
  count: number;
  /** v, the running average of squared updates. */
  nu: Float64Array;
}

export interface ScaleByRmsOptions {
  /** α, the smoothing constant (PyTorch's RMSprop `alpha`, optax's `decay`). */
  readonly alpha: number;
  readonly eps: number;
  /** Divide v by 1 − α^t as Adam does (default false, as RMSprop). */
  readonly biasCorrection?: boolean;
}

/**
 * Scales by the root mean square of past updates, as torch.optim.RMSprop (ε *outside* the root;
 * optax's default puts it inside):
 *
 *     v_t = α·v_{t−1} + (1 − α)·g²,     u ← g / (√v_t + ε)
 *
 * With `biasCorrection`, u ← g / (√v_t / √(1 − α^t) + ε), so that it equals `scaleByAdam` with β₁ = 0.
 * Tieleman & Hinton, Lecture 6.5, COURSERA: Neural Networks for Machine Learning (2012).
 */
export function scaleByRms(options: ScaleByRmsOptions): GradientTransformation<ScaleByRmsState> {
  const { alpha, eps } = options;
  const bias = options.biasCorrection ?? false;
  return {
    name: 'scaleByRms',
    init: (params: Vec) => ({ count: 0, nu: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByRmsState): void {
      const v = s.nu;
      const t = s.count + 1;
      const bc2Sqrt = bias ? Math.sqrt(1 - alpha ** t) : 1;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        v[i] = v[i] * alpha + (1 - alpha) * g * g;
        const denom = bias ? Math.sqrt(v[i]) / bc2Sqrt + eps : Math.sqrt(v[i]) + eps;
        u[i] = g / denom;
      }
      s.count = t;
    },
  };
}

export interface ScaleByStddevState {
  count: number;
  /** ḡ, the running average of updates. */
  mu: Float64Array;
  /** v, the running average of squared updates. */
  nu: Float64Array;
}

/**
 * Scales by an estimate of the standard deviation of past updates: torch.optim.RMSprop with
 * `centered=True` (ε outside the root):
 *
 *     ḡ_t = α·ḡ_{t−1} + (1 − α)·g,   v_t = α·v_{t−1} + (1 − α)·g²,   u ← g / (√(v_t − ḡ_t²) + ε)
 *
 * Graves, Generating Sequences With Recurrent Neural Networks (2013), eq. 38–45.
 */
export function scaleByStddev(options: { readonly alpha: number; readonly eps: number }): GradientTransformation<ScaleByStddevState> {
  const { alpha, eps } = options;
  return {
    name: 'scaleByStddev',
    init: (params: Vec) => ({ count: 0, mu: new Float64Array(params.length), nu: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByStddevState): void {
      const m = s.mu;
      const v = s.nu;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        v[i] = v[i] * alpha + (1 - alpha) * g * g;
        m[i] = m[i] * alpha + (1 - alpha) * g;
        u[i] = g / (Math.sqrt(v[i] + -1 * m[i] * m[i]) + eps);
      }
      s.count++;
    },
  };
}

export interface ScaleByAdagradState {
  count: number;
  /** Σ g², started at `initialAccumulatorValue`. */
  sum: Float64Array;
}

/**
 * Adagrad's scaling, as torch.optim.Adagrad (ε outside the root, lr_decay folded in here):
 *
 *     s_t = s_{t−1} + g²   (s₀ = initialAccumulatorValue)
 *     u ← g / (√s_t + ε) / (1 + (t − 1)·lrDecay)
 *
 * Duchi et al., Adaptive Subgradient Methods for Online Learning and Stochastic Optimization (2011).
 */
export function scaleByAdagrad(options: { readonly eps: number; readonly lrDecay?: number;
  readonly initialAccumulatorValue?: number }): GradientTransformation<ScaleByAdagradState> {
  const eps = options.eps;
  const lrDecay = options.lrDecay ?? 0;
  const init0 = options.initialAccumulatorValue ?? 0;
  return {
    name: 'scaleByAdagrad',
    init: (params: Vec) => ({ count: 0, sum: new Float64Array(params.length).fill(init0) }),
    update(u: Vec, s: ScaleByAdagradState): void {
      const sum = s.sum;
      const t = s.count + 1;
      const decay = 1 + (t - 1) * lrDecay;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sum[i] = sum[i] + g * g;
        u[i] = g / (Math.sqrt(sum[i]) + eps) / decay;
      }
      s.count = t;
    },
  };
}

export interface ScaleByAdadeltaState {
  count: number;
  /** E[g²], the running average of squared gradients. */
  squareAvg: Float64Array;
  /** E[Δ²], the running average of squared updates. */
  accDelta: Float64Array;
}

/**
 * Adadelta's scaling, as torch.optim.Adadelta (ε inside both roots; the result is then scaled by η,
 * PyTorch's `lr`, 1.0 by default, which the paper does not have):
 *
 *     E[g²]_t = ρ·E[g²]_{t−1} + (1 − ρ)·g²
 *     Δ = √(E[Δ²]_{t−1} + ε) / √(E[g²]_t + ε) · g
 *     E[Δ²]_t = ρ·E[Δ²]_{t−1} + (1 − ρ)·Δ²,     u ← Δ
 *
 * Zeiler, ADADELTA: An Adaptive Learning Rate Method (2012).
 */
export function scaleByAdadelta(options: { readonly rho: number; readonly eps: number }): GradientTransformation<ScaleByAdadeltaState> {
  const { rho, eps } = options;
  return {
    name: 'scaleByAdadelta',
    init: (params: Vec) => ({ count: 0, squareAvg: new Float64Array(params.length), accDelta: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByAdadeltaState): void {
      const sq = s.squareAvg;
      const acc = s.accDelta;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sq[i] = sq[i] * rho + (1 - rho) * g * g;
        const std = Math.sqrt(sq[i] + eps);
        const delta = Math.sqrt(acc[i] + eps) / std * g;
        acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
        u[i] = delta;
      }
      s.count++;
    },
  };
}
