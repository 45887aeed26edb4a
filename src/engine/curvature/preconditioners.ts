/**
 * The diagonal preconditioner P of an adaptive optimizer's last update, read from its state, so
 * that the update was θ ← θ − η·P⁻¹·(gradient or momentum) (Cohen et al., "Adaptive Gradient
 * Methods at the Edge of Stability", 2022, §2). Each reader mirrors the arithmetic of its
 * transformation in transforms.ts (tests check P⁻¹ against the transformation's own output):
 *
 *     Adam, AdamW   P = (1 − β₁^t)·(√v̄_t / √(1 − β₂^t) + ε)     (v̄ = v, or max v for AMSGrad)
 *     Adamax        P = (1 − β₁^t)·u_t                          (u the running max of |g| + ε)
 *     RMSprop       P = √v_t + ε,  centered: √(v_t − ḡ_t²) + ε
 *     Adagrad       P = √s_t + ε
 *
 * t is the update that produced the state (its `count`). Before the first update there is no P.
 */
import { biasCorrection, type ChainState } from '../transforms';
import type {
  ScaleByAdagradState, ScaleByAdamaxState, ScaleByAdamState, ScaleByRmsState, ScaleByStddevState,
} from '../transforms';
import type { PreconditionerReader } from './stability';

/**
 * The state of the transformation `name` in a chain, found once and then read from the same place
 * (a run's chain keeps its shape; the readers run every step).
 */
function stateOf<S extends object>(name: string): (chain: ChainState) => S | undefined {
  let index = -1;
  return (chain) => {
    if (chain[index]?.name !== name) index = chain.findIndex((e) => e.name === name);
    return index >= 0 ? (chain[index]!.state as S) : undefined;
  };
}

/** Adam's and AdamW's P = (1 − β₁^t)·(√v̄_t / √(1 − β₂^t) + ε). */
export function adamPreconditioner(options: { readonly b1: number; readonly b2: number; readonly eps: number; readonly amsgrad: boolean }): PreconditionerReader {
  const { eps, amsgrad } = options;
  const c1 = biasCorrection(options.b1), c2 = biasCorrection(options.b2);
  const state = stateOf<ScaleByAdamState>('scaleByAdam');
  return (chain, out) => {
    const s = state(chain);
    if (!s || s.count === 0) return false;
    const bc1 = c1(s.count), bc2Sqrt = Math.sqrt(c2(s.count));
    const v = amsgrad ? s.nuMax : s.nu;
    for (let i = 0; i < out.length; i++) out[i] = bc1 * (Math.sqrt(v[i]) / bc2Sqrt + eps);
    return true;
  };
}

/** Adamax's P = (1 − β₁^t)·u_t. */
export function adamaxPreconditioner(b1: number): PreconditionerReader {
  const c1 = biasCorrection(b1);
  const state = stateOf<ScaleByAdamaxState>('scaleByAdamax');
  return (chain, out) => {
    const s = state(chain);
    if (!s || s.count === 0) return false;
    const bc1 = c1(s.count);
    for (let i = 0; i < out.length; i++) out[i] = bc1 * s.nuInf[i];
    return true;
  };
}

/** RMSprop's P = √v_t + ε, or √(v_t − ḡ_t²) + ε when centered. */
export function rmsPreconditioner(eps: number, centered: boolean): PreconditionerReader {
  if (centered) {
    const stddev = stateOf<ScaleByStddevState>('scaleByStddev');
    return (chain, out) => {
      const s = stddev(chain);
      if (!s || s.count === 0) return false;
      for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(s.nu[i] + -1 * s.mu[i] * s.mu[i]) + eps;
      return true;
    };
  }
  const rms = stateOf<ScaleByRmsState>('scaleByRms');
  return (chain, out) => {
    const s = rms(chain);
    if (!s || s.count === 0) return false;
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(s.nu[i]) + eps;
    return true;
  };
}

/** Adagrad's P = √s_t + ε. */
export function adagradPreconditioner(eps: number): PreconditionerReader {
  const adagrad = stateOf<ScaleByAdagradState>('scaleByAdagrad');
  return (chain, out) => {
    const s = adagrad(chain);
    if (!s || s.count === 0) return false;
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(s.sum[i]) + eps;
    return true;
  };
}
