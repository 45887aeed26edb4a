/**
 * The snippet worker: loads the loss (a preset, or a compiled snippet in its sandbox), runs the
 * engine's Runner next to it — one message per step would be far too slow — and streams point
 * batches to the host a few dozen times a second. Stepping happens in slices of ~15 ms, after
 * which the worker yields to its message loop so `surface` and `inspect` requests get through.
 *
 * Around every evaluation of user code it writes into the watchdog's shared memory (see
 * protocol.ts), so the host can stop a loss that never returns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClip } from '../engine/clip';
import { createOptimizer } from '../engine/optimizers';
import { getProblem } from '../engine/problems';
import { Runner } from '../engine/runner';
import type { Experiment, Objective, PointBatch, RunnerEvent, Vec } from '../engine/types';
import { serveCompiler } from './compilerWorker';
import type { FromWorker, ToWorker } from './protocol';
import { WATCH_BUSY, WATCH_COUNTER, WATCH_DIM, WATCH_MAX_PARAMS, WATCH_PARAMS_BYTE_OFFSET } from './protocol';
import { createSandboxContext, Sandbox, SnippetError, type EvaluationHooks } from './sandbox';
import type { GradientInfo, InspectResult, LossError, SessionInfo, SurfaceRequest } from './types';

const SLICE_MS = 20;

interface Loaded {
  readonly experiment: Experiment;
  readonly objective: Objective;
  readonly init: readonly number[];
}

let loaded: Loaded | undefined;
let runner: Runner | undefined;
let pending: RunnerEvent[] = [];
let lastFlush = -Infinity;
let batchIntervalMs = 33;
let stepsPerAdvance = 16;

/**
 * The same script serves as the long-lived compiler worker (compiler.ts): a worker started with
 * `workerData.role === 'compiler'` compiles snippets and never runs one.
 */
const isCompiler = (workerData as { role?: string } | null)?.role === 'compiler';

/** Made while the worker waits (a warm spare), so that a snippet's first point comes sooner. */
let nextContext: ReturnType<typeof createSandboxContext> | undefined = isCompiler ? undefined : createSandboxContext();

const port = parentPort;
if (port && isCompiler) {
  serveCompiler(port);
} else if (port) {
  port.on('message', (message: ToWorker) => {
    try {
      handle(message);
    } catch (e) {
      post({ type: 'fatal', error: { kind: 'runtime', message: `the worker failed: ${(e as Error).message}` } });
    }
  });
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'start': start(message); break;
    case 'surface': {
      try {
        const surface = computeSurface(message.request);
        post({ type: 'reply', id: message.id, surface }, [surface.buffer as ArrayBuffer]);
      } catch (e) { post({ type: 'reply', id: message.id, error: (e as Error).message }); }
      break;
    }
    case 'inspect': {
      try {
        post({ type: 'reply', id: message.id, inspect: inspect(message.run, message.step) });
      } catch (e) { post({ type: 'reply', id: message.id, error: (e as Error).message }); }
      break;
    }
  }
}

function watchHooks(watch: SharedArrayBuffer): EvaluationHooks {
  const ints = new Int32Array(watch, 0, 4);
  const params = new Float64Array(watch, WATCH_PARAMS_BYTE_OFFSET, WATCH_MAX_PARAMS);
  return {
    before(p: Vec | null): void {
      if (p !== null) {
        const n = Math.min(p.length, WATCH_MAX_PARAMS);
        for (let k = 0; k < n; k++) params[k] = p[k];
        ints[WATCH_DIM] = n;
      }
      ints[WATCH_COUNTER]++;
      ints[WATCH_BUSY] = 1;
    },
    after(): void { ints[WATCH_BUSY] = 0; },
  };
}

function start(message: Extract<ToWorker, { type: 'start' }>): void {
  const { experiment, compiled } = message;
  batchIntervalMs = message.batchIntervalMs;
  let objective: Objective, init: readonly number[], info: SessionInfo;
  try {
    if (compiled === null) {
      const name = 'preset' in experiment.loss ? experiment.loss.preset : '';
      const problem = getProblem(name);
      if (!problem) throw new SnippetError('exports', `unknown preset "${name}"`);
      const dim = experiment.init?.length ?? problem.dim;
      objective = problem.objective({ dim });
      init = experiment.init ?? (dim === problem.dim ? problem.init : problem.initFor(dim));
      info = {
        dim, init, domain: problem.domain, dataSize: objective.dataSize, gradient: { mode: 'analytic' },
        ...(experiment.curvature ? { curvature: { mode: 'analytic' } as const } : {}),
        minima: dim === problem.dim ? problem.minima : problem.minimaFor(dim),
      };
    } else {
      const sandbox = new Sandbox(compiled, watchHooks(message.watch), nextContext);
      nextContext = undefined;
      const fromExports = sandbox.exports.init;
      const count = compiled.paramCount;
      const start = experiment.init ?? fromExports ?? (count !== undefined ? new Array<number>(count).fill(0) : undefined);
      if (start === undefined) {
        throw new SnippetError('exports', 'the number of parameters is unknown: export `init` (the start point) from the snippet, '
          + 'destructure the params (`loss([x, y]: number[])`), or set `init` in the experiment');
      }
      if (count !== undefined && start.length !== count) {
        throw new SnippetError('exports', `init has ${start.length} numbers but the loss takes ${count} parameters`);
      }
      init = start;
      sandbox.probe(init);
      if (experiment.curvature) sandbox.probeCurvature(init);
      objective = sandbox.objective(init.length);
      const gradient: GradientInfo = sandbox.gradient;
      info = {
        dim: init.length, init, domain: sandbox.exports.domain ?? undefined, dataSize: objective.dataSize, gradient,
        ...(experiment.curvature ? { curvature: sandbox.curvature } : {}),
      };
    }
  } catch (e) {
    post({ type: 'fatal', error: toLossError(e) });
    return;
  }
  loaded = { experiment, objective, init };
  post({ type: 'info', info });
  runner = new Runner(experiment, objective, init);
  slice();
}

function toLossError(e: unknown): LossError {
  if (e instanceof SnippetError) return { kind: e.kind, message: e.message };
  return { kind: 'runtime', message: e instanceof Error ? e.message : String(e) };
}

/** Steps for about SLICE_MS, then yields; flushes points at most every batchIntervalMs. */
function slice(): void {
  const r = runner;
  if (!r) return;
  const t0 = performance.now();
  try {
    while (!r.finished) {
      const a = performance.now();
      const events = r.advance(stepsPerAdvance);
      for (const e of events) pending.push(e);
      const took = performance.now() - a;
      // Aim for ~4–12 ms per advance call: few hand-offs of point buffers, slices close to SLICE_MS.
      if (took < 4) stepsPerAdvance = Math.min(stepsPerAdvance * 2, 1 << 20);
      else if (took > 12) stepsPerAdvance = Math.max(1, stepsPerAdvance >> 1);
      if (lastFlush === -Infinity && pending.length > 0) break;  // the first point goes out at once
      if (performance.now() - t0 >= SLICE_MS) break;
    }
  } catch (e) {
    flush();
    post({ type: 'fatal', error: toLossError(e) });
    runner = undefined;
    return;
  }
  const now = performance.now();
  if (r.finished || now - lastFlush >= batchIntervalMs) flush();
  if (!r.finished) setImmediate(slice);
}

function flush(): void {
  if (pending.length === 0) return;
  const events = coalesce(pending);
  pending = [];
  lastFlush = performance.now();
  const transfer: ArrayBuffer[] = [];
  for (const e of events) {
    if (e.type === 'points') {
      for (const b of e.batches) {
        transfer.push(b.loss.buffer as ArrayBuffer, b.params.buffer as ArrayBuffer, b.gradNorm.buffer as ArrayBuffer, b.lr.buffer as ArrayBuffer);
        if (b.sharpness) transfer.push(b.sharpness.buffer as ArrayBuffer);
        if (b.preconditionedSharpness) transfer.push(b.preconditionedSharpness.buffer as ArrayBuffer);
      }
    }
  }
  post({ type: 'events', events }, [...new Set(transfer)]);
}

/**
 * Merges consecutive `points` events into one, and within it each run's contiguous batches into
 * one batch (fresh buffers, so the runner's own buffers are never transferred away from it).
 */
function coalesce(events: readonly RunnerEvent[]): RunnerEvent[] {
  const out: RunnerEvent[] = [];
  let batches: PointBatch[] = [];
  const close = (): void => {
    if (batches.length === 0) return;
    out.push({ type: 'points', batches: mergeBatches(batches) });
    batches = [];
  };
  for (const e of events) {
    if (e.type === 'points') batches.push(...e.batches);
    else { close(); out.push(e); }
  }
  close();
  return out;
}

function mergeBatches(batches: readonly PointBatch[]): PointBatch[] {
  const byRun = new Map<number, PointBatch[]>();
  for (const b of batches) {
    if (b.count === 0) continue;
    const list = byRun.get(b.run);
    if (list) list.push(b); else byRun.set(b.run, [b]);
  }
  const out: PointBatch[] = [];
  for (const [run, list] of byRun) {
    list.sort((a, b) => a.fromStep - b.fromStep);
    let group: PointBatch[] = [list[0]];
    const emit = (): void => {
      const count = group.reduce((s, b) => s + b.count, 0);
      const dim = group[0].params.length / Math.max(1, group[0].count);
      const loss = new Float64Array(count), params = new Float64Array(count * dim);
      const gradNorm = new Float64Array(count), lr = new Float64Array(count);
      const sharpness = group[0].sharpness ? new Float64Array(count) : undefined;
      const preconditioned = group[0].preconditionedSharpness ? new Float64Array(count) : undefined;
      let at = 0;
      for (const b of group) {
        loss.set(b.loss.subarray(0, b.count), at);
        params.set(b.params.subarray(0, b.count * dim), at * dim);
        gradNorm.set(b.gradNorm.subarray(0, b.count), at);
        lr.set(b.lr.subarray(0, b.count), at);
        if (sharpness && b.sharpness) sharpness.set(b.sharpness.subarray(0, b.count), at);
        if (preconditioned && b.preconditionedSharpness) preconditioned.set(b.preconditionedSharpness.subarray(0, b.count), at);
        at += b.count;
      }
      out.push({
        run, fromStep: group[0].fromStep, count, loss, params, gradNorm, lr,
        ...(sharpness ? { sharpness } : {}), ...(preconditioned ? { preconditionedSharpness: preconditioned } : {}),
      });
    };
    for (let k = 1; k < list.length; k++) {
      const prev = group[group.length - 1];
      if (list[k].fromStep === prev.fromStep + prev.count) group.push(list[k]);
      else { emit(); group = [list[k]]; }
    }
    emit();
  }
  return out;
}

/** Loss on the grid xs × ys over coordinates `dims`, other params at `at`; row-major ys × xs. */
function computeSurface(request: SurfaceRequest): Float64Array {
  if (!loaded) throw new Error('the loss is not loaded');
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
    }
  }
  return out;
}

/** Replays run `run` for `step` updates and reports its optimizer state. */
function inspect(run: number, step: number): InspectResult {
  if (!loaded) throw new Error('the loss is not loaded');
  const { experiment, objective, init } = loaded;
  const spec = experiment.runs[run];
  if (!spec) throw new Error(`inspect: there is no run ${run}`);
  /** A replay of the run for `steps` updates (fewer when it ended earlier). */
  const replayed = (steps: number): Runner => {
    const replay = new Runner({ ...experiment, runs: [{ ...spec, enabled: true }] }, objective, init);
    for (let left = steps; left > 0 && !replay.finished;) {
      const n = Math.min(left, 100000);
      replay.advance(n);
      left -= n;
    }
    return replay;
  };
  const target = Math.max(0, Math.min(step, experiment.steps));
  // One update short first, to keep θₜ₋₁ on the way.
  const replay = replayed(target - 1);
  const short = replay.state(0);
  if (target > 0 && !replay.finished) replay.advance(1);
  const state = replay.state(0);
  const grad = new Float64Array(objective.dim);
  try { objective.valueAndGrad(state.params, grad, null); } catch { grad.fill(NaN); }
  let used: Pick<InspectResult, 'gradUsed' | 'gradAtPrev' | 'prevParams'> = {};
  if (state.lastGrad && state.count > 0) {
    // θₜ₋₁ (when the run ended before step t, one more replay to its own last update).
    const before = short.count === state.count - 1 ? short.params : replayed(state.count - 1).state(0).params;
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
  };
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
