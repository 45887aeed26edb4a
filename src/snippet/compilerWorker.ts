/**
 * The compiler worker's side (worker.ts runs this when started with `workerData.role ===
 * 'compiler'`; the host side is compiler.ts): loads the TypeScript compiler bundle while idle,
 * compiles two small snippets so that the first real compile runs on warm code, then answers
 * `compile` requests one at a time. No user code runs here: the snippet is only parsed and
 * transformed.
 */
import * as path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import type * as CompileModule from './compile';
import type { FromCompiler, ToCompiler } from './protocol';

/** Snippets compiled once at start-up: the straight-line path, and the tape + forward-mode paths. */
const WARM_UP = [
  'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\n',
  'const sq = (v: number) => v * v;\nexport default function loss(p: number[]): number {\n  let s = 0;\n'
    + '  for (let i = 0; i < p.length; i++) s += sq(p[i]) + Math.cos(2 * Math.PI * p[i]);\n  return p.map((v) => v * 2).reduce((a, b) => a + b, s);\n}\n'
    + 'export const init = [1, 2, 3];\n',
];

export function serveCompiler(port: MessagePort): void {
  let compileSnippet: typeof CompileModule.compileSnippet | undefined;
  let loadError: string | undefined;
  const load = (): void => {
    if (compileSnippet || loadError) return;
    try {
      // By a computed path, so that bundlers leave it alone: dist/compile.js is its own bundle
      // beside dist/worker.js, and compile.js sits beside this file under tsc.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      compileSnippet = (require(path.join(__dirname, 'compile.js')) as typeof CompileModule).compileSnippet;
    } catch (e) {
      loadError = `the TypeScript compiler could not be loaded: ${(e as Error).message}`;
    }
  };
  const post = (m: FromCompiler): void => port.postMessage(m);
  port.on('message', (m: ToCompiler) => {
    if (m.type !== 'compile') return;
    load();
    let result: Extract<FromCompiler, { type: 'compiled' }>['result'];
    if (!compileSnippet) {
      result = { ok: false, error: { kind: 'runtime', message: loadError ?? 'the TypeScript compiler is not loaded' } };
    } else {
      try {
        result = compileSnippet(m.source, m.options);
      } catch (e) {
        result = { ok: false, error: { kind: 'runtime', message: `the snippet compiler failed: ${(e as Error).message}` } };
      }
    }
    post({ type: 'compiled', id: m.id, result });
  });
  setImmediate(() => {
    load();
    if (compileSnippet) for (const s of WARM_UP) { try { compileSnippet(s); } catch { /* a real compile reports it */ } }
    post({ type: 'ready' });
  });
}
