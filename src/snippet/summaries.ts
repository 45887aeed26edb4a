/**
 * The sandbox side of StartOptions.summaryOnly: the runner's lent batches are folded into one
 * RunSummary per run (the fold the CLI uses on points it receives), and a flush sends the
 * summaries of the runs that went on instead of their points.
 */
import { RunSummary, type RunSummaryEntry } from '../engine/runSummary';
import type { QuadraticFacts } from '../engine/curvature/convergence';
import type { Experiment, PointBatch } from '../engine/types';
import type { PointSink } from './stepping';

export class RunSummaries implements PointSink {
  private readonly summaries: (RunSummary | undefined)[];
  private readonly changed = new Set<number>();

  /** `quadratic`: the loss's constant curvature, when it is a quadratic and the experiment asks for curvature (SessionInfo). */
  constructor(experiment: Experiment, dim: number, quadratic: QuadraticFacts | undefined) {
    const curvature = experiment.curvature === true;
    this.summaries = experiment.runs.map((spec) => (spec.enabled === false ? undefined : new RunSummary(spec, dim, curvature, quadratic)));
  }

  append(batch: PointBatch): void {
    const summary = this.summaries[batch.run];
    if (!summary || batch.count === 0) return;
    summary.note(batch);
    this.changed.add(batch.run);
  }

  get empty(): boolean {
    return this.changed.size === 0;
  }

  get bytes(): number {
    return 0;
  }

  take(): { batches: PointBatch[]; summaries: RunSummaryEntry[] } {
    const summaries: RunSummaryEntry[] = [];
    for (const run of [...this.changed].sort((a, b) => a - b)) summaries.push({ run, ...(this.summaries[run] as RunSummary).data() });
    this.changed.clear();
    return { batches: [], summaries };
  }
}
