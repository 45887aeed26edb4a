/**
 * `tune` in experiment files (DESIGN "Tuning"): which hyperparameters a run tunes, over which
 * values, by which objective and over how many seeds — validated with the field's path and the
 * reason, against the optimizer registry's declarations (`tunable` in hyperparameters.ts says what
 * may be tuned and under which name; bounds and rules are the hyperparameters' own).
 *
 *     "tune": { "lr": { "min": 1e-5, "max": 10, "count": 32 }, "momentum": [0, 0.5, 0.9],
 *               "objective": "finalLoss", "seeds": 1 }
 *
 * At most two hyperparameters, the first varying slowest; none named means `lr` over its declared
 * grid. `{min, max, count}` is log-spaced with both ends included; a list is taken as given.
 */
import { boundsText, checkNumber, type Bounds } from './bounds';
import { brokenRule, OPTIMIZERS, type HyperparameterSpec, type OptimizerSpec, type SymbolSpec } from './hyperparameters';
import type { HyperparameterValue, TuneGrid, TuneObjective, TuneSpec, ValidationIssue } from './types';
import { describeValue, didYouMean, isRecord, ownValue, quoted, zero } from './values';

/** Fields of a tune besides its hyperparameters. */
export const TUNE_SETTINGS = ['objective', 'seeds'] as const;
/** The objectives a tune may minimise (`stepsTo` is written `{ "stepsTo": <loss> }`). */
export const TUNE_OBJECTIVES = ['finalLoss', 'meanLoss', 'stepsTo'] as const;
export const DEFAULT_OBJECTIVE: TuneObjective = 'finalLoss';
export const DEFAULT_SEEDS = 1;
/** Most hyperparameters one tune varies (a sensitivity curve, or a phase diagram). */
export const MAX_TUNED = 2;
export const GRID_COUNT_BOUNDS: Bounds = { min: 2, max: 1024 };
/** Most values of a listed grid (as many as a log-spaced one may have). */
export const MAX_GRID_LIST = 1024;
export const SEEDS_BOUNDS: Bounds = { min: 1, max: 100 };
/** Most configurations an experiment's tunes may run in all: runs × grid points × seeds. */
export const MAX_TUNE_CONFIGURATIONS = 100_000;
/** `noise`: the standard deviation of the Gaussian added to every gradient. */
export const NOISE_BOUNDS: Bounds = { min: 0 };

/** A hyperparameter `tune` may vary, for one optimizer. */
export interface Tunable {
  /** The name a tune uses (`lr`, `momentum`, `beta1`, `weightDecay`). */
  readonly name: string;
  readonly hyperparameter: HyperparameterSpec;
  /** The element of a pair it sets (β₁ is element 0 of betas). */
  readonly element?: 0 | 1;
  /** The grid tried when a tune names it without values. */
  readonly grid: TuneGrid;
}

/** What `optimizer` can tune, in the order of its hyperparameters. */
export function tunables(optimizer: OptimizerSpec): Tunable[] {
  return optimizer.hyperparameters.flatMap((h) => (h.tunable
    ? [{ name: h.tunable.name, hyperparameter: h, grid: h.tunable.grid, ...(h.tunable.element !== undefined ? { element: h.tunable.element } : {}) }]
    : []));
}

/** Every name any optimizer can tune. */
export const TUNABLE_NAMES: readonly string[] = [...new Set(OPTIMIZERS.flatMap((o) => tunables(o).map((t) => t.name)))];

/** How labels and charts write a tuned hyperparameter: its own symbol, or the pair's with the element's index (β₁). */
export function tunableSymbol(t: Tunable): SymbolSpec {
  const s = t.hyperparameter.symbol ?? { text: t.name, tex: t.name };
  return t.element === undefined ? s : { text: `${s.text}${'₁₂'[t.element]}`, tex: `${s.tex}_${t.element + 1}` };
}

/** Significant digits a log-spaced grid's values are rounded to, at least (more when needed to keep them distinct). */
export const GRID_DIGITS = 3;

/**
 * The grid's values: `{min, max, count}` log-spaced from min to max (both exactly), the others
 * rounded to the fewest significant digits, from GRID_DIGITS, that keep them increasing — values a
 * person can read in a label and type back (η=0.00135, not 0.0013459603241553642) — or the list.
 */
export function gridValues(grid: TuneGrid): number[] {
  if (Array.isArray(grid)) return [...grid as readonly number[]];
  const { min, max, count } = grid as Exclude<TuneGrid, readonly number[]>;
  const a = Math.log10(min), b = Math.log10(max);
  // 1 / 10^k for negative exponents: 10 ** -5 is 9.999999999999999e-6 in V8, 1 / 10 ** 5 is 1e-5.
  const power = (e: number): number => (e < 0 ? 1 / 10 ** -e : 10 ** e);
  const exact = Array.from({ length: count }, (_, i) => (i === 0 ? min : i === count - 1 ? max : power(a + ((b - a) * i) / (count - 1))));
  for (let digits = GRID_DIGITS; digits < 17; digits++) {
    const rounded = exact.map((v, i) => (i === 0 || i === count - 1 ? v : Number(v.toPrecision(digits))));
    if (rounded.every((v, i) => i === 0 || v > rounded[i - 1])) return rounded;
  }
  return exact;
}

/** The tuned names of a validated tune, in order (the first varies slowest). */
export function tunedNames(tune: TuneSpec): string[] {
  return Object.keys(tune).filter((k) => !(TUNE_SETTINGS as readonly string[]).includes(k));
}

/** The grid of `name` in a validated tune. */
export function tuneGrid(tune: TuneSpec, name: string): TuneGrid {
  return tune[name] as TuneGrid;
}

/** Grid points of a validated tune (the product of its grids' sizes). */
export function gridSize(tune: TuneSpec): number {
  return tunedNames(tune).reduce((n, name) => n * gridValues(tuneGrid(tune, name)).length, 1);
}

/** `values` with `value` set for the tunable (one element of a pair for β₁). */
export function withTuned(values: Readonly<Record<string, HyperparameterValue>>, t: Tunable, value: number): Record<string, HyperparameterValue> {
  const name = t.hyperparameter.name;
  if (t.element === undefined) return { ...values, [name]: value };
  const pair = (values[name] ?? t.hyperparameter.default) as readonly [number, number];
  return { ...values, [name]: t.element === 0 ? [value, pair[1]] : [pair[0], value] };
}

/** The value of a tunable in complete hyperparameter values. */
export function tunedValue(values: Readonly<Record<string, HyperparameterValue>>, t: Tunable): number {
  const v = values[t.hyperparameter.name] ?? t.hyperparameter.default;
  return t.element === undefined ? v as number : (v as readonly [number, number])[t.element];
}

function validateObjective(raw: unknown, path: string, issues: ValidationIssue[]): TuneObjective | undefined {
  const shape = '"finalLoss", "meanLoss" or {"stepsTo": <loss>}';
  if (raw === 'finalLoss' || raw === 'meanLoss') return raw;
  if (raw === 'stepsTo') {
    issues.push({ path, message: `"stepsTo" needs the loss to reach: {"stepsTo": 0.001}` });
    return undefined;
  }
  if (typeof raw === 'string') {
    issues.push({ path, message: `unknown objective ${describeValue(raw)}${didYouMean(raw, TUNE_OBJECTIVES)} (an objective is ${shape})` });
    return undefined;
  }
  if (!isRecord(raw)) {
    issues.push({ path, message: `must be ${shape}, got ${describeValue(raw)}` });
    return undefined;
  }
  let valid = true;
  for (const k of Object.keys(raw)) {
    if (k !== 'stepsTo') { issues.push({ path: `${path}.${k}`, message: `unknown field${didYouMean(k, ['stepsTo'])} (an objective object is {"stepsTo": <loss>})` }); valid = false; }
  }
  const target = ownValue(raw, 'stepsTo');
  if (target === undefined) {
    issues.push({ path: `${path}.stepsTo`, message: 'is required: the loss to reach, a finite number ({"stepsTo": 0.001})' });
    return undefined;
  }
  const reason = checkNumber(target, undefined);
  if (reason) { issues.push({ path: `${path}.stepsTo`, message: `${reason} (the loss to reach)` }); return undefined; }
  return valid ? { stepsTo: zero(target as number) } : undefined;
}

/** A grid as written: `{min, max, count}` (log-spaced, so min > 0) or a non-empty list of numbers. */
function validateGrid(raw: unknown, path: string, issues: ValidationIssue[]): TuneGrid | undefined {
  const shape = '{"min": 1e-5, "max": 10, "count": 32} (log-spaced) or a list of values';
  if (Array.isArray(raw)) {
    if (raw.length === 0) { issues.push({ path, message: `is an empty grid: list at least one value, or give ${shape}` }); return undefined; }
    if (raw.length > MAX_GRID_LIST) { issues.push({ path, message: `lists ${raw.length} values; at most ${MAX_GRID_LIST}` }); return undefined; }
    let valid = true;
    for (let k = 0; k < raw.length; k++) { // an index loop: holes of sparse arrays are refused, not skipped
      const reason = checkNumber(raw[k] as unknown, undefined);
      if (reason) { issues.push({ path: `${path}[${k}]`, message: reason }); valid = false; }
    }
    return valid ? (raw as number[]).map(zero) : undefined;
  }
  if (!isRecord(raw)) { issues.push({ path, message: `must be ${shape}, got ${describeValue(raw)}` }); return undefined; }
  let valid = true;
  for (const k of Object.keys(raw)) {
    if (!['min', 'max', 'count'].includes(k)) { issues.push({ path: `${path}.${k}`, message: `unknown field${didYouMean(k, ['min', 'max', 'count'])} (a log-spaced grid is {"min", "max", "count"})` }); valid = false; }
  }
  const field = (k: string, bounds: Bounds | undefined, integer: boolean, why: string): number | undefined => {
    const v = ownValue(raw, k);
    if (v === undefined) { issues.push({ path: `${path}.${k}`, message: `is required (${why})` }); return undefined; }
    const reason = checkNumber(v, bounds, integer);
    if (reason) { issues.push({ path: `${path}.${k}`, message: `${reason} (${why})` }); return undefined; }
    return v as number;
  };
  const positive: Bounds = { min: 0, minExclusive: true };
  const min = field('min', positive, false, 'the grid is log-spaced; list the values to include 0');
  const max = field('max', positive, false, 'the grid is log-spaced; list the values to include 0');
  const count = field('count', GRID_COUNT_BOUNDS, true, 'how many values from min to max; list one value as [x]');
  if (min === undefined || max === undefined || count === undefined || !valid) return undefined;
  if (max < min) { issues.push({ path, message: `is inverted: max ${max} is below min ${min}` }); return undefined; }
  if (max === min) { issues.push({ path, message: `is empty: min and max are both ${min} (list one value as [${min}])` }); return undefined; }
  return { min, max, count };
}

/**
 * Checks a tune as written (top-level or a run's own) without regard to the runs it applies to:
 * known names that some optimizer can tune, at most two of them, grids, objective and seeds.
 * Returns it with defaults filled in (`lr` over its declared grid when none is named), or
 * undefined with the issues pushed.
 */
export function validateTune(raw: unknown, path: string, issues: ValidationIssue[]): TuneSpec | undefined {
  if (!isRecord(raw)) {
    issues.push({ path, message: `must be an object such as {"lr": {"min": 1e-5, "max": 10, "count": 32}}, got ${describeValue(raw)}` });
    return undefined;
  }
  let valid = true;
  const grids: [string, TuneGrid][] = [];
  for (const key of Object.keys(raw)) {
    if ((TUNE_SETTINGS as readonly string[]).includes(key) || raw[key] === undefined) continue;
    const at = `${path}.${key}`;
    if (!TUNABLE_NAMES.includes(key)) {
      const declared = OPTIMIZERS.some((o) => o.hyperparameters.some((h) => h.name === key));
      const names = [...TUNABLE_NAMES, ...TUNE_SETTINGS];
      issues.push({ path: at, message: declared
        ? `"${key}" cannot be tuned (a tune varies ${quoted(TUNABLE_NAMES)}; set "${key}" in the run instead)`
        : `unknown field${didYouMean(key, names)} (a tune varies ${quoted(TUNABLE_NAMES)} and may set ${quoted(TUNE_SETTINGS)})` });
      valid = false;
      continue;
    }
    const grid = validateGrid(raw[key], at, issues);
    if (grid) grids.push([key, grid]); else valid = false;
  }
  if (grids.length > MAX_TUNED) {
    issues.push({ path, message: `varies ${grids.length} hyperparameters (${grids.map(([n]) => n).join(', ')}); at most ${MAX_TUNED}: a sensitivity curve or a phase diagram` });
    valid = false;
  }
  const rawObjective = ownValue(raw, 'objective');
  const objective = rawObjective === undefined ? DEFAULT_OBJECTIVE : validateObjective(rawObjective, `${path}.objective`, issues);
  const rawSeeds = ownValue(raw, 'seeds');
  const seedsReason = rawSeeds === undefined ? undefined : checkNumber(rawSeeds, SEEDS_BOUNDS, true);
  if (seedsReason) issues.push({ path: `${path}.seeds`, message: `${seedsReason} (each grid point runs once per seed; its score is the median)` });
  if (!valid || objective === undefined || seedsReason) return undefined;
  if (grids.length === 0) grids.push(['lr', OPTIMIZERS[0].hyperparameters.find((h) => h.name === 'lr')!.tunable!.grid]);
  return { ...Object.fromEntries(grids), objective, seeds: rawSeeds === undefined ? DEFAULT_SEEDS : rawSeeds as number } as TuneSpec;
}

/** A run a tune applies to: its index, optimizer and own values. */
export interface TunedRun {
  readonly index: number;
  readonly spec: OptimizerSpec;
  readonly values: Readonly<Record<string, HyperparameterValue>>;
}

/**
 * Checks that `run` can be tuned by the valid `tune` found at `path`: every name tunable for its
 * optimizer, every grid value within the hyperparameter's bounds, and the optimizer's rules held
 * at every grid point. Pushes what fails; returns whether all holds.
 */
export function checkTuneFor(tune: TuneSpec, path: string, run: TunedRun, issues: ValidationIssue[]): boolean {
  const own = tunables(run.spec);
  const where = `runs[${run.index}] (${run.spec.id})`;
  const axes: { t: Tunable; values: number[] }[] = [];
  let valid = true;
  for (const name of tunedNames(tune)) {
    const t = own.find((x) => x.name === name);
    if (!t) {
      issues.push({ path: `${path}.${name}`, message: `${where} cannot tune "${name}" (${run.spec.id} tunes ${quoted(own.map((x) => x.name))})` });
      valid = false;
      continue;
    }
    const grid = tuneGrid(tune, name);
    const values = gridValues(grid);
    const checked = Array.isArray(grid) ? values.map((v, k) => [v, `${path}.${name}[${k}]`] as const)
      : [[values[0], `${path}.${name}.min`], [values[values.length - 1], `${path}.${name}.max`]] as const;
    for (const [v, at] of checked) {
      if (checkNumber(v, t.hyperparameter.bounds) !== undefined) {
        issues.push({ path: at, message: `must be ${boundsText(t.hyperparameter.bounds)} for ${name}, got ${v}` });
        valid = false;
      }
    }
    axes.push({ t, values });
  }
  if (!valid) return false;
  // The optimizer's rules (SGD's Nesterov needs momentum > 0) at every grid point; the first broken one is reported.
  const walk = (k: number, values: Readonly<Record<string, HyperparameterValue>>, at: string[]): boolean => {
    if (k === axes.length) {
      const broken = brokenRule(run.spec, values);
      if (broken) issues.push({ path: `${path}.${axes[0].t.name}`, message: `${where} at ${at.join(', ')}: ${broken.message}` });
      return !broken;
    }
    return axes[k].values.every((v) => walk(k + 1, withTuned(values, axes[k].t, v), [...at, `${axes[k].t.name} = ${v}`]));
  };
  return walk(0, run.values, []);
}
