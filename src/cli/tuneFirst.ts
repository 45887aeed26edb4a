/**
 * The CLI's tuning step (DESIGN "Tuning"): before an experiment with a `tune` runs, every
 * configuration of every tuned run is scored in parallel sandbox processes (src/snippet/tuning.ts),
 * with a progress bar on a terminal; then the experiment runs with each tuned run at its best.
 * Ctrl-C ends every process.
 */
import { tunedRuns, tuningPlans, type TuningPlan, type TuningResult } from '../engine/tuning';
import type { Experiment } from '../engine/types';
import type { LossError, StartOptions } from '../snippet/types';
import { ProgressBar } from './progress';

export interface TunedExperiment {
  /** The experiment as it runs: each tuned run at its best configuration, no run with a tune. */
  readonly experiment: Experiment;
  readonly plans: readonly TuningPlan[];
  readonly results: readonly TuningResult[];
}

/** The tuning was stopped by the loss (it failed to load, a deadline, a memory limit). */
export class TuningFailed extends Error {
  constructor(readonly error: LossError) {
    super(error.message);
  }
}

/**
 * Tunes `experiment`'s tuned runs; undefined when none has a tune. Rejects with TuningFailed when
 * the loss stops it; `onInterrupt` is called on Ctrl-C after every process ended.
 */
export async function tuneFirst(experiment: Experiment, options: StartOptions, onInterrupt: () => never): Promise<TunedExperiment | undefined> {
  if (tuningPlans(experiment).length === 0) return undefined;
  // Loaded only now, as run.ts loads the session: it brings the TypeScript compiler.
  const [{ startTuning }, { prewarmWorker }] = await Promise.all([import('../snippet/tuning.js'), import('../snippet/session.js')]);
  // A spare sandbox process: the first tuning session takes it, and the next one is ready for the
  // tuned runs' session. (run.ts started the compiler, unless the loss's compile is cached.)
  void prewarmWorker(undefined, { compiler: false });
  const tuning = startTuning(experiment, options);
  const steps = experiment.steps + 1;
  const progress = new ProgressBar(tuning.jobs.length * steps);
  let done = 0;
  tuning.onScores((scored) => {
    done += scored.length * steps;
    progress.update(done);
  });
  const stop = (): void => {
    progress.clear();
    tuning.cancel();
    onInterrupt();
  };
  process.once('SIGINT', stop);
  try {
    const results = await tuning.results.catch((e: LossError) => { throw new TuningFailed(e); });
    return { experiment: { ...experiment, runs: tunedRuns(experiment, results, tuning.plans) }, plans: tuning.plans, results };
  } finally {
    progress.clear();
    process.removeListener('SIGINT', stop);
  }
}
