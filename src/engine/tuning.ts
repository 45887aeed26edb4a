/**
 * Tuning an experiment (DESIGN "Tuning"): for every enabled run with a `tune`, its grid (the first
 * tuned hyperparameter varying slowest), the configurations to score — every grid point and the run
 * as written, each once per seed (seed s runs with the experiment's seed + s) — and, once scored,
 * the result the CLI and the panel report: every score, the median over seeds of each grid point,
 * the best point (the arg-min, the first in row-major order on ties) and the run at its best.
 *
 * Who steps the configurations is not decided here: the CLI and the host hand them out to sandbox
 * processes in parallel; tests and benches may score them in this thread (`score.ts`).
 */
import { optimizerSpec, type OptimizerSpec } from './hyperparameters';
import { automaticLabel, distinctLabels } from './labels';
import { median, type Configuration } from './score';
import { gridValues, tunables, tunableSymbol, tunedNames, tuneGrid, tunedValue, withTuned, type Tunable } from './tune';
import type { Experiment, HyperparameterValue, RunSpec, TuneObjective } from './types';

/** One tuned hyperparameter of a plan and the values its grid takes. */
export interface TuneAxis {
  readonly tunable: Tunable;
  readonly values: readonly number[];
}

/** How one run is tuned. */
export interface TuningPlan {
  /** The run's index in `experiment.runs`. */
  readonly run: number;
  /** The run as written (its values are the "default" configuration the tuned one is compared with). */
  readonly spec: RunSpec;
  readonly optimizer: OptimizerSpec;
  readonly axes: readonly TuneAxis[];
  readonly objective: TuneObjective;
  readonly seeds: number;
  /** Grid points: the product of the axes' sizes. */
  readonly points: number;
}

/** The plan of every enabled run that has a tune, in the order of the runs. */
export function tuningPlans(experiment: Experiment): TuningPlan[] {
  return experiment.runs.flatMap((spec, run): TuningPlan[] => {
    const tune = spec.tune;
    const optimizer = optimizerSpec(spec.optimizer);
    if (!tune || spec.enabled === false || !optimizer) return [];
    const own = tunables(optimizer);
    const axes = tunedNames(tune).map((name): TuneAxis => ({ tunable: own.find((t) => t.name === name)!, values: gridValues(tuneGrid(tune, name)) }));
    const points = axes.reduce((n, a) => n * a.values.length, 1);
    return [{ run, spec, optimizer, axes, objective: tune.objective, seeds: tune.seeds, points }];
  });
}

/** The index of each axis at grid point `point` (row-major: the last axis varies fastest). */
export function pointIndices(plan: TuningPlan, point: number): number[] {
  return gridIndices(plan.axes.map((a) => a.values.length), point);
}

/** The index along each axis of a grid of `sizes` at its point `point` (row-major: the last axis varies fastest). */
export function gridIndices(sizes: readonly number[], point: number): number[] {
  const out = new Array<number>(sizes.length);
  for (let k = sizes.length - 1; k >= 0; k--) {
    out[k] = point % sizes[k];
    point = Math.floor(point / sizes[k]);
  }
  return out;
}

/** The tuned values at grid point `point`, by tune name (`{ lr: 0.01, beta1: 0.9 }`). */
export function pointValues(plan: TuningPlan, point: number): Record<string, number> {
  const at = pointIndices(plan, point);
  return Object.fromEntries(plan.axes.map((a, k) => [a.tunable.name, a.values[at[k]]]));
}

/** `η=0.01 β₁=0.9`: the tuned values as labels write them. */
export function tunedNotes(plan: TuningPlan, values: Readonly<Record<string, number>>): string {
  return plan.axes.map((a) => `${tunableSymbol(a.tunable).text}=${values[a.tunable.name]}`).join(' ');
}

/**
 * The run at grid point `point` (or as written for `point` −1), without its tune: the label is the
 * automatic one of its values, or its own label followed by the tuned values.
 */
export function configurationRun(plan: TuningPlan, point: number): RunSpec {
  const { tune: _tune, ...spec } = plan.spec;
  if (point < 0) return spec;
  const tuned = pointValues(plan, point);
  let hyperparameters: Record<string, HyperparameterValue> = { ...spec.hyperparameters };
  for (const a of plan.axes) hyperparameters = withTuned(hyperparameters, a.tunable, tuned[a.tunable.name]);
  const automatic = spec.label === automaticLabel(plan.optimizer, spec.hyperparameters);
  const label = automatic ? automaticLabel(plan.optimizer, hyperparameters) : `${spec.label} ${tunedNotes(plan, tuned)}`;
  return { ...spec, label, hyperparameters };
}

/** One configuration of a plan: grid point `point` (−1: the run as written) with seed index `seed`. */
export interface TuningJob extends Configuration {
  /** The plan's index in the list of plans. */
  readonly plan: number;
  readonly point: number;
  /** The seed's index (0 … seeds − 1); `seed` is the experiment's seed plus it. */
  readonly seedIndex: number;
}

/**
 * Every configuration of every plan: for each plan, the run as written then its grid points in
 * row-major order, each once per seed.
 */
export function tuningJobs(experiment: Experiment, plans: readonly TuningPlan[]): TuningJob[] {
  const jobs: TuningJob[] = [];
  plans.forEach((plan, p) => {
    for (let point = -1; point < plan.points; point++) {
      const run = configurationRun(plan, point);
      for (let s = 0; s < plan.seeds; s++) jobs.push({ plan: p, point, seedIndex: s, run, seed: experiment.seed + s, objective: plan.objective });
    }
  });
  return jobs;
}

/** A configuration's tuned values and its score (the median over seeds). */
export interface TunedPoint {
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly objective: number;
}

/**
 * A tuned run's name in the tuning charts and tables: its automatic label without the tuned
 * hyperparameters (`SGD μ=0.9` when η is tuned), or its own label.
 */
export function tuningLabel(plan: TuningPlan): string {
  const values = plan.spec.hyperparameters;
  if (plan.spec.label !== automaticLabel(plan.optimizer, values)) return plan.spec.label;
  const tuned = new Set(plan.axes.map((a) => a.tunable.hyperparameter.name));
  return automaticLabel(plan.optimizer, values, tuned);
}

/** What tuning one run found (the `tuning` entries of `--json`). */
export interface TuningResult {
  readonly run: number;
  /** `tuningLabel`: the run's name without its tuned values. */
  readonly label: string;
  /** Tune names of the tuned hyperparameters, in order. */
  readonly parameters: readonly string[];
  /** The values of each, in the same order. */
  readonly grid: readonly (readonly number[])[];
  readonly objective: TuneObjective;
  /** Per grid point (row-major), per seed: the score (+∞ for a diverged run). */
  readonly values: readonly (readonly number[])[];
  /** The grid point with the lowest median score, or null when none is finite. */
  readonly best: TunedPoint | null;
  /** The run as written, scored the same way. */
  readonly default: TunedPoint;
  /** The grid point index of `best` (row-major), −1 when none. */
  readonly bestPoint: number;
}

/** Scores of a plan as they arrive; `result()` once every one is in. */
export class PlanScores {
  /** [point + 1][seed]: index 0 is the run as written. */
  private readonly scores: Float64Array[];
  private missing: number;

  constructor(readonly plan: TuningPlan) {
    this.scores = Array.from({ length: plan.points + 1 }, () => new Float64Array(plan.seeds).fill(NaN));
    this.missing = (plan.points + 1) * plan.seeds;
  }

  get complete(): boolean {
    return this.missing === 0;
  }

  set(point: number, seedIndex: number, score: number): void {
    const row = this.scores[point + 1];
    if (Number.isNaN(row[seedIndex])) this.missing--;
    row[seedIndex] = score;
  }

  /** The median score of grid point `point` (−1: the run as written), NaN until every seed is in. */
  median(point: number): number {
    const row = this.scores[point + 1];
    return row.some(Number.isNaN) ? NaN : median(Array.from(row));
  }

  /** The grid point with the lowest median among those scored (first in row-major order on ties), −1 when none is finite. */
  bestPoint(): number {
    let best = -1, bestScore = Infinity;
    for (let p = 0; p < this.plan.points; p++) {
      const m = this.median(p);
      if (m < bestScore) { best = p; bestScore = m; }
    }
    return best;
  }

  result(): TuningResult {
    const plan = this.plan;
    const best = this.bestPoint();
    const values = this.scores.slice(1).map((row) => Array.from(row));
    const defaults = Object.fromEntries(plan.axes.map((a) => [a.tunable.name, tunedValue(plan.spec.hyperparameters, a.tunable)]));
    return {
      run: plan.run, label: tuningLabel(plan),
      parameters: plan.axes.map((a) => a.tunable.name),
      grid: plan.axes.map((a) => a.values),
      objective: plan.objective,
      values,
      best: best < 0 ? null : { hyperparameters: pointValues(plan, best), objective: this.median(best) },
      default: { hyperparameters: defaults, objective: this.median(-1) },
      bestPoint: best,
    };
  }
}

/**
 * The experiment's runs after tuning: each tuned run at its best grid point (as written when no
 * point scored finite), every other run unchanged; no run keeps its tune.
 */
export function tunedRuns(experiment: Experiment, results: readonly TuningResult[], plans: readonly TuningPlan[]): RunSpec[] {
  const runs = experiment.runs.map((spec, i) => {
    const k = plans.findIndex((p) => p.run === i);
    if (k < 0) {
      const { tune: _tune, ...plain } = spec;
      return plain;
    }
    return configurationRun(plans[k], results[k].bestPoint);
  });
  // Two runs tuned to the same values would share a label.
  const labels = runs.map((r) => r.label);
  distinctLabels(labels, runs.map((r) => ({ spec: optimizerSpec(r.optimizer)!, hyperparameters: r.hyperparameters, schedule: r.schedule })));
  return runs.map((r, i) => (labels[i] === r.label ? r : { ...r, label: labels[i] }));
}
