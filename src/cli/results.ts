/**
 * What the CLI keeps of a run while the session streams it: how it ended and a few numbers about
 * its points (the last, the extremes), in memory proportional to the number of runs. The points
 * themselves go to a `PointStore` (src/points: memory up to a budget, then spill files) only when
 * an output needs every one of them (`--json`, `--out`); `--summary` keeps none.
 */
import { crossings, measuredColumn, type Crossing } from '../engine/curvature/crossing';
import { convergenceRates, MEASURED_WINDOW, type ConvergenceRates, type QuadraticFacts } from '../engine/curvature/convergence';
import { MeasuredRateTail } from '../engine/curvature/quadratic';
import type { PointBatch, RunSpec, RunStatus, RunnerEvent } from '../engine/types';
import type { PointStore } from '../points/store';

export class RunResult {
  status: RunStatus = 'running';
  message: string | undefined;
  /** Points received: step 0 (the start) up to the last step taken. */
  count = 0;
  /** The last point's loss and parameters. */
  finalLoss = NaN;
  readonly finalParams: Float64Array;
  /** The least loss (NaN never), the greatest finite loss, the last finite loss (for the charts). */
  minLoss = Infinity;
  maxFiniteLoss = -Infinity;
  lastFiniteLoss: number | null = null;
  /** Milliseconds from the session's start to the run's end (for steps per second). */
  elapsedMs = 0;
  /** With curvature: the last finite value of what the run's stability rule bounds (NaN when none), and the first crossing. */
  lastCurvature = NaN;
  firstCrossing: Crossing | undefined;
  /** On a quadratic with a minimum: the losses the measured rate is fitted over (not every point). */
  private rateTail: MeasuredRateTail | undefined;

  /**
   * `curvature`: the experiment asks for each point's sharpness (`"curvature": true`); `quadratic`: the
   * loss's constant curvature when it is a quadratic and curvature is asked for (SessionInfo).
   */
  constructor(readonly index: number, readonly spec: RunSpec, readonly dim: number,
    readonly curvature = false, readonly quadratic?: QuadraticFacts) {
    this.finalParams = new Float64Array(dim);
  }

  /** Updates taken (points − 1: step 0 is the start, before any update). */
  get steps(): number {
    return Math.max(0, this.count - 1);
  }

  /** On a quadratic, the run's rate per step in closed form and as its loss curve shows it. */
  get convergenceRate(): ConvergenceRates | undefined {
    if (!this.quadratic) return undefined;
    const tail = this.rateTail;
    return convergenceRates(this.spec, this.quadratic, tail ? tail.losses() : [], tail ? tail.count : 0);
  }

  /** Takes note of a batch of the run's points (in order). */
  note(batch: PointBatch): void {
    if (this.count === 0 && this.quadratic && this.quadratic.minimum !== null) this.rateTail = new MeasuredRateTail(this.quadratic.minimum, MEASURED_WINDOW);
    for (let i = 0; i < batch.count; i++) {
      const v = batch.loss[i] as number;
      this.rateTail?.push(v);
      if (v < this.minLoss) this.minLoss = v;
      if (Number.isFinite(v)) {
        if (v > this.maxFiniteLoss) this.maxFiniteLoss = v;
        this.lastFiniteLoss = v;
      }
    }
    if (this.curvature) this.noteCurvature(batch);
    if (batch.count > 0) {
      this.finalLoss = batch.loss[batch.count - 1] as number;
      this.finalParams.set(batch.params.subarray((batch.count - 1) * this.dim, batch.count * this.dim));
    }
    this.count += batch.count;
  }

  /**
   * The batch's curvature: its last finite measured value, and the run's first crossing (the first
   * point above the threshold: no point before it was, so a batch on its own finds it).
   */
  private noteCurvature(batch: PointBatch): void {
    const columns = {
      fromStep: batch.fromStep, count: batch.count, lr: batch.lr,
      ...(batch.sharpness ? { sharpness: batch.sharpness } : {}), ...(batch.preconditionedSharpness ? { preconditionedSharpness: batch.preconditionedSharpness } : {}),
    };
    const { values } = measuredColumn(this.spec, columns);
    for (let i = batch.count - 1; i >= 0 && values; i--) {
      if (Number.isFinite(values[i])) { this.lastCurvature = values[i] as number; break; }
    }
    this.firstCrossing ??= crossings(this.spec, columns)[0];
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
