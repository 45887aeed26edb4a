/**
 * Compiling in the compiler worker (src/snippet/compiler.ts): the same result as compiling in
 * the thread, errors with their line:column, recovery after the worker is stopped, and the main
 * thread of a session's process never loading the TypeScript compiler.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSnippet } from '../../src/snippet/compile';
import { readCodeCache, useCompileCache } from '../../src/snippet/compileCache';
import { compileOffThread, disposeCompiler, prewarmCompiler } from '../../src/snippet/compiler';

const BOWL = 'export default function loss(p: number[]): number {\n  let s = 0;\n  for (const v of p) s += v * v;\n  return s;\n}\nexport const init = [1, 2, 3];\n';

describe('compiler worker (compileOffThread)', function () {
  this.timeout(20000);

  it('gives exactly what compileSnippet gives in the thread (plain and differentiated modules, exports, gradient mode)', async () => {
    for (const source of [BOWL, 'export default ([x, y]: number[]) => Math.random() * x + y;\nexport const init = [0, 0];\n']) {
      const off = await compileOffThread(source);
      assert.deepEqual(off, compileSnippet(source));
    }
    // Errors too: the same kind, message and diagnostics (line:column) as before the move.
    for (const broken of ['export default function loss(p: number[]) {\n  return p[0] +;\n}', 'export const init = [1];',
      'import fs from "fs";\nexport default (p: number[]) => p[0];']) {
      assert.deepEqual(await compileOffThread(broken), compileSnippet(broken));
    }
    const tapeOnly = await compileOffThread(BOWL, { fastPaths: false });
    assert.deepEqual(tapeOnly, compileSnippet(BOWL, { fastPaths: false }));
  });

  it('reports syntax errors with the snippet\'s line and column, and missing exports', async () => {
    const r = await compileOffThread('export default function loss(p: number[]) {\n  return p[0] +;\n}');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'compile');
    assert.equal(r.error.diagnostics?.[0].line, 2);
    assert.equal(r.error.diagnostics?.[0].column, 16);
    assert.match(r.error.message, /^the loss does not compile: line 2, column 16: Expression expected\.$/);
    const none = await compileOffThread('export const init = [1];');
    assert.equal(none.ok, false);
    if (!none.ok) assert.equal(none.error.kind, 'exports');
  });

  it('a compile in flight when the worker is stopped fails with a reason; the next one starts a new worker', async () => {
    await prewarmCompiler();
    const inFlight = compileOffThread(BOWL);
    disposeCompiler();
    const r = await inFlight;
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.message, /compiler was stopped/);
    const next = await compileOffThread(BOWL);
    assert.equal(next.ok, true);
  });

  it('a new compiler process starts from the code cache the previous one made, and compiles the same (two cold processes: ~3 s)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'code-cache-'));
    useCompileCache(dir);
    try {
      disposeCompiler();
      const first = await compileOffThread(`${BOWL}\n// first`);
      for (let k = 0; k < 100 && readCodeCache() === undefined; k++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(readCodeCache(), 'the first process sent its code cache');
      disposeCompiler();
      const second = await compileOffThread(`${BOWL}\n// second`);
      assert.ok(first.ok && second.ok);
      assert.deepEqual({ ...second, source: '' }, { ...compileSnippet(`${BOWL}\n// second`), source: '' });
    } finally {
      useCompileCache(undefined);
    }
  });

  it('the main thread of a process running a snippet session never loads the TypeScript compiler', () => {
    // A child process: this one has loaded TypeScript for the other tests.
    const src = path.join(__dirname, '..', '..', 'src');
    const script = `
      const { startExperiment, prewarmWorker } = require(${JSON.stringify(path.join(src, 'snippet', 'session.js'))});
      const { validateExperiment } = require(${JSON.stringify(path.join(src, 'engine', 'experiment.js'))});
      (async () => {
        await prewarmWorker();
        const experiment = validateExperiment({ loss: { source: ${JSON.stringify(BOWL)} }, steps: 20,
          runs: [{ optimizer: 'sgd', lr: 0.1 }] }).experiment;
        const s = startExperiment(experiment);
        const info = await s.info;
        await s.done;
        const bad = startExperiment({ ...experiment, loss: { source: 'export default (p: number[]) => p[0] +;' } });
        const error = await bad.info.then(() => null, (e) => e);
        const loaded = Object.keys(require.cache).filter((k) => /typescript|[\\\\/]compile\\.js$/.test(k));
        console.log(JSON.stringify({ mode: info.gradient.mode, error: error && error.kind, line: error && error.diagnostics[0].line, loaded }));
        process.exit(0);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 })) as
      { mode: string; error: string; line: number; loaded: string[] };
    assert.deepEqual(out, { mode: 'autodiff', error: 'compile', line: 1, loaded: [] });
  });
});
