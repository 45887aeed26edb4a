/**
 * Sandbox processes for sessions, and warm spares: processes started ahead of time (Node's start
 * and the context's preparation, ~50–100 ms) so that the next session's first point does not wait
 * for one. Once `prewarmSandbox` was called, a new spare is started shortly after each one is taken.
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
/** The spares ready or starting (all of the same heap). */
let spares: Spare[] = [];
/** How many spares to keep once `prewarmSandbox` was called (0: none, the default). */
let keep = 0;

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

/**
 * Starts spare processes with a heap of `heapMb` MB until there are `count` (default 1; the
 * panel keeps 2, so that a command starting two sessions at once — Compare Optimizers… → Tuned
 * starts the runs at their defaults and the tuning — finds a process ready for each); resolves
 * when they are ready (or failed to start). From then on, a taken spare is replaced.
 */
export function prewarmSandbox(heapMb: number, count = 1): Promise<void> {
  keep = Math.max(1, count);
  for (const s of spares.filter((x) => x.heapMb !== heapMb)) s.process.kill();
  spares = spares.filter((x) => x.heapMb === heapMb && x.process.alive);
  while (spares.length < keep) {
    const s: Spare = { process: spawn(heapMb), heapMb };
    s.process.onEnd(() => { spares = spares.filter((x) => x !== s); });
    spares.push(s);
  }
  return Promise.all(spares.map(({ process: p }) => {
    p.setKeepAlive(true);
    return p.ready.then(() => undefined, () => undefined).finally(() => p.setKeepAlive(false));
  })).then(() => undefined);
}

/** Stops the spares, and starts no more (tests and shutdown). */
export function disposeSpare(): void {
  keep = 0;
  for (const s of spares) s.process.kill();
  spares = [];
}

/** A process for a session with `limits`: the spare when it fits, else a new one. */
export function takeSandbox(limits: SessionLimits): SandboxProcess {
  const s = spares.shift();
  if (keep > 0) setTimeout(() => { if (keep > 0 && spares.length < keep) void prewarmSandbox(limits.memoryLimitMb, keep); }, REPLACE_AFTER_MS).unref();
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
