/**
 * Starting experiments for the commands: a preset with one run, comparisons, and the template of
 * "New Loss Function". Hyperparameter defaults come from the registry (src/engine/hyperparameters.ts).
 */
import { defaultHyperparameters, optimizerSpec } from '../engine/hyperparameters';
import { checkNumber } from '../engine/bounds';
import type { HyperparameterValue, LossSpec } from '../engine/types';
import type { PanelExperiment, PanelRun } from '../protocol';

/** A run of optimizer `id` with the registry's defaults, overridden by `overrides`. */
export function defaultRun(id: string, overrides: Readonly<Record<string, HyperparameterValue>> = {}, label?: string): PanelRun {
  const hyperparameters = { ...defaultHyperparameters(id), ...overrides };
  // No label: the automatic one (src/engine/labels.ts), which follows the hyperparameters.
  return { ...(label !== undefined ? { label } : {}), optimizer: id, hyperparameters, enabled: true };
}

/**
 * Learning rates that make each optimizer move visibly on the 2-D presets in a few hundred steps
 * (the registry's defaults are PyTorch's, tuned for networks, and often crawl on these).
 */
const DEMO_LR: Readonly<Record<string, number>> = {
  gd: 0.001, momentum: 0.001, sgd: 0.001, adagrad: 0.5, rmsprop: 0.01, adam: 0.05, adamw: 0.05,
  adamax: 0.05, nadam: 0.05, radam: 0.05, adadelta: 1, lion: 0.01,
};

export function demoRun(id: string, extra: Readonly<Record<string, HyperparameterValue>> = {}): PanelRun {
  return defaultRun(id, { ...(DEMO_LR[id] !== undefined ? { lr: DEMO_LR[id] } : {}), ...extra });
}

/**
 * The first experiment a person sees: Rosenbrock's narrow curved valley with plain gradient
 * descent (it crawls along the floor), momentum (it builds speed there and gets far further) and
 * Adam (its per-coordinate steps take another way down), at rates where the differences show in
 * 300 steps; or `runs` on another loss.
 */
export function defaultExperiment(loss: LossSpec = { preset: 'rosenbrock' }, runs?: readonly PanelRun[]): PanelExperiment {
  return { loss, steps: 300, seed: 0, runs: runs ?? FIRST_RUNS };
}

const FIRST_RUNS: readonly PanelRun[] = [demoRun('gd'), demoRun('momentum', { momentum: 0.9 }), demoRun('adam', { lr: 0.1 })];

/** Runs of several optimizers at their demo learning rates. */
export function compareOptimizerRuns(ids: readonly string[]): PanelRun[] {
  return ids.map((id) => demoRun(id));
}

/** One optimizer at several learning rates (a sweep expanded into runs). */
export function compareLearningRateRuns(id: string, lrs: readonly number[]): PanelRun[] {
  return lrs.map((lr) => defaultRun(id, { lr }));
}

/** The learning rate's declaration (its bounds are every optimizer's). */
const LR = optimizerSpec('sgd')!.hyperparameters.find((h) => h.name === 'lr')!;

/** Parses "0.001, 0.01 0.1" into learning rates; the reason names the bad entry, in the validator's words. */
export function parseLearningRates(text: string): { ok: true; lrs: number[] } | { ok: false; error: string } {
  const parts = text.split(/[\s,;]+/).filter((s) => s.length > 0);
  if (parts.length === 0) return { ok: false, error: 'enter at least one learning rate' };
  const lrs: number[] = [];
  for (const [i, p] of parts.entries()) {
    const v = Number(p);
    const reason = checkNumber(Number.isNaN(v) ? p : v, LR.bounds);
    if (reason) return { ok: false, error: `learning rate ${i + 1} ${reason}` };
    lrs.push(v);
  }
  return { ok: true, lrs };
}

/** The "New Loss Function" template (DESIGN.md "Loss snippets"). */
export const LOSS_TEMPLATE = `// A loss for the Optimizer Playground. Click "▶ Optimize" above the function to run it.
// Gradients are computed exactly by automatic differentiation; any number of parameters.

/** Rosenbrock's banana valley: minimum 0 at (1, 1). */
export default function loss([x, y]: number[]): number {
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}

/** Where the optimizers start (optional). */
export const init = [-1.5, 2];

/** The plot window for two-parameter losses (optional). */
export const domain = { x: [-2, 2], y: [-1, 3] };
`;

/** The name of an export's folder: the experiment's title (or its loss) and the time, `rosenbrock-2026-12-07-0612`. */
export function exportFolderName(experiment: PanelExperiment, at: Date): string {
  const loss = experiment.loss;
  const what = experiment.title ?? ('preset' in loss ? loss.preset : 'file' in loss ? loss.file.replace(/^.*[\\/]/, '').replace(/\.ts$/, '') : 'experiment');
  const name = what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'experiment';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${name}-${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
}
