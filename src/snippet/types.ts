/**
 * The public shape of the snippet room: compiling a loss, running an experiment in a sandbox
 * process, and the errors a person sees. `session.ts` implements `startExperiment`.
 */
import type { Configuration, ConfigurationScore } from '../engine/score';
import type { QuadraticFacts } from '../engine/curvature/convergence';
import type { RunSummaryEntry } from '../engine/runSummary';
import type { Domain, Experiment, RunnerEvent } from '../engine/types';

/** A position in the user's snippet, 1-based like an editor shows it. */
export interface SnippetDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** How gradients can be computed: a preset's formula, automatic differentiation, the snippet's own `grad`, central differences. */
export const GRADIENT_MODES = ['analytic', 'autodiff', 'user', 'finite-differences'] as const;

/** How gradients are computed for this loss, said to the user. */
export interface GradientInfo {
  readonly mode: (typeof GRADIENT_MODES)[number];
  /** Why, when mode is finite-differences ("`Math.random` is not differentiable (line 3)"). */
  readonly reason?: string;
  /**
   * For 'autodiff', once a run's start point was probed (probe.ts): straight-line reverse mode,
   * forward mode, or reverse mode on the tape (differentiate.ts).
   */
  readonly path?: 'straight-line' | 'forward' | 'reverse';
  /** Where in the snippet the construct that needs finite differences is (1-based), when known. */
  readonly line?: number;
  readonly column?: number;
}

/** How Hessians are computed for this loss (experiments with `"curvature": true`), said to the user. */
export interface CurvatureInfo {
  readonly mode: 'analytic' | 'autodiff' | 'finite-differences';
  /** Why, when mode is finite-differences. */
  readonly reason?: string;
  /**
   * For 'autodiff', once probed: second-order forward mode on straight-line code
   * (straightlineHessian.ts), or forward-over-reverse on the tape (hessianRuntime.ts).
   */
  readonly path?: 'straight-line' | 'tape';
  /** Where in the snippet the construct that needs finite differences is (1-based), when known. */
  readonly line?: number;
  readonly column?: number;
  /** When the loss is a quadratic (a preset declared so, a snippet of degree ≤ 2): its constant curvature. */
  readonly quadratic?: QuadraticFacts;
}

/** Known once the loss compiled and the sandbox process started. */
export interface SessionInfo {
  readonly dim: number;
  readonly init: readonly number[];
  readonly domain?: Domain;
  readonly dataSize: number;
  readonly gradient: GradientInfo;
  /** How the Hessians are computed, when the experiment asks for curvature. */
  readonly curvature?: CurvatureInfo;
  /** Known minima (presets only). */
  readonly minima?: readonly { readonly params: readonly number[]; readonly loss: number }[];
  /** The protections the sandbox process runs with, as checked inside it (see SandboxIsolation). */
  readonly isolation?: SandboxIsolation;
}

/**
 * What protects the host from the loss, each as verified inside the sandbox process (not as
 * requested): the process boundary always; the rest where the runtime supports it.
 */
export interface SandboxIsolation {
  /** Node's permission model: no file writes, reads of the extension's own files only, no child processes, workers or addons. */
  readonly permissionModel: boolean;
  /** `Function('…')` and `eval` refused in every realm of the process. */
  readonly codeGenerationBlocked: boolean;
  /** The process's own built-ins frozen (a leaked one cannot install a stack-trace hook or be polluted). */
  readonly frozenIntrinsics: boolean;
  /** The V8 heap limit of the process, in MB. */
  readonly heapLimitMb: number;
  /** Each protection that is missing, in words (empty when all hold); the host warns once per process. */
  readonly missing: readonly string[];
}

/** Longest `LossError.message`: one readable line. */
export const MESSAGE_MAX_CHARS = 500;
/** Longest `LossError.detail`. */
export const DETAIL_MAX_CHARS = 64 * 1024;

/** An error that stops the whole experiment: compile errors, missing exports, sandbox kills. */
export interface LossError {
  readonly kind: 'compile' | 'exports' | 'runtime' | 'timeout' | 'memory' | 'trust' | 'io';
  /** One readable line, at most MESSAGE_MAX_CHARS characters (text from the loss itself is cut short, ending in "…"). */
  readonly message: string;
  /**
   * The full text when `message` had to be cut short or escaped, at most DETAIL_MAX_CHARS
   * characters, as the loss wrote it: escape control characters before printing it.
   */
  readonly detail?: string;
  readonly diagnostics?: readonly SnippetDiagnostic[];
}

/**
 * Something the user should know about a run that is not an error, e.g. that the loss gave
 * different values for the same parameters (it keeps state between evaluations).
 */
export interface SessionNotice {
  readonly kind: 'nondeterministic';
  /** One readable line (the same text is appended to the message of every run that ends after it). */
  readonly message: string;
}

export interface StartOptions {
  /** Folder that `loss.file` is relative to. */
  readonly baseDir?: string;
  /** Whether workspace loss files may run (Workspace Trust). Default true. */
  readonly allowFiles?: boolean;
  /** Per-evaluation deadline (default 2000 ms). */
  readonly deadlineMs?: number;
  /** Memory the loss may use in MB (default 256): the sandbox process's V8 heap limit (see README "Threat model"). */
  readonly memoryLimitMb?: number;
  /** Points per batch message (default chosen for ~30 messages per second). */
  readonly batchIntervalMs?: number;
  /**
   * The caller keeps no points: the session sends no `points` events but each run's summary so far
   * (`onSummary`), folded where the points are made — far less to send and receive.
   */
  readonly summaryOnly?: boolean;
}

/**
 * A running experiment in its own sandbox process. The process lives until `cancel()`: while runs
 * go or a `surface`/`inspect` request is pending it keeps the host process alive; once idle it
 * stays, for later requests, without keeping the host alive.
 */
export interface ExperimentSession {
  /** Resolves when the loss compiled and stepping began; rejects with a LossError. */
  readonly info: Promise<SessionInfo>;
  /** Runner events, in order, as they arrive from the sandbox process. */
  onEvent(listener: (event: RunnerEvent) => void): void;
  /**
   * With StartOptions.summaryOnly: each run's summary so far, checked, as runs go on (before their
   * `runEnd` events); summaries before this call are replayed.
   */
  onSummary(listener: (summary: RunSummaryEntry) => void): void;
  /** Notices (see SessionNotice), each once, in order; notices before this call are replayed. */
  onNotice(listener: (notice: SessionNotice) => void): void;
  /** Ends the session and its process; runs still going end as `cancelled`. */
  cancel(): void;
  /** Resolves when every run ended (or the session was cancelled); rejects with a LossError. */
  readonly done: Promise<void>;
  /** Loss values on a grid over two coordinates (others fixed at `at`), row-major ys × xs. */
  surface(request: SurfaceRequest): Promise<Float64Array>;
  /** Replays run `run` to `step` and returns its optimizer state (for the formula view). */
  inspect(run: number, step: number): Promise<InspectResult>;
  /** Scores each configuration alone on the loss (tuning): in the order given. */
  score(configurations: readonly Configuration[]): Promise<ConfigurationScore[]>;
}

export interface SurfaceRequest {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly at: readonly number[];
  readonly dims: readonly [number, number];
}

export interface InspectResult {
  /** t: updates done. */
  readonly step: number;
  /** θₜ. */
  readonly params: readonly number[];
  /** ∇L(θₜ) on all the data: what the next update's gradient is computed from. */
  readonly grad: readonly number[];
  /**
   * The gradient update t used, exactly: ∇L(θₜ₋₁) on step t − 1's mini-batch, after the run's
   * clipping (before weight decay, which the formula adds: gₜ = this + λθₜ₋₁ when coupled).
   * Absent before the first update, or when the run ended before step t.
   */
  readonly gradUsed?: readonly number[];
  /** ∇J(θₜ₋₁) on update t's mini-batch, before clipping (the ∇θJ(θₜ₋₁) of the update rules). */
  readonly gradAtPrev?: readonly number[];
  /** θₜ₋₁, the parameters update t started from (with `gradUsed`). */
  readonly prevParams?: readonly number[];
  readonly lr: number;
  /** State of each transformation in the optimizer's chain, by transformation name. */
  readonly state: Readonly<Record<string, Readonly<Record<string, number | boolean | readonly number[]>>>>;
  /** ∇²L(θₜ), row-major, when the experiment asks for curvature (up to FULL_HESSIAN_MAX_DIM parameters). */
  readonly hessian?: readonly number[];
}

export type { Experiment };

/**
 * A snippet that compiled: the plain module and (when the differentiator can follow it) the
 * differentiated module, both CommonJS function bodies of `exports`, with their source-map
 * `mappings` back to `source`. Plain data, so it can be sent to the sandbox process.
 */
export interface CompiledSnippet {
  readonly ok: true;
  readonly source: string;
  readonly js: string;
  readonly jsMappings: string;
  /** Absent when the gradient is not computed by differentiation (`grad` export, or fallback). */
  readonly adJs?: string;
  readonly adMappings?: string;
  /** Prefix of every name the compiler generates (bindings.ts): no identifier of the snippet contains it. */
  readonly namespace: string;
  /** The fast path the differentiated module registers besides the tape, if any (see differentiate.ts). */
  readonly fastPath?: 'straight-line' | 'forward';
  /** True when the loss's code is a polynomial of degree ≤ 2 in its parameters (polynomialDegree.ts): a constant Hessian. */
  readonly quadratic?: boolean;
  /** What is known before running: 'autodiff', 'user', or 'finite-differences' with the reason. */
  readonly gradient: GradientInfo;
  /** Exported names (`default`, `loss`, `init`, `domain`, `data`, `grad`, …). */
  readonly exports: readonly string[];
  /** Parameter count when the loss destructures its params (`([x, y]) => …`). */
  readonly paramCount?: number;
}
