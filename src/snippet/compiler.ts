/**
 * Compiling snippets off the caller's thread: one long-lived compiler worker (worker.ts started
 * with `workerData.role === 'compiler'`) holds the TypeScript compiler (dist/compile.js, 3.6 MB)
 * and answers `compile` requests; the extension host's and the CLI's main threads only post the
 * source and receive a `CompiledSnippet` (plain data) or the LossError with its diagnostics.
 *
 * Why a worker of its own rather than the sandbox worker of each session: every session gets a
 * fresh sandbox worker (user code never shares a realm with a previous run), so a compiler loaded
 * there would be loaded once per edit — 0.3–1 s of CPU and ~40 MB of the sandbox's heap limit
 * each time, measured — whereas a warm compiler compiles a snippet in 10–30 ms. No user code runs
 * in the compiler worker: it parses and transforms the snippet's text only.
 *
 * `prewarmCompiler()` (called by `prewarmWorker`) starts it so that it loads the compiler and
 * compiles a small snippet while the person is still reading (the first compile JIT-warms
 * TypeScript's hot paths). An idle compiler never keeps the process alive. If it dies (out of
 * memory on a pathological snippet, or a crash) the request fails with a LossError and the next
 * request starts a new one; a compile that takes more than `COMPILE_DEADLINE_MS` is stopped.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompileOptions } from './compile';
import type { FromCompiler, ToCompiler } from './protocol';
import type { CompiledSnippet, LossError } from './types';

export type CompileResult = CompiledSnippet | { readonly ok: false; readonly error: LossError };

/** Longest a compile may take before the compiler worker is stopped (a cold start under load included). */
export const COMPILE_DEADLINE_MS = 20_000;
const COMPILER_MEMORY_MB = 1024;
/**
 * The compiler worker's stack: TypeScript's emitter recurses once per nested call, and the tape
 * makes every operator a call, so a sum of a few thousand terms in one statement needs more than
 * the default 4 MB (what is still too deep is refused with the statement's line: compile.ts).
 */
const COMPILER_STACK_MB = 64;

interface Compiler {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly waiting: Map<number, { resolve: (r: CompileResult) => void; timer: NodeJS.Timeout }>;
}

/** The worker script: beside this file when bundled (dist/) or compiled (out/src/snippet/). */
export function workerPath(): string {
  const candidates = [
    path.join(__dirname, 'worker.js'),
    path.join(__dirname, '..', 'snippet', 'worker.js'),
    path.join(__dirname, '..', 'dist', 'worker.js'),
    path.join(__dirname, '..', '..', 'dist', 'worker.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`the snippet worker is missing (looked for ${candidates.join(', ')})`);
  return found;
}

let compiler: Compiler | undefined;
let nextId = 1;

function failAll(c: Compiler, error: LossError): void {
  if (compiler === c) compiler = undefined;
  for (const w of c.waiting.values()) { clearTimeout(w.timer); w.resolve({ ok: false, error }); }
  c.waiting.clear();
}

function start(): Compiler {
  if (compiler) return compiler;
  const worker = new Worker(workerPath(), {
    workerData: { role: 'compiler' },
    resourceLimits: { maxOldGenerationSizeMb: COMPILER_MEMORY_MB, stackSizeMb: COMPILER_STACK_MB },
  });
  worker.unref();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const c: Compiler = { worker, ready, waiting: new Map() };
  worker.on('message', (m: FromCompiler) => {
    if (m.type === 'ready') { markReady(); return; }
    const w = c.waiting.get(m.id);
    if (!w) return;
    c.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (c.waiting.size === 0) worker.unref();
    w.resolve(m.result);
  });
  worker.on('error', (e: Error & { code?: string }) => {
    markReady();
    failAll(c, e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? { kind: 'compile', message: `the loss is too large to compile: the compiler needed more than ${COMPILER_MEMORY_MB} MB` }
      : { kind: 'runtime', message: `the snippet compiler failed: ${e.message}` });
  });
  worker.on('exit', (code) => {
    markReady();
    failAll(c, { kind: 'runtime', message: `the snippet compiler stopped (exit code ${code})` });
  });
  compiler = c;
  return c;
}

/**
 * Starts the compiler worker if it is not running; resolves once it has loaded the TypeScript
 * compiler and compiled a warm-up snippet (or failed to).
 */
export function prewarmCompiler(): Promise<void> {
  const c = start();
  c.worker.ref();  // until ready: awaiting this keeps the process alive
  return c.ready.then(() => { if (c.waiting.size === 0) c.worker.unref(); });
}

/** Stops the compiler worker (tests and shutdown); a later compile starts a new one. */
export function disposeCompiler(): void {
  if (compiler) stop(compiler, { kind: 'runtime', message: 'the snippet compiler was stopped' });
}

/**
 * Compiles `source` in the compiler worker (see `compileSnippet` in compile.ts for what comes
 * back). Never rejects: failures of the worker itself come back as a LossError too.
 */
export function compileOffThread(source: string, options: CompileOptions = {}): Promise<CompileResult> {
  const c = start();
  const id = nextId++;
  return new Promise<CompileResult>((resolve) => {
    const timer = setTimeout(() => {
      if (!c.waiting.has(id)) return;
      // A stuck compile blocks the worker's queue: stop it; waiting requests fail, later ones get a new worker.
      stop(c, { kind: 'timeout', message: `the loss did not compile within ${COMPILE_DEADLINE_MS / 1000} s` });
    }, COMPILE_DEADLINE_MS);
    timer.unref();
    c.waiting.set(id, { resolve, timer });
    c.worker.ref();  // a pending compile keeps the process alive
    const message: ToCompiler = { type: 'compile', id, source, options };
    c.worker.postMessage(message);
  });
}

/** Stops compiler `c` (the current one or not): its waiting requests fail with `error`. */
function stop(c: Compiler, error: LossError): void {
  failAll(c, error);
  void c.worker.terminate();
}
