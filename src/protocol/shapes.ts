/**
 * The shapes messages carry, each declared once as a valibot schema; its TypeScript type is
 * derived from it (`v.InferOutput`), and the validators both ends run are these same schemas.
 *
 * Checks here are structural (types, lengths, shapes): names, bounds and cross-field rules of an
 * experiment are the engine validator's (src/engine/experiment.ts), which the host runs before
 * anything. Enumerations owned by another room are read from it (`RUN_STATUSES`, `GRADIENT_MODES`).
 */
import * as v from 'valibot';
import { RUN_STATUSES, type LossSpec, type ScheduleSpec, type TuneGrid, type TuneObjective } from '../engine/types';
import { CHART_NAMES } from '../charts/names';
import { isRecord } from '../engine/values';
import { GRADIENT_MODES } from '../snippet/types';

/** The panel's charts, by name: declared with the charts (src/charts/names.ts). */
export { CHART_NAMES, type ChartName } from '../charts/names';
import { firstNonWire, type WireNumber } from './wire';

// ───────────────────────────── building blocks ─────────────────────────────

/** A read-only array of `item`. */
export const list = <S extends v.GenericSchema>(item: S) => v.pipe(v.array(item), v.readonly());
export const finite = v.pipe(v.number('expected a number'), v.finite('expected a finite number'));
/** An integer ≥ `min`. */
export const count = (min = 0) => v.pipe(v.number('expected a number'), v.integer('expected an integer'), v.minValue(min, `expected an integer ≥ ${min}`));
export const text = v.string('expected a string');

/** A column of float64s as the wire carries them (see wire.ts): one loop, not a schema per element. */
export const wireColumn = v.custom<readonly WireNumber[]>(
  (x) => Array.isArray(x) && firstNonWire(x) < 0,
  (issue) => {
    const x = issue.input;
    if (!Array.isArray(x)) return 'expected an array of numbers';
    const i = firstNonWire(x);
    return `[${i}]: expected a finite number, null, "Infinity" or "-Infinity", got ${JSON.stringify(x[i]) ?? String(x[i])}`;
  },
);

// ───────────────────────────── the experiment ─────────────────────────────

const hyperparameterValue = v.union([v.boolean(), finite, v.pipe(v.tuple([finite, finite]), v.readonly())], 'expected a number, true/false or a pair of numbers');

/** `{ preset }`, `{ source }` or `{ file }`: exactly one, a string. */
const lossSpec = v.custom<LossSpec>((x) => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const keys = (['preset', 'source', 'file'] as const).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
  return keys.length === 1 && typeof (x as Record<string, unknown>)[keys[0]!] === 'string';
}, 'expected exactly one of preset, source, file (a string)');

/** A grid of tuned values, `{ min, max, count }` or a list; the objective; the seed count (DESIGN "Tuning"). */
const tuneEntry = (x: unknown): boolean => typeof x === 'number' || typeof x === 'string'
  || (Array.isArray(x) && x.every((n) => typeof n === 'number'))
  || (typeof x === 'object' && x !== null && Object.values(x).every((n) => typeof n === 'number'));

/** `tune` as an experiment file writes it: `objective` and `seeds` may be left to their defaults. */
export type PanelTune = { readonly objective?: TuneObjective; readonly seeds?: number }
  & { readonly [hyperparameter: string]: TuneGrid | TuneObjective | number | undefined };

/** `tune` as an experiment file writes it (its names, grids and bounds are the engine validator's to check). */
const tuneSpec = v.custom<PanelTune>((x) => isRecord(x) && Object.values(x).every(tuneEntry),
  'expected { <hyperparameter>: { min, max, count } or [values], objective?, seeds? }');

/** One run as the panel edits it: optimizer id, hyperparameters by registry name, schedule, clipping, tuning. */
export const PanelRunSchema = v.object({
  /** The name in legends; absent means the automatic one (src/engine/labels.ts). */
  label: v.optional(text),
  /** Optimizer id from `OPTIMIZERS` in src/engine/hyperparameters.ts. */
  optimizer: text,
  /** Values by registry name (`lr`, `betas`, …); missing ones take the registry default. */
  hyperparameters: v.pipe(v.record(v.string(), hyperparameterValue), v.readonly()),
  /** A schedule (its type and fields are the engine validator's to check). */
  schedule: v.optional(v.custom<ScheduleSpec>((x) => isRecord(x)
    && typeof (x as { type?: unknown }).type === 'string'
    && Object.entries(x).every(([k, f]) => k === 'type' || (typeof f === 'number' && Number.isFinite(f))), 'expected { type, …numbers }')),
  clip: v.optional(v.union([v.object({ norm: finite }), v.object({ value: finite })], 'expected { norm } or { value }')),
  /** Disabled runs stay in the list but are not stepped. Default true. */
  enabled: v.optional(v.boolean('expected true or false')),
  /** This run's own tuning (replaces the experiment's). */
  tune: v.optional(tuneSpec),
  /** A reference run drawn faint in the loss and paths charts: a tuned comparison's run as written (src/extension/panelTuning.ts). */
  ghost: v.optional(v.boolean('expected true or false')),
  /** A ghost's tuned run (its index): the ghost is drawn in that run's colour. */
  ghostOf: v.optional(count(0)),
  /** This run's own seed (mini-batches, gradient noise); absent: the experiment's. */
  seed: v.optional(finite),
  /** A repeat of run `seedOf` (its index) over another seed: the charts draw the median of the two and their band. */
  seedOf: v.optional(count(0)),
});
export type PanelRun = v.InferOutput<typeof PanelRunSchema>;

/**
 * The experiment as the panel holds it: an experiment file's fields, hyperparameters grouped per
 * run, `tolerance` optional. `tune`, `noise` and `curvature` are carried as the file has them.
 */
export const PanelExperimentSchema = v.object({
  title: v.optional(text),
  loss: lossSpec,
  init: v.optional(list(finite)),
  steps: count(0),
  seed: finite,
  batchSize: v.optional(count(1)),
  tolerance: v.optional(finite),
  /** Tuning of every run (DESIGN "Tuning"). */
  tune: v.optional(tuneSpec),
  /** Standard deviation of the Gaussian noise added to every gradient. */
  noise: v.optional(finite),
  /** Every point carries the loss's sharpness (DESIGN "Curvature"). */
  curvature: v.optional(v.boolean('expected true or false')),
  runs: list(PanelRunSchema),
});
export type PanelExperiment = v.InferOutput<typeof PanelExperimentSchema>;

// ───────────────────────────── results ─────────────────────────────

const pointSeriesFields = v.object({
  run: count(0),
  /** Step numbers (0 = the start, before any update); not contiguous when downsampled. */
  steps: list(count(0)),
  loss: wireColumn,
  dim: count(0),
  params: wireColumn,
  gradNorm: wireColumn,
  lr: wireColumn,
  /** With curvature: λmax(H) per point, and λmax(P⁻¹H) for adaptive optimizers. */
  sharpness: v.optional(wireColumn),
  preconditionedSharpness: v.optional(wireColumn),
  /** Drop every point shown so far for this run and show these instead (the host thinned a long run). */
  replace: v.boolean('expected true or false'),
});
type SeriesFields = v.InferOutput<typeof pointSeriesFields>;
/** Column `c` has one value per step (`params`: `dim` per step). */
const perStep = (c: 'loss' | 'gradNorm' | 'lr' | 'params' | 'sharpness' | 'preconditionedSharpness') => v.forward<SeriesFields, v.CheckIssue<SeriesFields>, [typeof c]>(
  v.check((s: SeriesFields) => s[c] === undefined || s[c].length === s.steps.length * (c === 'params' ? s.dim : 1),
    (issue) => `expected ${issue.input.steps.length * (c === 'params' ? issue.input.dim : 1)} values, got ${issue.input[c]?.length}`),
  [c]);

/** Points of one run, columnar: `steps.length` points; `params` is row-major `steps.length × dim`. */
export const PointSeriesSchema = v.pipe(pointSeriesFields, perStep('loss'), perStep('gradNorm'), perStep('lr'), perStep('params'),
  perStep('sharpness'), perStep('preconditionedSharpness'));
export type PointSeries = v.InferOutput<typeof PointSeriesSchema>;

/** What the panel knows about one run's results. */
export const RunResultSchema = v.object({
  run: count(0),
  label: text,
  status: v.picklist(RUN_STATUSES),
  /** Steps taken so far (the last step number). */
  steps: count(0),
  /** Why it ended, for diverged and error runs ("loss became Infinity at step 41"). */
  message: v.optional(text),
});
export type RunResult = v.InferOutput<typeof RunResultSchema>;

/** What the host is doing: computing runs, or nothing. */
/** How a tuning stands (DESIGN "Tuning"): scoring, every score in, cancelled, or stopped by the loss. */
export const TUNING_STATES = ['running', 'done', 'cancelled', 'failed'] as const;

/** One tuned run's scores so far, as the sensitivity chart and the phase diagram read them (charts/tuning.ts TuningChartInput). */
export const TunedRunSchema = v.object({
  /** The run's index in the experiment (its tuned run keeps it), and its name without the tuned values. */
  run: count(0),
  label: text,
  /** The tuned hyperparameters' tune names (`lr`, `momentum`, `beta1`, `weightDecay`) and axis titles, in order. */
  parameters: list(text),
  axisTitles: list(text),
  /** The values of each, the first varying slowest. */
  grid: list(list(finite)),
  /** Per grid point (row-major): the median score over seeds; null while not scored, "Infinity" when it diverged. */
  scores: wireColumn,
  /** The best grid point so far, −1 when none is finite. */
  best: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  /** The run as written: its value of the first tuned hyperparameter and its score (null while not scored). */
  default: v.object({ value: finite, score: v.custom<WireNumber>((x) => firstNonWire([x]) < 0, 'expected a number, null or "Infinity"') }),
});
export type TunedRun = v.InferOutput<typeof TunedRunSchema>;

export const HOST_STATES = ['running', 'idle'] as const;
export type HostState = (typeof HOST_STATES)[number];

/** A position in the loss snippet, 1-based (compile, type and runtime errors). */
export const DiagnosticSchema = v.object({
  line: count(1), column: count(1), endLine: v.optional(count(1)), endColumn: v.optional(count(1)),
  message: text, severity: v.picklist(['error', 'warning']),
});

/** Kinds of problems the panel shows: the snippet room's LossError kinds and the host's own. */
export const PANEL_ERROR_KINDS = ['compile', 'exports', 'runtime', 'timeout', 'memory', 'trust', 'io', 'validation', 'internal'] as const;

/** One problem to show: compile diagnostics, validation issues, runtime errors, trust refusals. */
export const PanelErrorSchema = v.object({
  kind: v.picklist(PANEL_ERROR_KINDS),
  /** One readable line. */
  message: text,
  /** Positions in the loss snippet. */
  diagnostics: v.optional(list(DiagnosticSchema)),
  /** Field path in the experiment (`runs[0].lr`), for validation issues. */
  path: v.optional(text),
});
export type PanelError = v.InferOutput<typeof PanelErrorSchema>;

const pair = v.pipe(v.tuple([count(0), count(0)]), v.readonly());
const range = v.pipe(v.tuple([finite, finite]), v.readonly());

/** Loss values on a grid over two coordinates, for the paths chart. */
export const SurfaceDataSchema = v.pipe(v.object({
  /** Which two parameters are on the axes (indices into params). */
  dims: pair,
  xs: list(finite),
  ys: list(finite),
  /** Row-major `ys.length × xs.length`. */
  loss: wireColumn,
  /** The point the other coordinates are fixed at (more than two parameters). */
  at: list(finite),
  minima: v.optional(list(v.object({ params: list(finite), loss: finite }))),
}), v.forward(v.check((s) => s.loss.length === s.xs.length * s.ys.length, 'expected xs × ys values'), ['loss']));
export type SurfaceData = v.InferOutput<typeof SurfaceDataSchema>;

/** Known once the loss compiled: dimension, start point, plot window, how gradients are computed. */
export const LossInfoSchema = v.object({
  dim: count(1),
  init: list(finite),
  domain: v.optional(v.object({ x: range, y: range })),
  dataSize: count(0),
  gradient: v.object({
    mode: v.picklist(GRADIENT_MODES), reason: v.optional(text),
    path: v.optional(v.picklist(['straight-line', 'forward', 'reverse'])), line: v.optional(count(1)), column: v.optional(count(1)),
  }),
  /** When the loss is a quadratic and the experiment asks for curvature: its Hessian's eigenvalues (ascending) and minimum (engine/curvature/convergence.ts). */
  quadratic: v.optional(v.object({ eigenvalues: list(finite), minimum: v.nullable(finite), stochastic: v.optional(text) })),
});
export type LossInfo = v.InferOutput<typeof LossInfoSchema>;

/** A chart rendered by the webview for Export Results (Vega `toSVG()` / `toImageURL('png')`). */
export const RenderedChartSchema = v.object({
  /** Which chart (its file is `CHART_FILES[name]`). */
  name: v.picklist(CHART_NAMES),
  svg: v.optional(text),
  /** `data:image/png;base64,…` */
  png: v.optional(v.pipe(text, v.startsWith('data:image/png;base64,', 'expected a data:image/png;base64 URL'))),
});
export type RenderedChart = v.InferOutput<typeof RenderedChartSchema>;

/** A run's optimizer state at a step (the formula view's values); non-finite values travel as wire numbers. */
export const InspectResultSchema = v.object({
  /** t: updates done. */
  step: count(0),
  params: wireColumn,
  grad: wireColumn,
  gradUsed: v.optional(wireColumn),
  prevParams: v.optional(wireColumn),
  gradAtPrev: v.optional(wireColumn),
  lr: v.custom<WireNumber>((x) => firstNonWire([x]) < 0, 'expected a number, null, "Infinity" or "-Infinity"'),
  /** State of each transformation in the optimizer's chain, by its name: numbers, flags and columns. */
  state: v.record(v.string(), v.record(v.string(), v.custom<WireNumber | boolean | readonly WireNumber[]>(
    (x) => typeof x === 'boolean' || firstNonWire(Array.isArray(x) ? x : [x]) < 0, 'expected a number, a flag or numbers'))),
  /** ∇²L(θₜ), row-major (curvature on). */
  hessian: v.optional(wireColumn),
});
export type InspectResult = v.InferOutput<typeof InspectResultSchema>;


/** Playback speeds of the panel, slowest first; `instant` shows every point as it arrives. */
export const PLAYBACK_SPEEDS = ['slow', 'normal', 'fast', 'instant'] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

/** What the person chose once for every panel (kept by the host per user). */
export const PreferencesSchema = v.object({
  playbackSpeed: v.optional(v.picklist(PLAYBACK_SPEEDS)),
});
export type Preferences = v.InferOutput<typeof PreferencesSchema>;

/** The editor document a panel follows (Run Loss in Active Editor): its name and folder-relative path. */
export const FollowedFileSchema = v.object({ name: text, path: text });
export type FollowedFile = v.InferOutput<typeof FollowedFileSchema>;

/**
 * Where a run's runtime error happened in the snippet, read from its message ("the loss threw at
 * line L, column C: …", as src/snippet/sandbox.ts words it), as a diagnostic; undefined without one.
 */
export function runErrorDiagnostic(message: string): v.InferOutput<typeof DiagnosticSchema> | undefined {
  const m = /\bline (\d+), column (\d+)/.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]), message, severity: 'error' } : undefined;
}

/** What the panel and the editor say when gradients fall back to finite differences; undefined when they are exact. */
export function gradientFallbackNote(gradient: LossInfo['gradient']): string | undefined {
  if (gradient.mode !== 'finite-differences') return undefined;
  const reason = gradient.reason ?? 'the loss could not be differentiated';
  // The reason names its line when the snippet room knew it; else the place is added here.
  const at = gradient.line !== undefined && !/\bline \d/.test(reason) ? ` (line ${gradient.line}${gradient.column !== undefined ? `, column ${gradient.column}` : ''})` : '';
  return `Gradients by central finite differences, not exact: ${reason}${at}.`;
}

/** The finite-differences fallback as a warning at the construct that caused it; undefined without a place. */
export function gradientFallbackDiagnostic(gradient: LossInfo['gradient']): v.InferOutput<typeof DiagnosticSchema> | undefined {
  const note = gradientFallbackNote(gradient);
  return note && gradient.line !== undefined ? { line: gradient.line, column: gradient.column ?? 1, message: note, severity: 'warning' } : undefined;
}
