import * as assert from 'node:assert/strict';
import {
  findJsonError, formatIssue, jsonValueOffsets, locateIssue, parseExperiment, serializeExperiment, validateExperiment, type ExperimentResult,
} from '../../src/engine/experiment';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import type { Experiment, ValidationIssue } from '../../src/engine/types';

const DESIGN_EXAMPLE = `{
  "title": "Adam at three learning rates",
  "loss": { "preset": "rosenbrock" },
  "init": [-1.5, 2],
  "steps": 200,
  "seed": 0,
  "batchSize": 16,
  "runs": [
    { "optimizer": "adam", "lr": 0.1, "label": "Adam η=0.1" },
    { "optimizer": "sgd", "lr": 0.001, "momentum": 0.9,
      "schedule": { "type": "cosine", "steps": 200, "warmup": 10 } }
  ],
  "sweep": { "lr": [0.001, 0.01, 0.1] }
}`;

function ok(result: ExperimentResult): Experiment {
  if (!result.ok) assert.fail(`expected a valid experiment, got:\n${result.issues.map(formatIssue).join('\n')}`);
  return result.experiment;
}
function issues(raw: unknown): ValidationIssue[] {
  const result = validateExperiment(raw);
  assert.equal(result.ok, false, 'expected the experiment to be refused');
  return result.ok ? [] : result.issues;
}
/** The one issue at `path` (fails when there is none). */
function issueAt(list: readonly ValidationIssue[], path: string): ValidationIssue {
  const found = list.find((i) => i.path === path);
  assert.ok(found, `no issue at ${path}; issues:\n${list.map(formatIssue).join('\n')}`);
  return found;
}
const base = (over: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam' }], ...over });
const run = (r: Record<string, unknown>): Record<string, unknown> => base({ runs: [r] });

describe('experiment files', () => {
  describe('valid experiments', () => {
    it('accepts the design\'s example, fills defaults and expands the sweep in order', () => {
      const e = ok(parseExperiment(DESIGN_EXAMPLE));
      assert.equal(e.title, 'Adam at three learning rates');
      assert.deepEqual(e.loss, { preset: 'rosenbrock' });
      assert.deepEqual(e.init, [-1.5, 2]);
      assert.equal(e.steps, 200);
      assert.equal(e.batchSize, 16);
      assert.equal(e.tolerance, 1e-8);
      assert.equal(e.runs.length, 6);
      assert.deepEqual(e.runs.map((r) => r.optimizer), ['adam', 'adam', 'adam', 'sgd', 'sgd', 'sgd']);
      assert.deepEqual(e.runs.map((r) => r.hyperparameters.lr), [0.001, 0.01, 0.1, 0.001, 0.01, 0.1]);
      assert.deepEqual(e.runs[0].hyperparameters, { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
      assert.deepEqual(e.runs[3].schedule, { type: 'cosine', steps: 200, warmup: 10 });
      assert.equal(new Set(e.runs.map((r) => r.label)).size, 6, 'labels are distinct');
      assert.deepEqual(e.runs.map((r) => r.label).slice(3), ['SGD μ=0.9 η=0.001', 'SGD μ=0.9 η=0.01', 'SGD μ=0.9 η=0.1']);
    });

    it('uses defaults: steps 100, seed 0, tolerance 1e-8, the preset\'s start point', () => {
      const e = ok(validateExperiment(base()));
      assert.equal(e.steps, 100);
      assert.equal(e.seed, 0);
      assert.equal(e.tolerance, 1e-8);
      assert.deepEqual(e.init, [-1.5, 2]);
      assert.equal(e.batchSize, undefined);
      assert.equal(e.title, undefined);
    });

    it('gives readable default labels and makes equal ones distinct', () => {
      const e = ok(validateExperiment(base({ runs: [
        { optimizer: 'adam' }, { optimizer: 'sgd', momentum: 0.9 }, { optimizer: 'sgd', momentum: 0.9, nesterov: true },
        { optimizer: 'adamw', lr: 0.1 }, { optimizer: 'adamw', lr: 0.01 }, { optimizer: 'gd', weightDecay: 0.1 },
      ] })));
      assert.deepEqual(e.runs.map((r) => r.label), [
        'Adam η=0.001', 'SGD η=0.001 μ=0.9', 'SGD η=0.001 μ=0.9 nesterov', 'AdamW η=0.1', 'AdamW η=0.01', 'Gradient descent η=0.01 λ=0.1',
      ]);
    });

    it('keeps the user\'s labels, numbering identical runs', () => {
      const e = ok(validateExperiment(base({ runs: [{ optimizer: 'adam', label: 'mine' }, { optimizer: 'adam' }, { optimizer: 'adam' }] })));
      assert.deepEqual(e.runs.map((r) => r.label), ['mine', 'Adam η=0.001', 'Adam η=0.001 #2']);
    });

    it('sweeps several hyperparameters as every combination, the first varying slowest; a swept value replaces the run\'s', () => {
      const e = ok(validateExperiment(base({
        runs: [{ optimizer: 'sgd', lr: 0.5, momentum: 0.5 }],
        sweep: { lr: [0.1, 0.2], momentum: [0, 0.9] },
      })));
      assert.deepEqual(e.runs.map((r) => [r.hyperparameters.lr, r.hyperparameters.momentum]), [[0.1, 0], [0.1, 0.9], [0.2, 0], [0.2, 0.9]]);
      assert.deepEqual(e.runs.map((r) => r.label), ['SGD η=0.1 μ=0', 'SGD η=0.1 μ=0.9', 'SGD η=0.2 μ=0', 'SGD η=0.2 μ=0.9']);
    });

    it('accepts any start length for problems of any dimension and for snippets (init unknown until compiled)', () => {
      assert.deepEqual(ok(validateExperiment(base({ loss: { preset: 'styblinski-tang' }, init: [1, 2, 3, 4, 5] }))).init, [1, 2, 3, 4, 5]);
      const snippet = ok(validateExperiment(base({ loss: { source: 'export default function loss([x]: number[]) { return x * x; }' } })));
      assert.equal(snippet.init, undefined);
      assert.deepEqual(ok(validateExperiment(base({ loss: { file: 'loss.ts' }, init: [1] }))).loss, { file: 'loss.ts' });
    });

    it('carries schedule, clip, enabled and label through', () => {
      const e = ok(validateExperiment(run({ optimizer: 'adam', schedule: { type: 'step', stepSize: 10 }, clip: { norm: 1 }, enabled: false, label: 'x' })));
      assert.deepEqual(e.runs[0].schedule, { type: 'step', stepSize: 10 });
      assert.deepEqual(e.runs[0].clip, { norm: 1 });
      assert.equal(e.runs[0].enabled, false);
      assert.equal(e.runs[0].label, 'x');
    });

    it('accepts every optimizer with its defaults, and a $schema reference', () => {
      for (const o of OPTIMIZERS) {
        const e = ok(validateExperiment(base({ $schema: './optim.schema.json', runs: [{ optimizer: o.id }] })));
        assert.deepEqual(Object.keys(e.runs[0].hyperparameters), o.hyperparameters.map((h) => h.name));
      }
    });

    it('round-trips through serializeExperiment', () => {
      for (const text of [DESIGN_EXAMPLE, JSON.stringify(base({ title: 'T', steps: 7, seed: -3, tolerance: 1e-3, loss: { source: 'export default (p: number[]) => p[0] ** 2;\n' }, init: [0.5],
        runs: [{ optimizer: 'sgd', momentum: 0.9, nesterov: true, clip: { value: 2 }, enabled: false }, { optimizer: 'adam', betas: [0.5, 0.6], amsgrad: true }] }))]) {
        const e = ok(parseExperiment(text));
        const written = serializeExperiment(e);
        assert.deepEqual(ok(parseExperiment(written)), e);
        assert.equal(serializeExperiment(ok(parseExperiment(written))), written, 'serialization is stable');
      }
    });

    it('validates its own output unchanged (hyperparameters nested as in a RunSpec are accepted too)', () => {
      const e = ok(parseExperiment(DESIGN_EXAMPLE));
      assert.deepEqual(ok(validateExperiment(JSON.parse(JSON.stringify(e)))), e);
      const list = issues(run({ optimizer: 'adam', lr: 0.1, hyperparameters: { lr: 0.2, momentum: 1 } }));
      assert.match(issueAt(list, 'runs[0].hyperparameters.lr').message, /given twice/);
      assert.match(issueAt(list, 'runs[0].hyperparameters.momentum').message, /unknown hyperparameter "momentum" for adam/);
      assert.ok(issueAt(issues(run({ optimizer: 'adam', hyperparameters: 3 })), 'runs[0].hyperparameters'));
    });

    it('writes one run per line with only the hyperparameters that differ from their defaults (and lr)', () => {
      const text = serializeExperiment(ok(validateExperiment(run({ optimizer: 'adam', lr: 0.1, eps: 1e-6 }))));
      assert.match(text, /\n {4}\{"optimizer": "adam", "lr": 0.1, "eps": 0.000001\}\n/, 'the automatic label is left out');
      const own = serializeExperiment(ok(validateExperiment(run({ optimizer: 'adam', label: 'mine' }))));
      assert.match(own, /\{"optimizer": "adam", "label": "mine", "lr": 0.001\}/);
    });
  });

  describe('refusals, each with its path and reason', () => {
    it('unknown optimizer, with "did you mean"', () => {
      const i = issueAt(issues(run({ optimizer: 'adma' })), 'runs[0].optimizer');
      assert.match(formatIssue(i), /^runs\[0\]\.optimizer: unknown optimizer "adma" — did you mean "adam"\?/);
      assert.match(issueAt(issues(run({})), 'runs[0].optimizer').message, /is required/);
      assert.match(issueAt(issues(run({ optimizer: 3 })), 'runs[0].optimizer').message, /got 3/);
    });

    it('unknown hyperparameter for that optimizer, with "did you mean" and the valid ones', () => {
      const i = issueAt(issues(run({ optimizer: 'adam', momentum: 0.9, betaz: [0.9, 0.9] })), 'runs[0].momentum');
      assert.match(i.message, /unknown hyperparameter "momentum" for adam/);
      assert.match(i.message, /lr, betas, eps, weightDecay, amsgrad/);
      assert.match(issueAt(issues(run({ optimizer: 'adam', betaz: [0.9, 0.9] })), 'runs[0].betaz').message, /did you mean "betas"\?/);
    });

    it('learning rate < 0 or not finite; 0 is allowed, as torch.optim allows it', () => {
      for (const lr of [-0.1, -1e-300, Infinity, NaN]) {
        assert.match(issueAt(issues(run({ optimizer: 'sgd', lr })), 'runs[0].lr').message, /^must be a number ≥ 0, got /);
      }
      assert.match(issueAt(issues(run({ optimizer: 'sgd', lr: '0.1' })), 'runs[0].lr').message, /must be a number ≥ 0, got "0.1"/);
      for (const optimizer of ['sgd', 'adam', 'adagrad', 'adadelta', 'lion', 'gd']) {
        assert.equal(ok(validateExperiment(run({ optimizer, lr: 0 }))).runs[0].hyperparameters.lr, 0, optimizer);
      }
      assert.equal(ok(validateExperiment(run({ optimizer: 'sgd', lr: -0 }))).runs[0].hyperparameters.lr, 0);
    });

    it('betas outside [0, 1), naming the index', () => {
      const list = issues(run({ optimizer: 'adam', betas: [1, -0.1] }));
      assert.equal(issueAt(list, 'runs[0].betas[0]').message, 'must be a number ≥ 0 and < 1, got 1');
      assert.equal(issueAt(list, 'runs[0].betas[1]').message, 'must be a number ≥ 0 and < 1, got -0.1');
      assert.match(issueAt(issues(run({ optimizer: 'adam', betas: [0.9] })), 'runs[0].betas').message, /pair/);
      assert.match(issueAt(issues(run({ optimizer: 'lion', betas: 0.9 })), 'runs[0].betas').message, /pair/);
    });

    it('eps ≤ 0, negative weight decay, momentum outside [0, 1), booleans that are not booleans', () => {
      assert.equal(issueAt(issues(run({ optimizer: 'adam', eps: 0 })), 'runs[0].eps').message, 'must be a number > 0, got 0');
      assert.equal(issueAt(issues(run({ optimizer: 'adamw', weightDecay: -0.01 })), 'runs[0].weightDecay').message, 'must be a number ≥ 0, got -0.01');
      assert.equal(issueAt(issues(run({ optimizer: 'sgd', momentum: 1 })), 'runs[0].momentum').message, 'must be a number ≥ 0 and < 1, got 1');
      assert.equal(issueAt(issues(run({ optimizer: 'rmsprop', momentum: -0.5 })), 'runs[0].momentum').message, 'must be a number ≥ 0 and < 1, got -0.5');
      assert.match(issueAt(issues(run({ optimizer: 'adam', amsgrad: 'yes' })), 'runs[0].amsgrad').message, /must be true or false/);
    });

    it('nesterov without momentum, or with dampening', () => {
      assert.match(issueAt(issues(run({ optimizer: 'sgd', nesterov: true })), 'runs[0].nesterov').message, /^Nesterov momentum requires momentum > 0 and dampening 0, got momentum 0 and dampening 0$/);
      assert.ok(issueAt(issues(run({ optimizer: 'sgd', nesterov: true, momentum: 0.9, dampening: 0.1 })), 'runs[0].nesterov'));
      // A sweep that sets momentum to 0 for a Nesterov run is refused too, naming the sweep value.
      const swept = issueAt(issues(base({ runs: [{ optimizer: 'sgd', nesterov: true, momentum: 0.9 }], sweep: { momentum: [0.9, 0] } })), 'runs[0].nesterov');
      assert.match(swept.message, /sweep momentum\[1\]/);
    });

    it('steps outside 1…10,000,000 or not an integer; seed, batchSize, tolerance', () => {
      for (const steps of [0, -1, 10_000_001, 1.5, '100', null]) {
        assert.match(issueAt(issues(base({ steps })), 'steps').message, /^must be an integer ≥ 1 and ≤ 10,000,000, got /);
      }
      assert.equal(ok(validateExperiment(base({ steps: 10_000_000 }))).steps, 10_000_000);
      assert.ok(issueAt(issues(base({ seed: 0.5 })), 'seed'));
      assert.ok(issueAt(issues(base({ batchSize: 0 })), 'batchSize'));
      assert.ok(issueAt(issues(base({ tolerance: 0 })), 'tolerance'));
      assert.ok(issueAt(issues(base({ tolerance: -1 })), 'tolerance'));
    });

    it('init of the wrong length or with non-numbers', () => {
      assert.match(issueAt(issues(base({ init: [1, 2, 3] })), 'init').message, /has 3 numbers, but "rosenbrock" has 2 parameters/);
      assert.match(issueAt(issues(base({ init: [1, 'a'] })), 'init[1]').message, /finite number/);
      assert.ok(issueAt(issues(base({ init: [] })), 'init'));
      assert.ok(issueAt(issues(base({ init: [1, NaN] })), 'init[1]'));
    });

    it('unknown preset with "did you mean"; a loss that is not exactly one of preset/source/file', () => {
      assert.match(issueAt(issues(base({ loss: { preset: 'rosenbrok' } })), 'loss.preset').message, /unknown preset "rosenbrok" — did you mean "rosenbrock"\?/);
      assert.ok(issueAt(issues(base({ loss: { preset: 'beale', source: 'x' } })), 'loss'));
      assert.ok(issueAt(issues(base({ loss: {} })), 'loss'));
      assert.ok(issueAt(issues(base({ loss: 'rosenbrock' })), 'loss'));
      assert.ok(issueAt(issues(base({ loss: { sauce: 'x' } })), 'loss.sauce'));
      assert.ok(issueAt(issues({ runs: [{ optimizer: 'adam' }] }), 'loss'));
    });

    it('an empty or missing list of runs', () => {
      assert.match(issueAt(issues(base({ runs: [] })), 'runs').message, /non-empty array/);
      assert.match(issueAt(issues({ loss: { preset: 'beale' } }), 'runs').message, /is required/);
      assert.ok(issueAt(issues(base({ runs: [42] })), 'runs[0]'));
    });

    it('bad schedule and clip fields, and run fields of the wrong type', () => {
      assert.ok(issues(run({ optimizer: 'adam', schedule: { type: 'cosine', warmup: 101 } })).some((i) => i.path === 'runs[0].schedule.warmup'),
        'warmup is checked against the experiment\'s steps when the schedule has none');
      assert.ok(issues(run({ optimizer: 'adam', schedule: { type: 'step' } })).some((i) => i.path === 'runs[0].schedule.stepSize'));
      assert.ok(issues(run({ optimizer: 'adam', schedule: { type: 'cosin', steps: 10 } })).some((i) => i.path.startsWith('runs[0].schedule')));
      assert.ok(issues(run({ optimizer: 'adam', clip: { norm: -1 } })).some((i) => i.path.startsWith('runs[0].clip')));
      assert.ok(issueAt(issues(run({ optimizer: 'adam', label: 3 })), 'runs[0].label'));
      assert.ok(issueAt(issues(run({ optimizer: 'adam', enabled: 'no' })), 'runs[0].enabled'));
    });

    it('unknown top-level fields, with "did you mean"', () => {
      assert.match(issueAt(issues(base({ step: 100 })), 'step').message, /unknown field — did you mean "steps"\?/);
      assert.ok(issueAt(issues(JSON.parse('{"__proto__": {"x": 1}, "loss": {"preset": "beale"}, "runs": [{"optimizer": "adam"}]}')), '__proto__'));
      assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype pollution');
    });

    it('a bad sweep: unknown name, empty list, a value out of bounds, a name one run\'s optimizer lacks', () => {
      assert.ok(issueAt(issues(base({ sweep: { lrr: [0.1] } })), 'sweep.lrr'));
      assert.ok(issueAt(issues(base({ sweep: { lr: [] } })), 'sweep.lr'));
      assert.match(issueAt(issues(base({ sweep: { lr: [0.1, -1] } })), 'sweep.lr[1]').message, /must be a number ≥ 0, got -1/);
      assert.match(issueAt(issues(base({ sweep: { momentum: [0.9] } })), 'sweep.momentum').message, /runs\[0\] \(adam\) has no hyperparameter "momentum"/);
      assert.ok(issueAt(issues(base({ sweep: [1] })), 'sweep'));
      assert.match(issueAt(issues(base({ sweep: { lr: Array.from({ length: 2000 }, (_, i) => (i + 1) / 1e4) } })), 'sweep').message, /at most 1000/);
    });

    it('reports every issue at once, not just the first', () => {
      const list = issues({
        loss: { preset: 'rosenbrock' }, init: [1, 2, 3], steps: 0, extra: true,
        runs: [{ optimizer: 'adma' }, { optimizer: 'adam', lr: -1, betas: [1, 0.5], eps: 0 }, { optimizer: 'sgd', nesterov: true }],
      });
      for (const path of ['init', 'steps', 'extra', 'runs[0].optimizer', 'runs[1].lr', 'runs[1].betas[0]', 'runs[1].eps', 'runs[2].nesterov']) issueAt(list, path);
      assert.equal(list.length, 8);
    });

    it('a document that is not an object', () => {
      for (const raw of [null, 3, 'x', [], true]) assert.ok(issueAt(issues(raw), ''));
    });
  });

  describe('malformed JSON', () => {
    const position = (text: string): ValidationIssue & { line?: number; column?: number } => {
      const result = parseExperiment(text);
      assert.equal(result.ok, false);
      if (result.ok) throw new Error('unreachable');
      assert.equal(result.issues.length, 1, 'one issue');
      return result.issues[0];
    };

    it('names the line and column of the first error', () => {
      const i = position('{\n  "loss": {"preset": "rosenbrock"},\n  "runs": [\n    {"optimizer": "adam",}\n  ]\n}');
      assert.equal(i.line, 4);
      assert.equal(i.column, 26);
      assert.match(i.message, /^malformed JSON at line 4, column 26: expected a property name \(JSON has no trailing commas\), found "}"/);
    });

    it('explains common mistakes: single quotes, missing commas, unterminated strings, truncated files', () => {
      assert.match(position("{'loss': 1}").message, /line 1, column 2: strings and names use double quotes/);
      assert.match(position('{"a": 1\n "b": 2}').message, /line 2, column 2: expected "," or "}" after a property value/);
      assert.match(position('{"a": "abc').message, /line 1, column 7: unterminated string/);
      assert.match(position('{"a": [1, 2').message, /line 1, column 12: expected "," or "]" after an array element, found the end of the text/);
      assert.match(position('').message, /line 1, column 1: expected a value/);
      assert.match(position('{"a": 1} x').message, /column 10: expected the end of the text/);
      assert.match(position('{"a": 01}').message, /line 1, column 8/);
      assert.match(position('[1, 2,]').message, /no trailing commas/);
      assert.match(position('{"a": tru}').message, /invalid literal/);
      assert.match(position('{"a": "\\x"}').message, /invalid escape/);
      assert.match(position('\r\n\r\n  nul').message, /line 3, column 3/);
    });

    it('agrees with JSON.parse about what is valid', () => {
      for (const text of ['{}', '[]', '0', '-0.5e+3', '"\\u00e9\\n"', ' {"a": [true, false, null, {"b": []}]} ', '{"a":1,"a":2}']) {
        assert.doesNotThrow(() => JSON.parse(text));
        assert.equal(findJsonError(text), undefined, text);
      }
    });

    it('accepts a byte-order mark', () => {
      ok(parseExperiment(`\ufeff${DESIGN_EXAMPLE}`));
    });
  });
});

describe('locating issues in the text', () => {
  const text = '{\n  "loss": {"preset": "rosenbrock"},\n  "runs": [\n    {"optimizer": "adam", "betas": [1, 0.9]},\n    {"lr": 0.1}\n  ]\n}\n';

  it('finds the value a path names, and the nearest enclosing value for a missing field', () => {
    const result = parseExperiment(text);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const beta = result.issues.find((i) => i.path === 'runs[0].betas[0]')!;
    assert.deepEqual(locateIssue(text, beta), { line: 4, column: 37, endLine: 4, endColumn: 38 });
    const missing = result.issues.find((i) => i.path === 'runs[1].optimizer')!;
    assert.deepEqual(locateIssue(text, missing), { line: 5, column: 5, endLine: 5, endColumn: 16 });
    assert.deepEqual(locateIssue(text, { path: 'nowhere', message: '' }), { line: 1, column: 1, endLine: 7, endColumn: 2 });
  });

  it('uses the position of a JSON syntax error', () => {
    const result = parseExperiment('{"a": }');
    assert.ok(!result.ok);
    if (result.ok) return;
    assert.deepEqual(locateIssue('{"a": }', result.issues[0]), { line: 1, column: 7, endLine: 1, endColumn: 8 });
  });

  it('maps every path of a document to its exact text', () => {
    const offsets = jsonValueOffsets(text);
    assert.equal(text.slice(offsets.get('runs[0].optimizer')!.start, offsets.get('runs[0].optimizer')!.end), '"adam"');
    assert.equal(text.slice(offsets.get('runs[1]')!.start, offsets.get('runs[1]')!.end), '{"lr": 0.1}');
    assert.equal(text.slice(offsets.get('loss.preset')!.start, offsets.get('loss.preset')!.end), '"rosenbrock"');
    assert.equal(jsonValueOffsets('{').size, 0);
  });
});

describe('programmatic callers', () => {
  it('refuse holes in sparse arrays instead of skipping them', () => {
    // eslint-disable-next-line no-sparse-arrays
    const runs = [, { optimizer: 'adam' }];
    const r = validateExperiment({ loss: { preset: 'booth' }, runs });
    assert.ok(!r.ok && r.issues.some((i) => i.path === 'runs[0]'));
    // eslint-disable-next-line no-sparse-arrays
    const s = validateExperiment({ loss: { preset: 'booth' }, runs: [{ optimizer: 'adam' }], sweep: { lr: [0.1, , 0.2] } });
    assert.ok(!s.ok && s.issues.some((i) => i.path === 'sweep.lr[1]'));
  });
});
