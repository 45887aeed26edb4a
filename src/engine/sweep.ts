/**
 * `sweep: { name: [v₁, v₂, …] }` in an experiment file: every run once per value, in order
 * (several names: every combination, the first name varying slowest); a swept value replaces the
 * run's own. Each value must suit every run's optimizer.
 */
import { OPTIMIZERS, type OptimizerSpec } from './hyperparameters';
import { checkHyperparameter } from './runs';
import type { ValidationIssue } from './types';
import { describeValue, didYouMean, isRecord } from './values';

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly unknown[];
}

/** One value of each axis. */
export type SweepPoint = readonly { readonly name: string; readonly index: number; readonly value: unknown }[];

/**
 * The sweep's axes, or undefined with issues pushed. `runs` are the runs' optimizers (undefined
 * for a run whose optimizer is invalid); `maxRuns` caps the runs after expansion.
 */
export function validateSweep(raw: unknown, runs: readonly (OptimizerSpec | undefined)[], maxRuns: number, issues: ValidationIssue[]): SweepAxis[] | undefined {
  if (!isRecord(raw)) {
    issues.push({ path: 'sweep', message: `must be an object such as {"lr": [0.001, 0.01, 0.1]}, got ${describeValue(raw)}` });
    return undefined;
  }
  const all = [...new Set(OPTIMIZERS.flatMap((o) => o.hyperparameters.map((h) => h.name)))];
  const keys = Object.keys(raw);
  if (keys.length === 0) { issues.push({ path: 'sweep', message: 'names no hyperparameter: {"lr": [0.001, 0.01, 0.1]}' }); return undefined; }
  const axes: SweepAxis[] = [];
  let valid = true;
  for (const key of keys) {
    const values = raw[key];
    if (!all.includes(key)) {
      issues.push({ path: `sweep.${key}`, message: `unknown hyperparameter${didYouMean(key, all)} (a sweep varies a hyperparameter such as lr, momentum, betas, weightDecay)` });
      valid = false;
    } else if (!Array.isArray(values) || values.length === 0) {
      issues.push({ path: `sweep.${key}`, message: `must be a non-empty array of values, got ${describeValue(values)}` });
      valid = false;
    } else {
      axes.push({ name: key, values });
    }
  }
  for (const axis of axes) {
    const seen = new Set<string>();
    runs.forEach((spec, index) => {
      if (!spec) return;
      const h = spec.hyperparameters.find((x) => x.name === axis.name);
      if (!h) {
        issues.push({ path: `sweep.${axis.name}`, message: `runs[${index}] (${spec.id}) has no hyperparameter "${axis.name}" (it takes ${spec.hyperparameters.map((x) => x.name).join(', ')})` });
        valid = false;
        return;
      }
      for (let k = 0; k < axis.values.length; k++) { // an index loop: holes of sparse arrays are refused, not skipped
        for (const issue of checkHyperparameter(h, axis.values[k], `sweep.${axis.name}[${k}]`).issues) {
          const key = issue.path + issue.message;
          if (!seen.has(key)) { seen.add(key); issues.push(issue); }
          valid = false;
        }
      }
    });
  }
  const count = axes.reduce((n, a) => n * a.values.length, Math.max(1, runs.length));
  if (count > maxRuns) {
    issues.push({ path: 'sweep', message: `would make ${count} runs; at most ${maxRuns}` });
    valid = false;
  }
  return valid ? axes : undefined;
}

/** Every combination of the sweep's values, the first axis varying slowest. */
export function combinations(axes: readonly SweepAxis[]): SweepPoint[] {
  let out: SweepPoint[] = [[]];
  for (const axis of axes) {
    const next: SweepPoint[] = [];
    for (const prefix of out) {
      for (let index = 0; index < axis.values.length; index++) next.push([...prefix, { name: axis.name, index, value: axis.values[index] }]);
    }
    out = next;
  }
  return out;
}
