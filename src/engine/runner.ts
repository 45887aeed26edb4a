/**
 * The runner: steps every enabled run of an experiment on one objective, interleaved so that many
 * runs progress together, and reports columnar batches of points and how each run ended.
 *
 * A run's step k (0-based) evaluates the loss and gradient at the parameters after k updates and
 * records one point, then (unless the run ends there) makes update k + 1:
 *
 *     g_k   = ∇L(θ_k)                       (on the step's mini-batch, when the loss has data)
 *     point = (k, L(θ_k), θ_k, ‖g_k‖₂, η_k)  (η_k = the learning rate update k + 1 uses)
 *     θ_{k+1} = θ_k + optimizer(g_k)
 *
 * so a run has one point per step from step 0 (the start, before any update) to the last step
 * taken, and a completed run has `steps + 1` points.
 *
 * A run ends
 * - `converged` at step k when ‖g_k‖₂ < tolerance;
 * - `diverged` at step k when a parameter of θ_k or the loss is not finite, or the loss exceeds
 *   10¹² × max(|L(θ_0)|, 10⁻⁶); the point of step k is still recorded (parameters as they are, the
 *   loss NaN when parameters were not finite and it was not evaluated), and the message names the step and
 *   what went wrong;
 * - `error` when the objective throws (the message is the exception's) or returns a non-number;
 * - `completed` after step `steps`; `cancelled` by `cancel()`.
 *
 * A `runEnd` event's `steps` is the step of the run's last point (for `error`, the step before the
 * one whose evaluation threw; 0 when it threw at the start).
 *
 * Mini-batches: for a loss with data (`objective.dataSize > 0`) and a `batchSize` below its size,
 * every step draws `batchSize` distinct example indices (seeded by the experiment's `seed`;
 * every run draws the same sequence, so runs compare on equal footing). The gradient comes from
 * the batch; the point's loss is the FULL-data loss at θ_k (one extra evaluation per step) so that
 * loss curves are smooth and comparable between runs; the gradient norm is the batch gradient's.
 *
 * Gradient noise: with the experiment's `noise` σ > 0, every gradient gets σ·z added, z a vector of
 * standard normal deviates from a stream seeded by the experiment's `seed` (its own stream,
 * independent of the mini-batches'; every run draws the same sequence), so a deterministic loss
 * can be studied stochastically. The point's gradient norm is the noisy gradient's: what the
 * optimizer used.
 *
 * Curvature (`experiment.curvature`, DESIGN "Curvature"): every point also records the sharpness
 * λmax(∇²L(θ_k)) of the full loss, and runs whose optimizer's stability rule bounds the
 * preconditioned sharpness record λmax(P_k⁻¹H) too (curvature/track.ts says which P). The objective
 * must give exact Hessians (or Hessian-vector products); an experiment on more parameters than
 * MAX_CURVATURE_PARAMETERS is refused.
 *
 * Hot loop: no allocation per step. Parameters, gradients and updates live in preallocated
 * Float64Arrays; points go into preallocated columnar buffers (runState.ts) that are handed off
 * when full and at the end of every `advance` call, so consumers see every point of a slice as
 * soon as it returns: given away in `points` events (full buffers replaced, the rest as trimmed
 * copies), or lent to `RunnerOptions.onPoints` (no allocation at all).
 */
import { curvatureRefusal, missingCurvature, SharpnessMeter } from './curvature/sharpness';
import { RunState, short, showParams } from './runState';
import { applyUpdates, copyState } from './transforms';
import type { Experiment, Objective, PointBatch, RunnerEvent, RunStatus } from './types';

export { NOISE_STREAM, short } from './runState';

export interface RunnerOptions {
  /** Points per batch handed off (default 256). */
  batchSize?: number;
  /**
   * Where batches go as they are handed off, instead of into `points` events: lent, valid only
   * during the call (the runner refills the same buffers), so that a consumer that folds or copies
   * them (a score, a summary, a message) costs no allocation per batch.
   */
  onPoints?: (batch: PointBatch) => void;
}

/** The divergence threshold: loss > DIVERGENCE_FACTOR × max(|start loss|, DIVERGENCE_FLOOR). */
export const DIVERGENCE_FACTOR = 1e12;
export const DIVERGENCE_FLOOR = 1e-6;
/** Most consecutive steps one run takes before the next run's turn. */
const QUANTUM = 32;

type EndStatus = Exclude<RunStatus, 'running'>;

export class Runner {
  private readonly runs: RunState[] = [];
  private readonly active: RunState[] = [];
  private readonly dim: number;
  private readonly batches: PointBatch[] = [];
  private readonly onPoints: ((batch: PointBatch) => void) | undefined;
  private readonly ended: RunState[] = [];
  private cursor = 0;
  private done = false;

  /**
   * @param experiment a validated experiment (its runs' hyperparameters complete)
   * @param objective the loss and its gradient (`objective.dim` parameters)
   * @param init the start point, `objective.dim` numbers
   */
  constructor(private readonly experiment: Experiment, private readonly objective: Objective, init: readonly number[],
    options: RunnerOptions = {}) {
    this.dim = objective.dim;
    if (init.length !== objective.dim) {
      throw new Error(`the start point has ${init.length} numbers, but the loss has ${objective.dim} parameters`);
    }
    this.onPoints = options.onPoints;
    const capacity = Math.max(1, Math.floor(options.batchSize ?? 256));
    let meter: SharpnessMeter | null = null;
    if (experiment.curvature) {
      const refused = curvatureRefusal(objective.dim) ?? missingCurvature(objective);
      if (refused) throw new Error(`curvature: ${refused}`);
      meter = new SharpnessMeter(objective);
    }
    experiment.runs.forEach((spec, i) => {
      const run = new RunState(i, spec, experiment, objective, init, capacity, meter);
      this.runs.push(run);
      if (spec.enabled !== false) this.active.push(run);
    });
  }

  /** Whether every run ended and the final `done` event was returned. */
  get finished(): boolean {
    return this.done;
  }

  /** How run `run` stands (`running` until its `runEnd` event). Disabled runs stay `running` and are never stepped. */
  status(run: number): RunStatus {
    return this.runs[run].status;
  }

  /**
   * Steps the runs, interleaved round-robin (at most a few dozen steps of one run before the next
   * run's turn), until `maxSteps` steps were taken in total or every run ended. Returns the events
   * of this slice: one `points` event (every point recorded so far not yet handed off), then a
   * `runEnd` per run that ended, then `done` once when none is left.
   */
  advance(maxSteps: number): RunnerEvent[] {
    if (this.done) return [];
    let budget = Math.max(0, Math.floor(maxSteps));
    while (budget > 0 && this.active.length > 0) {
      if (this.cursor >= this.active.length) this.cursor = 0;
      const run = this.active[this.cursor];
      const quantum = Math.min(budget, QUANTUM, Math.max(1, Math.ceil(budget / this.active.length)));
      const taken = this.stepRun(run, quantum);
      budget -= taken;
      if (run.status !== 'running') {
        this.active.splice(this.cursor, 1);
        this.ended.push(run);
      } else {
        this.cursor++;
      }
    }
    return this.collect();
  }

  /** Ends every run still going as `cancelled`; the next `advance` returns their events. */
  cancel(): void {
    for (const run of this.active) {
      run.status = 'cancelled';
      run.message = `cancelled after step ${Math.max(0, run.lastStep)}`;
      this.ended.push(run);
    }
    this.active.length = 0;
  }

  /**
   * The current optimizer state of run `run` (copies): parameters θₜ, updates done t, the
   * transformation state, and `lastGrad`, the raw gradient update t used — ∇L(θₜ₋₁) on step
   * t − 1's mini-batch, before clipping — or null before the first update.
   */
  state(run: number): { params: Float64Array; count: number; transformState: unknown; lastGrad: Float64Array | null } {
    const r = this.runs[run];
    if (!r) throw new Error(`no run ${run}: the experiment has ${this.runs.length}`);
    return {
      params: r.params.slice(), count: r.count, transformState: copyState(r.transformState),
      lastGrad: r.count > 0 ? r.applied.slice() : null,
    };
  }

  private collect(): RunnerEvent[] {
    for (const run of this.runs) {
      this.handOff(run);
    }
    const events: RunnerEvent[] = [];
    if (this.batches.length) events.push({ type: 'points', batches: this.batches.splice(0) });
    for (const run of this.ended.splice(0)) {
      events.push({ type: 'runEnd', run: run.index, status: run.status as EndStatus, steps: Math.max(0, run.lastStep), ...(run.message !== undefined ? { message: run.message } : {}) });
    }
    if (this.active.length === 0) {
      this.done = true;
      events.push({ type: 'done' });
    }
    return events;
  }

  /** Hands off the points `run` recorded: to `onPoints` (lent), else to the next `points` event. */
  private handOff(run: RunState): void {
    const onPoints = this.onPoints;
    const batch = run.handOff(this.dim, onPoints !== undefined);
    if (!batch) return;
    if (onPoints) onPoints(batch); else this.batches.push(batch);
  }

  private end(run: RunState, status: EndStatus, message?: string): void {
    run.status = status;
    run.message = message;
  }

  /** Takes up to `n` steps of one run; returns how many points it recorded. The hot loop. */
  private stepRun(run: RunState, n: number): number {
    const { objective, dim } = this;
    const { params, updates, optimizer, transformState, sampler, noise, curvature } = run;
    let grad = run.grad;
    const transform = optimizer.transform;
    const steps = this.experiment.steps;
    const tolerance = this.experiment.tolerance;
    let taken = 0;
    while (taken < n) {
      const k = run.count;
      let finiteParams = true;
      for (let i = 0; i < dim; i++) if (!Number.isFinite(params[i])) { finiteParams = false; break; }
      let loss = NaN;
      let norm = NaN;
      if (finiteParams) {
        try {
          const batch = sampler ? sampler.draw() : null;
          const value = objective.valueAndGrad(params, grad, batch);
          loss = sampler ? objective.value(params, null) : value;
          if (typeof loss !== 'number' || typeof value !== 'number') {
            this.end(run, 'error', `the loss returned ${typeof (typeof value !== 'number' ? value : loss)}, not a number, at step ${k} (params ${showParams(params)})`);
            return taken;
          }
        } catch (e) {
          this.end(run, 'error', e instanceof Error ? e.message : String(e));
          return taken;
        }
        if (noise) for (let i = 0; i < dim; i++) grad[i] += noise.sigma * noise.random.normal();
        let sq = 0;
        for (let i = 0; i < dim; i++) sq += grad[i] * grad[i];
        norm = Math.sqrt(sq);
      }
      if (k === 0) run.startLoss = loss;

      // Record the point of step k.
      if (run.filled === run.capacity) {
        this.handOff(run);
      }
      const at = run.filled;
      run.loss[at] = loss;
      const points = run.points;
      for (let i = 0, o = at * dim; i < dim; i++) points[o + i] = params[i]; // a loop: .set() costs more for few parameters
      run.gradNorm[at] = norm;
      run.lr[at] = optimizer.learningRate(k);
      run.filled = at + 1;
      run.lastStep = k;
      taken++;
      if (curvature) {
        try {
          curvature.measure(at, params, finiteParams);
        } catch (e) {
          this.end(run, 'error', `the Hessian at step ${k}: ${e instanceof Error ? e.message : String(e)}`);
          return taken;
        }
      }

      // How the run stands after step k.
      if (!finiteParams) {
        let i = 0;
        while (Number.isFinite(params[i])) i++;
        this.end(run, 'diverged', `diverged at step ${k}: parameter ${i} became ${params[i]} (params ${showParams(params)})`);
        return taken;
      }
      if (!Number.isFinite(loss)) {
        this.end(run, 'diverged', `diverged at step ${k}: the loss became ${loss} (params ${showParams(params)})`);
        return taken;
      }
      const limit = DIVERGENCE_FACTOR * Math.max(Math.abs(run.startLoss), DIVERGENCE_FLOOR);
      if (loss > limit) {
        this.end(run, 'diverged', `diverged at step ${k}: the loss grew to ${short(loss)}, more than 10¹² × its start ${short(run.startLoss)} (params ${showParams(params)})`);
        return taken;
      }
      if (curvature && (norm < tolerance || k >= steps)) curvature.atEnd(at, transform, transformState, grad, params);
      if (norm < tolerance) {
        this.end(run, 'converged', `converged at step ${k}: the gradient norm ${short(norm)} is below the tolerance ${short(tolerance)}`);
        return taken;
      }
      if (k >= steps) {
        this.end(run, 'completed');
        return taken;
      }
      // Update k + 1, in place.
      for (let i = 0; i < dim; i++) updates[i] = grad[i];
      transform.update(updates, transformState, params);
      applyUpdates(params, updates);
      run.count = k + 1;
      curvature?.afterUpdate(at, transformState);
      // Keep the gradient this update used; the next evaluation writes into the other buffer.
      run.grad = run.applied;
      run.applied = grad;
      grad = run.grad;
    }
    return taken;
  }
}
