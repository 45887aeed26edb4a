/** The update rules of Adam and its relatives, Adadelta and Lion (see index.ts). */
import type { ReferenceRule } from '../types';
import { eq } from '../tex';
import { betas, coupled, flag, gradientLine, num, paper, vec, zeros, type Draft } from './common';

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

export const ADAM_FAMILY: readonly Draft[] = [
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
