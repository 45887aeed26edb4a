/**
 * Every experiment the schema accepts runs to its end in bounded memory: `--summary` keeps no
 * points, `--json` keeps them in the point store (32 MB, then spill files in $TMPDIR, removed at
 * exit) and writes them run by run. The CLI's peak resident memory is read by a preload
 * (maxRss.ts), the CLI itself unchanged.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import { repoPath } from '../repoRoot';

const CLI = repoPath('dist', 'cli.js');

/** Runs the CLI with stdout to `stdoutFile`; resolves with its status, stderr and peak RSS in MB. */
function cli(args: readonly string[], dir: string, stdoutFile: string): Promise<{ status: number | null; stderr: string; peakMb: number }> {
  const rssFile = path.join(dir, `rss-${Date.now()}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', path.join(__dirname, 'maxRss.js'), CLI, ...args], {
      env: { ...process.env, MAX_RSS_FILE: rssFile, TMPDIR: path.join(dir, 'tmp') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(createWriteStream(stdoutFile));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr, peakMb: Number(readFileSync(rssFile, 'utf8')) / 1024 }));
  });
}

describe('cli: bounded memory', function () {
  this.timeout(600_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'optim-memory-'));
    mkdirTmp();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  function mkdirTmp(): void {
    rmSync(path.join(dir, 'tmp'), { recursive: true, force: true });
    mkdirSync(path.join(dir, 'tmp'));
  }

  it('--summary keeps no points: 4 runs × 2.5 million steps stay under 300 MB', async () => {
    const file = path.join(dir, 'long.optim.json');
    writeFileSync(file, JSON.stringify({
      loss: { preset: 'rosenbrock' }, steps: 2_500_000, tolerance: 1e-300,
      runs: [{ optimizer: 'sgd', lr: 1e-4 }, { optimizer: 'adam', lr: 1e-3 }, { optimizer: 'rmsprop', lr: 1e-4 }, { optimizer: 'lion', lr: 1e-4 }],
    }));
    const r = await cli(['run', file, '--summary'], dir, path.join(dir, 'summary.txt'));
    assert.equal(r.status, 0, r.stderr);
    const table = readFileSync(path.join(dir, 'summary.txt'), 'utf8');
    assert.equal(table.split('\n').filter((l) => /\scompleted\s+2500000\s/.test(l)).length, 4, table);
    // Every point kept would be 10 M × 40 bytes = 400 MB.
    assert.ok(r.peakMb < 300, `peak RSS ${r.peakMb.toFixed(0)} MB`);
  });

  it('--json writes every point of runs that outgrow memory (spilled and read back), then removes the spill files', async () => {
    const experiment = {
      loss: { preset: 'rosenbrock' }, steps: 1_000_000, tolerance: 1e-300,
      runs: [{ optimizer: 'adam', lr: 1e-3 }, { optimizer: 'sgd', lr: 1e-4, momentum: 0.9 }],
    };
    mkdirTmp();
    const file = path.join(dir, 'spill.optim.json');
    writeFileSync(file, JSON.stringify(experiment));
    const out = path.join(dir, 'points.json');
    const r = await cli(['run', file, '--json'], dir, out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), [], 'the spill folder is gone');
    // 2 M points × 40 bytes = 80 MB: more than the store holds in memory (32 MB).
    assert.ok(r.peakMb < 350, `peak RSS ${r.peakMb.toFixed(0)} MB`);

    const json = JSON.parse(readFileSync(out, 'utf8')) as { runs: { status: string; points: { step: number; loss: number; params: number[] }[] }[] };
    const parsed = parseExperiment(JSON.stringify(experiment));
    assert.ok(parsed.ok);
    const problem = getProblem('rosenbrock')!;
    const runner = new Runner(parsed.experiment, problem.objective({ dim: 2 }), problem.init, { batchSize: 65_536 });
    const seen = [0, 0];
    while (!runner.finished) {
      for (const event of runner.advance(1 << 18)) {
        if (event.type !== 'points') continue;
        for (const b of event.batches) {
          const points = json.runs[b.run]!.points;
          for (let i = 0; i < b.count; i++) {
            const p = points[b.fromStep + i]!;
            if (p.step !== b.fromStep + i || p.loss !== b.loss[i] || p.params[0] !== b.params[2 * i] || p.params[1] !== b.params[2 * i + 1]) {
              assert.fail(`run ${b.run}, step ${b.fromStep + i}: ${JSON.stringify(p)} is not the engine's`);
            }
          }
          seen[b.run] = b.fromStep + b.count;
        }
      }
    }
    assert.deepEqual(json.runs.map((run) => run.points.length), seen, 'every point, none more');
    assert.deepEqual(seen, [1_000_001, 1_000_001]);
  });
});
