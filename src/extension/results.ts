/**
 * The exact points of every run (for export) and what of them the panel is shown.
 *
 * Every point the worker streams is kept, in growing float64 columns. Runs that fit the display
 * budget (`steps + 1 ≤ displayBudget`) are shown exactly, at most `chunkBudget` points per run per
 * batch (the rest follows in the next batches, so one message never carries a whole run). Longer
 * runs are thinned to each fixed bucket's least and greatest loss (so spikes and the best value
 * survive), buckets sized so that the whole run fits the budget; a bucket is sent when complete
 * and never resent. (When the length is unknown, batches are thinned as they come and the run is
 * thinned again and resent with `replace: true` when it passes the budget.) With the default budget, runs of up to 3,999 steps are
 * shown exactly; 10,000 or 10,000,000 steps stay a few thousand points per run on screen, while
 * `resultsCsv`/`resultsJson` export every exact point.
 */
import type { PointBatch, RunStatus } from '../engine/types';
import { downsampleMinMax } from '../charts/downsample';
import { toWire, type PointSeries } from '../protocol';

/** A growing float64 column. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(values: Float64Array): void {
    if (this.length + values.length > this.data.length) {
      let size = this.data.length * 2;
      while (size < this.length + values.length) size *= 2;
      const next = new Float64Array(size);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }
  view(): Float64Array { return this.data.subarray(0, this.length); }
}

/** Exact points of one run: point i is step `i` (runs stream contiguously from step 0). */
export class RunPoints {
  readonly loss = new Column();
  readonly params = new Column();
  readonly gradNorm = new Column();
  readonly lr = new Column();
  status: RunStatus = 'running';
  message?: string;
  /** Points already sent to the panel (exact index). */
  shown = 0;
  /** Points the panel holds for this run (after thinning). */
  displayed = 0;
  constructor(readonly label: string, readonly dim: number) {}
  get count(): number { return this.loss.length; }
  /** Appends a batch; false (and nothing kept) when it does not continue the run where it stands. */
  append(b: PointBatch): boolean {
    if (b.fromStep !== this.count) return false;
    this.loss.push(b.loss.subarray(0, b.count));
    this.params.push(b.params.subarray(0, b.count * this.dim));
    this.gradNorm.push(b.gradNorm.subarray(0, b.count));
    this.lr.push(b.lr.subarray(0, b.count));
    return true;
  }
}

/** 0, 1, 2, … as a float64 column, grown on demand: the step numbers of contiguous points. */
let ramp = new Float64Array(0);
function stepsRamp(to: number): Float64Array {
  if (ramp.length < to) {
    ramp = new Float64Array(Math.max(to, ramp.length * 2, 1024));
    for (let i = 0; i < ramp.length; i++) ramp[i] = i;
  }
  return ramp;
}

/**
 * Indices in [from, to) to display: `downsampleMinMax` (src/charts) on the loss, which keeps the
 * first and last point and each bucket's least and greatest loss. Sorted, unique.
 */
export function minMaxIndices(values: Float64Array, from: number, to: number, buckets: number): number[] {
  if (to <= from) return [];
  const keep = downsampleMinMax(stepsRamp(to).subarray(from, to), values.subarray(from, to), buckets);
  return Array.from(keep, (i) => i + from);
}

/**
 * Indices in [from, to) for fixed buckets of `size` steps starting at `from`: each bucket's least
 * and greatest loss (a non-finite loss counts as greatest, so a divergence stays visible), plus
 * `extra` indices (the start, the last point). Sorted, unique. Fixed buckets let a long run of
 * known length stream at its final resolution: a bucket is sent once, when complete, never resent.
 */
export function bucketIndices(values: Float64Array, from: number, to: number, size: number, extra: readonly number[] = []): number[] {
  const out: number[] = [...extra.filter((i) => i >= from && i < to)];
  for (let lo = from; lo < to; lo += size) {
    const hi = Math.min(lo + size, to);
    let iMin = lo, iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      const v = values[i];
      if (v < values[iMin]) iMin = i;
      if (!(v <= values[iMax]) && !(Number.isNaN(v) && Number.isNaN(values[iMax]))) iMax = i;
    }
    out.push(iMin, iMax);
  }
  out.sort((a, b) => a - b);
  return out.filter((v, i) => i === 0 || v !== out[i - 1]);
}

export interface DisplayBudget {
  /** At most this many points per run per batch message. */
  readonly chunkBudget: number;
  /** Thin and resend a run once the panel holds more than this many of its points. */
  readonly displayBudget: number;
}

/**
 * A chart a few hundred pixels wide cannot show more than a few thousand distinct points per line,
 * and every row costs the webview's Vega dataflow (hover voronoi, marks) on each update.
 */
export const DEFAULT_BUDGET: DisplayBudget = { chunkBudget: 1000, displayBudget: 4000 };

/** Every run's exact points, and the display thinning. */
export class ResultsStore {
  readonly runs: RunPoints[];
  /** Whether every point is shown (runs no longer than the display budget). */
  readonly exact: boolean;
  /** `maxPoints`: the most points a run can have (steps + 1), when known. */
  constructor(labels: readonly string[], readonly dim: number, readonly budget: DisplayBudget = DEFAULT_BUDGET, maxPoints = Infinity) {
    this.runs = labels.map((l) => new RunPoints(l, dim));
    this.exact = maxPoints <= budget.displayBudget;
    this.bucket = !this.exact && Number.isFinite(maxPoints) ? Math.ceil(maxPoints / Math.floor(budget.displayBudget / 2)) : 0;
  }

  /** Steps per display bucket for long runs of known length (0: length unknown, thin and resend). */
  readonly bucket: number;

  private bucketSeries(run: number, from: number, to: number, ended: boolean, replace: boolean): PointSeries {
    const r = this.runs[run];
    const extra = [0, ...(ended ? [to - 1] : [])];
    return this.series(run, bucketIndices(r.loss.view(), from, to, this.bucket, extra), replace);
  }

  /** Appends the batches; returns the ones refused (unknown run, or a gap/overlap in steps). */
  append(batches: readonly PointBatch[]): PointBatch[] {
    return batches.filter((b) => !this.runs[b.run]?.append(b));
  }

  /** Total points received over all runs. */
  get totalPoints(): number { return this.runs.reduce((s, r) => s + r.count, 0); }

  /** The series for points of run `run` in [from, to) at the given indices. */
  private series(run: number, idx: readonly number[], replace: boolean): PointSeries {
    const r = this.runs[run];
    const pick = (c: Float64Array, stride: number): Float64Array => {
      const out = new Float64Array(idx.length * stride);
      idx.forEach((i, k) => { for (let d = 0; d < stride; d++) out[k * stride + d] = c[i * stride + d]; });
      return out;
    };
    return {
      run, steps: [...idx], dim: this.dim, replace,
      loss: toWire(pick(r.loss.view(), 1)),
      params: toWire(pick(r.params.view(), this.dim)),
      gradNorm: toWire(pick(r.gradNorm.view(), 1)),
      lr: toWire(pick(r.lr.view(), 1)),
    };
  }

  /**
   * The next display batch of run `run`: its points from `shown` up to `upTo` (default: all
   * received), thinned per the budget; undefined when there is nothing new.
   */
  takeDisplay(run: number, upTo?: number): PointSeries | undefined {
    const r = this.runs[run];
    const end = Math.min(upTo ?? r.count, r.count);
    if (end <= r.shown) return undefined;
    const { chunkBudget, displayBudget } = this.budget;
    let s: PointSeries;
    if (this.exact) {
      const to = Math.min(end, r.shown + chunkBudget);
      s = this.series(run, Array.from({ length: to - r.shown }, (_, k) => r.shown + k), false);
      r.displayed += s.steps.length;
      r.shown = to;
      return s;
    }
    if (this.bucket > 0) {
      // Complete buckets only, until the run ended; then the rest.
      const ended = r.status !== 'running' && end === r.count;
      const to = ended ? end : Math.floor(end / this.bucket) * this.bucket;
      if (to <= r.shown) return undefined;
      s = this.bucketSeries(run, r.shown, to, ended, false);
      r.displayed += s.steps.length;
      r.shown = to;
      return s;
    }
    if (r.displayed + Math.min(end - r.shown, chunkBudget) > displayBudget) {
      s = this.series(run, minMaxIndices(r.loss.view(), 0, end, Math.floor(displayBudget / 4)), true);
      r.displayed = s.steps.length;
    } else {
      s = this.series(run, minMaxIndices(r.loss.view(), r.shown, end, Math.floor(chunkBudget / 2)), false);
      r.displayed += s.steps.length;
    }
    r.shown = end;
    return s;
  }

  /** Everything shown so far, as `replace` series (for a fresh `init` snapshot). */
  snapshot(): PointSeries[] {
    const out: PointSeries[] = [];
    this.runs.forEach((r, run) => {
      if (r.shown === 0) return;
      const buckets = Math.floor(this.budget.displayBudget / (this.exact ? 2 : 4));
      const s = this.bucket > 0
        ? this.bucketSeries(run, 0, r.shown, r.status !== 'running' && r.shown === r.count, true)
        : this.series(run, minMaxIndices(r.loss.view(), 0, r.shown, buckets), true);
      r.displayed = s.steps.length;
      out.push(s);
    });
    return out;
  }
}

const csvNumber = (v: number): string => (Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN');
const csvText = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Every exact point as CSV: run, label, step, loss, gradNorm, lr, p0, p1, … */
export function resultsCsv(store: ResultsStore): string {
  const head = ['run', 'label', 'step', 'loss', 'gradNorm', 'lr', ...Array.from({ length: store.dim }, (_, d) => `p${d}`)];
  const lines = [head.join(',')];
  store.runs.forEach((r, run) => {
    const loss = r.loss.view(), p = r.params.view(), g = r.gradNorm.view(), lr = r.lr.view();
    const label = csvText(r.label);
    for (let i = 0; i < r.count; i++) {
      const row = [String(run), label, String(i), csvNumber(loss[i]), csvNumber(g[i]), csvNumber(lr[i])];
      for (let d = 0; d < store.dim; d++) row.push(csvNumber(p[i * store.dim + d]));
      lines.push(row.join(','));
    }
  });
  return lines.join('\n') + '\n';
}

const jsonNumber = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Every exact point as the CLI's `--json` shape (non-finite numbers as null). */
export function resultsJson(
  store: ResultsStore, runs: readonly { readonly label: string; readonly optimizer: string; readonly hyperparameters: unknown }[],
): unknown {
  return {
    runs: store.runs.map((r, run) => {
      const loss = r.loss.view(), p = r.params.view(), g = r.gradNorm.view(), lr = r.lr.view();
      const points = [];
      for (let i = 0; i < r.count; i++) {
        points.push({
          step: i, loss: jsonNumber(loss[i]), gradNorm: jsonNumber(g[i]), lr: jsonNumber(lr[i]),
          params: Array.from(p.subarray(i * store.dim, (i + 1) * store.dim), jsonNumber),
        });
      }
      return {
        label: r.label, optimizer: runs[run]?.optimizer, hyperparameters: runs[run]?.hyperparameters,
        status: r.status, ...(r.message ? { message: r.message } : {}), points,
      };
    }),
  };
}
