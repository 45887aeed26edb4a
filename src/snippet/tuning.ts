/**
 * Tuning an experiment in parallel (DESIGN "Tuning"): every configuration of every tuned run
 * (engine/tuning.ts) is scored in sandbox processes — the same isolation and limits as any run
 * (session.ts) — several at once, one per core when the grid is large enough to pay for starting a
 * process. Each process loads the loss once (a session of the experiment without runs) and is then
 * handed configurations in chunks as it finishes the previous ones, so a process whose
 * configurations diverge early takes more; each configuration runs alone there
 * (engine/score.ts), so its score is what running it alone gives.
 *
 * Scores are reported as they arrive (the panel's charts fill in live); `cancel()` ends every
 * process. A loss that fails to load or stops a process (a deadline, a memory limit) ends the
 * whole tuning with that LossError.
 */
import { availableParallelism } from 'node:os';
import type { ConfigurationScore } from '../engine/score';
import { PlanScores, tuningJobs, tuningPlans, type TuningJob, type TuningPlan, type TuningResult } from '../engine/tuning';
import type { Experiment } from '../engine/types';
import { startExperiment } from './session';
import { mark } from './startupTrace';
import type { ExperimentSession, LossError, SessionInfo, StartOptions } from './types';

export interface TuningOptions extends StartOptions {
  /** Most sandbox processes at once (default: the machine's cores). */
  readonly workers?: number;
  /** Steps of work (configurations × steps) each process beyond the first must have (default STEPS_PER_PROCESS). */
  readonly minProcessSteps?: number;
}

/** One configuration scored: which (job) and how it ended. */
export interface ScoredJob {
  readonly job: TuningJob;
  readonly index: number;
  readonly score: ConfigurationScore;
}

export interface TuningSession {
  /** The tuned runs' plans, in run order (empty when no run is tuned). */
  readonly plans: readonly TuningPlan[];
  /** Every configuration to score, in plan order. */
  readonly jobs: readonly TuningJob[];
  /** How many sandbox processes score them. */
  readonly workers: number;
  /** The loss's info (dimension, start point, domain), from the first process that loaded it. */
  readonly info: Promise<SessionInfo>;
  /** Each plan's result once every configuration is scored; rejects with the LossError that stopped it, or when cancelled. */
  readonly results: Promise<TuningResult[]>;
  /** Called for each scored chunk of configurations, as they arrive; `boards` hold every score so far. */
  onScores(listener: (scored: readonly ScoredJob[], boards: readonly PlanScores[]) => void): void;
  /** Ends every process; `results` rejects with "cancelled". */
  cancel(): void;
}

/**
 * Steps of work (configurations × steps) per process: below it a second process (about 0.2 s of
 * CPU to start, on the other core) costs more than it saves; the 12 × 32 × 1,000 sweep gets two.
 */
const STEPS_PER_PROCESS = 200_000;
/** Steps a chunk of configurations aims at: a few milliseconds of a cheap loss. */
const STEPS_PER_CHUNK = 50_000;
const MAX_CHUNK = 64;

/** How many processes to use for `work` steps: one per `perProcess` steps, at most `most`. */
export function processesFor(work: number, most: number, perProcess = STEPS_PER_PROCESS): number {
  return Math.max(1, Math.min(most, perProcess > 0 ? Math.ceil(work / perProcess) : most));
}

/** The LossError of a failed session (any thrown value made one). */
function asLossError(e: unknown): LossError {
  if (typeof e === 'object' && e !== null && 'kind' in e && 'message' in e) return e as LossError;
  return { kind: 'runtime', message: e instanceof Error ? e.message : String(e) };
}

/** Starts tuning `experiment`; see TuningSession. */
export function startTuning(experiment: Experiment, options: TuningOptions = {}): TuningSession {
  const plans = tuningPlans(experiment);
  const jobs = tuningJobs(experiment, plans);
  const boards = plans.map((p) => new PlanScores(p));
  const listeners: ((scored: readonly ScoredJob[], boards: readonly PlanScores[]) => void)[] = [];
  const steps = experiment.steps + 1;
  const workers = jobs.length === 0 ? 0 : processesFor(jobs.length * steps, options.workers ?? availableParallelism(), options.minProcessSteps);
  // The loss alone: each process loads it once, then scores the configurations it is handed.
  const loss: Experiment = { ...experiment, runs: [] };
  const sessions: ExperimentSession[] = Array.from({ length: workers }, () => startExperiment(loss, options));
  let next = 0;
  let stopped = false;

  let resolveResults!: (r: TuningResult[]) => void, rejectResults!: (e: LossError) => void;
  const results = new Promise<TuningResult[]>((resolve, reject) => { resolveResults = resolve; rejectResults = reject; });
  results.catch(() => undefined);
  const info = sessions.length > 0 ? Promise.any(sessions.map((s) => s.info)).catch((e: AggregateError) => { throw e.errors[0]; })
    : Promise.reject<SessionInfo>({ kind: 'runtime', message: 'no run is tuned' } satisfies LossError);
  info.catch(() => undefined);

  const stop = (): void => {
    stopped = true;
    for (const s of sessions) s.cancel();
  };
  const fail = (e: unknown): void => {
    if (stopped) return;
    stop();
    rejectResults(asLossError(e));
  };

  /** The next chunk: small at first (the first scores come at once), then about STEPS_PER_CHUNK steps, never more than a fair share of what is left. */
  const take = (first: boolean): number[] => {
    const left = jobs.length - next;
    const size = first ? 1 : Math.max(1, Math.min(MAX_CHUNK, Math.floor(STEPS_PER_CHUNK / steps), Math.ceil(left / (2 * workers))));
    const chunk = Array.from({ length: Math.min(size, left) }, (_, k) => next + k);
    next += chunk.length;
    return chunk;
  };

  const feed = async (session: ExperimentSession): Promise<void> => {
    await session.info;
    for (let first = true; next < jobs.length && !stopped; first = false) {
      const chunk = take(first);
      const scores = await session.score(chunk.map((i) => jobs[i]));
      if (stopped) return;
      const scored = chunk.map((index, k): ScoredJob => ({ job: jobs[index], index, score: scores[k] }));
      for (const s of scored) boards[s.job.plan].set(s.job.point, s.job.seedIndex, s.score.score);
      mark('scores');
      for (const l of listeners) l(scored, boards);
    }
  };

  if (jobs.length === 0) resolveResults([]);
  else {
    Promise.all(sessions.map((s) => feed(s))).then(() => {
      if (stopped) return;
      stopped = true;
      for (const s of sessions) s.cancel();
      resolveResults(boards.map((b) => b.result()));
    }, fail);
  }

  return {
    plans, jobs, workers, info, results,
    onScores(listener) { listeners.push(listener); },
    cancel() {
      if (stopped) return;
      stop();
      rejectResults({ kind: 'runtime', message: 'the tuning was cancelled' });
    },
  };
}
