/** Gradient clipping, applied to the gradient before the optimizer. */
import type { GradientTransformation, Vec } from '../types';

// Clipping (applied to the gradient, before the optimizer)

export interface ClipByGlobalNormState {
  /** ‖g‖₂ before clipping, at the last update (NaN before the first). */
  norm: number;
  /** The factor the gradient was multiplied by at the last update. */
  factor: number;
}

/**
 * Clips the gradient by its global norm, as `torch.nn.utils.clip_grad_norm_`:
 *
 *     c = min(maxNorm / (‖g‖₂ + 1e-6), 1),   g ← c·g
 *
 * Like PyTorch, the gradient is always multiplied by c (by 1.0 when it is short enough).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<ClipByGlobalNormState> {
  return {
    name: 'clipByGlobalNorm',
    init: () => ({ norm: Number.NaN, factor: 1 }),
    update(u: Vec, s: ClipByGlobalNormState): void {
      let sq = 0;
      for (let i = 0; i < u.length; i++) sq += u[i] * u[i];
      const norm = Math.sqrt(sq);
      const c = Math.min(maxNorm / (norm + 1e-6), 1);
      for (let i = 0; i < u.length; i++) u[i] = u[i] * c;
      s.norm = norm;
      s.factor = c;
    },
  };
}

/** Clips every coordinate to [−maxDelta, maxDelta], as `torch.nn.utils.clip_grad_value_`. */
export function clip(maxDelta: number): GradientTransformation<Record<string, never>> {
  return {
    name: 'clip',
    init: () => ({}),
    update(u: Vec): void {
      for (let i = 0; i < u.length; i++) u[i] = Math.min(Math.max(u[i], -maxDelta), maxDelta);
    },
  };
}
