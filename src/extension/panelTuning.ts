/**
 * Tuning in the panel (DESIGN "Tuning", issue 13 item 4). A panel experiment whose runs carry a
 * `tune` is tuned in sandbox processes (src/snippet/tuning.ts: the same isolation and limits as any
 * run, one process per core when the grid pays for it, cancellable), its scores reported as they
 * arrive; then it is replaced by the comparison it asked for: each tuned run at its best
 * configuration, in its place, and after all runs the same runs as written, drawn faint (`ghost`),
 * so that the picture compares optimizers, not defaults.
 *
 * No `vscode` import: the commands wrap it in VS Code's progress, the tests drive it directly.
 */
import { objectiveTitle, tunedAxisTitle } from '../charts/tuning';
import { defaultHyperparameters, optimizerSpec } from '../engine/hyperparameters';
import { automaticLabel } from '../engine/labels';
import { tunables, tunedValue, withTuned } from '../engine/tune';
import { PlanScores, tuningLabel, type TuningPlan, type TuningResult } from '../engine/tuning';
import type { Experiment, TuneObjective, ValidationIssue } from '../engine/types';
import { toWire, wireNumber, type PanelExperiment, type PanelRun, type TUNING_STATES, type ToWebviewOf, type TunedRun } from '../protocol';
import type { ScoredJob, TuningOptions, TuningSession } from '../snippet/tuning';
import { validatePanelExperiment, type Validator } from './convert';

export interface PanelTuningDeps {
  /** `validateExperiment` from src/engine/experiment.ts. */
  readonly validate: Validator;
  /** `startTuning` from src/snippet/tuning.ts. */
  readonly start: (experiment: Experiment, options?: TuningOptions) => TuningSession;
  readonly options?: TuningOptions;
}

/** A tuning under way in the panel. */
export interface PanelTuning {
  readonly session: TuningSession;
  /** Configurations to score in all (grid points × seeds, and each run as written). */
  readonly total: number;
  /** The comparison to show once every score is in; rejects with the LossError that stopped the tuning, or when cancelled. */
  readonly comparison: Promise<PanelExperiment>;
  /** Called with the number of configurations scored so far and every plan's scores, as they arrive. */
  onProgress(listener: (done: number, boards: readonly PlanScores[]) => void): void;
  /** Every plan's scores so far (none scored before the first arrive). */
  boards(): readonly PlanScores[];
  /** Configurations scored so far. */
  done(): number;
}

/**
 * What the panel's own learning-rate tunes minimise (Compare Optimizers… tuned, a run card's Tune):
 * the mean loss over the run, the area under the loss curve the person watches — how fast a run
 * gets low. The final loss alone picked η at the edge of stability, a run that got there by flying
 * far outside the plotted window and back (Adam η = 6.4 on Rosenbrock: |θ| up to 20, loss up to
 * 9·10⁴, final 3·10⁻⁵); the excursion's losses weigh in the mean, so a steadier η wins.
 */
export const PANEL_TUNE_OBJECTIVE: TuneObjective = 'meanLoss';

/** Seeds the panel's own tunes run on a stochastic loss (gradient noise, mini-batches): each score is their median. */
export const PANEL_TUNE_SEEDS = 5;

/** How many seeds the panel's own tunes of `e` run: PANEL_TUNE_SEEDS when its gradients are random, else 1. */
export function panelTuneSeeds(e: Pick<PanelExperiment, 'noise' | 'batchSize'>): number {
  return (e.noise ?? 0) > 0 || e.batchSize !== undefined ? PANEL_TUNE_SEEDS : 1;
}

/**
 * `run` with every run's own tune (lr over its optimizer's declared grid, by PANEL_TUNE_OBJECTIVE,
 * over `seeds`: the comparison then shows the median over them with its band) unless it has one.
 */
export function withLearningRateTune(run: PanelRun, seeds = 1): PanelRun {
  return run.tune ? run : {
    ...run, tune: { lr: tunables(optimizerSpec(run.optimizer)!).find((t) => t.name === 'lr')!.grid, objective: PANEL_TUNE_OBJECTIVE, ...(seeds > 1 ? { seeds } : {}) },
  };
}

/** Starts tuning `experiment`'s tuned runs; the validator's issues when it is not valid. */
export function startPanelTuning(experiment: PanelExperiment, deps: PanelTuningDeps): PanelTuning | { readonly issues: readonly ValidationIssue[] } {
  const checked = validatePanelExperiment(experiment, deps.validate);
  if (!checked.ok) return { issues: checked.issues };
  const session = deps.start(checked.experiment, deps.options);
  let done = 0;
  let latest: readonly PlanScores[] = session.plans.map((p) => new PlanScores(p));
  const listeners: ((done: number, boards: readonly PlanScores[]) => void)[] = [];
  session.onScores((scored: readonly ScoredJob[], boards) => {
    done += scored.length;
    latest = boards;
    for (const l of listeners) l(done, boards);
  });
  const comparison = session.results.then((results) => tunedComparison(experiment, checked.experiment, session.plans, results));
  comparison.catch(() => undefined);
  return { session, total: session.jobs.length, comparison, onProgress: (l) => { listeners.push(l); }, boards: () => latest, done: () => done };
}

/**
 * The experiment after tuning: each tuned run at its best grid point (as written when none scored
 * finite) without its tune, every other run as it was, then each tuned run as written, faint
 * (`ghost`, `ghostOf` its tuned run, whose colour it takes), labelled "(as written)"; the tuned run keeps its own label, or its automatic one follows
 * the tuned values. A tune over `seeds` > 1 adds, after them, each tuned run again with seed s
 * (the experiment's + s, s = 1 … seeds − 1, as the tuning scored it; `seedOf` its tuned run): the
 * charts draw the median over the seeds with its inter-quartile band, and the other seeds' paths
 * faint. `validated` is `experiment` as the engine validated it.
 */
export function tunedComparison(experiment: PanelExperiment, validated: Experiment, plans: readonly TuningPlan[], results: readonly TuningResult[]): PanelExperiment {
  const { tune: _tune, ...rest } = experiment;
  const ghosts: PanelRun[] = [];
  const repeats: PanelRun[] = [];
  const runs = experiment.runs.map((run, i): PanelRun => {
    const { tune: _own, ...plain } = run;
    const k = plans.findIndex((p) => p.run === i);
    if (k < 0) return plain;
    const best = results[k].best;
    ghosts.push({ ...plain, label: `${validated.runs[i].label} (as written)`, ghost: true, ghostOf: i });
    let hyperparameters = { ...plain.hyperparameters };
    if (best) for (const a of plans[k].axes) hyperparameters = withTuned(hyperparameters, a.tunable, best.hyperparameters[a.tunable.name]);
    // An automatic label (absent) follows the tuned values; a run's own label stays.
    const tuned = { ...plain, hyperparameters };
    const label = plain.label ?? automaticLabel(optimizerSpec(plain.optimizer)!, { ...defaultHyperparameters(plain.optimizer), ...hyperparameters });
    for (let s = 1; s < plans[k].seeds; s++) repeats.push({ ...tuned, label: `${label} (seed ${s + 1})`, seed: validated.seed + s, seedOf: i });
    return tuned;
  });
  return { ...rest, runs: [...runs, ...ghosts, ...repeats] };
}

/** The scores of every plan so far as the webview's `tuning` message carries them (its charts fill in from it). */
export function tuningMessage(state: (typeof TUNING_STATES)[number], done: number, total: number, boards: readonly PlanScores[]): ToWebviewOf<'tuning'> {
  const objectives = [...new Set(boards.map((b) => objectiveTitle(b.plan.objective)))];
  return {
    type: 'tuning', state, done, total,
    scoreTitle: objectives.join(', ') || 'final loss',
    // Steps to a target are counts (linear); losses span decades (log).
    logScore: boards.every((b) => typeof b.plan.objective !== 'object'),
    runs: boards.map((b): TunedRun => {
      const plan = b.plan;
      const scores = Array.from({ length: plan.points }, (_, p) => b.median(p));
      return {
        run: plan.run, label: tuningLabel(plan),
        parameters: plan.axes.map((a) => a.tunable.name), axisTitles: plan.axes.map((a) => tunedAxisTitle(a.tunable)),
        grid: plan.axes.map((a) => [...a.values]), scores: toWire(scores), best: b.bestPoint(),
        default: { value: tunedValue(plan.spec.hyperparameters, plan.axes[0].tunable), score: wireNumber(b.median(-1)) },
      };
    }),
  };
}
