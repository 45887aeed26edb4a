/**
 * The convergence-rate map in the panel (charts/rateMap.ts): its cells for the loss's quadratic,
 * the runs as dots, and moving the selected run — a click on a cell, or the arrow keys to walk a
 * cursor over the cells and Enter (or Space) — to that cell's learning rate η and momentum β. A
 * gradient-descent run moved above β = 0 becomes a momentum run (gradient descent is momentum's
 * β = 0); a run the map does not describe (Adam, weight decay, a schedule) is not moved, and the
 * hint under the map says why.
 */
import type { View } from 'vega';
import { rateMapCells, rateMapDots, rateMapEtaMax, rateMapPlace, RATE_MAP_COLUMNS, RATE_MAP_ROWS, type RateMapCell, type RateMapDot } from '../charts';
import { convergenceRates } from '../engine/curvature/convergence';
import { optimizerSpec } from '../engine/hyperparameters';
import { formatValue } from './chartText';
import type { ChartView, Row } from './chartView';
import { setHyperparameter, setOptimizer } from './experimentDraft';
import { plotPoint } from './surfaceInteraction';
import { formatNumber } from './fieldValidation';
import type { PanelModel } from './model';
import type { PanelState } from './state';
import type { Store } from './store';

/** The quadratic's eigenvalues when the map applies (curvature on, a quadratic loss with a positive curvature). */
export function rateMapEigenvalues(s: PanelState): readonly number[] | undefined {
  const q = s.experiment?.curvature === true ? s.info?.quadratic : undefined;
  return q && (q.eigenvalues[q.eigenvalues.length - 1] ?? 0) > 0 ? q.eigenvalues : undefined;
}

/** The runs' dots on the map (enabled runs the map describes). */
export function rateMapRunDots(s: PanelState, labelOf: (run: number) => string): RateMapDot[] {
  const eigenvalues = rateMapEigenvalues(s);
  if (!eigenvalues || !s.experiment) return [];
  const runs = s.experiment.runs.flatMap((r, index) => (r.enabled === false ? [] : [{ index, label: labelOf(index), spec: r }]));
  try {
    return rateMapDots(runs, eigenvalues);
  } catch {
    return [];  // a draft's hyperparameter of the wrong kind: no dots rather than a broken chart
  }
}

/** How far the map reaches in η for the state's quadratic and runs, or undefined when there is no map. */
export function rateMapReach(s: PanelState, dots: readonly RateMapDot[]): number | undefined {
  const eigenvalues = rateMapEigenvalues(s);
  return eigenvalues ? rateMapEtaMax(eigenvalues, dots.map((d) => d.eta)) : undefined;
}

/** Why the selected run cannot be moved on the map, or undefined when it can. */
export function rateMapRefusal(s: PanelState): string | undefined {
  const run = s.experiment?.runs[s.view.selectedRun];
  if (!run) return 'select a run first';
  const name = optimizerSpec(run.optimizer)?.name ?? run.optimizer;
  try {
    if (rateMapPlace(run)) return undefined;
  } catch { /* an unfinished edit: refused below */ }
  return ['gd', 'momentum', 'sgd'].includes(run.optimizer)
    ? `${name} with weight decay, dampening, Nesterov or a schedule is not this map's iteration`
    : `${name} is not on this map (it is heavy-ball momentum's): select a gradient-descent or momentum run`;
}

/**
 * Each run's rate per step on the quadratic, in words for its card: the closed form, and once the
 * run's end is shown, the rate its loss curve shows (engine/curvature/convergence.ts).
 */
export function rateNotes(s: PanelState, losses: (run: number) => { readonly losses: readonly number[]; readonly steps: readonly number[] }, shownStep: number): Map<number, string> {
  const q = s.experiment?.curvature === true ? s.info?.quadratic : undefined;
  const out = new Map<number, string>();
  if (!q || !s.experiment) return out;
  s.experiment.runs.forEach((run, i) => {
    const result = s.results.find((r) => r.run === i);
    const ended = result !== undefined && result.status !== 'running' && shownStep >= result.steps;
    let rates;
    const curve = ended ? losses(i) : { losses: [], steps: [] };
    try { rates = convergenceRates(run, q, curve.losses, curve.losses.length, curve.steps); } catch { return; }
    const closed = rates.analytic !== null ? `ρ = ${formatValue(rates.analytic)} in closed form (its slowest direction)` : `no closed form (${rates.note?.split('; ')[0] ?? 'unknown'})`;
    const measured = rates.measured !== null ? `, ${formatValue(rates.measured)} measured from its loss` : '';
    out.set(i, `Rate per step on this quadratic: ${closed}${measured}${rates.analytic !== null && rates.analytic >= 1 ? ' — it diverges' : ''}.`);
  });
  return out;
}

/** A value as the panel writes hyperparameters: 3 significant digits. */
function round(v: number): number {
  return Number(formatNumber(Number(v.toPrecision(3))));
}

export class RateMapView {
  private cells: RateMapCell[] = [];
  private cellsKey = '';
  /** The keyboard's cell (column, row), once the map has the focus and a key was pressed. */
  private cursor: { column: number; row: number } | undefined;
  private readonly element: HTMLElement;

  constructor(private readonly store: Store<PanelState>, private readonly model: PanelModel, private readonly chart: ChartView) {
    const element = chart.element;
    this.element = element;
    element.tabIndex = 0;
    element.setAttribute('role', 'application');
    element.setAttribute('aria-roledescription', 'convergence-rate map');
    element.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown Enter Space');
    element.addEventListener('keydown', (e) => this.onKey(e));
    // Focused, the keyboard's cell starts where the selected run is (or the map's middle).
    element.addEventListener('focus', () => {
      this.cursor = this.startCell();
      this.showCursor();
    });
  }

  /** The cells for η up to `etaMax` (computed again only when the quadratic or the reach changed). */
  cellRows(eigenvalues: readonly number[], etaMax: number): readonly Row[] {
    const key = JSON.stringify([eigenvalues, etaMax]);
    if (key !== this.cellsKey) {
      this.cellsKey = key;
      this.cells = rateMapCells(eigenvalues, etaMax);
    }
    return this.cells as unknown as Row[];
  }

  /** The keyboard's cell as rows (none before a key was pressed). */
  cursorRows(): readonly Row[] {
    const c = this.cursor && this.cells.find((x) => x.column === this.cursor!.column && x.row === this.cursor!.row);
    return c ? [c as unknown as Row] : [];
  }

  /**
   * A new embed: a click moves the selected run to the centre of the cell under the pointer (found
   * from the plotted coordinates: a picked item can be a neighbour whose bounds overlap by a pixel).
   */
  attach(view: View): void {
    view.addEventListener('click', (event) => {
      const at = plotPoint(view, event as MouseEvent);
      const cell = at && this.cells.find((c) => at.x >= c.eta0 && at.x < c.eta1 && at.y >= c.beta0 && at.y < c.beta1);
      if (!cell) return;
      // The keyboard's cell follows the click (the click focused the map: its cursor is shown).
      this.cursor = { column: cell.column, row: cell.row };
      this.showCursor();
      this.moveSelected(cell.eta, cell.beta);
    });
  }

  /** Moves the selected run to (η, β), rounded as the fields write them. */
  moveSelected(eta: number, beta: number): void {
    const s = this.store.state;
    const refused = rateMapRefusal(s);
    if (refused || !s.experiment) {
      this.model.log('info', `The convergence-rate map: ${refused ?? 'no experiment'}.`);
      return;
    }
    const i = s.view.selectedRun;
    let exp = s.experiment;
    const b = round(beta);
    if (exp.runs[i]!.optimizer === 'gd' && b > 0) exp = setOptimizer(exp, i, 'momentum');
    exp = setHyperparameter(exp, i, 'lr', round(eta));
    if (exp.runs[i]!.optimizer !== 'gd') exp = setHyperparameter(exp, i, 'momentum', b);
    this.model.edit(exp);
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      const start = this.cursor ?? this.startCell();
      this.cursor = {
        column: Math.min(RATE_MAP_COLUMNS - 1, Math.max(0, start.column + move[0])),
        row: Math.min(RATE_MAP_ROWS - 1, Math.max(0, start.row + move[1])),
      };
      this.showCursor();
    } else if ((e.key === 'Enter' || e.key === ' ') && this.cursor) {
      e.preventDefault();
      const c = this.cells.find((x) => x.column === this.cursor!.column && x.row === this.cursor!.row);
      if (c) this.moveSelected(c.eta, c.beta);
    }
  }

  /** The keyboard starts at the selected run's cell, or the map's middle. */
  private startCell(): { column: number; row: number } {
    const s = this.store.state;
    const run = s.experiment?.runs[s.view.selectedRun];
    let at: { eta: number; beta: number } | undefined;
    try { at = run ? rateMapPlace(run) : undefined; } catch { at = undefined; }
    const c = at && this.cells.reduce<RateMapCell | undefined>((best, x) => (!best || Math.hypot((x.eta - at!.eta) / x.eta, x.beta - at!.beta)
      < Math.hypot((best.eta - at!.eta) / best.eta, best.beta - at!.beta) ? x : best), undefined);
    return c ? { column: c.column, row: c.row } : { column: RATE_MAP_COLUMNS >> 1, row: RATE_MAP_ROWS >> 1 };
  }

  private showCursor(): void {
    const c = this.cursorRows()[0] as unknown as RateMapCell | undefined;
    this.chart.clear('rateCursor');
    this.chart.insert('rateCursor', this.cursorRows());
    this.element.setAttribute('aria-label', c
      ? `η ${formatValue(c.eta)}, β ${formatValue(c.beta)}: rate ${c.rate >= 1 ? `${formatValue(c.rate)}, diverges` : formatValue(c.rate)} per step. Enter moves the selected run here.`
      : 'Convergence-rate map');
  }
}
