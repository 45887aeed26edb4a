/**
 * The exported PyTorch scripts reproduce the CLI: for every optimizer, every schedule type with its
 * default fields, both kinds of clipping, a snippet with loops, helpers and embedded data (on
 * mini-batches), and the data presets, `optimizer-playground pytorch FILE | /usr/bin/python3` prints
 * final parameters equal to `optimizer-playground run FILE --json`'s to 1e-9 relative.
 *
 * Needs Debian's python3-torch (torch 1.13) at /usr/bin/python3 (.ci/run installs it) and
 * dist/cli.js and dist/pytorch.js from `npm run build`. The experiments are made from the
 * declarations (OPTIMIZERS, SCHEDULES), so a new optimizer or schedule is checked without an edit.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLIP_FIELDS } from '../../src/engine/clip';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { PROBLEMS } from '../../src/engine/problems';
import { SCHEDULES } from '../../src/engine/schedules';
import { PRELUDE } from '../../src/pytorch/prelude';
import { translateSnippet } from '../../src/pytorch/translate';
import { repoPath } from '../repoRoot';
import { TorchProcess } from './torchProcess';

const CLI = repoPath('dist', 'cli.js');
/**
 * Both sides compute the same float64 operations in the same order except where torch's kernels
 * and V8's libm round differently (last bits of exp, cos, pow; torch's recursive schedulers):
 * trajectories of a few dozen steps agree far below this.
 */
const RELATIVE = 1e-9;

interface Final { label: string; loss: number | null; params: (number | null)[] }

function cliFinals(file: string): Final[] {
  const r = spawnSync(process.execPath, [CLI, 'run', file, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const runs = (JSON.parse(r.stdout) as { runs: { label: string; points: { loss: number | null; params: (number | null)[] }[] }[] }).runs;
  return runs.map((run) => ({ label: run.label, ...run.points[run.points.length - 1] }));
}

async function torchFinals(torch: TorchProcess, file: string): Promise<{ finals: Final[]; script: string }> {
  const exported = spawnSync(process.execPath, [CLI, 'pytorch', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(exported.stderr, '', 'everything was translated');
  const printed = await torch.run(exported.stdout);
  return { finals: printed.trim().split('\n').map((line) => JSON.parse(line) as Final), script: exported.stdout };
}

const close = (a: number | null, b: number | null): boolean =>
  a === null || b === null ? a === b : Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-300;

async function compare(torch: TorchProcess, name: string, experiment: Record<string, unknown>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-pytorch-'));
  const file = path.join(dir, `${name}.optim.json`);
  fs.writeFileSync(file, JSON.stringify(experiment, null, 2));
  try {
    const want = cliFinals(file);
    const { finals: got, script } = await torchFinals(torch, file);
    assert.deepEqual(got.map((g) => g.label), want.map((w) => w.label), 'one line per run, in order, with the CLI\'s labels');
    want.forEach((w, i) => {
      const g = got[i];
      assert.equal(g.params.length, w.params.length, w.label);
      w.params.forEach((x, k) => assert.ok(close(g.params[k], x), `${w.label}: params[${k}] torch ${g.params[k]} vs CLI ${x}`));
      assert.ok(close(g.loss, w.loss), `${w.label}: loss torch ${g.loss} vs CLI ${w.loss}`);
    });
    return script;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Learning rates that move every optimizer visibly on Rosenbrock in 40 steps without diverging. */
const LR: Readonly<Record<string, number>> = {
  gd: 0.0005, momentum: 0.0005, sgd: 0.0005, adagrad: 0.3, rmsprop: 0.01, adam: 0.05, adamw: 0.05,
  adamax: 0.05, nadam: 0.05, radam: 0.05, adadelta: 1, lion: 0.01,
};

describe('pytorch: exported scripts reproduce the CLI under torch (python3-torch)', function () {
  this.timeout(240_000);

  let torch: TorchProcess;
  before(async () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build`');
    torch = new TorchProcess();
    assert.match(await torch.version, /^1\.13/, 'Debian\'s python3-torch (torch 1.13)');
  });
  after(() => torch?.close());

  it('every optimizer, at its defaults and with a non-default hyperparameter each', async () => {
    const runs = OPTIMIZERS.flatMap((o) => {
      const lr = LR[o.id] ?? 0.001;
      const changed = o.hyperparameters.find((h) => h.name !== 'lr' && h.kind !== 'betas');
      const other = changed?.kind === 'boolean' ? (o.id === 'sgd' ? { nesterov: true, momentum: 0.9 } : { [changed.name]: true })
        : changed ? { [changed.name]: changed.name === 'eps' ? 1e-6 : changed.name === 'weightDecay' ? 0.1 : 0.5 } : {};
      return [{ optimizer: o.id, lr }, { optimizer: o.id, lr, weightDecay: 0.01, ...other }];
    });
    assert.ok(OPTIMIZERS.every((o) => LR[o.id] !== undefined), 'every optimizer has a learning rate here');
    const script = await compare(torch, 'optimizers', { loss: { preset: 'rosenbrock' }, steps: 40, runs });
    assert.doesNotMatch(script, /lion_pytorch|pip install/, 'torch only');
  });

  it('every schedule type with only its required fields (the declaration\'s defaults), and the paths torch has no class for', async () => {
    const required = (type: string) => Object.fromEntries(SCHEDULES.find((s) => s.type === type)!.fields
      .filter((f) => f.required).map((f) => [f.name, f.name === 'gamma' ? 0.95 : f.integer ? 7 : 0.5]));
    const runs = [
      ...SCHEDULES.map((s) => ({ optimizer: 'sgd', lr: 0.001, momentum: 0.5, schedule: { type: s.type, ...required(s.type) } })),
      { optimizer: 'adam', lr: 0.05, schedule: { type: 'linearWarmup', warmup: 10, startFactor: 0.2 } },
      { optimizer: 'adam', lr: 0.05, schedule: { type: 'cosine', warmup: 5, minLr: 0.001 } },
      { optimizer: 'adam', lr: 0.05, schedule: { type: 'oneCycle', steps: 20 } },
      { optimizer: 'momentum', lr: 0.0005, schedule: { type: 'step', stepSize: 10, gamma: 0.5 } },
      { optimizer: 'adagrad', lr: 0.3, lrDecay: 0.01, schedule: { type: 'exponential', gamma: 0.97 } },
      { optimizer: 'sgd', lr: 0, schedule: { type: 'cosine', minLr: 0.0001 } },
    ];
    const script = await compare(torch, 'schedules', { loss: { preset: 'rosenbrock' }, steps: 40, runs });
    assert.match(script, /LambdaLR\(opt, lambda c: min\(c, 7\) \/ 7\)/, 'a default linearWarmup starts from 0, as the engine does');
  });

  it('clipping by norm and by value', async () => {
    const runs = CLIP_FIELDS.flatMap((f) => [
      { optimizer: 'sgd', lr: 0.01, clip: { [f.name]: 0.5 } },
      { optimizer: 'adam', lr: 0.1, clip: { [f.name]: 2 } },
    ]);
    await compare(torch, 'clipping', { loss: { preset: 'beale' }, steps: 40, runs });
  });

  it('a snippet with helpers, loops, branches and embedded data, on seeded mini-batches', async () => {
    const source = `/** A robust regression on embedded data. */
const sq = (v: number): number => v * v;
function huber(r: number, delta = 1): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * sq(a) : delta * (a - 0.5 * delta);
}
export const data: number[][] = [];
for (let i = 0; i < 24; i++) {
  const x = i / 8 - 1;
  data.push([x, 3 * x - 0.5 + (i % 3 === 0 ? 0.4 : -0.2) + Math.sin(7 * x) / 4]);
}
export default function loss([w, b]: number[], batch: number[][] = data): number {
  let total = 0;
  let k = 0;
  while (k < batch.length) {
    const [x, y] = batch[k];
    if (x > 0.9) { k++; continue; }
    total += huber(w * x + b - y, 0.8);
    k++;
  }
  const penalty = [w, b].map((v) => 0.01 * v * v).reduce((s, v) => s + v, 0);
  return total / batch.length + penalty + Math.exp(-Math.max(w, 0));
}
export const init = [0.5, 1];`;
    await compare(torch, 'snippet', {
      loss: { source }, steps: 30, batchSize: 5, seed: 7,
      runs: [{ optimizer: 'sgd', lr: 0.1, momentum: 0.9 }, { optimizer: 'adam', lr: 0.05 }, { optimizer: 'lion', lr: 0.01 }],
    });
  });

  it('the data presets, full-batch and on mini-batches, and a preset of any dimension', async () => {
    await compare(torch, 'linear', { loss: { preset: 'linear-regression' }, steps: 40, batchSize: 16, seed: 3,
      runs: [{ optimizer: 'adam', lr: 0.1 }, { optimizer: 'sgd', lr: 0.05, momentum: 0.9, schedule: { type: 'cosine', warmup: 4 } }] });
    await compare(torch, 'logistic', { loss: { preset: 'logistic-regression' }, steps: 40,
      runs: [{ optimizer: 'rmsprop', lr: 0.05 }, { optimizer: 'nadam', lr: 0.05 }] });
    await compare(torch, 'rastrigin', { loss: { preset: 'rastrigin' }, init: [1.2, -0.7, 2.1], steps: 30,
      runs: [{ optimizer: 'adam', lr: 0.05 }] });
  });

  it('gradient noise: the same seeded Gaussian stream added to every gradient, full-batch and on mini-batches', async () => {
    await compare(torch, 'noise', { loss: { preset: 'rosenbrock' }, steps: 40, seed: 11, noise: 0.5,
      runs: [{ optimizer: 'sgd', lr: 0.0005, momentum: 0.9 }, { optimizer: 'adam', lr: 0.05 }] });
    await compare(torch, 'noise-batches', { loss: { preset: 'linear-regression' }, steps: 30, batchSize: 8, seed: 2, noise: 0.1,
      runs: [{ optimizer: 'rmsprop', lr: 0.05 }] });
  });

  it('every built-in problem\'s Python is its TypeScript source, translated: the same loss at its start point and beside it', async () => {
    const points = (init: readonly number[]) => [init, init.map((x, i) => x + 0.25 * (i + 1))];
    const blocks = PROBLEMS.map((p) => {
      const t = translateSnippet(p.source);
      assert.deepEqual(t.untranslated, [], p.name);
      return `g = dict(globals())\nexec(${JSON.stringify(t.python)}, g)\n`
        + `print(json.dumps([g[${JSON.stringify(t.exports.loss)}](torch.tensor(x, dtype=torch.float64)).item() for x in ${JSON.stringify(points(p.init))}]))`;
    });
    const printed = await torch.run(`${PRELUDE}\n${blocks.join('\n')}\n`);
    const lines = printed.trim().split('\n').map((l) => JSON.parse(l) as number[]);
    PROBLEMS.forEach((p, i) => {
      const objective = p.objective();
      points(p.init).forEach((x, k) => {
        const want = objective.value(Float64Array.from(x), null);
        assert.ok(close(lines[i][k], want), `${p.name} at ${JSON.stringify(x)}: torch ${lines[i][k]} vs engine ${want}`);
      });
    });
  });
});
