/** The update rules of gradient descent, momentum, SGD, Adagrad and RMSprop (see index.ts). */
import { eq } from '../tex';
import { coupled, flag, gradientLine, num, paper, vec, zeros, type Draft } from './common';

export const SGD_FAMILY: readonly Draft[] = [
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
];
