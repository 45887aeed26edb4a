/**
 * Every exact point of a `PointStore`, written as text in order with back-pressure: `points.csv`
 * (the CLI's `--out`, the panel's Export) and the `points` array of the `--json` contract. Nothing
 * is built as one string: ten million steps of JSON is gigabytes.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { GRAD_NORM, LOSS, LR, PARAMS, type PointStore } from './store';

/** Buffers text and writes it in ~1 MB chunks, waiting when the stream asks to. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly stream: Writable) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 48 << 10) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

/**
 * A text cell of points.csv: quoted when it holds a separator or a quote, and, when it begins
 * with a character a spreadsheet reads as the start of a formula (`= + - @`, tab, carriage
 * return), prefixed with an apostrophe so that it stays text (OWASP "CSV injection").
 */
export function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A run of the store and its label, as points.csv names it. */
export interface CsvRun {
  readonly index: number;
  readonly label: string;
}

/** The header of points.csv for `dim` parameters, and the curvature columns after them when `curvature`. */
export function csvHeader(dim: number, curvature = false): string {
  return ['run', 'label', 'step', 'loss', 'grad_norm', 'lr', ...Array.from({ length: dim }, (_, d) => `p${d}`),
    ...(curvature ? ['sharpness', 'preconditioned_sharpness'] : [])].join(',');
}

/**
 * Rows `run,label,step,loss,grad_norm,lr,p0,…` of a block of records: the first `width` numbers
 * of each record, then `blank` empty cells (curvature columns the run does not have). The numbers
 * are formatted by `JSON.stringify` of the whole block (several times faster than one `String(v)`
 * per number, and the same text for finite numbers); a block with a non-finite number is written
 * number by number, so that NaN and ±Infinity read as such.
 */
function csvRows(prefix: string, from: number, records: Float64Array, stride: number, width: number, blank: number): string {
  const n = records.length / stride;
  const tail = ','.repeat(blank);
  let finite = true;
  for (let i = 0; i < n && finite; i++) {
    for (let k = i * stride; k < i * stride + width; k++) if (!Number.isFinite(records[k])) { finite = false; break; }
  }
  if (!finite) {
    let piece = '';
    for (let i = 0; i < n; i++) {
      let row = `${prefix}${from + i}`;
      for (let k = i * stride; k < i * stride + width; k++) row += `,${records[k]}`;
      piece += row + tail + '\n';
    }
    return piece;
  }
  const rows = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(width + 1);
    row[0] = from + i;
    for (let k = 0; k < width; k++) row[k + 1] = records[i * stride + k] as number;
    rows[i] = row;
  }
  return `${prefix}${JSON.stringify(rows).slice(2, -2).split('],[').join(`${tail}\n${prefix}`)}${tail}\n`;
}

/** The numbers of a run's records that points.csv writes, and the empty cells after them. */
function csvWidth(store: PointStore, run: number): { width: number; blank: number } {
  if (store.sharpnessOffset === undefined) return { width: store.stride, blank: 0 };
  const has = store.curvatureOf(run);
  // Curvature columns the run never had are left empty (the sharpness comes before the preconditioned one).
  const kept = has.preconditionedSharpness ? 2 : has.sharpness ? 1 : 0;
  return { width: store.sharpnessOffset + kept, blank: 2 - kept };
}

/**
 * points.csv: `run,label,step,loss,grad_norm,lr,p0,p1,…` (then `sharpness,preconditioned_sharpness`
 * with curvature), one row per point of every run, run by run.
 */
export async function writePointsCsv(out: ChunkedWriter, store: PointStore, runs: readonly CsvRun[]): Promise<void> {
  await out.write(csvHeader(store.dim, store.sharpnessOffset !== undefined) + '\n');
  for (const run of runs) {
    const prefix = `${run.index},${csvText(run.label)},`;
    const { width, blank } = csvWidth(store, run.index);
    for (const [from, records] of store.blocks(run.index, 0, store.count(run.index), 512)) {
      await out.write(csvRows(prefix, from, records, store.stride, width, blank));
    }
  }
  await out.flush();
}

/**
 * Run `run`'s points as the JSON array of the `--json` contract: `[{"step","loss","params"}, …]`
 * from step 0, each with `sharpness` and `preconditionedSharpness` when the run's points carry
 * them (DESIGN "Curvature"); with `withRates`, each point also has `gradNorm` and `lr` (the
 * panel's runs.json).
 */
export async function writePointsJson(out: ChunkedWriter, store: PointStore, run: number, withRates = false): Promise<void> {
  const { dim, stride } = store;
  const at = store.sharpnessOffset;
  const has = store.curvatureOf(run);
  await out.write('[');
  for (const [from, records] of store.blocks(run, 0, store.count(run), 512)) {
    // One object per point, stringified a block at a time: JSON.stringify formats numbers several
    // times faster than String(v), and writes NaN and ±Infinity as null.
    const n = records.length / stride;
    const points = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      const params = Array.from(records.subarray(o + PARAMS, o + PARAMS + dim));
      const point: Record<string, unknown> = withRates
        ? { step: from + i, loss: records[o + LOSS], gradNorm: records[o + GRAD_NORM], lr: records[o + LR], params }
        : { step: from + i, loss: records[o + LOSS], params };
      if (at !== undefined && has.sharpness) point.sharpness = records[o + at];
      if (at !== undefined && has.preconditionedSharpness) point.preconditionedSharpness = records[o + at + 1];
      points[i] = point;
    }
    await out.write((from > 0 ? ',' : '') + JSON.stringify(points).slice(1, -1));
  }
  await out.write(']');
}
