/**
 * The compiler process's entry (dist/compilerMain.js; the host side is compiler.ts): hardens
 * itself like a sandbox process, loads the TypeScript compiler bundle, says 'ready', then answers
 * `compile` requests one at a time over the channel on fd 3 (the host warms it up with small
 * snippets when it has time to: `prewarmCompiler`). No user code runs here: the snippet is only
 * parsed and transformed. It exits when the host closes the channel.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { openChannel } from './channel';
import type * as CompileModule from './compile';
import { checkIsolation, hardenProcess } from './harden';
import type { CompileReply, FromCompiler, ToCompiler } from './protocol';

/** Longest message accepted from the host (a snippet's source). */
const MAX_FRAME_BYTES = 16 << 20;

const isolation = checkIsolation(false);
hardenProcess({ closeFiles: false });

let compileSnippet: typeof CompileModule.compileSnippet | undefined;
let loadError: string | undefined;
try {
  // By a computed path, so that bundlers leave it alone: dist/compile.js is its own bundle beside
  // dist/compilerMain.js, and compile.js sits beside this file under tsc.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  compileSnippet = (require(path.join(__dirname, 'compile.js')) as typeof CompileModule).compileSnippet;
} catch (e) {
  loadError = `the TypeScript compiler could not be loaded: ${(e as Error).message}`;
}

function compile(m: ToCompiler): CompileReply {
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
    if (m?.type === 'compile') send({ type: 'compiled', id: m.id, result: compile(m) });
  },
  onError: () => process.exit(1),
});

send({ type: 'ready', isolation });
