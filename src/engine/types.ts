/**
 * Shared engine types. The engine is pure TypeScript (no vscode, no DOM, no Node-only APIs):
 * the extension host, the snippet worker, the CLI and the webview all import it.
 */

/** Parameters, gradients and updates are float64 vectors. */
export type Vec = Float64Array;

/**
 * A gradient transformation in optax's shape: `init(params) → state`, `update(...)`.
 *
 * For a hot loop without allocation, `update` works in place: `updates` arrives holding the
 * gradient (or the previous transformation's output) and leaves holding the transformed
 * updates; `state` is the object `init` returned and is updated in place. The state is plain
 * data (numbers, booleans, Float64Arrays) so that it can be copied, inspected and serialised.
 * A chain applies its members in order; the optimizer's final output is *added* to params.
 */
export interface GradientTransformation<S extends object = object> {
  /** Short name used in inspection (`scaleByAdam`, `addDecayedWeights`, …). */
  readonly name: string;
  init(params: Vec): S;
  update(updates: Vec, state: S, params: Vec): void;
}

/** A learning-rate schedule: step count (0-based, the number of updates done so far) → value. */
export type Schedule = (count: number) => number;

/** Hyperparameter values as written in experiment files. */
export type HyperparameterValue = number | boolean | readonly [number, number];
export type Hyperparameters = Readonly<Record<string, HyperparameterValue>>;

/** Learning-rate schedule as written in experiment files: derived from the declarations in `schedules.ts`. */
export type { ScheduleSpec } from './schedules';
import type { ScheduleSpec } from './schedules';

/**
 * The values `tune` tries for one hyperparameter (DESIGN "Tuning"): `{ min, max, count }` is
 * log-spaced from min to max, both included; a list is taken as given.
 */
export type TuneGrid = { readonly min: number; readonly max: number; readonly count: number } | readonly number[];

/** What tuning minimises: the last loss, the mean loss over the steps, or the steps to reach a loss. */
export type TuneObjective = 'finalLoss' | 'meanLoss' | { readonly stepsTo: number };

/**
 * `tune` as written in experiment files and kept in validated runs: one or two tuned
 * hyperparameters (by their tune names, in order: the first varies slowest), each with its grid,
 * plus the objective and the number of seeds. Defaults are filled in by the validator.
 */
export type TuneSpec = { readonly objective: TuneObjective; readonly seeds: number }
  & { readonly [hyperparameter: string]: TuneGrid | TuneObjective | number };

/** Gradient clipping as written in experiment files. */
export type ClipSpec = { readonly norm: number } | { readonly value: number };

/** One run of an experiment, after validation and defaults (every hyperparameter present). */
export interface RunSpec {
  /** The name in legends: the file's own, or the automatic one (`src/engine/labels.ts`). */
  readonly label: string;
  readonly optimizer: string;
  readonly hyperparameters: Hyperparameters;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
  /** Disabled runs are kept in the experiment (the panel's toggle) but not stepped. */
  readonly enabled?: boolean;
  /** Tune this run's hyperparameters before it runs (its own `tune`, else the experiment's). */
  readonly tune?: TuneSpec;
  /**
   * The seed of this run's mini-batches and gradient noise (absent: the experiment's `seed`). Not
   * in experiment files: the panel sets it on a tuned comparison's repeats of a run over seeds.
   */
  readonly seed?: number;
}

/** Where the loss comes from. */
export type LossSpec =
  | { readonly preset: string }
  | { readonly source: string }
  | { readonly file: string };

/** A validated experiment: defaults filled in, sweeps expanded, every field checked. */
export interface Experiment {
  readonly title?: string;
  readonly loss: LossSpec;
  /** Start point; undefined when it comes from the snippet's `init` export (known after compiling). */
  readonly init?: readonly number[];
  readonly steps: number;
  readonly seed: number;
  readonly batchSize?: number;
  /** Converged when the gradient norm falls below this (default 1e-8). */
  readonly tolerance: number;
  /** Standard deviation of seeded Gaussian noise added to every gradient (absent: none). */
  readonly noise?: number;
  /**
   * Whether every point carries the loss's sharpness λmax(H) (and the preconditioned sharpness for
   * adaptive optimizers): DESIGN "Curvature". Absent means false.
   */
  readonly curvature?: boolean;
  readonly runs: readonly RunSpec[];
}

/** A problem the optimizers minimise: a preset or a compiled snippet, seen through one interface. */
export interface Objective {
  readonly dim: number;
  /** Number of examples for mini-batch losses (0 when the loss has no data). */
  readonly dataSize: number;
  /**
   * Loss at `params`, writing the gradient into `grad` (length `dim`).
   * `batch` lists example indices for losses with data, or is null for the full loss.
   */
  valueAndGrad(params: Vec, grad: Vec, batch: Int32Array | null): number;
  /** Loss only (for surfaces and line plots). */
  value(params: Vec, batch: Int32Array | null): number;
  /**
   * The Hessian ∇²L at `params`, written into `hessian` row-major (dim × dim): exact (analytic,
   * or automatic differentiation), or central differences of the exact gradient where the loss
   * says so (a snippet's `CurvatureInfo`). Absent when the loss has no Hessian.
   */
  hessian?(params: Vec, hessian: Float64Array, batch: Int32Array | null): void;
  /**
   * The Hessian-vector product ∇²L(params)·v, written into `out` (length dim). Losses with many
   * parameters give this instead of (or besides) the whole Hessian.
   */
  hessianVector?(params: Vec, v: Vec, out: Vec, batch: Int32Array | null): void;
}

/** A plot window for two-parameter problems. */
export interface Domain { readonly x: readonly [number, number]; readonly y: readonly [number, number] }

/** How a run stands or ended. */
export const RUN_STATUSES = ['running', 'completed', 'converged', 'diverged', 'error', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Points of one run in columnar form: `count` consecutive steps starting at `fromStep`.
 * `params` is row-major, `count × dim`.
 */
export interface PointBatch {
  readonly run: number;
  readonly fromStep: number;
  readonly count: number;
  readonly loss: Float64Array;
  readonly params: Float64Array;
  readonly gradNorm: Float64Array;
  readonly lr: Float64Array;
  /** λmax(∇²L(θ)) of the full loss at each point, when the experiment asks for curvature (NaN where not finite). */
  readonly sharpness?: Float64Array;
  /**
   * λmax(P⁻¹(H + λI)) at each point, for runs whose stability rule bounds it (adaptive optimizers):
   * P the preconditioner of the update taken from that point (curvature/stability.ts).
   */
  readonly preconditionedSharpness?: Float64Array;
}

/** What the runner reports while it steps an experiment. */
export type RunnerEvent =
  | { readonly type: 'points'; readonly batches: readonly PointBatch[] }
  | { readonly type: 'runEnd'; readonly run: number; readonly status: Exclude<RunStatus, 'running'>;
      readonly steps: number; readonly message?: string }
  | { readonly type: 'done' };

/** A refused field: its path in the experiment (`runs[1].betas[0]`) and the reason. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}
