/**
 * The experiment as the panel edits it (`PanelExperiment` from src/protocol.ts). Every edit in
 * the panel is one of the pure functions below (experiment → experiment); the result is posted
 * to the host, which validates and runs it. Fields are named by their path in the experiment
 * file notation (`runs[1].betas[0]`, hyperparameters flat as in `*.optim.json`), the notation
 * validation issues use, so an issue lands on its field without a lookup table.
 */
import { defaultHyperparameters, OPTIMIZERS, optimizerSpec, type HyperparameterSpec } from '../engine/hyperparameters';
import { annotation, automaticLabel } from '../engine/labels';
import { SCHEDULES } from '../engine/schedules';
import type { HyperparameterValue, ScheduleSpec, ValidationIssue } from '../engine/types';
import { validateExperiment } from '../engine/experiment';
import { toExperimentFile, type PanelExperiment, type PanelRun } from '../protocol';

/** A hyperparameter of a run with the value the run will use and whether it is the default. */
export interface RunHyperparameter {
  readonly spec: HyperparameterSpec;
  readonly value: HyperparameterValue;
  readonly isDefault: boolean;
  /** Field path, e.g. `runs[0].lr`. */
  readonly path: string;
}

/** Every hyperparameter the run's optimizer has, with defaults for the ones it does not set. */
export function runHyperparameters(exp: PanelExperiment, index: number): RunHyperparameter[] {
  const run = exp.runs[index];
  const spec = run ? optimizerSpec(run.optimizer) : undefined;
  if (!run || !spec) return [];
  return spec.hyperparameters.map((h) => {
    const own = run.hyperparameters[h.name];
    return { spec: h, value: own ?? h.default, isDefault: own === undefined || sameValue(own, h.default), path: `runs[${index}].${h.name}` };
  });
}

function sameValue(a: HyperparameterValue, b: HyperparameterValue): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a[0] === b[0] && a[1] === b[1] : a === b;
}

/** The learning rate a run uses (its own or the registry default). */
export function runLr(run: Pick<PanelRun, 'optimizer' | 'hyperparameters'>): number | undefined {
  const own = run.hyperparameters.lr;
  if (typeof own === 'number') return own;
  const d = optimizerSpec(run.optimizer)?.hyperparameters.find((h) => h.name === 'lr')?.default;
  return typeof d === 'number' ? d : undefined;
}

/** The engine's automatic label (src/engine/labels.ts): `Adam η=0.1`, `SGD η=0.01 μ=0.9`. */
export function defaultLabel(run: Pick<PanelRun, 'optimizer' | 'hyperparameters'>): string {
  const spec = optimizerSpec(run.optimizer);
  return spec ? automaticLabel(spec, { ...defaultHyperparameters(spec.id), ...run.hyperparameters }) : run.optimizer;
}

/** Whether the run's label is the automatic one (so it follows optimizer and hyperparameter changes): absent, empty, or the engine's. */
export function hasAutoLabel(run: PanelRun): boolean {
  return run.label === undefined || run.label.trim() === '' || run.label === defaultLabel(run);
}

/** A run without a label (the automatic one) when its label was automatic before the change. */
function relabel(before: PanelRun, after: PanelRun): PanelRun {
  if (!hasAutoLabel(before)) return { ...after, label: before.label };
  const { label: _label, ...rest } = after;
  return rest;
}

/** A new run of an optimizer with default hyperparameters (and the automatic label). */
export function newRun(optimizer: string): PanelRun {
  return { optimizer, hyperparameters: {} };
}

// ---------------------------------------------------------------------------------------------
// Edits: experiment → experiment.

function withRuns(exp: PanelExperiment, runs: PanelRun[]): PanelExperiment {
  return { ...exp, runs };
}

function mapRun(exp: PanelExperiment, index: number, f: (r: PanelRun) => PanelRun): PanelExperiment {
  return withRuns(exp, exp.runs.map((r, i) => (i === index ? f(r) : r)));
}

/** Sets a top-level field (`steps`, `seed`, `batchSize`, `init`, `loss`, `title`); undefined removes it. */
export function setField<K extends keyof PanelExperiment>(exp: PanelExperiment, key: K, value: PanelExperiment[K] | undefined): PanelExperiment {
  const out: Record<string, unknown> = { ...exp };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out as unknown as PanelExperiment;
}

/** Sets one coordinate of the start point, filling the others from `fallback` (the loss's default init). */
export function setInitCoordinate(exp: PanelExperiment, i: number, v: number, fallback: readonly number[]): PanelExperiment {
  const init = [...(exp.init ?? fallback)];
  while (init.length <= i) init.push(0);
  init[i] = v;
  return { ...exp, init };
}

/** Sets (or, with undefined, resets to the default) a run's hyperparameter. */
export function setHyperparameter(exp: PanelExperiment, run: number, name: string, value: HyperparameterValue | undefined): PanelExperiment {
  return mapRun(exp, run, (r) => {
    const hyperparameters: Record<string, HyperparameterValue> = { ...r.hyperparameters };
    if (value === undefined) delete hyperparameters[name];
    else hyperparameters[name] = value;
    return relabel(r, { ...r, hyperparameters });
  });
}

/** Sets a run property that is not a hyperparameter; undefined removes it (an empty label means automatic). */
export function setRunProperty<K extends 'label' | 'enabled' | 'schedule' | 'clip'>(exp: PanelExperiment, run: number, key: K, value: PanelRun[K] | undefined): PanelExperiment {
  return mapRun(exp, run, (r) => {
    const out: Record<string, unknown> = { ...r };
    // An empty label, or the automatic one typed out, is the automatic label: absent.
    if (key === 'label' && (typeof value !== 'string' || value.trim() === '' || value === defaultLabel(r))) delete out.label;
    else if (value === undefined) delete out[key];
    else out[key] = value;
    return out as unknown as PanelRun;
  });
}

/**
 * Switches a run's optimizer. Hyperparameters are kept when the new optimizer has them (the
 * learning rate means the same for all of them); the others are dropped.
 */
export function setOptimizer(exp: PanelExperiment, run: number, optimizer: string): PanelExperiment {
  const spec = optimizerSpec(optimizer);
  if (!spec) return exp;
  const names = new Set(spec.hyperparameters.map((h) => h.name));
  return mapRun(exp, run, (r) => {
    const hyperparameters = Object.fromEntries(Object.entries(r.hyperparameters).filter(([k]) => names.has(k)));
    return relabel(r, { ...r, optimizer, hyperparameters });
  });
}

/** Adds a run of the first optimizer in `preferred` the experiment does not use yet. */
export function addRun(exp: PanelExperiment, preferred: readonly string[] = ['adam', 'sgd', 'rmsprop', 'adagrad', 'adamw', 'momentum', 'gd']): PanelExperiment {
  const used = new Set(exp.runs.map((r) => r.optimizer));
  const optimizer = preferred.find((id) => !used.has(id) && optimizerSpec(id)) ?? OPTIMIZERS[0]!.id;
  return withRuns(exp, [...exp.runs, newRun(optimizer)]);
}

export function removeRun(exp: PanelExperiment, run: number): PanelExperiment {
  return withRuns(exp, exp.runs.filter((_, i) => i !== run));
}

/** Inserts a copy right after the run; a custom label gets " (copy)". */
export function duplicateRun(exp: PanelExperiment, run: number): PanelExperiment {
  const r = exp.runs[run];
  if (!r) return exp;
  const copy: PanelRun = { ...r, hyperparameters: { ...r.hyperparameters }, ...(hasAutoLabel(r) ? {} : { label: `${r.label} (copy)` }) };
  const runs = [...exp.runs];
  runs.splice(run + 1, 0, copy);
  return withRuns(exp, runs);
}

export function toggleRun(exp: PanelExperiment, run: number, enabled: boolean): PanelExperiment {
  return setRunProperty(exp, run, 'enabled', enabled ? undefined : false);
}

/** Whether a run is stepped (runs are enabled unless `enabled: false`). */
export function isEnabled(run: PanelRun): boolean {
  return run.enabled !== false;
}

/**
 * The learning-rate sweep: replaces run `run` by one copy per learning rate, in order, each
 * labelled with its rate (`Adam η=0.01`, or `<label> η=0.01` for a custom label).
 */
export function expandLrSweep(exp: PanelExperiment, run: number, lrs: readonly number[]): PanelExperiment {
  const r = exp.runs[run];
  if (!r || lrs.length === 0) return exp;
  const auto = hasAutoLabel(r);
  const lrSpec = optimizerSpec(r.optimizer)?.hyperparameters.find((h) => h.name === 'lr');
  const copies = lrs.map((lr): PanelRun => {
    const hyperparameters = { ...r.hyperparameters, lr };
    const { label: _label, ...rest } = r;
    return auto || !lrSpec ? { ...rest, hyperparameters } : { ...rest, hyperparameters, label: `${r.label} ${annotation(lrSpec, lr)}` };
  });
  const runs = [...exp.runs];
  runs.splice(run, 1, ...copies);
  return withRuns(exp, runs);
}

// ---------------------------------------------------------------------------------------------
// Validation issues → fields.

/**
 * An issue path in the panel's field notation: without the message's `experiment.` prefix and
 * with hyperparameters flat (`runs[0].hyperparameters.lr` → `runs[0].lr`), as in experiment files.
 */
export function fieldPath(path: string): string {
  return path.replace(/^experiment\.?/, '').replace(/(runs\[\d+\])\.hyperparameters(?=\.|$)/g, '$1');
}

/**
 * Places validation issues on the fields the panel shows. An issue whose path is a field's
 * lands there; one about a container (`runs[0].betas`) lands on its first field
 * (`runs[0].betas[0]`); one deeper than any field (`runs[0].schedule.steps` without a steps
 * field) lands on the nearest enclosing field; the rest are returned as `general`.
 */
export function placeIssues(issues: readonly ValidationIssue[], fields: readonly string[]): { byField: Map<string, string>; general: ValidationIssue[] } {
  const byField = new Map<string, string>();
  const general: ValidationIssue[] = [];
  const put = (field: string, message: string): void => {
    const prev = byField.get(field);
    byField.set(field, prev ? `${prev}; ${message}` : message);
  };
  const known = new Set(fields);
  for (const issue of issues) {
    const p = fieldPath(issue.path);
    if (known.has(p)) { put(p, issue.message); continue; }
    const inside = fields.find((f) => f.startsWith(p + '.') || f.startsWith(p + '['));
    if (inside && p !== '' && p !== 'runs') { put(inside, issue.message); continue; }
    const enclosing = fields
      .filter((f) => p.startsWith(f + '.') || p.startsWith(f + '['))
      .sort((a, b) => b.length - a.length)[0];
    if (enclosing) { put(enclosing, issue.message); continue; }
    general.push(issue);
  }
  return { byField, general };
}

// ---------------------------------------------------------------------------------------------
// The experiment in file shape, and its validation by the engine's own validator.

/**
 * Every issue the engine's validator finds in the experiment (paths in file notation), so the
 * panel refuses in place exactly what the host would refuse — cross-field rules included.
 */
export function validateDraft(exp: PanelExperiment): ValidationIssue[] {
  const r = validateExperiment(toExperimentFile(exp));
  return r.ok ? [] : r.issues;
}

/**
 * Every run's label as the host will report it once the experiment runs: the engine's own labels
 * (it makes equal labels distinct), so the charts' legend does not change when the results come.
 */
export function engineLabels(exp: PanelExperiment): string[] {
  const r = validateExperiment(toExperimentFile(exp));
  if (r.ok && r.experiment.runs.length === exp.runs.length) return r.experiment.runs.map((run) => run.label);
  return exp.runs.map((_, i) => runLabel(exp, i));
}

/** The label of run `index` as the charts show it. */
export function runLabel(exp: PanelExperiment, index: number): string {
  const run = exp.runs[index];
  if (!run) return `run ${index + 1}`;
  return run.label !== undefined && run.label.trim() !== '' ? run.label : defaultLabel(run);
}

/** A schedule of a type with its required fields filled from the experiment (steps) and registry defaults. */
export function defaultSchedule(type: string, steps: number): ScheduleSpec {
  const spec = SCHEDULES.find((s) => s.type === type);
  const out: Record<string, unknown> = { type };
  for (const f of spec?.fields ?? []) {
    if (!f.required) continue;
    if (f.name === 'steps') out.steps = Math.max(2, steps);
    else if (f.name === 'stepSize') out.stepSize = Math.max(1, Math.round(steps / 4));
    else if (f.name === 'warmup') out.warmup = Math.max(1, Math.round(steps / 10));
    else if (f.name === 'gamma') out.gamma = 0.99; // exponential's, the one required γ: a gentle decay per step
    else out[f.name] = f.default ?? f.bounds.min ?? 1;
  }
  return out as unknown as ScheduleSpec;
}
