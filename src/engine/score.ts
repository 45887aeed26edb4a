/**
 * Scores for tuning (DESIGN "Tuning"): what a tune minimises, computed from a run's points as the
 * Runner records them, and how one configuration is scored — alone, as an experiment of that one
 * run with its own Runner, so that its score is by construction what running it alone gives.
 *
 * | objective              | score of a run that ended `completed` or `converged` at step k          |
 * | ---------------------- | ------------------------------------------------------------------------ |
 * | `finalLoss`            | L(θ_k), the loss of its last point                                       |
 * | `meanLoss`             | (Σ_{j≤k} L(θ_j) + (steps − k)·L(θ_k)) / (steps + 1): the area under the loss curve over the whole run, a converged run held at its last loss |
 * | `{ stepsTo: target }`  | the first step j with L(θ_j) ≤ target, else +∞                            |
 *
 * A run that diverged or failed (`error`) scores +∞ whatever the objective.
 */
import { Runner } from './runner';
import type { Experiment, Objective, RunSpec, RunStatus, TuneObjective } from './types';

/** The score of one run, fed its points in order. */
export class RunScore {
  private sum = 0;
  private last = NaN;
  private reached = Infinity;

  constructor(readonly objective: TuneObjective, readonly steps: number) {}

  /** Losses of `count` consecutive points starting at step `fromStep`. */
  add(loss: Float64Array, count: number, fromStep: number): void {
    if (count === 0) return;
    const objective = this.objective;
    if (objective === 'meanLoss') {
      let sum = this.sum;
      for (let i = 0; i < count; i++) sum += loss[i];
      this.sum = sum;
    } else if (typeof objective === 'object' && this.reached === Infinity) {
      for (let i = 0; i < count; i++) {
        if (loss[i] <= objective.stepsTo) { this.reached = fromStep + i; break; }
      }
    }
    this.last = loss[count - 1];
  }

  /** The score of the run that ended with `status`, its last point at step `lastStep`; NaN when cancelled (no score). */
  end(status: Exclude<RunStatus, 'running'>, lastStep: number): number {
    if (status === 'cancelled') return NaN;
    if (status === 'diverged' || status === 'error') return Infinity;
    const objective = this.objective;
    if (objective === 'finalLoss') return this.last;
    if (objective === 'meanLoss') return (this.sum + (this.steps - lastStep) * this.last) / (this.steps + 1);
    return this.reached;
  }
}

/** The median (the mean of the two middle values for an even count); +∞ scores count as the largest. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One configuration to score: a run (no tune of its own), the seed it runs with, and the objective. */
export interface Configuration {
  readonly run: RunSpec;
  readonly seed: number;
  readonly objective: TuneObjective;
}

/** The experiment that runs configuration `c` alone: `experiment`'s loss and settings, `c`'s seed, `c`'s run. */
export function aloneExperiment(experiment: Experiment, c: Configuration): Experiment {
  const { tune: _tune, enabled: _enabled, ...run } = c.run;
  // Scores read the loss only: no Hessians per step (curvature changes no trajectory).
  const { curvature: _curvature, ...rest } = experiment;
  return { ...rest, seed: c.seed, runs: [run] };
}

/** How a scored configuration ended. */
export interface ConfigurationScore {
  readonly score: number;
  readonly status: Exclude<RunStatus, 'running'>;
  /** The step of its last point. */
  readonly steps: number;
}

/**
 * Steps one configuration alone, in slices (`advance`), and scores it. Points are read as the
 * Runner lends them (RunnerOptions.onPoints) and dropped: memory stays one point buffer whatever
 * the step count, and no buffer is allocated after the first.
 */
export class ConfigurationRun {
  private readonly runner: Runner;
  private readonly score: RunScore;
  private result: ConfigurationScore | undefined;

  constructor(experiment: Experiment, objective: Objective, init: readonly number[], c: Configuration) {
    const alone = aloneExperiment(experiment, c);
    const score = new RunScore(c.objective, alone.steps);
    this.score = score;
    this.runner = new Runner(alone, objective, init, {
      batchSize: Math.min(alone.steps + 1, 4096), onPoints: (b) => score.add(b.loss, b.count, b.fromStep),
    });
  }

  /** The score once the run ended, else undefined. */
  get scored(): ConfigurationScore | undefined {
    return this.result;
  }

  /** Takes up to `maxSteps` steps; returns the score when the run ended. */
  advance(maxSteps: number): ConfigurationScore | undefined {
    if (this.result) return this.result;
    for (const event of this.runner.advance(maxSteps)) {
      if (event.type === 'runEnd') {
        this.result = { score: this.score.end(event.status, event.steps), status: event.status, steps: event.steps };
      }
    }
    return this.result;
  }

  /** Ends the run as cancelled (it gets no score). */
  cancel(): void {
    this.runner.cancel();
  }
}

/**
 * Scores `configurations` one after another, each alone (ConfigurationRun), yielding about every
 * millisecond so that a caller can run it in time slices (the sandbox process's scheduler): the
 * steps between yields double while they take under half a millisecond and halve above two.
 * Returns the scores in the order given.
 */
export function* scoreConfigurations(experiment: Experiment, objective: Objective, init: readonly number[],
  configurations: readonly Configuration[]): Generator<void, ConfigurationScore[]> {
  const scores: ConfigurationScore[] = [];
  let chunk = 16;
  for (const c of configurations) {
    const run = new ConfigurationRun(experiment, objective, init, c);
    for (;;) {
      const t0 = performance.now();
      const scored = run.advance(chunk);
      const took = performance.now() - t0;
      if (took < 0.5) chunk = Math.min(chunk * 2, 1 << 16); else if (took > 2) chunk = Math.max(1, chunk >> 1);
      if (scored) { scores.push(scored); break; }
      yield;
    }
    yield;
  }
  return scores;
}
