/**
 * The CLI's outputs: the `--json` object (every point of every run), the `--summary` table and
 * `points.csv`. Large outputs are written in chunks with back-pressure, never built as one string
 * (ten million steps of JSON is gigabytes).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { formatNumber } from '../charts/rows';
import type { GradientInfo } from '../snippet/types';
import { crossings, measuredColumn, type CurvatureColumns } from '../engine/curvature/crossing';
import { runThreshold } from '../engine/curvature/ofRun';
import { formatRate } from '../charts/names';
import type { RunResult } from './results';

/** JSON has no NaN or Infinity: non-finite values are written as null (the run's message says why). */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** Buffers text and writes it in ~1 MB chunks, waiting when the stream asks to. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly stream: Writable) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

/** The head of one run's JSON object, up to its `points` array. */
function runHead(run: RunResult, gradient: GradientInfo): string {
  const head: Record<string, unknown> = {
    label: run.spec.label, optimizer: run.spec.optimizer, hyperparameters: run.spec.hyperparameters,
    ...(run.spec.schedule ? { schedule: run.spec.schedule } : {}), ...(run.spec.clip ? { clip: run.spec.clip } : {}),
    status: run.status, ...(run.message !== undefined ? { message: run.message } : {}), gradient,
    ...(run.curvature ? { stabilityThreshold: runThreshold(run.spec) } : {}),
  };
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"points":[`;
}

/**
 * `{ "runs": [ { label, optimizer, hyperparameters, status, message?, gradient, points: [ { step, loss, params } ] } ] }`
 * with every point from step 0 (DESIGN "Command-line contract"); `gradient` says how the run's
 * gradients were computed (`mode`, and `reason`, `line`, `column` for finite differences); with
 * `"curvature": true`, every run's `stabilityThreshold` and every point's `sharpness` (and
 * `preconditionedSharpness`).
 */
export async function writeJson(out: ChunkedWriter, runs: readonly RunResult[], gradient: GradientInfo): Promise<void> {
  await out.write('{"runs":[');
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r] as RunResult;
    await out.write((r > 0 ? ',' : '') + runHead(run, gradient));
    const dim = run.dim;
    let piece = '';
    for (let i = 0; i < run.count; i++) {
      let params = '';
      for (let d = 0; d < dim; d++) params += (d > 0 ? ',' : '') + num(run.params[i * dim + d] as number);
      const curvature = (run.sharpness ? `,"sharpness":${num(run.sharpness[i] as number)}` : '')
        + (run.preconditionedSharpness ? `,"preconditionedSharpness":${num(run.preconditionedSharpness[i] as number)}` : '');
      piece += `${i > 0 ? ',' : ''}{"step":${i},"loss":${num(run.loss[i] as number)},"params":[${params}]${curvature}}`;
      if (piece.length > 1 << 16) {
        await out.write(piece);
        piece = '';
      }
    }
    await out.write(`${piece}]}`);
  }
  await out.write(']}\n');
  await out.flush();
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `run,label,step,loss,grad_norm,lr,p0,p1,…`, one row per point of every run. */
export async function writeCsv(out: ChunkedWriter, runs: readonly RunResult[]): Promise<void> {
  const dim = runs[0]?.dim ?? 0;
  const paramColumns = Array.from({ length: dim }, (_, d) => `p${d}`);
  await out.write(['run', 'label', 'step', 'loss', 'grad_norm', 'lr', ...paramColumns].join(',') + '\n');
  for (const run of runs) {
    const prefix = `${run.index},${csvField(run.spec.label)},`;
    let piece = '';
    for (let i = 0; i < run.count; i++) {
      let row = `${prefix}${i},${run.loss[i]},${run.gradNorm[i]},${run.lr[i]}`;
      for (let d = 0; d < run.dim; d++) row += `,${run.params[i * run.dim + d]}`;
      piece += row + '\n';
      if (piece.length > 1 << 16) {
        await out.write(piece);
        piece = '';
      }
    }
    await out.write(piece);
  }
  await out.flush();
}

export function stepsPerSecond(run: RunResult): number {
  return run.elapsedMs > 0 ? run.steps / (run.elapsedMs / 1000) : Infinity;
}

/** Final parameters, shortened for the table when there are many. */
function paramsCell(p: Float64Array): string {
  const shown = Array.from(p.subarray(0, 6), (v) => formatNumber(v));
  if (p.length > 6) shown.push(`… (${p.length})`);
  return `[${shown.join(', ')}]`;
}

/** The last finite value of a column among a run's points, NaN when none. */
function lastFinite(values: ArrayLike<number> | undefined, count: number): number {
  for (let i = count - 1; i >= 0 && values; i--) if (Number.isFinite(values[i])) return values[i] as number;
  return NaN;
}

/** The summary's curvature cells: the last sharpness its rule bounds, and the threshold. */
function curvatureCells(r: RunResult): string[] {
  const { values } = measuredColumn(r.spec, curvatureColumns(r));
  const threshold = runThreshold(r.spec);
  return [formatNumber(lastFinite(values, r.count)), threshold === null ? 'none known' : formatNumber(threshold)];
}

/** A run's points as curvature columns (curvature/crossing.ts). */
function curvatureColumns(r: RunResult): CurvatureColumns {
  return {
    count: r.count, lr: r.lr,
    ...(r.sharpness ? { sharpness: r.sharpness } : {}), ...(r.preconditionedSharpness ? { preconditionedSharpness: r.preconditionedSharpness } : {}),
  };
}

/**
 * One aligned line per run: label, status, steps taken, final loss, final parameters and steps per
 * second (wall clock; runs share one sandbox process, interleaved, so each run's rate is its share of it);
 * with curvature, the last sharpness (preconditioned for adaptive runs) and the stability
 * threshold. Messages of runs that crossed their threshold, diverged or failed follow the table.
 */
export function summaryTable(runs: readonly RunResult[]): string {
  const curvature = runs.some((r) => r.curvature);
  const header = ['run', 'status', 'steps', 'final loss', 'final params', 'steps/s', ...(curvature ? ['sharpness', 'threshold'] : [])];
  const rows = runs.map((r) => [r.spec.label, r.status, String(r.steps), formatNumber(r.finalLoss), paramsCell(r.finalParams),
    formatRate(stepsPerSecond(r)), ...(curvature ? curvatureCells(r) : [])]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const numeric = new Set([2, 3, 5, 6, 7]);
  const line = (cells: readonly string[]): string => cells
    .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
    .join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
  const total = runs.reduce((n, r) => n + r.steps, 0);
  const seconds = Math.max(0, ...runs.map((r) => r.elapsedMs)) / 1000;
  if (runs.length > 1 && seconds > 0) {
    out.push('', `${runs.length} runs, ${total.toLocaleString('en-US')} steps in ${seconds.toFixed(2)} s: ${formatRate(total / seconds)} steps/s in all`);
  }
  const notes = runs.flatMap((r) => {
    const crossed = r.curvature ? crossings(r.spec, curvatureColumns(r))[0] : undefined;
    return [...(crossed ? [`${r.spec.label}: ${crossed.message}`] : []), ...(r.message ? [`${r.spec.label}: ${r.message}`] : [])];
  });
  return out.join('\n') + (notes.length ? `\n\n${notes.join('\n')}` : '') + '\n';
}
