/**
 * The update rule of every optimizer in src/engine/hyperparameters.ts, in LaTeX and as code.
 *
 * The rules follow torch.optim 1.13's single-tensor float64 algorithms, as the engine does:
 * coupled weight decay adds λθ to the gradient first; SGD's momentum buffer starts as the first
 * gradient; Adam divides by √v̂ + ε with ε outside the root after bias correction; RMSprop puts ε
 * outside the root; AdamW and Lion shrink θ by ηλθ outside the adaptive scaling.
 * Each `reference` is written from its equations, not from the engine; test/explain compares them.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import type { Hyperparameters } from '../engine/types';
import type { Formula, ReferenceRule, ReferenceState } from './types';
import { eq, symbolKeys } from './tex';

function num(h: Hyperparameters, name: string): number {
  const v = h[name];
  if (typeof v !== 'number') throw new Error(`hyperparameter "${name}" should be a number, got ${JSON.stringify(v)}`);
  return v;
}
function flag(h: Hyperparameters, name: string): boolean {
  return h[name] === true;
}
function betas(h: Hyperparameters): readonly [number, number] {
  const v = h.betas;
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`hyperparameter "betas" should be [β₁, β₂], got ${JSON.stringify(v)}`);
  return v as readonly [number, number];
}
const zeros = (n: number): Float64Array => new Float64Array(n);
const vec = (s: ReferenceState, k: string): Float64Array => s[k] as Float64Array;

/** gₜ = ∇J(θ) + λθ (coupled weight decay / L2), into a fresh vector. */
function coupled(g: Float64Array, theta: Float64Array, h: Hyperparameters): Float64Array {
  const wd = num(h, 'weightDecay');
  return g.map((gi, i) => gi + wd * theta[i]);
}

const gradientLine = eq(String.raw`⟨g⟩ = ⟨gradJ|\nabla_\theta J(\theta_{t-1})⟩ + ⟨wd⟩⟨theta|\theta_{t-1}⟩`,
  'gₜ = ∇θJ(θₜ₋₁) + λ·θₜ₋₁   (coupled weight decay: added to the gradient)');
const momentsLines = [
  eq(String.raw`⟨m⟩ = ⟨beta1⟩ ⟨m|m_{t-1}⟩ + (1-⟨beta1⟩)\,⟨g⟩`, 'mₜ = β₁·mₜ₋₁ + (1 − β₁)·gₜ'),
  eq(String.raw`⟨v⟩ = ⟨beta2⟩ ⟨v|v_{t-1}⟩ + (1-⟨beta2⟩)\,⟨g|g_t^2⟩`, 'vₜ = β₂·vₜ₋₁ + (1 − β₂)·gₜ²'),
];
const biasCorrectionLines = [
  eq(String.raw`⟨mhat⟩ = \frac{⟨m⟩}{⟨bc1⟩}`, 'm̂ₜ = mₜ / (1 − β₁ᵗ)'),
  eq(String.raw`⟨vhat⟩ = \frac{⟨v⟩}{⟨bc2⟩}`, 'v̂ₜ = vₜ / (1 − β₂ᵗ)'),
];
const adamStep = eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨step|\frac{⟨eta⟩}{\sqrt{⟨vhat⟩}+⟨eps⟩}⟩\,⟨mhat⟩`,
  'θₜ = θₜ₋₁ − η / (√v̂ₜ + ε) · m̂ₜ');

/** Adam's moments and step, shared by adam and adamw (`decoupled`: λ shrinks θ instead of joining g). */
function adamReference(decoupled: boolean): ReferenceRule {
  return {
    init: (n) => ({ m: zeros(n), v: zeros(n), vmax: zeros(n) }),
    step(s, g0, theta, h, t) {
      const [b1, b2] = betas(h);
      const lr = num(h, 'lr'), eps = num(h, 'eps'), wd = num(h, 'weightDecay');
      if (decoupled) for (let i = 0; i < theta.length; i++) theta[i] *= 1 - lr * wd;
      const g = decoupled ? g0 : coupled(g0, theta, h);
      const m = vec(s, 'm'), v = vec(s, 'v'), vmax = vec(s, 'vmax');
      for (let i = 0; i < theta.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        vmax[i] = Math.max(vmax[i], v[i]);
        const mhat = m[i] / (1 - b1 ** t);
        const vhat = (flag(h, 'amsgrad') ? vmax[i] : v[i]) / (1 - b2 ** t);
        theta[i] -= (lr / (Math.sqrt(vhat) + eps)) * mhat;
      }
    },
  };
}

const paper = {
  ruder: { title: 'An overview of gradient descent optimization algorithms', authors: 'S. Ruder', year: 2016, url: 'https://arxiv.org/abs/1609.04747' },
  polyak: { title: 'Some methods of speeding up the convergence of iteration methods', authors: 'B. T. Polyak', year: 1964, url: 'https://doi.org/10.1016/0041-5553(64)90137-5' },
  sutskever: { title: 'On the importance of initialization and momentum in deep learning', authors: 'I. Sutskever, J. Martens, G. Dahl, G. Hinton', year: 2013, url: 'https://proceedings.mlr.press/v28/sutskever13.html' },
  adagrad: { title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization', authors: 'J. Duchi, E. Hazan, Y. Singer', year: 2011, url: 'https://jmlr.org/papers/v12/duchi11a.html' },
  rmsprop: { title: 'Neural Networks for Machine Learning, Lecture 6e: RMSprop', authors: 'G. Hinton, N. Srivastava, K. Swersky', year: 2012, url: 'https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf' },
  adam: { title: 'Adam: A Method for Stochastic Optimization', authors: 'D. P. Kingma, J. Ba', year: 2015, url: 'https://arxiv.org/abs/1412.6980' },
  adamw: { title: 'Decoupled Weight Decay Regularization', authors: 'I. Loshchilov, F. Hutter', year: 2019, url: 'https://arxiv.org/abs/1711.05101' },
  nadam: { title: 'Incorporating Nesterov Momentum into Adam', authors: 'T. Dozat', year: 2016, url: 'https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ' },
  radam: { title: 'On the Variance of the Adaptive Learning Rate and Beyond', authors: 'L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han', year: 2020, url: 'https://arxiv.org/abs/1908.03265' },
  adadelta: { title: 'ADADELTA: An Adaptive Learning Rate Method', authors: 'M. D. Zeiler', year: 2012, url: 'https://arxiv.org/abs/1212.5701' },
  lion: { title: 'Symbolic Discovery of Optimization Algorithms', authors: 'X. Chen, C. Liang, D. Huang, E. Real, et al.', year: 2023, url: 'https://arxiv.org/abs/2302.06675' },
} as const;

/** A formula as written here; its title is the optimizer's name from the hyperparameter registry. */
type Draft = Omit<Formula, 'symbols' | 'kind' | 'title'>;

const drafts: readonly Draft[] = [
  {
    id: 'gd',
    summary: 'Step against the gradient, the same rate η for every parameter.',
    equations: [
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,\big(⟨gradJ|\nabla_\theta J(\theta_{t-1})⟩ + ⟨wd⟩⟨theta|\theta_{t-1}⟩\big)`,
        'θₜ = θₜ₋₁ − η·(∇θJ(θₜ₋₁) + λ·θₜ₋₁)'),
    ],
    conventions: [
      'The textbook rule θ = θ − η∇θJ(θ), with weight decay λ·θ added to the gradient. Identical to SGD without momentum.',
      'On a mini-batch loss, ∇θJ is the mean gradient over the batch (mini-batch gradient descent).',
    ],
    whenToUse: 'To see the baseline every other optimizer improves on; on smooth, well-conditioned problems it is all you need.',
    pitfalls: [
      'Highly sensitive to η: too small crawls, too large diverges.',
      'One rate for all parameters: on an ill-conditioned bowl the steep direction forces a small η that starves the flat one.',
      'Stops in the first local minimum or stalls on a plateau or saddle.',
    ],
    paper: paper.ruder,
    reference: {
      init: () => ({}),
      step(_s, g, theta, h) {
        const lr = num(h, 'lr'), wd = num(h, 'weightDecay');
        for (let i = 0; i < theta.length; i++) theta[i] -= lr * (g[i] + wd * theta[i]);
      },
    },
  },
  {
    id: 'momentum',
    summary: 'Accumulate a velocity: each update keeps a fraction β of the previous one.',
    equations: [
      eq(String.raw`⟨m⟩ = ⟨beta⟩\,⟨m|m_{t-1}⟩ + ⟨eta⟩\,\big(⟨gradJ|\nabla_\theta J(\theta_{t-1})⟩ + ⟨wd⟩⟨theta|\theta_{t-1}⟩\big), \quad m_0 = 0`,
        'mₜ = β·mₜ₋₁ + η·(∇θJ(θₜ₋₁) + λ·θₜ₋₁), starting from m₀ = 0'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨m⟩`, 'θₜ = θₜ₋₁ − mₜ'),
    ],
    alternative: {
      title: 'PyTorch\'s form (SGD with momentum)',
      equations: [
        eq(String.raw`⟨b⟩ = ⟨mu⟩\,⟨b|b_{t-1}⟩ + ⟨g⟩, \quad b_1 = g_1`, 'bₜ = μ·bₜ₋₁ + gₜ, with b₁ = g₁'),
        eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,⟨b⟩`, 'θₜ = θₜ₋₁ − η·bₜ'),
      ],
      note: 'With a constant η the two are the same trajectory: mₜ = η·bₜ (μ = β). Under a schedule they differ: the classical m keeps the old rates inside the velocity, PyTorch\'s b applies the current rate to the whole buffer.',
    },
    conventions: [
      'Classical momentum (Polyak; Sutskever et al.) puts the learning rate inside the velocity (m ← βm + η∇J); torch.optim puts it outside (b ← μb + g, θ ← θ − ηb). Equivalent under a constant η.',
    ],
    whenToUse: 'Ravines and ill-conditioned bowls: momentum averages away the zig-zag across the steep direction and builds speed along the flat one.',
    pitfalls: [
      'Too much momentum (β near 1) overshoots and oscillates around the minimum.',
      'The effective step is about η/(1 − β): raising β is like raising η.',
    ],
    paper: paper.polyak,
    reference: {
      init: (n) => ({ m: zeros(n) }),
      step(s, g, theta, h) {
        const lr = num(h, 'lr'), beta = num(h, 'momentum'), wd = num(h, 'weightDecay');
        const m = vec(s, 'm');
        for (let i = 0; i < theta.length; i++) {
          m[i] = beta * m[i] + lr * (g[i] + wd * theta[i]);
          theta[i] -= m[i];
        }
      },
    },
  },
  {
    id: 'sgd',
    summary: 'Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay.',
    equations: [
      gradientLine,
      eq(String.raw`⟨b⟩ = ⟨mu⟩\,⟨b|b_{t-1}⟩ + (1-⟨tau⟩)\,⟨g⟩, \quad b_1 = g_1`, 'bₜ = μ·bₜ₋₁ + (1 − τ)·gₜ, with b₁ = g₁ (only when μ > 0)'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,\begin{cases} ⟨g⟩ + ⟨mu⟩⟨b⟩ & \text{Nesterov} \\ ⟨b⟩ & \mu > 0 \\ ⟨g⟩ & \mu = 0 \end{cases}`,
        'θₜ = θₜ₋₁ − η·(gₜ + μ·bₜ) with Nesterov; θₜ₋₁ − η·bₜ with momentum; θₜ₋₁ − η·gₜ without'),
    ],
    conventions: [
      'The momentum buffer starts as the first gradient (b₁ = g₁, no dampening on the first step), as in torch.optim.',
      'Weight decay is coupled (L2): λθ joins the gradient before the momentum.',
    ],
    whenToUse: 'The workhorse: with momentum 0.9 and a tuned schedule it matches adaptive methods on many problems and often generalises better.',
    pitfalls: [
      'Needs a well-tuned η (and usually a schedule).',
      'Nesterov needs momentum > 0 and dampening 0.',
    ],
    paper: paper.sutskever,
    reference: {
      init: (n) => ({ b: zeros(n) }),
      step(s, g0, theta, h, t) {
        const g = coupled(g0, theta, h);
        const lr = num(h, 'lr'), mu = num(h, 'momentum'), tau = num(h, 'dampening');
        const b = vec(s, 'b');
        for (let i = 0; i < theta.length; i++) {
          let d = g[i];
          if (mu !== 0) {
            b[i] = t === 1 ? g[i] : mu * b[i] + (1 - tau) * g[i];
            d = flag(h, 'nesterov') ? g[i] + mu * b[i] : b[i];
          }
          theta[i] -= lr * d;
        }
      },
    },
  },
  {
    id: 'adagrad',
    summary: 'Per-parameter rates: divide by the root of the sum of all past squared gradients.',
    equations: [
      gradientLine,
      eq(String.raw`\tilde\eta_t = \frac{⟨eta⟩}{1 + (t-1)\,⟨lrDecay⟩}`, 'η̃ₜ = η / (1 + (t − 1)·γ)'),
      eq(String.raw`⟨s⟩ = ⟨s|s_{t-1}⟩ + ⟨g|g_t^2⟩, \quad s_0 = ⟨s0⟩`, 'sₜ = sₜ₋₁ + gₜ², starting from the initial accumulator value'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - \tilde\eta_t\,\frac{⟨g⟩}{\sqrt{⟨s⟩} + ⟨eps⟩}`, 'θₜ = θₜ₋₁ − η̃ₜ·gₜ / (√sₜ + ε)'),
    ],
    conventions: ['ε is outside the root, as in torch.optim.Adagrad.'],
    whenToUse: 'Sparse features and convex problems: rarely-updated parameters keep large steps.',
    pitfalls: ['The sum only grows, so the effective rate decays to zero and training can stall long before the minimum.'],
    paper: paper.adagrad,
    reference: {
      init: (n, h) => ({ s: new Float64Array(n).fill(num(h, 'initialAccumulatorValue')) }),
      step(st, g0, theta, h, t) {
        const g = coupled(g0, theta, h);
        const clr = num(h, 'lr') / (1 + (t - 1) * num(h, 'lrDecay')), eps = num(h, 'eps');
        const s = vec(st, 's');
        for (let i = 0; i < theta.length; i++) {
          s[i] += g[i] * g[i];
          theta[i] -= (clr * g[i]) / (Math.sqrt(s[i]) + eps);
        }
      },
    },
  },
  {
    id: 'rmsprop',
    summary: 'Divide by a running root-mean-square of recent gradients: Adagrad that forgets.',
    equations: [
      gradientLine,
      eq(String.raw`⟨v⟩ = ⟨alpha⟩\,⟨v|v_{t-1}⟩ + (1-⟨alpha⟩)\,⟨g|g_t^2⟩`, 'vₜ = α·vₜ₋₁ + (1 − α)·gₜ²'),
      eq(String.raw`⟨gbar⟩ = ⟨alpha⟩\,⟨gbar|\bar{g}_{t-1}⟩ + (1-⟨alpha⟩)\,⟨g⟩, \quad \tilde v_t = ⟨v⟩ - ⟨gbar⟩^2 \ \text{(centered; else } \tilde v_t = v_t)`,
        'centered: ḡₜ = α·ḡₜ₋₁ + (1 − α)·gₜ and ṽₜ = vₜ − ḡₜ²; otherwise ṽₜ = vₜ'),
      eq(String.raw`⟨b⟩ = ⟨mu⟩\,⟨b|b_{t-1}⟩ + \frac{⟨g⟩}{\sqrt{\tilde v_t} + ⟨eps⟩}, \quad b_0 = 0`, 'bₜ = μ·bₜ₋₁ + gₜ / (√ṽₜ + ε), starting from b₀ = 0'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,⟨b⟩`, 'θₜ = θₜ₋₁ − η·bₜ   (with μ = 0 this is θₜ₋₁ − η·gₜ/(√ṽₜ + ε))'),
    ],
    conventions: [
      'ε is added outside the square root (torch.optim), unlike TensorFlow\'s RMSprop which adds it inside.',
      'The momentum buffer starts at zero.',
    ],
    whenToUse: 'Non-stationary objectives and recurrent networks; a good default when Adam\'s momentum is not wanted.',
    pitfalls: ['No bias correction: the first steps are large, because v starts at zero (the first step is about η/√(1 − α)).'],
    paper: paper.rmsprop,
    reference: {
      init: (n) => ({ v: zeros(n), gbar: zeros(n), b: zeros(n) }),
      step(s, g0, theta, h) {
        const g = coupled(g0, theta, h);
        const lr = num(h, 'lr'), alpha = num(h, 'alpha'), eps = num(h, 'eps'), mu = num(h, 'momentum');
        const v = vec(s, 'v'), gbar = vec(s, 'gbar'), b = vec(s, 'b');
        for (let i = 0; i < theta.length; i++) {
          v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i];
          gbar[i] = alpha * gbar[i] + (1 - alpha) * g[i];
          const vt = flag(h, 'centered') ? v[i] - gbar[i] * gbar[i] : v[i];
          b[i] = mu * b[i] + g[i] / (Math.sqrt(vt) + eps);
          theta[i] -= lr * b[i];
        }
      },
    },
  },
  {
    id: 'adam',
    summary: 'Momentum on the gradient and RMSprop on its square, both bias-corrected.',
    equations: [
      gradientLine, ...momentsLines, ...biasCorrectionLines,
      eq(String.raw`⟨vmax⟩ = \max(⟨vmax|v^{\max}_{t-1}⟩, ⟨v⟩), \ \ ⟨vhat⟩ = \frac{⟨vmax⟩}{⟨bc2⟩} \ \text{(AMSGrad only)}`,
        'AMSGrad only: vₜᵐᵃˣ = max(vₜ₋₁ᵐᵃˣ, vₜ) and v̂ₜ = vₜᵐᵃˣ / (1 − β₂ᵗ)'),
      adamStep,
    ],
    conventions: [
      'Bias correction divides by 1 − β₁ᵗ and 1 − β₂ᵗ, with t counting updates from 1.',
      'ε is added after the root of the bias-corrected v̂ₜ (torch.optim and the paper).',
      'weight_decay here is L2: λθ joins the gradient before the moments (for decoupled decay, use AdamW).',
    ],
    whenToUse: 'A robust default for most problems and networks: per-parameter rates, little tuning, usually η ≈ 1e-3.',
    pitfalls: [
      'L2 weight decay inside Adam is scaled by the adaptive rate, so heavy weights are barely decayed: use AdamW.',
      'A large η (0.1, say) oscillates around the minimum: the normalised step is about η in size near the start, whatever the gradient.',
      'ε matters when gradients are tiny; β₂ close to 1 reacts slowly to changes in gradient scale.',
    ],
    paper: paper.adam,
    reference: adamReference(false),
  },
  {
    id: 'adamw',
    summary: 'Adam with decoupled weight decay: θ shrinks by ηλθ outside the adaptive scaling.',
    equations: [
      eq(String.raw`⟨theta|\theta_{t-1}⟩ \leftarrow ⟨theta|\theta_{t-1}⟩\,(1 - ⟨eta⟩⟨wd⟩)`, 'θₜ₋₁ ← θₜ₋₁·(1 − η·λ)   (decoupled weight decay, first)'),
      eq(String.raw`⟨g⟩ = ⟨gradJ|\nabla_\theta J(\theta_{t-1})⟩`, 'gₜ = ∇θJ(θₜ₋₁)   (no λθ in the gradient)'),
      ...momentsLines, ...biasCorrectionLines, adamStep,
    ],
    conventions: [
      'Decay is applied before the Adam step and multiplied by η (torch.optim.AdamW), not by the adaptive rate.',
      'With λ = 0, AdamW is Adam.',
    ],
    whenToUse: 'Whenever you want weight decay with Adam (transformers, most modern training).',
    pitfalls: ['λ is multiplied by η: when you change η, the decay strength changes too.'],
    paper: paper.adamw,
    reference: adamReference(true),
  },
  {
    id: 'adamax',
    summary: 'Adam with the infinity norm: divide by a decaying running maximum of |g|.',
    equations: [
      gradientLine, momentsLines[0],
      eq(String.raw`⟨u⟩ = \max\big(⟨beta2⟩\,⟨u|u_{t-1}⟩,\ |⟨g⟩| + ⟨eps⟩\big)`, 'uₜ = max(β₂·uₜ₋₁, |gₜ| + ε)'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - \frac{⟨eta⟩}{⟨bc1⟩}\,\frac{⟨m⟩}{⟨u⟩}`, 'θₜ = θₜ₋₁ − η/(1 − β₁ᵗ) · mₜ/uₜ'),
    ],
    conventions: ['ε is added to |g| inside the max (torch.optim.Adamax); u needs no bias correction.'],
    whenToUse: 'When gradients have heavy tails or are sparse; more stable than Adam when v̂ is noisy.',
    pitfalls: ['One large gradient keeps u high for a long time, shrinking the step.'],
    paper: paper.adam,
    reference: {
      init: (n) => ({ m: zeros(n), u: zeros(n) }),
      step(s, g0, theta, h, t) {
        const g = coupled(g0, theta, h);
        const [b1, b2] = betas(h);
        const lr = num(h, 'lr'), eps = num(h, 'eps');
        const m = vec(s, 'm'), u = vec(s, 'u');
        for (let i = 0; i < theta.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          u[i] = Math.max(b2 * u[i], Math.abs(g[i]) + eps);
          theta[i] -= (lr / (1 - b1 ** t)) * (m[i] / u[i]);
        }
      },
    },
  },
  {
    id: 'nadam',
    summary: 'Adam with Nesterov momentum: the step looks one momentum step ahead.',
    equations: [
      gradientLine,
      eq(String.raw`⟨mut⟩ = ⟨beta1⟩\big(1 - \tfrac12\, 0.96^{t⟨psi⟩}\big), \quad \mu_{t+1} = ⟨beta1⟩\big(1 - \tfrac12\, 0.96^{(t+1)⟨psi⟩}\big)`,
        'μₜ = β₁·(1 − ½·0.96^(t·ψ)), μₜ₊₁ = β₁·(1 − ½·0.96^((t+1)·ψ))'),
      ...momentsLines, biasCorrectionLines[1],
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,\frac{1-⟨mut⟩}{1-\prod_{i\le t}\mu_i}\,\frac{⟨g⟩}{\sqrt{⟨vhat⟩}+⟨eps⟩} - ⟨eta⟩\,\frac{\mu_{t+1}}{1-\mu_t\mu_{t+1}\prod_{i\le t}\mu_i}\,\frac{⟨m⟩}{\sqrt{⟨vhat⟩}+⟨eps⟩}`,
        'θₜ = θₜ₋₁ − η·(1 − μₜ)/(1 − ∏ᵢ≤ₜ μᵢ)·gₜ/(√v̂ₜ + ε) − η·μₜ₊₁/(1 − μₜ·μₜ₊₁·∏ᵢ≤ₜ μᵢ)·mₜ/(√v̂ₜ + ε)'),
    ],
    conventions: [
      'The momentum schedule μₜ and the running product of μ follow torch.optim.NAdam 1.13 (Dozat\'s paper).',
      'PyTorch 1.13 multiplies μₜ into the second product twice (μₜ·μₜ₊₁·∏ᵢ≤ₜ μᵢ); PyTorch 2 uses the paper\'s μₜ₊₁·∏ᵢ≤ₜ μᵢ. The engine matches 1.13.',
      'The bias correction of v goes inside the root: √(vₜ/(1 − β₂ᵗ)) + ε.',
    ],
    whenToUse: 'Where Adam works but converges a little slowly; often a few steps faster early on.',
    pitfalls: ['Same sensitivity to η as Adam; the default η is higher (2e-3).'],
    paper: paper.nadam,
    reference: {
      init: (n) => ({ m: zeros(n), v: zeros(n), muProduct: 1 }),
      step(s, g0, theta, h, t) {
        const g = coupled(g0, theta, h);
        const [b1, b2] = betas(h);
        const lr = num(h, 'lr'), eps = num(h, 'eps'), psi = num(h, 'momentumDecay');
        const mu = b1 * (1 - 0.5 * 0.96 ** (t * psi));
        const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
        const prod = (s.muProduct as number) * mu;
        s.muProduct = prod;
        const m = vec(s, 'm'), v = vec(s, 'v');
        for (let i = 0; i < theta.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          const denom = Math.sqrt(v[i] / (1 - b2 ** t)) + eps;
          theta[i] -= lr * ((1 - mu) / (1 - prod)) * (g[i] / denom) + lr * (muNext / (1 - mu * muNext * prod)) * (m[i] / denom);
        }
      },
    },
  },
  {
    id: 'radam',
    summary: 'Rectified Adam: plain momentum steps until the adaptive rate\'s variance is tractable (ρₜ > 5).',
    equations: [
      gradientLine, ...momentsLines, biasCorrectionLines[0],
      eq(String.raw`⟨rhoInf⟩ = \frac{2}{1-⟨beta2⟩} - 1, \quad ⟨rhoT⟩ = ⟨rhoInf⟩ - \frac{2t\,\beta_2^t}{⟨bc2⟩}`, 'ρ∞ = 2/(1 − β₂) − 1, ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)'),
      eq(String.raw`⟨rect⟩ = \sqrt{\frac{(⟨rhoT⟩-4)(⟨rhoT⟩-2)\,⟨rhoInf⟩}{(⟨rhoInf⟩-4)(⟨rhoInf⟩-2)\,⟨rhoT⟩}}`, 'rₜ = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,⟨mhat⟩ \cdot \begin{cases} ⟨rect⟩\,\dfrac{\sqrt{⟨bc2⟩}}{\sqrt{⟨v⟩}+⟨eps⟩} & ⟨rhoT⟩ > 5 \\ 1 & \text{otherwise} \end{cases}`,
        'θₜ = θₜ₋₁ − η·m̂ₜ·rₜ·√(1 − β₂ᵗ)/(√vₜ + ε) when ρₜ > 5, else θₜ₋₁ − η·m̂ₜ'),
    ],
    conventions: ['As in torch.optim.RAdam 1.13, ε is added to √vₜ before the bias correction √(1 − β₂ᵗ) multiplies.'],
    whenToUse: 'When Adam needs a warmup to be stable: RAdam builds one in.',
    pitfalls: ['The first steps (about 5 with β₂ = 0.999) are un-normalised momentum steps of size η·m̂: with large gradients they can jump far.'],
    paper: paper.radam,
    reference: {
      init: (n) => ({ m: zeros(n), v: zeros(n) }),
      step(s, g0, theta, h, t) {
        const g = coupled(g0, theta, h);
        const [b1, b2] = betas(h);
        const lr = num(h, 'lr'), eps = num(h, 'eps');
        const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
        const rhoInf = 2 / (1 - b2) - 1;
        const rhoT = rhoInf - (2 * t * b2 ** t) / bc2;
        const m = vec(s, 'm'), v = vec(s, 'v');
        for (let i = 0; i < theta.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          const mhat = m[i] / bc1;
          if (rhoT > 5) {
            const r = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            theta[i] -= lr * mhat * r * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps));
          } else {
            theta[i] -= lr * mhat;
          }
        }
      },
    },
  },
  {
    id: 'adadelta',
    summary: 'Scale each step by RMS(past updates)/RMS(gradients): units match, η is often left at 1.',
    equations: [
      gradientLine,
      eq(String.raw`⟨v⟩ = ⟨rho⟩\,⟨v|v_{t-1}⟩ + (1-⟨rho⟩)\,⟨g|g_t^2⟩`, 'vₜ = ρ·vₜ₋₁ + (1 − ρ)·gₜ²'),
      eq(String.raw`⟨delta⟩ = \frac{\sqrt{⟨acc|u_{t-1}⟩ + ⟨eps⟩}}{\sqrt{⟨v⟩ + ⟨eps⟩}}\,⟨g⟩`, 'Δₜ = √(uₜ₋₁ + ε) / √(vₜ + ε) · gₜ'),
      eq(String.raw`⟨acc⟩ = ⟨rho⟩\,⟨acc|u_{t-1}⟩ + (1-⟨rho⟩)\,⟨delta⟩^2`, 'uₜ = ρ·uₜ₋₁ + (1 − ρ)·Δₜ²'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,⟨delta⟩`, 'θₜ = θₜ₋₁ − η·Δₜ'),
    ],
    conventions: ['ε is inside both roots (torch.optim.Adadelta); η multiplies the update (default 1).'],
    whenToUse: 'When you do not want to tune a learning rate.',
    pitfalls: ['Starts very slowly: the first steps are about √ε/√(1 − ρ)·sign(g), tiny with ε = 1e-6.'],
    paper: paper.adadelta,
    reference: {
      init: (n) => ({ v: zeros(n), u: zeros(n) }),
      step(s, g0, theta, h) {
        const g = coupled(g0, theta, h);
        const lr = num(h, 'lr'), rho = num(h, 'rho'), eps = num(h, 'eps');
        const v = vec(s, 'v'), u = vec(s, 'u');
        for (let i = 0; i < theta.length; i++) {
          v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
          const delta = (Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps)) * g[i];
          u[i] = rho * u[i] + (1 - rho) * delta * delta;
          theta[i] -= lr * delta;
        }
      },
    },
  },
  {
    id: 'lion',
    summary: 'EvoLved Sign Momentum: step by the sign of an interpolated momentum, every coordinate the same size.',
    equations: [
      eq(String.raw`⟨c⟩ = ⟨beta1⟩\,⟨m|m_{t-1}⟩ + (1-⟨beta1⟩)\,⟨g⟩`, 'cₜ = β₁·mₜ₋₁ + (1 − β₁)·gₜ'),
      eq(String.raw`⟨theta|\theta_t⟩ = ⟨theta|\theta_{t-1}⟩ - ⟨eta⟩\,\big(\operatorname{sign}(⟨c⟩) + ⟨wd⟩⟨theta|\theta_{t-1}⟩\big)`, 'θₜ = θₜ₋₁ − η·(sign(cₜ) + λ·θₜ₋₁)'),
      eq(String.raw`⟨m⟩ = ⟨beta2⟩\,⟨m|m_{t-1}⟩ + (1-⟨beta2⟩)\,⟨g⟩`, 'mₜ = β₂·mₜ₋₁ + (1 − β₂)·gₜ'),
    ],
    conventions: ['Weight decay is decoupled, as in the paper (Program 1) and optax.lion.', 'PyTorch has no Lion; the paper\'s algorithm is the reference.'],
    whenToUse: 'Large models where memory matters (one buffer); use an η 3–10× smaller than AdamW\'s and a larger λ.',
    pitfalls: ['Every coordinate moves by exactly η each step: near a minimum it keeps oscillating unless η decays.'],
    paper: paper.lion,
    reference: {
      init: (n) => ({ m: zeros(n) }),
      step(s, g, theta, h) {
        const [b1, b2] = betas(h);
        const lr = num(h, 'lr'), wd = num(h, 'weightDecay');
        const m = vec(s, 'm');
        for (let i = 0; i < theta.length; i++) {
          const c = b1 * m[i] + (1 - b1) * g[i];
          theta[i] -= lr * (Math.sign(c) + wd * theta[i]);
          m[i] = b2 * m[i] + (1 - b2) * g[i];
        }
      },
    },
  },
];

function optimizerName(id: string): string {
  const spec = optimizerSpec(id);
  if (!spec) throw new Error(`formula for "${id}", which is not an optimizer of the hyperparameter registry`);
  return spec.name;
}

/** One formula per optimizer id, in the order of OPTIMIZERS. */
export const OPTIMIZER_FORMULAS: readonly Formula[] = drafts.map((d) => ({
  ...d,
  kind: 'optimizer' as const,
  title: optimizerName(d.id),
  symbols: symbolKeys(d.equations.map((e) => e.tex).join(' ')),
}));
