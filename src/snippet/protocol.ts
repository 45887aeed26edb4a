/**
 * Messages between the host (`session.ts`) and the snippet worker (`worker.ts`). Plain data:
 * everything goes through structured clone, point buffers are transferred.
 */
import type { Experiment, RunnerEvent } from '../engine/types';
import type { CompileOptions } from './compile';
import type { CompiledSnippet, InspectResult, LossError, SessionInfo, SurfaceRequest } from './types';

/**
 * The watchdog's shared memory, written by the worker around every evaluation of user code:
 * Int32 [0] evaluations started, [1] 1 while an evaluation runs, [2] params written;
 * Float64 from byte 16: the params of the current evaluation.
 */
export const WATCH_COUNTER = 0;
export const WATCH_BUSY = 1;
export const WATCH_DIM = 2;
export const WATCH_PARAMS_BYTE_OFFSET = 16;
export const WATCH_MAX_PARAMS = 1024;
export const WATCH_BYTES = WATCH_PARAMS_BYTE_OFFSET + 8 * WATCH_MAX_PARAMS;

export type ToWorker =
  /** Load the loss (a preset when `compiled` is null) and step every run of the experiment. */
  | { readonly type: 'start'; readonly experiment: Experiment; readonly compiled: CompiledSnippet | null;
      readonly watch: SharedArrayBuffer; readonly batchIntervalMs: number }
  | { readonly type: 'surface'; readonly id: number; readonly request: SurfaceRequest }
  | { readonly type: 'inspect'; readonly id: number; readonly run: number; readonly step: number };

export type FromWorker =
  | { readonly type: 'info'; readonly info: SessionInfo }
  /** The loss could not be loaded; nothing runs. */
  | { readonly type: 'fatal'; readonly error: LossError }
  | { readonly type: 'events'; readonly events: readonly RunnerEvent[] }
  | { readonly type: 'reply'; readonly id: number; readonly surface?: Float64Array; readonly inspect?: InspectResult;
      readonly error?: string };

/** To the compiler worker (worker.ts with `workerData.role === 'compiler'`; see compiler.ts). */
export type ToCompiler = { readonly type: 'compile'; readonly id: number; readonly source: string; readonly options: CompileOptions };

export type FromCompiler =
  /** The TypeScript compiler is loaded and warm. */
  | { readonly type: 'ready' }
  | { readonly type: 'compiled'; readonly id: number;
      readonly result: CompiledSnippet | { readonly ok: false; readonly error: LossError } };
