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
import { crossingRows, extremaIndices, formatParams, withCurvature, type CrossingRow, type EventRow, type PointRow } from '../charts';
import { measuredColumn } from '../engine/curvature/crossing';
import type { RunSpec } from '../engine/types';
import { fromWire, type PointSeries, type RunResult } from '../protocol';

interface RunPoints {
  dim: number;
  steps: number[];
  loss: number[];
  params: number[];
  gradNorm: number[];
  lr: number[];
  /** With curvature: λmax(H) per point, and λmax(P⁻¹H) for adaptive optimizers (empty without). */
  sharpness: number[];
  preconditionedSharpness: number[];
  /** Points per display bucket (when `stepWidth` is 0). */
  span: number;
  /**
   * Steps per display bucket, for a run of known length: buckets are fixed step ranges
   * [k·w, (k+1)·w) from the start, sized so the whole run fits the cap, so rows once shown are
   * final (no thinning again, no `replace`). 0: buckets of `span` points, doubled as needed.
   */
  stepWidth: number;
  /** Raw index where the first incomplete bucket starts. */
  bucketStart: number;
  /** Rows shown in the charts. */
  display: PointRow[];
  /** The run ended: its last point is shown too. */
  finished: boolean;
}

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
    for (const run of this.runs.values()) run.display = run.display.map((r) => this.makeRow(r.run, this.indexOf(run, r.step)));
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
    const rows = this.closeBuckets(series.run, run);
    if (run.display.length > this.cap) return { run: series.run, replace: true, rows: this.rethin(series.run, run) };
    return { run: series.run, replace: series.replace, rows };
  }

  /** The run ended: show what is left of its last bucket and its very last point. */
  finish(runIndex: number): DisplayDelta {
    const run = this.runs.get(runIndex);
    if (!run || run.finished) return { run: runIndex, replace: false, rows: [] };
    run.finished = true;
    const rows = this.bucketRows(runIndex, run, run.bucketStart, run.steps.length);
    const last = run.steps.length - 1;
    if (last >= 0 && !rows.some((r) => r.step === run.steps[last]) && run.display[run.display.length - 1]?.step !== run.steps[last]) {
      rows.push(this.makeRow(runIndex, last));
    }
    run.bucketStart = run.steps.length;
    pushAll(run.display, rows);
    return { run: runIndex, replace: false, rows };
  }

  /** Emits the min/max rows of every complete bucket. */
  private closeBuckets(runIndex: number, run: RunPoints): PointRow[] {
    const out: PointRow[] = [];
    for (let end = this.bucketEnd(run, run.bucketStart); end !== undefined; end = this.bucketEnd(run, run.bucketStart)) {
      pushAll(out, this.bucketRows(runIndex, run, run.bucketStart, end));
      run.bucketStart = end;
    }
    pushAll(run.display, out);
    return out;
  }

  /** Where the bucket starting at raw index `start` ends (exclusive), or undefined while it is incomplete. */
  private bucketEnd(run: RunPoints, start: number): number | undefined {
    const n = run.steps.length;
    if (start >= n) return undefined;
    if (run.stepWidth > 0) {
      const limit = (Math.floor(run.steps[start]! / run.stepWidth) + 1) * run.stepWidth;
      let i = start;
      while (i < n && run.steps[i]! < limit) i++;
      return i < n ? i : undefined;
    }
    return start + run.span <= n ? start + run.span : undefined;
  }

  /** Doubles the bucket size until the run's rows fit under the cap, rebuilding them. */
  private rethin(runIndex: number, run: RunPoints): PointRow[] {
    while (run.display.length > this.cap) {
      if (run.stepWidth > 0) run.stepWidth *= 2;
      else run.span *= 2;
      run.bucketStart = 0;
      run.display = [];
      this.closeBuckets(runIndex, run);
    }
    return [...run.display];
  }

  /**
   * Rows of the lowest- and highest-loss points of raw indices [from, to), in step order; the
   * run's first point is always among them (the start marker and the loss ceiling read it).
   */
  private bucketRows(runIndex: number, run: RunPoints, from: number, to: number): PointRow[] {
    if (to <= from) return [];
    if (from === 0) {
      const rest = this.bucketRows(runIndex, run, 1, to);
      return [this.makeRow(runIndex, 0), ...rest];
    }
    const extrema = extremaIndices(run.loss, from, to);
    if (!extrema) return [this.makeRow(runIndex, from)];
    const [lo, hi] = extrema;
    if (lo === hi) return [this.makeRow(runIndex, lo)];
    const [a, b] = lo < hi ? [lo, hi] : [hi, lo];
    return [this.makeRow(runIndex, a), this.makeRow(runIndex, b)];
  }

  private indexOf(run: RunPoints, step: number): number {
    // Steps are ascending: binary search.
    let lo = 0;
    let hi = run.steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (run.steps[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
    let i = this.indexOf(run, step);
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
    let k = this.indexOf(run, step);
    if (run.steps[k]! > step && k > 0) k--;
    return run.params.slice(k * run.dim, (k + 1) * run.dim);
  }

  /** Run `runIndex`'s point at the last step at or before `step`, of every point received (the charts' texts). */
  pointAt(runIndex: number, step: number): { step: number; loss: number; gradNorm: number; lr: number; params: number[]; sharpness?: number } | undefined {
    const run = this.runs.get(runIndex);
    if (!run || run.steps.length === 0 || run.steps[0]! > step) return undefined;
    let k = this.indexOf(run, step);
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

/** The index of the first row whose step is after `step` (rows in ascending steps). */
function firstAfter(rows: readonly PointRow[], step: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `target.push(...source)` without the argument-count limit of a spread. */
function pushAll<T>(target: T[], source: readonly T[]): void {
  for (let i = 0; i < source.length; i++) target.push(source[i]!);
}

type RunSpecPart = Pick<RunSpec, 'optimizer' | 'hyperparameters'>;

/** A run's points as curvature columns (src/engine/curvature/crossing.ts). */
function curvatureColumns(run: RunPoints): { steps: number[]; count: number; lr: number[]; sharpness: number[]; preconditionedSharpness?: number[] } {
  return {
    steps: run.steps, count: run.steps.length, lr: run.lr, sharpness: run.sharpness,
    ...(run.preconditionedSharpness.length > 0 ? { preconditionedSharpness: run.preconditionedSharpness } : {}),
  };
}
