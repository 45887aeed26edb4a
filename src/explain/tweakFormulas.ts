/**
 * The tweaks (weight decay coupled and decoupled, momentum, Nesterov, gradient clipping) and the
 * four classic limitations of plain gradient descent, each linked to what answers it.
 */
import type { Formula, Limitation } from './types';
import { eq, symbolKeys } from './tex';

type Draft = Omit<Formula, 'symbols'>;

const drafts: readonly Draft[] = [
  {
    id: 'weightDecayCoupled', kind: 'tweak', title: 'Weight decay, coupled (L2)',
    summary: 'Add λθ to the gradient, as if ½λ‖θ‖² were added to the loss: the textbook form, and torch\'s weight_decay in SGD, Adam, RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta.',
    equations: [
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,\big(⟨gradJ⟩ + ⟨wd⟩\,⟨theta⟩\big)`, 'θₜ = θₜ₋₁ − η·(∇θJ(θ) + λ·θ)'),
    ],
    conventions: ['For plain gradient descent it equals L2 regularisation; inside an adaptive optimizer, λθ is divided by √v̂ like the gradient.'],
    whenToUse: 'Regularisation with SGD; keeps weights small and the problem better conditioned.',
    pitfalls: ['With Adam and friends, parameters with large gradients are barely decayed: prefer decoupled decay (AdamW).'],
    paper: { title: 'Decoupled Weight Decay Regularization', authors: 'I. Loshchilov, F. Hutter', year: 2019, url: 'https://arxiv.org/abs/1711.05101' },
  },
  {
    id: 'weightDecayDecoupled', kind: 'tweak', title: 'Weight decay, decoupled',
    summary: 'Shrink θ by ηλθ directly, outside the adaptive scaling (AdamW, Lion).',
    equations: [
      eq(String.raw`⟨theta|\theta_{t-1}⟩ \leftarrow (1 - ⟨eta⟩⟨wd⟩)\,⟨theta|\theta_{t-1}⟩, \ \text{then the optimizer\'s step without } ⟨wd⟩`, 'θₜ₋₁ ← (1 − η·λ)·θₜ₋₁, then the optimizer\'s step without λ'),
    ],
    conventions: ['The decay is multiplied by the (scheduled) learning rate, as torch.optim.AdamW does.'],
    whenToUse: 'Weight decay with any adaptive optimizer.',
    pitfalls: ['Its strength is η·λ: retune λ when you change η.'],
    paper: { title: 'Decoupled Weight Decay Regularization', authors: 'I. Loshchilov, F. Hutter', year: 2019, url: 'https://arxiv.org/abs/1711.05101' },
  },
  {
    id: 'momentum', kind: 'tweak', title: 'Momentum',
    summary: 'Carry a fraction of the previous update into the next: speed along consistent directions, damping across oscillating ones.',
    equations: [
      eq(String.raw`⟨m⟩ = ⟨beta⟩\,⟨m|m_{t-1}⟩ + ⟨eta⟩\,⟨gradJ⟩, \quad ⟨theta|\theta_{t+1}⟩ = ⟨theta|\theta_t⟩ - ⟨m⟩`, 'classical: mₜ = β·mₜ₋₁ + η·∇θJ(θ), θₜ₊₁ = θₜ − mₜ'),
      eq(String.raw`⟨b⟩ = ⟨mu⟩\,⟨b|b_{t-1}⟩ + ⟨g⟩, \quad ⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,⟨b⟩`, 'PyTorch: bₜ = μ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − η·bₜ'),
    ],
    conventions: ['Equivalent under a constant η with m = ηb and β = μ; they differ when η follows a schedule.'],
    whenToUse: 'Ravines, ill-conditioned problems, noisy mini-batch gradients.',
    pitfalls: ['β close to 1 overshoots; the effective rate is about η/(1 − β).'],
    paper: { title: 'Some methods of speeding up the convergence of iteration methods', authors: 'B. T. Polyak', year: 1964, url: 'https://doi.org/10.1016/0041-5553(64)90137-5' },
  },
  {
    id: 'nesterov', kind: 'tweak', title: 'Nesterov momentum',
    summary: 'Step along the gradient plus the updated buffer: a look-ahead that corrects overshoot earlier.',
    equations: [
      eq(String.raw`⟨b⟩ = ⟨mu⟩\,⟨b|b_{t-1}⟩ + ⟨g⟩, \quad ⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,(⟨g⟩ + ⟨mu⟩\,⟨b⟩)`, 'bₜ = μ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − η·(gₜ + μ·bₜ)'),
    ],
    conventions: ['torch.optim\'s reformulation (Sutskever et al.), which needs no gradient at a look-ahead point.'],
    whenToUse: 'Whenever you use momentum with SGD; usually a little faster and more stable.',
    pitfalls: ['Needs momentum > 0 and dampening 0.'],
    paper: { title: 'On the importance of initialization and momentum in deep learning', authors: 'I. Sutskever, J. Martens, G. Dahl, G. Hinton', year: 2013, url: 'https://proceedings.mlr.press/v28/sutskever13.html' },
  },
  {
    id: 'norm', kind: 'clip', title: 'Gradient clipping by global norm',
    summary: 'Rescale the whole gradient when its norm exceeds c; its direction is kept.',
    equations: [
      eq(String.raw`⟨g⟩ \leftarrow ⟨g⟩ \cdot \min\!\Big(1,\ \frac{⟨clip⟩}{\lVert ⟨g⟩ \rVert_2 + 10^{-6}}\Big)`, 'gₜ ← gₜ · min(1, c / (‖gₜ‖ + 10⁻⁶))'),
    ],
    conventions: ['As torch.nn.utils.clip_grad_norm_, with its 10⁻⁶; applied to the gradient before the optimizer.'],
    whenToUse: 'Steep walls and exploding gradients (Rosenbrock\'s valley sides, recurrent networks).',
    pitfalls: ['A threshold far below the typical norm turns the optimizer into normalised gradient descent.'],
    paper: { title: 'On the difficulty of training recurrent neural networks', authors: 'R. Pascanu, T. Mikolov, Y. Bengio', year: 2013, url: 'https://arxiv.org/abs/1211.5063' },
  },
  {
    id: 'value', kind: 'clip', title: 'Gradient clipping by value',
    summary: 'Clamp every gradient component to [−c, c]; the direction can change.',
    equations: [eq(String.raw`⟨g⟩ \leftarrow \max\big(-⟨clip⟩, \min(⟨clip⟩, ⟨g⟩)\big)`, 'gₜ ← max(−c, min(c, gₜ)) per component')],
    conventions: ['As torch.nn.utils.clip_grad_value_; applied to the gradient before the optimizer.'],
    whenToUse: 'Occasional outlier gradients in a few coordinates.',
    pitfalls: ['Changes the gradient\'s direction when only some components are clipped.'],
  },
];

export const TWEAK_FORMULAS: readonly Formula[] = drafts.map((d) => ({
  ...d,
  symbols: symbolKeys(d.equations.map((e) => e.tex).join(' ')),
}));

/** The classic limitations of basic gradient descent, each with what answers it. */
export const LIMITATIONS: readonly Limitation[] = [
  {
    id: 'learningRateSensitivity', title: 'Highly sensitive to the learning rate',
    text: 'A small η converges very slowly; a large η diverges.',
    answeredBy: ['optimizer:adam', 'optimizer:rmsprop', 'optimizer:adagrad', 'optimizer:adadelta', 'clip:norm'],
    how: 'Adaptive methods normalise the step by the gradient\'s running scale, so one η works across scales; clipping caps the damage of a large one.',
  },
  {
    id: 'oneRateForAll', title: 'The same learning rate for all parameters',
    text: 'Every parameter moves at the same rate regardless of its scale, layer, or whether it is pre-trained.',
    answeredBy: ['optimizer:adagrad', 'optimizer:rmsprop', 'optimizer:adam', 'optimizer:adamw'],
    how: 'Per-parameter rates η/(√v̂ + ε): steep directions get small steps, flat ones large.',
  },
  {
    id: 'localMinima', title: 'Sensitive to local minima',
    text: 'Non-convex losses trap plain gradient descent in the first basin or stall it on plateaus and saddles.',
    answeredBy: ['tweak:momentum', 'optimizer:momentum', 'optimizer:sgd', 'tweak:nesterov', 'optimizer:adam'],
    how: 'Momentum carries velocity through small bumps and off saddles; mini-batch noise helps escape.',
  },
  {
    id: 'awkwardSchedules', title: 'Learning-rate schedules are not straightforward',
    text: 'A schedule fixed in advance may not fit the data and can become ineffective.',
    answeredBy: ['optimizer:adam', 'optimizer:adadelta', 'schedule:cosine', 'schedule:oneCycle', 'schedule:linearWarmup'],
    how: 'Adaptive optimizers adjust the effective step from the gradients themselves; where a schedule is still wanted, warmup + cosine is a robust default.',
  },
];
