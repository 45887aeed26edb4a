/**
 * The one registry of optimizers: ids, hyperparameter names, defaults, bounds, symbols, rules
 * between hyperparameters, and how each optimizer is built as a chain of gradient transformations
 * (as optax's alias.py builds `adamw = chain(scale_by_adam(...), add_decayed_weights(...), ...)`).
 * The engine, the experiment validator, the JSON Schema, the panel, the labels, the formulas, the
 * hovers and the PyTorch export all read it. Names are camelCase of PyTorch's; defaults are
 * PyTorch's (torch 1.13) unless noted.
 *
 * | id         | chain (after clipping, before the scheduled learning rate unless shown) | PyTorch          |
 * | ---------- | ------------------------------------------------------------------------ | ---------------- |
 * | `gd`       | [addDecayedWeights] → lr                         θ ← θ − η(∇J + λθ)      | SGD()            |
 * | `momentum` | [addDecayedWeights] → lr → traceMomentum         m ← βm + η∇J, θ ← θ − m | SGD(momentum) at constant η |
 * | `sgd`      | [addDecayedWeights] → [traceMomentum]                                    | SGD              |
 * | `adagrad`  | [addDecayedWeights] → scaleByAdagrad                                     | Adagrad          |
 * | `rmsprop`  | [addDecayedWeights] → scaleByRms / scaleByStddev → [traceMomentum]       | RMSprop          |
 * | `adam`     | [addDecayedWeights] → scaleByAdam                                        | Adam             |
 * | `adamw`    | scaleByAdam → [addDecayedWeights]                                        | AdamW            |
 * | `adamax`   | [addDecayedWeights] → scaleByAdamax                                      | Adamax           |
 * | `nadam`    | [addDecayedWeights] → scaleByNadam                                       | NAdam            |
 * | `radam`    | [addDecayedWeights] → scaleByRadam                                       | RAdam            |
 * | `adadelta` | [addDecayedWeights] → scaleByAdadelta                                    | Adadelta         |
 * | `lion`     | scaleByLion → [addDecayedWeights]                                        | (paper, Program 1) |
 *
 * Bracketed members are left out when their hyperparameter is 0, as PyTorch skips them
 * (`if weight_decay != 0`), so the arithmetic is the same. Classical `momentum` keeps η inside the
 * velocity: under a constant η, m = η·b for PyTorch's buffer b and it equals `sgd` with the same μ;
 * under a schedule they differ (a change of η reaches `momentum` gradually, `sgd` at once).
 */
import type { Bounds } from './bounds';
import {
  addDecayedWeights, scaleByAdadelta, scaleByAdagrad, scaleByAdam, scaleByAdamax, scaleByLion, scaleByNadam, scaleByRadam,
  scaleByRms, scaleByStddev, traceMomentum,
} from './transforms';
import type { GradientTransformation, HyperparameterValue, TuneGrid } from './types';
import type { HyperparameterReader, HyperparameterSpec, OptimizerSpec, SymbolSpec } from './optimizerSpec';
import { adagradPreconditioner, adamaxPreconditioner, adamPreconditioner, rmsPreconditioner } from './curvature/preconditioners';
import {
  gradientDescentRule, heavyBallRule, nesterovRule, preconditionedHeavyBallRule, preconditionedMomentumRule, type Stability,
} from './curvature/stability';

export type { Bounds } from './bounds';
export type { HyperparameterReader, HyperparameterRule, HyperparameterSpec, OptimizerSpec, SymbolSpec, TunableSpec } from './optimizerSpec';
export { brokenRule, hyperparameterReader } from './optimizerSpec';

const unit: Bounds = { min: 0, max: 1, maxExclusive: true };
const closedUnit: Bounds = { min: 0, max: 1 };
const nonNegative: Bounds = { min: 0 };
const sym = (text: string, tex: string): SymbolSpec => ({ text, tex });
/** Grids tried when a tune names a hyperparameter without values: learning rates over six decades, the rest as lists. */
const LR_GRID: TuneGrid = { min: 1e-5, max: 10, count: 32 };
const FRACTION_GRID: TuneGrid = [0, 0.5, 0.9, 0.99];
const DECAY_GRID: TuneGrid = [0, 1e-4, 1e-3, 1e-2, 1e-1];

const lr = (d: number, description = 'Learning rate η: the size of each step along the (transformed) gradient.'): HyperparameterSpec =>
  ({
    name: 'lr', torchName: 'lr', kind: 'number', default: d, bounds: nonNegative, symbol: sym('η', String.raw`\eta`), description,
    tunable: { name: 'lr', grid: LR_GRID },
  });
const weightDecay = (d: number, description: string): HyperparameterSpec =>
  ({
    name: 'weightDecay', torchName: 'weight_decay', kind: 'number', default: d, bounds: nonNegative, symbol: sym('λ', String.raw`\lambda`), description,
    tunable: { name: 'weightDecay', grid: DECAY_GRID },
  });
const coupledDecay = weightDecay(0, 'L2 penalty: λ·θ is added to the gradient before anything else.');
const decoupledDecay = (d: number): HyperparameterSpec =>
  weightDecay(d, 'Decoupled weight decay: θ shrinks by η·λ·θ each step, outside the adaptive scaling.');
const eps = (d: number): HyperparameterSpec => ({
  name: 'eps', torchName: 'eps', kind: 'number', default: d, bounds: { min: 0, minExclusive: true }, symbol: sym('ε', String.raw`\epsilon`),
  description: 'ε: added to the denominator for numerical stability.',
});
const betas = (d: readonly [number, number]): HyperparameterSpec => ({
  name: 'betas', torchName: 'betas', kind: 'betas', default: d, bounds: unit, symbol: sym('β', String.raw`\beta`),
  description: '(β₁, β₂): decay rates of the running averages of the gradient and of its square.',
  tunable: { name: 'beta1', element: 0, grid: FRACTION_GRID },
});
const momentum = (d: number, symbol: SymbolSpec, description: string): HyperparameterSpec =>
  ({ name: 'momentum', torchName: 'momentum', kind: 'number', default: d, bounds: unit, symbol, description,
    tunable: { name: 'momentum', grid: FRACTION_GRID } });
const flag = (name: string, torchName: string, description: string): HyperparameterSpec =>
  ({ name, torchName, kind: 'boolean', default: false, description });
const amsgrad = flag('amsgrad', 'amsgrad', 'AMSGrad: divide by the largest second-moment estimate seen so far.');
const adamFamily = (d: number): HyperparameterSpec[] => [lr(d), betas([0.9, 0.999]), eps(1e-8), coupledDecay];

/** Coupled weight decay (L2): λθ joins the gradient first, left out at λ = 0 as PyTorch does. */
const l2 = (h: HyperparameterReader): GradientTransformation[] => {
  const wd = h.num('weightDecay');
  return wd !== 0 ? [addDecayedWeights(wd)] : [];
};
const adamOptions = (h: HyperparameterReader) => {
  const [b1, b2] = h.betas('betas');
  return { b1, b2, eps: h.num('eps') };
};
/** Adam's and AdamW's stability: preconditioned momentum, the decay coupled (Adam) or decoupled (AdamW). */
const adamStability = (h: HyperparameterReader, decoupled: boolean): Stability => ({
  rule: preconditionedMomentumRule(h.betas('betas')[0], decoupled ? h.num('weightDecay') : 0, decoupled ? 0 : h.num('weightDecay')),
  preconditioner: adamPreconditioner({ ...adamOptions(h), amsgrad: h.bool('amsgrad') }),
});
const unknownBound = (reason: string) => (): Stability => ({ rule: null, reason });

export const OPTIMIZERS: readonly OptimizerSpec[] = [
  {
    id: 'gd', name: 'Gradient descent', torchClass: null,
    summary: 'Plain (mini-batch) gradient descent, the textbook rule with weight decay added to the gradient: θ ← θ − η(∇J + λθ).',
    hyperparameters: [lr(0.01), weightDecay(0, 'Weight decay λ: λ·θ is added to the gradient (coupled, as L2 regularisation).')],
    build: (h, lr) => [...l2(h), lr],
    stability: (h) => ({ rule: gradientDescentRule(h.num('weightDecay')) }),
  },
  {
    id: 'momentum', name: 'Momentum (classical form)', torchClass: null,
    summary: 'Classical momentum, the learning rate inside the velocity: m ← βm + η∇J, θ ← θ − m. Equals SGD with momentum under a constant η.',
    hyperparameters: [
      lr(0.01),
      momentum(0.9, sym('β', String.raw`\beta`), 'β: the fraction of the previous update carried into this one.'),
      weightDecay(0, 'Weight decay λ: λ·θ is added to the gradient.'),
    ],
    build: (h, lr) => [...l2(h), lr, traceMomentum({ momentum: h.num('momentum') })],
    stability: (h) => ({ rule: heavyBallRule(h.num('momentum'), 0, h.num('weightDecay')) }),
  },
  {
    id: 'sgd', name: 'SGD', torchClass: 'SGD',
    summary: 'Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay.',
    hyperparameters: [
      lr(0.001, 'Learning rate η (PyTorch 1.13 has no default; 0.001 as in PyTorch 2).'),
      momentum(0, sym('μ', String.raw`\mu`), 'Momentum factor μ: b ← μb + (1 − τ)g; the buffer starts as the first gradient.'),
      { name: 'dampening', torchName: 'dampening', kind: 'number', default: 0, bounds: closedUnit, symbol: sym('τ', String.raw`\tau`),
        description: 'Dampening τ for momentum: how much of each new gradient is left out of the buffer.' },
      flag('nesterov', 'nesterov', 'Nesterov momentum: step along g + μb instead of b.'),
      coupledDecay,
    ],
    // torch.optim.SGD: "Nesterov momentum requires a momentum and zero dampening".
    rules: [{
      field: 'nesterov',
      holds: (h) => !h.bool('nesterov') || (h.num('momentum') > 0 && h.num('dampening') === 0),
      message: (h) => `Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${h.num('momentum')} and dampening ${h.num('dampening')}`,
    }],
    build: (h, lr) => {
      const momentum = h.num('momentum');
      const trace = momentum !== 0 ? [traceMomentum({ momentum, dampening: h.num('dampening'), nesterov: h.bool('nesterov') })] : [];
      return [...l2(h), ...trace, lr];
    },
    stability: (h) => {
      const mu = h.num('momentum'), tau = h.num('dampening'), wd = h.num('weightDecay');
      if (mu === 0) return { rule: gradientDescentRule(wd) };
      if (h.bool('nesterov')) return { rule: nesterovRule(mu, wd) };
      if (tau === 1) return { rule: null, reason: 'with dampening 1 the momentum buffer stops taking in the gradient after the first step, so the curvature sets no limit' };
      return { rule: heavyBallRule(mu, tau, wd) };
    },
  },
  {
    id: 'adagrad', name: 'Adagrad', torchClass: 'Adagrad',
    summary: 'Per-parameter rates from the sum of all past squared gradients.',
    hyperparameters: [
      lr(0.01),
      { name: 'lrDecay', torchName: 'lr_decay', kind: 'number', default: 0, bounds: nonNegative, symbol: sym('γ', String.raw`\gamma`),
        description: 'Learning-rate decay γ: η_t = η / (1 + (t − 1)·γ).' },
      coupledDecay,
      { name: 'initialAccumulatorValue', torchName: 'initial_accumulator_value', kind: 'number', default: 0, bounds: nonNegative,
        symbol: sym('s₀', 's_0'), description: 'Starting value s₀ of the sum of squared gradients.' },
      eps(1e-10),
    ],
    build: (h, lr) => [...l2(h), scaleByAdagrad({ eps: h.num('eps'), lrDecay: h.num('lrDecay'), initialAccumulatorValue: h.num('initialAccumulatorValue') }), lr],
    stability: (h) => ({
      rule: preconditionedHeavyBallRule(0, h.num('lrDecay'), h.num('weightDecay')), preconditioner: adagradPreconditioner(h.num('eps')),
    }),
  },
  {
    id: 'rmsprop', name: 'RMSprop', torchClass: 'RMSprop',
    summary: 'Divides by a running root-mean-square of the gradients (ε outside the root).',
    hyperparameters: [
      lr(0.01),
      { name: 'alpha', torchName: 'alpha', kind: 'number', default: 0.99, bounds: closedUnit, symbol: sym('α', String.raw`\alpha`),
        description: 'Smoothing constant α of the running average of squared gradients.' },
      eps(1e-8), coupledDecay,
      momentum(0, sym('μ', String.raw`\mu`), 'Momentum factor μ applied to the scaled gradient.'),
      flag('centered', 'centered', 'Centered RMSprop: normalise by an estimate of the gradient\'s variance instead of its second moment.'),
    ],
    build: (h, lr) => {
      const options = { alpha: h.num('alpha'), eps: h.num('eps') };
      const momentum = h.num('momentum');
      return [...l2(h), h.bool('centered') ? scaleByStddev(options) : scaleByRms(options),
        ...(momentum > 0 ? [traceMomentum({ momentum })] : []), lr];
    },
    stability: (h) => ({
      rule: preconditionedHeavyBallRule(h.num('momentum'), 0, h.num('weightDecay')),
      preconditioner: rmsPreconditioner(h.num('eps'), h.bool('centered')),
    }),
  },
  {
    id: 'adam', name: 'Adam', torchClass: 'Adam',
    summary: 'Adaptive moment estimation: bias-corrected running averages of the gradient and its square.',
    hyperparameters: [...adamFamily(0.001), amsgrad],
    build: (h, lr) => [...l2(h), scaleByAdam({ ...adamOptions(h), amsgrad: h.bool('amsgrad') }), lr],
    stability: (h) => adamStability(h, false),
  },
  {
    id: 'adamw', name: 'AdamW', torchClass: 'AdamW',
    summary: 'Adam with decoupled weight decay (Loshchilov & Hutter).',
    hyperparameters: [lr(0.001), betas([0.9, 0.999]), eps(1e-8), decoupledDecay(0.01), amsgrad],
    build: (h, lr) => [scaleByAdam({ ...adamOptions(h), amsgrad: h.bool('amsgrad') }), ...l2(h), lr],
    stability: (h) => adamStability(h, true),
  },
  {
    id: 'adamax', name: 'Adamax', torchClass: 'Adamax',
    summary: 'Adam with the infinity norm: divides by a running maximum of |g|.',
    hyperparameters: adamFamily(0.002),
    build: (h, lr) => [...l2(h), scaleByAdamax(adamOptions(h)), lr],
    stability: (h) => ({
      rule: preconditionedMomentumRule(h.betas('betas')[0], 0, h.num('weightDecay')), preconditioner: adamaxPreconditioner(h.betas('betas')[0]),
    }),
  },
  {
    id: 'nadam', name: 'NAdam', torchClass: 'NAdam',
    summary: 'Adam with Nesterov momentum and a momentum-decay schedule (Dozat).',
    hyperparameters: [
      ...adamFamily(0.002),
      { name: 'momentumDecay', torchName: 'momentum_decay', kind: 'number', default: 0.004, bounds: nonNegative, symbol: sym('ψ', String.raw`\psi`),
        description: 'ψ: μ_t = β₁(1 − ½·0.96^(tψ)).' },
    ],
    build: (h, lr) => [...l2(h), scaleByNadam({ ...adamOptions(h), momentumDecay: h.num('momentumDecay') }), lr],
    stability: unknownBound('NAdam mixes the new gradient and the momentum with weights that change every step (μ_t); no fixed threshold on λmax(P⁻¹H) is known for it'),
  },
  {
    id: 'radam', name: 'RAdam', torchClass: 'RAdam',
    summary: 'Rectified Adam: plain momentum steps until the variance of the adaptive rate is tractable.',
    hyperparameters: adamFamily(0.001),
    build: (h, lr) => [...l2(h), scaleByRadam(adamOptions(h)), lr],
    stability: unknownBound('RAdam switches between plain momentum and a rectified adaptive step whose size changes every step early on; no fixed threshold is known for it'),
  },
  {
    id: 'adadelta', name: 'Adadelta', torchClass: 'Adadelta',
    summary: 'Scales steps by the ratio of running RMS of past updates to running RMS of gradients.',
    hyperparameters: [
      lr(1.0),
      { name: 'rho', torchName: 'rho', kind: 'number', default: 0.9, bounds: closedUnit, symbol: sym('ρ', String.raw`\rho`),
        description: 'ρ: decay rate of the running averages.' },
      eps(1e-6), coupledDecay,
    ],
    build: (h, lr) => [...l2(h), scaleByAdadelta({ rho: h.num('rho'), eps: h.num('eps') }), lr],
    stability: unknownBound('Adadelta scales its step by the running size of its own past steps, not by the curvature alone; no threshold on λmax is known for it'),
  },
  {
    id: 'lion', name: 'Lion', torchClass: null,
    summary: 'EvoLved Sign Momentum (Chen et al., 2023): the sign of an interpolated momentum.',
    hyperparameters: [lr(1e-4), betas([0.9, 0.99]), { ...decoupledDecay(0), description: 'Decoupled weight decay, as in the paper: θ shrinks by η·λ·θ each step.' }],
    build: (h, lr) => {
      const [b1, b2] = h.betas('betas');
      return [scaleByLion({ b1, b2 }), ...l2(h), lr];
    },
    stability: unknownBound('Lion steps by the sign of its momentum, a step of fixed size η whatever the curvature: no threshold on λmax applies'),
  },
];

const byId = new Map(OPTIMIZERS.map((o) => [o.id, o]));

/** The spec of an optimizer id, or undefined. */
export function optimizerSpec(id: string): OptimizerSpec | undefined {
  return byId.get(id);
}

/** Every hyperparameter with its default, for an optimizer id. */
export function defaultHyperparameters(id: string): Record<string, HyperparameterValue> {
  const spec = byId.get(id);
  if (!spec) throw new Error(`unknown optimizer "${id}"`);
  return Object.fromEntries(spec.hyperparameters.map((h) => [h.name, h.default]));
}
