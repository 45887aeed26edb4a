/**
 * Gradient transformations in optax's shape, with torch.optim 1.13's numerics.
 *
 * Each transformation is a pair `init(params) → state`, `update(updates, state, params)`. `update`
 * works in place: `updates` arrives holding the gradient (or the previous transformation's output)
 * and leaves holding the transformed updates; `state` is mutated in place. Nothing is allocated in
 * `update` (every buffer is made by `init`), so an optimizer can step millions of times without
 * garbage. State is plain data — numbers, booleans and Float64Arrays — so it can be copied with
 * `copyState`, shown by a formula view, or serialised.
 *
 * An optimizer is a `chain` of these, and its final output is *added* to the parameters
 * (`applyUpdates`), exactly like optax:
 *
 *     adam  = chain(addDecayedWeights(wd),  scaleByAdam(...), scaleByLearningRate(η))   // L2, coupled
 *     adamw = chain(scaleByAdam(...), addDecayedWeights(wd),  scaleByLearningRate(η))   // decoupled
 *
 * Where torch.optim and optax disagree on a convention (where ε goes, how a momentum buffer starts,
 * RMSprop's ε outside the root, Adagrad's lr_decay, NAdam's μ product, RAdam's threshold), these
 * transformations follow torch.optim 1.13 so that trajectories match PyTorch in float64; each
 * docstring says which convention it fixes. The step count `t` in the formulas is 1-based (the
 * update being computed), as in PyTorch; `state.count` holds the number of updates already done.
 */
import type { GradientTransformation, Schedule, Vec } from './types';

/** One member of a chain's state: the transformation's name and its own state. */
export interface ChainEntry {
  readonly name: string;
  readonly state: object;
}

/** A chain's state: one entry per transformation, in order (inspectable by name). */
export type ChainState = ChainEntry[];

/** The identity: leaves updates unchanged. `chain()` of nothing behaves like it. */
export function identity(): GradientTransformation<Record<string, never>> {
  return { name: 'identity', init: () => ({}), update: () => undefined };
}

/**
 * Applies transformations in order: the output of one is the input of the next.
 * The state is an array of `{ name, state }`, one per member.
 */
export function chain(...ts: GradientTransformation[]): GradientTransformation<ChainState> {
  const members = ts.slice();
  return {
    name: 'chain',
    init(params: Vec): ChainState {
      return members.map((t) => ({ name: t.name, state: t.init(params) }));
    },
    update(updates: Vec, state: ChainState, params: Vec): void {
      for (let k = 0; k < members.length; k++) members[k].update(updates, state[k].state, params);
    },
  };
}

/** θ ← θ + u (the optimizer's output is added to the parameters). */
export function applyUpdates(params: Vec, updates: Vec): void {
  for (let i = 0; i < params.length; i++) params[i] += updates[i];
}

/** The entry of a chain's state with this transformation name (the first one), or undefined. */
export function findState<S extends object = Record<string, unknown>>(state: ChainState, name: string): S | undefined {
  const entry = state.find((e) => e.name === name);
  return entry ? (entry.state as S) : undefined;
}

/** A deep copy of plain-data state (numbers, booleans, strings, Float64Arrays, arrays, records). */
export function copyState<S>(state: S): S {
  if (state instanceof Float64Array) return new Float64Array(state) as S;
  if (Array.isArray(state)) return state.map((s) => copyState(s)) as S;
  if (state !== null && typeof state === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(state)) out[k] = copyState(v);
    return out as S;
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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
 */
export function biasCorrection(beta: number): (t: number) => number {
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
  return (t: number) => (t >= saturated ? 1 : 1 - beta ** t);
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
  return {
    name: 'scaleByAdamax',
    init: (params: Vec) => ({ count: 0, mu: new Float64Array(params.length), nuInf: new Float64Array(params.length) }),
    update(u: Vec, s: ScaleByAdamaxState): void {
      const m = s.mu;
      const n = s.nuInf;
      const t = s.count + 1;
      const bc1 = 1 - b1 ** t;
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
