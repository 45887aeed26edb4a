/**
 * The messages between the extension host (the panel controller) and the playground webview.
 *
 * Conventions (after vscode-hexeditor's `shared/protocol.ts` and the markdown preview):
 * - every message is a readonly interface with a string-literal `type`, one union per direction;
 * - the webview posts `ready` once its listeners are attached; only then does the host post, starting
 *   with a full `init` snapshot, then deltas (`points`, `runEnd`, `status`, …);
 * - the host owns run state (experiment, results); the webview owns view state only;
 * - both ends validate what they receive with `parseToWebview` / `parseFromWebview`; anything else is
 *   ignored and logged (host: the "Optimizer Playground" output channel; webview: a `log` message).
 *
 * Numbers: messages travel as JSON, which has no NaN or ±Infinity. Columns of floats are therefore
 * `WireNumber[]`, where `null` stands for a non-finite value (a diverged loss); `toWire`/`fromWire`
 * convert. Columns are plain arrays, columnar per run, to keep a batch of thousands of points one
 * small message.
 */
import type { ClipSpec, Domain, Experiment, HyperparameterValue, RunStatus, ScheduleSpec } from './engine/types';
import type { GradientInfo, InspectResult, SnippetDiagnostic } from './snippet/types';

// ───────────────────────────── shared shapes ─────────────────────────────

/** A float64 as JSON carries it: `null` stands for NaN, +Infinity or −Infinity. */
export type WireNumber = number | null;

/** One run as the panel edits it: optimizer id, every hyperparameter, optional schedule and clipping. */
export interface PanelRun {
  readonly label: string;
  /** Optimizer id from `OPTIMIZERS` in src/engine/hyperparameters.ts. */
  readonly optimizer: string;
  /** Hyperparameter values by registry name (`lr`, `betas`, …); missing ones take the registry default. */
  readonly hyperparameters: Readonly<Record<string, HyperparameterValue>>;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
  /** Disabled runs stay in the list but are not stepped. Default true. */
  readonly enabled?: boolean;
}

/**
 * The experiment as the panel holds it: the engine's `Experiment` with `tolerance` optional.
 * The host validates it with the engine's `validateExperiment` before running; issues come back in an
 * `error` message with their field paths (`runs[1].betas[0]`).
 */
export type PanelExperiment = Omit<Experiment, 'tolerance' | 'runs'> & {
  readonly tolerance?: number;
  readonly runs: readonly PanelRun[];
};

/** VS Code's colour theme kind. */
export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

/** Points of one run, columnar: `steps.length` points; `params` is row-major `steps.length × dim`. */
export interface PointSeries {
  readonly run: number;
  /** Step numbers (0 = the start, before any update); not contiguous when downsampled. */
  readonly steps: readonly number[];
  readonly loss: readonly WireNumber[];
  readonly dim: number;
  readonly params: readonly WireNumber[];
  readonly gradNorm: readonly WireNumber[];
  readonly lr: readonly WireNumber[];
  /**
   * When true, drop every point shown so far for this run and show these instead (the host
   * re-downsampled a long run); when false, append.
   */
  readonly replace: boolean;
}

/** What the panel knows about one run's results. */
export interface RunResult {
  readonly run: number;
  readonly label: string;
  readonly status: RunStatus;
  /** Steps taken so far (the last step number). */
  readonly steps: number;
  /** Why it ended, for diverged/error runs ("loss became Infinity at step 41"). */
  readonly message?: string;
}

/** Playback state of the panel's experiment. */
export type PlaybackState = 'running' | 'paused' | 'idle';

/** One problem to show: compile diagnostics (with line/column), validation issues, runtime errors, trust refusals. */
export interface PanelError {
  readonly kind: 'compile' | 'exports' | 'runtime' | 'timeout' | 'memory' | 'trust' | 'io' | 'validation' | 'internal';
  /** One readable line. */
  readonly message: string;
  /** Positions in the loss snippet (compile/runtime errors). */
  readonly diagnostics?: readonly SnippetDiagnostic[];
  /** Field path in the experiment (`runs[0].lr`), for validation issues. */
  readonly path?: string;
}

/** Loss values on a grid over two coordinates, for the contour chart. */
export interface SurfaceData {
  /** Which two parameters are on the axes (indices into params). */
  readonly dims: readonly [number, number];
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** Row-major `ys.length × xs.length`. */
  readonly loss: readonly WireNumber[];
  /** The point the other coordinates are fixed at (for more than two parameters). */
  readonly at: readonly number[];
  readonly minima?: readonly { readonly params: readonly number[]; readonly loss: number }[];
}

/** Known once the loss compiled: dimension, start point, plot window, gradient mode. */
export interface LossInfo {
  readonly dim: number;
  readonly init: readonly number[];
  readonly domain?: Domain;
  readonly dataSize: number;
  readonly gradient: GradientInfo;
}

/** A chart rendered by the webview for Export Results (Vega `view.toSVG()` / `toImageURL('png')`). */
export interface RenderedChart {
  /** File-name stem: `loss`, `paths`, `lr`, `gradNorm`. */
  readonly name: string;
  readonly svg?: string;
  /** `data:image/png;base64,…` */
  readonly png?: string;
}

// ───────────────────────────── to webview ─────────────────────────────

/** Full snapshot, answering `ready` and sent again whenever the panel becomes visible. */
export interface InitMessage {
  readonly type: 'init';
  readonly experiment: PanelExperiment;
  readonly theme: ThemeKind;
  readonly state: PlaybackState;
  /** Results so far, one per run of the running experiment. */
  readonly results: readonly RunResult[];
  /** Points so far (downsampled for display), one series per run with `replace: true`. */
  readonly points: readonly PointSeries[];
  readonly info?: LossInfo;
  readonly surface?: SurfaceData;
  readonly errors: readonly PanelError[];
  /** The editor document the panel is bound to (Run Loss in Active Editor), shown as a file name. */
  readonly boundDocument?: string;
  /** Whether the workspace is trusted (untrusted: loss files from the workspace do not run). */
  readonly trusted: boolean;
}

/** The host replaced the experiment (bound document edited, preset command, file opened): show this one. */
export interface ExperimentMessage {
  readonly type: 'experiment';
  readonly experiment: PanelExperiment;
  readonly boundDocument?: string;
}

/** A new run of the experiment began: forget all results and points; these runs start now. */
export interface RunStartMessage {
  readonly type: 'runStart';
  readonly results: readonly RunResult[];
  readonly info: LossInfo;
}

/** A batch of streamed points, one series per run that advanced. */
export interface PointsMessage {
  readonly type: 'points';
  readonly series: readonly PointSeries[];
}

/** A run ended. */
export interface RunEndMessage {
  readonly type: 'runEnd';
  readonly run: number;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly steps: number;
  readonly message?: string;
}

/** Playback state and speed. */
export interface StatusMessage {
  readonly type: 'status';
  readonly state: PlaybackState;
  /** Total optimizer steps per second over all runs (0 when idle). */
  readonly stepsPerSecond: number;
}

/** The current errors, replacing earlier ones; empty when the last edit was good. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly errors: readonly PanelError[];
}

/** A (new) loss surface for the contour chart. */
export interface SurfaceMessage {
  readonly type: 'surface';
  readonly surface: SurfaceData;
}

/** VS Code's theme changed. */
export interface ThemeMessage {
  readonly type: 'theme';
  readonly theme: ThemeKind;
}

/** Reply to `requestInspect`: the run's optimizer state at the step, or why not. */
export interface InspectMessage {
  readonly type: 'inspect';
  readonly requestId: number;
  readonly result?: InspectResult;
  readonly error?: string;
}

/** The host needs the charts rendered (Export Results…): answer with `charts`. */
export interface RequestChartsMessage {
  readonly type: 'requestCharts';
  readonly requestId: number;
}

export type ToWebview =
  | InitMessage | ExperimentMessage | RunStartMessage | PointsMessage | RunEndMessage | StatusMessage
  | ErrorMessage | SurfaceMessage | ThemeMessage | InspectMessage | RequestChartsMessage;

// ───────────────────────────── from webview ─────────────────────────────

/** The webview's listeners are attached: send `init`. */
export interface ReadyMessage { readonly type: 'ready' }

/** The person edited the experiment (the whole edited experiment); the host re-runs after ~300 ms. */
export interface EditExperimentMessage {
  readonly type: 'editExperiment';
  readonly experiment: PanelExperiment;
}

/** Run (from the start), or resume when paused. */
export interface RunMessage { readonly type: 'run' }

/** Pause streaming (the host keeps stepping into its buffer). */
export interface PauseMessage { readonly type: 'pause' }

/** While paused: show `count` more steps (default 1). */
export interface StepMessage { readonly type: 'step'; readonly count?: number }

/** Stop and forget the results; back to idle. */
export interface ResetMessage { readonly type: 'reset' }

/** Stop the run in flight, keeping its results. */
export interface StopMessage { readonly type: 'stop' }

/** The shared step scrubber moved (the surface of a >2-D loss is the slice through this step's point). */
export interface ScrubMessage { readonly type: 'scrub'; readonly step: number; readonly run?: number }

/** Click on the surface chart: start from this point (every coordinate, not only the two on the axes). */
export interface SetInitMessage {
  readonly type: 'setInit';
  readonly init: readonly number[];
}

/** For losses with more than two parameters: which two are on the surface chart's axes. */
export interface PickDimsMessage { readonly type: 'pickDims'; readonly dims: readonly [number, number] }

/** Open the panel's snippet as a real TypeScript document. */
export interface OpenInEditorMessage { readonly type: 'openInEditor' }

/** Export Results… (the host asks for charts with `requestCharts` if it wants them). */
export interface ExportMessage { readonly type: 'export' }

/** Copy an equivalent torch.optim script for the current runs to the clipboard. */
export interface CopyAsPyTorchMessage { readonly type: 'copyAsPyTorch' }

/** Ask for run `run`'s optimizer state at `step` (the formula view); answered by `inspect`. */
export interface RequestInspectMessage {
  readonly type: 'requestInspect';
  readonly requestId: number;
  readonly run: number;
  readonly step: number;
}

/** Answer to `requestCharts`. */
export interface ChartsMessage {
  readonly type: 'charts';
  readonly requestId: number;
  readonly charts: readonly RenderedChart[];
}

/** Something went wrong in the webview: the host writes it to its output channel. */
export interface LogMessage {
  readonly type: 'log';
  readonly level: 'error' | 'warn' | 'info';
  readonly message: string;
}

/** The panel's charts, by name (the webview's chart views; `compiledChart` messages). */
export const CHART_NAMES = ['loss', 'paths', 'lr', 'gradNorm'] as const;

/** Longest `compiledChart` spec the host keeps (JSON characters); the panel's are 10–20 thousand. */
export const MAX_COMPILED_CHART_CHARS = 1_000_000;

/**
 * A chart's Vega-Lite spec as the webview compiled it to Vega. The host keeps the latest of each
 * chart and writes them into the next panel's page (`compiledCharts`), so that a chart whose spec
 * is the same again (the same experiment shape, theme and size) is embedded without a compile.
 */
export interface CompiledChartMessage {
  readonly type: 'compiledChart';
  readonly chart: (typeof CHART_NAMES)[number];
  /** What it was compiled from: Vega-Lite's version and the spec's JSON (the cache key). */
  readonly key: string;
  /** The compiled Vega spec. */
  readonly spec: Readonly<Record<string, unknown>>;
}

export type FromWebview =
  | ReadyMessage | EditExperimentMessage | RunMessage | PauseMessage | StepMessage | ResetMessage | StopMessage
  | ScrubMessage | SetInitMessage | PickDimsMessage | OpenInEditorMessage | ExportMessage | CopyAsPyTorchMessage
  | RequestInspectMessage | ChartsMessage | LogMessage | CompiledChartMessage;

/** What the webview keeps with `setState` (and the serializer revives the panel from). */
export interface PanelState {
  readonly experiment: PanelExperiment;
  /** The webview's own view state (scrubbed step, chart dims, collapsed sections); opaque to the host. */
  readonly view?: unknown;
}

// ───────────────────────────── numbers on the wire ─────────────────────────────

/** Float64 column → JSON-safe column (non-finite → null). */
export function toWire(values: ArrayLike<number>): WireNumber[] {
  const out = new Array<WireNumber>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}

/** JSON column → numbers (null → NaN). */
export function fromWire(values: readonly WireNumber[]): number[] {
  return values.map((v) => (v === null ? NaN : v));
}

// ───────────────────────────── validators ─────────────────────────────

/** Result of checking a received message: the message, or the reason (with the field path) it was refused. */
export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

/** Thrown inside the checkers below; `path` names the offending field (`experiment.runs[0].lr`). */
class Refusal extends Error {
  constructor(readonly path: string, reason: string) { super(`${path}: ${reason}`); }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new Refusal(path, `expected an object, got ${describe(v)}`);
  return v;
}
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new Refusal(path, `expected a string, got ${describe(v)}`);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new Refusal(path, `expected true or false, got ${describe(v)}`);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Refusal(path, `expected a finite number, got ${describe(v)}`);
  return v;
}
function int(v: unknown, path: string, min = 0): number {
  const n = num(v, path);
  if (!Number.isInteger(n) || n < min) throw new Refusal(path, `expected an integer ≥ ${min}, got ${n}`);
  return n;
}
function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Refusal(path, `expected one of ${allowed.join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}
function arr(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new Refusal(path, `expected an array, got ${describe(v)}`);
  return v;
}
function nums(v: unknown, path: string): void {
  arr(v, path).forEach((x, i) => num(x, `${path}[${i}]`));
}
function wireNums(v: unknown, path: string, length?: number): void {
  const a = arr(v, path);
  if (length !== undefined && a.length !== length) throw new Refusal(path, `expected ${length} values, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== null && (typeof x !== 'number' || !Number.isFinite(x))) {
      throw new Refusal(`${path}[${i}]`, `expected a finite number or null, got ${describe(x)}`);
    }
  }
}
function opt<T>(o: Obj, key: string, path: string, check: (v: unknown, path: string) => T): void {
  if (o[key] !== undefined) check(o[key], `${path}.${key}`);
}

const RUN_STATUSES = ['running', 'completed', 'converged', 'diverged', 'error', 'cancelled'] as const;
const END_STATUSES = ['completed', 'converged', 'diverged', 'error', 'cancelled'] as const;
const PLAYBACK = ['running', 'paused', 'idle'] as const;
const THEMES = ['light', 'dark', 'highContrast', 'highContrastLight'] as const;
const ERROR_KINDS = ['compile', 'exports', 'runtime', 'timeout', 'memory', 'trust', 'io', 'validation', 'internal'] as const;

function lossSpec(v: unknown, path: string): void {
  const o = obj(v, path);
  const keys = ['preset', 'source', 'file'].filter((k) => o[k] !== undefined);
  if (keys.length !== 1) throw new Refusal(path, 'expected exactly one of preset, source, file');
  str(o[keys[0]], `${path}.${keys[0]}`);
}

function hyperparameters(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const [k, x] of Object.entries(o)) {
    const p = `${path}.${k}`;
    if (typeof x === 'boolean') continue;
    if (Array.isArray(x)) {
      if (x.length !== 2) throw new Refusal(p, `expected a pair of numbers, got ${x.length} values`);
      nums(x, p);
    } else num(x, p);
  }
}

/** Structural check only: types and shapes. Bounds and names are the engine validator's job. */
function schedule(v: unknown, path: string): void {
  const o = obj(v, path);
  oneOf(o.type, `${path}.type`, ['constant', 'step', 'exponential', 'cosine', 'linearWarmup', 'oneCycle']);
  for (const [k, x] of Object.entries(o)) if (k !== 'type') num(x, `${path}.${k}`);
}

function clip(v: unknown, path: string): void {
  const o = obj(v, path);
  if (o.norm !== undefined) num(o.norm, `${path}.norm`);
  else if (o.value !== undefined) num(o.value, `${path}.value`);
  else throw new Refusal(path, 'expected { norm } or { value }');
}

function panelRun(v: unknown, path: string): void {
  const o = obj(v, path);
  str(o.label, `${path}.label`);
  str(o.optimizer, `${path}.optimizer`);
  hyperparameters(o.hyperparameters, `${path}.hyperparameters`);
  opt(o, 'schedule', path, schedule);
  opt(o, 'clip', path, clip);
  opt(o, 'enabled', path, bool);
}

/** Checks a `PanelExperiment`'s structure; throws a `Refusal` naming the field. */
function panelExperiment(v: unknown, path: string): void {
  const o = obj(v, path);
  opt(o, 'title', path, str);
  lossSpec(o.loss, `${path}.loss`);
  opt(o, 'init', path, nums);
  int(o.steps, `${path}.steps`);
  num(o.seed, `${path}.seed`);
  opt(o, 'batchSize', path, (x, p) => int(x, p, 1));
  opt(o, 'tolerance', path, num);
  arr(o.runs, `${path}.runs`).forEach((r, i) => panelRun(r, `${path}.runs[${i}]`));
}

function pointSeries(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o.run, `${path}.run`);
  const dim = int(o.dim, `${path}.dim`);
  const steps = arr(o.steps, `${path}.steps`);
  steps.forEach((s, i) => int(s, `${path}.steps[${i}]`));
  wireNums(o.loss, `${path}.loss`, steps.length);
  wireNums(o.params, `${path}.params`, steps.length * dim);
  wireNums(o.gradNorm, `${path}.gradNorm`, steps.length);
  wireNums(o.lr, `${path}.lr`, steps.length);
  bool(o.replace, `${path}.replace`);
}

function runResult(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o.run, `${path}.run`);
  str(o.label, `${path}.label`);
  oneOf(o.status, `${path}.status`, RUN_STATUSES);
  int(o.steps, `${path}.steps`);
  opt(o, 'message', path, str);
}

function diagnostic(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o.line, `${path}.line`, 1);
  int(o.column, `${path}.column`, 1);
  opt(o, 'endLine', path, (x, p) => int(x, p, 1));
  opt(o, 'endColumn', path, (x, p) => int(x, p, 1));
  str(o.message, `${path}.message`);
  oneOf(o.severity, `${path}.severity`, ['error', 'warning']);
}

function panelError(v: unknown, path: string): void {
  const o = obj(v, path);
  oneOf(o.kind, `${path}.kind`, ERROR_KINDS);
  str(o.message, `${path}.message`);
  opt(o, 'diagnostics', path, (x, p) => arr(x, p).forEach((d, i) => diagnostic(d, `${p}[${i}]`)));
  opt(o, 'path', path, str);
}

function pair(v: unknown, path: string): void {
  const a = arr(v, path);
  if (a.length !== 2) throw new Refusal(path, `expected two indices, got ${a.length}`);
  a.forEach((x, i) => int(x, `${path}[${i}]`));
}

function minima(v: unknown, path: string): void {
  arr(v, path).forEach((m, i) => {
    const o = obj(m, `${path}[${i}]`);
    nums(o.params, `${path}[${i}].params`);
    num(o.loss, `${path}[${i}].loss`);
  });
}

function surfaceData(v: unknown, path: string): void {
  const o = obj(v, path);
  pair(o.dims, `${path}.dims`);
  nums(o.xs, `${path}.xs`);
  nums(o.ys, `${path}.ys`);
  wireNums(o.loss, `${path}.loss`, (o.xs as unknown[]).length * (o.ys as unknown[]).length);
  nums(o.at, `${path}.at`);
  opt(o, 'minima', path, minima);
}

function domain(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const k of ['x', 'y']) {
    nums(o[k], `${path}.${k}`);
    if ((o[k] as unknown[]).length !== 2) throw new Refusal(`${path}.${k}`, 'expected [min, max]');
  }
}

function lossInfo(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o.dim, `${path}.dim`, 1);
  nums(o.init, `${path}.init`);
  opt(o, 'domain', path, domain);
  int(o.dataSize, `${path}.dataSize`);
  const g = obj(o.gradient, `${path}.gradient`);
  oneOf(g.mode, `${path}.gradient.mode`, ['analytic', 'autodiff', 'user', 'finite-differences']);
  opt(g, 'reason', `${path}.gradient`, str);
}

function inspectResult(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o.step, `${path}.step`);
  nums(o.params, `${path}.params`);
  nums(o.grad, `${path}.grad`);
  opt(o, 'gradUsed', path, nums);
  opt(o, 'prevParams', path, nums);
  opt(o, 'gradAtPrev', path, nums);
  num(o.lr, `${path}.lr`);
  const state = obj(o.state, `${path}.state`);
  for (const [name, fields] of Object.entries(state)) {
    for (const [k, x] of Object.entries(obj(fields, `${path}.state.${name}`))) {
      const p = `${path}.state.${name}.${k}`;
      if (typeof x === 'boolean') continue;
      if (Array.isArray(x)) wireNums(x, p); else if (typeof x !== 'number') throw new Refusal(p, `expected a number, got ${describe(x)}`);
    }
  }
}

function renderedChart(v: unknown, path: string): void {
  const o = obj(v, path);
  str(o.name, `${path}.name`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.name as string)) throw new Refusal(`${path}.name`, 'expected a file-name stem (letters, digits, _ and -)');
  opt(o, 'svg', path, str);
  opt(o, 'png', path, (x, p) => {
    if (!str(x, p).startsWith('data:image/png;base64,')) throw new Refusal(p, 'expected a data:image/png;base64 URL');
  });
}

const toWebviewCheckers: { readonly [K in ToWebview['type']]: (o: Obj) => void } = {
  init: (o) => {
    panelExperiment(o.experiment, 'experiment');
    oneOf(o.theme, 'theme', THEMES);
    oneOf(o.state, 'state', PLAYBACK);
    arr(o.results, 'results').forEach((r, i) => runResult(r, `results[${i}]`));
    arr(o.points, 'points').forEach((s, i) => pointSeries(s, `points[${i}]`));
    opt(o, 'info', '', (x) => lossInfo(x, 'info'));
    opt(o, 'surface', '', (x) => surfaceData(x, 'surface'));
    arr(o.errors, 'errors').forEach((e, i) => panelError(e, `errors[${i}]`));
    opt(o, 'boundDocument', '', (x) => str(x, 'boundDocument'));
    bool(o.trusted, 'trusted');
  },
  experiment: (o) => {
    panelExperiment(o.experiment, 'experiment');
    opt(o, 'boundDocument', '', (x) => str(x, 'boundDocument'));
  },
  runStart: (o) => {
    arr(o.results, 'results').forEach((r, i) => runResult(r, `results[${i}]`));
    lossInfo(o.info, 'info');
  },
  points: (o) => arr(o.series, 'series').forEach((s, i) => pointSeries(s, `series[${i}]`)),
  runEnd: (o) => {
    int(o.run, 'run');
    oneOf(o.status, 'status', END_STATUSES);
    int(o.steps, 'steps');
    opt(o, 'message', '', (x) => str(x, 'message'));
  },
  status: (o) => {
    oneOf(o.state, 'state', PLAYBACK);
    const s = num(o.stepsPerSecond, 'stepsPerSecond');
    if (s < 0) throw new Refusal('stepsPerSecond', `expected ≥ 0, got ${s}`);
  },
  error: (o) => arr(o.errors, 'errors').forEach((e, i) => panelError(e, `errors[${i}]`)),
  surface: (o) => surfaceData(o.surface, 'surface'),
  theme: (o) => void oneOf(o.theme, 'theme', THEMES),
  inspect: (o) => {
    int(o.requestId, 'requestId');
    opt(o, 'result', '', (x) => inspectResult(x, 'result'));
    opt(o, 'error', '', (x) => str(x, 'error'));
    if (o.result === undefined && o.error === undefined) throw new Refusal('result', 'expected result or error');
  },
  requestCharts: (o) => void int(o.requestId, 'requestId'),
};

const fromWebviewCheckers: { readonly [K in FromWebview['type']]: (o: Obj) => void } = {
  ready: () => undefined,
  editExperiment: (o) => panelExperiment(o.experiment, 'experiment'),
  run: () => undefined,
  pause: () => undefined,
  step: (o) => opt(o, 'count', '', (x) => int(x, 'count', 1)),
  reset: () => undefined,
  stop: () => undefined,
  scrub: (o) => {
    int(o.step, 'step');
    opt(o, 'run', '', (x) => int(x, 'run'));
  },
  setInit: (o) => nums(o.init, 'init'),
  pickDims: (o) => {
    pair(o.dims, 'dims');
    const [a, b] = o.dims as number[];
    if (a === b) throw new Refusal('dims', `expected two different parameters, got ${a} twice`);
  },
  openInEditor: () => undefined,
  export: () => undefined,
  copyAsPyTorch: () => undefined,
  requestInspect: (o) => {
    int(o.requestId, 'requestId');
    int(o.run, 'run');
    int(o.step, 'step');
  },
  charts: (o) => {
    int(o.requestId, 'requestId');
    arr(o.charts, 'charts').forEach((c, i) => renderedChart(c, `charts[${i}]`));
  },
  log: (o) => {
    oneOf(o.level, 'level', ['error', 'warn', 'info']);
    str(o.message, 'message');
  },
  compiledChart: (o) => {
    oneOf(o.chart, 'chart', CHART_NAMES);
    str(o.key, 'key');
    if (!isObj(o.spec)) throw new Refusal('spec', `expected a Vega spec (an object), got ${describe(o.spec)}`);
    const size = JSON.stringify(o.spec).length + (o.key as string).length;
    if (size > MAX_COMPILED_CHART_CHARS) throw new Refusal('spec', `${size} characters, more than the ${MAX_COMPILED_CHART_CHARS} kept`);
  },
};

function parseWith<T>(raw: unknown, checkers: Readonly<Record<string, (o: Obj) => void>>): Parsed<T> {
  if (!isObj(raw)) return { ok: false, error: `message: expected an object, got ${describe(raw)}` };
  const type = raw.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(checkers, type)) {
    return { ok: false, error: `type: unknown message type ${describe(type)}` };
  }
  try {
    checkers[type](raw);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: `${type} message: ${e.message.replace(/^: /, '').replace(/^\./, '')}` };
    throw e;
  }
  return { ok: true, message: raw as T };
}

/** Checks a message received by the host from the webview. */
export function parseFromWebview(raw: unknown): Parsed<FromWebview> {
  return parseWith<FromWebview>(raw, fromWebviewCheckers);
}

/** Checks a message received by the webview from the host. */
export function parseToWebview(raw: unknown): Parsed<ToWebview> {
  return parseWith<ToWebview>(raw, toWebviewCheckers);
}

/** Checks a `PanelExperiment`'s structure (e.g. one revived from saved state); the reason names the field. */
export function checkPanelExperiment(raw: unknown): Parsed<PanelExperiment> {
  try {
    panelExperiment(raw, 'experiment');
    return { ok: true, message: raw as PanelExperiment };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.message };
    throw e;
  }
}
