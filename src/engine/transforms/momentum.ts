/** Momentum: torch's heavy-ball / Nesterov trace, and Lion's sign of an interpolated momentum. */
import type { GradientTransformation, Vec } from '../types';

// Momentum

export interface TraceState {
  /** Updates done so far. */
  count: number;
  /** The momentum buffer b. */
  trace: Float64Array;
}

export interface TraceOptions {
  /** μ, the momentum factor. */
  readonly momentum: number;
  /** τ, the dampening (default 0). */
  readonly dampening?: number;
  /** Nesterov's form (default false). */
  readonly nesterov?: boolean;
}

/**
 * Momentum, as torch.optim.SGD:
 *
 *     b₁ = u₁                       (the buffer starts as the first update, undampened)
 *     b_t = μ·b_{t−1} + (1 − τ)·u_t
 *     u_t ← u_t + μ·b_t   (Nesterov)   or   u_t ← b_t
 *
 * With τ = 0 this equals a buffer started at zero (optax's `trace`, and RMSprop's momentum buffer,
 * which PyTorch starts at zero); PyTorch's choice only shows with dampening. Placed after
 * `scaleByLearningRate` it is the seed's form m ← βm + η∇J, θ ← θ − m.
 */
export function traceMomentum(options: TraceOptions): GradientTransformation<TraceState> {
  const mu = options.momentum;
  const damp = 1 - (options.dampening ?? 0);
  const nesterov = options.nesterov ?? false;
  return {
    name: 'traceMomentum',
    init: (params: Vec) => ({ count: 0, trace: new Float64Array(params.length) }),
    update(u: Vec, s: TraceState): void {
      const b = s.trace;
      if (s.count === 0) {
        for (let i = 0; i < u.length; i++) b[i] = u[i];
      } else {
        for (let i = 0; i < u.length; i++) b[i] = b[i] * mu + damp * u[i];
      }
      if (nesterov) {
        for (let i = 0; i < u.length; i++) u[i] = u[i] + mu * b[i];
      } else {
        for (let i = 0; i < u.length; i++) u[i] = b[i];
      }
      s.count++;
    },
  };
}

export interface ScaleByLionState {
  count: number;
  /** m, the momentum (an average of gradients with rate β₂). */
  mu: Float64Array;
}

/**
 * Lion's scaling (EvoLved Sign Momentum), as Program 1 of the paper and optax's `scale_by_lion`:
 *
 *     u ← sign(β₁·m_{t−1} + (1 − β₁)·g)
 *     m_t = β₂·m_{t−1} + (1 − β₂)·g
 *
 * Chain with `addDecayedWeights(wd)` and `scaleByLearningRate(η)` for the paper's decoupled decay:
 * θ ← θ − η(sign(c) + λ·θ). Chen et al., Symbolic Discovery of Optimization Algorithms (2023).
 */
export function scaleByLion(options: { readonly b1: number; readonly b2: number }): GradientTransformation<ScaleByLionState> {
  const { b1, b2 } = options;
  return {
    name: 'scaleByLion',
    init: (params: Vec) => ({ count: 0, mu: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByLionState): void {
      const m = s.mu;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        u[i] = Math.sign(m[i] * b1 + g * (1 - b1));
        m[i] = m[i] * b2 + (1 - b2) * g;
      }
      s.count++;
    },
  };
}
