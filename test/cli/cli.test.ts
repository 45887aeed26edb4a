/**
 * The command-line tool as a user runs it: `node dist/cli.js …` in a child process.
 * dist/cli.js comes from `npm run build` (which `npm test` runs first); when it is missing, the
 * `before` hook builds it.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../src/cli/args';
import { parseExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { Experiment, PointBatch } from '../../src/engine/types';
import { repoPath } from '../repoRoot';
import { CLI, cliSync as cli } from './runCli';


interface JsonRun {
  label: string; optimizer: string; hyperparameters: Record<string, unknown>; status: string; message?: string;
  points: { step: number; loss: number | null; params: (number | null)[] }[];
}

/** No stack traces, ever: a frame looks like "    at fn (file:line:col)". */
function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace in:\n${text}`);
}

let dir: string;
function experimentFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The same experiment stepped in this process by the engine's Runner: loss and params per step. */
function inProcess(experiment: Experiment): { loss: number[]; params: number[][] }[] {
  if (!('preset' in experiment.loss)) throw new Error('presets only');
  const problem = getProblem(experiment.loss.preset);
  assert.ok(problem);
  const init = experiment.init ?? problem.init;
  const runner = new Runner(experiment, problem.objective({ dim: init.length, seed: experiment.seed }), init);
  const runs = experiment.runs.map(() => ({ loss: [] as number[], params: [] as number[][] }));
  while (!runner.finished) {
    for (const event of runner.advance(1 << 20)) {
      if (event.type !== 'points') continue;
      for (const b of event.batches as PointBatch[]) {
        for (let i = 0; i < b.count; i++) {
          runs[b.run]?.loss.push(b.loss[i] as number);
          runs[b.run]?.params.push(Array.from(b.params.subarray(i * init.length, (i + 1) * init.length)));
        }
      }
    }
  }
  return runs;
}

describe('cli: optimizer-playground', function () {
  this.timeout(60_000);

  before(() => {
    if (!existsSync(CLI)) {
      const build = spawnSync(process.execPath, [repoPath('scripts', 'build.mjs')], { cwd: repoPath(), encoding: 'utf8' });
      assert.ok(existsSync(CLI), `npm run build did not write dist/cli.js:\n${build.stderr}`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'optim-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('usage', () => {
    it('--help prints the contract and exits 0; --version prints the package version', () => {
      const help = cli(['--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /run <file\.optim\.json> \[--json \| --summary\] \[--out DIR\]/);
      const version = cli(['--version']);
      assert.equal(version.status, 0);
      const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
      assert.equal(version.stdout.trim(), pkg.version);
    });

    it('parses the command line; every misuse is a UsageError that names it', () => {
      assert.deepEqual(parseArgs(['run', 'x.optim.json']), { kind: 'run', file: 'x.optim.json', output: 'summary' });
      assert.deepEqual(parseArgs(['run', '--json', 'x.optim.json', '--out', 'o']), { kind: 'run', file: 'x.optim.json', output: 'json', outDir: 'o' });
      assert.deepEqual(parseArgs(['run', 'x.optim.json', '--out=o', '--summary']), { kind: 'run', file: 'x.optim.json', output: 'summary', outDir: 'o' });
      for (const [args, reason] of [
        [[], /missing command/],
        [['walk', 'x.optim.json'], /unknown command "walk"/],
        [['run'], /needs an experiment file/],
        [['run', 'a.optim.json', 'b.optim.json'], /unexpected argument "b\.optim\.json"/],
        [['run', 'x.optim.json', '--fast'], /unknown option --fast/],
        [['run', 'x.optim.json', '--json', '--summary'], /cannot be used together/],
        [['run', 'x.optim.json', '--out'], /--out needs a directory/],
      ] as const) {
        assert.throws(() => parseArgs(args), (e: unknown) => e instanceof UsageError && reason.test(e.message), args.join(' '));
      }
    });

    for (const [args, reason] of [
      [['run', 'x.optim.json', '--fast'], /unknown option --fast/],
      [['run', 'no/such/file.optim.json'], /no such file: no\/such\/file\.optim\.json/],
    ] as const) {
      it(`exits 2 on usage errors: ${args.join(' ')}`, () => {
        const r = cli(args);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, reason);
        assert.match(r.stderr, /Usage: optimizer-playground run/);
        assert.equal(r.stdout, '');
        assertNoStack(r.stderr);
      });
    }
  });

  describe('invalid experiments exit 1 with every issue', () => {
    it('lists each bad field as `path: reason`', () => {
      const file = experimentFile('bad.optim.json', {
        loss: { preset: 'rosenbrock' }, steps: 0,
        runs: [{ optimizer: 'adma', lr: 0.1 }, { optimizer: 'sgd', lr: -1, momentum: 0.9 }],
      });
      const r = cli(['run', file, '--json']);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.match(r.stderr, /^\s+steps: /m);
      assert.match(r.stderr, /^\s+runs\[0\]\.optimizer: .*"adma".*did you mean "adam"/m);
      assert.match(r.stderr, /^\s+runs\[1\]\.lr: /m);
      assertNoStack(r.stderr);
    });

    it('malformed JSON says file:line:column', () => {
      const file = experimentFile('broken.optim.json', '{\n  "loss": { "preset": "rosenbrock" },\n  "runs": [ { "optimizer": "adam" }, ]\n}\n');
      const r = cli(['run', file]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: malformed JSON`));
      assertNoStack(r.stderr);
    });

    it('a snippet that does not compile exits 1 with file:line:column', () => {
      writeFileSync(path.join(dir, 'broken.ts'), 'export default function loss(p: number[]): number {\n  return p[0] *;\n}\n');
      const file = experimentFile('snippet-broken.optim.json', { loss: { file: 'broken.ts' }, init: [1], runs: [{ optimizer: 'adam' }] });
      const r = cli(['run', file, '--json']);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /broken\.ts:2:\d+: /);
      assert.equal(r.stdout, '');
      assertNoStack(r.stderr);
    });
  });

  describe('running', () => {
    const experiment = {
      title: 'two optimizers on Rosenbrock', loss: { preset: 'rosenbrock' }, steps: 60,
      runs: [{ optimizer: 'adam', lr: 0.05 }, { optimizer: 'sgd', lr: 0.0005, momentum: 0.9 }, { optimizer: 'gd', lr: 0.05, label: 'GD too fast' }],
    };

    it('--json prints every step from 0 of every run, equal to an in-process engine run', () => {
      const file = experimentFile('rosen.optim.json', experiment);
      const r = cli(['run', file, '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
      const out = JSON.parse(r.stdout) as { runs: JsonRun[] };
      assert.deepEqual(Object.keys(out), ['runs']);
      assert.equal(out.runs.length, 3);
      const parsed = parseExperiment(JSON.stringify(experiment));
      assert.ok(parsed.ok);
      const reference = inProcess(parsed.experiment);
      out.runs.forEach((run, k) => {
        const spec = parsed.experiment.runs[k];
        assert.equal(run.label, spec?.label);
        assert.equal(run.optimizer, spec?.optimizer);
        assert.deepEqual(run.hyperparameters, spec?.hyperparameters);
        assert.deepEqual(run.points.map((p) => p.step), run.points.map((_, i) => i), 'steps 0, 1, 2, … every step');
        const ref = reference[k];
        assert.ok(ref);
        assert.equal(run.points.length, ref.loss.length);
        run.points.forEach((p, i) => {
          const loss = ref.loss[i] as number;
          assert.equal(p.loss, Number.isFinite(loss) ? loss : null);
          assert.deepEqual(p.params, (ref.params[i] as number[]).map((v) => (Number.isFinite(v) ? v : null)));
        });
      });
      assert.equal(out.runs[0]?.status, 'completed');
      assert.equal(out.runs[0]?.points.length, 61);
      const diverged = out.runs[2];
      assert.equal(diverged?.status, 'diverged', 'gradient descent at η = 0.05 diverges on Rosenbrock');
      assert.match(diverged?.message ?? '', /step \d+/);
      assert.ok((diverged?.points.length ?? 0) < 61, 'a diverged run stops where it diverged');
    });

    it('--summary prints one aligned line per run', () => {
      const file = experimentFile('rosen.optim.json', experiment);
      const r = cli(['run', file, '--summary']);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n');
      const header = lines.findIndex((l) => /^run\s+status\s+steps\s+final loss\s+final params\s+steps\/s$/.test(l));
      assert.ok(header >= 0, r.stdout);
      const rows = lines.slice(header + 2, header + 5);
      assert.match(rows[0] ?? '', /^Adam η=0.05\s+completed\s+60\s+\S+\s+\[.*\]\s+\S+$/);
      assert.match(rows[2] ?? '', /^GD too fast\s+diverged\s+\d+/);
      const statusColumn = (lines[header] ?? '').indexOf('status');
      for (const row of rows) assert.equal(row[statusColumn - 1], ' ', 'columns line up');
      assert.match(r.stdout, /GD too fast: diverged at step/);
    });

    it('--out writes points.csv, runs.json, the charts and their SVGs', () => {
      const file = experimentFile('rosen.optim.json', experiment);
      const out = path.join(dir, 'out');
      const r = cli(['run', file, '--json', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /wrote 10 files/);
      const files = readdirSync(out).sort();
      for (const f of ['points.csv', 'runs.json', 'loss.vl.json', 'loss.svg', 'learning-rate.svg', 'gradient-norm.svg', 'paths.vl.json', 'paths.svg']) {
        assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      }
      const json = JSON.parse(r.stdout) as { runs: JsonRun[] };
      const csv = readFileSync(path.join(out, 'points.csv'), 'utf8').trim().split('\n');
      assert.equal(csv[0], 'run,label,step,loss,grad_norm,lr,p0,p1');
      assert.equal(csv.length - 1, json.runs.reduce((n, run) => n + run.points.length, 0), 'every point of every run');
      const runs = JSON.parse(readFileSync(path.join(out, 'runs.json'), 'utf8')) as { runs: { label: string; status: string; steps: number }[] };
      assert.deepEqual(runs.runs.map((x) => x.status), json.runs.map((x) => x.status));
      const loss = readFileSync(path.join(out, 'loss.svg'), 'utf8');
      assert.match(loss, /^<svg/);
      assert.equal((loss.match(/aria-roledescription="line mark"/g) ?? []).length, 3, 'one loss line per run');
      const spec = JSON.parse(readFileSync(path.join(out, 'paths.vl.json'), 'utf8')) as { datasets: Record<string, unknown[]> };
      assert.ok((spec.datasets.surface?.length ?? 0) > 0, 'the paths chart has the loss surface');
      assert.ok((spec.datasets.contours?.length ?? 0) > 0, 'and its contours');
      assert.deepEqual(spec.datasets.minima?.length, 1, 'and Rosenbrock\'s minimum');
    });

    it('runs a loss written in TypeScript (examples/snippet-ravine)', () => {
      const r = cli(['run', path.join('examples', 'snippet-ravine.optim.json'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { runs: JsonRun[] };
      assert.equal(out.runs.length, 4);
      for (const run of out.runs) {
        assert.equal(run.points[0]?.step, 0);
        assert.deepEqual(run.points[0]?.params, [-3, 1.5], 'starts at the snippet\'s init export');
      }
      const adam = out.runs.find((run) => run.optimizer === 'adam');
      const first = adam?.points[0]?.loss ?? NaN;
      const last = adam?.points[adam.points.length - 1]?.loss ?? NaN;
      assert.ok(last < first / 10, `Adam descends the ravine (${first} → ${last})`);
    });
  });
});
