/**
 * The exact points of every run (for Export) and what of them the panel is shown, in bounded
 * memory: the points live in a `PointStore` (src/points: memory up to a budget, then files in the
 * extension's storage folder), and the panel's view is a thinned copy sent as it grows.
 *
 * Runs that fit the display budget (`maxPoints ≤ displayBudget`) are shown exactly, at most
 * `chunkBudget` points per run per batch (the rest follows in the next batches, so one message
 * never carries a whole run). Longer runs are shown by fixed buckets of steps, each bucket's least
 * and greatest loss (so spikes and the best value survive; a non-finite loss counts as greatest,
 * so a divergence stays visible), buckets sized so that the whole run fits the budget; a bucket is
 * sent when complete and never resent. With the default budget, runs of up to 3,999 steps are
 * shown exactly; 10,000 or 10,000,000 steps stay a few thousand points per run on screen, while
 * `exportPoints` writes every exact point.
 *
 * The host keeps of the view only the steps shown (a fresh `init` snapshot reads their points back
 * from the store), so its memory does not grow with the runs' length.
 */
import type { PointBatch, RunStatus } from '../engine/types';
import { toWire, type PointSeries, type RunResult, type ToWebview } from '../protocol';
import { LOSS, PARAMS, GRAD_NORM, LR, PointStore } from '../points/store';
import { ChunkedWriter, writePointsCsv, writePointsJson } from '../points/writers';
import { writeInPlace } from '../points/safeWrite';

/** What the panel has been shown of one run, and how the run ended. */
export class RunPoints {
  status: RunStatus = 'running';
  message?: string;
  /** Points already sent to the panel (exact index): every step before `shown` was considered. */
  shown = 0;
  /** Points the panel holds for this run. */
  displayed = 0;
  /** The steps sent, when the run is thinned (exact runs send every step before `shown`). */
  readonly sentSteps: number[] = [];
  constructor(readonly label: string, private readonly store: PointStore, private readonly index: number) {}
  /** Points received. */
  get count(): number { return this.store.count(this.index); }
}

export interface DisplayBudget {
  /** At most this many points per run per batch message. */
  readonly chunkBudget: number;
  /** The most points the panel holds of one run. */
  readonly displayBudget: number;
}

/**
 * A chart a few hundred pixels wide cannot show more than a few thousand distinct points per line,
 * and every row costs the webview's Vega dataflow (hover voronoi, marks) on each update.
 */
export const DEFAULT_BUDGET: DisplayBudget = { chunkBudget: 1000, displayBudget: 4000 };

export interface ResultsStoreOptions {
  /** The most points a run can have (steps + 1). */
  readonly maxPoints: number;
  /** Folder under which the points spill to files when they outgrow memory (the extension's storage). */
  readonly spillRoot: string;
  readonly budget?: DisplayBudget;
  /** Bytes of points held in memory before spilling (src/points default when absent). */
  readonly memoryBytes?: number;
  /** Whether the points carry each step's sharpness and preconditioned sharpness (`"curvature": true`), kept and exported with them. */
  readonly curvature?: boolean;
}

/** Every run's exact points, and the display thinning. */
export class ResultsStore {
  readonly runs: RunPoints[];
  /** Whether every point is shown (runs no longer than the display budget). */
  readonly exact: boolean;
  /** Steps per display bucket of a thinned run. */
  readonly bucket: number;
  readonly budget: DisplayBudget;
  private readonly points: PointStore;
  private users = 0;
  private disposing = false;

  constructor(labels: readonly string[], readonly dim: number, options: ResultsStoreOptions) {
    this.budget = options.budget ?? DEFAULT_BUDGET;
    this.points = new PointStore({
      runs: labels.length, dim, spillRoot: options.spillRoot, curvature: options.curvature === true,
      ...(options.memoryBytes !== undefined ? { memoryBytes: options.memoryBytes } : {}),
    });
    this.runs = labels.map((l, i) => new RunPoints(l, this.points, i));
    this.exact = options.maxPoints <= this.budget.displayBudget;
    this.bucket = this.exact ? 0 : Math.ceil(options.maxPoints / Math.floor(this.budget.displayBudget / 2));
  }

  /** Appends the batches; returns the ones refused (unknown run, or a gap/overlap in steps). */
  append(batches: readonly PointBatch[]): PointBatch[] {
    return batches.filter((b) => !this.points.append(b));
  }

  /** Total points received over all runs. */
  get totalPoints(): number { return this.runs.reduce((s, r) => s + r.count, 0); }

  /** Run `run`'s parameters at `step` (the scrubber). */
  paramsAt(run: number, step: number): Float64Array {
    return this.points.paramsAt(run, step);
  }

  /** The series of run `run` at the given ascending steps (read back from the store). */
  private series(run: number, steps: readonly number[], replace: boolean): PointSeries {
    const dim = this.dim, stride = this.points.stride;
    const loss = new Float64Array(steps.length), gradNorm = new Float64Array(steps.length), lr = new Float64Array(steps.length);
    const params = new Float64Array(steps.length * dim);
    // With curvature (DESIGN "Curvature"): λmax(H) per point, and λmax(P⁻¹H) for adaptive optimizers.
    const at = this.points.sharpnessOffset;
    const sharpness = new Float64Array(at !== undefined ? steps.length : 0), preconditioned = new Float64Array(sharpness.length);
    const contiguous = steps.length > 0 && steps[steps.length - 1]! - steps[0]! === steps.length - 1;
    const block = contiguous ? this.points.read(run, steps[0]!, steps.length) : undefined;
    steps.forEach((step, k) => {
      const record = block ? block.subarray(k * stride, (k + 1) * stride) : this.points.read(run, step, 1);
      loss[k] = record[LOSS]!;
      gradNorm[k] = record[GRAD_NORM]!;
      lr[k] = record[LR]!;
      params.set(record.subarray(PARAMS, PARAMS + dim), k * dim);
      if (at !== undefined) { sharpness[k] = record[at]!; preconditioned[k] = record[at + 1]!; }
    });
    const carried = this.points.curvatureOf(run);
    return {
      run, steps: [...steps], dim, replace, loss: toWire(loss), params: toWire(params), gradNorm: toWire(gradNorm), lr: toWire(lr),
      ...(carried.sharpness ? { sharpness: toWire(sharpness) } : {}),
      ...(carried.preconditionedSharpness ? { preconditionedSharpness: toWire(preconditioned) } : {}),
    };
  }

  /**
   * Steps in [from, to) to show of a thinned run: fixed buckets of `bucket` steps from `from`,
   * each bucket's least and greatest loss, plus `extra` steps (the start, the last point).
   */
  private bucketSteps(run: number, from: number, to: number, extra: readonly number[]): number[] {
    const out = extra.filter((i) => i >= from && i < to);
    const stride = this.points.stride;
    for (let lo = from; lo < to; lo += this.bucket) {
      const hi = Math.min(lo + this.bucket, to);
      let iMin = lo, iMax = lo, vMin = NaN, vMax = NaN;
      for (const [start, records] of this.points.blocks(run, lo, hi)) {
        for (let k = 0, n = records.length / stride; k < n; k++) {
          const i = start + k, v = records[k * stride + LOSS]!;
          if (i === lo) { vMin = vMax = v; continue; }
          if (v < vMin) { iMin = i; vMin = v; }
          if (!(v <= vMax) && !(Number.isNaN(v) && Number.isNaN(vMax))) { iMax = i; vMax = v; }
        }
      }
      out.push(iMin, iMax);
    }
    out.sort((a, b) => a - b);
    return out.filter((v, i) => i === 0 || v !== out[i - 1]);
  }

  /**
   * The next display batch of run `run`: its points from `shown` up to `upTo` (default: all
   * received), thinned per the budget; undefined when there is nothing new.
   */
  takeDisplay(run: number, upTo?: number): PointSeries | undefined {
    const r = this.runs[run];
    if (!r) return undefined;
    const end = Math.min(upTo ?? r.count, r.count);
    if (end <= r.shown) return undefined;
    if (this.exact) {
      const to = Math.min(end, r.shown + this.budget.chunkBudget);
      const s = this.series(run, Array.from({ length: to - r.shown }, (_, k) => r.shown + k), false);
      r.displayed += s.steps.length;
      r.shown = to;
      return s;
    }
    // Complete buckets only, until the run ended; then the rest.
    const ended = r.status !== 'running' && end === r.count;
    const to = ended ? end : Math.floor(end / this.bucket) * this.bucket;
    if (to <= r.shown) return undefined;
    const steps = this.bucketSteps(run, r.shown, to, [0, ...(ended ? [to - 1] : [])]);
    r.sentSteps.push(...steps);
    r.displayed += steps.length;
    r.shown = to;
    return this.series(run, steps, false);
  }

  /** Everything shown so far, as `replace` series (for a fresh `init` snapshot). */
  snapshot(): PointSeries[] {
    const out: PointSeries[] = [];
    this.runs.forEach((r, run) => {
      if (r.shown === 0) return;
      const steps = this.exact ? Array.from({ length: r.shown }, (_, k) => k) : r.sentSteps;
      out.push(this.series(run, steps, true));
      r.displayed = steps.length;
    });
    return out;
  }

  /** Runs `task` with the points kept readable: a `dispose` meanwhile waits for it to end. */
  async use<T>(task: (points: PointStore) => Promise<T>): Promise<T> {
    if (this.disposing) throw new Error('these results were replaced by a newer run');
    this.users++;
    try {
      return await task(this.points);
    } finally {
      this.users--;
      if (this.users === 0 && this.disposing) this.points.dispose();
    }
  }

  /** Lets go of the points (deletes their spill files), once no export reads them. */
  dispose(): void {
    this.disposing = true;
    if (this.users === 0) this.points.dispose();
  }
}

/** A run as runs.json names it. */
export interface ExportedRun {
  readonly label: string;
  readonly optimizer: string;
  readonly hyperparameters: unknown;
}

/**
 * Writes every exact point of `store` into `dir`: `points.csv` (run, label, step, loss, grad_norm,
 * lr, p0, p1, …, and the sharpness columns with curvature) and `runs.json` (the CLI's `--json`
 * shape, each point also with gradNorm and lr; non-finite numbers as null), streamed, each file
 * whole or absent. Returns the names written.
 */
export async function exportPoints(store: ResultsStore, dir: string, runs: readonly (ExportedRun | undefined)[]): Promise<string[]> {
  return store.use(async (points) => {
    await writeInPlace(dir, 'points.csv', (stream) =>
      writePointsCsv(new ChunkedWriter(stream), points, store.runs.map((r, index) => ({ index, label: r.label }))));
    await writeInPlace(dir, 'runs.json', async (stream) => {
      const out = new ChunkedWriter(stream);
      await out.write('{"runs":[');
      for (let run = 0; run < store.runs.length; run++) {
        const r = store.runs[run]!;
        const head = JSON.stringify({
          label: r.label, optimizer: runs[run]?.optimizer, hyperparameters: runs[run]?.hyperparameters,
          status: r.status, ...(r.message ? { message: r.message } : {}),
        });
        await out.write(`${run > 0 ? ',\n' : '\n'}${head.slice(0, -1)},"points":`);
        await writePointsJson(out, points, run, true);
        await out.write('}');
      }
      await out.write('\n]}\n');
      await out.flush();
    });
    return ['points.csv', 'runs.json'];
  });
}

/**
 * What the panel has not been shown yet, as messages: every run's new points (one `points`
 * message) and the end of each run whose points have all been shown (once: `ended[run]` marks it).
 * Updates `results` in place (the steps shown, how each run ended).
 */
export function takeUnshown(store: ResultsStore, results: RunResult[], ended: boolean[]): ToWebview[] {
  const messages: ToWebview[] = [];
  const series = [];
  for (let run = 0; run < store.runs.length; run++) {
    const s = store.takeDisplay(run);
    if (s) series.push(s);
  }
  if (series.length > 0) messages.push({ type: 'points', series });
  store.runs.forEach((r, run) => {
    const res = results[run];
    if (res) results[run] = { ...res, steps: Math.max(0, r.shown - 1) };
    if (r.status !== 'running' && !ended[run] && r.shown >= r.count) {
      ended[run] = true;
      const status = r.status as Exclude<RunStatus, 'running'>;
      results[run] = { ...results[run], status, ...(r.message ? { message: r.message } : {}) };
      messages.push({ type: 'runEnd', run, status, steps: Math.max(0, r.count - 1), ...(r.message ? { message: r.message } : {}) });
    }
  });
  return messages;
}
