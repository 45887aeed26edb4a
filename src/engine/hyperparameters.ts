/**
 * The one registry of optimizer ids, hyperparameter names, defaults and bounds.
 * The engine, the experiment validator, the JSON Schema, the panel and the hovers all read it.
 * Names are camelCase of PyTorch's; defaults are PyTorch's (torch 1.13) unless noted.
 */
import type { HyperparameterValue } from './types';

export interface Bounds {
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
}

export interface HyperparameterSpec {
  /** Name in experiment files (camelCase of PyTorch's). */
  readonly name: string;
  /** PyTorch's keyword argument. */
  readonly torchName: string;
  readonly kind: 'number' | 'boolean' | 'betas';
  readonly default: HyperparameterValue;
  /** For numbers, and for each element of betas. */
  readonly bounds?: Bounds;
  /** One line, in the user's words. */
  readonly description: string;
}

export interface OptimizerSpec {
  readonly id: string;
  /** Display name: `Adam`, `SGD`, … */
  readonly name: string;
  /** `torch.optim` class with the same numerics, or null when PyTorch has none. */
  readonly torchClass: string | null;
  readonly summary: string;
  readonly hyperparameters: readonly HyperparameterSpec[];
}

const lr = (d: number): HyperparameterSpec => ({
  name: 'lr', torchName: 'lr', kind: 'number', default: d, bounds: { min: 0, minExclusive: true },
  description: 'Learning rate η: the size of each step along the (transformed) gradient.',
});
const weightDecay = (d: number, decoupled: boolean): HyperparameterSpec => ({
  name: 'weightDecay', torchName: 'weight_decay', kind: 'number', default: d, bounds: { min: 0 },
  description: decoupled
    ? 'Decoupled weight decay: θ shrinks by η·wd·θ each step, outside the adaptive scaling.'
    : 'L2 penalty: wd·θ is added to the gradient before anything else.',
});
const eps = (d: number): HyperparameterSpec => ({
  name: 'eps', torchName: 'eps', kind: 'number', default: d, bounds: { min: 0, minExclusive: true },
  description: 'ε: added to the denominator for numerical stability.',
});
const betas = (d: readonly [number, number]): HyperparameterSpec => ({
  name: 'betas', torchName: 'betas', kind: 'betas', default: d, bounds: { min: 0, max: 1, maxExclusive: true },
  description: '(β₁, β₂): decay rates of the running averages of the gradient and of its square.',
});
const unit = { min: 0, max: 1, maxExclusive: true } as const;

export const OPTIMIZERS: readonly OptimizerSpec[] = [
  {
    id: 'gd', name: 'Gradient descent', torchClass: null,
    summary: 'Plain (mini-batch) gradient descent, the textbook rule with weight decay added to the gradient: θ ← θ − η(∇J + wd·θ).',
    hyperparameters: [
      lr(0.01),
      { ...weightDecay(0, false), description: 'Weight decay wd: wd·θ is added to the gradient (coupled, as L2 regularisation).' },
    ],
  },
  {
    id: 'momentum', name: 'Momentum (classical form)', torchClass: null,
    summary: 'Classical momentum, the learning rate inside the velocity: m ← βm + η∇J, θ ← θ − m. Equals SGD with momentum under a constant η.',
    hyperparameters: [
      lr(0.01),
      { name: 'momentum', torchName: 'momentum', kind: 'number', default: 0.9, bounds: unit,
        description: 'β: the fraction of the previous update carried into this one.' },
      { ...weightDecay(0, false), description: 'Weight decay wd: wd·θ is added to the gradient.' },
    ],
  },
  {
    id: 'sgd', name: 'SGD', torchClass: 'SGD',
    summary: 'Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay.',
    hyperparameters: [
      { ...lr(0.001), description: 'Learning rate η (PyTorch 1.13 has no default; 0.001 as in PyTorch 2).' },
      { name: 'momentum', torchName: 'momentum', kind: 'number', default: 0, bounds: unit,
        description: 'Momentum factor μ: b ← μb + (1 − τ)g; the buffer starts as the first gradient.' },
      { name: 'dampening', torchName: 'dampening', kind: 'number', default: 0, bounds: { min: 0, max: 1 },
        description: 'Dampening τ for momentum: how much of each new gradient is left out of the buffer.' },
      { name: 'nesterov', torchName: 'nesterov', kind: 'boolean', default: false,
        description: 'Nesterov momentum: step along g + μb instead of b. Needs momentum > 0 and dampening 0.' },
      weightDecay(0, false),
    ],
  },
  {
    id: 'adagrad', name: 'Adagrad', torchClass: 'Adagrad',
    summary: 'Per-parameter rates from the sum of all past squared gradients.',
    hyperparameters: [
      lr(0.01),
      { name: 'lrDecay', torchName: 'lr_decay', kind: 'number', default: 0, bounds: { min: 0 },
        description: 'Learning-rate decay: η_t = η / (1 + (t − 1)·lrDecay).' },
      weightDecay(0, false),
      { name: 'initialAccumulatorValue', torchName: 'initial_accumulator_value', kind: 'number', default: 0, bounds: { min: 0 },
        description: 'Starting value of the sum of squared gradients.' },
      eps(1e-10),
    ],
  },
  {
    id: 'rmsprop', name: 'RMSprop', torchClass: 'RMSprop',
    summary: 'Divides by a running root-mean-square of the gradients (ε outside the root).',
    hyperparameters: [
      lr(0.01),
      { name: 'alpha', torchName: 'alpha', kind: 'number', default: 0.99, bounds: { min: 0, max: 1 },
        description: 'Smoothing constant α of the running average of squared gradients.' },
      eps(1e-8),
      weightDecay(0, false),
      { name: 'momentum', torchName: 'momentum', kind: 'number', default: 0, bounds: unit,
        description: 'Momentum factor applied to the scaled gradient.' },
      { name: 'centered', torchName: 'centered', kind: 'boolean', default: false,
        description: 'Centered RMSprop: normalise by an estimate of the gradient\'s variance instead of its second moment.' },
    ],
  },
  {
    id: 'adam', name: 'Adam', torchClass: 'Adam',
    summary: 'Adaptive moment estimation: bias-corrected running averages of the gradient and its square.',
    hyperparameters: [
      lr(0.001), betas([0.9, 0.999]), eps(1e-8), weightDecay(0, false),
      { name: 'amsgrad', torchName: 'amsgrad', kind: 'boolean', default: false,
        description: 'AMSGrad: divide by the largest second-moment estimate seen so far.' },
    ],
  },
  {
    id: 'adamw', name: 'AdamW', torchClass: 'AdamW',
    summary: 'Adam with decoupled weight decay (Loshchilov & Hutter).',
    hyperparameters: [
      lr(0.001), betas([0.9, 0.999]), eps(1e-8), weightDecay(0.01, true),
      { name: 'amsgrad', torchName: 'amsgrad', kind: 'boolean', default: false,
        description: 'AMSGrad: divide by the largest second-moment estimate seen so far.' },
    ],
  },
  {
    id: 'adamax', name: 'Adamax', torchClass: 'Adamax',
    summary: 'Adam with the infinity norm: divides by a running maximum of |g|.',
    hyperparameters: [lr(0.002), betas([0.9, 0.999]), eps(1e-8), weightDecay(0, false)],
  },
  {
    id: 'nadam', name: 'NAdam', torchClass: 'NAdam',
    summary: 'Adam with Nesterov momentum and a momentum-decay schedule (Dozat).',
    hyperparameters: [
      lr(0.002), betas([0.9, 0.999]), eps(1e-8), weightDecay(0, false),
      { name: 'momentumDecay', torchName: 'momentum_decay', kind: 'number', default: 0.004, bounds: { min: 0 },
        description: 'ψ: μ_t = β₁(1 − ½·0.96^(tψ)).' },
    ],
  },
  {
    id: 'radam', name: 'RAdam', torchClass: 'RAdam',
    summary: 'Rectified Adam: plain momentum steps until the variance of the adaptive rate is tractable.',
    hyperparameters: [lr(0.001), betas([0.9, 0.999]), eps(1e-8), weightDecay(0, false)],
  },
  {
    id: 'adadelta', name: 'Adadelta', torchClass: 'Adadelta',
    summary: 'Scales steps by the ratio of running RMS of past updates to running RMS of gradients.',
    hyperparameters: [
      lr(1.0),
      { name: 'rho', torchName: 'rho', kind: 'number', default: 0.9, bounds: { min: 0, max: 1 },
        description: 'ρ: decay rate of the running averages.' },
      eps(1e-6), weightDecay(0, false),
    ],
  },
  {
    id: 'lion', name: 'Lion', torchClass: null,
    summary: 'EvoLved Sign Momentum (Chen et al., 2023): the sign of an interpolated momentum.',
    hyperparameters: [lr(1e-4), betas([0.9, 0.99]), weightDecay(0, true)],
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
