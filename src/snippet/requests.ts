/**
 * The host's requests about a loaded loss, answered inside the sandbox process: the loss surface
 * on a grid and a run's optimizer state at a step (a replay). Each is a job the scheduler runs in
 * slices within the loss's deadline (a generator: it yields between pieces of work).
 */
import { createClip } from '../engine/clip';
import { FULL_HESSIAN_MAX_DIM } from '../engine/curvature/sharpness';
import { createOptimizer } from '../engine/optimizers';
import { Runner } from '../engine/runner';
import type { Experiment, Objective } from '../engine/types';
import { DeadlineExceeded } from './guard';
import type { Job } from './stepping';
import type { InspectResult, SurfaceRequest } from './types';

/** What requests need of the loaded loss. */
export interface Loaded {
  readonly experiment: Experiment;
  readonly objective: Objective;
  readonly init: readonly number[];
}

/**
 * A job that runs a generator in slices; once it returned (or threw), `finish` — called by the
 * scheduler after the slice, never inside one — hands its result to `done` (or the reason to `failed`).
 */
export class GeneratorJob<T> implements Job {
  private outcome?: { readonly result: T } | { readonly error: string };

  constructor(private readonly steps: Generator<void, T>, private readonly done: (result: T) => void,
    private readonly failed: (error: string) => void) {}

  work(budgetMs: number): boolean {
    const t0 = performance.now();
    for (;;) {
      let next: IteratorResult<void, T>;
      try {
        next = this.steps.next();
      } catch (e) {
        if (e instanceof DeadlineExceeded) throw e;
        this.outcome = { error: e instanceof Error ? e.message : 'the request failed' };
        return true;
      }
      if (next.done) {
        this.outcome = { result: next.value };
        return true;
      }
      if (performance.now() - t0 >= budgetMs) return false;
    }
  }

  finish(): void {
    const outcome = this.outcome;
    if (!outcome) return;
    if ('result' in outcome) this.done(outcome.result); else this.failed(outcome.error);
  }
}

/** Loss on the grid xs × ys over coordinates `dims`, other params at `at`; row-major ys × xs. */
export function* surface(loaded: Loaded, request: SurfaceRequest): Generator<void, Float64Array> {
  const { objective } = loaded;
  const [i, j] = request.dims;
  const p = Float64Array.from(request.at);
  if (p.length !== objective.dim) throw new Error(`surface: \`at\` has ${p.length} numbers, the loss takes ${objective.dim}`);
  const out = new Float64Array(request.xs.length * request.ys.length);
  for (let r = 0; r < request.ys.length; r++) {
    p[j] = request.ys[r];
    for (let c = 0; c < request.xs.length; c++) {
      p[i] = request.xs[c];
      let v: number;
      try { v = objective.value(p, null); } catch { v = NaN; }
      out[r * request.xs.length + c] = v;
      yield;
    }
  }
  return out;
}

/** A replay of run `run` of `loaded` for `steps` updates (fewer when it ended earlier), in slices. */
function* replay(loaded: Loaded, run: number, steps: number): Generator<void, Runner> {
  const { experiment, objective, init } = loaded;
  const spec = experiment.runs[run];
  const runner = new Runner({ ...experiment, runs: [{ ...spec, enabled: true }] }, objective, init);
  let chunk = 16;
  for (let left = steps; left > 0 && !runner.finished;) {
    const n = Math.min(left, chunk);
    const t0 = performance.now();
    runner.advance(n);
    left -= n;
    const took = performance.now() - t0;
    if (took < 2) chunk = Math.min(chunk * 2, 1 << 16); else if (took > 8) chunk = Math.max(1, chunk >> 1);
    yield;
  }
  return runner;
}

/** Replays run `run` for `step` updates and reports its optimizer state. */
export function* inspect(loaded: Loaded, run: number, step: number): Generator<void, InspectResult> {
  const { experiment, objective } = loaded;
  const spec = experiment.runs[run];
  if (!spec) throw new Error(`inspect: there is no run ${run}`);
  const target = Math.max(0, Math.min(step, experiment.steps));
  // One update short first, to keep θₜ₋₁ on the way.
  const replayed = yield* replay(loaded, run, target - 1);
  const short = replayed.state(0);
  if (target > 0 && !replayed.finished) replayed.advance(1);
  const state = replayed.state(0);
  const grad = new Float64Array(objective.dim);
  try { objective.valueAndGrad(state.params, grad, null); } catch { grad.fill(NaN); }
  let used: Pick<InspectResult, 'gradUsed' | 'gradAtPrev' | 'prevParams'> = {};
  if (state.lastGrad && state.count > 0) {
    // θₜ₋₁ (when the run ended before step t, one more replay to its own last update).
    const before = short.count === state.count - 1 ? short.params : (yield* replay(loaded, run, state.count - 1)).state(0).params;
    // gₜ as update t used it: clipped by the run's own clip transformation (the first of its chain).
    const g = state.lastGrad;
    const raw = Array.from(g);
    if (spec.clip) { const c = createClip(spec.clip); c.update(g, c.init(g), before); }
    used = { gradUsed: Array.from(g), gradAtPrev: raw, prevParams: Array.from(before) };
  }
  return {
    step: state.count,
    params: Array.from(state.params),
    grad: Array.from(grad),
    lr: createOptimizer(spec, experiment.steps).learningRate(state.count),
    state: inspectable(state.transformState),
    ...used,
    ...(experiment.curvature ? hessianAt(objective, state.params) : {}),
  };
}

/** The Hessian at `params` for `inspect` (curvature on, up to FULL_HESSIAN_MAX_DIM parameters); nothing where it fails. */
function hessianAt(objective: Objective, params: Float64Array): Pick<InspectResult, 'hessian'> {
  const n = objective.dim;
  if (!objective.hessian || n > FULL_HESSIAN_MAX_DIM) return {};
  const h = new Float64Array(n * n);
  try { objective.hessian(params, h, null); } catch (e) { if (e instanceof DeadlineExceeded) throw e; return {}; }
  return { hessian: Array.from(h) };
}

type Field = number | boolean | readonly number[];

/** A chain's state (`[{ name, state }]`) as plain records by transformation name. */
function inspectable(raw: unknown): Record<string, Record<string, Field>> {
  const out: Record<string, Record<string, Field>> = {};
  const entries: { name: string; state: unknown }[] = Array.isArray(raw)
    ? (raw as { name: string; state: unknown }[])
    : raw && typeof raw === 'object' && 'name' in raw ? [raw as { name: string; state: unknown }] : [];
  for (const { name, state } of entries) {
    let key = String(name);
    for (let k = 2; key in out; k++) key = `${name}#${k}`;
    const fields: Record<string, Field> = {};
    if (state && typeof state === 'object') {
      for (const [f, v] of Object.entries(state)) {
        if (typeof v === 'number' || typeof v === 'boolean') fields[f] = v;
        else if (v instanceof Float64Array) fields[f] = Array.from(v);
        else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) fields[f] = v.slice();
      }
    }
    out[key] = fields;
  }
  return out;
}
