/** Shapes of the explanation registry (formulas, their code, their meaning). Pure data and functions. */
import type { Hyperparameters } from '../engine/types';

/** A paper or reference document. */
export interface Reference {
  readonly title: string;
  readonly authors: string;
  readonly year: number;
  readonly url: string;
}

/** One line of an update rule: LaTeX (symbols marked `\sym{key}{…}`) and the same in plain text. */
export interface Equation {
  readonly tex: string;
  readonly text: string;
}

/** Mutable per-run state of a reference rule: vectors and scalars by name. */
export type ReferenceState = Record<string, Float64Array | number>;

/**
 * The update rule as code, written from the LaTeX beside it (not from the engine), so that a test
 * can step both on random inputs and catch any drift between what we show and what we compute.
 */
export interface ReferenceRule {
  init(dim: number, hyper: Hyperparameters): ReferenceState;
  /**
   * One update: `g` is the raw gradient ∇J(θ) at `theta` (not modified), `theta` is updated in place,
   * `hyper.lr` is the learning rate for this step (already scheduled), `t` counts updates from 1.
   */
  step(state: ReferenceState, g: Float64Array, theta: Float64Array, hyper: Hyperparameters, t: number): void;
}

export type FormulaKind = 'optimizer' | 'tweak' | 'schedule' | 'clip';

/** An entry of the formula registry. */
export interface Formula {
  /** Optimizer id (as in OPTIMIZERS), tweak id, schedule `type` or clip kind. */
  readonly id: string;
  readonly kind: FormulaKind;
  readonly title: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** The rule, one equation per line, exactly as the engine computes it. */
  readonly equations: readonly Equation[];
  /** Numeric conventions worth stating (where ε goes, how buffers start, equivalences). */
  readonly conventions: readonly string[];
  readonly whenToUse: string;
  readonly pitfalls: readonly string[];
  readonly paper?: Reference;
  /** Keys of the symbols that appear, in reading order (see symbols.ts). */
  readonly symbols: readonly string[];
  /** For optimizers: the rule as code. */
  readonly reference?: ReferenceRule;
  /** For optimizers: an alternative form shown beside the main one (classical momentum beside PyTorch's). */
  readonly alternative?: { readonly title: string; readonly equations: readonly Equation[]; readonly note: string };
}

/** One of the classic limitations of plain gradient descent, and what answers it. */
export interface Limitation {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** Registry keys (`kind:id`, e.g. `optimizer:adam`, `tweak:momentum`, `schedule:cosine`) of what answers it. */
  readonly answeredBy: readonly string[];
  readonly how: string;
}
