/**
 * The formula registry: every optimizer, tweak, schedule and clipping rule the engine has, with its
 * LaTeX, symbols, conventions, advice and paper; plus the hyperparameters' explanations, read from
 * the hyperparameter registry (src/engine/hyperparameters.ts) so that defaults are never copied.
 */
import { OPTIMIZERS, optimizerSpec, type HyperparameterSpec, type OptimizerSpec } from '../engine/hyperparameters';
import type { HyperparameterValue } from '../engine/types';
import { escapeMarkdown } from './markdown';
import { OPTIMIZER_FORMULAS } from './optimizerFormulas';
import { SCHEDULE_FORMULAS } from './scheduleFormulas';
import { LIMITATIONS, TWEAK_FORMULAS } from './tweakFormulas';
import { SYMBOLS } from './symbols';
import type { Formula, FormulaKind } from './types';

export { OPTIMIZER_FORMULAS, SCHEDULE_FORMULAS, TWEAK_FORMULAS, LIMITATIONS, SYMBOLS };

/** Every formula, optimizers first. */
export const FORMULAS: readonly Formula[] = [...OPTIMIZER_FORMULAS, ...TWEAK_FORMULAS, ...SCHEDULE_FORMULAS];

const byKey = new Map(FORMULAS.map((f) => [`${f.kind}:${f.id}`, f]));

/** A formula by registry key (`optimizer:adam`, `tweak:momentum`, `schedule:cosine`, `clip:norm`). */
export function formulaByKey(key: string): Formula | undefined {
  return byKey.get(key);
}

export function formula(kind: FormulaKind, id: string): Formula | undefined {
  return byKey.get(`${kind}:${id}`);
}

/** The optimizer's formula; throws for an unknown id (OPTIMIZERS and the registry are kept complete by a test). */
export function optimizerFormula(id: string): Formula {
  const f = byKey.get(`optimizer:${id}`);
  if (!f) throw new Error(`no formula for optimizer "${id}" (known: ${OPTIMIZERS.map((o) => o.id).join(', ')})`);
  return f;
}

/** A hyperparameter value as people write it: 0.001, 1e-8, [0.9, 0.999], true. */
export function formatValue(v: HyperparameterValue): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return formatNumber(v);
  return `[${v.map(formatNumber).join(', ')}]`;
}

export function formatNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(6)));
  return x.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * Hyperparameter names as written in code (PyTorch, optax, Keras, this project) → the registry's
 * name, with the element of `betas` they stand for.
 */
export const HYPERPARAMETER_ALIASES: Readonly<Record<string, { readonly name: string; readonly index?: 0 | 1 }>> = {
  lr: { name: 'lr' }, learning_rate: { name: 'lr' }, learningRate: { name: 'lr' }, eta: { name: 'lr' },
  beta1: { name: 'betas', index: 0 }, b1: { name: 'betas', index: 0 }, beta_1: { name: 'betas', index: 0 },
  beta2: { name: 'betas', index: 1 }, b2: { name: 'betas', index: 1 }, beta_2: { name: 'betas', index: 1 },
  betas: { name: 'betas' },
  eps: { name: 'eps' }, epsilon: { name: 'eps' },
  weight_decay: { name: 'weightDecay' }, weightDecay: { name: 'weightDecay' },
  momentum: { name: 'momentum' }, nesterov: { name: 'nesterov' }, amsgrad: { name: 'amsgrad' },
  rho: { name: 'rho' }, alpha: { name: 'alpha' },
  dampening: { name: 'dampening' }, centered: { name: 'centered' },
  lr_decay: { name: 'lrDecay' }, lrDecay: { name: 'lrDecay' },
  momentum_decay: { name: 'momentumDecay' }, momentumDecay: { name: 'momentumDecay' },
  initial_accumulator_value: { name: 'initialAccumulatorValue' }, initialAccumulatorValue: { name: 'initialAccumulatorValue' },
};

/** What a hyperparameter means for one optimizer, with its default from the registry. */
export interface HyperparameterExplanation {
  readonly optimizer: OptimizerSpec;
  readonly spec: HyperparameterSpec;
  /** Element of `betas` (β₁ = 0, β₂ = 1) when the word named one. */
  readonly index?: 0 | 1;
  /** The symbol in the optimizer's formula (a key of SYMBOLS), when it has one. */
  readonly symbol?: string;
  readonly defaultText: string;
}

/**
 * Explains `word` (any alias) for `optimizerId`, or — without one, or when that optimizer has no
 * such hyperparameter — for the first optimizer that has it, preferring Adam's family.
 */
export function explainHyperparameter(word: string, optimizerId?: string): HyperparameterExplanation | undefined {
  const alias = HYPERPARAMETER_ALIASES[word];
  if (!alias) return undefined;
  const preferred = ['adam', 'sgd', 'rmsprop', 'adadelta', 'nadam', 'adagrad'];
  const candidates = [
    ...(optimizerId ? [optimizerSpec(optimizerId)] : []),
    ...preferred.map((id) => optimizerSpec(id)),
    ...OPTIMIZERS,
  ].filter((o): o is OptimizerSpec => o !== undefined);
  for (const optimizer of candidates) {
    const spec = optimizer.hyperparameters.find((h) => h.name === alias.name);
    if (!spec) continue;
    const symbol = symbolFor(optimizer.id, spec.name, alias.index);
    const d = spec.default;
    const defaultText = alias.index !== undefined && Array.isArray(d) ? formatNumber(d[alias.index]) : formatValue(d);
    return { optimizer, spec, index: alias.index, symbol, defaultText };
  }
  return undefined;
}

/** The symbol standing for a hyperparameter in an optimizer's formula. */
export function symbolFor(optimizerId: string, name: string, index?: 0 | 1): string | undefined {
  const f = byKey.get(`optimizer:${optimizerId}`);
  const keys = f ? f.symbols : [];
  for (const key of keys) {
    const h = SYMBOLS.get(key)?.hyperparameter;
    if (h && h.name === name && (h.index === undefined || index === undefined || h.index === index)) return key;
  }
  return undefined;
}

/** Every hyperparameter of an optimizer with its default, as one Markdown line each. */
export function defaultsMarkdown(optimizerId: string): string[] {
  const o = optimizerSpec(optimizerId);
  if (!o) return [];
  return o.hyperparameters.map((h) => `\`${h.name}\` = \`${formatValue(h.default)}\` — ${escapeMarkdown(h.description)}`);
}

/**
 * A richer description for the JSON schema (`markdownDescription`) of an optimizer's hyperparameter:
 * the registry's one-line description, its default and the optimizer's formula in text.
 */
export function hyperparameterMarkdown(optimizerId: string, name: string): string | undefined {
  const e = explainHyperparameter(name, optimizerId);
  if (!e || e.optimizer.id !== optimizerId) return undefined;
  const f = optimizerFormula(optimizerId);
  return [escapeMarkdown(e.spec.description), '', `Default: \`${e.defaultText}\`.`, '', `${escapeMarkdown(f.title)}:`, ...f.equations.map((q) => `- ${escapeMarkdown(q.text)}`)].join('\n');
}

/** Markdown for an optimizer id in the JSON schema's `optimizer` enum. */
export function optimizerMarkdown(optimizerId: string): string {
  const f = optimizerFormula(optimizerId);
  return [`**${escapeMarkdown(f.title)}** — ${escapeMarkdown(f.summary)}`, '', ...f.equations.map((q) => `- ${escapeMarkdown(q.text)}`)].join('\n');
}
