import * as assert from 'node:assert/strict';
import { validateExperiment } from '../../src/engine/experiment';
import { validateSchedule } from '../../src/engine/schedules';
import { SCHEDULES } from '../../src/engine/schedules';
import type { PanelExperiment } from '../../src/protocol';
import {
  addRun, defaultLabel, defaultSchedule, duplicateRun, expandLrSweep, fieldPath, hasAutoLabel, placeIssues, removeRun, runHyperparameters, runLabel,
  setHyperparameter, setInitCoordinate, setOptimizer, setRunProperty, toggleRun, validateDraft,
} from '../../src/webview/experimentDraft';
import { toExperimentFile } from '../../src/protocol';

const base: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, steps: 200, seed: 0,
  runs: [
    { label: 'Adam η=0.1', optimizer: 'adam', hyperparameters: { lr: 0.1 } },
    { label: 'my SGD', optimizer: 'sgd', hyperparameters: { lr: 0.001, momentum: 0.9 } },
  ],
};

describe('webview/experimentDraft', () => {
  it('lists every hyperparameter of the run\'s optimizer, defaults marked', () => {
    const hps = runHyperparameters(base, 0);
    assert.deepEqual(hps.map((h) => h.spec.name), ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
    assert.deepEqual(hps.map((h) => h.isDefault), [false, true, true, true, true]);
    assert.deepEqual(hps[1]!.value, [0.9, 0.999]);
    assert.equal(hps[0]!.path, 'runs[0].lr');
  });

  it('keeps automatic labels in step with the optimizer and η (absent: the automatic one), and leaves custom labels alone', () => {
    let e = setHyperparameter(base, 0, 'lr', 0.01);
    assert.equal(e.runs[0]!.label, undefined, 'an automatic label is not stored');
    assert.equal(runLabel(e, 0), 'Adam η=0.01');
    e = setOptimizer(e, 0, 'rmsprop');
    assert.equal(runLabel(e, 0), 'RMSprop η=0.01');
    e = setHyperparameter(e, 1, 'lr', 0.5);
    assert.equal(e.runs[1]!.label, 'my SGD');
    assert.ok(hasAutoLabel(e.runs[0]!));
    const emptied = setRunProperty(e, 1, 'label', '  ');
    assert.equal(emptied.runs[1]!.label, undefined, 'an emptied label becomes automatic');
    assert.equal(runLabel(emptied, 1), 'SGD η=0.5 μ=0.9');
    assert.equal(setRunProperty(e, 1, 'label', 'SGD η=0.5 μ=0.9').runs[1]!.label, undefined, 'the automatic label typed out is automatic');
  });

  it('treats the engine\'s automatic label as automatic (one scheme: no label is guessed back)', () => {
    const run = { label: 'Adam η=0.00005', optimizer: 'adam', hyperparameters: { lr: 5e-5 } };
    assert.ok(hasAutoLabel(run));
    assert.equal(runLabel(setHyperparameter({ ...base, runs: [run] }, 0, 'lr', 0.01), 0), 'Adam η=0.01');
    assert.ok(!hasAutoLabel({ ...run, label: 'Adam η=0.1' }), 'a label naming another η is the user\'s');
    assert.ok(!hasAutoLabel({ ...run, label: 'mine η=0.00005' }));
  });

  it('switching optimizer keeps only the hyperparameters the new one has', () => {
    const e = setOptimizer(base, 1, 'adam');
    assert.deepEqual(e.runs[1]!.hyperparameters, { lr: 0.001 });
    assert.equal(e.runs[1]!.optimizer, 'adam');
    assert.equal(setOptimizer(base, 1, 'nope'), base, 'unknown ids are ignored');
  });

  it('a default value is removed, not stored', () => {
    const e = setHyperparameter(base, 1, 'momentum', undefined);
    assert.deepEqual(e.runs[1]!.hyperparameters, { lr: 0.001 });
  });

  it('adds, duplicates, removes and toggles runs', () => {
    let e = addRun(base);
    assert.equal(e.runs.length, 3);
    assert.equal(e.runs[2]!.optimizer, 'rmsprop', 'the first preferred optimizer not used yet');
    e = duplicateRun(e, 1);
    assert.equal(e.runs[2]!.label, 'my SGD (copy)');
    assert.deepEqual(e.runs[2]!.hyperparameters, e.runs[1]!.hyperparameters);
    assert.notEqual(e.runs[2]!.hyperparameters, e.runs[1]!.hyperparameters, 'a copy, not a shared object');
    e = toggleRun(e, 0, false);
    assert.equal(e.runs[0]!.enabled, false);
    assert.equal(toggleRun(e, 0, true).runs[0]!.enabled, undefined);
    e = removeRun(e, 0);
    assert.equal(e.runs[0]!.label, 'my SGD');
    assert.equal(base.runs.length, 2, 'edits never mutate');
  });

  it('a learning-rate sweep replaces one run by one run per rate, in order, labelled', () => {
    const e = expandLrSweep(base, 0, [0.001, 0.01, 0.1]);
    assert.deepEqual(e.runs.map((_, i) => runLabel(e, i)), ['Adam η=0.001', 'Adam η=0.01', 'Adam η=0.1', 'my SGD']);
    assert.deepEqual(e.runs.map((r) => r.label), [undefined, undefined, undefined, 'my SGD'], 'automatic labels are not stored');
    assert.deepEqual(e.runs.map((r) => r.hyperparameters.lr), [0.001, 0.01, 0.1, 0.001]);
    const custom = expandLrSweep(base, 1, [0.1, 0.2]);
    assert.deepEqual(custom.runs.slice(1).map((r) => r.label), ['my SGD η=0.1', 'my SGD η=0.2']);
    assert.deepEqual(custom.runs[1]!.hyperparameters, { lr: 0.1, momentum: 0.9 });
  });

  it('sets one start coordinate from the loss\'s default start', () => {
    assert.deepEqual(setInitCoordinate(base, 1, 3, [-1.5, 2]).init, [-1.5, 3]);
  });

  it('maps to the experiment-file shape that the engine validates to the same runs', () => {
    const e = setRunProperty(setRunProperty(toggleRun(base, 1, false), 0, 'schedule', { type: 'cosine', steps: 200 }), 0, 'clip', { norm: 1 });
    const file = toExperimentFile(e);
    assert.deepEqual((file.runs as unknown[])[0], { optimizer: 'adam', label: 'Adam η=0.1', lr: 0.1, schedule: { type: 'cosine', steps: 200 }, clip: { norm: 1 } });
    assert.deepEqual((file.runs as unknown[])[1], { optimizer: 'sgd', label: 'my SGD', lr: 0.001, momentum: 0.9, enabled: false });
    const valid = validateExperiment(file);
    assert.ok(valid.ok);
    if (!valid.ok) return;
    assert.equal(valid.experiment.runs[0]!.hyperparameters.lr, 0.1);
    assert.deepEqual(valid.experiment.runs[0]!.hyperparameters.betas, [0.9, 0.999]);
    assert.equal(valid.experiment.runs[1]!.enabled, false);
  });

  it('validates with the engine\'s rules, cross-field ones included, at file paths', () => {
    assert.deepEqual(validateDraft(base), []);
    const nesterov = setHyperparameter(setHyperparameter(base, 1, 'momentum', undefined), 1, 'nesterov', true);
    const issues = validateDraft(nesterov);
    assert.ok(issues.some((i) => i.path.startsWith('runs[1]') && /momentum|nesterov/i.test(i.message)), JSON.stringify(issues));
    const badInit = validateDraft({ ...base, init: [1, 2, 3] });
    assert.ok(badInit.some((i) => i.path === 'init'), JSON.stringify(badInit));
  });

  it('puts issues on fields: exact path, container → first field, deeper → enclosing field, else general', () => {
    const fields = ['steps', 'init[0]', 'init[1]', 'runs[0].lr', 'runs[0].betas[0]', 'runs[0].betas[1]', 'runs[1].clip.norm'];
    const { byField, general } = placeIssues([
      { path: 'runs[0].lr', message: 'must be > 0' },
      { path: 'runs[0].betas', message: 'must be two numbers' },
      { path: 'init', message: 'has 3 numbers' },
      { path: 'runs[1].clip.norm.x', message: 'deep' },
      { path: 'runs[0].lr', message: 'second' },
      { path: 'title', message: 'must be a string' },
      { path: '', message: 'not an object' },
    ], fields);
    assert.equal(byField.get('runs[0].lr'), 'must be > 0; second');
    assert.equal(byField.get('runs[0].betas[0]'), 'must be two numbers');
    assert.equal(byField.get('init[0]'), 'has 3 numbers');
    assert.equal(byField.get('runs[1].clip.norm'), 'deep');
    assert.deepEqual(general.map((g) => g.path), ['title', '']);
  });

  it('reads issue paths of the message shape as field paths', () => {
    assert.equal(fieldPath('experiment.runs[2].hyperparameters.lr'), 'runs[2].lr');
    assert.equal(fieldPath('runs[0].hyperparameters.betas[1]'), 'runs[0].betas[1]');
    assert.equal(fieldPath('steps'), 'steps');
  });

  it('default schedules of every type are valid for the engine', () => {
    for (const s of SCHEDULES) {
      const spec = defaultSchedule(s.type, 200);
      assert.deepEqual(validateSchedule(spec, 'schedule'), [], `${s.type}: ${JSON.stringify(spec)}`);
    }
  });

  it('labels runs by optimizer name and η', () => {
    assert.equal(defaultLabel({ optimizer: 'sgd', hyperparameters: {} }), 'SGD η=0.001');
    assert.equal(defaultLabel({ optimizer: 'adam', hyperparameters: { lr: 1e-5 } }), 'Adam η=0.00001');
    assert.equal(defaultLabel({ optimizer: 'sgd', hyperparameters: { momentum: 0.9, weightDecay: 0.1 } }), 'SGD η=0.001 μ=0.9 λ=0.1', 'the engine\'s own scheme');
  });
});
