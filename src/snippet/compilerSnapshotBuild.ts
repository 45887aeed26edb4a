/**
 * Builds the compiler's startup snapshot (compilerSnapshot.ts) beside this script — run by
 * scripts/build.mjs as `node dist/compilerSnapshotBuild.cjs`, with the Node that will run the CLI:
 * `node <the compiler's V8 flags> --snapshot-blob compiler.blob --build-snapshot compilerSnapshot.cjs`,
 * then writes compiler.blob.json, what it was built for (launch.ts starts the compiler from it only
 * when that matches). A runtime that cannot build one leaves no snapshot (the compiler then starts
 * from its script, as before) and says why on stderr; the build goes on. Not in the .vsix: VS Code
 * runs the compiler with its own runtime.
 */
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMPILER_HEAP_MB, SNAPSHOT_FILES, snapshotManifest, v8Flags } from './launch';

/** Builds the snapshot in `dir`; returns undefined, or why there is none. */
export function buildCompilerSnapshot(dir: string): string | undefined {
  const blob = path.join(dir, SNAPSHOT_FILES.blob), manifest = path.join(dir, SNAPSHOT_FILES.manifest);
  rmSync(manifest, { force: true });
  rmSync(blob, { force: true });
  const flags = v8Flags('compiler', COMPILER_HEAP_MB, 0);
  const building = `${blob}.${process.pid}.tmp`;
  const r = spawnSync(process.execPath, [...flags, '--snapshot-blob', building, '--build-snapshot', path.join(dir, SNAPSHOT_FILES.entry)],
    { cwd: dir, env: {}, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  if (r.status !== 0) {
    rmSync(building, { force: true });
    const why = (r.stderr ?? '').split('\n').filter((l) => l.trim() !== '' && !/Warning|warning|issue tracker|may still work/.test(l)).slice(0, 3).join(' ');
    return `${r.error?.message ?? `exit ${String(r.status ?? r.signal)}`}${why ? `: ${why}` : ''}`;
  }
  renameSync(building, blob);
  writeFileSync(manifest, JSON.stringify(snapshotManifest(dir, flags)));
  return undefined;
}

if (require.main === module) {
  const why = buildCompilerSnapshot(__dirname);
  if (why !== undefined) process.stderr.write(`note: no startup snapshot of the snippet compiler (it will start from its script): ${why}\n`);
}
