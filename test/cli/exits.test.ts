/**
 * No silent exits: every invocation does what it was asked or exits non-zero with a message.
 * `run FILE --json --out DIR` on a short two-parameter experiment used to end with status 0
 * having printed and written nothing (the session let the process go while the loss surface
 * for the paths chart was still on its way); at 1, 2, 5 and 10 steps, by a preset and by a
 * snippet, it must print the JSON and write the folder every time.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './runCli';

describe('cli: no silent exits', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'optim-exits-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function assertDoesItAll(experiment: unknown, name: string): Promise<void> {
    const file = path.join(dir, `${name}.optim.json`);
    writeFileSync(file, JSON.stringify(experiment));
    const out = path.join(dir, `${name}-out`);
    const r = await cli(['run', file, '--json', '--out', out]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, `${name}: exited 0 having printed nothing (stderr: ${JSON.stringify(r.stderr)})`);
    const json = JSON.parse(r.stdout) as { runs: { points: unknown[] }[] };
    const steps = (experiment as { steps: number }).steps;
    assert.equal(json.runs[0]?.points.length, steps + 1, name);
    for (const f of ['points.csv', 'runs.json', 'loss.svg', 'paths.svg']) assert.ok(existsSync(path.join(out, f)), `${name}: ${f} written`);
    assert.equal(readFileSync(path.join(out, 'points.csv'), 'utf8').trim().split('\n').length, steps + 2, `${name}: points.csv has a header and every point`);
    assert.match(r.stderr, /^wrote 10 files to /m, name);
  }

  // The lost output came at every step count from 1 to 10 (and ~3 % of runs at 50): four of them suffice.
  it('run FILE --json --out DIR prints and writes everything, at 1, 2, 5 and 10 steps (preset)', async () => {
    for (const steps of [1, 2, 5, 10]) {
      await assertDoesItAll({ loss: { preset: 'rosenbrock' }, steps, runs: [{ optimizer: 'adam', lr: 0.1 }] }, `preset-${steps}`);
    }
  });

  it('… and with a two-parameter loss written in TypeScript', async () => {
    writeFileSync(path.join(dir, 'bowl.ts'), 'export default function loss([x, y]: number[]): number {\n  return x * x + 3 * y * y;\n}\n'
      + 'export const init = [1, 1];\nexport const domain = { x: [-2, 2], y: [-2, 2] };\n');
    for (const steps of [1, 2, 5, 10]) {
      await assertDoesItAll({ loss: { file: 'bowl.ts' }, steps, runs: [{ optimizer: 'sgd', lr: 0.1 }] }, `snippet-${steps}`);
    }
  });
});
