/**
 * Compiling snippets outside the host: one long-lived compiler process (compilerMain.ts, started
 * like a sandbox process: launch.ts, sandboxProcess.ts) holds the TypeScript compiler
 * (dist/compile.js, 3.6 MB) and answers `compile` requests; the extension host and the CLI only
 * send the source and receive a `CompiledSnippet` (plain data) or the LossError with its
 * diagnostics. No user code runs in the compiler process — it parses and transforms the snippet's
 * text only — but a pathological snippet can exhaust its heap: then that process ends, not the
 * host, the request fails with a LossError and the next request starts a new one.
 *
 * Why one process of its own rather than the sandbox process of each session: every session gets
 * a fresh sandbox process (user code never shares a realm with a previous run), so a compiler
 * loaded there would be loaded once per edit — 0.3–1 s of CPU each time — whereas a warm compiler
 * compiles a snippet in 10–30 ms.
 *
 * `prewarmCompiler()` (called by `prewarmWorker`) starts it so that it loads the compiler and
 * compiles a small snippet while the person is still reading. An idle compiler never keeps the
 * host alive. A compile that takes more than `COMPILE_DEADLINE_MS` stops the process.
 */
import type { CompileOptions } from './compile';
import { readCachedCompile, readCodeCache, writeCachedCompile, writeCodeCache } from './compileCache';
import { cut, lossError, oneLine } from './format';
import { COMPILER_HEAP_MB } from './launch';
import { mark } from './startupTrace';
import { WARM_UP_SNIPPETS } from './warmUpSnippets';
import type { CompileReply, FromCompiler, ToCompiler } from './protocol';
import { SandboxProcess, type ProcessEnd } from './sandboxProcess';
import { MESSAGE_MAX_CHARS, type LossError } from './types';

export type CompileResult = CompileReply;

/** Longest a compile may take before the compiler process is stopped (a cold start under load included). */
export const COMPILE_DEADLINE_MS = 20_000;
/** Most diagnostics passed on from one compile. */
const MAX_DIAGNOSTICS = 100;

interface Compiler {
  readonly process: SandboxProcess;
  readonly waiting: Map<number, { resolve: (r: CompileResult) => void; timer: NodeJS.Timeout }>;
  /** Why the compiler's requests fail, once it is being stopped for a reason of the host's. */
  failure?: LossError;
}

let compiler: Compiler | undefined;
let nextId = 1;

function describeCompilerEnd(end: ProcessEnd): LossError {
  if (end.cause === 'exit' && end.outOfMemory) {
    return { kind: 'compile', message: `the loss is too large to compile: the compiler needed more than ${COMPILER_HEAP_MB} MB` };
  }
  if (end.cause === 'stopped') return { kind: 'runtime', message: 'the snippet compiler was stopped' };
  if (end.cause === 'exit') return { kind: 'runtime', message: `the snippet compiler stopped (${end.signal ? `signal ${end.signal}` : `exit code ${String(end.code)}`})` };
  if (end.cause === 'memory') return { kind: 'compile', message: `the loss is too large to compile: the compiler used ${Math.round(end.residentMb)} MB` };
  if (end.cause === 'silence') return { kind: 'timeout', message: `the loss did not compile within ${COMPILE_DEADLINE_MS / 1000} s` };
  return { kind: 'runtime', message: `the snippet compiler was stopped: ${end.reason}` };
}

/** A compile result as the host keeps it: messages and diagnostics cut to their limits. */
function checkResult(raw: CompileResult): CompileResult {
  if (raw.ok) return raw;
  const error = lossError(raw.error.kind, raw.error.message);
  const diagnostics = raw.error.diagnostics?.slice(0, MAX_DIAGNOSTICS).map((d) => ({ ...d, message: cut(oneLine(d.message), MESSAGE_MAX_CHARS) }));
  return { ok: false, error: diagnostics ? { ...error, diagnostics } : error };
}

function start(): Compiler {
  if (compiler) return compiler;
  const process = new SandboxProcess({
    role: 'compiler', heapMb: COMPILER_HEAP_MB, residentLimitMb: COMPILER_HEAP_MB + 512,
    silenceLimitMs: COMPILE_DEADLINE_MS, maxFrameBytes: 64 << 20,
  });
  const c: Compiler = { process, waiting: new Map() };
  // First of all, before any compile: load TypeScript, with the code cache an earlier process made.
  void process.ready.then(() => {
    const codeCache = readCodeCache();
    process.send({ type: 'load', ...(codeCache ? { codeCache } : {}) } satisfies ToCompiler);
  }, () => undefined);
  process.onMessage((raw) => {
    const m = raw as FromCompiler;
    if (m?.type === 'codeCache') writeCodeCache(m.data);
    if (m?.type !== 'compiled') return;
    mark('compiled');
    const w = c.waiting.get(m.id);
    if (!w) return;
    c.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (c.waiting.size === 0) process.setBusy(false);
    w.resolve(checkResult(m.result));
  });
  process.onEnd((end) => {
    if (compiler === c) compiler = undefined;
    const error = c.failure ?? describeCompilerEnd(end);
    for (const w of c.waiting.values()) { clearTimeout(w.timer); w.resolve({ ok: false, error }); }
    c.waiting.clear();
  });
  compiler = c;
  return c;
}

/**
 * Starts the compiler process if it is not running, without waiting for it — unless `source`'s
 * compile is in the cache (compileCache.ts): a host that is about to compile (the CLI, as soon as
 * it has read the loss) lets the process load the compiler meanwhile.
 */
export function startCompiler(source: string): void {
  if (cached(source, {}) === undefined) start();
}

/** `source`'s compile from the cache, kept as the last compile too. */
function cached(source: string, options: CompileOptions): Promise<CompileResult> | undefined {
  const key = JSON.stringify([source, options]);
  if (last?.key === key) return last.result;
  const hit = readCachedCompile(source, options);
  if (hit === undefined) return undefined;
  mark('compile cache hit');
  last = { key, result: Promise.resolve(hit) };
  return last.result;
}

/**
 * Starts the compiler process if it is not running; resolves once it has loaded the TypeScript
 * compiler and compiled the warm-up snippets (or failed to).
 */
export function prewarmCompiler(): Promise<void> {
  const c = start();
  c.process.setKeepAlive(true);
  const warm = WARM_UP_SNIPPETS.reduce<Promise<unknown>>((done, source) => done.then(() => compileNow(source, {})), c.process.ready);
  return warm.then(() => undefined, () => undefined).finally(() => c.process.setKeepAlive(false));
}

/** Stops the compiler process (tests and shutdown); a later compile starts a new one. */
export function disposeCompiler(): void {
  compiler?.process.kill();
}

/**
 * Compiles `source` in the compiler process (see `compileSnippet` in compile.ts for what comes
 * back). Never rejects: failures of the process itself come back as a LossError too.
 */
export function compileOffThread(source: string, options: CompileOptions = {}): Promise<CompileResult> {
  // The same loss asked again (tuning's processes, then the tuned runs' session) is compiled once;
  // a loss compiled by an earlier run of the CLI comes from the cache.
  const hit = cached(source, options);
  if (hit) return hit;
  const key = JSON.stringify([source, options]);
  const result = compileNow(source, options);
  last = { key, result };
  // Only what compiled is kept: a failure (the process's, or the code's) is asked again. Written
  // once those waiting for the compile have had it (the write is not on their way).
  void result.then((r) => {
    if (r.ok) setImmediate(() => writeCachedCompile(source, options, r));
    else if (last?.result === result) last = undefined;
  });
  return result;
}

/** The last compile asked for, and its result. */
let last: { readonly key: string; readonly result: Promise<CompileResult> } | undefined;

function compileNow(source: string, options: CompileOptions): Promise<CompileResult> {
  const c = start();
  const id = nextId++;
  return new Promise<CompileResult>((resolve) => {
    const timer = setTimeout(() => {
      if (!c.waiting.has(id)) return;
      // A stuck compile blocks the process's queue: stop it; waiting requests fail, later ones get a new process.
      c.failure = { kind: 'timeout', message: `the loss did not compile within ${COMPILE_DEADLINE_MS / 1000} s` };
      c.process.kill();
    }, COMPILE_DEADLINE_MS);
    timer.unref();
    c.waiting.set(id, { resolve, timer });
    c.process.setBusy(true);
    const message: ToCompiler = { type: 'compile', id, source, options };
    void c.process.ready.then(() => c.process.send(message), () => undefined);
  });
}
