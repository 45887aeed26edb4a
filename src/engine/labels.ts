/**
 * Run labels, one scheme for the CLI, the panel and the charts' legends: a run without a label of
 * its own is named by its optimizer, its learning rate and every other hyperparameter that differs
 * from its default, each written with the formulas' symbol (`SGD η=0.01 μ=0.9 nesterov`,
 * `Adagrad η=0.01 γ=0.1 s₀=0.5`). Swept values follow the label (`mine η=0.1`). Runs that would
 * share a label get what tells them apart (a hyperparameter, the schedule type, then a number).
 */
import type { HyperparameterSpec, OptimizerSpec } from './hyperparameters';
import type { HyperparameterValue, ScheduleSpec } from './types';

type Values = Readonly<Record<string, HyperparameterValue | undefined>>;

/** Whether two hyperparameter values are equal (betas element-wise). */
export const sameValue = (a: HyperparameterValue | undefined, b: HyperparameterValue | undefined): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a[0] === b[0] && a[1] === b[1] : a === b;

/** `η=0.1`, `β=(0.9, 0.99)`, `nesterov`, `no centered`. */
export function annotation(h: HyperparameterSpec, value: HyperparameterValue): string {
  if (typeof value === 'boolean') return value ? h.name : `no ${h.name}`;
  const symbol = h.symbol?.text ?? h.name;
  return typeof value === 'number' ? `${symbol}=${value}` : `${symbol}=(${value[0]}, ${value[1]})`;
}

/**
 * The automatic label of a run: the optimizer's name, η, and every other hyperparameter that
 * differs from its default; names in `leaveOut` (swept ones, noted after the label) are left out.
 */
export function automaticLabel(spec: OptimizerSpec, values: Values, leaveOut: ReadonlySet<string> = new Set()): string {
  const notes = spec.hyperparameters
    .filter((h) => !leaveOut.has(h.name) && values[h.name] !== undefined && (h.name === 'lr' || !sameValue(values[h.name], h.default)))
    .map((h) => annotation(h, values[h.name]!));
  return [spec.name, ...notes].join(' ');
}

/** What `distinctLabels` needs of a run. */
export interface LabelledRun {
  readonly spec: OptimizerSpec;
  readonly hyperparameters: Values;
  readonly schedule?: ScheduleSpec;
}

/**
 * Makes labels distinct in place: runs sharing a label get the hyperparameters in which they
 * differ, then their schedule type, then a number.
 */
export function distinctLabels(labels: string[], runs: readonly LabelledRun[]): void {
  const groups = (): number[][] => {
    const byLabel = new Map<string, number[]>();
    labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
    return [...byLabel.values()].filter((g) => g.length > 1);
  };
  for (const group of groups()) {
    const names = [...new Set(group.flatMap((i) => runs[i].spec.hyperparameters.map((h) => h.name)))];
    const differing = names.filter((name) => group.some((i) => !sameValue(runs[i].hyperparameters[name], runs[group[0]].hyperparameters[name])));
    const schedules = new Set(group.map((j) => runs[j].schedule?.type ?? 'constant'));
    for (const i of group) {
      const notes = differing.flatMap((name) => {
        const h = runs[i].spec.hyperparameters.find((x) => x.name === name);
        const value = runs[i].hyperparameters[name];
        return h && value !== undefined ? [annotation(h, value)] : [];
      });
      if (schedules.size > 1) notes.push(runs[i].schedule?.type ?? 'constant');
      if (notes.length) labels[i] = `${labels[i]} ${notes.join(' ')}`;
    }
  }
  for (const group of groups()) group.forEach((i, k) => { if (k > 0) labels[i] = `${labels[i]} #${k + 1}`; });
  // Numbering can collide with a label that already ended in "#2"; repeat until distinct.
  for (let pass = 0; pass < 5 && groups().length; pass++) {
    for (const group of groups()) group.forEach((i, k) => { if (k > 0) labels[i] = `${labels[i]}′`; });
  }
}
