import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { PROBLEMS } from '../../src/engine/problems';
import { experiment } from './helpers';
import { getProblem } from '../../src/engine/problems';
import { Runner, type RunnerOptions } from '../../src/engine/runner';
import type { Experiment, Objective, PointBatch, RunnerEvent } from '../../src/engine/types';

interface Trace {
  steps: number[];
  loss: number[];
  params: number[][];
  gradNorm: number[];
  lr: number[];
}
interface Outcome {
  traces: Trace[];
  ends: Extract<RunnerEvent, { type: 'runEnd' }>[];
  events: RunnerEvent[];
}

/** Collects the events of `advance` calls into per-run traces (checking points arrive in step order). */
function collect(runner: Runner, runs: number, dim: number, events: RunnerEvent[], outcome?: Outcome): Outcome {
  const out = outcome ?? { traces: Array.from({ length: runs }, () => ({ steps: [], loss: [], params: [], gradNorm: [], lr: [] })), ends: [], events: [] };
  for (const e of events) {
    out.events.push(e);
    if (e.type === 'points') {
      for (const b of e.batches) {
        const t = out.traces[b.run];
        assert.equal(b.fromStep, t.steps.length, `run ${b.run}: batches arrive in order, without gaps`);
        assert.equal(b.loss.length, b.count);
        assert.equal(b.params.length, b.count * dim);
        for (let k = 0; k < b.count; k++) {
          t.steps.push(b.fromStep + k);
          t.loss.push(b.loss[k]);
          t.params.push(Array.from(b.params.subarray(k * dim, (k + 1) * dim)));
          t.gradNorm.push(b.gradNorm[k]);
          t.lr.push(b.lr[k]);
        }
      }
    } else if (e.type === 'runEnd') {
      out.ends.push(e);
    }
  }
  return out;
}

function runAll(e: Experiment, objective: Objective, options?: RunnerOptions, slice = 1000): Outcome {
  const runner = new Runner(e, objective, e.init!, options);
  let out: Outcome | undefined;
  for (let guard = 0; !runner.finished; guard++) {
    assert.ok(guard < 1e6, 'the runner finishes');
    out = collect(runner, e.runs.length, objective.dim, runner.advance(slice), out);
  }
  return out!;
}

const endOf = (o: Outcome, run: number): Extract<RunnerEvent, { type: 'runEnd' }> => {
  const found = o.ends.find((e) => e.run === run);
  assert.ok(found, `run ${run} ended`);
  return found;
};

/** An objective from plain functions, for statuses the presets never reach. */
function custom(dim: number, f: (p: Float64Array, g: Float64Array, call: number) => number): Objective {
  let calls = 0;
  return {
    dim, dataSize: 0,
    valueAndGrad: (p, g) => f(p, g, calls++),
    value: (p) => f(p, new Float64Array(dim), -1),
  };
}

describe('runner', () => {
  const booth = getProblem('booth')!;

  it('records one point per step from step 0 (the start) to the last, and the gradient-descent trajectory exactly', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 50, runs: [{ optimizer: 'gd', lr: 0.01 }] });
    const objective = booth.objective();
    const o = runAll(e, objective, { batchSize: 16 });
    const t = o.traces[0];
    assert.equal(t.steps.length, 51);
    assert.deepEqual(t.params[0], [...booth.init]);
    // θ_{k+1} = θ_k − η∇L(θ_k), computed independently.
    const p = Float64Array.from(booth.init), g = new Float64Array(2);
    for (let k = 0; k <= 50; k++) {
      const loss = objective.valueAndGrad(p, g, null);
      assert.deepEqual(t.params[k], Array.from(p), `params at step ${k}`);
      assert.equal(t.loss[k], loss, `loss at step ${k}`);
      assert.equal(t.gradNorm[k], Math.sqrt(g[0] * g[0] + g[1] * g[1]));
      assert.equal(t.lr[k], 0.01);
      p[0] -= 0.01 * g[0];
      p[1] -= 0.01 * g[1];
    }
    assert.deepEqual(o.ends.map((x) => [x.status, x.steps]), [['completed', 50]]);
    assert.deepEqual(o.events.at(-1), { type: 'done' });
  });

  it('is deterministic: the same experiment gives the same points, however it is sliced', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 300, runs: [{ optimizer: 'adam', lr: 0.05 }, { optimizer: 'sgd', lr: 0.001, momentum: 0.9 }, { optimizer: 'rmsprop' }] });
    const objective = getProblem('rosenbrock')!.objective();
    const a = runAll(e, objective, {}, 1000);
    const b = runAll(e, objective, { batchSize: 7 }, 13);
    assert.deepEqual(a.traces, b.traces);
    assert.deepEqual(a.ends, b.ends);
  });

  it('interleaves runs: one slice advances every run, and the budget counts steps across runs', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 1000, runs: [{ optimizer: 'adam' }, { optimizer: 'sgd' }, { optimizer: 'adagrad' }] });
    const runner = new Runner(e, getProblem('rosenbrock')!.objective(), e.init!);
    const o = collect(runner, 3, 2, runner.advance(30));
    assert.equal(o.traces.reduce((s, t) => s + t.steps.length, 0), 30);
    for (const t of o.traces) assert.ok(t.steps.length >= 5, `every run progressed (${o.traces.map((x) => x.steps.length)})`);
    collect(runner, 3, 2, runner.advance(300), o);
    const counts = o.traces.map((t) => t.steps.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 32, `runs progress together: ${counts}`);
    assert.equal(runner.finished, false);
  });

  it('ends a run `converged` when the gradient norm falls below the tolerance', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 100000, tolerance: 1e-6, runs: [{ optimizer: 'gd', lr: 0.05 }] });
    const o = runAll(e, booth.objective());
    const end = endOf(o, 0);
    const t = o.traces[0];
    assert.equal(end.status, 'converged');
    assert.equal(end.steps, t.steps.length - 1);
    assert.ok(t.gradNorm.at(-1)! < 1e-6 && t.gradNorm.at(-2)! >= 1e-6);
    assert.match(end.message!, new RegExp(`^converged at step ${end.steps}: the gradient norm`));
    assert.ok(Math.abs(t.params.at(-1)![0] - 1) < 1e-5 && Math.abs(t.params.at(-1)![1] - 3) < 1e-5);
  });

  it('ends a run `diverged` at exactly the step where the loss exceeded 10¹² × its start', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 1000, runs: [{ optimizer: 'gd', lr: 0.1 }] });
    const objective = getProblem('rosenbrock')!.objective();
    const o = runAll(e, objective);
    // The same loop by hand: the first step whose loss is not finite or too large.
    const p = Float64Array.from(e.init!), g = new Float64Array(2);
    let start = NaN, expected = -1;
    for (let k = 0; k <= 1000; k++) {
      const loss = objective.valueAndGrad(p, g, null);
      if (k === 0) start = loss;
      if (!Number.isFinite(loss) || loss > 1e12 * Math.abs(start)) { expected = k; break; }
      p[0] -= 0.1 * g[0];
      p[1] -= 0.1 * g[1];
    }
    assert.ok(expected > 0);
    const end = endOf(o, 0);
    assert.equal(end.status, 'diverged');
    assert.equal(end.steps, expected);
    assert.equal(o.traces[0].steps.at(-1), expected, 'the diverged step is the last point');
    assert.match(end.message!, new RegExp(`^diverged at step ${expected}: the loss grew to .* more than 10¹² × its start 12\\.5 \\(params \\[`));
  });

  it('ends a run `diverged` when the loss becomes infinite, or a parameter stops being finite, and says which', () => {
    const saddle = getProblem('saddle')!;
    const e = experiment({ loss: { preset: 'saddle' }, steps: 10000, runs: [{ optimizer: 'gd', lr: 0.9 }] });
    const end = endOf(runAll(e, saddle.objective()), 0);
    assert.equal(end.status, 'diverged');
    assert.match(end.message!, /^diverged at step \d+: the loss became -Infinity \(params \[/);

    // A gradient that overflows the parameters while the loss stays finite.
    const e2 = experiment({ loss: { source: 'x' }, init: [1, 2], steps: 10, runs: [{ optimizer: 'gd', lr: 10 }] });
    const o = runAll(e2, custom(2, (_p, g) => { g[0] = 1e308; g[1] = 0; return 1; }));
    const end2 = endOf(o, 0);
    assert.equal(end2.status, 'diverged');
    assert.equal(end2.steps, 1);
    assert.equal(end2.message, 'diverged at step 1: parameter 0 became -Infinity (params [-Infinity, 2])');
    assert.ok(Number.isNaN(o.traces[0].loss[1]), 'the loss at non-finite parameters is not evaluated');
  });

  it('ends a run `error` with the exception\'s message when the objective throws; other runs carry on', () => {
    const e = experiment({ loss: { source: 'x' }, init: [0], steps: 20, runs: [{ optimizer: 'gd' }] });
    const o = runAll(e, custom(1, (p, g, call) => {
      if (call === 5) throw new Error('x is not defined (loss.ts:3:7)');
      g[0] = 2 * p[0] - 2;
      return (p[0] - 1) ** 2;
    }));
    const end = endOf(o, 0);
    assert.deepEqual([end.status, end.message, end.steps], ['error', 'x is not defined (loss.ts:3:7)', 4]);
    assert.equal(o.traces[0].steps.length, 5);

    const e2 = experiment({ loss: { source: 'x' }, init: [0], steps: 20, runs: [{ optimizer: 'gd' }, { optimizer: 'adam' }] });
    let calls = 0;
    const o2 = runAll(e2, { dim: 1, dataSize: 0, value: () => 0, valueAndGrad: (_p, g) => { g[0] = 1; return (calls++ === 3 ? 'oops' : 1) as unknown as number; } });
    assert.equal(endOf(o2, 0).status === 'error' || endOf(o2, 1).status === 'error', true);
    assert.match([endOf(o2, 0), endOf(o2, 1)].find((x) => x.status === 'error')!.message!, /the loss returned string, not a number/);
    assert.equal([endOf(o2, 0), endOf(o2, 1)].filter((x) => x.status === 'completed').length, 1);
  });

  it('cancels: running runs end `cancelled` at the next advance, then `done`, then nothing more', () => {
    const e = experiment({ loss: { preset: 'rosenbrock' }, steps: 100000, runs: [{ optimizer: 'adam' }, { optimizer: 'gd', lr: 1 }] });
    const runner = new Runner(e, getProblem('rosenbrock')!.objective(), e.init!);
    const o = collect(runner, 2, 2, runner.advance(200));
    assert.equal(endOf(o, 1).status, 'diverged');
    runner.cancel();
    collect(runner, 2, 2, runner.advance(1000), o);
    const end = endOf(o, 0);
    assert.equal(end.status, 'cancelled');
    assert.equal(end.steps, o.traces[0].steps.length - 1);
    assert.equal(runner.finished, true);
    assert.equal(runner.status(0), 'cancelled');
    assert.deepEqual(runner.advance(1000), []);
    assert.equal(o.events.filter((x) => x.type === 'done').length, 1);
  });

  it('samples mini-batches reproducibly from the seed; the point\'s loss is the full-data loss', () => {
    const problem = getProblem('linear-regression')!;
    const objective = problem.objective();
    const raw = { loss: { preset: 'linear-regression' }, steps: 60, batchSize: 8, runs: [{ optimizer: 'gd', lr: 0.05 }] };
    const a = runAll(experiment({ ...raw, seed: 1 }), objective);
    const b = runAll(experiment({ ...raw, seed: 1 }), objective);
    const c = runAll(experiment({ ...raw, seed: 2 }), objective);
    const full = runAll(experiment({ ...raw, batchSize: undefined }), objective);
    assert.deepEqual(a.traces, b.traces);
    assert.notDeepEqual(a.traces[0].params.at(-1), c.traces[0].params.at(-1));
    assert.notDeepEqual(a.traces[0].params.at(-1), full.traces[0].params.at(-1));
    const t = a.traces[0];
    for (let k = 0; k < t.steps.length; k += 10) {
      assert.equal(t.loss[k], objective.value(Float64Array.from(t.params[k]), null), `full-data loss at step ${k}`);
    }
    // Every run draws the same batches: two identical runs stay identical.
    const twin = runAll(experiment({ ...raw, seed: 3, runs: [{ optimizer: 'gd', lr: 0.05 }, { optimizer: 'gd', lr: 0.05 }] }), objective);
    assert.deepEqual(twin.traces[0].params, twin.traces[1].params);
    assert.ok(t.loss.at(-1)! < t.loss[0] / 2, 'mini-batch gradient descent makes progress');
  });

  it('reports the learning rate of each step from the schedule', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 20, runs: [{ optimizer: 'sgd', lr: 0.01, schedule: { type: 'step', stepSize: 5, gamma: 0.5 } }] });
    const t = runAll(e, booth.objective()).traces[0];
    assert.deepEqual(t.lr.slice(0, 11), [0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.0025]);
  });

  it('hands points off in batches of the chosen size, in step order', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 24, runs: [{ optimizer: 'adam' }] });
    const o = runAll(e, booth.objective(), { batchSize: 10 }, 1000);
    const batches = o.events.flatMap((x) => (x.type === 'points' ? x.batches : []));
    assert.deepEqual(batches.map((b) => [b.fromStep, b.count]), [[0, 10], [10, 10], [20, 5]]);
    const kinds = o.events.map((x) => x.type);
    assert.deepEqual(kinds, ['points', 'runEnd', 'done'], 'points come before the run\'s end, done last');
  });

  it('skips disabled runs and exposes each run\'s optimizer state', () => {
    const e = experiment({ loss: { preset: 'booth' }, steps: 10, runs: [{ optimizer: 'adam', lr: 0.1 }, { optimizer: 'sgd', enabled: false }] });
    const runner = new Runner(e, booth.objective(), e.init!);
    const o = collect(runner, 2, 2, runner.advance(1000));
    assert.equal(runner.finished, true);
    assert.equal(o.traces[1].steps.length, 0);
    assert.deepEqual(o.ends.map((x) => x.run), [0]);
    const state = runner.state(0);
    assert.equal(state.count, 10);
    assert.deepEqual(Array.from(state.params), o.traces[0].params.at(-1));
    assert.ok(JSON.stringify(state.transformState).length > 2, 'the optimizer state is inspectable');
    state.params[0] = 99;
    assert.notEqual(runner.state(0).params[0], 99, 'state() returns copies');
    assert.throws(() => runner.state(5), /no run 5/);
  });

  it('refuses a start point of the wrong length, and finishes at once with no enabled run', () => {
    const e = experiment({ loss: { preset: 'booth' }, runs: [{ optimizer: 'adam', enabled: false }] });
    assert.throws(() => new Runner(e, booth.objective(), [1, 2, 3]), /start point has 3 numbers, but the loss has 2 parameters/);
    const runner = new Runner(e, booth.objective(), e.init!);
    assert.deepEqual(runner.advance(10), [{ type: 'done' }]);
  });

  it('property: any optimizer on any preset, any slicing — every enabled run ends once, with a point per step it took', () => {
    const arbitrary = fc.record({
      problem: fc.constantFrom(...PROBLEMS),
      optimizers: fc.array(fc.constantFrom(...OPTIMIZERS.map((o) => o.id)), { minLength: 1, maxLength: 4 }),
      lr: fc.constantFrom(1e-3, 0.1, 10),
      steps: fc.integer({ min: 1, max: 60 }),
      batchSize: fc.option(fc.integer({ min: 1, max: 70 }), { nil: undefined }),
      slice: fc.integer({ min: 1, max: 50 }),
      pointBatch: fc.integer({ min: 1, max: 40 }),
      disabled: fc.nat(),
    });
    fc.assert(fc.property(arbitrary, (g) => {
      const e = experiment({
        loss: { preset: g.problem.name }, steps: g.steps, batchSize: g.batchSize,
        runs: g.optimizers.map((optimizer, i) => ({ optimizer, lr: g.lr, enabled: i !== g.disabled % 5 })),
      });
      const o = runAll(e, g.problem.objective(), { batchSize: g.pointBatch }, g.slice);
      e.runs.forEach((r, i) => {
        const ends = o.ends.filter((x) => x.run === i);
        if (r.enabled === false) {
          assert.equal(ends.length, 0);
          assert.equal(o.traces[i].steps.length, 0);
          return;
        }
        assert.equal(ends.length, 1, `run ${i} ends once`);
        const [end] = ends;
        assert.ok(['completed', 'converged', 'diverged'].includes(end.status), `${end.status}: ${end.message}`);
        assert.equal(o.traces[i].steps.length, end.steps + 1);
        if (end.status === 'completed') assert.equal(end.steps, g.steps);
        assert.ok(o.traces[i].loss.slice(0, -1).every(Number.isFinite), 'only the last point may be non-finite');
      });
      assert.deepEqual(o.events.at(-1), { type: 'done' });
    }), { numRuns: 120 });
  });
});

describe('runner: batches lent to onPoints', () => {
  /** Every column of every run's points, concatenated, from batches as they come (copied at once). */
  /** `e` is on Rosenbrock. */
  function columns(e: Experiment, options: RunnerOptions, slice: number): { points: Map<string, number[]>; ends: RunnerEvent[]; buffers: Set<Float64Array> } {
    const points = new Map<string, number[]>(), buffers = new Set<Float64Array>(), ends: RunnerEvent[] = [];
    const take = (b: PointBatch): void => {
      buffers.add(b.loss);
      const dim = b.params.length / Math.max(1, b.loss.length);
      for (const name of ['loss', 'gradNorm', 'lr', 'sharpness', 'preconditionedSharpness', 'params'] as const) {
        const column = b[name];
        if (!column) continue;
        const key = `${b.run}:${name}`;
        points.set(key, [...(points.get(key) ?? []), ...column.subarray(0, name === 'params' ? b.count * dim : b.count)]);
      }
    };
    const problem = getProblem('rosenbrock');
    assert.ok(problem);
    const runner = new Runner(e, problem.objective(), problem.init, options.onPoints ? { ...options, onPoints: take } : options);
    while (!runner.finished) {
      for (const ev of runner.advance(slice)) {
        if (ev.type === 'points') ev.batches.forEach(take); else ends.push(ev);
      }
    }
    return { points, ends, buffers };
  }

  it('gives the same points and ends as batches given away, refilling the same buffers', () => {
    const e = experiment({
      loss: { preset: 'rosenbrock' }, steps: 60, curvature: true,
      runs: [{ optimizer: 'adam', lr: 0.05 }, { optimizer: 'sgd', lr: 0.01 }, { optimizer: 'sgd', lr: 0.5 }],
    });
    const given = columns(e, { batchSize: 7 }, 13);
    const lent = columns(e, { batchSize: 7, onPoints: () => undefined }, 13);
    assert.deepEqual(lent.points, given.points);
    assert.ok(lent.points.has('0:preconditionedSharpness') && lent.points.has('1:sharpness'));
    assert.deepEqual(lent.ends, given.ends);
    assert.equal(lent.buffers.size, 3, 'one loss buffer per run, lent again and again');
    assert.ok(given.buffers.size > 3);
  });
});
