/**
 * An optimizer of a run: its gradient clipping (if any), then the chain its declaration builds
 * (`OPTIMIZERS` in hyperparameters.ts, where each optimizer's chain is listed), with the scheduled
 * learning rate `scaleByLearningRate(schedule)`, so that a schedule multiplies the `lr`
 * hyperparameter and a step uses exactly what PyTorch uses when `group['lr']` is set to it before
 * `optimizer.step()`.
 */
import { createClip } from './clip';
import { brokenRule, hyperparameterReader, optimizerSpec } from './hyperparameters';
import { createSchedule } from './schedules';
import { chain, scaleByLearningRate } from './transforms';
import type { ChainState } from './transforms';
import type { GradientTransformation, RunSpec, Schedule } from './types';

export interface Optimizer {
  /** The whole chain; its state is an array of `{ name, state }`, one per transformation. */
  readonly transform: GradientTransformation<ChainState>;
  /** The learning rate used by update number `count` (0-based), from the schedule. */
  learningRate(count: number): number;
}

/**
 * The optimizer of a run: its chain (clipping first, then the algorithm with the scheduled
 * learning rate) and its schedule. `run.hyperparameters` may omit values (defaults are filled from
 * the registry); `totalSteps` is the experiment's step count, for schedule fields that default to it.
 */
export function createOptimizer(run: RunSpec, totalSteps: number): Optimizer {
  const spec = optimizerSpec(run.optimizer);
  if (!spec) throw new Error(`unknown optimizer "${run.optimizer}"`);
  const broken = brokenRule(spec, run.hyperparameters);
  if (broken) throw new Error(`${spec.id}: ${broken.message}`);
  const h = hyperparameterReader(spec, run.hyperparameters);
  const schedule: Schedule = createSchedule(run.schedule, h.num('lr'), totalSteps);
  const clip = run.clip ? [createClip(run.clip)] : [];
  return { transform: chain(...clip, ...spec.build(h, scaleByLearningRate(schedule))), learningRate: schedule };
}
