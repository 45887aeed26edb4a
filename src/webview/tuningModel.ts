/**
 * What the panel knows of a tuning (DESIGN "Tuning"): the host's `tuning` messages (every score so
 * far, sent as grid points finish) kept as chart inputs, the sensitivity chart's and the phase
 * diagram's specs and rows from src/charts/tuning.ts (the CLI's builders), and what loading a
 * configuration does to the experiment: the run at those tuned values.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  phaseDiagram, phaseRows, sensitivityChart, sensitivityRows, type ChartTheme, type PhaseRow, type SensitivityRow, type TuningChartInput,
} from '../charts';
import { optimizerSpec } from '../engine/hyperparameters';
import { tunables, withTuned } from '../engine/tune';
import { fromWire, fromWireNumber, type PanelExperiment, type ToWebviewOf, type TunedRun } from '../protocol';

export type TuningMessage = ToWebviewOf<'tuning'>;

/** A tuned run as the charts read it. */
export function chartInput(t: TunedRun): TuningChartInput {
  return { run: t.run, label: t.label, grid: t.grid, scores: fromWire(t.scores), best: t.best, default: { value: t.default.value, score: fromWireNumber(t.default.score) } };
}

/** Labels by run index (each tuned run's name at its index, `labelOf` elsewhere): the colour domain, so a run has its colour of the other charts. */
export function colourDomain(m: TuningMessage, labelOf: (run: number) => string): string[] {
  const last = Math.max(-1, ...m.runs.map((t) => t.run));
  return Array.from({ length: last + 1 }, (_, i) => m.runs.find((t) => t.run === i)?.label ?? labelOf(i));
}

/** The tuning charts' specs: the sensitivity chart, and the phase diagram when some run tunes two hyperparameters. */
export function tuningSpecs(m: TuningMessage, theme: ChartTheme, runs: readonly string[], width: number): { sensitivity: TopLevelSpec; phase?: TopLevelSpec } {
  const first = m.runs[0];
  const axisTitles = first?.axisTitles ?? ['learning rate η'];
  const common = {
    theme, runs, scoreTitle: m.scoreTitle, logScore: m.logScore,
    logValues: m.runs.every((t) => (t.grid[0] ?? []).every((v) => v > 0)),
  };
  const sensitivity = sensitivityChart({ ...common, axisTitles, width, height: 240, description: `Sensitivity: ${m.scoreTitle} against ${axisTitles[0]}, one line per run` });
  const two = m.runs.find((t) => t.grid.length === 2);
  if (!two) return { sensitivity };
  const phase = phaseDiagram({ ...common, axisTitles: two.axisTitles, xValues: two.grid[0]!, yValues: two.grid[1]!,
    description: `Phase diagram: ${m.scoreTitle} over ${two.axisTitles.join(' × ')}, one grid per run` });
  return { sensitivity, phase };
}

export function tuningRows(m: TuningMessage): { sensitivity: SensitivityRow[]; phase: PhaseRow[] } {
  const inputs = m.runs.map(chartInput);
  return { sensitivity: sensitivityRows(inputs, m.logScore), phase: phaseRows(inputs, m.logScore) };
}

/** The grid point of `t` at index `i` of its first hyperparameter: the best over the second, if any (−1 when none scored). */
export function bestAlong(t: TunedRun, i: number): number {
  const inner = t.grid.length === 2 ? t.grid[1]!.length : 1;
  const scores = fromWire(t.scores);
  let best = -1;
  for (let j = 0; j < inner; j++) {
    const p = i * inner + j;
    if (!Number.isNaN(scores[p]!) && (best < 0 || scores[p]! < scores[best]!)) best = p;
  }
  return best;
}

/** The tuned values at grid point `point` of `t`, by tune name. */
export function valuesAt(t: TunedRun, point: number): Record<string, number> {
  const inner = t.grid.length === 2 ? t.grid[1]!.length : 1;
  const at = t.grid.length === 2 ? [Math.floor(point / inner), point % inner] : [point];
  return Object.fromEntries(t.parameters.map((name, k) => [name, t.grid[k]![at[k]!]!]));
}

/**
 * `exp` with run `run` at the tuned `values` (its other hyperparameters kept); undefined when that
 * run's optimizer cannot tune one of them (the runs changed since the tuning).
 */
export function withConfiguration(exp: PanelExperiment, run: number, values: Readonly<Record<string, number>>): PanelExperiment | undefined {
  const r = exp.runs[run];
  const spec = r && optimizerSpec(r.optimizer);
  if (!r || !spec) return undefined;
  let hyperparameters = { ...r.hyperparameters };
  for (const [name, value] of Object.entries(values)) {
    const t = tunables(spec).find((x) => x.name === name);
    if (!t) return undefined;
    hyperparameters = withTuned(hyperparameters, t, value);
  }
  return { ...exp, runs: exp.runs.map((x, i) => (i === run ? { ...x, hyperparameters } : x)) };
}
