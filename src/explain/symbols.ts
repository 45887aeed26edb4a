/**
 * The meaning of every symbol that appears in the registry's update rules.
 *
 * Formulas mark symbols as `\sym{key}{…}` (see `formulaTex`): rendered plainly in hovers,
 * and as `\htmlData{sym=key}{…}` in the panel's formula view so that hovering a symbol can show
 * its meaning and its live value. `hyperparameter` links a symbol to the hyperparameter registry
 * (src/engine/hyperparameters.ts), where its default and its symbol are declared: such a symbol's
 * LaTeX and text are read from there, never written here.
 */
import { OPTIMIZERS, optimizerSpec } from '../engine/hyperparameters';

export interface SymbolInfo {
  /** Key used in `\sym{key}{…}` and by `symbolValues`. */
  readonly key: string;
  /** The symbol in LaTeX, as the formulas write it. */
  readonly tex: string;
  /** Other LaTeX spellings that name the same thing (for hovers over LaTeX in Markdown and comments). */
  readonly aliases?: readonly string[];
  /** The symbol in plain text (screen readers, text fallbacks). */
  readonly text: string;
  /** What it is, in one or two sentences. */
  readonly meaning: string;
  /** The hyperparameter it stands for, with the index for `betas`. */
  readonly hyperparameter?: { readonly name: string; readonly index?: 0 | 1 };
}

/**
 * A symbol that stands for a hyperparameter, its LaTeX and text from the hyperparameter's
 * declaration (of `optimizer` where optimizers write it differently; β₁ and β₂ are `betas[index]`).
 */
function linked(key: string, name: string, meaning: string, more: { optimizer?: string; index?: 0 | 1; aliases?: readonly string[] } = {}): SymbolInfo {
  const specs = more.optimizer ? [optimizerSpec(more.optimizer)!] : OPTIMIZERS;
  const symbol = specs.flatMap((o) => o.hyperparameters).find((h) => h.name === name && h.symbol)?.symbol;
  if (!symbol) throw new Error(`hyperparameter "${name}" declares no symbol`);
  const index = more.index;
  return {
    key, meaning, aliases: more.aliases,
    tex: index === undefined ? symbol.tex : `${symbol.tex}_${index + 1}`,
    text: index === undefined ? symbol.text : `${symbol.text}${'₁₂'[index]}`,
    hyperparameter: index === undefined ? { name } : { name, index },
  };
}

const list: readonly SymbolInfo[] = [
  { key: 'theta', tex: String.raw`\theta`, aliases: [String.raw`\theta_t`, String.raw`\theta_{t-1}`, String.raw`\theta_{t+1}`], text: 'θ',
    meaning: 'The parameters being optimized (the point on the loss surface).' },
  { key: 'J', tex: String.raw`J(\theta)`, text: 'J(θ)', meaning: 'The loss (cost) function being minimised.' },
  { key: 'gradJ', tex: String.raw`\nabla_\theta J(\theta)`, aliases: [String.raw`\nabla_{\theta} J(\theta)`, String.raw`\nabla J`, String.raw`\nabla_\theta J`],
    text: '∇θ J(θ)', meaning: 'The gradient of the loss with respect to the parameters: the direction of steepest ascent.' },
  { key: 'g', tex: 'g_t', text: 'gₜ',
    meaning: 'The gradient used at step t: ∇θJ(θ) on the current mini-batch, after clipping and (for coupled weight decay) plus λ·θ.' },
  { key: 't', tex: 't', text: 't', meaning: 'The step count: 1 for the first update.' },
  linked('eta', 'lr', 'The learning rate: the size of each step. With a schedule, ηₜ is the scheduled value at step t.', { aliases: [String.raw`\eta_t`] }),
  linked('wd', 'weightDecay', 'Weight decay: how strongly the parameters are pulled toward zero.', { aliases: ['wd'] }),
  { key: 'm', tex: 'm_t', aliases: ['m_{t-1}'], text: 'mₜ',
    meaning: 'First moment: an exponentially decaying average of past gradients (a momentum buffer).' },
  { key: 'v', tex: 'v_t', aliases: ['v_{t-1}'], text: 'vₜ',
    meaning: 'Second moment: an exponentially decaying average of past squared gradients (element-wise).' },
  { key: 'mhat', tex: String.raw`\hat{m}_t`, aliases: [String.raw`\hat{m_t}`, String.raw`\hat m_t`], text: 'm̂ₜ',
    meaning: 'Bias-corrected first moment mₜ/(1 − β₁ᵗ): undoes the pull toward zero of an average that starts at 0.' },
  { key: 'vhat', tex: String.raw`\hat{v}_t`, aliases: [String.raw`\hat{v_t}`, String.raw`\hat v_t`], text: 'v̂ₜ',
    meaning: 'Bias-corrected second moment vₜ/(1 − β₂ᵗ).' },
  linked('beta1', 'betas', 'Decay rate of the gradient average mₜ: how much of the past gradients it keeps each step.', { index: 0 }),
  linked('beta2', 'betas', 'Decay rate of the squared-gradient average vₜ.', { index: 1 }),
  { key: 'bc1', tex: String.raw`1-\beta_1^t`, aliases: [String.raw`\beta_1^t`, String.raw`\beta_1^{t}`], text: '1 − β₁ᵗ',
    meaning: 'Bias-correction factor of the first moment: β₁ raised to the step count t, subtracted from 1. Small early on, tends to 1.' },
  { key: 'bc2', tex: String.raw`1-\beta_2^t`, aliases: [String.raw`\beta_2^t`, String.raw`\beta_2^{t}`], text: '1 − β₂ᵗ',
    meaning: 'Bias-correction factor of the second moment: 1 − β₂ raised to the step count t.' },
  linked('eps', 'eps', 'A small constant added to a denominator so that it never divides by zero.', { aliases: [String.raw`\varepsilon`] }),
  { key: 'step', tex: String.raw`\frac{\eta}{\sqrt{\hat{v}_t}+\epsilon}`, text: 'η/(√v̂ₜ + ε)',
    meaning: 'The effective per-parameter step: large where gradients have been small, small where they have been large.' },
  linked('beta', 'momentum', 'Classical momentum\'s factor: the fraction of the previous update carried into this one.', { optimizer: 'momentum' }),
  linked('mu', 'momentum', 'Momentum factor: the fraction of the buffer kept each step.', { optimizer: 'sgd' }),
  linked('tau', 'dampening', 'Dampening: how much of each new gradient is left out of the momentum buffer.'),
  { key: 'b', tex: 'b_t', aliases: ['b_{t-1}'], text: 'bₜ',
    meaning: 'The momentum buffer. In torch.optim it starts as the first gradient (b₁ = g₁).' },
  linked('alpha', 'alpha', 'Smoothing constant of RMSprop\'s running average of squared gradients.'),
  { key: 'gbar', tex: String.raw`\bar{g}_t`, text: 'ḡₜ',
    meaning: 'Running average of the gradient (centered RMSprop subtracts its square to estimate the variance).' },
  { key: 's', tex: 's_t', aliases: ['s_{t-1}'], text: 'sₜ',
    meaning: 'Adagrad\'s sum of all past squared gradients (it never decays).' },
  linked('s0', 'initialAccumulatorValue', 'Starting value of Adagrad\'s sum.'),
  linked('lrDecay', 'lrDecay', 'Adagrad\'s learning-rate decay.'),
  { key: 'vmax', tex: String.raw`v^{\max}_t`, text: 'vₜᵐᵃˣ',
    meaning: 'AMSGrad: the largest second moment seen so far (element-wise).' },
  { key: 'u', tex: 'u_t', aliases: ['u_{t-1}'], text: 'uₜ',
    meaning: 'Adamax\'s exponentially weighted infinity norm: a decaying running maximum of |g|.' },
  linked('psi', 'momentumDecay', 'NAdam\'s momentum decay.'),
  { key: 'mut', tex: String.raw`\mu_t`, aliases: [String.raw`\mu_{t+1}`], text: 'μₜ',
    meaning: 'NAdam\'s momentum coefficient at step t: β₁(1 − ½·0.96^(tψ)).' },
  { key: 'muprod', tex: String.raw`\textstyle\prod_{i\le t}\mu_i`, text: '∏μᵢ', meaning: 'Product of NAdam\'s momentum coefficients up to step t.' },
  { key: 'rhoInf', tex: String.raw`\rho_\infty`, text: 'ρ∞', meaning: 'RAdam: the maximum length of the approximated simple moving average, 2/(1 − β₂) − 1.' },
  { key: 'rhoT', tex: String.raw`\rho_t`, text: 'ρₜ', meaning: 'RAdam: the length of the approximated simple moving average at step t; the adaptive step is used only when ρₜ > 5.' },
  { key: 'rect', tex: 'r_t', text: 'rₜ', meaning: 'RAdam\'s variance rectification term.' },
  linked('rho', 'rho', 'Adadelta\'s decay rate of its running averages.'),
  { key: 'delta', tex: String.raw`\Delta_t`, text: 'Δₜ', meaning: 'Adadelta\'s update before the learning rate: the gradient rescaled by RMS(past updates)/RMS(gradients).' },
  { key: 'acc', tex: 'u_t', text: 'uₜ', meaning: 'Adadelta\'s running average of squared updates.' },
  { key: 'c', tex: 'c_t', text: 'cₜ', meaning: 'Lion: the interpolation β₁m + (1 − β₁)g whose sign is the update.' },
  { key: 'clip', tex: 'c', text: 'c', meaning: 'Clipping threshold: the largest allowed gradient norm (or value).' },
  { key: 'T', tex: 'T', text: 'T', meaning: 'The schedule\'s length in steps.' },
  { key: 'gamma', tex: String.raw`\gamma`, text: 'γ', meaning: 'The schedule\'s decay factor.' },
];

/** Every symbol by key. */
export const SYMBOLS: ReadonlyMap<string, SymbolInfo> = new Map(list.map((s) => [s.key, s]));

/** The symbol for a key; throws when the registry references an unknown one (a test keeps them in sync). */
export function symbolInfo(key: string): SymbolInfo {
  const s = SYMBOLS.get(key);
  if (!s) throw new Error(`unknown formula symbol "${key}"`);
  return s;
}
