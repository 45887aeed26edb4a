/**
 * Between the panel's experiment (`PanelExperiment`, hyperparameters grouped per run) and the
 * engine's: the experiment-file form (`*.optim.json`, hyperparameters flat on each run) is the one
 * the engine validates, so a panel experiment is written in that form and validated by
 * `validateExperiment`; the issues' paths are then the file's (`runs[1].betas[0]`), which the panel
 * maps to its fields.
 */
import type { Experiment, RunSpec, ValidationIssue } from '../engine/types';
import type { PanelExperiment, PanelRun } from '../protocol';

/** The experiment in `*.optim.json` form (what `serializeExperiment`/the CLI read). */
export function toExperimentFile(e: PanelExperiment): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  if (e.title !== undefined) file.title = e.title;
  file.loss = e.loss;
  if (e.init !== undefined) file.init = [...e.init];
  file.steps = e.steps;
  file.seed = e.seed;
  if (e.batchSize !== undefined) file.batchSize = e.batchSize;
  if (e.tolerance !== undefined) file.tolerance = e.tolerance;
  file.runs = e.runs.map((r) => {
    const run: Record<string, unknown> = { optimizer: r.optimizer, label: r.label, ...r.hyperparameters };
    if (r.schedule) run.schedule = r.schedule;
    if (r.clip) run.clip = r.clip;
    if (r.enabled === false) run.enabled = false;
    return run;
  });
  return file;
}

/** A validated engine experiment as the panel holds it. */
export function toPanelExperiment(e: Experiment): PanelExperiment {
  return {
    ...(e.title !== undefined ? { title: e.title } : {}),
    loss: e.loss,
    ...(e.init !== undefined ? { init: [...e.init] } : {}),
    steps: e.steps,
    seed: e.seed,
    ...(e.batchSize !== undefined ? { batchSize: e.batchSize } : {}),
    tolerance: e.tolerance,
    runs: e.runs.map((r): PanelRun => ({
      label: r.label,
      optimizer: r.optimizer,
      hyperparameters: { ...r.hyperparameters },
      ...(r.schedule ? { schedule: r.schedule } : {}),
      ...(r.clip ? { clip: r.clip } : {}),
      enabled: r.enabled !== false,
    })),
  };
}

export type Validator = (raw: unknown) => { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] };

/**
 * Validates a panel experiment with the engine's validator. `enabled` is kept by run index (the
 * panel never sweeps, so runs map one to one) even if the validator does not know the field.
 */
export function validatePanelExperiment(
  e: PanelExperiment, validate: Validator,
): { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] } {
  const file = toExperimentFile(e);
  file.runs = (file.runs as Record<string, unknown>[]).map(({ enabled: _enabled, ...rest }) => rest);
  const result = validate(file);
  if (!result.ok) return result;
  const runs: RunSpec[] = result.experiment.runs.map((r, i) =>
    (e.runs[i]?.enabled === false ? { ...r, enabled: false } : r));
  return { ok: true, experiment: { ...result.experiment, runs } };
}
