/** Running an experiment to its end in the curvature tests. */
import { Runner } from '../../../src/engine/runner';
import type { Experiment, Objective, PointBatch } from '../../../src/engine/types';

export interface RunEnd {
  readonly status: string;
  readonly message?: string;
  readonly steps: number;
  readonly batches: PointBatch[];
}

/** Steps run 0 of `experiment` on `objective` to its end: its status, message and point batches. */
export function runToEnd(experiment: Experiment, objective: Objective, init?: readonly number[]): RunEnd {
  const runner = new Runner(experiment, objective, init ?? experiment.init ?? [], { batchSize: 512 });
  const batches: PointBatch[] = [];
  let end: RunEnd | undefined;
  while (!runner.finished) {
    for (const e of runner.advance(1e5)) {
      if (e.type === 'points') batches.push(...e.batches.filter((b) => b.run === 0));
      if (e.type === 'runEnd' && e.run === 0) end = { status: e.status, message: e.message, steps: e.steps, batches };
    }
  }
  if (!end) throw new Error('run 0 did not end');
  return end;
}
