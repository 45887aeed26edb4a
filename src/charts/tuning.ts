/**
 * The tuning charts (DESIGN "Tuning"): the sensitivity chart — each run's score against the first
 * tuned hyperparameter, one line per run, log–log where the values allow, diverged grid points
 * marked at the top, the chosen best ringed and the run as written shown as a hollow diamond — and,
 * for two tuned hyperparameters, the phase diagram: one small grid per run, each cell coloured by its
 * score, diverged cells marked, the best cell outlined. Pure functions of a theme and rows; the data
 * comes by name (`sensitivity`, `phase`), so the panel streams rows in as grid points finish and the
 * CLI inlines them (`withTuningData`).
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { tunableSymbol, type Tunable } from '../engine/tune';
import type { TuneObjective } from '../engine/types';
import { formatNumber } from './rows';
import { LOG_AXIS } from './specs/layers';
import { runColor, themeConfig, type ChartTheme } from './theme';

type Json = Record<string, unknown>;

/** The objective in words, as tables and axes say it. */
export function objectiveTitle(objective: TuneObjective): string {
  return objective === 'finalLoss' ? 'final loss' : objective === 'meanLoss' ? 'mean loss' : `steps to loss ≤ ${formatNumber(objective.stepsTo)}`;
}

/** A tuned hyperparameter as an axis says it: `learning rate η`, `momentum μ`, `β₁`. */
export function tunedAxisTitle(t: Tunable): string {
  const symbol = tunableSymbol(t).text;
  const words: Record<string, string> = { lr: 'learning rate', momentum: 'momentum', weightDecay: 'weight decay', beta1: 'β₁' };
  const word = words[t.name] ?? t.name;
  return word === symbol ? word : `${word} ${symbol}`;
}

/** What the charts read of one run's tuning, complete or while its grid fills in. */
export interface TuningChartInput {
  /** The run's index in the experiment, and its label (the legend's name, its colour's key). */
  readonly run: number;
  readonly label: string;
  /** The values of each tuned hyperparameter, in order (the first varies slowest). */
  readonly grid: readonly (readonly number[])[];
  /** Per grid point (row-major): its score, the median over seeds; NaN while not scored, +∞ when it diverged. */
  readonly scores: readonly number[];
  /** The best grid point so far, −1 when none is finite. */
  readonly best: number;
  /** The run as written: its value of the first tuned hyperparameter and its score (NaN while not scored). */
  readonly default?: { readonly value: number; readonly score: number };
}

/** A point of the sensitivity chart. `score` is null for a diverged point (drawn at the top). */
export interface SensitivityRow {
  readonly run: number;
  readonly label: string;
  readonly kind: 'point' | 'best' | 'default';
  readonly value: number;
  readonly score: number | null;
  /** The score as plotted (see `plotShift`); null when it is not drawn on the score axis. */
  readonly plotScore: number | null;
  readonly diverged: boolean;
}

/** A cell of the phase diagram. */
export interface PhaseRow {
  readonly run: number;
  readonly label: string;
  /** The cell's values, formatted (the axes are ordinal: one band per grid value). */
  readonly x: string;
  readonly y: string;
  readonly score: number | null;
  /** The score as plotted (see `plotShift`); null for a diverged cell. */
  readonly plotScore: number | null;
  readonly diverged: boolean;
  readonly best: boolean;
}

/**
 * What is subtracted from every score before it is plotted on a log axis: 0 when every finite
 * score is > 0, else the least score minus a hair (so the least plots just above 0), as the loss
 * chart does with losses ≤ 0. Linear axes plot scores as they are.
 */
export function plotShift(inputs: readonly TuningChartInput[], log: boolean): number {
  if (!log) return 0;
  let min = Infinity;
  for (const t of inputs) for (const s of t.scores) if (s < min) min = s;
  for (const t of inputs) if (t.default && t.default.score < min) min = t.default.score;
  return Number.isFinite(min) && min <= 0 ? min - Math.max(1e-12, 1e-9 * Math.abs(min)) : 0;
}

/** A cell value in the phase diagram's axes: 3 significant digits (distinct grid values stay distinct). */
export function cellName(values: readonly number[]): string[] {
  const short = values.map((v) => String(Number(v.toPrecision(3))));
  return new Set(short).size === new Set(values).size ? short : values.map(formatNumber);
}

/**
 * The sensitivity chart's rows. With two tuned hyperparameters a run's line is its profile: at each
 * value of the first, the best score over the second (diverged only when every scored cell did).
 */
export function sensitivityRows(inputs: readonly TuningChartInput[], log = true): SensitivityRow[] {
  const shift = plotShift(inputs, log);
  const plot = (s: number): number | null => (Number.isFinite(s) ? s - shift : null);
  const rows: SensitivityRow[] = [];
  for (const t of inputs) {
    const first = t.grid[0] ?? [];
    const inner = t.scores.length / Math.max(1, first.length);
    for (let i = 0; i < first.length; i++) {
      let best = NaN;
      for (let j = 0; j < inner; j++) {
        const s = t.scores[i * inner + j];
        if (!Number.isNaN(s) && !(s >= best)) best = s;
      }
      if (Number.isNaN(best)) continue;
      rows.push({ run: t.run, label: t.label, kind: 'point', value: first[i], score: Number.isFinite(best) ? best : null, plotScore: plot(best), diverged: !Number.isFinite(best) });
    }
    const b = t.best >= 0 ? t.scores[t.best] : NaN;
    if (Number.isFinite(b)) rows.push({ run: t.run, label: t.label, kind: 'best', value: first[Math.floor(t.best / inner)], score: b, plotScore: plot(b), diverged: false });
    const d = t.default;
    if (d && !Number.isNaN(d.score)) {
      rows.push({ run: t.run, label: t.label, kind: 'default', value: d.value, score: Number.isFinite(d.score) ? d.score : null, plotScore: plot(d.score), diverged: !Number.isFinite(d.score) });
    }
  }
  return rows;
}

/** The phase diagram's rows: every scored cell of every run with two tuned hyperparameters. */
export function phaseRows(inputs: readonly TuningChartInput[], log = true): PhaseRow[] {
  const shift = plotShift(inputs, log);
  const rows: PhaseRow[] = [];
  for (const t of inputs) {
    if (t.grid.length !== 2) continue;
    const [xv, yv] = t.grid;
    const xs = cellName(xv), ys = cellName(yv);
    for (let i = 0; i < xs.length; i++) {
      for (let j = 0; j < ys.length; j++) {
        const p = i * ys.length + j;
        const s = t.scores[p];
        if (Number.isNaN(s)) continue;
        const finite = Number.isFinite(s);
        rows.push({ run: t.run, label: t.label, x: xs[i], y: ys[j], score: finite ? s : null, plotScore: finite ? s - shift : null, diverged: !finite, best: p === t.best });
      }
    }
  }
  return rows;
}

export interface TuningChartOptions {
  readonly theme: ChartTheme;
  /** Every run label in run order: the colour legend's domain, so a run has the colour it has in the other charts. */
  readonly runs: readonly string[];
  /** The tuned hyperparameters, as axes say them: `learning rate η`, `momentum β`. */
  readonly axisTitles: readonly string[];
  /** What is scored, as the score axis says it: `final loss`, `mean loss`, `steps to loss ≤ 0.001`. */
  readonly scoreTitle: string;
  /** Whether the score axis is logarithmic (losses) or linear (steps). */
  readonly logScore: boolean;
  /** Whether the first hyperparameter's axis is logarithmic (every value > 0). */
  readonly logValues: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /** The chart's text alternative (SVG `aria-label`, the panel's description). */
  readonly description?: string;
  /** Tooltips (default true); static files turn them off. */
  readonly interactive?: boolean;
}

/** The phase diagram's options: each run's values of both hyperparameters, in grid order. */
export interface PhaseDiagramOptions extends TuningChartOptions {
  readonly xValues: readonly number[];
  readonly yValues: readonly number[];
}

/** Where the sensitivity chart draws diverged points: at the plot's top, this many px down. */
export const DIVERGED_MARK_Y = 6;

/** The names of the tuning charts' data sources. */
export const TUNING_SOURCES = ['sensitivity', 'phase'] as const;

function named(name: string): Json {
  return { name, format: { parse: null } };
}

function colorEncoding(o: TuningChartOptions): Json {
  const palette = o.theme.palette.length > 0 ? [...o.theme.palette] : [runColor(o.theme, 0)];
  return { field: 'label', type: 'nominal', scale: { domain: [...o.runs], range: palette },
    legend: { title: null, orient: 'bottom', symbolType: 'stroke', symbolOpacity: 1, labelLimit: 0, columns: Math.min(4, Math.max(1, o.runs.length)) } };
}

/** Rows with a score to plot (> 0 on a log axis). */
function plotted(o: TuningChartOptions): Json[] {
  return [{ filter: `isValid(datum.plotScore) && isFinite(datum.plotScore)${o.logScore ? ' && datum.plotScore > 0' : ''}` }];
}

function topLevel(o: TuningChartOptions, width: number, height: number, body: Json): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    ...(o.description ? { description: o.description } : {}),
    config: themeConfig(o.theme),
    ...(body.facet ? {} : { width: o.width ?? width, height: o.height ?? height }),
    ...body,
  } as unknown as TopLevelSpec;
}

/** Score against the first tuned hyperparameter, one line per run: diverged points marked, the best ringed, the run as written a diamond. */
export function sensitivityChart(o: TuningChartOptions): TopLevelSpec {
  const interactive = o.interactive !== false;
  // Log axes as the loss chart draws them (LOG_AXIS): labels at 1, 2, 5 of each decade, grid lines at the decades only.
  const x = { field: 'value', type: 'quantitative', title: `${o.axisTitles[0]}${o.logValues ? ' (log scale)' : ''}`,
    scale: o.logValues ? { type: 'log' } : { zero: false }, ...(o.logValues ? { axis: LOG_AXIS } : {}) };
  const y = { field: 'plotScore', type: 'quantitative', title: `${o.scoreTitle}${o.logScore ? ' (log scale)' : ''}`,
    scale: o.logScore ? { type: 'log' } : { zero: true }, ...(o.logScore ? { axis: LOG_AXIS } : {}) };
  const color = colorEncoding(o);
  const tooltip = (what: string): Json => (interactive ? { tooltip: [
    { field: 'label', type: 'nominal', title: 'run' },
    { field: 'value', type: 'quantitative', title: o.axisTitles[0], format: '.4~g' },
    { field: 'score', type: 'quantitative', title: what, format: '.6~g' },
  ] } : {});
  const kind = (k: string): Json => ({ filter: `datum.kind === '${k}'` });
  const scored = plotted(o);
  return topLevel(o, 480, 280, {
    layer: [
      {
        data: named('sensitivity'),
        transform: [kind('point'), ...scored],
        mark: { type: 'line', clip: true, point: { filled: true, size: 28 } },
        encoding: { x, y, color, order: { field: 'value', type: 'quantitative' }, ...tooltip(o.scoreTitle) },
      },
      {
        data: named('sensitivity'),
        transform: [kind('point'), { filter: 'datum.diverged' }],
        mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 70, clip: true },
        encoding: { x, y: { value: DIVERGED_MARK_Y }, color, ...(interactive ? { tooltip: [{ field: 'label', type: 'nominal', title: 'diverged' }, { field: 'value', type: 'quantitative', title: o.axisTitles[0], format: '.4~g' }] } : {}) },
      },
      {
        data: named('sensitivity'),
        transform: [kind('default'), ...scored],
        mark: { type: 'point', shape: 'diamond', filled: false, size: 110, strokeWidth: 1.6, clip: true },
        encoding: { x, y, color, ...tooltip('as written') },
      },
      {
        data: named('sensitivity'),
        transform: [kind('best'), ...scored],
        mark: { type: 'point', shape: 'circle', filled: false, size: 260, strokeWidth: 2.4, clip: true },
        encoding: { x, y, color, ...tooltip('best') },
      },
    ],
  });
}

/** Per run, the grid of both tuned hyperparameters coloured by score; diverged cells crossed, the best outlined. */
export function phaseDiagram(o: PhaseDiagramOptions): TopLevelSpec {
  const interactive = o.interactive !== false;
  const xs = cellName(o.xValues), ys = cellName(o.yValues);
  const thin = (n: number): Json => ({ labelOverlap: 'greedy', labelAngle: 0, ...(n > 12 ? { ticks: false } : {}) });
  const x = { field: 'x', type: 'ordinal', title: o.axisTitles[0], sort: xs, scale: { domain: xs }, axis: thin(xs.length) };
  const y = { field: 'y', type: 'ordinal', title: o.axisTitles[1], sort: [...ys].reverse(), scale: { domain: [...ys].reverse() }, axis: thin(ys.length) };
  const fill = { field: o.logScore ? 'logScore' : 'plotScore', type: 'quantitative', title: o.logScore ? `log₁₀ ${o.scoreTitle}` : o.scoreTitle,
    scale: { scheme: o.theme.scheme, zero: false, nice: false }, legend: { orient: 'right', gradientLength: 120 } };
  const tooltip = interactive ? { tooltip: [
    { field: 'label', type: 'nominal', title: 'run' }, { field: 'x', type: 'nominal', title: o.axisTitles[0] },
    { field: 'y', type: 'nominal', title: o.axisTitles[1] }, { field: 'score', type: 'quantitative', title: o.scoreTitle, format: '.6~g' },
  ] } : {};
  const side = Math.max(120, Math.min(240, 12 * Math.max(xs.length, ys.length)));
  return topLevel(o, side, side, {
    data: named('phase'),
    facet: { field: 'label', type: 'nominal', title: null, sort: [...o.runs] },
    columns: Math.min(3, Math.max(1, o.runs.length)),
    spec: {
      width: o.width ?? side, height: o.height ?? side,
      layer: [
        {
          transform: [...plotted(o), ...(o.logScore ? [{ calculate: 'log(datum.plotScore) / LN10', as: 'logScore' }] : [])],
          mark: { type: 'rect' },
          encoding: { x, y, fill, ...tooltip },
        },
        {
          transform: [{ filter: 'datum.diverged' }],
          mark: { type: 'rect', color: o.theme.gridColor },
          encoding: { x, y, ...(interactive ? { tooltip: [{ field: 'label', type: 'nominal', title: 'diverged' }, { field: 'x', type: 'nominal', title: o.axisTitles[0] }, { field: 'y', type: 'nominal', title: o.axisTitles[1] }] } : {}) },
        },
        {
          transform: [{ filter: 'datum.diverged' }],
          mark: { type: 'text', text: '×', color: o.theme.foreground, opacity: 0.7, fontSize: Math.max(6, Math.min(12, side / Math.max(xs.length, ys.length))) },
          encoding: { x, y },
        },
        {
          transform: [{ filter: 'datum.best' }],
          mark: { type: 'rect', filled: false, stroke: o.theme.accent, strokeWidth: 2.5 },
          encoding: { x, y },
        },
      ],
    },
  });
}

/** A copy of a tuning chart with its rows inlined, for files and the CLI. */
export function withTuningData(spec: TopLevelSpec, data: { sensitivity?: readonly SensitivityRow[]; phase?: readonly PhaseRow[] }): TopLevelSpec {
  return { ...spec, datasets: { sensitivity: data.sensitivity ?? [], phase: data.phase ?? [] } } as unknown as TopLevelSpec;
}
