/**
 * Writing an experiment as `*.optim.json` text: one run per line, hyperparameters flat, only those
 * that differ from their defaults (plus `lr`, always), a label only when it is not the automatic
 * one. `validateExperiment` of the result gives back an equal experiment.
 */
import { optimizerSpec } from './hyperparameters';
import { automaticLabel, sameValue } from './labels';
import type { Experiment } from './types';
import { isRecord, type Rec } from './values';

/** One-line JSON with a space after `:` and `,`. */
function inline(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(inline).join(', ')}]`;
  if (isRecord(x)) return `{${Object.keys(x).map((k) => `${JSON.stringify(k)}: ${inline(x[k])}`).join(', ')}}`;
  return JSON.stringify(x === undefined ? null : x);
}

export function serializeExperiment(e: Experiment): string {
  const runs = e.runs.map((run) => {
    const spec = optimizerSpec(run.optimizer);
    const out: Rec = { optimizer: run.optimizer };
    if (!spec || run.label !== automaticLabel(spec, run.hyperparameters)) out.label = run.label;
    for (const h of spec?.hyperparameters ?? []) {
      const value = run.hyperparameters[h.name];
      if (value !== undefined && (h.name === 'lr' || !sameValue(value, h.default))) out[h.name] = value;
    }
    if (!spec) Object.assign(out, run.hyperparameters);
    if (run.schedule) out.schedule = run.schedule;
    if (run.clip) out.clip = run.clip;
    if (run.enabled !== undefined) out.enabled = run.enabled;
    if (run.tune) out.tune = run.tune;
    return out;
  });
  const fields: [string, unknown][] = [];
  if (e.title !== undefined) fields.push(['title', e.title]);
  fields.push(['loss', e.loss]);
  if (e.init !== undefined) fields.push(['init', e.init]);
  fields.push(['steps', e.steps], ['seed', e.seed]);
  if (e.batchSize !== undefined) fields.push(['batchSize', e.batchSize]);
  fields.push(['tolerance', e.tolerance]);
  if (e.noise !== undefined) fields.push(['noise', e.noise]);
  if (e.curvature) fields.push(['curvature', true]);
  const lines = fields.map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)},`);
  lines.push(`  "runs": [\n${runs.map((r) => `    ${inline(r)}`).join(',\n')}\n  ]`);
  return `{\n${lines.join('\n')}\n}\n`;
}
