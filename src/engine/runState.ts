/**
 * One run's state inside the Runner (runner.ts): its parameters, gradient and update buffers, its
 * optimizer's state, its mini-batch and noise streams, how it stands, and the columnar buffer its
 * points are recorded into until they are handed off.
 */
import { runStability } from './curvature/ofRun';
import type { SharpnessMeter } from './curvature/sharpness';
import { CurvatureTrack } from './curvature/track';
import { BatchSampler, Random, streamSeed } from './random';
import { createOptimizer, type Optimizer } from './optimizers';
import type { Experiment, Objective, PointBatch, RunStatus, RunSpec } from './types';

/** The stream of the experiment's seed that draws gradient noise (mini-batches draw from the seed itself). */
export const NOISE_STREAM = 1;

/** A number in a message: short, exact enough to recognise. */
export function short(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  const a = Math.abs(x);
  return a >= 1e6 || a < 1e-4 ? x.toExponential(2).replace(/\.?0+e/, 'e') : String(Number(x.toPrecision(4)));
}
export function showParams(p: Float64Array): string {
  const shown = Array.from(p.subarray(0, 6), short).join(', ');
  return `[${shown}${p.length > 6 ? `, … (${p.length} parameters)` : ''}]`;
}

export class RunState {
  readonly params: Float64Array;
  /** Where the next evaluation writes the gradient. */
  grad: Float64Array;
  /**
   * The gradient the last update used (raw: before clipping), on that step's mini-batch: after
   * each update the two buffers swap, so keeping it costs no copy in the hot loop.
   */
  applied: Float64Array;
  readonly updates: Float64Array;
  readonly optimizer: Optimizer;
  readonly transformState: Parameters<Optimizer['transform']['update']>[1];
  readonly sampler: BatchSampler | null;
  /** Gradient noise: its standard deviation and its stream, or null without noise. */
  readonly noise: { readonly sigma: number; readonly random: Random } | null;
  /** Updates done so far (= the step being evaluated next). */
  count = 0;
  status: RunStatus = 'running';
  message: string | undefined;
  startLoss = NaN;
  /** Step of the last recorded point, −1 before the first. */
  lastStep = -1;
  // The point buffer being filled.
  fromStep = 0;
  filled = 0;
  loss!: Float64Array;
  points!: Float64Array;
  gradNorm!: Float64Array;
  lr!: Float64Array;
  /** Sharpness per point, when the experiment asks for curvature. */
  readonly curvature: CurvatureTrack | null;

  constructor(readonly index: number, readonly spec: RunSpec, experiment: Experiment, objective: Objective,
    init: readonly number[], readonly capacity: number, meter: SharpnessMeter | null) {
    const dim = objective.dim;
    this.params = Float64Array.from(init);
    this.grad = new Float64Array(dim);
    this.applied = new Float64Array(dim);
    this.updates = new Float64Array(dim);
    this.optimizer = createOptimizer(spec, experiment.steps);
    this.transformState = this.optimizer.transform.init(this.params);
    const b = experiment.batchSize;
    const seed = spec.seed ?? experiment.seed;
    this.sampler = objective.dataSize > 0 && b !== undefined && b < objective.dataSize
      ? new BatchSampler(objective.dataSize, b, seed) : null;
    const sigma = experiment.noise ?? 0;
    this.noise = sigma > 0 ? { sigma, random: new Random(streamSeed(seed, NOISE_STREAM)) } : null;
    this.curvature = meter ? new CurvatureTrack(meter, runStability(spec), capacity) : null;
    this.allocate(dim);
  }

  allocate(dim: number): void {
    this.loss = new Float64Array(this.capacity);
    this.points = new Float64Array(this.capacity * dim);
    this.gradNorm = new Float64Array(this.capacity);
    this.lr = new Float64Array(this.capacity);
    this.filled = 0;
  }

  /**
   * The filled part of the buffer as a batch. Given away (`lent` false): the buffers themselves
   * when full (fresh ones replace them), trimmed copies otherwise. Lent: the buffers themselves,
   * longer than `count` when not full, refilled from the next point on.
   */
  handOff(dim: number, lent: boolean): PointBatch | undefined {
    const count = this.filled;
    if (count === 0) return undefined;
    const whole = lent || count === this.capacity;
    const batch: PointBatch = {
      run: this.index, fromStep: this.fromStep, count,
      loss: whole ? this.loss : this.loss.slice(0, count),
      params: whole ? this.points : this.points.slice(0, count * dim),
      gradNorm: whole ? this.gradNorm : this.gradNorm.slice(0, count),
      lr: whole ? this.lr : this.lr.slice(0, count),
      ...(this.curvature ? this.curvature.columns(count, lent) : {}),
    };
    if (whole && !lent) {
      this.allocate(dim);
      this.curvature?.allocate();
    }
    else this.filled = 0;
    this.fromStep += count;
    return batch;
  }
}
