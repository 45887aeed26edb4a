/**
 * Every point the panel has been sent, per run, and the chart rows shown for them.
 *
 * The host streams `PointSeries` (columnar, `null` for non-finite numbers). The store keeps every
 * point (the scrubber, the formula view and divergence markers read them) but shows at most about
 * `cap` rows per run in the charts: a chart 500 px wide cannot show more, and every Vega update
 * costs time proportional to the rows it holds, so 4 runs × 10,000 steps would otherwise make
 * each streamed batch slower than the last.
 *
 * Display rows are min–max decimated as points stream in (`downsampleMinMax`'s buckets, src/charts,
 * done incrementally: `extremaIndices`): points are grouped into consecutive buckets of `span` points,
 * and each complete bucket shows its lowest- and highest-loss points, so spikes and the best loss
 * survive. `span` starts at 1 (every point shown); when a run's rows exceed `cap`, `span` doubles
 * and that run's rows are rebuilt (a `replace` delta). A run's last point is added when it ends,
 * its first is always shown. When the panel says how many steps the runs take (`expectSteps`),
 * buckets are fixed step ranges sized for the whole run instead, so a row once shown stays: no
 * rebuild while streaming (each one removed half of the rows of every chart at once).
 */
import { crossingRows, formatParams, withCurvature, type CrossingRow, type EventRow, type PointRow } from '../charts';
import { measuredColumn } from '../engine/curvature/crossing';
import type { RunSpec } from '../engine/types';
import { fromWire, type PointSeries, type RunResult } from '../protocol';
import { bucketRows, closeBuckets, curvatureColumns, firstAfter, indexOf, pushAll, rethin, type RunPoints } from './runPoints';

type RunSpecPart = Pick<RunSpec, 'optimizer' | 'hyperparameters'>;

/** What changed in the charts' rows of one run. */
export interface DisplayDelta {
  readonly run: number;
  /** Drop every row of this run shown so far before inserting `rows`. */
  readonly replace: boolean;
  readonly rows: PointRow[];
}

/** Rows per run above which the display is thinned (2 rows per bucket). */
export const DEFAULT_DISPLAY_CAP = 400;

export class PointStore {
  private runs = new Map<number, RunPoints>();

  constructor(private dims: readonly [number, number] = [0, 1], private labelOf: (run: number) => string = (r) => `run ${r + 1}`,
    private readonly cap = DEFAULT_DISPLAY_CAP) {}

  /** A run's optimizer and hyperparameters, for its stability threshold (curvature rows). */
  private specOf: (run: number) => RunSpecPart | undefined = () => undefined;

  /** Steps the runs will take (the experiment's `steps`); 0 when unknown. */
  private expectedSteps = 0;

  /**
   * The runs about to stream take `steps` steps (null: unknown). Runs of known length are thinned
   * in fixed step buckets from the start (see `RunPoints.stepWidth`); applies to runs added after.
   */
  expectSteps(steps: number | null | undefined): void {
    this.expectedSteps = steps !== null && steps !== undefined && Number.isFinite(steps) && steps > 0 ? Math.floor(steps) : 0;
  }

  /** Forgets everything (a new run of the experiment began). */
  reset(labelOf?: (run: number) => string, specOf?: (run: number) => RunSpecPart | undefined): void {
    this.runs.clear();
    if (labelOf) this.labelOf = labelOf;
    if (specOf) this.specOf = specOf;
  }

  /** Plots other coordinates; every shown row is rebuilt (read them with `allRows`). */
  setDims(dims: readonly [number, number]): void {
    this.dims = dims;
    for (const run of this.runs.values()) run.display = run.display.map((r) => this.makeRow(r.run, indexOf(run, r.step)));
  }

  /**
   * Adds a series and returns the change to the rows shown for its run. With `series.replace`
   * (the host re-downsampled a long run), the run's earlier points are dropped first.
   */
  add(series: PointSeries): DisplayDelta {
    let run = this.runs.get(series.run);
    if (!run || series.replace) {
      run = { dim: series.dim, steps: [], loss: [], params: [], gradNorm: [], lr: [], sharpness: [], preconditionedSharpness: [], span: 1, bucketStart: 0, display: [], finished: false,
        stepWidth: this.expectedSteps > 0 ? Math.max(1, Math.ceil((this.expectedSteps + 1) / Math.max(1, Math.floor(this.cap / 2) - 1))) : 0 };
      this.runs.set(series.run, run);
    }
    pushAll(run.steps, series.steps);
    pushAll(run.loss, fromWire(series.loss));
    pushAll(run.params, fromWire(series.params));
    pushAll(run.gradNorm, fromWire(series.gradNorm));
    pushAll(run.lr, fromWire(series.lr));
    if (series.sharpness) pushAll(run.sharpness, fromWire(series.sharpness));
    if (series.preconditionedSharpness) pushAll(run.preconditionedSharpness, fromWire(series.preconditionedSharpness));
    const rows = closeBuckets(run, (i) => this.makeRow(series.run, i));
    if (run.display.length > this.cap) return { run: series.run, replace: true, rows: rethin(run, this.cap, (i) => this.makeRow(series.run, i)) };
    return { run: series.run, replace: series.replace, rows };
  }

  /** The run ended: show what is left of its last bucket and its very last point. */
  finish(runIndex: number): DisplayDelta {
    const run = this.runs.get(runIndex);
    if (!run || run.finished) return { run: runIndex, replace: false, rows: [] };
    run.finished = true;
    const rows = bucketRows(run, run.bucketStart, run.steps.length, (i) => this.makeRow(runIndex, i));
    const last = run.steps.length - 1;
    if (last >= 0 && !rows.some((r) => r.step === run.steps[last]) && run.display[run.display.length - 1]?.step !== run.steps[last]) {
      rows.push(this.makeRow(runIndex, last));
    }
    run.bucketStart = run.steps.length;
    pushAll(run.display, rows);
    return { run: runIndex, replace: false, rows };
  }

  private makeRow(runIndex: number, i: number): PointRow {
    const run = this.runs.get(runIndex)!;
    const [dx, dy] = this.dims;
    const p = run.params.slice(i * run.dim, (i + 1) * run.dim);
    const row: PointRow = {
      run: runIndex, label: this.labelOf(runIndex), step: run.steps[i]!, loss: run.loss[i]!,
      x: p[dx] ?? 0, y: run.dim > 1 ? (p[dy] ?? 0) : 0,
      gradNorm: run.gradNorm[i]!, lr: run.lr[i]!, params: formatParams(p),
    };
    const spec = run.sharpness.length > 0 ? this.specOf(runIndex) : undefined;
    return spec ? withCurvature([row], spec, { ...curvatureColumns(run), fromStep: row.step - i })[0]! : row;
  }

  /** Run `runIndex`'s learning rate and bounded curvature at the last point at or before `step`. */
  curvatureAt(runIndex: number, step: number): { step: number; lr: number; value: number } | undefined {
    const run = this.runs.get(runIndex);
    const spec = run && run.sharpness.length > 0 ? this.specOf(runIndex) : undefined;
    if (!run || !spec || run.steps.length === 0) return undefined;
    let i = indexOf(run, step);
    if (run.steps[i]! > step) i--;
    if (i < 0) return undefined;
    const { values } = measuredColumn(spec, curvatureColumns(run));
    return values ? { step: run.steps[i]!, lr: run.lr[i]!, value: values[i] as number } : undefined;
  }

  /** Where each run's curvature crossed its stability threshold, up to `step` (the sharpness chart, the run cards). */
  crossingRows(step: number): CrossingRow[] {
    const out: CrossingRow[] = [];
    for (const [index, run] of this.runs) {
      const spec = run.sharpness.length > 0 ? this.specOf(index) : undefined;
      if (!spec) continue;
      for (const c of crossingRows(spec, index, this.labelOf(index), curvatureColumns(run))) if (c.step <= step) out.push(c);
    }
    return out;
  }

  /** Every row shown, in run order. */
  allRows(): PointRow[] {
    return [...this.runs.keys()].sort((a, b) => a - b).flatMap((r) => this.runs.get(r)!.display);
  }

  /** The rows shown with `after < step ≤ upTo`, in run order (`run`: of that run only). */
  rowsIn(after: number, upTo: number, run?: number): PointRow[] {
    const out: PointRow[] = [];
    for (const r of [...this.runs.keys()].sort((a, b) => a - b)) {
      if (run !== undefined && r !== run) continue;
      const display = this.runs.get(r)!.display;
      for (let i = firstAfter(display, after); i < display.length && display[i]!.step <= upTo; i++) out.push(display[i]!);
    }
    return out;
  }

  /** The runs that have points, in order. */
  runIndices(): number[] {
    return [...this.runs.keys()].sort((a, b) => a - b);
  }

  /** The rows of `run` from index `from` whose step is at most `upTo` (rows are in ascending steps). */
  rowsFrom(run: number, from: number, upTo: number): PointRow[] {
    const display = this.runs.get(run)?.display ?? [];
    const out: PointRow[] = [];
    for (let i = from; i < display.length && display[i]!.step <= upTo; i++) out.push(display[i]!);
    return out;
  }

  /** How many rows of `run` have a step at most `step`. */
  countUpTo(run: number, step: number): number {
    return firstAfter(this.runs.get(run)?.display ?? [], step);
  }

  /** The first step of a shown row after `step`, in any run (the playback's Step), or undefined. */
  nextStep(step: number): number | undefined {
    let next: number | undefined;
    for (const run of this.runs.values()) {
      const row = run.display[firstAfter(run.display, step)];
      if (row && (next === undefined || row.step < next)) next = row.step;
    }
    return next;
  }

  /** The largest step of any run (the scrubber's range). */
  maxStep(): number {
    let m = 0;
    for (const run of this.runs.values()) if (run.steps.length > 0) m = Math.max(m, run.steps[run.steps.length - 1]!);
    return m;
  }

  /** The parameters of `run` at the last point at or before `step`. */
  paramsAt(runIndex: number, step: number): number[] | undefined {
    const run = this.runs.get(runIndex);
    if (!run || run.steps.length === 0) return undefined;
    let k = indexOf(run, step);
    if (run.steps[k]! > step && k > 0) k--;
    return run.params.slice(k * run.dim, (k + 1) * run.dim);
  }

  /** Run `runIndex`'s point at the last step at or before `step`, of every point received (the charts' texts). */
  pointAt(runIndex: number, step: number): { step: number; loss: number; gradNorm: number; lr: number; params: number[]; sharpness?: number } | undefined {
    const run = this.runs.get(runIndex);
    if (!run || run.steps.length === 0 || run.steps[0]! > step) return undefined;
    let k = indexOf(run, step);
    if (k >= run.steps.length || run.steps[k]! > step) k--;
    const point = { step: run.steps[k]!, loss: run.loss[k]!, gradNorm: run.gradNorm[k]!, lr: run.lr[k]!, params: run.params.slice(k * run.dim, (k + 1) * run.dim) };
    const spec = run.sharpness.length > 0 ? this.specOf(runIndex) : undefined;
    const measured = spec ? measuredColumn(spec, curvatureColumns(run)).values?.[k] : undefined;
    return measured === undefined ? point : { ...point, sharpness: measured };
  }

  /** Every loss of a run received so far, and the step of each. */
  lossesOf(runIndex: number): { readonly losses: readonly number[]; readonly steps: readonly number[] } {
    const run = this.runs.get(runIndex);
    return { losses: run?.loss ?? [], steps: run?.steps ?? [] };
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

  /** Points received (every one, shown or not). */
  get pointCount(): number {
    let n = 0;
    for (const run of this.runs.values()) n += run.steps.length;
    return n;
  }

  /** Rows shown in the charts. */
  get displayCount(): number {
    let n = 0;
    for (const run of this.runs.values()) n += run.display.length;
    return n;
  }
}
