import * as assert from 'node:assert/strict';
import { formatIssue, serializeExperiment, validateExperiment, parseExperiment } from '../../src/engine/experiment';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { experimentJsonSchema, type JsonSchema } from '../../src/engine/schema';
import { gridValues, MAX_TUNE_CONFIGURATIONS, TUNABLE_NAMES, tunables, tunableSymbol } from '../../src/engine/tune';
import type { ValidationIssue } from '../../src/engine/types';
import { experiment } from './helpers';

const base = (over: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }, { optimizer: 'momentum' }], ...over });

function refused(raw: Record<string, unknown>): ValidationIssue[] {
  const r = validateExperiment(raw);
  assert.equal(r.ok, false, 'expected the experiment to be refused');
  return r.ok ? [] : r.issues;
}
/** The issue at `path`, whose message matches `reason`. */
function issueAt(raw: Record<string, unknown>, path: string, reason: RegExp): void {
  const issues = refused(raw);
  const found = issues.find((i) => i.path === path);
  assert.ok(found, `no issue at ${path}; issues:\n${issues.map(formatIssue).join('\n')}`);
  assert.match(found.message, reason);
}

describe('tune: grids', () => {
  it('{min, max, count} is log-spaced with both ends exact, decades exact', () => {
    assert.deepEqual(gridValues({ min: 1e-5, max: 10, count: 7 }), [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
    const v = gridValues({ min: 1e-5, max: 10, count: 32 });
    assert.equal(v.length, 32);
    assert.equal(v[0], 1e-5);
    assert.equal(v[31], 10);
    for (let i = 1; i < v.length; i++) {
      assert.ok(v[i] > v[i - 1], 'increasing');
      // Equal ratios, up to the rounding to 3 significant digits (at most 0.5 in the third digit).
      assert.ok(Math.abs(Math.log10(v[i] / v[i - 1]) - 6 / 31) < 2 * Math.log10(1.005), 'equal ratios');
    }
    for (const x of v) assert.equal(x, Number(x.toPrecision(3)), `${x} has 3 significant digits`);
  });

  it('rounds a dense log-spaced grid to more digits when 3 would merge values', () => {
    const v = gridValues({ min: 1, max: 1.01, count: 50 });
    assert.equal(v.length, 50);
    for (let i = 1; i < v.length; i++) assert.ok(v[i] > v[i - 1], `increasing at ${i}: ${v[i - 1]}, ${v[i]}`);
    assert.ok(v.some((x) => x !== Number(x.toPrecision(3))), 'more than 3 digits where needed');
    assert.ok(v.every((x) => x === Number(x.toPrecision(6))), 'no more digits than needed');
  });

  it('a list is taken as given, in its order', () => {
    assert.deepEqual(gridValues([0.9, 0, 0.5]), [0.9, 0, 0.5]);
  });

  it('the registry declares lr, momentum, β₁ and weight decay tunable, β₁ as element 0 of betas', () => {
    assert.deepEqual([...TUNABLE_NAMES].sort(), ['beta1', 'lr', 'momentum', 'weightDecay']);
    for (const o of OPTIMIZERS) assert.ok(tunables(o).some((t) => t.name === 'lr'), `${o.id} tunes lr`);
    const adam = tunables(OPTIMIZERS.find((o) => o.id === 'adam')!);
    const beta1 = adam.find((t) => t.name === 'beta1')!;
    assert.equal(beta1.hyperparameter.name, 'betas');
    assert.equal(beta1.element, 0);
    assert.deepEqual(tunableSymbol(beta1), { text: 'β₁', tex: String.raw`\beta_1` });
  });
});

describe('tune: valid experiments', () => {
  it('fills the objective, the seeds and, when no hyperparameter is named, lr over its declared grid', () => {
    const e = experiment(base({ tune: {} }));
    for (const run of e.runs) assert.deepEqual(run.tune, { lr: { min: 1e-5, max: 10, count: 32 }, objective: 'finalLoss', seeds: 1 });
  });

  it('a top-level tune applies to every run; a run\'s own replaces it', () => {
    const e = experiment(base({
      tune: { lr: [0.1, 1], objective: 'meanLoss' },
      runs: [{ optimizer: 'adam' }, { optimizer: 'momentum', tune: { momentum: [0, 0.9], lr: { min: 0.001, max: 0.1, count: 3 }, objective: { stepsTo: 1e-3 }, seeds: 3 } }],
    }));
    assert.deepEqual(e.runs[0].tune, { lr: [0.1, 1], objective: 'meanLoss', seeds: 1 });
    assert.deepEqual(e.runs[1].tune, { momentum: [0, 0.9], lr: { min: 0.001, max: 0.1, count: 3 }, objective: { stepsTo: 1e-3 }, seeds: 3 });
    assert.deepEqual(Object.keys(e.runs[1].tune!), ['momentum', 'lr', 'objective', 'seeds'], 'the order as written: momentum varies slowest');
  });

  it('β₁ is tuned under the name beta1; noise is kept', () => {
    const e = experiment(base({ runs: [{ optimizer: 'adam', tune: { beta1: [0, 0.5, 0.9] } }], noise: 0.5 }));
    assert.deepEqual(e.runs[0].tune, { beta1: [0, 0.5, 0.9], objective: 'finalLoss', seeds: 1 });
    assert.equal(e.noise, 0.5);
  });

  it('a validated experiment validates again unchanged, and its file reads back equal', () => {
    const e = experiment(base({ tune: { lr: { min: 1e-4, max: 1, count: 5 }, objective: { stepsTo: 0.01 }, seeds: 2 }, noise: 0.1 }));
    const again = validateExperiment(e);
    assert.ok(again.ok);
    assert.deepEqual(again.experiment, e);
    const read = parseExperiment(serializeExperiment(e));
    assert.ok(read.ok, read.ok ? '' : read.issues.map(formatIssue).join('\n'));
    assert.deepEqual(read.experiment, e);
  });

  it('the JSON Schema accepts the tunes the validator accepts', () => {
    const schema = experimentJsonSchema();
    const tune = (schema.definitions as Record<string, JsonSchema>).tune;
    const props = tune.properties as Record<string, JsonSchema>;
    assert.deepEqual(Object.keys(props).sort(), [...TUNABLE_NAMES, 'objective', 'seeds'].sort());
    assert.equal(tune.additionalProperties, false);
    assert.ok((schema.properties as Record<string, JsonSchema>).noise);
    assert.ok((schema.properties as Record<string, JsonSchema>).tune);
  });
});

describe('tune: bad specs are refused with the path and the reason', () => {
  it('an empty grid', () => {
    issueAt(base({ tune: { lr: [] } }), 'tune.lr', /empty grid/);
    issueAt(base({ tune: { lr: { min: 0.1, max: 0.1, count: 4 } } }), 'tune.lr', /is empty: min and max are both 0.1/);
    issueAt(base({ tune: { lr: { min: 0.1, max: 1, count: 0 } } }), 'tune.lr.count', /integer ≥ 2/);
  });

  it('an inverted grid', () => {
    issueAt(base({ tune: { lr: { min: 1, max: 0.01, count: 8 } } }), 'tune.lr', /inverted: max 0.01 is below min 1/);
  });

  it('a log-spaced grid from 0, a missing or unknown field of a grid', () => {
    issueAt(base({ tune: { lr: { min: 0, max: 1, count: 8 } } }), 'tune.lr.min', /> 0.*log-spaced/);
    issueAt(base({ tune: { lr: { min: 0.1, count: 8 } } }), 'tune.lr.max', /is required/);
    issueAt(base({ tune: { lr: { min: 0.1, max: 1, cout: 8 } } }), 'tune.lr.cout', /did you mean "count"/);
    issueAt(base({ tune: { lr: [0.1, 'x'] } }), 'tune.lr[1]', /must be a finite number, got "x"/);
    issueAt(base({ tune: { lr: 0.1 } }), 'tune.lr', /must be \{"min"/);
  });

  it('an unknown hyperparameter, with "did you mean"', () => {
    issueAt(base({ tune: { lrr: [0.1] } }), 'tune.lrr', /unknown field — did you mean "lr"\?/);
  });

  it('a hyperparameter that cannot be tuned', () => {
    issueAt(base({ tune: { eps: [1e-8, 1e-6] } }), 'tune.eps', /"eps" cannot be tuned \(a tune varies "lr", .*"beta1"/);
  });

  it('a hyperparameter the run\'s optimizer cannot tune (top-level and a run\'s own)', () => {
    issueAt(base({ tune: { momentum: [0, 0.9] } }), 'tune.momentum', /runs\[0\] \(adam\) cannot tune "momentum" \(adam tunes "lr", "beta1", "weightDecay"\)/);
    issueAt(base({ runs: [{ optimizer: 'gd', tune: { beta1: [0.9] } }] }), 'runs[0].tune.beta1', /runs\[0\] \(gd\) cannot tune "beta1"/);
  });

  it('a third hyperparameter', () => {
    issueAt(base({ runs: [{ optimizer: 'sgd' }], tune: { lr: [0.1], momentum: [0.9], weightDecay: [0] } }), 'tune', /varies 3 hyperparameters \(lr, momentum, weightDecay\); at most 2/);
  });

  it('a missing target, an unknown objective', () => {
    issueAt(base({ tune: { objective: { stepsTo: undefined } } }), 'tune.objective.stepsTo', /is required: the loss to reach/);
    issueAt(base({ tune: { objective: {} } }), 'tune.objective.stepsTo', /is required/);
    issueAt(base({ tune: { objective: 'stepsTo' } }), 'tune.objective', /needs the loss to reach/);
    issueAt(base({ tune: { objective: { stepsTo: 'low' } } }), 'tune.objective.stepsTo', /finite number/);
    issueAt(base({ tune: { objective: 'finalloss' } }), 'tune.objective', /did you mean "finalLoss"/);
  });

  it('seeds that are not a whole number from 1 to 100', () => {
    issueAt(base({ tune: { seeds: 0 } }), 'tune.seeds', /integer ≥ 1 and ≤ 100/);
    issueAt(base({ tune: { seeds: 1.5 } }), 'tune.seeds', /integer/);
  });

  it('grid values outside the hyperparameter\'s bounds', () => {
    issueAt(base({ runs: [{ optimizer: 'momentum' }], tune: { momentum: [0, 0.9, 1] } }), 'tune.momentum[2]', /≥ 0 and < 1 for momentum, got 1/);
    issueAt(base({ runs: [{ optimizer: 'adam' }], tune: { beta1: { min: 0.5, max: 2, count: 3 } } }), 'tune.beta1.max', /< 1 for beta1, got 2/);
    issueAt(base({ tune: { lr: [-0.1, 0.1] } }), 'tune.lr[0]', /≥ 0 for lr, got -0.1/);
  });

  it('a grid point that breaks an optimizer\'s rule (Nesterov needs momentum > 0)', () => {
    issueAt(base({ runs: [{ optimizer: 'sgd', nesterov: true, momentum: 0.9 }], tune: { momentum: [0, 0.9] } }), 'tune.momentum', /momentum = 0: Nesterov momentum requires momentum > 0/);
  });

  it('a hyperparameter both swept and tuned', () => {
    issueAt(base({ sweep: { lr: [0.1, 1] }, tune: { lr: [0.01] } }), 'tune.lr', /tuned and also swept \(sweep.lr\)/);
    issueAt(base({ runs: [{ optimizer: 'adam' }], sweep: { betas: [[0.9, 0.99]] }, tune: { beta1: [0.5] } }), 'tune.beta1', /swept \(sweep.betas\)/);
  });

  it('more configurations than the limit, up front', () => {
    const count = 1000;
    issueAt(base({ runs: OPTIMIZERS.map((o) => ({ optimizer: o.id })), tune: { lr: { min: 1e-5, max: 1, count }, seeds: 10 } }), 'tune',
      new RegExp(`would run ${((count + 1) * 10 * OPTIMIZERS.length).toLocaleString('en-US')} configurations.*at most ${MAX_TUNE_CONFIGURATIONS.toLocaleString('en-US')}`));
  });

  it('a tune that is not an object; noise that is not a number ≥ 0', () => {
    issueAt(base({ tune: [0.1] }), 'tune', /must be an object/);
    issueAt(base({ runs: [{ optimizer: 'adam', tune: 'lr' }] }), 'runs[0].tune', /must be an object/);
    issueAt(base({ noise: -1 }), 'noise', /≥ 0, got -1 \(the standard deviation/);
    issueAt(base({ noise: 'big' }), 'noise', /got "big"/);
  });

  it('reports every problem at once', () => {
    const issues = refused(base({ tune: { lr: [], eps: [1], objective: 'x', seeds: 0 } }));
    assert.deepEqual(issues.map((i) => i.path).sort(), ['tune.eps', 'tune.lr', 'tune.objective', 'tune.seeds']);
  });
});
