/**
 * The compiler process's entry for a plain start (dist/compilerMain.js; compilerServe.ts serves the
 * host): loads dist/compile.js — its own bundle beside this file (compile.js under tsc), read by
 * path so that bundlers leave it alone — as a CommonJS module compiled with the host's code cache
 * when V8 accepts it, and keeps the script to make a code cache of it after the first compile when
 * V8 had none. (Where the runtime allows, the host starts the compiler from a startup snapshot
 * instead: compilerSnapshot.ts.)
 */
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as CompileModule from './compile';
import { serveCompiler } from './compilerServe';

/** The compiler's script, while a code cache of it is still to be sent. */
let uncached: vm.Script | undefined;

serveCompiler({
  load(codeCache) {
    try {
      const file = path.join(__dirname, 'compile.js');
      const cachedData = codeCache instanceof Uint8Array ? Buffer.from(codeCache.buffer, codeCache.byteOffset, codeCache.byteLength) : undefined;
      const script = new vm.Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
      const module = { exports: {} as typeof CompileModule };
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, __dirname);
      if (cachedData === undefined || script.cachedDataRejected === true) uncached = script;
      return { compileSnippet: module.exports.compileSnippet };
    } catch (e) {
      return { error: `the TypeScript compiler could not be loaded: ${(e as Error).message}` };
    }
  },
  takeCodeCache() {
    const data = uncached?.createCachedData();
    uncached = undefined;
    return data;
  },
});
