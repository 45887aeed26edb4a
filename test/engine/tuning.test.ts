import * as assert from 'node:assert/strict';
import { getProblem } from '../../src/engine/problems';
import { Random, streamSeed } from '../../src/engine/random';
import { NOISE_STREAM, Runner } from '../../src/engine/runner';
import { aloneExperiment, ConfigurationRun, median, RunScore } from '../../src/engine/score';
import {
  configurationRun, PlanScores, pointIndices, tunedRuns, tuningJobs, tuningPlans, type TuningJob, type TuningResult,
} from '../../src/engine/tuning';
import type { Experiment, Objective } from '../../src/engine/types';
import { experiment } from './helpers';

const rosenbrock = getProblem('rosenbrock')!;

/** Every point's loss and the run's end, running `e`'s single run with a plain Runner to the end. */
function runAlone(e: Experiment, objective: Objective, init: readonly number[]): { loss: number[]; status: string; steps: number; params: number[] } {
  const runner = new Runner(e, objective, init);
  const loss: number[] = [];
  let status = '', steps = -1, params: number[] = [];
  while (!runner.finished) {
    for (const event of runner.advance(1e6)) {
      if (event.type === 'points') for (const b of event.batches) { loss.push(...b.loss); params = Array.from(b.params.subarray((b.count - 1) * objective.dim)); }
      if (event.type === 'runEnd') { status = event.status; steps = event.steps; }
    }
  }
  return { loss, status, steps, params };
}

/** The score as the contract defines it, from the whole loss curve (independent of RunScore). */
function contractScore(objective: TuningJob['objective'], run: { loss: number[]; status: string; steps: number }, totalSteps: number): number {
  if (run.status === 'diverged' || run.status === 'error') return Infinity;
  const last = run.loss[run.loss.length - 1];
  if (objective === 'finalLoss') return last;
  if (objective === 'meanLoss') {
    let sum = 0;
    for (const l of run.loss) sum += l;
    return (sum + (totalSteps - run.steps) * last) / (totalSteps + 1);
  }
  const k = run.loss.findIndex((l) => l <= objective.stepsTo);
  return k < 0 ? Infinity : k;
}

/** Tunes `e` in this thread: every job scored alone, in a random order (the order must not matter). */
function tuneHere(e: Experiment, objective: Objective, init: readonly number[], order = 0): { results: TuningResult[]; jobs: TuningJob[]; scores: number[] } {
  const plans = tuningPlans(e);
  const jobs = tuningJobs(e, plans);
  const boards = plans.map((p) => new PlanScores(p));
  const scores = new Array<number>(jobs.length);
  const indices = jobs.map((_, i) => i);
  const shuffle = new Random(order);
  for (let i = indices.length - 1; i > 0 && order > 0; i--) { const j = shuffle.int(i + 1); [indices[i], indices[j]] = [indices[j], indices[i]]; }
  for (const i of indices) {
    const job = jobs[i];
    const run = new ConfigurationRun(e, objective, init, job);
    let scored;
    while (!(scored = run.advance(97)));
    scores[i] = scored.score;
    boards[job.plan].set(job.point, job.seedIndex, scored.score);
  }
  assert.ok(boards.every((b) => b.complete));
  return { results: boards.map((b) => b.result()), jobs, scores };
}

describe('tuning: scores', () => {
  it('RunScore follows the contract on a curve fed in pieces', () => {
    const loss = Float64Array.from([5, 4, 2, 1, 0.5]);
    const feed = (s: RunScore): RunScore => { s.add(loss.subarray(0, 2), 2, 0); s.add(loss.subarray(2), 3, 2); return s; };
    assert.equal(feed(new RunScore('finalLoss', 4)).end('completed', 4), 0.5);
    assert.equal(feed(new RunScore('meanLoss', 4)).end('completed', 4), 12.5 / 5);
    assert.equal(feed(new RunScore('meanLoss', 10)).end('converged', 4), (12.5 + 6 * 0.5) / 11, 'a converged run is held at its last loss');
    assert.equal(feed(new RunScore({ stepsTo: 1 }, 4)).end('completed', 4), 3);
    assert.equal(feed(new RunScore({ stepsTo: 0.1 }, 4)).end('completed', 4), Infinity);
    for (const objective of ['finalLoss', 'meanLoss', { stepsTo: 10 }] as const) {
      assert.equal(feed(new RunScore(objective, 4)).end('diverged', 4), Infinity);
      assert.equal(feed(new RunScore(objective, 4)).end('error', 4), Infinity);
      assert.ok(Number.isNaN(feed(new RunScore(objective, 4)).end('cancelled', 4)));
    }
  });

  it('median: odd, even, with +∞', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([1, Infinity, 2]), 2);
    assert.equal(median([1, Infinity]), Infinity);
  });
});

describe('tuning: every score is what running that configuration alone gives', () => {
  const objectives = ['finalLoss', 'meanLoss', { stepsTo: 0.5 }] as const;
  for (const objective of objectives) {
    it(`${JSON.stringify(objective)}: lr × momentum on Rosenbrock, bit for bit, including diverged points`, () => {
      const e = experiment({
        loss: { preset: 'rosenbrock' }, steps: 300,
        runs: [{ optimizer: 'momentum' }, { optimizer: 'adam', tune: { lr: { min: 1e-3, max: 10, count: 5 }, objective } }],
        tune: { lr: { min: 1e-5, max: 1e-2, count: 4 }, momentum: [0, 0.9, 0.99], objective },
      });
      const objectiveFn = rosenbrock.objective();
      const { results, jobs, scores } = tuneHere(e, objectiveFn, rosenbrock.init, 7);
      assert.equal(jobs.length, (12 + 1) + (5 + 1));
      jobs.forEach((job, i) => {
        const alone = runAlone(aloneExperiment(e, job), objectiveFn, rosenbrock.init);
        assert.equal(Object.is(scores[i], contractScore(objective, alone, e.steps)), true, `job ${i} (${job.run.label}): ${scores[i]} vs alone`);
      });
      assert.ok(results[0].values.flat().some((v) => v === Infinity), 'some grid point diverged (scored +∞)');
      assert.ok(results[0].values.flat().some(Number.isFinite), 'some grid point is finite');
    });
  }

  it('the order in which configurations are scored does not change a score', () => {
    const e = experiment({ loss: { preset: 'beale' }, steps: 200, runs: [{ optimizer: 'rmsprop' }, { optimizer: 'sgd' }], tune: { lr: { min: 1e-4, max: 1, count: 6 }, weightDecay: [0, 0.01] } });
    const beale = getProblem('beale')!;
    const a = tuneHere(e, beale.objective(), beale.init, 0);
    const b = tuneHere(e, beale.objective(), beale.init, 3);
    assert.deepEqual(a.results, b.results);
  });
});

describe('tuning: best, defaults and the tuned runs', () => {
  const e = experiment({
    loss: { preset: 'rosenbrock' }, steps: 200,
    runs: [{ optimizer: 'gd' }, { optimizer: 'adam', label: 'mine' }],
    tune: { lr: { min: 1e-5, max: 1, count: 11 } },
  });
  const { results } = tuneHere(e, rosenbrock.objective(), rosenbrock.init);

  it('the best is the arg-min of the medians, and the default is the run as written', () => {
    for (const r of results) {
      const medians = r.values.map((seeds) => median(seeds));
      const min = Math.min(...medians);
      assert.equal(r.bestPoint, medians.indexOf(min));
      assert.deepEqual(r.best, { hyperparameters: { lr: r.grid[0][r.bestPoint] }, objective: min });
      assert.equal(r.default.hyperparameters.lr, e.runs[r.run].hyperparameters.lr);
    }
    assert.deepEqual(results.map((r) => r.parameters), [['lr'], ['lr']]);
  });

  it('the tuned runs are the runs at their best, labelled by their tuned values, without a tune', () => {
    const runs = tunedRuns(e, results, tuningPlans(e));
    assert.equal(runs[0].hyperparameters.lr, results[0].best!.hyperparameters.lr);
    assert.equal(runs[0].label, `Gradient descent η=${results[0].best!.hyperparameters.lr}`);
    assert.equal(runs[1].label, `mine η=${results[1].best!.hyperparameters.lr}`);
    assert.ok(runs.every((r) => r.tune === undefined));
  });

  it('a run whose every grid point diverges keeps its values; best is null', () => {
    const wild = experiment({ loss: { preset: 'rosenbrock' }, steps: 100, runs: [{ optimizer: 'gd', lr: 1e-4 }], tune: { lr: [5, 10] } });
    const r = tuneHere(wild, rosenbrock.objective(), rosenbrock.init).results[0];
    assert.equal(r.best, null);
    assert.deepEqual(r.values, [[Infinity], [Infinity]]);
    assert.equal(tunedRuns(wild, [r], tuningPlans(wild))[0].hyperparameters.lr, 1e-4);
  });

  it('grid points are row-major, the first hyperparameter varying slowest; β₁ sets betas[0]', () => {
    const two = experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { lr: [0.1, 0.2, 0.3], beta1: [0, 0.5] } }] });
    const plan = tuningPlans(two)[0];
    assert.equal(plan.points, 6);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((p) => pointIndices(plan, p)), [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    assert.deepEqual(configurationRun(plan, 3).hyperparameters.betas, [0.5, 0.999]);
    assert.equal(configurationRun(plan, 3).hyperparameters.lr, 0.2);
  });
});

describe('tuning: seeds and gradient noise', () => {
  const base = { loss: { preset: 'rosenbrock' }, steps: 150, seed: 4, noise: 2, runs: [{ optimizer: 'adam', tune: { lr: [0.01, 0.1], seeds: 5 } }] };

  it('seeds reproduce: seed s runs with the experiment\'s seed + s, and tuning twice gives the same scores', () => {
    const e = experiment(base);
    const a = tuneHere(e, rosenbrock.objective(), rosenbrock.init);
    const b = tuneHere(e, rosenbrock.objective(), rosenbrock.init, 5);
    assert.deepEqual(a.results, b.results);
    assert.deepEqual(a.jobs.filter((j) => j.point === 0).map((j) => j.seed), [4, 5, 6, 7, 8]);
    const perSeed = a.results[0].values[0];
    assert.equal(new Set(perSeed).size, 5, 'with noise, every seed gives its own score');
    assert.equal(a.results[0].best!.objective, Math.min(median(a.results[0].values[0]), median(a.results[0].values[1])));
  });

  it('noise σ adds σ·z to every gradient, z standard normals from the seed\'s noise stream; the same seed, the same trajectory', () => {
    const objective = rosenbrock.objective();
    const noisy = experiment({ ...base, runs: [{ optimizer: 'gd', lr: 1e-4 }], steps: 3 });
    const clean = experiment({ ...base, noise: undefined, runs: [{ optimizer: 'gd', lr: 1e-4 }], steps: 3 });
    const z = new Random(streamSeed(noisy.seed, NOISE_STREAM));
    const r = new Runner(noisy, objective, rosenbrock.init);
    const c = new Runner(clean, objective, rosenbrock.init);
    for (let t = 0; t < 3; t++) {
      const before = r.state(0).params;
      r.advance(1);
      c.advance(1);
      const g = r.state(0).lastGrad!, h = new Float64Array(2);
      objective.valueAndGrad(before, h, null);
      for (let i = 0; i < 2; i++) assert.equal(g[i], h[i] + 2 * z.normal(), `update ${t + 1}, gradient ${i}`);
    }
    const again = new Runner(noisy, objective, rosenbrock.init);
    again.advance(10);
    assert.deepEqual(again.state(0).params, r.state(0).params);
    assert.notDeepEqual(r.state(0).params, c.state(0).params);
    const zero = new Runner(experiment({ ...base, noise: 0, runs: [{ optimizer: 'gd', lr: 1e-4 }], steps: 3 }), objective, rosenbrock.init);
    zero.advance(10);
    assert.deepEqual(zero.state(0).params, c.state(0).params, 'σ = 0 is no noise');
  });

  it('the noise stream is not the mini-batch stream', () => {
    assert.notEqual(streamSeed(0, NOISE_STREAM), 0);
    assert.notEqual(new Random(streamSeed(7, NOISE_STREAM)).next(), new Random(7).next());
  });
});

