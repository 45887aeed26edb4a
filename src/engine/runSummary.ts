/**
 * What a run's points come to when nobody keeps them: how many, the last one's loss and
 * parameters, the extremes of the loss, with curvature the last measured sharpness and the first
 * crossing, and on a quadratic the measured convergence rate. One fold, used where the points are
 * made (the sandbox process, when its host asks for summaries only) and where they arrive (the
 * CLI, when it keeps the points), so that both give the same numbers, bit for bit.
 */
import { crossings, measuredColumn, type Crossing } from './curvature/crossing';
import { convergenceRates, MEASURED_WINDOW, type ConvergenceRates, type QuadraticFacts } from './curvature/convergence';
import { MeasuredRateTail } from './curvature/quadratic';
import type { PointBatch, RunSpec } from './types';

/** A RunSummary as plain data (what a sandbox process sends its host). */
export interface RunSummaryData {
  readonly count: number;
  readonly finalLoss: number;
  readonly finalParams: Float64Array;
  readonly minLoss: number;
  readonly maxFiniteLoss: number;
  readonly lastFiniteLoss: number | null;
  readonly lastCurvature: number;
  readonly firstCrossing?: Crossing;
  readonly convergenceRate?: ConvergenceRates;
}

/** A run's summary with the run's index (what a sandbox process sends in place of the run's points). */
export type RunSummaryEntry = RunSummaryData & { readonly run: number };

export class RunSummary {
  /** Points noted: step 0 (the start) up to the last step taken. */
  count = 0;
  /** The last point's loss and parameters. */
  finalLoss = NaN;
  readonly finalParams: Float64Array;
  /** The least loss (NaN never), the greatest finite loss, the last finite loss (for the charts). */
  minLoss = Infinity;
  maxFiniteLoss = -Infinity;
  lastFiniteLoss: number | null = null;
  /** With curvature: the last finite value of what the run's stability rule bounds (NaN when none), and the first crossing. */
  lastCurvature = NaN;
  firstCrossing: Crossing | undefined;
  /** On a quadratic with a minimum: the losses the measured rate is fitted over (not every point). */
  private rateTail: MeasuredRateTail | undefined;
  /** The rate of a summary adopted from data (it has no tail of its own). */
  private adoptedRate: ConvergenceRates | undefined;

  /**
   * `curvature`: the experiment asks for each point's sharpness (`"curvature": true`); `quadratic`: the
   * loss's constant curvature when it is a quadratic and curvature is asked for (SessionInfo).
   */
  constructor(readonly spec: RunSpec, readonly dim: number, readonly curvature = false, readonly quadratic?: QuadraticFacts) {
    this.finalParams = new Float64Array(dim);
  }

  /** Updates taken (points − 1: step 0 is the start, before any update). */
  get steps(): number {
    return Math.max(0, this.count - 1);
  }

  /** On a quadratic, the run's rate per step in closed form and as its loss curve shows it. */
  get convergenceRate(): ConvergenceRates | undefined {
    if (!this.quadratic) return undefined;
    if (this.adoptedRate) return this.adoptedRate;
    const tail = this.rateTail;
    return convergenceRates(this.spec, this.quadratic, tail ? tail.losses() : [], tail ? tail.count : 0);
  }

  /** Takes note of a batch of the run's points (in order). */
  note(batch: PointBatch): void {
    if (this.count === 0 && this.quadratic && this.quadratic.minimum !== null) this.rateTail = new MeasuredRateTail(this.quadratic.minimum, MEASURED_WINDOW);
    const tail = this.rateTail, loss = batch.loss;
    let min = this.minLoss, max = this.maxFiniteLoss, last = this.lastFiniteLoss;
    for (let i = 0; i < batch.count; i++) {
      const v = loss[i] as number;
      tail?.push(v);
      if (v < min) min = v;
      if (Number.isFinite(v)) {
        if (v > max) max = v;
        last = v;
      }
    }
    this.minLoss = min;
    this.maxFiniteLoss = max;
    this.lastFiniteLoss = last;
    if (this.curvature) this.noteCurvature(batch);
    if (batch.count > 0) {
      this.finalLoss = loss[batch.count - 1] as number;
      const dim = this.dim, params = batch.params, final = this.finalParams;
      for (let i = 0, o = (batch.count - 1) * dim; i < dim; i++) final[i] = params[o + i] as number;
    }
    this.count += batch.count;
  }

  /** The summary as plain data (the final parameters copied). */
  data(): RunSummaryData {
    const rate = this.convergenceRate;
    return {
      count: this.count, finalLoss: this.finalLoss, finalParams: this.finalParams.slice(), minLoss: this.minLoss,
      maxFiniteLoss: this.maxFiniteLoss, lastFiniteLoss: this.lastFiniteLoss, lastCurvature: this.lastCurvature,
      ...(this.firstCrossing ? { firstCrossing: this.firstCrossing } : {}), ...(rate ? { convergenceRate: rate } : {}),
    };
  }

  /** Takes over `data`, the summary of this run made elsewhere (checked by the caller). */
  adopt(data: RunSummaryData): void {
    this.count = data.count;
    this.finalLoss = data.finalLoss;
    this.finalParams.set(data.finalParams.subarray(0, this.dim));
    this.minLoss = data.minLoss;
    this.maxFiniteLoss = data.maxFiniteLoss;
    this.lastFiniteLoss = data.lastFiniteLoss;
    this.lastCurvature = data.lastCurvature;
    this.firstCrossing = data.firstCrossing;
    this.adoptedRate = data.convergenceRate;
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
