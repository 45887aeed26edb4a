/**
 * What the CLI writes about tuning (DESIGN "Tuning"): the `tuning` array of `--json`, the table
 * `--summary` prints before the runs (per run: the run as written and its score, the tuned values
 * and their score, the rank; then each best that is an end of its grid), and the charts `--out` writes — the sensitivity chart and, for two
 * tuned hyperparameters, the phase diagram — as Vega-Lite specs with their rows inlined.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { formatNumber } from '../charts/rows';
import type { ChartTheme } from '../charts/theme';
import {
  objectiveTitle, phaseDiagram, phaseRows, sensitivityChart, sensitivityRows, tunedAxisTitle, withTuningData, type TuningChartInput,
} from '../charts/tuning';
import { median } from '../engine/score';
import { tunableSymbol } from '../engine/tune';
import { gridEdgeNote, gridEdges } from '../engine/tuneEdges';
import { grouped, safeMessage } from './text';
import type { TuningPlan, TuningResult } from '../engine/tuning';
import type { TuneObjective } from '../engine/types';

export { objectiveTitle } from '../charts/tuning';

/** JSON has no Infinity: a score of +∞ (diverged, or never reached the target) is written null. */
const score = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The `tuning` array of `--json`, one entry per tuned run, in run order. */
export function tuningJson(results: readonly TuningResult[]): unknown[] {
  return results.map((r) => ({
    run: r.run, label: r.label, parameters: r.parameters, grid: r.grid, objective: r.objective,
    values: r.values.map((seeds) => seeds.map(score)),
    best: r.best && { hyperparameters: r.best.hyperparameters, objective: score(r.best.objective) },
    default: { hyperparameters: r.default.hyperparameters, objective: score(r.default.objective) },
  }));
}

/** A score in a table: +∞ as what it means. */
function scoreCell(v: number, objective: TuneObjective): string {
  if (Number.isFinite(v)) return formatNumber(v);
  return typeof objective === 'object' ? 'not reached' : 'diverged';
}

/** `η=0.01 β₁=0.9`: tuned values as labels write them. */
function valuesCell(plan: TuningPlan, values: Readonly<Record<string, number>>): string {
  return plan.axes.map((a) => `${tunableSymbol(a.tunable).text}=${formatNumber(values[a.tunable.name])}`).join(' ');
}

/**
 * The tuning table: one row per tuned run, ranked by its tuned score (ties share a rank; runs that
 * never scored finite come last, unranked), with what `label` escapes for the terminal.
 */
export function tuningTable(plans: readonly TuningPlan[], results: readonly TuningResult[], label: (s: string) => string): string {
  const order = results.map((_, i) => i).sort((a, b) => (results[a].best?.objective ?? Infinity) - (results[b].best?.objective ?? Infinity) || a - b);
  const rank = new Map<number, string>();
  order.forEach((i, k) => {
    const s = results[i].best?.objective;
    const prev = k > 0 ? results[order[k - 1]].best?.objective : undefined;
    rank.set(i, s === undefined ? '–' : s === prev ? rank.get(order[k - 1])! : String(k + 1));
  });
  const header = ['rank', 'run', 'as written', 'score', 'tuned', 'score'];
  const rows = order.map((i) => {
    const r = results[i], plan = plans[i];
    return [rank.get(i)!, label(r.label), valuesCell(plan, r.default.hyperparameters), scoreCell(r.default.objective, r.objective),
      r.best ? valuesCell(plan, r.best.hyperparameters) : 'none finite', r.best ? scoreCell(r.best.objective, r.objective) : '–'];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const numeric = new Set([3, 5]);
  const line = (cells: readonly string[]): string => cells
    .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const objectives = [...new Set(results.map((r) => objectiveTitle(r.objective)))];
  const seeds = [...new Set(plans.map((p) => p.seeds))];
  const configurations = plans.reduce((n, p) => n + (p.points + 1) * p.seeds, 0);
  const how = `${objectives.join(', ')}${seeds.some((s) => s > 1) ? `, median of ${seeds.join('/')} seeds` : ''}`;
  // A best at an end of its grid may not be the best there is: said under the table, in run order.
  const edges = results.flatMap((r, i) => gridEdgeNote(r.label, plans[i].axes.map((a) => tunableSymbol(a.tunable).text), gridEdges(r.grid, r.bestPoint)) ?? []).map((note) => safeMessage(note, false));
  return [`tuning: ${how}; ${grouped(configurations)} configurations`, line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line), ...edges].join('\n') + '\n';
}

/** One run's tuning as the charts read it. */
export function chartInput(plan: TuningPlan, result: TuningResult): TuningChartInput {
  const first = plan.axes[0].tunable.name;
  return {
    run: plan.run, label: result.label, grid: result.grid,
    scores: result.values.map((seeds) => median(seeds)),
    best: result.bestPoint,
    default: { value: result.default.hyperparameters[first], score: result.default.objective },
  };
}

/** A chart `--out` writes: its file name (without extension) and its spec with the rows inlined. */
export interface NamedChart {
  readonly name: string;
  /** Its `description` is the text alternative written into the SVG. */
  readonly spec: TopLevelSpec;
}

/**
 * The tuning charts: a sensitivity chart per group of runs tuning the same first hyperparameter
 * by the same objective (`sensitivity`, then `sensitivity-2`, …), and a phase diagram per group
 * tuning the same two hyperparameters over the same grid (`phase`, `phase-2`, …).
 */
export function tuningCharts(plans: readonly TuningPlan[], results: readonly TuningResult[], theme: ChartTheme): NamedChart[] {
  const charts: NamedChart[] = [];
  const groups = (key: (i: number) => string | undefined): number[][] => {
    const by = new Map<string, number[]>();
    plans.forEach((_, i) => { const k = key(i); if (k !== undefined) by.set(k, [...(by.get(k) ?? []), i]); });
    return [...by.values()];
  };
  const named = (base: string, k: number): string => (k === 0 ? base : `${base}-${k + 1}`);
  groups((i) => JSON.stringify([plans[i].axes[0].tunable.name, results[i].objective])).forEach((group, k) => {
    const p = plans[group[0]], objective = results[group[0]].objective;
    const inputs = group.map((i) => chartInput(plans[i], results[i]));
    const log = typeof objective !== 'object';
    const rows = sensitivityRows(inputs, log);
    const title = `${objectiveTitle(objective)} against ${tunedAxisTitle(p.axes[0].tunable)}`;
    const best = group.map((i) => `${results[i].label}: ${results[i].best ? `best ${valuesCell(plans[i], results[i].best!.hyperparameters)} → ${scoreCell(results[i].best!.objective, objective)}` : 'no finite score'}`);
    const description = `Sensitivity: ${title}, one line per run. ${best.join('; ')}.`;
    const spec = sensitivityChart({
      theme, runs: inputs.map((t) => t.label), axisTitles: [tunedAxisTitle(p.axes[0].tunable)], scoreTitle: objectiveTitle(objective), logScore: log,
      logValues: group.every((i) => results[i].grid[0].every((v) => v > 0)), interactive: false, title: `Sensitivity: ${title}`, description,
    });
    charts.push({ name: named('sensitivity', k), spec: withTuningData(spec, { sensitivity: rows }) });
  });
  groups((i) => (plans[i].axes.length === 2 ? JSON.stringify([results[i].parameters, results[i].grid, results[i].objective]) : undefined)).forEach((group, k) => {
    const p = plans[group[0]], r = results[group[0]];
    const inputs = group.map((i) => chartInput(plans[i], results[i]));
    const log = typeof r.objective !== 'object';
    const title = `${objectiveTitle(r.objective)} over ${tunedAxisTitle(p.axes[0].tunable)} × ${tunedAxisTitle(p.axes[1].tunable)}`;
    const description = `Phase diagram: ${title}, one grid per run; diverged cells crossed, the best outlined. `
      + group.map((i) => `${results[i].label}: ${results[i].values.filter((v) => !Number.isFinite(median(v))).length} of ${results[i].values.length} cells diverged`).join('; ') + '.';
    const spec = phaseDiagram({
      theme, runs: inputs.map((t) => t.label), axisTitles: [tunedAxisTitle(p.axes[0].tunable), tunedAxisTitle(p.axes[1].tunable)], scoreTitle: objectiveTitle(r.objective), logScore: log,
      logValues: true, interactive: false, title: `Phase diagram: ${title}`, description, xValues: r.grid[0], yValues: r.grid[1],
    });
    charts.push({ name: named('phase', k), spec: withTuningData(spec, { phase: phaseRows(inputs, log) }) });
  });
  return charts;
}
