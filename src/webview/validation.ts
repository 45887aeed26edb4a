/**
 * Where the validator's issues show: the engine's own validator runs on the experiment in the
 * panel (so the panel refuses exactly what the host would), and the host's validation errors come
 * too; each issue goes to the field of its path (experimentDraft.ts `placeIssues`), the rest are
 * shown above the runs.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import { SCHEDULES } from '../engine/schedules';
import type { PanelError, PanelExperiment } from '../protocol';
import { placeIssues, validateDraft } from './experimentDraft';
import { lossShape } from './problemForm';
import type { PanelState } from './state';

/** The paths of every field the forms show for `exp`. */
export function fieldPaths(exp: PanelExperiment, s: Pick<PanelState, 'info'>): string[] {
  const shape = lossShape(exp, s.info);
  const paths = shape.dim <= 6 ? Array.from({ length: shape.dim }, (_, i) => `init[${i}]`) : ['init'];
  paths.push('steps');
  if (shape.dataSize > 0) paths.push('seed', 'batchSize');
  exp.runs.forEach((run, i) => {
    const p = `runs[${i}]`;
    paths.push(`${p}.label`, `${p}.sweep`);
    for (const h of optimizerSpec(run.optimizer)?.hyperparameters ?? []) {
      if (h.kind === 'betas') paths.push(`${p}.${h.name}[0]`, `${p}.${h.name}[1]`);
      else paths.push(`${p}.${h.name}`);
    }
    const schedule = SCHEDULES.find((x) => x.type === run.schedule?.type);
    for (const f of schedule?.fields ?? []) paths.push(`${p}.schedule.${f.name}`);
    if (run.clip) paths.push(`${p}.clip.${'norm' in run.clip ? 'norm' : 'value'}`);
  });
  return paths;
}

export interface PlacedIssues {
  readonly byField: ReadonlyMap<string, string>;
  readonly general: readonly string[];
}

let cache: { experiment: PanelExperiment; errors: readonly PanelError[]; placed: PlacedIssues } | undefined;

/** The validator's issues (the panel's own and the host's) by field, and those of no field. */
export function placedIssues(s: Pick<PanelState, 'experiment' | 'errors' | 'info'>): PlacedIssues {
  const exp = s.experiment;
  if (!exp) return { byField: new Map(), general: [] };
  if (cache?.experiment === exp && cache.errors === s.errors) return cache.placed;
  const host = s.errors.filter((e) => e.kind === 'validation' && e.path !== undefined).map((e) => ({ path: e.path!, message: e.message }));
  const { byField, general } = placeIssues([...validateDraft(exp), ...host], fieldPaths(exp, s));
  const texts = [...new Set(general.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)))];
  const placed = { byField, general: texts };
  cache = { experiment: exp, errors: s.errors, placed };
  return placed;
}
