/**
 * The compiler process's startup snapshot (dist/compilerSnapshot.cjs, one bundle with TypeScript):
 * run once by `node --build-snapshot` (compilerSnapshotBuild.ts), it loads the compiler and
 * compiles the warm-up snippets — TypeScript's library parsed and bound, the checker's code
 * compiled — and V8 saves the heap as it then is. A compiler process started from that snapshot
 * (launch.ts) begins where this left off: its first compile costs what a warm process's does,
 * without loading TypeScript or parsing its library (about half the CPU of a plain start with a
 * code cache). Nothing of the user's is in it: it is built from the package's own files.
 */
import { startupSnapshot } from 'node:v8';
import { compileSnippet } from './compile';
import { serveCompiler } from './compilerServe';
import { WARM_UP_SNIPPETS } from './warmUpSnippets';

for (const source of WARM_UP_SNIPPETS) {
  const result = compileSnippet(source, {});
  if (!result.ok) throw new Error(`the warm-up snippet does not compile: ${result.error.message}`);
}

startupSnapshot.setDeserializeMainFunction(() => serveCompiler({ load: () => ({ compileSnippet }), takeCodeCache: () => undefined }));
