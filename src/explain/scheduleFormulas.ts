/**
 * Learning-rate schedules in LaTeX and as code. `c` is the number of updates already done (0-based),
 * η₀ the run's `lr`; the fields arrive complete, their defaults filled from the declarations in
 * src/engine/schedules.ts (`scheduleFields`).
 */
import type { ScheduleFields } from '../engine/schedules';
import type { Formula } from './types';
import { eq, symbolKeys } from './tex';

/** A schedule's rule as code, written from its LaTeX (test/explain compares it with the engine). */
export type ScheduleReference = (f: ScheduleFields, baseLr: number, c: number) => number;

export interface ScheduleFormula extends Formula {
  readonly lr: ScheduleReference;
}

const cosineAnneal = (from: number, to: number, pct: number): number => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * pct));

type Draft = Omit<ScheduleFormula, 'symbols' | 'kind'>;

const drafts: readonly Draft[] = [
  {
    id: 'constant', title: 'Constant learning rate', summary: 'The same η at every step.',
    equations: [eq(String.raw`⟨eta|\eta_c⟩ = \eta_0`, 'η_c = η₀')],
    conventions: [], whenToUse: 'Adaptive optimizers on short runs; the baseline.',
    pitfalls: ['Plain SGD with a constant η never settles exactly on a noisy (mini-batch) loss.'],
    lr: (_f, base) => base,
  },
  {
    id: 'step', title: 'Step decay (StepLR)', summary: 'Multiply η by γ every `stepSize` steps.',
    equations: [eq(String.raw`⟨eta|\eta_c⟩ = \eta_0\,⟨gamma⟩^{\lfloor c / \text{stepSize} \rfloor}`, 'η_c = η₀·γ^⌊c / stepSize⌋')],
    conventions: ['As torch.optim.lr_scheduler.StepLR.'],
    whenToUse: 'Classic image-classification recipes: drop η by 10× at fixed epochs.', pitfalls: ['The drop points must be tuned to the run length.'],
    lr: (f, base, c) => base * f.gamma ** Math.floor(c / f.stepSize),
  },
  {
    id: 'exponential', title: 'Exponential decay (ExponentialLR)', summary: 'Multiply η by γ every step.',
    equations: [eq(String.raw`⟨eta|\eta_c⟩ = \eta_0\,⟨gamma⟩^{c}`, 'η_c = η₀·γ^c')],
    conventions: ['As torch.optim.lr_scheduler.ExponentialLR.'],
    whenToUse: 'A smooth decay with one parameter.', pitfalls: ['γ slightly below 1 compounds fast: 0.99 halves η in 69 steps.'],
    lr: (f, base, c) => base * f.gamma ** c,
  },
  {
    id: 'cosine', title: 'Warmup + cosine decay',
    summary: 'Rise linearly from 0 for `warmup` steps, then follow half a cosine down to `minLr` at `steps`.',
    equations: [
      eq(String.raw`⟨eta|\eta_c⟩ = \begin{cases} \eta_0\, c / w & c < w \\ \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\big(1 + \cos(\pi \min(1, \tfrac{c - w}{⟨T⟩ - w}))\big) & c \ge w \end{cases}`,
        'η_c = η₀·c/w during warmup (c < w); then η_min + ½(η₀ − η_min)(1 + cos(π·min(1, (c − w)/(T − w))))'),
    ],
    conventions: ['optax\'s warmup_cosine_decay_schedule (starting from 0) and Hugging Face\'s cosine with warmup; minLr is absolute.'],
    whenToUse: 'A robust default for long runs, especially with Adam/AdamW: warmup tames the first noisy steps, the cosine settles at the end.',
    pitfalls: ['With warmup, the first update has η = 0 (nothing moves at step 1).'],
    paper: { title: 'SGDR: Stochastic Gradient Descent with Warm Restarts', authors: 'I. Loshchilov, F. Hutter', year: 2017, url: 'https://arxiv.org/abs/1608.03983' },
    lr: (f, base, c) => {
      const T = f.steps, w = f.warmup, min = f.minLr;
      if (c < w) return (base * c) / w;
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * Math.min(1, (c - w) / Math.max(1, T - w))));
    },
  },
  {
    id: 'linearWarmup', title: 'Linear warmup (LinearLR)', summary: 'Rise linearly from startFactor·η₀ to η₀ over `warmup` steps, then stay.',
    equations: [eq(String.raw`⟨eta|\eta_c⟩ = \eta_0\,\big(f + (1 - f)\,\min(c, w)/w\big)`, 'η_c = η₀·(f + (1 − f)·min(c, w)/w), f = startFactor')],
    conventions: ['As torch.optim.lr_scheduler.LinearLR with end_factor 1 and total_iters = warmup.'],
    whenToUse: 'Adam on large or badly scaled problems: avoids huge first steps before v̂ is a good estimate.',
    pitfalls: ['startFactor 0 means the first update does nothing.'],
    paper: { title: 'Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour', authors: 'P. Goyal et al.', year: 2017, url: 'https://arxiv.org/abs/1706.02677' },
    lr: (f, base, c) => base * (f.startFactor + ((1 - f.startFactor) * Math.min(c, f.warmup)) / f.warmup),
  },
  {
    id: 'oneCycle', title: 'One-cycle (OneCycleLR)',
    summary: 'Cosine up from maxLr/divFactor to maxLr over pctStart of the cycle, then cosine down to maxLr/(divFactor·finalDivFactor).',
    equations: [
      eq(String.raw`⟨eta|\eta_c⟩ = \begin{cases} \operatorname{cos\,anneal}\big(\tfrac{\eta_{\max}}{d},\ \eta_{\max},\ \tfrac{c}{pT - 1}\big) & c \le pT - 1 \\ \operatorname{cos\,anneal}\big(\eta_{\max},\ \tfrac{\eta_{\max}}{d\,d_f},\ \tfrac{c - (pT - 1)}{T - pT}\big) & \text{otherwise} \end{cases}`,
        'η_c rises by a half cosine from η_max/d to η_max over the first p·T − 1 updates, then falls by a half cosine to η_max/(d·d_f) at update T − 1'),
      eq(String.raw`\operatorname{cos\,anneal}(a, b, x) = b + \tfrac12 (a - b)(1 + \cos \pi x)`, 'cos anneal(a, b, x) = b + ½(a − b)(1 + cos πx)'),
    ],
    conventions: ['As torch.optim.lr_scheduler.OneCycleLR (anneal_strategy \'cos\', no momentum cycling); after T steps the rate stays at its final value.'],
    whenToUse: 'Fast training to a fixed budget with SGD (super-convergence).',
    pitfalls: ['The peak is often 10× a stable constant η; too high a peak diverges mid-cycle.'],
    paper: { title: 'Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates', authors: 'L. N. Smith, N. Topin', year: 2019, url: 'https://arxiv.org/abs/1708.07120' },
    lr: (f, _base, c) => {
      const T = f.steps, max = f.maxLr;
      const start = max / f.divFactor, end = start / f.finalDivFactor;
      const up = f.pctStart * T - 1, last = T - 1;
      const n = Math.min(c, last);
      return n <= up ? cosineAnneal(start, max, n / up) : cosineAnneal(max, end, (n - up) / (last - up));
    },
  },
];

export const SCHEDULE_FORMULAS: readonly ScheduleFormula[] = drafts.map((d) => ({
  ...d,
  kind: 'schedule' as const,
  symbols: symbolKeys(d.equations.map((e) => e.tex).join(' ')),
}));
