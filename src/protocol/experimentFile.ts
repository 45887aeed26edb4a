/**
 * A panel experiment in the form of an `*.optim.json` file (hyperparameters flat on each run): the
 * form the engine validates, the CLI reads and Export Results writes. One function for the host and
 * the webview. Every top-level field the panel carries goes through as it is (`tune`, `noise`,
 * `curvature` included); a run's automatic label (absent) stays absent.
 */
import type { PanelExperiment } from './shapes';

export function toExperimentFile(e: PanelExperiment): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'runs') file[k] = v;
  file.runs = e.runs.map((r) => {
    const run: Record<string, unknown> = { optimizer: r.optimizer };
    if (r.label !== undefined) run.label = r.label;
    for (const [k, v] of Object.entries(r.hyperparameters)) run[k] = v;
    if (r.schedule) run.schedule = r.schedule;
    if (r.clip) run.clip = r.clip;
    if (r.tune) run.tune = r.tune;
    if (r.enabled === false) run.enabled = false;
    return run;
  });
  return file;
}
