/**
 * Running an experiment off the main thread: `startExperiment` has a snippet compiled in the
 * compiler worker (`compiler.ts`; presets need no compile), hands it to a worker thread
 * (`worker.ts`) that runs the engine's Runner next to the loss, and relays the runner's events.
 * The host never runs user code, and its thread never loads the TypeScript compiler.
 *
 * Safety net, host side: the worker has a heap limit (`memoryLimitMb`, default 256); a watchdog
 * polls the shared evaluation counter every 50 ms and terminates the worker when one evaluation
 * has been running for `deadlineMs` (default 2000): "the loss did not return within 2000 ms (last
 * params [..])". Typed arrays are allocated outside the heap limit, so the watchdog also stops the
 * worker when the process's resident memory grows by more than `memoryLimitMb` during one
 * evaluation, or by more than max(4 × limit, 1 GB) during the session. Either way the runs still going end with status 'error' and that message, and
 * `done` rejects with the LossError. A new session always gets a new worker, so the next run
 * works normally.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Experiment, RunnerEvent } from '../engine/types';
import { compileOffThread, prewarmCompiler, workerPath } from './compiler';
import type { FromWorker, ToWorker } from './protocol';
import { WATCH_BUSY, WATCH_BYTES, WATCH_COUNTER, WATCH_DIM, WATCH_MAX_PARAMS, WATCH_PARAMS_BYTE_OFFSET } from './protocol';
import { formatParams } from './sandbox';
import type {
  CompiledSnippet, ExperimentSession, InspectResult, LossError, SessionInfo, StartOptions, SurfaceRequest,
} from './types';

const DEFAULT_DEADLINE_MS = 2000;
const DEFAULT_MEMORY_MB = 256;
const WATCHDOG_INTERVAL_MS = 50;

interface Spare {
  readonly worker: Worker;
  readonly memoryLimitMb: number;
  readonly online: Promise<void>;
  /** Resolves `online` (when the spare is taken before it came online). */
  readonly settle: () => void;
}
let spare: Spare | undefined;
let keepSpare = false;

function spawn(memoryLimitMb: number): Worker {
  const worker = new Worker(workerPath(), {
    resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, memoryLimitMb / 8)) },
  });
  worker.unref();
  return worker;
}

/**
 * Starts a worker now, so the next `startExperiment` skips the worker's start-up (~30–80 ms), and
 * the compiler worker (compiler.ts), so that the first snippet does not wait for the TypeScript
 * compiler to load (~0.1–1 s); resolves when both are ready. The host calls it when a panel opens.
 * Once called, a new spare is started each time one is taken. Idle workers don't keep the process alive.
 */
export function prewarmWorker(memoryLimitMb = DEFAULT_MEMORY_MB): Promise<void> {
  return Promise.all([prewarmSpare(memoryLimitMb), prewarmCompiler()]).then(() => undefined);
}

function prewarmSpare(memoryLimitMb: number): Promise<void> {
  keepSpare = true;
  if (spare && spare.memoryLimitMb === memoryLimitMb) return spare.online;
  if (spare) void spare.worker.terminate();
  const worker = spawn(memoryLimitMb);
  worker.ref();  // until it is online, so that awaiting this keeps the process alive
  let settle!: () => void;
  const online = new Promise<void>((resolve) => {
    settle = resolve;
    worker.once('online', () => { if (spare?.worker === worker) worker.unref(); resolve(); });
    worker.once('exit', () => resolve());
  });
  const s: Spare = { worker, memoryLimitMb, online, settle };
  worker.on('error', () => { if (spare === s) spare = undefined; });
  worker.on('exit', () => { if (spare === s) spare = undefined; });
  spare = s;
  return online;
}

/** Stops the spare worker, if any (tests and shutdown). */
export function disposeSpareWorker(): void {
  keepSpare = false;
  if (spare) void spare.worker.terminate();
  spare = undefined;
}

function takeWorker(memoryLimitMb: number): Worker {
  const s = spare;
  spare = undefined;
  if (s && s.memoryLimitMb === memoryLimitMb) {
    s.worker.removeAllListeners();
    s.settle();
    if (keepSpare) setImmediate(() => { if (!spare && keepSpare) void prewarmSpare(memoryLimitMb); });
    return s.worker;
  }
  if (s) { s.settle(); void s.worker.terminate(); }
  if (keepSpare) setImmediate(() => { if (!spare && keepSpare) void prewarmSpare(memoryLimitMb); });
  return spawn(memoryLimitMb);
}

/** The loss's source text for `loss.source` / `loss.file`, or null for a preset. */
async function lossSource(experiment: Experiment, options: StartOptions): Promise<string | null> {
  const loss = experiment.loss;
  if ('preset' in loss) return null;
  if ('source' in loss) return loss.source;
  if (options.allowFiles === false) {
    throw { kind: 'trust', message: 'workspace is not trusted: loss files from the workspace do not run' } satisfies LossError;
  }
  const file = path.resolve(options.baseDir ?? process.cwd(), loss.file);
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw { kind: 'io', message: `cannot read the loss file ${loss.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } satisfies LossError;
  }
}

/** Runs `experiment` in a worker thread; see ExperimentSession. */
export function startExperiment(experiment: Experiment, options: StartOptions = {}): ExperimentSession {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_MB;
  const listeners: ((event: RunnerEvent) => void)[] = [];
  const backlog: RunnerEvent[] = [];
  const ended = new Set<number>();
  const replies = new Map<number, { resolve: (m: Extract<FromWorker, { type: 'reply' }>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let worker: Worker | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let finished = false;
  let isDone = false, hasInfo = false;

  let resolveInfo!: (info: SessionInfo) => void, rejectInfo!: (e: LossError) => void;
  let resolveDone!: () => void, rejectDone!: (e: LossError) => void;
  const info = new Promise<SessionInfo>((res, rej) => { resolveInfo = res; rejectInfo = rej; });
  const done = new Promise<void>((res, rej) => { resolveDone = res; rejectDone = rej; });
  // Callers may await only one of the two: never an unhandled rejection for the other.
  info.catch(() => undefined);
  done.catch(() => undefined);

  const lastStep = new Map<number, number>();
  const emit = (event: RunnerEvent): void => {
    if (event.type === 'runEnd') ended.add(event.run);
    if (event.type === 'points') {
      for (const b of event.batches) lastStep.set(b.run, Math.max(lastStep.get(b.run) ?? 0, b.fromStep + b.count - 1));
    }
    if (listeners.length === 0) { backlog.push(event); return; }
    for (const l of listeners) l(event);
  };

  const stop = (reason = 'the session ended'): void => {
    finished = true;
    if (watchdog) clearInterval(watchdog);
    watchdog = undefined;
    for (const r of replies.values()) r.reject(new Error(reason));
    replies.clear();
  };

  /** Ends every run still going with `status`, then 'done'. */
  const endRuns = (status: 'error' | 'cancelled', message?: string): void => {
    experiment.runs.forEach((run, k) => {
      if (run.enabled === false || ended.has(k)) return;
      emit({ type: 'runEnd', run: k, status, steps: lastStep.get(k) ?? 0, message });
    });
    emit({ type: 'done' });
  };

  const fail = (error: LossError): void => {
    if (finished) return;
    stop(error.message);
    if (worker) void worker.terminate();
    if (hasInfo && !isDone) endRuns('error', error.message);
    rejectInfo(error);
    rejectDone(error);
  };

  const launch = async (): Promise<void> => {
    let compiled: CompiledSnippet | null = null;
    const source = await lossSource(experiment, options);
    if (source !== null) {
      // In the compiler worker (compiler.ts): the TypeScript compiler never loads on this thread.
      const result = await compileOffThread(source);
      if (!result.ok) throw result.error;
      compiled = result;
    }
    if (finished) return;
    const w = takeWorker(memoryLimitMb);
    worker = w;
    w.ref();
    const watch = new SharedArrayBuffer(WATCH_BYTES);
    const ints = new Int32Array(watch, 0, 4);
    const params = new Float64Array(watch, WATCH_PARAMS_BYTE_OFFSET, WATCH_MAX_PARAMS);
    let seen = -1, since = 0, lastMessage = 0, rssAtStart = process.memoryUsage.rss();
    const sessionRss = rssAtStart;
    const limitBytes = memoryLimitMb * 1024 * 1024;
    const memoryError: LossError = { kind: 'memory', message: `the loss ran out of memory: it needed more than the ${memoryLimitMb} MB the sandbox allows` };
    watchdog = setInterval(() => {
      const now = Date.now();
      const count = Atomics.load(ints, WATCH_COUNTER);
      // Typed arrays live outside the worker's heap limit: watch the process's resident memory,
      // both within one evaluation and over the whole session.
      const rss = process.memoryUsage.rss();
      if (rss - sessionRss > Math.max(4 * limitBytes, 1 << 30)) { fail(memoryError); return; }
      if (count !== seen || lastMessage > since) { seen = count; since = now; rssAtStart = rss; return; }
      const busy = Atomics.load(ints, WATCH_BUSY) === 1;
      if (busy && rss - rssAtStart > limitBytes) { fail(memoryError); return; }
      if (!busy) {
        // No evaluation and no message for a whole deadline while runs are going: the worker is
        // stuck in code that runs outside evaluations (it should never be).
        if (!isDone && now - since >= deadlineMs) fail({ kind: 'timeout', message: `the loss's worker stopped responding for ${deadlineMs} ms` });
        return;
      }
      if (now - since >= deadlineMs) {
        const n = Math.min(Atomics.load(ints, WATCH_DIM), WATCH_MAX_PARAMS);
        const last = n > 0 ? ` (last params ${formatParams(params.subarray(0, n))})` : '';
        fail({ kind: 'timeout', message: `the loss did not return within ${deadlineMs} ms${last}` });
      }
    }, WATCHDOG_INTERVAL_MS);
    watchdog.unref();

    w.on('message', (m: FromWorker) => {
      lastMessage = Date.now();
      if (finished && m.type !== 'reply') return;
      switch (m.type) {
        case 'info': hasInfo = true; resolveInfo(m.info); break;
        case 'fatal': fail(m.error); break;
        case 'events':
          for (const e of m.events) {
            emit(e);
            if (e.type === 'done') {
              isDone = true;
              w.unref();  // kept for surface() and inspect(); never keeps the process alive
              resolveDone();
            }
          }
          break;
        case 'reply': {
          const r = replies.get(m.id);
          replies.delete(m.id);
          if (replies.size === 0 && isDone) w.unref();
          r?.resolve(m);
          break;
        }
      }
    });
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        fail({ kind: 'memory', message: `the loss ran out of memory: it needed more than the ${memoryLimitMb} MB the sandbox allows` });
      } else {
        fail({ kind: 'runtime', message: `the loss crashed its worker: ${e.message}` });
      }
    });
    w.on('exit', (code) => {
      if (!finished && code !== 0) fail({ kind: 'runtime', message: `the loss's worker stopped (exit code ${code})` });
    });
    const start: ToWorker = { type: 'start', experiment, compiled, watch, batchIntervalMs: options.batchIntervalMs ?? 33 };
    w.postMessage(start);
  };

  launch().catch((e: unknown) => {
    const error: LossError = e && typeof e === 'object' && 'kind' in e && 'message' in e
      ? e as LossError : { kind: 'runtime', message: e instanceof Error ? e.message : String(e) };
    fail(error);
  });

  const request = (message: ToWorker): Promise<Extract<FromWorker, { type: 'reply' }>> => new Promise((resolve, reject) => {
    if (!worker || finished) { reject(new Error('the session is not running')); return; }
    replies.set((message as { id: number }).id, { resolve, reject });
    worker.ref();  // a pending reply keeps the process alive
    worker.postMessage(message);
  });

  return {
    info,
    done,
    onEvent(listener) {
      listeners.push(listener);
      if (listeners.length === 1 && backlog.length > 0) {
        const events = backlog.splice(0);
        for (const e of events) listener(e);
      }
    },
    cancel() {
      const alreadyEnded = finished || isDone;
      if (!finished) stop('the session was cancelled');
      if (worker) void worker.terminate();
      if (alreadyEnded) return;
      endRuns('cancelled');
      rejectInfo({ kind: 'runtime', message: 'the session was cancelled' });
      resolveDone();
    },
    async surface(req: SurfaceRequest): Promise<Float64Array> {
      const id = nextId++;
      const reply = await request({ type: 'surface', id, request: req });
      if (reply.error !== undefined || !reply.surface) throw new Error(reply.error ?? 'no surface');
      return reply.surface;
    },
    async inspect(run: number, step: number): Promise<InspectResult> {
      const id = nextId++;
      const reply = await request({ type: 'inspect', id, run, step });
      if (reply.error !== undefined || !reply.inspect) throw new Error(reply.error ?? 'no state');
      return reply.inspect;
    },
  };
}
