/**
 * Sandbox processes for sessions, and a warm spare: a process started ahead of time (Node's start
 * and the context's preparation, ~50–100 ms) so that the next session's first point does not wait
 * for it. Once `prewarmSandbox` was called, a new spare is started shortly after each one is taken.
 * A spare never keeps the host alive, except while someone awaits `prewarmSandbox`.
 */
import { SandboxProcess } from './sandboxProcess';
import type { SessionLimits } from './sandboxLimits';

/** Largest message accepted from a sandbox process (points are sent in frames of a few MB). */
const MAX_FRAME_BYTES = 64 << 20;
/** Delay before a taken spare is replaced (its start should not compete with the session's). */
const REPLACE_AFTER_MS = 250;

interface Spare {
  readonly process: SandboxProcess;
  readonly heapMb: number;
}
let spare: Spare | undefined;
let keepSpare = false;

/** The silence after which the host ends a working process: well past the process's own deadline. */
export function silenceLimitMs(deadlineMs: number): number {
  return Math.max(2 * deadlineMs, deadlineMs + 8000);
}

function spawn(heapMb: number): SandboxProcess {
  return new SandboxProcess({
    role: 'sandbox', heapMb, residentLimitMb: Number.POSITIVE_INFINITY, silenceLimitMs: Number.POSITIVE_INFINITY,
    maxFrameBytes: MAX_FRAME_BYTES,
  });
}

/** Starts a spare process with a heap of `heapMb` MB if there is none; resolves when it is ready (or failed to start). */
export function prewarmSandbox(heapMb: number): Promise<void> {
  keepSpare = true;
  if (spare && spare.heapMb !== heapMb) { spare.process.kill(); spare = undefined; }
  if (!spare) {
    const s: Spare = { process: spawn(heapMb), heapMb };
    s.process.onEnd(() => { if (spare === s) spare = undefined; });
    spare = s;
  }
  const { process: p } = spare;
  p.setKeepAlive(true);
  return p.ready.then(() => undefined, () => undefined).finally(() => p.setKeepAlive(false));
}

/** Stops the spare, and starts no more (tests and shutdown). */
export function disposeSpare(): void {
  keepSpare = false;
  spare?.process.kill();
  spare = undefined;
}

/** A process for a session with `limits`: the spare when it fits, else a new one. */
export function takeSandbox(limits: SessionLimits): SandboxProcess {
  const s = spare;
  spare = undefined;
  if (keepSpare) setTimeout(() => { if (!spare && keepSpare) void prewarmSandbox(limits.memoryLimitMb); }, REPLACE_AFTER_MS).unref();
  let p: SandboxProcess;
  if (s && s.heapMb === limits.memoryLimitMb && s.process.alive) {
    p = s.process;
    p.setKeepAlive(false);
  } else {
    s?.process.kill();
    p = spawn(limits.memoryLimitMb);
  }
  p.configure({ residentLimitMb: limits.residentLimitMb, silenceLimitMs: silenceLimitMs(limits.deadlineMs) });
  return p;
}
