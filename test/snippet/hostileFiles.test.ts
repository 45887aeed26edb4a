/**
 * Hostile suite, files and exports: a loss file is read only when it is a regular file of at most
 * 1 MB, within a deadline — a FIFO, a device, a directory, a link to one of them are refused at
 * once with what they are; oversized `init`/`data` exports are refused by their size before they
 * are copied; a loss that keeps state between evaluations is reported; `run --json --out` always
 * writes what it was asked to.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startExperiment } from '../../src/snippet/session';
import type { LossError } from '../../src/snippet/types';
import { experiment as validated } from '../engine/helpers';
import { experimentOn, runCli, runSnippet } from './hostileHelpers';

/** The LossError of a session on `loss.file = name` in `dir`. */
async function fileError(dir: string, name: string): Promise<{ error?: LossError; ms: number }> {
  const t0 = performance.now();
  const session = startExperiment(validated({ loss: { file: name }, steps: 3, runs: [{ optimizer: 'sgd', lr: 0.1 }] }), { baseDir: dir });
  let error: LossError | undefined;
  try { await session.done; } catch (e) { error = e as LossError; }
  return { error, ms: performance.now() - t0 };
}

describe('hostile: files and exports', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-files-'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.ts')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.ts'));
    mkdirSync(path.join(dir, 'folder.ts'));
    symlinkSync(path.join(dir, 'fifo.ts'), path.join(dir, 'link-to-fifo.ts'));
    writeFileSync(path.join(dir, 'big.ts'), `export default ([x]: number[]) => x;\n//${'x'.repeat(2 * 1024 * 1024)}\n`);
  });

  const REFUSED: readonly (readonly [string, string])[] = [
    ['fifo.ts', 'cannot read the loss file fifo.ts: it is a named pipe (FIFO), not a regular file'],
    ['zero.ts', 'cannot read the loss file zero.ts: it is a device, not a regular file'],
    ['folder.ts', 'cannot read the loss file folder.ts: it is a directory'],
    ['link-to-fifo.ts', 'cannot read the loss file link-to-fifo.ts: it is a named pipe (FIFO), not a regular file'],
    ['big.ts', 'cannot read the loss file big.ts: it is larger than 1 MB, the most a loss file may be'],
    ['missing.ts', 'cannot read the loss file missing.ts: there is no such file'],
    ['bad\u001b[31mname\n.ts', 'cannot read the loss file bad\\x1b[31mname\\n.ts: there is no such file'],
  ];
  for (const [name, message] of REFUSED) {
    it(`refuses ${JSON.stringify(name)} at once, saying what it is`, async () => {
      const { error, ms } = await fileError(dir, name);
      assert.deepEqual(error, { kind: 'io', message });
      assert.ok(ms < 5000, `${Math.round(ms)} ms`);
    });
  }

  it('the CLI on a FIFO and on /dev/zero exits 1 at once with one line, without growing', () => {
    for (const [name, what] of [['fifo.ts', 'a named pipe (FIFO), not a regular file'], ['zero.ts', 'a device, not a regular file']]) {
      const r = runCli({ 'x.optim.json': experimentOn(path.join(dir, name)) }, ['run', 'x.optim.json', '--summary'], 20_000);
      assert.equal(r.status, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`: cannot read the loss file ${path.join(dir, name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: it is ${what.replace(/[()]/g, '\\$&')}\\n$`));
    }
  });

  it('refuses an init export of two million numbers by its size, before copying it', async () => {
    const o = await runSnippet('export default (p: number[]) => p[0];\nexport const init = new Array(2_000_000).fill(1);');
    assert.deepEqual(o.error, { kind: 'exports', message: 'the snippet\'s `init` export has 2000000 numbers; at most 1024 parameters are supported' });
  });

  it('refuses a data export of 100,000 examples by its size', async () => {
    const o = await runSnippet('export const data = new Array(100_000).fill(0);\nexport default (p: number[], batch: number[]) => p[0];\nexport const init = [1];');
    assert.deepEqual(o.error, { kind: 'exports', message: 'the snippet\'s data has 100000 examples; at most 65536 are supported' });
  });

  it('says when the loss gives different results for the same params (state kept between evaluations)', async () => {
    const o = await runSnippet('let calls = 0;\nexport default ([x]: number[]) => x * x + (calls++ > 3 ? 1e-3 : 0);\nexport const init = [1];', {}, { steps: 20 });
    assert.equal(o.notices.length, 1);
    assert.match(o.notices[0].message, /^the loss gave different results for the same parameters \(.+, at params \[[-\d.e, ]+\]\): it keeps state between evaluations or is random, so its runs cannot be reproduced$/);
    assert.equal(o.end()?.status, 'completed');
    assert.equal(o.end()?.message, o.notices[0].message);
    const pure = await runSnippet('export default ([x]: number[]) => x * x;\nexport const init = [1];', {}, { steps: 200 });
    assert.deepEqual(pure.notices, []);
    assert.equal(pure.end()?.message, undefined);
  });
});
