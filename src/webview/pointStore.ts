/**
 * Every point the panel has been sent, per run, and the chart rows made from them.
 *
 * The host streams `PointSeries` (columnar, `null` for non-finite numbers); the store keeps them
 * as rows of the charts' `points` source (src/charts/rows.ts) and can rebuild every row when the
 * plotted coordinates change (a loss with more than two parameters) or a chart is re-embedded.
 */
import { formatParams, type EventRow, type PointRow } from '../charts';
import { fromWire, type PointSeries, type RunResult } from '../protocol';

interface RunPoints {
  dim: number;
  steps: number[];
  loss: number[];
  params: number[];
  gradNorm: number[];
  lr: number[];
}

export class PointStore {
  private runs = new Map<number, RunPoints>();
  private rows = new Map<number, PointRow[]>();

  constructor(private dims: readonly [number, number] = [0, 1], private labelOf: (run: number) => string = (r) => `run ${r + 1}`) {}

  /** Forgets everything (a new run of the experiment began). */
  reset(labelOf?: (run: number) => string): void {
    this.runs.clear();
    this.rows.clear();
    if (labelOf) this.labelOf = labelOf;
  }

  /** Plots other coordinates; every row is rebuilt. */
  setDims(dims: readonly [number, number]): void {
    this.dims = dims;
    this.rows.clear();
    for (const run of this.runs.keys()) this.rows.set(run, this.makeRows(run, 0));
  }

  /**
   * Adds a series and returns the rows it produced. With `replace`, the run's earlier points are
   * dropped first (the caller removes that run's rows from the views).
   */
  add(series: PointSeries): PointRow[] {
    let run = this.runs.get(series.run);
    if (!run || series.replace) {
      run = { dim: series.dim, steps: [], loss: [], params: [], gradNorm: [], lr: [] };
      this.runs.set(series.run, run);
      this.rows.set(series.run, []);
    }
    const from = run.steps.length;
    pushAll(run.steps, series.steps);
    pushAll(run.loss, fromWire(series.loss));
    pushAll(run.params, fromWire(series.params));
    pushAll(run.gradNorm, fromWire(series.gradNorm));
    pushAll(run.lr, fromWire(series.lr));
    const rows = this.makeRows(series.run, from);
    pushAll(this.rows.get(series.run)!, rows);
    return rows;
  }

  private makeRows(runIndex: number, from: number): PointRow[] {
    const run = this.runs.get(runIndex)!;
    const label = this.labelOf(runIndex);
    const [dx, dy] = this.dims;
    const out: PointRow[] = [];
    for (let i = from; i < run.steps.length; i++) {
      const p = run.params.slice(i * run.dim, (i + 1) * run.dim);
      out.push({
        run: runIndex, label, step: run.steps[i]!, loss: run.loss[i]!,
        x: p[dx] ?? 0, y: run.dim > 1 ? (p[dy] ?? 0) : 0,
        gradNorm: run.gradNorm[i]!, lr: run.lr[i]!, params: formatParams(p),
      });
    }
    return out;
  }

  /** All rows, in run order. */
  allRows(): PointRow[] {
    return [...this.rows.keys()].sort((a, b) => a - b).flatMap((r) => this.rows.get(r)!);
  }

  /** The largest step of any run (the scrubber's range). */
  maxStep(): number {
    let m = 0;
    for (const run of this.runs.values()) if (run.steps.length > 0) m = Math.max(m, run.steps[run.steps.length - 1]!);
    return m;
  }

  /** The parameters of `run` at the last point at or before `step` (the surface slice, a click's other coordinates). */
  paramsAt(runIndex: number, step: number): number[] | undefined {
    const run = this.runs.get(runIndex);
    if (!run || run.steps.length === 0) return undefined;
    let k = 0;
    while (k + 1 < run.steps.length && run.steps[k + 1]! <= step) k++;
    return run.params.slice(k * run.dim, (k + 1) * run.dim);
  }

  /** The last finite loss of a run before it stopped (where a divergence is drawn). */
  lastFiniteLoss(runIndex: number): number | null {
    const run = this.runs.get(runIndex);
    if (!run) return null;
    for (let i = run.loss.length - 1; i >= 0; i--) if (Number.isFinite(run.loss[i])) return run.loss[i]!;
    return null;
  }

  /** Divergence markers for the runs that diverged: where (step) and why (message). */
  eventRows(results: readonly RunResult[]): EventRow[] {
    return results
      .filter((r) => r.status === 'diverged')
      .map((r) => ({ run: r.run, label: this.labelOf(r.run), step: r.steps, loss: this.lastFiniteLoss(r.run), message: r.message ?? 'diverged' }));
  }

  get pointCount(): number {
    let n = 0;
    for (const rows of this.rows.values()) n += rows.length;
    return n;
  }
}

/** `target.push(...source)` without the argument-count limit of a spread. */
function pushAll<T>(target: T[], source: readonly T[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}
