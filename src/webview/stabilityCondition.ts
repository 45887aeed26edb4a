/**
 * The formula view's stability condition (issue 14): the selected run's curvature bound as its
 * optimizer declares it (src/engine/curvature/stability.ts), with live values at the step shown —
 * η, the sharpness (or preconditioned sharpness) it bounds, the threshold and the margin — from
 * the points the panel holds. Plain text (Unicode symbols), so it reads the same to a screen reader.
 */
import { conditionBroken } from '../engine/curvature/crossing';
import { runStability } from '../engine/curvature/ofRun';
import { stabilityThreshold } from '../engine/curvature/stability';
import { optimizerSpec } from '../engine/hyperparameters';
import type { RunSpec } from '../engine/types';
import { formatNumber } from './fieldValidation';

/** A run's point at a step: its learning rate and the curvature its rule bounds (NaN when unknown). */
export interface CurvatureSample {
  readonly step: number;
  readonly lr: number;
  readonly value: number;
}

/** The condition's lines: what it says, and how the run stands at the step (when a sample is known). */
export function stabilityLines(spec: Pick<RunSpec, 'optimizer' | 'hyperparameters'>, sample: CurvatureSample | undefined): string[] {
  let s;
  try {
    s = runStability(spec);
  } catch {
    return [];
  }
  if (!s.rule) return [`Stability: no curvature bound is known for this optimizer (${s.reason}).`];
  const rule = s.rule;
  const head = `Stability on a quadratic: ${rule.condition.text}`;
  if (!sample || !Number.isFinite(sample.value) || !Number.isFinite(sample.lr)) return [head];
  const t = sample.step + 1;
  const threshold = stabilityThreshold(rule, sample.lr, t);
  const measure = rule.measure === 'preconditionedSharpness' ? 'λmax(P⁻¹H)' : 'λmax';
  const margin = threshold - sample.value;
  const name = optimizerSpec(spec.optimizer)?.name ?? spec.optimizer;
  const { factor, shift, limit } = rule.terms(sample.lr, t);
  const stands = factor * (sample.value + shift) > limit
    ? `${conditionBroken(rule, sample.lr, t, sample.value)}: ${name.includes(' ') ? name[0]!.toLowerCase() + name.slice(1) : name} cannot settle here.`
    : `within the bound, by ${formatNumber(margin)}.`;
  return [head, `At step ${sample.step}: η = ${formatNumber(sample.lr)}, ${measure} = ${formatNumber(sample.value)}, threshold ${formatNumber(threshold)} — ${stands}`];
}
