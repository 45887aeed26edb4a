/**
 * Parity with torch.optim: the engine's optimizers, schedules and clipping replay the trajectories
 * recorded by tools/torch/generate_fixtures.py (PyTorch 1.13, float64) step by step, and every
 * parameter, loss and learning rate agrees to a relative error of 1e-10, and so does the optimizer's
 * state (moments, buffers, step counts) after the last step.
 *
 * The problems are re-implemented here (not imported from src/engine/problems.ts) so that this test
 * checks the optimizers alone, with analytic gradients.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { optimizerSpec } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import { applyUpdates } from '../../src/engine/transforms';
import type { ClipSpec, Hyperparameters, ScheduleSpec, Vec } from '../../src/engine/types';
import { repoPath } from '../repoRoot';

interface FixtureProblem { readonly init: number[]; readonly A?: number[]; readonly c?: number[] }
interface FixtureCase {
  readonly optimizer: string;
  readonly setting: string;
  readonly problem: string;
  readonly hyperparameters: Hyperparameters;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
  readonly steps: number;
  readonly params: number[][];
  readonly loss: number[];
  readonly lr: number[];
  /** torch's `optimizer.state[param]` after the last step. */
  readonly state: Record<string, number | number[]>;
}
interface Fixture {
  readonly generator: string;
  readonly torch: string;
  readonly dtype: string;
  readonly problems: Record<string, FixtureProblem>;
  readonly cases: FixtureCase[];
}

const TOLERANCE = 1e-10;
/**
 * Near a minimum a buffer such as momentum is a sum of O(1) gradients that has cancelled to ~1e-7;
 * its relative error says nothing there, so state entries also pass within this absolute error
 * (a few ulps of the O(1) terms). Parameters and losses get no such floor.
 */
const STATE_FLOOR = 1e-14;

function load(name: string): Fixture {
  return JSON.parse(fs.readFileSync(repoPath('test', 'fixtures', 'torch', name), 'utf8')) as Fixture;
}

/** Loss and gradient (written into g) of a fixture problem. */
type LossAndGrad = (x: Vec, g: Vec) => number;

function problem(name: string, spec: FixtureProblem): LossAndGrad {
  switch (name) {
    case 'rosenbrock':
      return (x, g) => {
        const [a, b] = x;
        const r = b - a * a;
        g[0] = -2 * (1 - a) - 400 * a * r;
        g[1] = 200 * r;
        return (1 - a) * (1 - a) + 100 * r * r;
      };
    case 'himmelblau':
      return (x, g) => {
        const [a, b] = x;
        const p = a * a + b - 11;
        const q = a + b * b - 7;
        g[0] = 4 * a * p + 2 * q;
        g[1] = 2 * p + 4 * b * q;
        return p * p + q * q;
      };
    case 'styblinskiTang5':
      return (x, g) => {
        let s = 0;
        for (let i = 0; i < x.length; i++) {
          const v = x[i];
          s += v ** 4 - 16 * v * v + 5 * v;
          g[i] = 0.5 * (4 * v * v * v - 32 * v + 5);
        }
        return 0.5 * s;
      };
    case 'quadratic5': {
      const A = spec.A;
      const c = spec.c;
      if (!A || !c) throw new Error('quadratic5 fixture problem lacks A or c');
      const n = c.length;
      const r = new Float64Array(n);
      return (x, g) => {
        for (let i = 0; i < n; i++) r[i] = x[i] - c[i];
        let s = 0;
        for (let i = 0; i < n; i++) {
          let ar = 0;
          for (let j = 0; j < n; j++) ar += A[i * n + j] * r[j];
          g[i] = ar;
          s += r[i] * ar;
        }
        return 0.5 * s;
      };
    }
    default:
      throw new Error(`unknown fixture problem "${name}"`);
  }
}

function relErr(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), Math.abs(actual));
}

/** Where torch's state entries live in the engine's chain state: [transformation, field]. */
function stateLocation(optimizer: string, key: string): [string | null, string] {
  if (key === 'momentum_buffer') return ['traceMomentum', 'trace'];
  const fields: Record<string, string> = {
    step: 'count', exp_avg: 'mu', exp_avg_sq: 'nu', max_exp_avg_sq: 'nuMax', exp_inf: 'nuInf', mu_product: 'muProduct',
    sum: 'sum', grad_avg: 'mu', acc_delta: 'accDelta', square_avg: optimizer === 'adadelta' ? 'squareAvg' : 'nu',
  };
  if (!(key in fields)) throw new Error(`${optimizer}: torch state "${key}" has no counterpart in the engine`);
  return [null, fields[key]]; // null: the optimizer's own scaling (scaleByAdam, scaleByRms, …)
}

const GENERIC = new Set(['clip', 'clipByGlobalNorm', 'addDecayedWeights', 'traceMomentum', 'scaleByLearningRate']);

/** The largest relative error seen over all cases, reported at the end of the run. */
const worst = { err: 0, where: '' };

/**
 * Replays a case with the engine. `as` replays it with another optimizer that should trace the same
 * path (the seed's forms against torch's SGD); the final state is then not compared.
 */
function replay(fixture: Fixture, c: FixtureCase, as?: { optimizer: string; hyperparameters: Hyperparameters }): void {
  const where = `${as ? `${as.optimizer} as ` : ''}${c.optimizer} [${c.setting}] on ${c.problem}`;
  const run = {
    label: where, optimizer: as?.optimizer ?? c.optimizer, hyperparameters: as?.hyperparameters ?? c.hyperparameters,
    ...(c.schedule ? { schedule: c.schedule } : {}), ...(c.clip ? { clip: c.clip } : {}),
  };
  const opt = createOptimizer(run, c.steps);
  const f = problem(c.problem, fixture.problems[c.problem]);
  const params = Float64Array.from(c.params[0]);
  const u = new Float64Array(params.length);
  const state = opt.transform.init(params);
  const check = (what: string, step: number, actual: number, expected: number, absFloor = 0): void => {
    const e = Math.abs(actual - expected) <= absFloor ? 0 : relErr(actual, expected);
    if (e > worst.err) { worst.err = e; worst.where = `${where}, step ${step}, ${what}`; }
    if (!(e <= TOLERANCE)) {
      assert.fail(`${where}: step ${step}, ${what}: engine ${actual}, torch ${expected} (relative error ${e.toExponential(2)} > ${TOLERANCE})`);
    }
  };
  for (let k = 0; k < c.steps; k++) {
    const loss = f(params, u);
    check('loss', k, loss, c.loss[k]);
    check('learning rate', k, opt.learningRate(k), c.lr[k]);
    opt.transform.update(u, state, params);
    applyUpdates(params, u);
    for (let i = 0; i < params.length; i++) check(`θ[${i}]`, k + 1, params[i], c.params[k + 1][i]);
  }
  check('loss', c.steps, f(params, u), c.loss[c.steps]);
  if (as) return;
  for (const [key, expected] of Object.entries(c.state)) {
    const [name, field] = stateLocation(c.optimizer, key);
    const entry = state.find((e) => (name === null ? !GENERIC.has(e.name) : e.name === name));
    assert.ok(entry, `${where}: no chain member holds torch's state "${key}"`);
    const actual = (entry.state as Record<string, unknown>)[field];
    if (typeof expected === 'number') {
      assert.equal(typeof actual, 'number', `${where}: ${entry.name}.${field}`);
      check(`state ${key} (${entry.name}.${field})`, c.steps, actual as number, expected, STATE_FLOOR);
    } else {
      assert.ok(actual instanceof Float64Array && actual.length === expected.length, `${where}: ${entry.name}.${field}`);
      for (let i = 0; i < expected.length; i++) {
        check(`state ${key}[${i}] (${entry.name}.${field})`, c.steps, actual[i], expected[i], STATE_FLOOR);
      }
    }
  }
}

describe('parity with torch.optim (float64, relative error ≤ 1e-10 at every step, and the final state)', () => {
  const files = ['optimizers.json', 'schedules-clip.json', 'lion.json'];
  after(() => {
    // A figure for the report: how close the closest-to-failing value came.
    console.log(`      largest relative error: ${worst.err.toExponential(2)} (${worst.where})`);
  });

  for (const file of files) {
    const fixture = load(file);
    describe(`${file} (${fixture.generator}, torch ${fixture.torch})`, () => {
      it('was generated in float64 by PyTorch, with well-formed cases', () => {
        assert.equal(fixture.dtype, 'float64');
        assert.match(fixture.torch, /^1\.13/);
        assert.ok(fixture.cases.length > 0);
        for (const c of fixture.cases) {
          const spec = optimizerSpec(c.optimizer);
          assert.ok(spec, `unknown optimizer ${c.optimizer}`);
          const names = spec.hyperparameters.map((h) => h.name);
          for (const k of Object.keys(c.hyperparameters)) assert.ok(names.includes(k), `${c.optimizer}: ${k} is not in the registry`);
          assert.equal(c.params.length, c.steps + 1);
          assert.equal(c.loss.length, c.steps + 1);
          assert.equal(c.lr.length, c.steps);
        }
      });
      for (const c of fixture.cases) {
        it(`${c.optimizer} [${c.setting}] on ${c.problem}, ${c.steps} steps`, () => replay(fixture, c));
      }
    });
  }

  describe('the seed\'s forms replay torch\'s SGD (constant η): gd ≡ SGD(momentum=0), momentum ≡ SGD(momentum=β)', () => {
    const fixture = load('optimizers.json');
    for (const c of fixture.cases.filter((k) => k.optimizer === 'sgd' && k.hyperparameters.dampening === 0 && !k.hyperparameters.nesterov)) {
      const { lr, momentum, weightDecay } = c.hyperparameters as Record<string, number>;
      const as: { optimizer: string; hyperparameters: Hyperparameters } = momentum === 0
        ? { optimizer: 'gd', hyperparameters: { lr, weightDecay } }
        : { optimizer: 'momentum', hyperparameters: { lr, momentum, weightDecay } };
      it(`${as.optimizer} as sgd [${c.setting}] on ${c.problem}`, () => replay(fixture, c, as));
    }
  });

  it('covers every PyTorch optimizer with ≥ 3 settings on ≥ 3 problems, ≥ 50 steps, and the flags', () => {
    const { cases } = load('optimizers.json');
    const torchIds = ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'adadelta'];
    for (const id of torchIds) {
      const mine = cases.filter((c) => c.optimizer === id);
      assert.ok(new Set(mine.map((c) => c.setting)).size >= 3, `${id}: fewer than 3 settings`);
      assert.ok(new Set(mine.map((c) => c.problem)).size >= 3, `${id}: fewer than 3 problems`);
      assert.ok(mine.every((c) => c.steps >= 50), `${id}: a case has fewer than 50 steps`);
    }
    const has = (id: string, pred: (h: Hyperparameters) => boolean): boolean =>
      cases.some((c) => c.optimizer === id && pred(c.hyperparameters));
    assert.ok(has('sgd', (h) => h.nesterov === true), 'nesterov');
    assert.ok(has('sgd', (h) => (h.dampening as number) > 0), 'dampening');
    assert.ok(has('sgd', (h) => (h.weightDecay as number) > 0), 'sgd weight decay');
    assert.ok(has('rmsprop', (h) => h.centered === true), 'centered');
    assert.ok(has('rmsprop', (h) => (h.momentum as number) > 0), 'rmsprop momentum');
    assert.ok(has('adam', (h) => h.amsgrad === true), 'amsgrad');
    assert.ok(has('adam', (h) => (h.weightDecay as number) > 0), 'adam weight decay');
    assert.ok(has('adamw', (h) => h.amsgrad === true), 'adamw amsgrad');
    assert.ok(has('adagrad', (h) => (h.lrDecay as number) > 0), 'lr_decay');
    assert.ok(has('adagrad', (h) => (h.initialAccumulatorValue as number) > 0), 'initial_accumulator_value');
    const sched = load('schedules-clip.json').cases;
    for (const t of ['step', 'exponential', 'linearWarmup', 'oneCycle', 'cosine']) {
      assert.ok(sched.some((c) => c.schedule?.type === t), `schedule ${t}`);
    }
    assert.ok(sched.some((c) => c.clip && 'norm' in c.clip), 'clip by norm');
    assert.ok(sched.some((c) => c.clip && 'value' in c.clip), 'clip by value');
  });
});
