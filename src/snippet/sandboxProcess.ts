/**
 * One sandbox process, seen from the host that starts and owns it (the extension host or the
 * CLI): started by `launch.ts`'s plan, spoken to over `channel.ts` on its fd 3, watched, ended.
 *
 * It ends, and says why once (`onEnd`), when
 * - it exits by itself (`exit`; `outOfMemory` when V8 reported a heap exhaustion on its stderr);
 * - its resident memory passes `residentLimitMb` (`memory`; read from /proc/<pid>/status every
 *   50 ms on Linux while it works — elsewhere the process checks its own between slices);
 * - it sends nothing for `silenceLimitMs` while it works (`silence`: the backstop behind the
 *   process's own deadline);
 * - it sends a frame the host refuses (`protocol`), or the host stops it (`stopped`).
 * The host's own memory is never measured here: only the process's.
 *
 * While it works (`setBusy(true)`) it keeps the host process alive; otherwise it does not. A
 * process that ends before it said 'ready' is started again with fewer protections (launch.ts's
 * tiers); the protections it then lacks are warned about once — except a compiler started from
 * its startup snapshot, which is started again from its script, with the same protections (and
 * the snapshot is not used again by this host).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { openChannel, type Channel } from './channel';
import { LAUNCH_TIERS, launchPlan, type ProcessRole } from './launch';
import { mark } from './startupTrace';
import type { SandboxIsolation } from './types';

export type ProcessEnd =
  | { readonly cause: 'exit'; readonly code: number | null; readonly signal: string | null; readonly outOfMemory: boolean; readonly stderr: string }
  | { readonly cause: 'memory'; readonly residentMb: number }
  | { readonly cause: 'silence'; readonly ms: number }
  | { readonly cause: 'protocol'; readonly reason: string }
  | { readonly cause: 'stopped' };

/** How the host watches a process (set again when a spare is given to a session). */
export interface Watch {
  /** Resident memory at which the host ends it. */
  readonly residentLimitMb: number;
  /** Silence while busy after which the host ends it. */
  readonly silenceLimitMs: number;
}

export interface SandboxProcessOptions extends Watch {
  readonly role: ProcessRole;
  /** V8 heap limit of the process. */
  readonly heapMb: number;
  /** Longest message accepted from it. */
  readonly maxFrameBytes: number;
}

const WATCH_INTERVAL_MS = 50;
const STDERR_TAIL_CHARS = 8192;
/** V8's words when the heap is exhausted (FATAL ERROR: … JavaScript heap out of memory). */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|Reached heap limit/;
/** A runtime refusing a flag at start (exit code 9, "bad option"). */
const BAD_OPTION = /bad option|not allowed in NODE_OPTIONS|unknown option|is not supported/i;

/** The launch tier that works on this runtime, per role (see launch.ts). */
const workingTier: Record<ProcessRole, number> = { sandbox: 0, compiler: 0 };
/** A process started from the startup snapshot ended before it was ready: this host starts no more from it. */
let snapshotRefused = false;
let warnedMissing = false;

/** Resident memory of process `pid` in MB (Linux), or undefined where it cannot be read. */
export function residentMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s*(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export class SandboxProcess {
  /** Resolves when the process started and checked its protections; rejects with its end. */
  readonly ready: Promise<SandboxIsolation>;
  /** Largest resident memory seen by the watchdog, in MB (0 where it is not measured). */
  peakResidentMb = 0;
  private child?: ChildProcess;
  private channel?: Channel;
  private pipes: Duplex[] = [];
  private stderr = '';
  private isReady = false;
  private ended?: ProcessEnd;
  private busy = false;
  private keepAlive = false;
  private lastMessageAt = Date.now();
  private lastTick = Date.now();
  private watchdog?: NodeJS.Timeout;
  private onMessageHandler?: (message: unknown) => void;
  private readonly early: unknown[] = [];
  private readonly endHandlers: ((end: ProcessEnd) => void)[] = [];
  private resolveReady!: (isolation: SandboxIsolation) => void;
  private rejectReady!: (end: ProcessEnd) => void;
  private watching: Watch;

  constructor(private readonly options: SandboxProcessOptions) {
    this.watching = options;
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    this.ready.catch(() => undefined);
    this.start(workingTier[options.role]);
  }

  get pid(): number | undefined { return this.child?.pid; }
  get alive(): boolean { return this.ended === undefined; }

  /** Messages from the process after 'ready' (those that came before this call are replayed). */
  onMessage(handler: (message: unknown) => void): void {
    this.onMessageHandler = handler;
    for (const m of this.early.splice(0)) handler(m);
  }

  /** Called once when the process ended (at once if it already has). */
  onEnd(handler: (end: ProcessEnd) => void): void {
    if (this.ended) handler(this.ended); else this.endHandlers.push(handler);
  }

  /** Sends a message; false when the process is gone or its input is full. */
  send(message: unknown): boolean {
    return this.alive && this.channel !== undefined && this.channel.send(message);
  }

  /** Sets the watchdogs' limits. */
  configure(watch: Watch): void {
    this.watching = watch;
  }

  /** While busy: keeps the host process alive, and the watchdogs run. */
  setBusy(busy: boolean): void {
    if (!this.alive || busy === this.busy) return;
    this.busy = busy;
    this.lastMessageAt = Date.now();
    if (busy && !this.watchdog) {
      this.lastTick = Date.now();
      // The check runs after the event loop's poll phase: what the process sent meanwhile is read first.
      this.watchdog = setInterval(() => setImmediate(() => this.watch()), WATCH_INTERVAL_MS);
    } else if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
    this.updateRef();
  }

  /** Keeps the host alive even while not busy (a spare being started that someone awaits). */
  setKeepAlive(keep: boolean): void {
    this.keepAlive = keep;
    this.updateRef();
  }

  /** Ends the process now. */
  kill(): void {
    this.end({ cause: 'stopped' });
  }

  /** Ends the process for a reason of the host's (memory, silence, a refused message). */
  end(end: ProcessEnd): void {
    if (this.ended) return;
    this.ended = end;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    try { this.child?.kill('SIGKILL'); } catch { /* already gone */ }
    for (const p of this.pipes) p.destroy();
    if (!this.isReady) this.rejectReady(end);
    for (const h of this.endHandlers.splice(0)) h(end);
  }

  private start(tier: number): void {
    const plan = launchPlan(this.options.role, this.options.heapMb, tier, { snapshot: !snapshotRefused });
    mark(`${this.options.role} spawn${plan.snapshot ? ' (snapshot)' : ''}`);
    const args = plan.snapshot ? [...plan.execArgv, '--snapshot-blob', plan.snapshot] : [...plan.execArgv, plan.script];
    const child = spawn(plan.execPath, args, {
      env: plan.env, detached: plan.detached, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], windowsHide: true,
    });
    this.child = child;
    this.stderr = '';
    const stderr = child.stdio[2] as Duplex | null, io = child.stdio[3] as Duplex | null;
    this.pipes = [stderr, io].filter((p): p is Duplex => p !== null);
    for (const p of this.pipes) p.on('error', () => { /* the process is gone: 'close' says how */ });
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => { this.stderr = (this.stderr + text).slice(-STDERR_TAIL_CHARS); });
    if (io) {
      this.channel = openChannel(io, {
        maxFrameBytes: this.options.maxFrameBytes,
        onMessage: (m) => this.receive(m),
        onError: (reason) => this.end({ cause: 'protocol', reason: `it sent ${reason}` }),
      });
    }
    child.on('error', () => { /* spawn failures end in 'close' too */ });
    child.on('close', (code, signal) => {
      if (this.child !== child || this.ended) return;
      if (!this.isReady && plan.snapshot) {
        snapshotRefused = true;
        this.start(tier);
        return;
      }
      if (!this.isReady && tier + 1 < LAUNCH_TIERS) {
        // It could not start with these protections (a runtime that refuses a flag exits with 9,
        // "bad option"): one tier lower, remembered for the next process; the first says what is missing.
        if (code === 9 || BAD_OPTION.test(this.stderr)) workingTier[this.options.role] = tier + 1;
        this.start(tier + 1);
        return;
      }
      this.end({ cause: 'exit', code, signal, outOfMemory: OUT_OF_MEMORY.test(this.stderr), stderr: this.stderr });
    });
    this.updateRef();
  }

  private receive(message: unknown): void {
    if (this.ended) return;
    this.lastMessageAt = Date.now();
    if (!this.isReady) {
      const m = message as { type?: unknown; isolation?: SandboxIsolation };
      if (m?.type !== 'ready' || typeof m.isolation !== 'object' || m.isolation === null) {
        this.end({ cause: 'protocol', reason: 'its first message was not "ready"' });
        return;
      }
      this.isReady = true;
      mark(`${this.options.role} ready`);
      warnOnce(m.isolation);
      this.resolveReady(m.isolation);
      return;
    }
    if (this.onMessageHandler) this.onMessageHandler(message); else this.early.push(message);
  }

  private watch(): void {
    if (!this.watchdog) return;
    const now = Date.now();
    // Time the host itself was stalled (another extension, a large allocation) is not the process's silence.
    const stall = now - this.lastTick - WATCH_INTERVAL_MS;
    if (stall > 0) this.lastMessageAt += stall;
    this.lastTick = now;
    if (now - this.lastMessageAt > this.watching.silenceLimitMs) {
      this.end({ cause: 'silence', ms: now - this.lastMessageAt });
      return;
    }
    const pid = this.child?.pid;
    const rss = pid === undefined ? undefined : residentMb(pid);
    if (rss === undefined) return;
    this.peakResidentMb = Math.max(this.peakResidentMb, rss);
    if (rss > this.watching.residentLimitMb) this.end({ cause: 'memory', residentMb: rss });
  }

  private updateRef(): void {
    const ref = this.alive && (this.busy || this.keepAlive);
    const child = this.child;
    if (!child) return;
    if (ref) child.ref(); else child.unref();
    for (const p of this.pipes) {
      const socket = p as Duplex & { ref?: () => void; unref?: () => void };
      if (ref) socket.ref?.(); else socket.unref?.();
    }
  }
}

/** The first process that lacks a protection says so, once per host process. */
function warnOnce(isolation: SandboxIsolation): void {
  if (warnedMissing || !Array.isArray(isolation.missing) || isolation.missing.length === 0) return;
  warnedMissing = true;
  process.emitWarning(`the loss sandbox runs without ${isolation.missing.join('; ')} on this runtime (${process.release.name} ${process.version})`,
    { code: 'OPTIMIZER_PLAYGROUND_SANDBOX' });
}
