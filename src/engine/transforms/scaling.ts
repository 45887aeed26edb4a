/** Scaling by a constant, the learning rate (or its schedule) or the sign, and coupled weight decay. */
import type { GradientTransformation, Schedule, Vec } from '../types';

// Scaling by a constant or a schedule

/** Multiplies the updates by a constant: u ← s·u. */
export function scale(factor: number): GradientTransformation<Record<string, never>> {
  return {
    name: 'scale',
    init: () => ({}),
    update(u: Vec): void {
      for (let i = 0; i < u.length; i++) u[i] = factor * u[i];
    },
  };
}

export interface ScaleByLearningRateState {
  /** Updates done so far. */
  count: number;
  /** The learning rate used by the last update (NaN before the first). */
  lr: number;
}

/**
 * Scales by the negative learning rate, so that adding the result descends:
 *
 *     u ← −η_t · u,     η_t = schedule(t − 1)
 *
 * `lr` is a constant or a schedule (a function of the number of updates already done). This is the
 * only place an optimizer's learning rate enters, which makes a scheduled η equivalent to setting
 * PyTorch's `group['lr']` before each `optimizer.step()`.
 */
export function scaleByLearningRate(lr: number | Schedule): GradientTransformation<ScaleByLearningRateState> {
  const schedule: Schedule = typeof lr === 'number' ? () => lr : lr;
  return {
    name: 'scaleByLearningRate',
    init: () => ({ count: 0, lr: Number.NaN }),
    update(u: Vec, s: ScaleByLearningRateState): void {
      const eta = schedule(s.count);
      for (let i = 0; i < u.length; i++) u[i] = -eta * u[i];
      s.lr = eta;
      s.count++;
    },
  };
}

/** Replaces each update by its sign: u ← sign(u) (sign(0) = 0). */
export function scaleBySign(): GradientTransformation<Record<string, never>> {
  return {
    name: 'scaleBySign',
    init: () => ({}),
    update(u: Vec): void {
      for (let i = 0; i < u.length; i++) u[i] = Math.sign(u[i]);
    },
  };
}

/**
 * Adds weight decay: u ← u + λ·θ.
 *
 * Placed first in a chain, this is PyTorch's coupled L2 penalty (`grad = grad.add(param,
 * alpha=weight_decay)`, the seed's θ ← θ − η(∇J + λ·θ)); placed after an adaptive scaling and
 * before `scaleByLearningRate`, it is decoupled weight decay (AdamW, Lion):
 * θ ← θ − η(u + λ·θ) = θ(1 − η·λ) − η·u.
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<Record<string, never>> {
  return {
    name: 'addDecayedWeights',
    init: () => ({}),
    update(u: Vec, _s: object, params: Vec): void {
      for (let i = 0; i < u.length; i++) u[i] = u[i] + weightDecay * params[i];
    },
  };
}
