/**
 * Where a run's curvature crosses its stability threshold (DESIGN "Curvature"): the steps at which
 * the measure its optimizer's rule bounds (the sharpness, or the preconditioned sharpness) goes
 * above the threshold at that step's learning rate, and the warning said before the loss blows
 * up: "at step 12, η·λmax = 2.3 > 2: gradient descent cannot settle here". One definition for the
 * CLI's summary, the charts' crossing marks and the panel's run card.
 */
import { optimizerSpec } from '../hyperparameters';
import { short } from '../runner';
import type { RunSpec } from '../types';
import { runStability } from './ofRun';
import type { CurvatureMeasure, StabilityRule } from './stability';

/** A run's curvature columns, as points carry them (step `steps[i]`, or `fromStep + i`, at index i). */
export interface CurvatureColumns {
  readonly fromStep?: number;
  /** The step of each index, when the points are not contiguous (a thinned display). */
  readonly steps?: ArrayLike<number>;
  readonly count: number;
  readonly lr: ArrayLike<number>;
  readonly sharpness?: ArrayLike<number>;
  readonly preconditionedSharpness?: ArrayLike<number>;
}

/** One step at which the measured curvature went above the threshold. */
export interface Crossing {
  readonly step: number;
  readonly measure: CurvatureMeasure;
  /** The measured sharpness (or preconditioned sharpness) at that step. */
  readonly value: number;
  /** The threshold at that step's learning rate. */
  readonly threshold: number;
  /** "at step 12, η·λmax = 2.3 > 2: gradient descent cannot settle here". */
  readonly message: string;
}

/** Most crossings reported per run (a run that hovers at the edge of stability crosses often). */
export const MAX_CROSSINGS = 50;

/** The curvature column a run's rule bounds, and the rule (null when no bound is known). */
export function measuredColumn(run: Pick<RunSpec, 'optimizer' | 'hyperparameters'>, columns: CurvatureColumns):
  { rule: StabilityRule | null; values: ArrayLike<number> | undefined } {
  const s = runStability(run);
  if (!s.rule) return { rule: null, values: columns.sharpness };
  return { rule: s.rule, values: s.rule.measure === 'preconditionedSharpness' ? columns.preconditionedSharpness : columns.sharpness };
}

/** "η·λmax = 2.3 > 2" for a rule's condition at a measured value and learning rate. */
export function conditionBroken(rule: StabilityRule, eta: number, t: number, value: number): string {
  const { factor, shift, limit } = rule.terms(eta, t);
  const [lhs, rhs] = rule.condition.text.split(' < ');
  const bound = /^[\d.]+$/.test(rhs ?? '') ? rhs : `${rhs} = ${short(limit)}`;
  return `${lhs} = ${short(factor * (value + shift))} > ${bound}`;
}

/** The optimizer's name inside a sentence: "gradient descent", "momentum (classical form)", "Adam", "SGD". */
function optimizerSentenceName(id: string): string {
  const name = optimizerSpec(id)?.name ?? id;
  return name.includes(' ') ? name[0].toLowerCase() + name.slice(1) : name;
}

/**
 * The steps at which the run's bounded curvature goes above its threshold (step 0 when it starts
 * above), at most MAX_CROSSINGS; none when the optimizer has no known bound.
 */
export function crossings(run: Pick<RunSpec, 'optimizer' | 'hyperparameters'>, columns: CurvatureColumns): Crossing[] {
  const { rule, values } = measuredColumn(run, columns);
  if (!rule || !values) return [];
  const name = optimizerSentenceName(run.optimizer);
  const from = columns.fromStep ?? 0;
  const stepOf = (i: number): number => (columns.steps ? (columns.steps[i] as number) : from + i);
  const out: Crossing[] = [];
  let above = false;
  for (let i = 0; i < columns.count && out.length < MAX_CROSSINGS; i++) {
    const value = values[i] as number, eta = columns.lr[i] as number;
    if (!Number.isFinite(value) || !Number.isFinite(eta)) continue;
    const step = stepOf(i);
    const { factor, shift, limit } = rule.terms(eta, step + 1);
    const now = factor * (value + shift) > limit;
    if (now && !above) {
      const threshold = limit / factor - shift;
      out.push({ step, measure: rule.measure, value, threshold,
        message: `at step ${step}, ${conditionBroken(rule, eta, step + 1, value)}: ${name} cannot settle here` });
    }
    above = now;
  }
  return out;
}
