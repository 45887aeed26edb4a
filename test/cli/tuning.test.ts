/**
 * The CLI's tuning (DESIGN "Tuning"): `--json` carries `tuning` as the contract says and each
 * tuned run at its best, whose trajectory is that configuration's own (its final loss is the best
 * score, bit for bit); `--summary` ranks the runs, as written and tuned; `--out` adds the
 * sensitivity chart and the phase diagram as SVG with their text alternatives; a bad tune exits 1
 * with its path and reason.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './runCli';

interface TuningEntry {
  run: number; label: string; parameters: string[]; grid: number[][]; objective: unknown;
  values: (number | null)[][]; best: { hyperparameters: Record<string, number>; objective: number | null } | null;
}
interface JsonOut {
  tuning: TuningEntry[];
  runs: { label: string; optimizer: string; hyperparameters: Record<string, unknown>; status: string; points: { step: number; loss: number | null }[] }[];
}

const RAVINE = `export default function loss([x, y]: number[]): number {
  const across = y - Math.sin(x);
  return 0.1 * x * x + 10 * across * across;
}
export const init = [-3, 1.5];
export const domain = { x: [-4.5, 1.5], y: [-2, 2] };
`;

describe('cli: tuning', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'optim-tuning-'));
    writeFileSync(path.join(dir, 'ravine.ts'), RAVINE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, experiment: unknown): string {
    const f = path.join(dir, `${name}.optim.json`);
    writeFileSync(f, JSON.stringify(experiment));
    return f;
  }

  it('--json: tuning per run as the contract says, and each tuned run at its best, its trajectory that configuration\'s own', async () => {
    const f = file('json', {
      loss: { file: 'ravine.ts' }, steps: 200,
      runs: [{ optimizer: 'gd', tune: { lr: { min: 1e-4, max: 1, count: 9 }, objective: 'finalLoss' } }, { optimizer: 'adam', tune: { lr: [0.01, 0.1, 1], beta1: [0, 0.9], objective: 'finalLoss', seeds: 1 } }, { optimizer: 'sgd', lr: 0.01 }],
    });
    // Traced (src/snippet/startupTrace.ts, what bench/tuning.ts reads): the moments go to stderr, in order, stdout stays the JSON.
    const r = await cli(['run', f, '--json'], { OPTIMIZER_PLAYGROUND_TRACE: '1' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as JsonOut;
    const trace = [...r.stderr.matchAll(/^trace ([\d.]+) (.+)$/gm)].map((m) => [m[2], Number(m[1])] as const);
    const at = (name: string): number => trace.find(([n]) => n === name)?.[1] ?? Infinity;
    const runsDone = Math.max(...trace.filter(([n]) => /^session done( #\d+)?$/.test(n)).map(([, ms]) => ms));
    assert.ok(at('cli main') < at('experiment read') && at('experiment read') < at('sandbox ready') && at('sandbox ready') < at('scores'), r.stderr);
    assert.ok(Math.min(at('compiled'), at('compile cache hit')) < at('session info'), 'the loss compiled (or came from the cache) before it loaded');
    assert.ok(at('scores') < runsDone && runsDone < at('exit') && at('exit') < Infinity, r.stderr);
    assert.deepEqual(out.tuning.map((t) => [t.run, t.label, t.parameters, t.objective]), [[0, 'Gradient descent', ['lr'], 'finalLoss'], [1, 'Adam', ['lr', 'beta1'], 'finalLoss']]);
    const gd = out.tuning[0];
    assert.equal(gd.grid.length, 1);
    assert.equal(gd.grid[0].length, 9);
    assert.equal(gd.grid[0][0], 1e-4);
    assert.equal(gd.grid[0][8], 1);
    assert.equal(gd.values.length, 9);
    assert.ok(gd.values.every((seeds) => seeds.length === 1));
    assert.ok(gd.values.some((seeds) => seeds[0] === null), 'a large η diverges: its score is null (+∞)');
    assert.deepEqual(out.tuning[1].grid, [[0.01, 0.1, 1], [0, 0.9]]);
    assert.equal(out.tuning[1].values.length, 6);
    for (const t of out.tuning) {
      const finite = t.values.map((s) => s[0]).map((v, i) => [v, i] as const).filter(([v]) => v !== null) as [number, number][];
      const [least, at] = finite.reduce((a, b) => (b[0] < a[0] ? b : a));
      assert.equal(t.best?.objective, least, `${t.label}: the best is the least score`);
      const run = out.runs[t.run];
      assert.equal(run.hyperparameters.lr, t.best?.hyperparameters.lr, `${t.label} runs at its best η`);
      const inner = t.grid[1]?.length ?? 1;
      assert.equal(run.hyperparameters.lr, t.grid[0][Math.floor(at / inner)]);
      assert.equal(run.points.length, 201);
      assert.equal(run.points[200].loss, least, `${t.label}: the tuned run's final loss is its score, bit for bit`);
    }
    assert.deepEqual((out.runs[1].hyperparameters.betas as number[])[0], out.tuning[1].best?.hyperparameters.beta1);
    assert.equal(out.runs[2].hyperparameters.lr, 0.01, 'a run without a tune runs as written');
    assert.equal(out.runs.length, 3);
  });

  it('--summary: per tuned run its value as written and its score, the tuned value and its score, and the rank', async () => {
    const f = file('summary', {
      loss: { preset: 'rosenbrock' }, steps: 300,
      tune: { lr: { min: 1e-4, max: 1, count: 13 } },
      runs: [{ optimizer: 'gd', lr: 0.01 }, { optimizer: 'adam', lr: 0.001 }],
    });
    const r = await cli(['run', f, '--summary']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => /^rank\s+run\s+as written\s+score\s+tuned\s+score$/.test(l));
    assert.ok(header >= 0, r.stdout);
    assert.match(lines[header - 1], /^tuning: final loss; 28 configurations$/);
    const rows = lines.slice(header + 2, header + 4);
    assert.match(rows.join('\n'), /^1 +Adam +η=0\.001 +[\d.e-]+ +η=[\d.e-]+ +[\d.e-]+$/m);
    assert.match(rows.join('\n'), /^2 +Gradient descent +η=0\.01 +diverged +η=[\d.e-]+ +[\d.e-]+$/m);
    assert.match(r.stdout, /^run +status +steps +final loss/m, 'the runs follow, at their best');
  });

  it('--summary: a best that is an end of its grid is said under the table (the comparison may not be fair yet), one inside it is not', async () => {
    const f = file('edge', {
      loss: { preset: 'rosenbrock' }, steps: 100,
      runs: [{ optimizer: 'gd', tune: { lr: { min: 1e-7, max: 1e-5, count: 3 } } }, { optimizer: 'adam', tune: { lr: { min: 1e-3, max: 10, count: 5 } } }],
    });
    const r = await cli(['run', f, '--summary']);
    assert.equal(r.status, 0, r.stderr);
    // Gradient descent still gains from larger steps at 1e-5 on Rosenbrock in 100 steps; Adam's best is inside 1e-3…10.
    assert.match(r.stdout, /^Gradient descent: the best η = 0\.00001 is the largest on its grid; a better one may lie beyond it \(widen the grid\)$/m);
    assert.doesNotMatch(r.stdout, /^Adam: the best/m);
  });

  it('--out: the sensitivity chart and the phase diagram as SVG, with their text alternatives', async () => {
    const f = file('charts', {
      loss: { preset: 'rosenbrock' }, steps: 100,
      tune: { lr: { min: 1e-4, max: 0.01, count: 4 }, momentum: [0, 0.5, 0.9] },
      runs: [{ optimizer: 'momentum' }, { optimizer: 'sgd', momentum: 0.9, tune: { lr: { min: 1e-4, max: 0.01, count: 4 } } }],
    });
    const out = path.join(dir, 'charts-out');
    const r = await cli(['run', f, '--summary', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /sensitivity\.svg/);
    assert.match(r.stderr, /phase\.svg/);
    const sensitivity = readFileSync(path.join(out, 'sensitivity.svg'), 'utf8');
    assert.match(sensitivity, /^<svg[^>]* role="img" aria-label="Sensitivity: final loss against learning rate η, one line per run\. Momentum \(classical form\): best η=/);
    assert.match(sensitivity, /<title>Sensitivity: /);
    const phase = readFileSync(path.join(out, 'phase.svg'), 'utf8');
    assert.match(phase, /aria-label="Phase diagram: final loss over learning rate η × momentum β/);
    const spec = JSON.parse(readFileSync(path.join(out, 'phase.vl.json'), 'utf8')) as { datasets: { phase: unknown[] } };
    assert.equal(spec.datasets.phase.length, 12, 'one cell per grid point of the run tuning two hyperparameters');
  });

  it('a bad tune exits 1 with its path and reason, before anything runs', async () => {
    const f = file('bad', { loss: { preset: 'rosenbrock' }, tune: { lr: { min: 1, max: 0.1, count: 4 }, rho: [0.9] }, runs: [{ optimizer: 'adam' }] });
    const r = await cli(['run', f, '--json']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /tune\.lr/);
    assert.match(r.stderr, /tune\.rho/);
  });
});
