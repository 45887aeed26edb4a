/**
 * What the CLI keeps of a run while the session streams it: how it ended and a few numbers about
 * its points (the last, the extremes), in memory proportional to the number of runs. The points
 * themselves go to a `PointStore` (src/points: memory up to a budget, then spill files) only when
 * an output needs every one of them (`--json`, `--out`); `--summary` keeps none, and receives none:
 * the sandbox process sends each run's summary instead (StartOptions.summaryOnly), folded there
 * by the same code (engine/runSummary.ts).
 */
import type { QuadraticFacts } from '../engine/curvature/convergence';
import { RunSummary, type RunSummaryEntry } from '../engine/runSummary';
import type { RunSpec, RunStatus, RunnerEvent } from '../engine/types';
import type { PointStore } from '../points/store';

/** A run as the CLI reports it: how it ended, and its summary (engine/runSummary.ts) — folded here from its points, or as the sandbox folded it. */
export class RunResult extends RunSummary {
  status: RunStatus = 'running';
  message: string | undefined;
  /** Milliseconds from the session's start to the run's end (for steps per second). */
  elapsedMs = 0;

  constructor(readonly index: number, spec: RunSpec, dim: number, curvature = false, quadratic?: QuadraticFacts) {
    super(spec, dim, curvature, quadratic);
  }
}

/** Collects a session's runner events into one RunResult per enabled run, and the points into `store`. */
export class ResultCollector {
  readonly runs: RunResult[];
  private readonly byIndex = new Map<number, RunResult>();
  private readonly started = Date.now();
  /** Points received so far over all runs (for the progress bar). */
  received = 0;

  /** `curvature`: the experiment asks for each point's sharpness; `quadratic`: the loss's constant curvature, when it is a quadratic. */
  constructor(specs: readonly RunSpec[], dim: number, readonly store?: PointStore, curvature = false, quadratic?: QuadraticFacts) {
    this.runs = specs.flatMap((spec, i) => (spec.enabled === false ? [] : [new RunResult(i, spec, dim, curvature, quadratic)]));
    for (const r of this.runs) this.byIndex.set(r.index, r);
  }

  /** Takes a run's summary in place of its points (StartOptions.summaryOnly). */
  handleSummary(summary: RunSummaryEntry): void {
    const run = this.byIndex.get(summary.run);
    if (!run || summary.count < run.count) return;
    this.received += summary.count - run.count;
    run.adopt(summary);
  }

  /** Handles one event; throws when the store cannot keep the points (a spill file that cannot be written). */
  handle(event: RunnerEvent): void {
    if (event.type === 'points') {
      for (const batch of event.batches) {
        const run = this.byIndex.get(batch.run);
        if (!run || batch.fromStep !== run.count) continue;
        this.store?.append(batch);
        run.note(batch);
        this.received += batch.count;
      }
    } else if (event.type === 'runEnd') {
      const run = this.byIndex.get(event.run);
      if (!run) return;
      run.status = event.status;
      run.message = event.message;
      run.elapsedMs = Date.now() - this.started;
    }
  }

  /** Runs the session left running (it was cancelled or stopped) end as `cancelled`. */
  finish(): void {
    for (const run of this.runs) {
      if (run.status === 'running') {
        run.status = 'cancelled';
        run.elapsedMs = Date.now() - this.started;
      }
    }
  }
}
