/**
 * Validation of the runs of an experiment file and of their hyperparameter values, against the
 * optimizer registry (`hyperparameters.ts`). Hyperparameters are written flat in a run,
 * `{ "optimizer": "adam", "lr": 0.1 }`; the nested `hyperparameters` form of a validated `RunSpec`
 * is accepted too, so that a validated experiment validates again unchanged.
 */
import { boundsText, checkNumber } from './bounds';
import { validateClip } from './clip';
import { OPTIMIZERS, optimizerSpec, type HyperparameterSpec, type OptimizerSpec } from './hyperparameters';
import { validateSchedule } from './schedules';
import { validateTune } from './tune';
import type { ClipSpec, HyperparameterValue, ScheduleSpec, TuneSpec, ValidationIssue } from './types';
import { describeValue, didYouMean, isRecord, ownValue, plainCopy, quoted, zero } from './values';

/** Fields of a run besides its optimizer's hyperparameters. */
export const RUN_FIELDS = ['optimizer', 'label', 'enabled', 'schedule', 'clip', 'tune'] as const;

/**
 * Checks one hyperparameter value against its spec. Returns the issues (paths under `path`) and,
 * when valid, the normalised value.
 */
export function checkHyperparameter(h: HyperparameterSpec, raw: unknown, path: string): { issues: ValidationIssue[]; value?: HyperparameterValue } {
  if (h.kind === 'boolean') {
    return typeof raw === 'boolean' ? { issues: [], value: raw } : { issues: [{ path, message: `must be true or false, got ${describeValue(raw)}` }] };
  }
  if (h.kind === 'number') {
    const reason = checkNumber(raw, h.bounds);
    return reason ? { issues: [{ path, message: reason }] } : { issues: [], value: zero(raw as number) };
  }
  if (!Array.isArray(raw) || raw.length !== 2) {
    return { issues: [{ path, message: `must be a pair [β₁, β₂], each ${boundsText(h.bounds)}, got ${describeValue(raw)}` }] };
  }
  const issues: ValidationIssue[] = [];
  for (let k = 0; k < 2; k++) {
    const reason = checkNumber(raw[k] as unknown, h.bounds);
    if (reason) issues.push({ path: `${path}[${k}]`, message: reason });
  }
  return issues.length ? { issues } : { issues, value: [zero(raw[0] as number), zero(raw[1] as number)] };
}

/** A run as its file gives it, checked: the values it sets itself (defaults and sweeps come later). */
export interface CheckedRun {
  readonly index: number;
  readonly spec: OptimizerSpec;
  readonly values: ReadonlyMap<string, HyperparameterValue>;
  readonly label?: string;
  readonly enabled?: boolean;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
  /** The run's own tune (checked against its optimizer once its values are complete). */
  readonly tune?: TuneSpec;
}

/**
 * Checks `runs[index]`; pushes its issues. Returns the run when it is valid, else its optimizer
 * when that at least is known (so the sweep can still be checked against it), else undefined.
 */
export function validateRun(raw: unknown, index: number, steps: number | undefined, issues: ValidationIssue[]): CheckedRun | OptimizerSpec | undefined {
  const path = `runs[${index}]`;
  const ids = OPTIMIZERS.map((o) => o.id);
  if (!isRecord(raw)) {
    issues.push({ path, message: `must be an object such as {"optimizer": "adam", "lr": 0.1}, got ${describeValue(raw)}` });
    return undefined;
  }
  const optimizer = ownValue(raw, 'optimizer');
  let spec: OptimizerSpec | undefined;
  if (optimizer === undefined) {
    issues.push({ path: `${path}.optimizer`, message: `is required: one of ${quoted(ids)}` });
  } else if (typeof optimizer !== 'string') {
    issues.push({ path: `${path}.optimizer`, message: `must be an optimizer name (one of ${quoted(ids)}), got ${describeValue(optimizer)}` });
  } else {
    spec = optimizerSpec(optimizer);
    if (!spec) issues.push({ path: `${path}.optimizer`, message: `unknown optimizer ${describeValue(optimizer)}${didYouMean(optimizer, ids)} (optimizers: ${ids.join(', ')})` });
  }

  let label: string | undefined, enabled: boolean | undefined, schedule: ScheduleSpec | undefined, clip: ClipSpec | undefined;
  let tune: TuneSpec | undefined;
  let valid = spec !== undefined;
  const refuse = (found: readonly ValidationIssue[]): void => { issues.push(...found); valid = false; };
  const given: [key: string, value: unknown, at: string][] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue; // programmatic callers may leave optional fields undefined
    const at = `${path}.${key}`;
    switch (key) {
      case 'optimizer': continue;
      case 'label':
        if (typeof value !== 'string' || value.trim() === '') refuse([{ path: at, message: `must be a non-empty string, got ${describeValue(value)}` }]);
        else label = value;
        continue;
      case 'enabled':
        if (typeof value !== 'boolean') refuse([{ path: at, message: `must be true or false, got ${describeValue(value)}` }]);
        else enabled = value;
        continue;
      case 'schedule': {
        const lr = ownValue(raw, 'lr') ?? spec?.hyperparameters.find((h) => h.name === 'lr')?.default;
        const context = steps !== undefined && typeof lr === 'number' ? { lr, steps } : undefined;
        const found = validateSchedule(value, at, context);
        if (found.length) refuse(found); else schedule = plainCopy(value) as ScheduleSpec;
        continue;
      }
      case 'clip': {
        const found = validateClip(value, at);
        if (found.length) refuse(found); else clip = plainCopy(value) as ClipSpec;
        continue;
      }
      case 'tune': {
        const found: ValidationIssue[] = [];
        tune = validateTune(value, at, found);
        if (found.length) refuse(found);
        continue;
      }
      case 'hyperparameters':
        if (!isRecord(value)) refuse([{ path: at, message: `must be an object of hyperparameters (or write them flat in the run), got ${describeValue(value)}` }]);
        else for (const k of Object.keys(value)) if (value[k] !== undefined) given.push([k, value[k], `${at}.${k}`]);
        continue;
    }
    given.push([key, value, at]);
  }
  if (!spec) return undefined;
  const names = spec.hyperparameters.map((x) => x.name);
  const values = new Map<string, HyperparameterValue>();
  for (const [key, value, at] of given) {
    const h = spec.hyperparameters.find((x) => x.name === key);
    if (!h) {
      refuse([{ path: at, message: `unknown hyperparameter "${key.length > 40 ? key.slice(0, 40) + '…' : key}" for ${spec.id}${didYouMean(key, [...names, ...RUN_FIELDS])} (${spec.id} takes ${names.join(', ')}; every run may also have ${RUN_FIELDS.slice(1).join(', ')})` }]);
    } else if (values.has(key)) {
      refuse([{ path: at, message: `"${key}" is given twice (flat and under "hyperparameters")` }]);
    } else {
      const checked = checkHyperparameter(h, value, at);
      if (checked.issues.length) refuse(checked.issues); else values.set(key, checked.value!);
    }
  }
  return valid ? { index, spec, values, label, enabled, schedule, clip, tune } : spec;
}
