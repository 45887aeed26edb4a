/**
 * The compiler process's entry (dist/compilerMain.js; the host side is compiler.ts): hardens
 * itself like a sandbox process, says 'ready', loads the TypeScript compiler bundle when the host
 * says 'load' — with V8's code cache of it, when the host kept one from an earlier process
 * (compileCache.ts: this process may not write files) — then answers `compile` requests one at a
 * time over the channel on fd 3 (the host warms it up with small snippets when it has time to:
 * `prewarmCompiler`). After its first compile, a process that had no usable code cache sends one
 * back. No user code runs here: the snippet is only parsed and transformed. It exits when the
 * host closes the channel.
 */
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { openChannel } from './channel';
import type * as CompileModule from './compile';
import { checkIsolation, hardenProcess } from './harden';
import type { CompileReply, FromCompiler, ToCompiler } from './protocol';

/** Longest message accepted from the host (a snippet's source, or a code cache). */
const MAX_FRAME_BYTES = 64 << 20;

const isolation = checkIsolation(false);
hardenProcess({ closeFiles: false });

let compileSnippet: typeof CompileModule.compileSnippet | undefined;
let loadError: string | undefined;
/** The compiler's script, while a code cache of it is still to be sent. */
let uncached: vm.Script | undefined;

/**
 * Loads dist/compile.js — its own bundle beside this file (compile.js under tsc), read by path so
 * that bundlers leave it alone — as a CommonJS module compiled with `codeCache` when V8 accepts it.
 */
function load(codeCache: Uint8Array | undefined): void {
  if (compileSnippet || loadError) return;
  try {
    const file = path.join(__dirname, 'compile.js');
    const cachedData = codeCache instanceof Uint8Array ? Buffer.from(codeCache.buffer, codeCache.byteOffset, codeCache.byteLength) : undefined;
    const script = new vm.Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
    const module = { exports: {} as typeof CompileModule };
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, __dirname);
    compileSnippet = module.exports.compileSnippet;
    if (cachedData === undefined || script.cachedDataRejected === true) uncached = script;
  } catch (e) {
    loadError = `the TypeScript compiler could not be loaded: ${(e as Error).message}`;
  }
}

function compile(m: Extract<ToCompiler, { type: 'compile' }>): CompileReply {
  if (!compileSnippet) return { ok: false, error: { kind: 'runtime', message: loadError ?? 'the TypeScript compiler is not loaded' } };
  try {
    return compileSnippet(m.source, m.options);
  } catch (e) {
    return { ok: false, error: { kind: 'runtime', message: `the snippet compiler failed: ${(e as Error).message}` } };
  }
}

const socket = new net.Socket({ fd: 3, readable: true, writable: true });
socket.on('error', () => process.exit(0));
socket.on('close', () => process.exit(0));
const send = (m: FromCompiler): void => { channel.send(m); };
const channel = openChannel(socket, {
  maxFrameBytes: MAX_FRAME_BYTES,
  onMessage: (raw) => {
    const m = raw as ToCompiler;
    if (m?.type === 'load') load(m.codeCache);
    if (m?.type !== 'compile') return;
    load(undefined);
    const result = compile(m);
    send({ type: 'compiled', id: m.id, result });
    // The code cache holds what the compile compiled lazily too: made after the first one.
    if (uncached && result.ok) {
      const data = uncached.createCachedData();
      uncached = undefined;
      send({ type: 'codeCache', data });
    }
  },
  onError: () => process.exit(1),
});

send({ type: 'ready', isolation });
