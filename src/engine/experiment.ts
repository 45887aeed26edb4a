/**
 * Experiment files (`*.optim.json`, DESIGN "Experiment files"): the top-level fields, defaults and
 * limits, and `validateExperiment`, which checks every field before anything runs and reports every
 * problem (not just the first), each as `{ path, message }` with the field's path in the file
 * (`runs[1].betas[0]`). The parts live beside it, one concern each: runs and hyperparameter values
 * (`runs.ts`), schedules (`schedules.ts`), clipping (`clip.ts`), sweeps (`sweep.ts`), labels
 * (`labels.ts`), writing files (`serialize.ts`) and positions in the text (`jsonText.ts`).
 */
import { checkNumber, type Bounds } from './bounds';
import { curvatureRefusal } from './curvature/sharpness';
import { brokenRule, type OptimizerSpec } from './hyperparameters';
import { findJsonError, type JsonSyntaxIssue } from './jsonText';
import { automaticLabel, annotation, distinctLabels } from './labels';
import { getProblem, PROBLEMS } from './problems';
import { validateRun, type CheckedRun } from './runs';
import { combinations, validateSweep, type SweepAxis } from './sweep';
import { checkTuneConfigurations, checkTunes } from './tuneRuns';
import { NOISE_BOUNDS, validateTune } from './tune';
import type { Experiment, HyperparameterValue, LossSpec, RunSpec, ValidationIssue } from './types';
import { checkHyperparameter } from './runs';
import { describeValue, didYouMean, grouped, isRecord, ownValue, quoted, zero } from './values';

export { RUN_FIELDS, checkHyperparameter } from './runs';
export { serializeExperiment } from './serialize';
export { findJsonError, jsonValueOffsets, lineColumn, locateIssue } from './jsonText';
export type { JsonError, JsonSyntaxIssue, TextRange } from './jsonText';
export { describeValue } from './values';
export { closest } from './suggest';

export type ExperimentResult = { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] };

/** Top-level fields of an experiment file. `$schema` lets editors find the JSON Schema. */
export const EXPERIMENT_FIELDS = ['$schema', 'title', 'loss', 'init', 'steps', 'seed', 'batchSize', 'tolerance', 'noise', 'curvature', 'runs', 'sweep', 'tune'] as const;
export const LOSS_KINDS = ['preset', 'source', 'file'] as const;

export const DEFAULT_STEPS = 100;
export const MAX_STEPS = 10_000_000;
export const STEPS_BOUNDS: Bounds = { min: 1, max: MAX_STEPS };
export const BATCH_SIZE_BOUNDS: Bounds = { min: 1 };
export const DEFAULT_SEED = 0;
export const DEFAULT_TOLERANCE = 1e-8;
/** Most runs an experiment may have after its sweep is expanded. */
export const MAX_RUNS = 1000;
/** Most parameters of a start point (for problems of any dimension and snippets). */
export const MAX_PARAMETERS = 100_000;

function validateLoss(raw: unknown, issues: ValidationIssue[]): LossSpec | undefined {
  const shape = '{"preset": "rosenbrock"}, {"source": "<TypeScript>"} or {"file": "loss.ts"}';
  if (raw === undefined) { issues.push({ path: 'loss', message: `is required: ${shape}` }); return undefined; }
  if (!isRecord(raw)) { issues.push({ path: 'loss', message: `must be an object: ${shape}; got ${describeValue(raw)}` }); return undefined; }
  for (const k of Object.keys(raw)) {
    if (!(LOSS_KINDS as readonly string[]).includes(k)) {
      issues.push({ path: `loss.${k}`, message: `unknown field${didYouMean(k, LOSS_KINDS)} (a loss is one of ${quoted(LOSS_KINDS)})` });
    }
  }
  const present = LOSS_KINDS.filter((k) => ownValue(raw, k) !== undefined);
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

function validateInit(raw: unknown, loss: LossSpec | undefined, issues: ValidationIssue[]): number[] | undefined {
  const problem = loss && 'preset' in loss ? getProblem(loss.preset) : undefined;
  if (raw === undefined) return problem ? [...problem.init] : undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.push({ path: 'init', message: `must be a non-empty array of numbers (the start point), got ${describeValue(raw)}` });
    return undefined;
  }
  if (raw.length > MAX_PARAMETERS) {
    issues.push({ path: 'init', message: `has ${raw.length} numbers; at most ${grouped(MAX_PARAMETERS)} parameters` });
    return undefined;
  }
  let valid = true;
  let reported = 0;
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i] as unknown;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      valid = false;
      if (reported++ < 10) issues.push({ path: `init[${i}]`, message: `must be a finite number, got ${describeValue(x)}` });
    }
  }
  if (problem && !problem.anyDimension && raw.length !== problem.dim) {
    valid = false;
    issues.push({ path: 'init', message: `has ${raw.length} number${raw.length === 1 ? '' : 's'}, but "${problem.name}" has ${problem.dim} parameters` });
  }
  return valid ? (raw as number[]).map(zero) : undefined;
}

/** An integer field of the experiment within `bounds`, or undefined with an issue pushed. */
function validateInteger(raw: unknown, path: string, bounds: Bounds | undefined, issues: ValidationIssue[]): number | undefined {
  const reason = checkNumber(raw, bounds, true);
  if (reason) issues.push({ path, message: reason });
  return reason ? undefined : zero(raw as number);
}

/** A number field of the experiment within `bounds`, or undefined with an issue pushed. */
function validateNumber(raw: unknown, path: string, bounds: Bounds, what: string, issues: ValidationIssue[]): number | undefined {
  const reason = checkNumber(raw, bounds);
  if (reason) issues.push({ path, message: `${reason} (${what})` });
  return reason ? undefined : zero(raw as number);
}

/** `curvature`: a boolean, on at most MAX_CURVATURE_PARAMETERS parameters when the start point is known. */
function validateCurvature(raw: unknown, init: readonly number[] | undefined, issues: ValidationIssue[]): boolean {
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') {
    issues.push({ path: 'curvature', message: `must be true or false (true adds each point's sharpness, the Hessian's largest eigenvalue), got ${describeValue(raw)}` });
    return false;
  }
  const refused = raw && init ? curvatureRefusal(init.length) : undefined;
  if (refused) issues.push({ path: 'curvature', message: refused });
  return raw;
}

/** A run with its sweep values applied and every hyperparameter present. */
export interface Expanded {
  readonly run: CheckedRun;
  readonly hyperparameters: Record<string, HyperparameterValue>;
  readonly swept: readonly { name: string; index: number; value: HyperparameterValue }[];
}

function expand(runs: readonly CheckedRun[], axes: readonly SweepAxis[]): Expanded[] {
  return runs.flatMap((run) => combinations(axes).map((point): Expanded => {
    const hyperparameters: Record<string, HyperparameterValue> = {};
    for (const h of run.spec.hyperparameters) hyperparameters[h.name] = run.values.get(h.name) ?? h.default;
    const swept = point.map((c) => {
      const h = run.spec.hyperparameters.find((x) => x.name === c.name)!;
      const value = checkHyperparameter(h, c.value, '').value!;
      hyperparameters[c.name] = value;
      return { name: c.name, index: c.index, value };
    });
    return { run, hyperparameters, swept };
  }));
}

/** Each run's label: its own or the automatic one, then its swept values, made distinct. */
function labelRuns(expanded: readonly Expanded[]): string[] {
  const labels = expanded.map((e) => {
    const spec = e.run.spec;
    const label = e.run.label ?? automaticLabel(spec, e.hyperparameters, new Set(e.swept.map((s) => s.name)));
    const sweepNotes = e.swept.map((s) => annotation(spec.hyperparameters.find((h) => h.name === s.name)!, s.value));
    return [label, ...sweepNotes].join(' ');
  });
  distinctLabels(labels, expanded.map((e) => ({ spec: e.run.spec, hyperparameters: e.hyperparameters, schedule: e.run.schedule })));
  return labels;
}

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
  const field = (key: string): unknown => ownValue(raw, key);
  const schema = field('$schema');
  if (schema !== undefined && typeof schema !== 'string') issues.push({ path: '$schema', message: `must be a string (the JSON Schema's URL), got ${describeValue(schema)}` });
  const rawTitle = field('title');
  if (rawTitle !== undefined && typeof rawTitle !== 'string') issues.push({ path: 'title', message: `must be a string, got ${describeValue(rawTitle)}` });
  const title = typeof rawTitle === 'string' ? rawTitle : undefined;

  const loss = validateLoss(field('loss'), issues);
  const init = validateInit(field('init'), loss, issues);
  const steps = field('steps') !== undefined ? validateInteger(field('steps'), 'steps', STEPS_BOUNDS, issues) : DEFAULT_STEPS;
  const seed = field('seed') !== undefined ? validateInteger(field('seed'), 'seed', undefined, issues) : DEFAULT_SEED;
  const batchSize = field('batchSize') !== undefined ? validateInteger(field('batchSize'), 'batchSize', BATCH_SIZE_BOUNDS, issues) : undefined;
  let tolerance: number | undefined = DEFAULT_TOLERANCE;
  const rawTolerance = field('tolerance');
  if (rawTolerance !== undefined) {
    const valid = typeof rawTolerance === 'number' && Number.isFinite(rawTolerance) && rawTolerance > 0;
    if (!valid) issues.push({ path: 'tolerance', message: `must be a finite number > 0 (converged when the gradient norm falls below it), got ${describeValue(rawTolerance)}` });
    tolerance = valid ? rawTolerance : undefined;
  }

  const curvature = validateCurvature(field('curvature'), init, issues);

  // Runs, then the sweep (which needs the runs' optimizers).
  const rawRuns = field('runs');
  const runs: CheckedRun[] = [];
  const optimizers: (OptimizerSpec | undefined)[] = [];
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
      const run = validateRun(rawRuns[i] as unknown, i, steps, issues);
      if (run && 'values' in run) { runs.push(run); optimizers.push(run.spec); } else { runsValid = false; optimizers.push(run); }
    }
  }
  const rawSweep = field('sweep');
  const axes = rawSweep !== undefined ? validateSweep(rawSweep, optimizers, MAX_RUNS, issues) : [];
  const rawTune = field('tune');
  const tune = rawTune !== undefined ? validateTune(rawTune, 'tune', issues) : undefined;
  const noise = field('noise') !== undefined ? validateNumber(field('noise'), 'noise', NOISE_BOUNDS, 'the standard deviation of the Gaussian added to every gradient', issues) : undefined;

  const expanded = expand(runs, axes ?? []);
  for (const e of expanded) {
    const broken = brokenRule(e.run.spec, e.hyperparameters);
    if (!broken) continue;
    const where = e.swept.length ? ` (with sweep ${e.swept.map((s) => `${s.name}[${s.index}]`).join(', ')})` : '';
    issues.push({ path: `runs[${e.run.index}].${broken.field}`, message: `${broken.message}${where}` });
  }
  const tunes = checkTunes(expanded, tune, axes ?? [], issues);
  checkTuneConfigurations(expanded, tunes, issues);
  if (issues.length || !loss || !runsValid || !axes || steps === undefined || seed === undefined || tolerance === undefined
    || (rawTune !== undefined && !tune) || (field('noise') !== undefined && noise === undefined)) {
    return { ok: false, issues: dedupe(issues) };
  }

  const labels = labelRuns(expanded);
  const experiment: Experiment = {
    ...(title !== undefined ? { title } : {}),
    loss,
    ...(init !== undefined ? { init } : {}),
    steps, seed,
    ...(batchSize !== undefined ? { batchSize } : {}),
    tolerance,
    ...(noise !== undefined ? { noise } : {}),
    ...(curvature ? { curvature } : {}),
    runs: expanded.map((e, i): RunSpec => ({
      label: labels[i],
      optimizer: e.run.spec.id,
      hyperparameters: e.hyperparameters,
      ...(e.run.schedule !== undefined ? { schedule: e.run.schedule } : {}),
      ...(e.run.clip !== undefined ? { clip: e.run.clip } : {}),
      ...(e.run.enabled !== undefined ? { enabled: e.run.enabled } : {}),
      ...(tunes[i] !== undefined ? { tune: tunes[i] } : {}),
    })),
  };
  return { ok: true, experiment };
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => { const k = `${i.path}\u0000${i.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
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
