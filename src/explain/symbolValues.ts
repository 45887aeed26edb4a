/**
 * Live values of a formula's symbols at a scrubbed step, from the engine's per-transformation state
 * (the host's `inspect` reply: `{ step, params, grad, lr, state }`, state keyed by transformation
 * name as src/engine/transforms.ts names them).
 *
 * At step t (t updates done), the state holds mₜ, vₜ, …; derived symbols follow the registry's
 * formulas: m̂ₜ = mₜ/(1 − β₁ᵗ), v̂ₜ = vₜ/(1 − β₂ᵗ), the effective step η/(√v̂ₜ + ε). Before the first
 * update (t = 0) the bias corrections are 0 and the derived values are left out. η is the rate the
 * last update used (`scaleByLearningRate`'s state), or `lr` before the first update.
 */
import type { Hyperparameters } from '../engine/types';

/** A state value as the wire carries it (`null` for a non-finite number). */
export type StateValue = number | boolean | null | readonly (number | null)[];
export type InspectState = Readonly<Record<string, Readonly<Record<string, StateValue>>>>;

export interface SymbolValuesInput {
  readonly optimizerId: string;
  readonly hyperparameters: Hyperparameters;
  readonly state: InspectState;
  /** Updates done so far: the t of the formulas. */
  readonly step: number;
  /** The scheduled learning rate the host reports (used before the first update). */
  readonly lr: number;
  readonly params?: readonly (number | null)[];
  readonly grad?: readonly (number | null)[];
  /** The gradient update t used: ∇J(θₜ₋₁) on its mini-batch, after clipping (the host's `gradUsed`). */
  readonly gradUsed?: readonly (number | null)[];
  /** θₜ₋₁ (the host's `prevParams`), for the coupled weight decay in gₜ. */
  readonly prevParams?: readonly (number | null)[];
  /** ∇J(θₜ₋₁) on update t's mini-batch before clipping (the host's `gradAtPrev`). */
  readonly gradAtPrev?: readonly (number | null)[];
}

/**
 * Optimizers whose weight decay joins the gradient before the algorithm (coupled: gₜ includes
 * λθₜ₋₁), as src/engine/optimizers.ts chains them; AdamW and Lion decay θ outside (decoupled).
 */
const DECOUPLED_DECAY: ReadonlySet<string> = new Set(['adamw', 'lion']);

/** A symbol's value: one number, or one per parameter (`null` where not finite). */
export type SymbolValue = number | readonly (number | null)[];

type Vector = readonly (number | null)[];

function numberOf(h: Hyperparameters, name: string): number | undefined {
  const v = h[name];
  return typeof v === 'number' ? v : undefined;
}
function vectorOf(state: InspectState, transform: string, field: string): Vector | undefined {
  const v = state[transform]?.[field];
  return Array.isArray(v) ? (v as Vector) : undefined;
}
function scalarOf(state: InspectState, transform: string, field: string): number | undefined {
  const v = state[transform]?.[field];
  return typeof v === 'number' ? v : undefined;
}
/** Element-wise, keeping `null` for values that are (or become) non-finite. */
function map(v: Vector, f: (x: number, i: number) => number): Vector {
  return v.map((x, i) => {
    if (x === null) return null;
    const y = f(x, i);
    return Number.isFinite(y) ? y : null;
  });
}

/**
 * The values of the symbols of `optimizerId`'s formula at `step`, by symbol key (see symbols.ts).
 * Symbols the state does not determine are absent.
 */
export function symbolValues(input: SymbolValuesInput): Map<string, SymbolValue> {
  const { optimizerId: id, hyperparameters: h, state, step: t } = input;
  // η of the update that produced this state (scaleByLearningRate keeps it); before the first, the next one's.
  const used = scalarOf(state, 'scaleByLearningRate', 'lr');
  const lr = t > 0 && used !== undefined && Number.isFinite(used) ? used : input.lr;
  const out = new Map<string, SymbolValue>();
  const set = (key: string, v: SymbolValue | undefined): void => { if (v !== undefined) out.set(key, v); };

  set('t', t);
  set('eta', lr);
  if (input.params) set('theta', input.params);
  // ∇θJ(θₜ₋₁), as the update rules write it: the gradient update t computed (on its mini-batch,
  // before clipping). Before the first update there is no θ₋₁: ∇J at θ₀, which update 1 will use.
  if (t > 0 && input.gradAtPrev) set('gradJ', input.gradAtPrev);
  else if (t === 0 && input.grad) set('gradJ', input.grad);
  set('wd', numberOf(h, 'weightDecay'));
  // gₜ: what update t fed the algorithm — the clipped mini-batch gradient at θₜ₋₁, plus λθₜ₋₁
  // when the decay is coupled (the engine's addDecayedWeights: u + λ·θ, the same arithmetic).
  if (t > 0 && input.gradUsed) {
    const wd = numberOf(h, 'weightDecay') ?? 0;
    const prev = input.prevParams;
    if (wd === 0 || DECOUPLED_DECAY.has(id)) set('g', input.gradUsed);
    else if (prev && prev.length === input.gradUsed.length) {
      set('g', map(input.gradUsed, (x, i) => (prev[i] === null ? NaN : x + wd * (prev[i] as number))));
    }
  }
  const betas = Array.isArray(h.betas) ? (h.betas as readonly [number, number]) : undefined;
  if (betas) { set('beta1', betas[0]); set('beta2', betas[1]); }
  set('eps', numberOf(h, 'eps'));
  set('alpha', numberOf(h, 'alpha'));
  set('rho', numberOf(h, 'rho'));
  set('tau', numberOf(h, 'dampening'));
  set('psi', numberOf(h, 'momentumDecay'));
  set('lrDecay', numberOf(h, 'lrDecay'));
  set('s0', numberOf(h, 'initialAccumulatorValue'));
  set(id === 'momentum' ? 'beta' : 'mu', numberOf(h, 'momentum'));

  const eps = numberOf(h, 'eps') ?? 0;
  const biasCorrections = (): { bc1: number; bc2: number } | undefined =>
    betas && t > 0 ? { bc1: 1 - betas[0] ** t, bc2: 1 - betas[1] ** t } : undefined;

  switch (id) {
    case 'momentum': {
      // The engine traces after scaling by −η, so its buffer holds −m.
      const trace = vectorOf(state, 'traceMomentum', 'trace');
      if (trace) set('m', map(trace, (x) => -x));
      break;
    }
    case 'sgd':
      set('b', vectorOf(state, 'traceMomentum', 'trace'));
      break;
    case 'adagrad':
      set('s', vectorOf(state, 'scaleByAdagrad', 'sum'));
      break;
    case 'rmsprop': {
      const centered = state.scaleByStddev !== undefined;
      set('v', vectorOf(state, centered ? 'scaleByStddev' : 'scaleByRms', 'nu'));
      if (centered) set('gbar', vectorOf(state, 'scaleByStddev', 'mu'));
      set('b', vectorOf(state, 'traceMomentum', 'trace'));
      break;
    }
    case 'adam': case 'adamw': case 'nadam': case 'radam': {
      const name = id === 'nadam' ? 'scaleByNadam' : id === 'radam' ? 'scaleByRadam' : 'scaleByAdam';
      const m = vectorOf(state, name, 'mu'), v = vectorOf(state, name, 'nu');
      set('m', m);
      set('v', v);
      const bc = biasCorrections();
      if (!bc || !m || !v) break;
      set('bc1', bc.bc1);
      set('bc2', bc.bc2);
      const amsgrad = h.amsgrad === true ? vectorOf(state, name, 'nuMax') : undefined;
      if (amsgrad && amsgrad.length === v.length) set('vmax', amsgrad);
      const vForHat = amsgrad && amsgrad.length === v.length ? amsgrad : v;
      const vhat = map(vForHat, (x) => x / bc.bc2);
      set('mhat', map(m, (x) => x / bc.bc1));
      set('vhat', vhat);
      set('step', map(vhat, (x) => lr / (Math.sqrt(x) + eps)));
      if (id === 'nadam') {
        set('muprod', scalarOf(state, name, 'muProduct'));
        const psi = numberOf(h, 'momentumDecay') ?? 0;
        if (betas) set('mut', betas[0] * (1 - 0.5 * 0.96 ** (t * psi)));
      }
      if (id === 'radam' && betas) {
        const rhoInf = 2 / (1 - betas[1]) - 1;
        set('rhoInf', rhoInf);
        set('rhoT', scalarOf(state, name, 'rho') ?? rhoInf - (2 * t * betas[1] ** t) / bc.bc2);
        set('rect', scalarOf(state, name, 'rectification'));
      }
      break;
    }
    case 'adamax': {
      set('m', vectorOf(state, 'scaleByAdamax', 'mu'));
      set('u', vectorOf(state, 'scaleByAdamax', 'nuInf'));
      const bc = biasCorrections();
      if (bc) set('bc1', bc.bc1);
      break;
    }
    case 'adadelta':
      set('v', vectorOf(state, 'scaleByAdadelta', 'squareAvg'));
      set('acc', vectorOf(state, 'scaleByAdadelta', 'accDelta'));
      break;
    case 'lion':
      set('m', vectorOf(state, 'scaleByLion', 'mu'));
      break;
  }
  return out;
}

/** A value for display: `0.0123`, `[0.5, −1.2e-3]`; non-finite as `—`. */
export function formatSymbolValue(v: SymbolValue): string {
  const one = (x: number | null): string => {
    // A diverged run's values are results too: shown as such.
    if (x === null) return '—';
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
    if (x === 0) return '0';
    const a = Math.abs(x);
    return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(3).replace(/\.?0+e/, 'e');
  };
  if (typeof v === 'number') return one(v);
  const shown = v.slice(0, 6).map(one).join(', ');
  return `[${shown}${v.length > 6 ? `, … (${v.length})` : ''}]`;
}
