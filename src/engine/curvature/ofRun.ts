/**
 * A run's stability, from its optimizer's declaration (hyperparameters.ts), and the threshold the
 * experiment's output reports for it (DESIGN "Curvature": `stabilityThreshold`).
 */
import { hyperparameterReader, optimizerSpec } from '../hyperparameters';
import type { RunSpec } from '../types';
import { stabilityThreshold, type Stability } from './stability';

/** The stability of a run's optimizer at its hyperparameters. */
export function runStability(run: Pick<RunSpec, 'optimizer' | 'hyperparameters'>): Stability {
  const spec = optimizerSpec(run.optimizer);
  if (!spec) return { rule: null, reason: `unknown optimizer "${run.optimizer}"` };
  return spec.stability(hyperparameterReader(spec, run.hyperparameters));
}

/**
 * The run's stability threshold at its learning rate `lr` (the first update's rule, t = 1), or
 * null where no bound is known. With a schedule the threshold moves with η_t: `stabilityThreshold`
 * at each point's learning rate gives it per step.
 */
export function runThreshold(run: Pick<RunSpec, 'optimizer' | 'hyperparameters'>): number | null {
  const s = runStability(run);
  const lr = run.hyperparameters.lr;
  if (!s.rule || typeof lr !== 'number') return null;
  const t = stabilityThreshold(s.rule, lr, 1);
  return Number.isFinite(t) ? t : null;
}
