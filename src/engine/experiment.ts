/**
 * Experiment files (`*.optim.json`, DESIGN "Experiment files"): parsing, validation, defaults,
 * sweep expansion and serialization.
 *
 * Every field is checked before anything runs, and every problem is reported (not just the first),
 * each as `{ path, message }` with the field's path in the file (`runs[1].betas[0]`). Names,
 * defaults and bounds come from the registry in `hyperparameters.ts`; schedules and clipping are
 * checked by `validateSchedule` and `validateClip`.
 *
 * Hyperparameters are written flat in a run, `{ "optimizer": "adam", "lr": 0.1 }`; the validated
 * `RunSpec` carries all of them (defaults filled in) under `hyperparameters`. That nested form is
 * accepted too, so a validated experiment validates again unchanged (the JSON Schema describes
 * files and lists only the flat form).
 *
 * `sweep: { name: [v₁, v₂, …] }` expands every run once per value, in order (several names: every
 * combination, the first name varying slowest); a swept value replaces the run's own. Labels are
 * made readable ("SGD μ=0.9") and distinct ("Adam η=0.1", "Adam η=0.01").
 */
import { validateClip } from './clip';
import { OPTIMIZERS, optimizerSpec, type Bounds, type HyperparameterSpec, type OptimizerSpec } from './hyperparameters';
import { getProblem, PROBLEMS } from './problems';
import { validateSchedule } from './schedules';
import type { ClipSpec, Experiment, HyperparameterValue, LossSpec, RunSpec, ScheduleSpec, ValidationIssue } from './types';
import { closest } from './suggest';

export type ExperimentResult = { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] };

/** A malformed-JSON issue also carries its 1-based position. */
export interface JsonSyntaxIssue extends ValidationIssue {
  readonly line: number;
  readonly column: number;
}

/** Top-level fields of an experiment file. `$schema` lets editors find the JSON Schema. */
export const EXPERIMENT_FIELDS = ['$schema', 'title', 'loss', 'init', 'steps', 'seed', 'batchSize', 'tolerance', 'runs', 'sweep'] as const;
/** Fields of a run besides its optimizer's hyperparameters. */
export const RUN_FIELDS = ['optimizer', 'label', 'enabled', 'schedule', 'clip'] as const;
export const LOSS_KINDS = ['preset', 'source', 'file'] as const;

export const DEFAULT_STEPS = 100;
export const MAX_STEPS = 10_000_000;
export const DEFAULT_SEED = 0;
export const DEFAULT_TOLERANCE = 1e-8;
/** Most runs an experiment may have after its sweep is expanded. */
export const MAX_RUNS = 1000;
/** Most parameters of a start point (for problems of any dimension and snippets). */
export const MAX_PARAMETERS = 100_000;

/** Short symbols for labels, in the seed's notation. */
const SYMBOLS: Readonly<Record<string, string>> = {
  lr: 'η', momentum: 'μ', dampening: 'τ', weightDecay: 'wd', betas: 'β', eps: 'ε', alpha: 'α', rho: 'ρ',
  lrDecay: 'lrDecay', initialAccumulatorValue: 'G₀', momentumDecay: 'ψ',
};

// ---------------------------------------------------------------------------------------------
// Small helpers, safe on any input (hostile keys such as `__proto__` are only ever own data)

type Rec = Record<string, unknown>;
const isRecord = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const has = (o: Rec, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
const get = (o: Rec, key: string): unknown => (has(o, key) ? o[key] : undefined);
/** −0 is written as 0 in JSON; normalise so a value round-trips through a file exactly. */
const zero = (x: number): number => (x === 0 ? 0 : x);

/** A value as a message shows it: short, typed. */
export function describeValue(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x === 'object' ? 'an object' : typeof x;
}

/** A number the way Python prints a float (`1.0`), for torch-style messages. */
const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

export { closest };
const didYouMean = (word: string, candidates: readonly string[]): string => {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` — did you mean "${c}"?`;
};
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** "a number > 0", "a number ≥ 0 and < 1", … */
function boundsText(b: Bounds | undefined, integer = false): string {
  const kind = integer ? 'an integer' : 'a number';
  if (!b) return `a finite ${integer ? 'integer' : 'number'}`;
  const lo = b.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${b.min}`;
  const hi = b.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return `${kind} ${lo || hi}`;
}
const inBounds = (x: number, b: Bounds | undefined): boolean =>
  !b || ((b.min === undefined || (b.minExclusive ? x > b.min : x >= b.min)) &&
    (b.max === undefined || (b.maxExclusive ? x < b.max : x <= b.max)));

// ---------------------------------------------------------------------------------------------
// Hyperparameter values

/** torch.optim's wording for an out-of-range value, where PyTorch has one. */
function torchStyle(h: HyperparameterSpec, x: number): string {
  switch (h.name) {
    case 'lr': return `Invalid learning rate: ${pyFloat(x)}`;
    case 'eps': return `Invalid epsilon value: ${pyFloat(x)}`;
    case 'weightDecay': return `Invalid weight_decay value: ${pyFloat(x)}`;
    case 'momentum': return `Invalid momentum value: ${pyFloat(x)}`;
    default: return `Invalid ${h.torchName} value: ${pyFloat(x)}`;
  }
}

/**
 * Checks one hyperparameter value against its spec. Returns the issues (paths under `path`) and,
 * when valid, the normalised value.
 */
export function checkHyperparameter(h: HyperparameterSpec, raw: unknown, path: string): { issues: ValidationIssue[]; value?: HyperparameterValue } {
  if (h.kind === 'boolean') {
    return typeof raw === 'boolean' ? { issues: [], value: raw } : { issues: [{ path, message: `must be true or false, got ${describeValue(raw)}` }] };
  }
  if (h.kind === 'number') {
    if (typeof raw !== 'number') return { issues: [{ path, message: `must be ${boundsText(h.bounds)}, got ${describeValue(raw)}` }] };
    if (!Number.isFinite(raw) || !inBounds(raw, h.bounds)) {
      return { issues: [{ path, message: `${torchStyle(h, raw)} — must be ${Number.isFinite(raw) ? '' : 'finite and '}${boundsText(h.bounds)}` }] };
    }
    return { issues: [], value: zero(raw) };
  }
  // betas: a pair, each in its bounds; torch's message names the index.
  if (!Array.isArray(raw) || raw.length !== 2) {
    return { issues: [{ path, message: `must be a pair [β₁, β₂] of numbers, each ${boundsText(h.bounds).replace(/^a number /, '')}, got ${describeValue(raw)}` }] };
  }
  const issues: ValidationIssue[] = [];
  for (let k = 0; k < 2; k++) {
    const b = raw[k] as unknown;
    if (typeof b !== 'number') issues.push({ path: `${path}[${k}]`, message: `must be a number, got ${describeValue(b)}` });
    else if (!Number.isFinite(b) || !inBounds(b, h.bounds)) {
      issues.push({ path: `${path}[${k}]`, message: `Invalid beta parameter at index ${k}: ${pyFloat(b)} — must be in [0, 1)` });
    }
  }
  return issues.length ? { issues } : { issues, value: [zero(raw[0] as number), zero(raw[1] as number)] };
}

// ---------------------------------------------------------------------------------------------
// Validation

interface RawRun {
  readonly index: number;
  readonly spec?: OptimizerSpec;
  /** Valid hyperparameter values the run sets itself. */
  readonly values: Map<string, HyperparameterValue>;
  readonly label?: string;
  readonly enabled?: boolean;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
}

function validateLoss(raw: unknown, issues: ValidationIssue[]): LossSpec | undefined {
  const shape = '{"preset": "rosenbrock"}, {"source": "<TypeScript>"} or {"file": "loss.ts"}';
  if (raw === undefined) { issues.push({ path: 'loss', message: `is required: ${shape}` }); return undefined; }
  if (!isRecord(raw)) { issues.push({ path: 'loss', message: `must be an object: ${shape}; got ${describeValue(raw)}` }); return undefined; }
  const keys = Object.keys(raw);
  for (const k of keys) {
    if (!(LOSS_KINDS as readonly string[]).includes(k)) {
      issues.push({ path: `loss.${k}`, message: `unknown field${didYouMean(k, LOSS_KINDS)} (a loss is one of ${quoted(LOSS_KINDS)})` });
    }
  }
  const present = LOSS_KINDS.filter((k) => get(raw, k) !== undefined);
  if (present.length === 0) { issues.push({ path: 'loss', message: `needs one of ${quoted(LOSS_KINDS)}: ${shape}` }); return undefined; }
  if (present.length > 1) { issues.push({ path: 'loss', message: `has ${quoted(present)}: give exactly one of ${quoted(LOSS_KINDS)}` }); return undefined; }
  const kind = present[0];
  const value = raw[kind];
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ path: `loss.${kind}`, message: `must be a non-empty string, got ${describeValue(value)}` });
    return undefined;
  }
  if (kind === 'preset') {
    if (!getProblem(value)) {
      const names = PROBLEMS.map((p) => p.name);
      issues.push({ path: 'loss.preset', message: `unknown preset ${describeValue(value)}${didYouMean(value, names)} (presets: ${names.join(', ')})` });
      return undefined;
    }
    return { preset: value };
  }
  return kind === 'source' ? { source: value } : { file: value };
}

/** 10,000,000: thousands separated, without Intl (slow to start, and absent in some runtimes). */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function validateInteger(raw: unknown, path: string, min: number, max: number, issues: ValidationIssue[]): number | undefined {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    const range = max < Number.MAX_SAFE_INTEGER ? `an integer from ${grouped(min)} to ${grouped(max)}`
      : min > -Number.MAX_SAFE_INTEGER ? `an integer ≥ ${grouped(min)}` : 'an integer';
    issues.push({ path, message: `must be ${range}, got ${describeValue(raw)}` });
    return undefined;
  }
  return zero(raw);
}

function validateRun(raw: unknown, index: number, issues: ValidationIssue[]): RawRun | undefined {
  const path = `runs[${index}]`;
  const ids = OPTIMIZERS.map((o) => o.id);
  if (!isRecord(raw)) {
    issues.push({ path, message: `must be an object such as {"optimizer": "adam", "lr": 0.1}, got ${describeValue(raw)}` });
    return undefined;
  }
  const optimizer = get(raw, 'optimizer');
  let spec: OptimizerSpec | undefined;
  if (optimizer === undefined) {
    issues.push({ path: `${path}.optimizer`, message: `is required: one of ${quoted(ids)}` });
  } else if (typeof optimizer !== 'string') {
    issues.push({ path: `${path}.optimizer`, message: `must be an optimizer name (one of ${quoted(ids)}), got ${describeValue(optimizer)}` });
  } else {
    spec = optimizerSpec(optimizer);
    if (!spec) issues.push({ path: `${path}.optimizer`, message: `unknown optimizer ${describeValue(optimizer)}${didYouMean(optimizer, ids)} (optimizers: ${ids.join(', ')})` });
  }

  const values = new Map<string, HyperparameterValue>();
  let label: string | undefined, enabled: boolean | undefined, schedule: ScheduleSpec | undefined, clip: ClipSpec | undefined;
  let valid = spec !== undefined;
  // Hyperparameters, flat in the run as files write them, or under `hyperparameters` as a
  // validated RunSpec holds them (so a validated experiment validates again unchanged).
  const hyperparameters: [key: string, value: unknown, at: string][] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue; // programmatic callers may leave optional fields undefined
    const at = `${path}.${key}`;
    switch (key) {
      case 'optimizer': continue;
      case 'label':
        if (typeof value !== 'string' || value.trim() === '') { issues.push({ path: at, message: `must be a non-empty string, got ${describeValue(value)}` }); valid = false; }
        else label = value;
        continue;
      case 'enabled':
        if (typeof value !== 'boolean') { issues.push({ path: at, message: `must be true or false, got ${describeValue(value)}` }); valid = false; }
        else enabled = value;
        continue;
      case 'schedule': {
        const found = validateSchedule(value, at);
        if (found.length) { issues.push(...found); valid = false; } else schedule = structuredCopy(value) as ScheduleSpec;
        continue;
      }
      case 'clip': {
        const found = validateClip(value, at);
        if (found.length) { issues.push(...found); valid = false; } else clip = structuredCopy(value) as ClipSpec;
        continue;
      }
      case 'hyperparameters':
        if (!isRecord(value)) {
          issues.push({ path: at, message: `must be an object of hyperparameters (or write them flat in the run), got ${describeValue(value)}` });
          valid = false;
        } else {
          for (const k of Object.keys(value)) if (value[k] !== undefined) hyperparameters.push([k, value[k], `${at}.${k}`]);
        }
        continue;
    }
    hyperparameters.push([key, value, at]);
  }
  if (spec) {
    const names = spec.hyperparameters.map((x) => x.name);
    for (const [key, value, at] of hyperparameters) {
      const h = spec.hyperparameters.find((x) => x.name === key);
      if (!h) {
        issues.push({ path: at, message: `unknown hyperparameter "${key.length > 40 ? key.slice(0, 40) + '…' : key}" for ${spec.id}${didYouMean(key, [...names, ...RUN_FIELDS])} (${spec.id} takes ${names.join(', ')}; every run may also have ${RUN_FIELDS.slice(1).join(', ')})` });
        valid = false;
        continue;
      }
      if (values.has(key)) {
        issues.push({ path: at, message: `"${key}" is given twice (flat and under "hyperparameters")` });
        valid = false;
        continue;
      }
      const checked = checkHyperparameter(h, value, at);
      if (checked.issues.length) { issues.push(...checked.issues); valid = false; } else values.set(key, checked.value!);
    }
  }
  return valid ? { index, spec, values, label, enabled, schedule, clip } : undefined;
}

/** A deep copy of plain JSON data (schedules and clip objects are small and flat). */
function structuredCopy(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(structuredCopy);
  if (isRecord(x)) {
    const out: Rec = {};
    for (const k of Object.keys(x)) Object.defineProperty(out, k, { value: structuredCopy(x[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return typeof x === 'number' ? zero(x) : x;
}

interface SweepAxis {
  readonly name: string;
  readonly values: readonly unknown[];
}

function validateSweep(raw: unknown, issues: ValidationIssue[]): SweepAxis[] | undefined {
  if (!isRecord(raw)) {
    issues.push({ path: 'sweep', message: `must be an object such as {"lr": [0.001, 0.01, 0.1]}, got ${describeValue(raw)}` });
    return undefined;
  }
  const all = new Set(OPTIMIZERS.flatMap((o) => o.hyperparameters.map((h) => h.name)));
  const axes: SweepAxis[] = [];
  let valid = true;
  const keys = Object.keys(raw);
  if (keys.length === 0) { issues.push({ path: 'sweep', message: 'names no hyperparameter: {"lr": [0.001, 0.01, 0.1]}' }); return undefined; }
  for (const key of keys) {
    const values = raw[key];
    if (!all.has(key)) {
      issues.push({ path: `sweep.${key}`, message: `unknown hyperparameter${didYouMean(key, [...all])} (a sweep varies a hyperparameter such as lr, momentum, betas, weightDecay)` });
      valid = false;
    } else if (!Array.isArray(values) || values.length === 0) {
      issues.push({ path: `sweep.${key}`, message: `must be a non-empty array of values, got ${describeValue(values)}` });
      valid = false;
    } else {
      axes.push({ name: key, values });
    }
  }
  return valid ? axes : undefined;
}

/** Every combination of the sweep's values, the first axis varying slowest. */
function combinations(axes: readonly SweepAxis[]): { name: string; index: number; value: unknown }[][] {
  let out: { name: string; index: number; value: unknown }[][] = [[]];
  for (const axis of axes) {
    const next: typeof out = [];
    for (const prefix of out) {
      for (let index = 0; index < axis.values.length; index++) next.push([...prefix, { name: axis.name, index, value: axis.values[index] }]);
    }
    out = next;
  }
  return out;
}

/** `η=0.1`, `β=(0.9, 0.99)`, `nesterov`. */
function annotation(h: HyperparameterSpec, value: HyperparameterValue): string {
  if (typeof value === 'boolean') return value ? h.name : `no ${h.name}`;
  const symbol = SYMBOLS[h.name] ?? h.name;
  return typeof value === 'number' ? `${symbol}=${value}` : `${symbol}=(${value[0]}, ${value[1]})`;
}
const same = (a: HyperparameterValue | undefined, b: HyperparameterValue | undefined): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a[0] === b[0] && a[1] === b[1] : a === b;

/**
 * Validates an experiment given as parsed JSON: every field checked, defaults filled in, the sweep
 * expanded. All issues are reported; nothing is returned unless everything is valid.
 */
export function validateExperiment(raw: unknown): ExperimentResult {
  const issues: ValidationIssue[] = [];
  if (!isRecord(raw)) {
    return { ok: false, issues: [{ path: '', message: `an experiment must be a JSON object with "loss" and "runs", got ${describeValue(raw)}` }] };
  }
  for (const key of Object.keys(raw)) {
    if (!(EXPERIMENT_FIELDS as readonly string[]).includes(key) && raw[key] !== undefined) {
      issues.push({ path: key, message: `unknown field${didYouMean(key, EXPERIMENT_FIELDS)} (an experiment has ${EXPERIMENT_FIELDS.filter((f) => f !== '$schema').join(', ')})` });
    }
  }
  const schema = get(raw, '$schema');
  if (schema !== undefined && typeof schema !== 'string') issues.push({ path: '$schema', message: `must be a string (the JSON Schema's URL), got ${describeValue(schema)}` });

  const rawTitle = get(raw, 'title');
  let title: string | undefined;
  if (rawTitle !== undefined) {
    if (typeof rawTitle !== 'string') issues.push({ path: 'title', message: `must be a string, got ${describeValue(rawTitle)}` });
    else title = rawTitle;
  }

  const loss = validateLoss(get(raw, 'loss'), issues);
  const problem = loss && 'preset' in loss ? getProblem(loss.preset) : undefined;

  let init: number[] | undefined;
  const rawInit = get(raw, 'init');
  if (rawInit !== undefined) {
    if (!Array.isArray(rawInit) || rawInit.length === 0) {
      issues.push({ path: 'init', message: `must be a non-empty array of numbers (the start point), got ${describeValue(rawInit)}` });
    } else if (rawInit.length > MAX_PARAMETERS) {
      issues.push({ path: 'init', message: `has ${rawInit.length} numbers; at most ${grouped(MAX_PARAMETERS)} parameters` });
    } else {
      let valid = true;
      let reported = 0;
      for (let i = 0; i < rawInit.length; i++) {
        const x = rawInit[i] as unknown;
        if (typeof x !== 'number' || !Number.isFinite(x)) {
          valid = false;
          if (reported++ < 10) issues.push({ path: `init[${i}]`, message: `must be a finite number, got ${describeValue(x)}` });
        }
      }
      if (problem && !problem.anyDimension && rawInit.length !== problem.dim) {
        valid = false;
        issues.push({ path: 'init', message: `has ${rawInit.length} number${rawInit.length === 1 ? '' : 's'}, but "${problem.name}" has ${problem.dim} parameters` });
      }
      if (valid) init = (rawInit as number[]).map(zero);
    }
  } else if (problem) {
    init = [...problem.init];
  }

  const steps = get(raw, 'steps') !== undefined ? validateInteger(raw.steps, 'steps', 1, MAX_STEPS, issues) : DEFAULT_STEPS;
  const seed = get(raw, 'seed') !== undefined ? validateInteger(raw.seed, 'seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, issues) : DEFAULT_SEED;
  const batchSize = get(raw, 'batchSize') !== undefined ? validateInteger(raw.batchSize, 'batchSize', 1, Number.MAX_SAFE_INTEGER, issues) : undefined;
  let tolerance: number | undefined = DEFAULT_TOLERANCE;
  if (get(raw, 'tolerance') !== undefined) {
    const t = raw.tolerance;
    if (typeof t !== 'number' || !Number.isFinite(t) || !(t > 0)) {
      issues.push({ path: 'tolerance', message: `must be a finite number > 0 (converged when the gradient norm falls below it), got ${describeValue(t)}` });
      tolerance = undefined;
    } else tolerance = t;
  }

  // Runs, then the sweep (which needs the runs' optimizers).
  const rawRuns = get(raw, 'runs');
  const runs: RawRun[] = [];
  let runsValid = false;
  if (rawRuns === undefined) {
    issues.push({ path: 'runs', message: 'is required: a non-empty array such as [{"optimizer": "adam", "lr": 0.1}]' });
  } else if (!Array.isArray(rawRuns) || rawRuns.length === 0) {
    issues.push({ path: 'runs', message: `must be a non-empty array of runs such as [{"optimizer": "adam", "lr": 0.1}], got ${describeValue(rawRuns)}` });
  } else if (rawRuns.length > MAX_RUNS) {
    issues.push({ path: 'runs', message: `has ${rawRuns.length} runs; at most ${MAX_RUNS}` });
  } else {
    runsValid = true;
    for (let i = 0; i < rawRuns.length; i++) { // an index loop: holes of sparse arrays are refused, not skipped
      const run = validateRun(rawRuns[i] as unknown, i, issues);
      if (run) runs.push(run); else runsValid = false;
    }
  }

  let axes: SweepAxis[] = [];
  const rawSweep = get(raw, 'sweep');
  let sweepValid = true;
  if (rawSweep !== undefined) {
    const found = validateSweep(rawSweep, issues);
    if (!found) sweepValid = false;
    else {
      axes = found;
      // Each value must suit every run's optimizer.
      for (const axis of axes) {
        const seen = new Set<string>();
        for (const run of runs) {
          const h = run.spec?.hyperparameters.find((x) => x.name === axis.name);
          if (!h) {
            issues.push({ path: `sweep.${axis.name}`, message: `runs[${run.index}] (${run.spec?.id}) has no hyperparameter "${axis.name}" (it takes ${run.spec?.hyperparameters.map((x) => x.name).join(', ')})` });
            sweepValid = false;
            continue;
          }
          for (let k = 0; k < axis.values.length; k++) {
            for (const issue of checkHyperparameter(h, axis.values[k], `sweep.${axis.name}[${k}]`).issues) {
              const key = issue.path + issue.message;
              if (!seen.has(key)) { seen.add(key); issues.push(issue); }
              sweepValid = false;
            }
          }
        }
      }
      const count = axes.reduce((n, a) => n * a.values.length, Math.max(1, runs.length));
      if (count > MAX_RUNS) {
        issues.push({ path: 'sweep', message: `would make ${count} runs; at most ${MAX_RUNS}` });
        sweepValid = false;
      }
    }
  }

  // Expand and finish every run: defaults, sweep values, cross-field checks, labels.
  interface Expanded { run: RawRun; hyperparameters: Record<string, HyperparameterValue>; swept: { name: string; index: number; value: HyperparameterValue }[] }
  const expanded: Expanded[] = [];
  for (const run of runs) {
    const spec = run.spec!;
    for (const combination of combinations(sweepValid ? axes : [])) {
      const hyperparameters: Record<string, HyperparameterValue> = {};
      for (const h of spec.hyperparameters) hyperparameters[h.name] = run.values.get(h.name) ?? h.default;
      const swept = combination.map((c) => {
        const h = spec.hyperparameters.find((x) => x.name === c.name)!;
        const value = checkHyperparameter(h, c.value, '').value!;
        hyperparameters[c.name] = value;
        return { name: c.name, index: c.index, value };
      });
      expanded.push({ run, hyperparameters, swept });
    }
  }
  for (const e of expanded) {
    // torch.optim.SGD: "Nesterov momentum requires a momentum and zero dampening".
    const hp = e.hyperparameters;
    if (hp.nesterov === true && !((hp.momentum as number) > 0 && hp.dampening === 0)) {
      const where = e.swept.length ? ` (with sweep ${e.swept.map((s) => `${s.name}[${s.index}]`).join(', ')})` : '';
      issues.push({ path: `runs[${e.run.index}].nesterov`, message: `Nesterov momentum requires a momentum > 0 and zero dampening, got momentum ${hp.momentum} and dampening ${hp.dampening}${where}` });
    }
  }
  if (issues.length || !loss || !runsValid || !sweepValid || steps === undefined || seed === undefined || tolerance === undefined) {
    return { ok: false, issues: dedupe(issues) };
  }

  const labels = expanded.map((e) => {
    const spec = e.run.spec!;
    let label = e.run.label;
    if (label === undefined) {
      const sweptNames = new Set(e.swept.map((s) => s.name));
      const notes = spec.hyperparameters
        .filter((h) => h.name !== 'lr' && !sweptNames.has(h.name) && !same(e.hyperparameters[h.name], h.default))
        .map((h) => annotation(h, e.hyperparameters[h.name]));
      label = [spec.name, ...notes].join(' ');
    }
    const sweepNotes = e.swept.map((s) => annotation(spec.hyperparameters.find((h) => h.name === s.name)!, s.value));
    return [label, ...sweepNotes].join(' ');
  });
  distinctLabels(labels, expanded.map((e) => ({ spec: e.run.spec!, hyperparameters: e.hyperparameters, schedule: e.run.schedule })));

  const experiment: Experiment = {
    ...(title !== undefined ? { title } : {}),
    loss,
    ...(init !== undefined ? { init } : {}),
    steps, seed,
    ...(batchSize !== undefined ? { batchSize } : {}),
    tolerance,
    runs: expanded.map((e, i): RunSpec => ({
      label: labels[i],
      optimizer: e.run.spec!.id,
      hyperparameters: e.hyperparameters,
      ...(e.run.schedule !== undefined ? { schedule: e.run.schedule } : {}),
      ...(e.run.clip !== undefined ? { clip: e.run.clip } : {}),
      ...(e.run.enabled !== undefined ? { enabled: e.run.enabled } : {}),
    })),
  };
  return { ok: true, experiment };
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => { const k = `${i.path}\u0000${i.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/**
 * Makes labels distinct in place: runs sharing a label get the hyperparameters in which they
 * differ (learning rate included), then their schedule type, then a number.
 */
function distinctLabels(labels: string[], runs: readonly { spec: OptimizerSpec; hyperparameters: Readonly<Record<string, HyperparameterValue>>; schedule?: ScheduleSpec }[]): void {
  const groups = (): number[][] => {
    const byLabel = new Map<string, number[]>();
    labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
    return [...byLabel.values()].filter((g) => g.length > 1);
  };
  for (const group of groups()) {
    const specs = group.map((i) => runs[i].spec);
    const names = [...new Set(specs.flatMap((s) => s.hyperparameters.map((h) => h.name)))];
    const differing = names.filter((name) => group.some((i) => !same(runs[i].hyperparameters[name], runs[group[0]].hyperparameters[name])));
    for (const i of group) {
      const notes = differing.flatMap((name) => {
        const h = runs[i].spec.hyperparameters.find((x) => x.name === name);
        return h ? [annotation(h, runs[i].hyperparameters[name])] : [];
      });
      if (new Set(group.map((j) => runs[j].schedule?.type ?? 'constant')).size > 1) notes.push(runs[i].schedule?.type ?? 'constant');
      if (notes.length) labels[i] = `${labels[i]} ${notes.join(' ')}`;
    }
  }
  for (const group of groups()) group.forEach((i, k) => { if (k > 0) labels[i] = `${labels[i]} #${k + 1}`; });
  // Numbering can collide with a label that already ended in "#2"; repeat until distinct.
  for (let pass = 0; pass < 5 && groups().length; pass++) {
    for (const group of groups()) group.forEach((i, k) => { if (k > 0) labels[i] = `${labels[i]}′`; });
  }
}

/** Parses and validates `*.optim.json` text. Malformed JSON gives one issue with its line and column. */
export function parseExperiment(text: string): ExperimentResult {
  let raw: unknown;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as some editors write it
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const found = findJsonError(text);
    const issue: JsonSyntaxIssue = found
      ? { path: '', message: `malformed JSON at line ${found.line}, column ${found.column}: ${found.message}`, line: found.line, column: found.column }
      : { path: '', message: `malformed JSON: ${(e as Error).message}`, line: 1, column: 1 };
    return { ok: false, issues: [issue] };
  }
  return validateExperiment(raw);
}

/** `path: message`, or the message alone for the whole file. */
export function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

// ---------------------------------------------------------------------------------------------
// Serialization

/** One-line JSON with a space after `:` and `,`. */
function inline(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(inline).join(', ')}]`;
  if (isRecord(x)) return `{${Object.keys(x).map((k) => `${JSON.stringify(k)}: ${inline(x[k])}`).join(', ')}}`;
  return JSON.stringify(x === undefined ? null : x);
}

/**
 * Writes an experiment as `*.optim.json` text: one run per line, hyperparameters flat, only those
 * that differ from their defaults (plus `lr`, always). `validateExperiment` of the result gives back
 * an equal experiment.
 */
export function serializeExperiment(e: Experiment): string {
  const runs = e.runs.map((run) => {
    const spec = optimizerSpec(run.optimizer);
    const out: Rec = { optimizer: run.optimizer, label: run.label };
    for (const h of spec?.hyperparameters ?? []) {
      const value = run.hyperparameters[h.name];
      if (value !== undefined && (h.name === 'lr' || !same(value, h.default))) out[h.name] = value;
    }
    if (!spec) Object.assign(out, run.hyperparameters);
    if (run.schedule) out.schedule = run.schedule;
    if (run.clip) out.clip = run.clip;
    if (run.enabled !== undefined) out.enabled = run.enabled;
    return out;
  });
  const fields: [string, unknown][] = [];
  if (e.title !== undefined) fields.push(['title', e.title]);
  fields.push(['loss', e.loss]);
  if (e.init !== undefined) fields.push(['init', e.init]);
  fields.push(['steps', e.steps], ['seed', e.seed]);
  if (e.batchSize !== undefined) fields.push(['batchSize', e.batchSize]);
  fields.push(['tolerance', e.tolerance]);
  const lines = fields.map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)},`);
  lines.push(`  "runs": [\n${runs.map((r) => `    ${inline(r)}`).join(',\n')}\n  ]`);
  return `{\n${lines.join('\n')}\n}\n`;
}

// ---------------------------------------------------------------------------------------------
// Locating JSON syntax errors. `JSON.parse` does the parsing; when it fails, its message depends on
// the JavaScript engine's version and often has no position, so `findJsonError` re-scans the text
// with RFC 8259's grammar and names the first error with a 1-based line and column.

export interface JsonError {
  readonly message: string;
  /** 0-based offset into the text. */
  readonly offset: number;
  /** 1-based, like an editor shows it. */
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column of an offset (lines end at \n, \r\n or \r). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) { line++; start = i + 1; }
  }
  return { line, column: offset - start + 1 };
}

class JsonSyntax extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonError | undefined {
  let i = 0;
  const n = text.length;
  const shown = (k: number): string => (k >= n ? 'the end of the text' : JSON.stringify(text[k]));
  const fail = (what: string, at = i): never => { throw new JsonSyntax(`expected ${what}, found ${shown(at)}`, at); };
  const ws = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) throw new JsonSyntax(`invalid literal: expected "${word}"`, i);
    }
    i += word.length;
  };
  const string = (): void => {
    const start = i;
    i++; // the opening quote
    while (true) {
      if (i >= n) throw new JsonSyntax('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 0x20) throw new JsonSyntax('a control character in a string (write it escaped, like \\n)', i);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new JsonSyntax('invalid \\u escape: expected four hex digits', i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new JsonSyntax(`invalid escape ${e === undefined ? '\\' : JSON.stringify('\\' + e)}`, i);
        }
        continue;
      }
      i++;
    }
  };
  const digits = (): number => { const s = i; while (i < n && text[i] >= '0' && text[i] <= '9') i++; return i - s; };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (digits() === 0) fail('a digit');
    if (text[i] === '.') { i++; if (digits() === 0) fail('a digit after the decimal point'); }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) fail('a digit in the exponent');
    }
  };
  const value = (depth: number): void => {
    if (depth > 500) throw new JsonSyntax('nested more than 500 levels deep', i);
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      while (true) {
        ws();
        if (text[i] === "'") throw new JsonSyntax('strings and names use double quotes in JSON', i);
        if (text[i] !== '"') fail(text[i] === '}' ? 'a property name (JSON has no trailing commas)' : 'a property name in double quotes');
        string(); ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail('"," or "}" after a property value');
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      while (true) {
        ws();
        if (text[i] === ']') fail('a value (JSON has no trailing commas)');
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail('"," or "]" after an array element');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === "'") throw new JsonSyntax('strings and names use double quotes in JSON', i);
    fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < n) fail('the end of the text after the value');
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonSyntax)) throw e;
    return { message: e.message, offset: e.offset, ...lineColumn(text, e.offset) };
  }
}

// ---------------------------------------------------------------------------------------------
// Where an issue's path is in the text, for editor diagnostics

/** A range in the text, 1-based lines and columns (end exclusive), like an editor shows it. */
export interface TextRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * Offsets of every value in valid JSON text, by path in the validator's notation
 * (`runs[1].betas[0]`; the whole document is ''). Returns an empty map for malformed text.
 */
export function jsonValueOffsets(text: string): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  if (findJsonError(text) !== undefined) return out;
  let i = 0;
  const ws = (): void => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const skipString = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++; ws();
      while (text[i] !== '}') {
        ws();
        const key = skipString();
        ws(); i++; // ':'
        value(path === '' ? key : `${path}.${key}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++; ws();
      let k = 0;
      while (text[i] !== ']') {
        value(`${path}[${k++}]`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      skipString();
    } else {
      while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
    }
    if (!out.has(path)) out.set(path, { start, end: i });
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  value('');
  return out;
}

/**
 * The range of the value an issue is about; when that value is absent (a missing field), the
 * range of the nearest enclosing value that is there. Malformed JSON: the issue's own position.
 */
export function locateIssue(text: string, issue: ValidationIssue): TextRange {
  const syntax = issue as Partial<JsonSyntaxIssue>;
  if (typeof syntax.line === 'number' && typeof syntax.column === 'number') {
    return { line: syntax.line, column: syntax.column, endLine: syntax.line, endColumn: syntax.column + 1 };
  }
  const offsets = jsonValueOffsets(text);
  let path = issue.path;
  while (!offsets.has(path) && path !== '') {
    const parent = path.replace(/(\.[^.[\]]*|\[\d+\])$/, ''); // drop the last `.key` or `[i]`
    path = parent === path ? '' : parent;
  }
  const found = offsets.get(path) ?? { start: 0, end: 0 };
  const a = lineColumn(text, found.start), b = lineColumn(text, found.end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}
