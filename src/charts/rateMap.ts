/**
 * The convergence-rate map (issue 14): Distill's (step size, momentum) figure — Goh, "Why Momentum
 * Really Works" (2017) — computed for the user's own quadratic. Each cell is heavy-ball momentum's
 * rate per step ρ at (η, β), the largest spectral radius of its 2 × 2 iteration over the Hessian's
 * eigenvalues (engine/curvature/quadratic.ts); β = 0 is gradient descent. Cells where ρ ≥ 1
 * diverge and have their own colour. Each gradient-descent or momentum run is a dot at its (η, β).
 * Data by name: `rateMap` (RateMapCell), `rateDots` (RateMapDot) and `rateCursor` (the keyboard's
 * cell, zero or one RateMapCell), so the panel moves dots and the cursor without a new embed.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { rateMap, quadraticRate } from '../engine/curvature/quadratic';
import { heavyBallRule } from '../engine/curvature/stability';
import { hyperparameterReader, optimizerSpec } from '../engine/hyperparameters';
import type { RunSpec } from '../engine/types';
import { named, runColorEncoding, topLevel, type ChartOptions, type Json } from './specs';

/** Columns (η) and rows (β) of the map. */
export const RATE_MAP_COLUMNS = 60;
export const RATE_MAP_ROWS = 34;
/** The largest momentum on the map (β → 1 never converges). */
export const RATE_MAP_BETA_MAX = 0.99;

export interface RateMapCell {
  /** The cell's centre, where its rate is computed, and its extent. */
  readonly eta: number;
  readonly beta: number;
  readonly eta0: number;
  readonly eta1: number;
  readonly beta0: number;
  readonly beta1: number;
  /** ρ per step; ≥ 1 diverges. */
  readonly rate: number;
  /** Its column and row (the keyboard moves by them). */
  readonly column: number;
  readonly row: number;
}

export interface RateMapDot {
  readonly run: number;
  readonly label: string;
  readonly eta: number;
  readonly beta: number;
  readonly rate: number;
}

/** The grid's axes: η in equal columns up to `etaMax`, β in equal rows from 0 to RATE_MAP_BETA_MAX; cell centres. */
export function rateMapAxes(etaMax: number): { etas: number[]; betas: number[]; etaStep: number; betaStep: number } {
  const etaStep = etaMax / RATE_MAP_COLUMNS, betaStep = RATE_MAP_BETA_MAX / (RATE_MAP_ROWS - 1);
  return {
    etas: Array.from({ length: RATE_MAP_COLUMNS }, (_, j) => (j + 0.5) * etaStep),
    betas: Array.from({ length: RATE_MAP_ROWS }, (_, k) => k * betaStep),
    etaStep, betaStep,
  };
}

/**
 * How far the map reaches in η: heavy ball is stable while ηλmax < 2 + 2β, so up to 4/λmax at β → 1,
 * and further when a run sits beyond (it is drawn, not cut off).
 */
export function rateMapEtaMax(eigenvalues: readonly number[], runEtas: readonly number[] = []): number {
  const top = eigenvalues[eigenvalues.length - 1] ?? 0;
  const stable = top > 0 ? 4 / top : 1;
  return Math.max(stable, ...runEtas.map((e) => 1.1 * e).filter(Number.isFinite));
}

/** The map's cells for a quadratic's eigenvalues, η up to `etaMax`. */
export function rateMapCells(eigenvalues: readonly number[], etaMax: number): RateMapCell[] {
  const { etas, betas, etaStep, betaStep } = rateMapAxes(etaMax);
  const rates = rateMap((beta) => heavyBallRule(beta, 0, 0), eigenvalues, etas, betas);
  const cells: RateMapCell[] = [];
  betas.forEach((beta, k) => etas.forEach((eta, j) => cells.push({
    eta, beta, eta0: eta - etaStep / 2, eta1: eta + etaStep / 2,
    beta0: Math.max(0, beta - betaStep / 2), beta1: Math.min(1, beta + betaStep / 2),
    rate: rates[k * etas.length + j]!, column: j, row: k,
  })));
  return cells;
}

/**
 * Where a run sits on the map, or undefined when the map is not its iteration: gradient descent
 * (β = 0) and heavy-ball momentum (`momentum`, or `sgd` without Nesterov and dampening), without
 * weight decay or a schedule.
 */
export function rateMapPlace(run: Pick<RunSpec, 'optimizer' | 'hyperparameters' | 'schedule'>): { eta: number; beta: number } | undefined {
  const spec = optimizerSpec(run.optimizer);
  if (!spec || run.schedule || !['gd', 'momentum', 'sgd'].includes(run.optimizer)) return undefined;
  const h = hyperparameterReader(spec, run.hyperparameters);
  const has = (name: string): boolean => spec.hyperparameters.some((p) => p.name === name);
  const num = (name: string): number => (has(name) ? h.num(name) : 0);
  if (num('weightDecay') !== 0 || num('dampening') !== 0 || (has('nesterov') && h.bool('nesterov'))) return undefined;
  const eta = num('lr'), beta = num('momentum');
  return Number.isFinite(eta) && eta > 0 && beta >= 0 && beta < 1 ? { eta, beta } : undefined;
}

/** The runs' dots, with each one's rate by the map's own rule. */
export function rateMapDots(runs: readonly { readonly index: number; readonly label: string; readonly spec: Pick<RunSpec, 'optimizer' | 'hyperparameters' | 'schedule'> }[],
  eigenvalues: readonly number[]): RateMapDot[] {
  return runs.flatMap((r) => {
    const at = rateMapPlace(r.spec);
    return at ? [{ run: r.index, label: r.label, ...at, rate: quadraticRate(heavyBallRule(at.beta, 0, 0), at.eta, eigenvalues) }] : [];
  });
}

/**
 * The fastest heavy ball on a quadratic with eigenvalues in [λmin, λmax], λmin > 0 (Distill, after
 * Polyak): η* = (2/(√λmax + √λmin))², β* = ((√λmax − √λmin)/(√λmax + √λmin))², ρ* = √β* = (√κ − 1)/(√κ + 1).
 */
export function fastestHeavyBall(eigenvalues: readonly number[]): { eta: number; beta: number; rate: number } | undefined {
  const lo = eigenvalues[0], hi = eigenvalues[eigenvalues.length - 1];
  if (lo === undefined || hi === undefined || !(lo > 0)) return undefined;
  const a = Math.sqrt(hi), b = Math.sqrt(lo);
  const rate = (a - b) / (a + b);
  return { eta: (2 / (a + b)) ** 2, beta: rate * rate, rate };
}

/** The map: cells coloured by ρ (diverging cells apart), the runs as dots, the keyboard's cell outlined. */
export function rateMapChart(o: ChartOptions & { readonly etaMax: number }): TopLevelSpec {
  const x = { type: 'quantitative', title: 'learning rate η', scale: { domain: [0, o.etaMax], nice: false, zero: true }, axis: { format: '.3~g' } };
  const y = { type: 'quantitative', title: 'momentum β', scale: { domain: [0, 1], nice: false }, axis: { format: '.2~g' } };
  const cells: Json = {
    data: named('rateMap'),
    // Each cell reaches a third into its right and upper neighbours: no anti-aliased seams between them.
    transform: [{ calculate: 'datum.eta1 + (datum.eta1 - datum.eta0) / 3', as: 'etaOver' }, { calculate: 'datum.beta1 + (datum.beta1 - datum.beta0) / 3', as: 'betaOver' }],
    mark: { type: 'rect', clip: true, aria: false },
    encoding: {
      x: { ...x, field: 'eta0' }, x2: { field: 'etaOver' }, y: { ...y, field: 'beta0' }, y2: { field: 'betaOver' },
      color: {
        condition: { test: 'datum.rate >= 1', value: o.theme.accent },
        field: 'rate', type: 'quantitative', title: 'rate ρ per step',
        scale: { scheme: o.theme.scheme, domain: [0, 1] }, legend: { orient: 'right', gradientLength: 120 },
      },
      tooltip: [
        { field: 'eta', type: 'quantitative', title: 'η', format: '.4~g' },
        { field: 'beta', type: 'quantitative', title: 'β', format: '.3~g' },
        { field: 'rate', type: 'quantitative', title: 'ρ (≥ 1 diverges)', format: '.4~g' },
      ],
    },
  };
  const cursor: Json = {
    data: named('rateCursor'),
    mark: { type: 'rect', clip: true, filled: false, stroke: o.theme.foreground, strokeWidth: 2, aria: false },
    encoding: { x: { ...x, field: 'eta0' }, x2: { field: 'eta1' }, y: { ...y, field: 'beta0' }, y2: { field: 'beta1' } },
  };
  const dots: Json = {
    data: named('rateDots'),
    // Not clipped: a run at β = 0 sits on the plot's edge, whole.
    mark: { type: 'point', filled: true, size: 90, clip: false, stroke: o.theme.pathCasing, strokeWidth: 1.5, opacity: 1 },
    encoding: {
      x: { ...x, field: 'eta' }, y: { ...y, field: 'beta' }, color: runColorEncoding(o),
      tooltip: [
        { field: 'label', type: 'nominal', title: 'run' },
        { field: 'eta', type: 'quantitative', title: 'η', format: '.4~g' },
        { field: 'beta', type: 'quantitative', title: 'β', format: '.3~g' },
        { field: 'rate', type: 'quantitative', title: 'ρ', format: '.4~g' },
      ],
    },
  };
  return topLevel(o, 300, 220, {
    description: 'Convergence rate per step of heavy-ball momentum on this quadratic over learning rate η and momentum β '
      + '(β = 0 is gradient descent); darker converges faster, cells that diverge in the accent colour; each gradient-descent '
      + 'or momentum run is a dot at its η and β.',
    layer: [cells, cursor, dots],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  });
}
