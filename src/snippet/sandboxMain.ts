/**
 * The sandbox process's entry (dist/sandboxMain.js): started by the host (sandboxProcess.ts) with
 * the flags of launch.ts, it locks its own built-ins (intrinsics.ts), checks and hardens itself
 * (harden.ts), prepares a context for the
 * next snippet while it waits (a warm spare), says 'ready', then serves one session
 * (sandboxSession.ts) over the channel on fd 3. It exits when the host closes the channel.
 */
import * as net from 'node:net';
import { openChannel } from './channel';
import { describeThrown, lossError } from './format';
import { checkIsolation, hardenProcess } from './harden';
import { lockProcessIntrinsics } from './intrinsics';
import type { FromSandbox, ToSandbox } from './protocol';
import { createSandboxContext } from './sandboxContext';
import { SandboxSession } from './sandboxSession';

/** Longest message accepted from the host (a start message carries the compiled snippet). */
const MAX_FRAME_BYTES = 64 << 20;

lockProcessIntrinsics();
const isolation = checkIsolation();
hardenProcess({ closeFiles: true });

const socket = new net.Socket({ fd: 3, readable: true, writable: true });
socket.on('error', () => process.exit(0));
socket.on('close', () => process.exit(0));

const channel = openChannel(socket, {
  maxFrameBytes: MAX_FRAME_BYTES,
  onMessage: (m) => session.handle(m as ToSandbox),
  onError: () => process.exit(1),
});
const send = (message: FromSandbox): void => { channel.send(message); };

process.on('uncaughtException', (e) => {
  send({ type: 'fatal', error: lossError('runtime', `the sandbox failed: ${describeThrown(e).text}`) });
  socket.end(() => process.exit(1));
});

const session = new SandboxSession({ send, unread: () => socket.writableLength, drained: () => channel.drained() }, createSandboxContext());
send({ type: 'ready', isolation });
