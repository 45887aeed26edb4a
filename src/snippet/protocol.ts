/**
 * Messages between the host (`session.ts`, `compiler.ts`) and its sandbox processes
 * (`sandboxMain.ts` runs the loss, `compilerMain.ts` compiles it). Plain data in V8's
 * serialization format over `channel.ts`: typed arrays travel as such. What a process sends is
 * checked by the host before it is used (`checkMessages.ts`).
 */
import type { Configuration, ConfigurationScore } from '../engine/score';
import type { Experiment, RunnerEvent } from '../engine/types';
import type { CompileOptions } from './compile';
import type { RunSummaryEntry } from '../engine/runSummary';
import type { SessionLimits } from './sandboxLimits';
import type {
  CompiledSnippet, InspectResult, LossError, SandboxIsolation, SessionInfo, SessionNotice, SurfaceRequest,
} from './types';

export type ToSandbox =
  /**
   * Load the loss (a preset when `compiled` is null) and step every run of the experiment; with
   * `summaryOnly`, send each run's summary instead of its points (StartOptions.summaryOnly).
   */
  | { readonly type: 'start'; readonly experiment: Experiment; readonly compiled: CompiledSnippet | null; readonly limits: SessionLimits;
      readonly summaryOnly?: boolean }
  | { readonly type: 'surface'; readonly id: number; readonly request: SurfaceRequest }
  | { readonly type: 'inspect'; readonly id: number; readonly run: number; readonly step: number }
  /** Score each configuration alone on the loaded loss (tuning, engine/score.ts); the reply's `scores` are in the same order. */
  | { readonly type: 'score'; readonly id: number; readonly configurations: readonly Configuration[] };

export type FromSandbox =
  /** The process started; what protects the host, as checked inside it. Sent once, first. */
  | { readonly type: 'ready'; readonly isolation: SandboxIsolation }
  | { readonly type: 'info'; readonly info: SessionInfo }
  /** The loss could not be loaded, or stopped the session (a deadline, a memory limit); nothing more runs. */
  | { readonly type: 'fatal'; readonly error: LossError }
  /** The runner's events; with summaryOnly, the summaries of the runs that went on since the last message come first. */
  | { readonly type: 'events'; readonly events: readonly RunnerEvent[]; readonly summaries?: readonly RunSummaryEntry[] }
  | { readonly type: 'notice'; readonly notice: SessionNotice }
  | { readonly type: 'reply'; readonly id: number; readonly surface?: Float64Array; readonly inspect?: InspectResult;
      readonly scores?: readonly ConfigurationScore[]; readonly error?: string }
  /** Still working (sent when nothing else was for a while: the host's silence watchdog). */
  | { readonly type: 'alive' };

export type ToCompiler =
  /** Load the TypeScript compiler (first, once), with V8's code cache of it from an earlier process when the host has one. */
  | { readonly type: 'load'; readonly codeCache?: Uint8Array }
  | { readonly type: 'compile'; readonly id: number; readonly source: string; readonly options: CompileOptions };

export type CompileReply = CompiledSnippet | { readonly ok: false; readonly error: LossError };

export type FromCompiler =
  /** The process started (it loads the TypeScript compiler when told: 'load'). */
  | { readonly type: 'ready'; readonly isolation: SandboxIsolation }
  | { readonly type: 'compiled'; readonly id: number; readonly result: CompileReply }
  /** V8's code cache of the TypeScript compiler, after a first compile, when the host gave none that V8 accepted. */
  | { readonly type: 'codeCache'; readonly data: Uint8Array };
