/**
 * Which tune each run of an experiment has — its own, else the experiment's (DESIGN "Tuning") —
 * checked against the run once its values are complete (sweep applied): the names its optimizer
 * can tune, the grids within bounds, no hyperparameter both swept and tuned, and the
 * configurations of all tunes together within MAX_TUNE_CONFIGURATIONS.
 */
import type { Expanded } from './experiment';
import type { SweepAxis } from './sweep';
import { checkTuneFor, gridSize, MAX_TUNE_CONFIGURATIONS, tunables, tunedNames } from './tune';
import type { TuneSpec, ValidationIssue } from './types';
import { grouped } from './values';

/** Where a run's tune is written: its own, or the experiment's. */
const tunePath = (e: Expanded): string => (e.run.tune ? `runs[${e.run.index}].tune` : 'tune');

/**
 * The tune of every expanded run (undefined when it has none), each checked against its run;
 * issues pushed for what fails.
 */
export function checkTunes(expanded: readonly Expanded[], top: TuneSpec | undefined, sweep: readonly SweepAxis[], issues: ValidationIssue[]): (TuneSpec | undefined)[] {
  return expanded.map((e) => {
    const tune = e.run.tune ?? top;
    if (!tune) return undefined;
    const path = tunePath(e);
    for (const name of tunedNames(tune)) {
      const t = tunables(e.run.spec).find((x) => x.name === name);
      const swept = t && sweep.find((a) => a.name === t.hyperparameter.name);
      if (swept) issues.push({ path: `${path}.${name}`, message: `"${name}" is tuned and also swept (sweep.${swept.name}): the tune chooses its value, remove one of the two` });
    }
    checkTuneFor(tune, path, { index: e.run.index, spec: e.run.spec, values: e.hyperparameters }, issues);
    return tune;
  });
}

/**
 * Refuses tunes that together would run more than MAX_TUNE_CONFIGURATIONS configurations (every
 * grid point and the run as written, once per seed, for every enabled tuned run).
 */
export function checkTuneConfigurations(expanded: readonly Expanded[], tunes: readonly (TuneSpec | undefined)[], issues: ValidationIssue[]): void {
  let total = 0;
  const paths = new Set<string>();
  expanded.forEach((e, i) => {
    const tune = tunes[i];
    if (!tune || e.run.enabled === false) return;
    total += (gridSize(tune) + 1) * tune.seeds;
    paths.add(tunePath(e));
  });
  if (total > MAX_TUNE_CONFIGURATIONS) {
    const path = paths.size === 1 ? [...paths][0] : 'tune';
    issues.push({ path, message: `would run ${grouped(total)} configurations (runs × grid points × seeds); at most ${grouped(MAX_TUNE_CONFIGURATIONS)}: use fewer values or seeds` });
  }
}
