/**
 * The compiler's startup snapshot (src/snippet/compilerSnapshot.ts, built by scripts/build.mjs):
 * the CLI starts its compiler from it on the runtime it was built for, and what that compiler
 * produces is what a compiler started from its script produces, byte for byte; a snapshot that
 * does not start (here: a corrupt blob whose manifest says it fits) costs a restart from the
 * script, with the same protections, and the run goes on. launch.ts uses a snapshot only where
 * its manifest matches this runtime, these flags and this entry.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMPILER_HEAP_MB, SNAPSHOT_FILES, snapshotManifest, usableSnapshot, v8Flags } from '../../src/snippet/launch';
import { repoPath } from '../repoRoot';
import { cli } from './runCli';

const LOSS = `const sq = (v: number) => v * v;
export default function loss([x, y]: number[]): number {
  return sq(1 - x) + 100 * sq(y - x * x) + Math.cos(x * y) / 10;
}
export const init = [-1.2, 1];
`;

/** The `trace` lines' names (src/snippet/startupTrace.ts). */
const traced = (stderr: string): string[] => [...stderr.matchAll(/^trace [\d.]+ (.+)$/gm)].map((m) => m[1]);

/** The compiled snippets a cache folder holds (compileCache.ts's entries: the result as JSON text). */
function compiledResults(cache: string): string[] {
  const dir = path.join(cache, 'compiled');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { result: string }).result);
}

describe('cli: the compiler\'s startup snapshot', function () {
  this.timeout(120_000);
  const dist = repoPath('dist');
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'optim-snapshot-'));
    writeFileSync(path.join(dir, 'loss.ts'), LOSS);
    writeFileSync(path.join(dir, 'x.optim.json'), JSON.stringify({ loss: { file: 'loss.ts' }, steps: 50, runs: [{ optimizer: 'adam', lr: 0.05 }] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is used only where its manifest matches this runtime, these V8 flags and this entry', () => {
    const flags = v8Flags('compiler', COMPILER_HEAP_MB, 0);
    assert.equal(usableSnapshot(dist, flags), path.join(dist, SNAPSHOT_FILES.blob), 'the build made one for this runtime');
    assert.equal(usableSnapshot(dist, [...flags, '--jitless']), undefined, 'other flags');
    assert.equal(usableSnapshot(dist, v8Flags('compiler', COMPILER_HEAP_MB, 2)), undefined, 'the tier without blocked code generation');
    const other = mkdtempSync(path.join(os.tmpdir(), 'optim-snapshot-manifest-'));
    try {
      writeFileSync(path.join(other, SNAPSHOT_FILES.entry), 'entry');
      writeFileSync(path.join(other, SNAPSHOT_FILES.blob), 'blob');
      const manifest = snapshotManifest(other, flags);
      writeFileSync(path.join(other, SNAPSHOT_FILES.manifest), JSON.stringify({ ...manifest, node: 'v0.0.1' }));
      assert.equal(usableSnapshot(other, flags), undefined, 'another Node');
      writeFileSync(path.join(other, SNAPSHOT_FILES.manifest), JSON.stringify(manifest));
      assert.equal(usableSnapshot(other, flags), path.join(other, SNAPSHOT_FILES.blob));
      writeFileSync(path.join(other, SNAPSHOT_FILES.entry), 'entry, rebuilt');
      assert.equal(usableSnapshot(other, flags), undefined, 'an entry rebuilt since');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('compiles as a compiler started from its script does; a snapshot that fails to start is replaced by one (two CLI runs, one of them a plain compiler start)', async () => {
    // A copy of what the CLI runs, whose snapshot is corrupt but whose manifest says it fits.
    const copy = path.join(dir, 'dist');
    for (const f of ['cli.js', 'compile.js', 'compilerMain.js', 'sandboxMain.js', SNAPSHOT_FILES.entry, 'lib']) {
      cpSync(path.join(dist, f), path.join(copy, f), { recursive: true });
    }
    writeFileSync(path.join(copy, SNAPSHOT_FILES.blob), Buffer.alloc(4096, 7));
    writeFileSync(path.join(copy, SNAPSHOT_FILES.manifest), JSON.stringify(snapshotManifest(copy, v8Flags('compiler', COMPILER_HEAP_MB, 0))));
    const run = async (cliFile: string, cache: string): Promise<{ stdout: string; trace: string[] }> => {
      const r = await cli(['run', path.join(dir, 'x.optim.json'), '--json'], { OPTIMIZER_PLAYGROUND_CACHE: cache, OPTIMIZER_PLAYGROUND_TRACE: '1' }, cliFile);
      assert.equal(r.status, 0, r.stderr);
      return { stdout: r.stdout, trace: traced(r.stderr) };
    };
    const fromSnapshot = await run(path.join(dist, 'cli.js'), path.join(dir, 'cache-snapshot'));
    const restarted = await run(path.join(copy, 'cli.js'), path.join(dir, 'cache-script'));
    assert.deepEqual(fromSnapshot.trace.filter((n) => n.startsWith('compiler spawn')), ['compiler spawn (snapshot)']);
    assert.deepEqual(restarted.trace.filter((n) => n.startsWith('compiler spawn')), ['compiler spawn (snapshot)', 'compiler spawn']);
    assert.deepEqual(compiledResults(path.join(dir, 'cache-snapshot')), compiledResults(path.join(dir, 'cache-script')), 'the same compile, byte for byte');
    assert.equal(fromSnapshot.stdout, restarted.stdout, 'the same run');
  });
});
