/**
 * What an optimizer's declaration says (hyperparameters with their names, defaults, bounds and
 * symbols; rules between them; how it is built; its stability bound), and how a run's values are
 * read against it. The declarations themselves are OPTIMIZERS in hyperparameters.ts.
 */
import type { Bounds } from './bounds';
import type { Stability } from './curvature/stability';
import type { GradientTransformation, HyperparameterValue, TuneGrid } from './types';

/** How formulas and labels write a hyperparameter: `η`, `\eta`. */
export interface SymbolSpec {
  /** Plain text (labels, screen readers). */
  readonly text: string;
  /** LaTeX (formulas). */
  readonly tex: string;
}

/**
 * One name under which `tune` may vary a hyperparameter (DESIGN "Tuning"): the hyperparameter
 * itself, or one element of a pair (`beta1` is β₁ of `betas`), and the grid tried when nobody
 * gives one (the panel's Compare Optimizers… → tuned).
 */
export interface TunableSpec {
  readonly name: string;
  /** The element of a pair it sets (β₁ is element 0 of betas); absent for a number. */
  readonly element?: 0 | 1;
  readonly grid: TuneGrid;
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
  /** The symbol of the formulas (for betas, β; its elements are β₁ and β₂). Booleans have none. */
  readonly symbol?: SymbolSpec;
  /** One line, in the user's words. */
  readonly description: string;
  /** How `tune` may vary it; absent when it cannot be tuned. */
  readonly tunable?: TunableSpec;
}

/** Complete, valid hyperparameter values, read by type. */
export interface HyperparameterReader {
  num(name: string): number;
  bool(name: string): boolean;
  betas(name: string): readonly [number, number];
}

/** A rule between hyperparameters: the one it is reported on, whether values satisfy it, and why not. */
export interface HyperparameterRule {
  readonly field: string;
  readonly holds: (h: HyperparameterReader) => boolean;
  readonly message: (h: HyperparameterReader) => string;
}

export interface OptimizerSpec {
  readonly id: string;
  /** Display name: `Adam`, `SGD`, … */
  readonly name: string;
  /** `torch.optim` class with the same numerics, or null when PyTorch has none. */
  readonly torchClass: string | null;
  readonly summary: string;
  readonly hyperparameters: readonly HyperparameterSpec[];
  readonly rules?: readonly HyperparameterRule[];
  /**
   * The optimizer's transformations after clipping, given `lr`, the scheduled learning-rate
   * transformation; every chain ends with it unless it must sit elsewhere (`momentum`).
   */
  readonly build: (h: HyperparameterReader, lr: GradientTransformation) => GradientTransformation[];
  /**
   * When it can settle on a quadratic: the curvature bound of its update (curvature/stability.ts),
   * with the preconditioner it divides by for the adaptive ones, or why no bound is known.
   */
  readonly stability: (h: HyperparameterReader) => Stability;
}

/** A typed reader of a run's values, the optimizer's defaults filling what the run leaves out. */
export function hyperparameterReader(spec: OptimizerSpec, values: Readonly<Record<string, HyperparameterValue>>): HyperparameterReader {
  const get = (name: string): HyperparameterValue => {
    const v = values[name] ?? spec.hyperparameters.find((h) => h.name === name)?.default;
    if (v === undefined) throw new Error(`optimizer "${spec.id}" has no hyperparameter "${name}"`);
    return v;
  };
  const wrong = (name: string, want: string, v: HyperparameterValue): Error =>
    new Error(`${spec.id}: hyperparameter "${name}" must be ${want}, got ${JSON.stringify(v)}`);
  return {
    num(name) { const v = get(name); if (typeof v !== 'number') throw wrong(name, 'a number', v); return v; },
    bool(name) { const v = get(name); if (typeof v !== 'boolean') throw wrong(name, 'true or false', v); return v; },
    betas(name) { const v = get(name); if (!Array.isArray(v) || v.length !== 2) throw wrong(name, 'a pair of numbers', v); return v as readonly [number, number]; },
  };
}

/** The first rule of the optimizer that `values` break, or undefined. */
export function brokenRule(spec: OptimizerSpec, values: Readonly<Record<string, HyperparameterValue>>): { field: string; message: string } | undefined {
  const h = hyperparameterReader(spec, values);
  const rule = spec.rules?.find((r) => !r.holds(h));
  return rule ? { field: rule.field, message: rule.message(h) } : undefined;
}
