/**
 * What each chart says in words: its name, a summary a screen reader reads (per run: optimizer,
 * learning rate, status, steps and where it stands at the step shown) and its data as a table.
 * Pure functions of `ChartFacts`, so they are tested under Node and any chart can have them:
 *
 * - a chart of one quantity per step (loss, η, ‖∇J‖, sharpness…) declares it with `stepChartText`;
 * - any other chart writes a `ChartDescriber` (facts → `ChartText`) of its own;
 * - either goes in `CHART_TEXTS` under the chart's name (or is handed to `<op-chart-alt>` directly:
 *   chartAlt.ts), and the chart's card shows it.
 */
import { fastestHeavyBall, rateMapAxes, rateMapEtaMax, type RateMapDot } from '../charts/rateMap';
import { quadraticRate } from '../engine/curvature/quadratic';
import { heavyBallRule } from '../engine/curvature/stability';
import { optimizerSpec } from '../engine/hyperparameters';
import type { RunStatus } from '../engine/types';
import type { ChartName } from '../protocol';

/** One run as the charts' texts tell it. */
export interface ChartRun {
  readonly index: number;
  readonly label: string;
  /** The optimizer's display name (`Adam`, `SGD`). */
  readonly optimizer: string;
  /** Its learning rate η (the schedule's base). */
  readonly lr: number | undefined;
  /** The host's status, or 'running' while the run (or its playback) has not reached its end. */
  readonly status: RunStatus;
  /** The last step the run took (host), and why it ended (diverged, error). */
  readonly steps: number;
  readonly message?: string;
}

/** A run's point at a step (non-finite values are null). */
export interface ChartPoint {
  readonly step: number;
  readonly loss: number | null;
  readonly gradNorm: number | null;
  readonly lr: number | null;
  readonly params: readonly (number | null)[];
  /** The curvature the run's stability rule bounds (its sharpness, or preconditioned sharpness), when curvature is on. */
  readonly sharpness?: number | null;
}

export interface ChartFacts {
  readonly runs: readonly ChartRun[];
  /** The step every chart shows (the playback's). */
  readonly step: number;
  /** The experiment's step count. */
  readonly totalSteps: number;
  /** The names of the two parameters on the paths chart's axes and their indices. */
  readonly axes: readonly [{ readonly index: number; readonly name: string }, { readonly index: number; readonly name: string }];
  /** Run `run`'s point at the last step at or before `step`, if it has one. */
  pointAt(run: number, step: number): ChartPoint | undefined;
  /**
   * Runs repeated over seeds, by group (ChartOptions.seedGroups): the group's label and its runs'
   * indices; the loss chart draws their median and inter-quartile band, and says so (seedBandWords).
   */
  readonly seedGroups?: readonly { readonly label: string; readonly runs: readonly number[] }[];
  /** On a quadratic loss (curvature on): its Hessian's eigenvalues, and the runs the convergence-rate map places. */
  readonly rateMap?: { readonly eigenvalues: readonly number[]; readonly dots: readonly RateMapDot[] };
}

export interface ChartTable {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ChartText {
  readonly summary: string;
  readonly table: ChartTable;
}

export type ChartDescriber = (facts: ChartFacts) => ChartText;

/** A chart's accessible name and its describer. */
export interface ChartWords {
  readonly name: string;
  readonly describe: ChartDescriber;
}

/** Rows of a data table: step 0, then about every tenth of the steps shown, and the step shown. */
const TABLE_STEPS = 10;

/** Numbers as people read them: 4 significant digits, exponent beyond 1e±4. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** The steps a data table shows, up to `step`. */
export function tableSteps(step: number): number[] {
  if (step <= 0) return [0];
  const every = Math.max(1, Math.ceil(step / TABLE_STEPS));
  const out: number[] = [];
  for (let s = 0; s < step; s += every) out.push(s);
  out.push(step);
  return out;
}

/** "Adam η=0.05 (Adam, η 0.05)": what a run is. */
function runName(r: ChartRun): string {
  const what = [r.optimizer, ...(r.lr !== undefined ? [`η ${formatValue(r.lr)}`] : [])].join(', ');
  return r.label.includes(r.optimizer) && r.lr !== undefined && r.label.includes(formatValue(r.lr)) ? r.label : `${r.label} (${what})`;
}

/**
 * How a run ended, in words: "completed after 200 steps", "diverged at step 41: the loss grew to …"
 * (the host's message, which says it already), "stopped by an error at step 3 (…)".
 */
export function endingWords(r: { status: RunStatus; steps: number; message?: string }): string {
  switch (r.status) {
    case 'running': return `running, at step ${r.steps}`;
    case 'diverged': return r.message?.startsWith('diverged') ? r.message : `diverged at step ${r.steps}${r.message ? ` (${r.message})` : ''}`;
    case 'error': return `stopped by an error at step ${r.steps}${r.message ? ` (${r.message})` : ''}`;
    case 'cancelled': return `stopped after ${r.steps} steps`;
    default: return `${r.status} after ${r.steps} steps`;
  }
}

/** A run's status at the step shown: its ending, or how far it is. */
export function runStatusWords(r: ChartRun, step: number): string {
  return r.status === 'running' ? `running, at step ${Math.min(step, r.steps)}` : endingWords(r);
}

/** The `p`-quantile of ascending `v` as the charts draw it (Vega's: linear between order statistics). */
export function quantile(v: readonly number[], p: number): number {
  const h = (v.length - 1) * p, i = Math.floor(h);
  return v[i]! + (h - i) * ((v[i + 1] ?? v[i]!) - v[i]!);
}

/**
 * The band of each group of runs repeated over seeds, in words: "Adam η=0.18 over 5 seeds: median
 * loss 0.12 at step 300, inter-quartile range 0.1 to 0.15 (the band)."
 */
export function seedBandWords(f: ChartFacts, quantity: string, value: (p: ChartPoint) => number | null): string[] {
  return (f.seedGroups ?? []).map((g) => {
    const points = g.runs.map((r) => f.pointAt(r, f.step)).filter((p): p is ChartPoint => p !== undefined);
    const values = points.map(value).filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
    if (values.length === 0) return `${g.label} over ${g.runs.length} seeds: no finite ${quantity} yet.`;
    const at = Math.max(...points.map((p) => p.step));
    const missing = g.runs.length - values.length;
    return `${g.label} over ${g.runs.length} seeds: median ${quantity} ${formatValue(quantile(values, 0.5))} at step ${at},`
      + ` inter-quartile range ${formatValue(quantile(values, 0.25))} to ${formatValue(quantile(values, 0.75))} (the band)`
      + `${missing === 0 ? '' : `, ${missing} seed${missing === 1 ? '' : 's'} without a finite ${quantity}`}.`;
  });
}

/**
 * The describer of a chart plotting one quantity per step per run: its summary gives each run's
 * value at the step shown (and the best value so far, for losses), its table the value at about
 * ten steps (rows) for every run (columns).
 */
export function stepChartText(o: { title: string; quantity: string; value(p: ChartPoint): number | null; best?: boolean; bands?: boolean }): ChartDescriber {
  return (f) => {
    const parts = f.runs.map((r) => {
      const p = f.pointAt(r.index, f.step);
      const now = p ? `${o.quantity} ${formatValue(o.value(p))} at step ${p.step}` : `no ${o.quantity} yet`;
      return `${runName(r)}: ${runStatusWords(r, f.step)}, ${now}.`;
    });
    const head = `${o.title}, ${f.runs.length === 1 ? 'one run' : `${f.runs.length} runs`}, step ${f.step} of ${f.totalSteps}.`;
    return {
      summary: [head, ...parts, ...(o.bands ? seedBandWords(f, o.quantity, o.value) : [])].join(' '),
      table: {
        caption: `${o.title}: ${o.quantity} by step`,
        columns: ['step', ...f.runs.map((r) => r.label)],
        rows: tableSteps(f.step).map((s) => [String(s), ...f.runs.map((r) => {
          const p = f.pointAt(r.index, s);
          return p && p.step === s ? formatValue(o.value(p)) : p ? `${formatValue(o.value(p))} (step ${p.step})` : '—';
        })]),
      },
    };
  };
}

/** The paths chart: where each run started and where it is at the step shown, in the two parameters plotted. */
export const describePaths: ChartDescriber = (f) => {
  const [ax, ay] = f.axes;
  const at = (p: ChartPoint | undefined): string => (p ? `(${formatValue(p.params[ax.index])}, ${formatValue(p.params[ay.index])})` : '—');
  const parts = f.runs.map((r) => {
    const start = f.pointAt(r.index, 0);
    const now = f.pointAt(r.index, f.step);
    return `${runName(r)}: ${runStatusWords(r, f.step)}, from ${at(start)} to ${at(now)}${now ? ` at step ${now.step}, loss ${formatValue(now.loss)}` : ''}.`;
  });
  return {
    summary: [`Paths over the loss surface in (${ax.name}, ${ay.name}), ${f.runs.length === 1 ? 'one run' : `${f.runs.length} runs`}, step ${f.step} of ${f.totalSteps}.`, ...parts].join(' '),
    table: {
      caption: `Paths: (${ax.name}, ${ay.name}) by step`,
      columns: ['step', ...f.runs.map((r) => r.label)],
      rows: tableSteps(f.step).map((s) => [String(s), ...f.runs.map((r) => at(f.pointAt(r.index, s)))]),
    },
  };
};

/** A rate per step in words: "0.9 (converges)", "1.1 (diverges)". */
function rateWords(rate: number): string {
  return `${formatValue(rate)} (${rate < 1 ? 'converges' : 'diverges'})`;
}

/**
 * The convergence-rate map: what it plots, the fastest cell (Polyak's optimum) and each run's
 * place and rate; its table, the rate at every fourth η and β of the map.
 */
export const describeRateMap: ChartDescriber = (f) => {
  const m = f.rateMap;
  if (!m) return { summary: 'Convergence-rate map: shown for a quadratic loss with curvature on.', table: { caption: 'Convergence rate', columns: [], rows: [] } };
  const best = fastestHeavyBall(m.eigenvalues);
  const etaMax = rateMapEtaMax(m.eigenvalues, m.dots.map((d) => d.eta));
  const runs = m.dots.map((d) => `${d.label}: η ${formatValue(d.eta)}, β ${formatValue(d.beta)}, rate ${rateWords(d.rate)}.`);
  const summary = [
    `Convergence rate per step of heavy-ball momentum on this quadratic (Hessian eigenvalues ${m.eigenvalues.map(formatValue).join(', ')}),`
      + ` over learning rate η from 0 to ${formatValue(etaMax)} and momentum β from 0 to 0.99; β = 0 is gradient descent. Below 1 converges.`,
    best ? `Fastest: rate ${formatValue(best.rate)} at η ${formatValue(best.eta)}, β ${formatValue(best.beta)}.` : 'No minimum: every cell diverges.',
    ...(runs.length > 0 ? runs : ['No gradient-descent or momentum run is on the map.']),
    'Arrow keys choose a cell, Enter moves the selected run there.',
  ].join(' ');
  const { etas, betas } = rateMapAxes(etaMax);
  const cols = etas.filter((_e, j) => j % 6 === 0), rows = betas.filter((_b, k) => k % 6 === 0);
  return {
    summary,
    table: {
      caption: 'Convergence rate per step by momentum β (rows) and learning rate η (columns); 1 or more diverges',
      columns: ['β \\ η', ...cols.map(formatValue)],
      rows: rows.map((b) => [formatValue(b), ...cols.map((e) => formatValue(quadraticRate(heavyBallRule(b, 0, 0), e, m.eigenvalues)))]),
    },
  };
};

/** The panel's charts in words (a new chart adds its entry here). */
export const CHART_TEXTS: Readonly<Record<ChartName, ChartWords>> = {
  loss: { name: 'Loss by step, log scale', describe: stepChartText({ title: 'Loss', quantity: 'loss', value: (p) => p.loss, bands: true }) },
  paths: { name: 'Paths over the loss surface', describe: describePaths },
  lr: { name: 'Learning rate by step', describe: stepChartText({ title: 'Learning rate', quantity: 'η', value: (p) => p.lr }) },
  gradNorm: { name: 'Gradient norm by step, log scale', describe: stepChartText({ title: 'Gradient norm', quantity: '‖∇J‖', value: (p) => p.gradNorm }) },
  rateMap: { name: 'Convergence rate over learning rate and momentum on this quadratic', describe: describeRateMap },
  sharpness: { name: 'Sharpness by step against each run\'s stability threshold, log scale', describe: stepChartText({ title: 'Sharpness', quantity: 'λmax', value: (p) => p.sharpness ?? null }) },
};

/** A run of the experiment as the texts tell it, from its optimizer id and hyperparameters and the host's result. */
export function chartRun(index: number, run: { optimizer: string; hyperparameters: Readonly<Record<string, unknown>>; label?: string },
  result: { label: string; status: RunStatus; steps: number; message?: string } | undefined, shownStep: number): ChartRun {
  const spec = optimizerSpec(run.optimizer);
  const lr = run.hyperparameters.lr ?? spec?.hyperparameters.find((h) => h.name === 'lr')?.default;
  // A run's end is told once the playback shows it.
  const ended = result !== undefined && result.status !== 'running' && shownStep >= result.steps;
  return {
    index, label: result?.label ?? run.label ?? `run ${index + 1}`, optimizer: spec?.name ?? run.optimizer,
    lr: typeof lr === 'number' ? lr : undefined, status: ended ? result.status : 'running', steps: result?.steps ?? 0,
    ...(ended && result.message ? { message: result.message } : {}),
  };
}
