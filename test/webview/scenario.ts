/**
 * Host messages for the browser test, computed by the real engine: an `init` snapshot for an
 * experiment on a preset, then the `runStart`, `points`, `runEnd` and `status` messages the host
 * would stream while the runner steps it. What the panel shows is what the engine computed.
 */
import { quadraticFacts } from '../../src/engine/curvature/convergence';
import { validateExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { PointBatch, RunStatus } from '../../src/engine/types';
import { surfaceGrid } from '../../src/charts/rows';
import { toWire, type PanelExperiment, type PointSeries, type RunResult, type ToWebview } from '../../src/protocol';
import * as os from 'node:os';
import { ResultsStore } from '../../src/extension/results';

export interface Scenario {
  readonly init: ToWebview;
  /** The streamed messages, in order. */
  readonly stream: ToWebview[];
  /** Points streamed per run. */
  readonly pointsPerRun: Map<number, number>;
  readonly totalPoints: number;
}

/** The benchmarks' stream (bench/chartUpdates.ts, bench/webviewStream.ts): 4 runs × 10,000 steps on Rosenbrock. */
export const fourRuns: PanelExperiment = {
  title: 'Rosenbrock, four runs', loss: { preset: 'rosenbrock' }, steps: 10_000, seed: 0,
  runs: [
    { label: 'Adam η=0.001', optimizer: 'adam', hyperparameters: { lr: 0.001 } },
    { label: 'SGD η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001 } },
    { label: 'SGD μ=0.9 η=0.0005', optimizer: 'sgd', hyperparameters: { lr: 0.0005, momentum: 0.9 } },
    { label: 'RMSprop η=0.01', optimizer: 'rmsprop', hyperparameters: { lr: 0.01 } },
  ],
};

function toSeries(b: PointBatch, dim: number): PointSeries {
  const steps: number[] = [];
  for (let i = 0; i < b.count; i++) steps.push(b.fromStep + i);
  return {
    run: b.run, steps, dim, replace: false,
    loss: toWire(b.loss.subarray(0, b.count)), params: toWire(b.params.subarray(0, b.count * dim)),
    gradNorm: toWire(b.gradNorm.subarray(0, b.count)), lr: toWire(b.lr.subarray(0, b.count)),
    ...(b.sharpness ? { sharpness: toWire(b.sharpness.subarray(0, b.count)) } : {}),
    ...(b.preconditionedSharpness ? { preconditionedSharpness: toWire(b.preconditionedSharpness.subarray(0, b.count)) } : {}),
  };
}

/**
 * Host messages for `experiment`. By default every point is streamed, `stepsPerMessage` steps
 * (over all runs) per `points` message. With `host: true` the points go through the host's own
 * display thinning (src/extension/results.ts `ResultsStore`, as src/extension/controller.ts
 * flushes it): a message per `stepsPerMessage` runner steps carrying each run's complete display
 * buckets, so 10,000-step runs arrive as the panel gets them in VS Code.
 */
export function buildScenario(experiment: PanelExperiment, stepsPerMessage = 40, options: { host?: boolean } = {}): Scenario {
  const preset = 'preset' in experiment.loss ? experiment.loss.preset : 'rosenbrock';
  const problem = getProblem(preset);
  if (!problem) throw new Error(`unknown preset ${preset}`);
  const file = {
    ...experiment,
    runs: experiment.runs.map((r) => ({ optimizer: r.optimizer, label: r.label, ...r.hyperparameters, ...(r.schedule ? { schedule: r.schedule } : {}) })),
  };
  const valid = validateExperiment(file);
  if (!valid.ok) throw new Error(`scenario experiment is invalid: ${valid.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const objective = problem.objective();
  const init = experiment.init ?? problem.init;
  // A run's own seed (a tuned comparison's repeats over seeds) is the panel's, not the file's: kept by index.
  const runs = valid.experiment.runs.map((r, i) => (experiment.runs[i]?.seed !== undefined ? { ...r, seed: experiment.runs[i]!.seed } : r));
  const runner = new Runner({ ...valid.experiment, runs }, objective, init);

  const { xs, ys } = surfaceGrid(problem.domain, 60);
  const values: number[] = [];
  const p = new Float64Array(problem.dim);
  for (const y of ys) for (const x of xs) {
    p[0] = x;
    p[1] = y;
    values.push(objective.value(p, null));
  }
  const results: RunResult[] = valid.experiment.runs.map((r, i) => ({ run: i, label: r.label, status: 'running', steps: 0 }));
  // As the host says it (controller.ts): a quadratic preset with curvature on carries its spectrum.
  const quadratic = experiment.curvature && problem.quadratic ? quadraticFacts(objective, init, 'preset') : undefined;
  const info = { dim: problem.dim, init: [...init], domain: problem.domain, dataSize: 0, gradient: { mode: 'analytic' as const },
    ...(quadratic ? { quadratic: { eigenvalues: [...quadratic.eigenvalues], minimum: quadratic.minimum } } : {}) };
  const initMessage: ToWebview = {
    type: 'init', experiment, state: 'running', results: [], points: [], info,
    surface: { dims: [0, 1], xs: [...xs], ys: [...ys], loss: toWire(values), at: [...init], minima: problem.minima.map((m) => ({ params: [...m.params], loss: m.loss })) },
    errors: [], trusted: true, preferences: {},
  };
  const stream: ToWebview[] = [{ type: 'runStart', results, info }, { type: 'status', state: 'running', stepsPerSecond: 12000 }];
  const pointsPerRun = new Map<number, number>();
  let total = 0;
  if (options.host) {
    const store = new ResultsStore(results.map((r) => r.label), problem.dim, { maxPoints: valid.experiment.steps + 1, spillRoot: os.tmpdir() });
    const endPosted = new Set<number>();
    for (let guard = 0; guard < 1_000_000 && endPosted.size < results.length; guard++) {
      for (const e of runner.advance(stepsPerMessage)) {
        if (e.type === 'points') store.append(e.batches);
        else if (e.type === 'runEnd') Object.assign(store.runs[e.run]!, { status: e.status }, e.message ? { message: e.message } : {});
      }
      const series: PointSeries[] = [];
      store.runs.forEach((_, run) => {
        const s = store.takeDisplay(run);
        if (!s) return;
        series.push(s);
        pointsPerRun.set(run, (pointsPerRun.get(run) ?? 0) + s.steps.length);
        total += s.steps.length;
      });
      if (series.length > 0) stream.push({ type: 'points', series });
      store.runs.forEach((r, run) => {
        if (r.status === 'running' || endPosted.has(run) || r.shown < r.count) return;
        endPosted.add(run);
        stream.push({ type: 'runEnd', run, status: r.status as Exclude<RunStatus, 'running'>, steps: Math.max(0, r.count - 1), ...(r.message ? { message: r.message } : {}) });
      });
    }
    stream.push({ type: 'status', state: 'idle', stepsPerSecond: 0 });
    store.dispose();
    return { init: initMessage, stream, pointsPerRun, totalPoints: total };
  }
  for (let guard = 0; guard < 10_000; guard++) {
    const events = runner.advance(stepsPerMessage);
    const series: PointSeries[] = [];
    let done = false;
    for (const e of events) {
      if (e.type === 'points') {
        for (const b of e.batches) {
          series.push(toSeries(b, problem.dim));
          pointsPerRun.set(b.run, (pointsPerRun.get(b.run) ?? 0) + b.count);
          total += b.count;
        }
      } else if (e.type === 'runEnd') {
        if (series.length > 0) stream.push({ type: 'points', series: series.splice(0) });
        stream.push({ type: 'runEnd', run: e.run, status: e.status, steps: e.steps, message: e.message });
      } else if (e.type === 'done') {
        done = true;
      }
    }
    if (series.length > 0) stream.push({ type: 'points', series });
    if (done) break;
  }
  stream.push({ type: 'status', state: 'idle', stepsPerSecond: 0 });
  return { init: initMessage, stream, pointsPerRun, totalPoints: total };
}
