/**
 * What a compiler process does once started (the host side is compiler.ts): hardens itself like a
 * sandbox process, says 'ready', then answers `compile` requests one at a time over the channel on
 * fd 3. Two entries call it:
 * - compilerMain.ts (dist/compilerMain.js), a plain start: it loads the TypeScript compiler bundle
 *   (dist/compile.js) when the host says 'load' — with V8's code cache of it when the host kept one
 *   from an earlier process (compileCache.ts: this process may not write files) — and, after its
 *   first compile, sends a code cache back when it had no usable one;
 * - compilerSnapshot.ts, run from a startup snapshot (launch.ts): the compiler is already loaded,
 *   with TypeScript's library parsed, so 'load' has nothing to do.
 * No user code runs here: the snippet is only parsed and transformed. It exits when the host
 * closes the channel.
 */
import * as net from 'node:net';
import { openChannel } from './channel';
import type * as CompileModule from './compile';
import { checkIsolation, hardenProcess } from './harden';
import type { CompileReply, FromCompiler, ToCompiler } from './protocol';

/** Longest message accepted from the host (a snippet's source, or a code cache). */
const MAX_FRAME_BYTES = 64 << 20;

type CompileSnippet = typeof CompileModule.compileSnippet;

/** How the process gets its compiler: loaded now (the snapshot), or on the host's 'load' (with a code cache). */
export interface CompilerSource {
  /** Loads the compiler (once): its compile function, or why it could not be loaded. */
  load(codeCache: Uint8Array | undefined): { readonly compileSnippet?: CompileSnippet; readonly error?: string };
  /** V8's code cache to send the host after the first compile (once), when it had none that V8 accepted. */
  takeCodeCache(): Uint8Array | undefined;
}

/** Serves the host's compile requests (see the file's comment). */
export function serveCompiler(source: CompilerSource): void {
  const isolation = checkIsolation(false);
  hardenProcess({ closeFiles: false });

  let loaded: ReturnType<CompilerSource['load']> | undefined;
  const load = (codeCache: Uint8Array | undefined): ReturnType<CompilerSource['load']> => (loaded ??= source.load(codeCache));

  const compile = (m: Extract<ToCompiler, { type: 'compile' }>): CompileReply => {
    const { compileSnippet, error } = load(undefined);
    if (!compileSnippet) return { ok: false, error: { kind: 'runtime', message: error ?? 'the TypeScript compiler is not loaded' } };
    try {
      return compileSnippet(m.source, m.options);
    } catch (e) {
      return { ok: false, error: { kind: 'runtime', message: `the snippet compiler failed: ${(e as Error).message}` } };
    }
  };

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
      const result = compile(m);
      send({ type: 'compiled', id: m.id, result });
      // The code cache holds what the compile compiled lazily too: made after the first one.
      const data = result.ok ? source.takeCodeCache() : undefined;
      if (data) send({ type: 'codeCache', data });
    },
    onError: () => process.exit(1),
  });

  send({ type: 'ready', isolation });
}
