/**
 * Between the panel's experiment (`PanelExperiment`, hyperparameters grouped per run) and the
 * engine's: the experiment-file form (`*.optim.json`, hyperparameters flat on each run) is the one
 * the engine validates, so a panel experiment is written in that form and validated by
 * `validateExperiment`; the issues' paths are then the file's (`runs[1].betas[0]`), which the panel
 * maps to its fields.
 */
import type { Experiment, RunSpec, ValidationIssue } from '../engine/types';
import { toExperimentFile, type PanelExperiment, type PanelRun } from '../protocol';
import { optimizerSpec } from '../engine/hyperparameters';
import { automaticLabel } from '../engine/labels';

/** The experiment in `*.optim.json` form (what `serializeExperiment`/the CLI read): the protocol's, shared with the webview. */
export { toExperimentFile } from '../protocol';

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
    ...(e.noise !== undefined ? { noise: e.noise } : {}),
    ...(e.curvature ? { curvature: true } : {}),
    runs: e.runs.map((r): PanelRun => ({
      // The automatic label stays absent, so it follows the hyperparameters as they are edited.
      ...(r.label !== automaticLabelOf(r) ? { label: r.label } : {}),
      optimizer: r.optimizer,
      hyperparameters: { ...r.hyperparameters },
      ...(r.schedule ? { schedule: r.schedule } : {}),
      ...(r.clip ? { clip: r.clip } : {}),
      ...(r.tune ? { tune: r.tune } : {}),
      enabled: r.enabled !== false,
    })),
  };
}

function automaticLabelOf(r: RunSpec): string | undefined {
  const spec = optimizerSpec(r.optimizer);
  return spec ? automaticLabel(spec, r.hyperparameters) : undefined;
}

export type Validator = (raw: unknown) => { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] };

/**
 * Validates a panel experiment with the engine's validator. `enabled` and a run's own `seed` (not
 * an experiment file's field) are kept by run index (the panel never sweeps, so runs map one to one).
 */
export function validatePanelExperiment(
  e: PanelExperiment, validate: Validator,
): { ok: true; experiment: Experiment } | { ok: false; issues: ValidationIssue[] } {
  const file = toExperimentFile(e);
  file.runs = (file.runs as Record<string, unknown>[]).map(({ enabled: _enabled, ...rest }) => rest);
  const result = validate(file);
  if (!result.ok) return result;
  const runs: RunSpec[] = result.experiment.runs.map((r, i) => ({
    ...r,
    ...(e.runs[i]?.enabled === false ? { enabled: false } : {}),
    ...(e.runs[i]?.seed !== undefined ? { seed: e.runs[i]!.seed } : {}),
  }));
  return { ok: true, experiment: { ...result.experiment, runs } };
}
