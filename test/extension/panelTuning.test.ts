import * as assert from 'node:assert/strict';
import { colorPositions, seedGroups } from '../../src/charts/theme';
import { validateExperiment } from '../../src/engine/experiment';
import { optimizerSpec } from '../../src/engine/hyperparameters';
import { tunables } from '../../src/engine/tune';
import { PANEL_TUNE_OBJECTIVE, PANEL_TUNE_SEEDS, panelTuneSeeds, startPanelTuning, tunedComparison, withLearningRateTune, type PanelTuning } from '../../src/extension/panelTuning';
import { validatePanelExperiment } from '../../src/extension/convert';
import { compareOptimizerRuns, defaultExperiment } from '../../src/extension/defaults';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import { scoreConfigurations } from '../../src/engine/score';
import { tuningJobs, tuningPlans } from '../../src/engine/tuning';
import type { TuneObjective } from '../../src/engine/types';
import type { PanelExperiment } from '../../src/protocol';
import { startTuning } from '../../src/snippet/tuning';

/** Gradient descent and Adam on Rosenbrock, each tuning η over three values (and one run that is not tuned). */
const EXPERIMENT: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, steps: 60, seed: 0,
  runs: [
    { optimizer: 'gd', hyperparameters: { lr: 0.0001 }, tune: { lr: [0.0001, 0.0005, 0.001] } },
    { optimizer: 'adam', hyperparameters: {}, tune: { lr: [0.001, 0.01, 0.1] } },
    { optimizer: 'momentum', hyperparameters: { lr: 0.001 }, label: 'mine' },
  ],
};

function started(e: PanelExperiment): PanelTuning {
  const t = startPanelTuning(e, { validate: validateExperiment, start: startTuning, options: { workers: 1 } });
  assert.ok(!('issues' in t), 'the experiment is valid');
  return t;
}

describe('tuning in the panel (host, real sandbox)', () => {
  it('shows each tuned run at its arg-min η, the untuned run as it was, and each tuned run as written as a faint ghost', async function () {
    this.timeout(30_000);
    const t = started(EXPERIMENT);
    const progress: number[] = [];
    t.onProgress((done) => progress.push(done));
    const comparison = await t.comparison;
    const results = await t.session.results;
    // Every configuration reported: 3 grid points and the run as written, per tuned run.
    assert.equal(t.total, 8);
    assert.equal(progress[progress.length - 1], 8);
    assert.deepEqual(comparison.runs.map((r) => r.optimizer), ['gd', 'adam', 'momentum', 'gd', 'adam']);
    results.forEach((r, k) => {
      const scores = r.values.map((seeds) => seeds[0]);
      const argmin = scores.indexOf(Math.min(...scores));
      assert.equal(comparison.runs[k].hyperparameters.lr, r.grid[0][argmin], `${r.label}: the tuned η is the arg-min`);
      assert.equal(comparison.runs[k].tune, undefined);
      assert.equal(comparison.runs[k].ghost, undefined);
    });
    assert.deepEqual(comparison.runs[2], { optimizer: 'momentum', hyperparameters: { lr: 0.001 }, label: 'mine' });
    assert.deepEqual(comparison.runs.slice(3).map((r) => [r.ghost, r.ghostOf, r.label, r.hyperparameters.lr, r.tune]),
      [[true, 0, 'Gradient descent η=0.0001 (as written)', 0.0001, undefined], [true, 1, 'Adam η=0.001 (as written)', undefined, undefined]]);
    // Each ghost is drawn in its tuned run's colour.
    assert.deepEqual(colorPositions(comparison.runs), [0, 1, 2, 0, 1]);
    assert.deepEqual(colorPositions(comparison.runs.slice(1)), [0, 1, 2, 3], 'a ghost whose tuned run was removed keeps its own colour');
    // What the panel runs next is a valid experiment without tunes.
    const next = validateExperiment(JSON.parse(JSON.stringify({ ...comparison, runs: comparison.runs.map(({ hyperparameters, ghost: _g, ghostOf: _o, ...r }) => ({ ...r, ...hyperparameters })) })));
    assert.ok(next.ok, 'the comparison validates');
  });

  it('cancelling rejects the comparison and scores nothing more', async function () {
    this.timeout(30_000);
    const t = started({ ...EXPERIMENT, steps: 2000, runs: [withLearningRateTune({ optimizer: 'adam', hyperparameters: {} })] });
    let after = 0;
    t.session.cancel();
    t.onProgress(() => { after++; });
    await assert.rejects(t.comparison);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(after, 0);
  });

  it('an experiment the engine refuses is not tuned: its issues name the field', () => {
    const t = startPanelTuning({ ...EXPERIMENT, runs: [{ optimizer: 'adam', hyperparameters: {}, tune: { lr: { min: 1, max: 0.1, count: 4 } } }] },
      { validate: validateExperiment, start: startTuning });
    assert.ok('issues' in t);
    assert.match(t.issues[0].path, /^runs\[0\]\.tune\.lr/);
  });

  it('the panel\'s learning-rate tune (mean loss) picks, for Adam on Rosenbrock, an η whose path stays near the plot; the final loss picked one that flies far off it', () => {
    const problem = getProblem('rosenbrock')!;
    const [adam] = compareOptimizerRuns(['adam']).map(withLearningRateTune);
    const tunedReach = (objective: TuneObjective): { lr: number; reach: number } => {
      const checked = validatePanelExperiment(defaultExperiment({ preset: 'rosenbrock' }, [{ ...adam!, tune: { ...adam!.tune!, objective } }]), validateExperiment);
      assert.ok(checked.ok);
      const plans = tuningPlans(checked.experiment);
      const jobs = tuningJobs(checked.experiment, plans);
      const scoring = scoreConfigurations(checked.experiment, problem.objective(), problem.init, jobs);
      let r = scoring.next();
      while (!r.done) r = scoring.next();
      const scores = r.value.map((x) => x.score);
      const best = jobs[scores.indexOf(Math.min(...scores))]!;
      // How far the best run's path reaches, in multiples of the plotted window's half-width.
      const runner = new Runner({ ...checked.experiment, runs: [best.run] }, problem.objective(), problem.init);
      let reach = 0;
      const { x, y } = problem.domain;
      const out = (v: number, [lo, hi]: readonly [number, number]): number => Math.abs(v - (lo + hi) / 2) / ((hi - lo) / 2);
      for (let done = false; !done;) {
        for (const e of runner.advance(1000)) {
          if (e.type === 'points') for (const b of e.batches) for (let i = 0; i < b.count; i++) reach = Math.max(reach, out(b.params[2 * i]!, x), out(b.params[2 * i + 1]!, y));
          if (e.type === 'runEnd') done = true;
        }
      }
      return { lr: best.run.hyperparameters.lr as number, reach };
    };
    assert.equal(adam!.tune!.objective, PANEL_TUNE_OBJECTIVE);
    const mean = tunedReach(PANEL_TUNE_OBJECTIVE), final = tunedReach('finalLoss');
    assert.ok(final.reach > 5, `the final loss's best η = ${final.lr} flies ${final.reach.toFixed(1)} half-windows out`);
    assert.ok(mean.reach < 1.5, `the mean loss's best η = ${mean.lr} stays within ${mean.reach.toFixed(2)} half-windows`);
  });

  it('withLearningRateTune tunes η over the optimizer\'s declared grid by the mean loss, and keeps a tune the run has', () => {
    const grid = tunables(optimizerSpec('sgd')!).find((x) => x.name === 'lr')!.grid;
    assert.deepEqual(withLearningRateTune({ optimizer: 'sgd', hyperparameters: {} }).tune, { lr: grid, objective: 'meanLoss' });
    assert.deepEqual(withLearningRateTune({ optimizer: 'sgd', hyperparameters: {} }, panelTuneSeeds({ noise: 0.1 })).tune, { lr: grid, objective: 'meanLoss', seeds: PANEL_TUNE_SEEDS },
      'on a noisy loss, over seeds');
    assert.equal(panelTuneSeeds({ batchSize: 8 }), PANEL_TUNE_SEEDS, 'mini-batches too');
    assert.equal(panelTuneSeeds({}), 1, 'a deterministic loss: one seed');
    const own = { optimizer: 'sgd', hyperparameters: {}, tune: { lr: [0.1, 0.2] } };
    assert.equal(withLearningRateTune(own), own);
  });

  it('a tune over 3 seeds (gradient noise) brings each tuned run back with seeds +1 and +2, each as the tuning scored that seed', async function () {
    this.timeout(30_000);
    const e: PanelExperiment = { ...EXPERIMENT, noise: 0.5, seed: 7, runs: [{ optimizer: 'adam', hyperparameters: {}, tune: { lr: [0.001, 0.01, 0.1], seeds: 3 } }] };
    const t = started(e);
    const comparison = await t.comparison;
    const [result] = await t.session.results;
    assert.deepEqual(comparison.runs.map((r) => [r.ghost === true, r.seed, r.seedOf]), [[false, undefined, undefined], [true, undefined, undefined], [false, 8, 0], [false, 9, 0]]);
    assert.match(comparison.runs[2]!.label ?? '', /^Adam η=0\.\d+ \(seed 2\)$/);
    assert.deepEqual(seedGroups(comparison.runs, (i) => `run ${i}`), ['run 0', null, 'run 0', 'run 0']);
    assert.deepEqual(colorPositions(comparison.runs), [0, 0, 0, 0]);
    // Each seed's run, as the panel runs the comparison, ends at the loss the tuning scored for that seed.
    const checked = validatePanelExperiment(comparison, validateExperiment);
    assert.ok(checked.ok);
    const problem = getProblem('rosenbrock')!;
    const runner = new Runner(checked.experiment, problem.objective(), problem.init);
    const last: number[] = [];
    while (!runner.finished) for (const ev of runner.advance(100_000)) if (ev.type === 'points') for (const b of ev.batches) last[b.run] = b.loss[b.count - 1]!;
    const best = result!.grid[0]!.indexOf(comparison.runs[0]!.hyperparameters.lr as number);
    assert.deepEqual([last[0], last[2], last[3]], result!.values[best], 'seeds 0, 1, 2 of the best η, bit for bit');
    assert.notEqual(last[2], last[0], 'another seed, another trajectory');
  });

  it('a run no grid point of which scored finite stays as written beside its ghost', () => {
    const e: PanelExperiment = { ...EXPERIMENT, runs: [EXPERIMENT.runs[0]] };
    const checked = validateExperiment({ loss: e.loss, steps: e.steps, seed: 0, runs: [{ optimizer: 'gd', lr: 0.0001, tune: { lr: [0.0001, 0.0005, 0.001] } }] });
    assert.ok(checked.ok);
    const plan = { run: 0, axes: [{ tunable: tunables(optimizerSpec('gd')!)[0], values: [0.0001, 0.0005, 0.001] }] };
    const result = { best: null, bestPoint: -1 };
    const out = tunedComparison(e, checked.experiment, [plan] as never, [result] as never);
    assert.deepEqual(out.runs.map((r) => [r.hyperparameters.lr, r.ghost === true]), [[0.0001, false], [0.0001, true]]);
  });
});
