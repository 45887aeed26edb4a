/**
 * The limits a session puts on its loss, declared once and read by the host (which watches the
 * sandbox process from outside) and by the process (which enforces them inside), with the words
 * that say which one was reached.
 *
 * Memory: `memoryLimitMb` is what the loss may use. It is the process's V8 heap limit; typed
 * arrays, which live outside that heap, are capped per evaluation at half of it; the process as a
 * whole (the loss plus Node's own ~50–100 MB: code, young generation, buffers) may reach
 * `residentLimitMb` of resident memory before it is ended.
 */
import { cut, lossError } from './format';
import type { ProcessEnd } from './sandboxProcess';
import { DETAIL_MAX_CHARS, type LossError, type StartOptions } from './types';

export const DEFAULT_DEADLINE_MS = 2000;
export const DEFAULT_MEMORY_MB = 256;
/** Resident memory the sandbox process needs besides the loss's heap. */
export const PROCESS_OVERHEAD_MB = 160;

export interface SessionLimits {
  readonly deadlineMs: number;
  readonly memoryLimitMb: number;
  readonly residentLimitMb: number;
  /** Bytes of typed arrays one evaluation may allocate. */
  readonly allocationBudget: number;
  readonly batchIntervalMs: number;
}

export function sessionLimits(options: StartOptions): SessionLimits {
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_MB;
  return {
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    memoryLimitMb,
    residentLimitMb: memoryLimitMb + PROCESS_OVERHEAD_MB,
    allocationBudget: Math.floor(memoryLimitMb / 2) * 1024 * 1024,
    batchIntervalMs: options.batchIntervalMs ?? 33,
  };
}

/** The V8 heap of the process was exhausted (it aborted). */
export function heapExhausted(limits: Pick<SessionLimits, 'memoryLimitMb'>): string {
  return `the loss ran out of memory: it needed more than the ${limits.memoryLimitMb} MB the sandbox allows (its JavaScript heap)`;
}

/** The process's resident memory passed its limit (measured by the host, or by the process itself). */
export function residentExceeded(limits: Pick<SessionLimits, 'memoryLimitMb' | 'residentLimitMb'>, usedMb: number): string {
  return `the loss ran out of memory: its sandbox process used ${Math.round(usedMb)} MB, more than the ${limits.residentLimitMb} MB allowed `
    + `(${limits.memoryLimitMb} MB for the loss, ${limits.residentLimitMb - limits.memoryLimitMb} MB for the process itself)`;
}

/** Why the loss's sandbox process ended, in the loss's words (undefined when the host stopped it). */
export function describeEnd(end: ProcessEnd, limits: Pick<SessionLimits, 'memoryLimitMb' | 'residentLimitMb'>): LossError | undefined {
  switch (end.cause) {
    case 'stopped': return undefined;
    case 'memory': return lossError('memory', residentExceeded(limits, end.residentMb));
    case 'silence': return lossError('timeout', `the loss's sandbox process did not respond for ${Math.round(end.ms / 1000)} s and was stopped`);
    case 'protocol': return lossError('runtime', `the loss's sandbox process was stopped: ${end.reason}`);
    case 'exit': {
      if (end.outOfMemory) return lossError('memory', heapExhausted(limits));
      const how = end.signal ? `signal ${end.signal}` : `exit code ${String(end.code)}`;
      const error = lossError('runtime', `the loss's sandbox process stopped unexpectedly (${how})`);
      const tail = end.stderr.trim();
      return tail ? { ...error, detail: cut(tail, DETAIL_MAX_CHARS) } : error;
    }
  }
}
