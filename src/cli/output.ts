/**
 * The CLI's outputs on stdout: the `--json` object (every point of every run, read back from the
 * point store run by run) and the `--summary` table. Text that came from the experiment or the
 * loss is escaped for the terminal (src/cli/text.ts).
 */
import { formatRate } from '../charts/names';
import { formatNumber } from '../charts/rows';
import { runThreshold } from '../engine/curvature/ofRun';
import type { GradientInfo } from '../snippet/types';
import type { PointStore } from '../points/store';
import { writePointsJson, type ChunkedWriter } from '../points/writers';
import type { ConvergenceRates } from '../engine/curvature/convergence';
import type { RunResult } from './results';
import { grouped, jsonText, safeMessage, tableLabel, truncated } from './text';

/** The head of one run's JSON object, up to its `points` array. */
function runHead(run: RunResult, gradient: GradientInfo, fullMessages: boolean): string {
  const head: Record<string, unknown> = {
    label: run.spec.label, optimizer: run.spec.optimizer, hyperparameters: run.spec.hyperparameters,
    ...(run.spec.schedule ? { schedule: run.spec.schedule } : {}), ...(run.spec.clip ? { clip: run.spec.clip } : {}),
    status: run.status, ...(run.message !== undefined ? { message: truncated(run.message, fullMessages) } : {}), gradient,
    ...(run.curvature ? { stabilityThreshold: runThreshold(run.spec) } : {}),
  };
  const text = jsonText(head);
  return `${text.slice(0, -1)},"points":`;
}

/**
 * `{ "runs": [ { label, optimizer, hyperparameters, status, message?, gradient, points: [ { step, loss, params } ] } ] }`
 * with every point from step 0 (DESIGN "Command-line contract"); `gradient` says how the run's
 * gradients were computed (`mode`, and `reason`, `line`, `column` for finite differences); with
 * `"curvature": true`, every run's `stabilityThreshold` and every point's `sharpness` (and
 * `preconditionedSharpness`), and on a quadratic loss every run's `convergenceRate`
 * (`{ analytic, measured, note? }`: curvature/convergence.ts) after its points.
 */
export async function writeJson(out: ChunkedWriter, runs: readonly RunResult[], store: PointStore, gradient: GradientInfo, fullMessages: boolean,
  head: Readonly<Record<string, unknown>> = {}): Promise<void> {
  const fields = jsonText(head).slice(1, -1);
  await out.write(`{${fields}${fields ? ',' : ''}"runs":[`);
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r] as RunResult;
    await out.write((r > 0 ? ',' : '') + runHead(run, gradient, fullMessages));
    await writePointsJson(out, store, run.index);
    // After the points: a streaming writer knows the measured rate only once they are all written.
    const rate = run.convergenceRate;
    await out.write(`${rate ? `,"convergenceRate":${JSON.stringify(rate)}` : ''}}`);
  }
  await out.write(']}\n');
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

/** The summary's curvature cells: the last sharpness its rule bounds, and the threshold. */
function curvatureCells(r: RunResult): string[] {
  const threshold = runThreshold(r.spec);
  return [formatNumber(r.lastCurvature), threshold === null ? 'none known' : formatNumber(threshold)];
}

/** The summary's rate cells on a quadratic: the closed form and the measured rate per step, '—' where there is none. */
function rateCells(rate: ConvergenceRates | undefined): string[] {
  const cell = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatNumber(v));
  return [cell(rate?.analytic), cell(rate?.measured)];
}

/**
 * One aligned line per run: label, status, steps taken, final loss, final parameters and steps per
 * second (wall clock; runs share one sandbox process, interleaved, so each run's rate is its share of it);
 * with curvature, the last sharpness (preconditioned for adaptive runs) and the stability
 * threshold. Messages of runs that crossed their threshold, diverged or failed follow the table, one line each.
 */
export function summaryTable(runs: readonly RunResult[], fullMessages: boolean): string {
  const curvature = runs.some((r) => r.curvature);
  const rates = runs.map((r) => r.convergenceRate);
  const quadratic = rates.some((q) => q !== undefined);
  const header = ['run', 'status', 'steps', 'final loss', 'final params', 'steps/s', ...(curvature ? ['sharpness', 'threshold'] : []),
    ...(quadratic ? ['rate (analytic)', 'rate (measured)'] : [])];
  const rows = runs.map((r, k) => [tableLabel(r.spec.label), r.status, String(r.steps), formatNumber(r.finalLoss),
    paramsCell(r.count > 0 ? r.finalParams : new Float64Array(0)), formatRate(stepsPerSecond(r)), ...(curvature ? curvatureCells(r) : []),
    ...(quadratic ? rateCells(rates[k]) : [])]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const numeric = new Set([2, 3, 5, 6, 7, 8, 9]);
  const line = (cells: readonly string[]): string => cells
    .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
    .join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
  const total = runs.reduce((n, r) => n + r.steps, 0);
  const seconds = Math.max(0, ...runs.map((r) => r.elapsedMs)) / 1000;
  if (runs.length > 1 && seconds > 0) {
    out.push('', `${runs.length} runs, ${grouped(total)} steps in ${seconds.toFixed(2)} s: ${formatRate(total / seconds)} steps/s in all`);
  }
  const notes = runs.flatMap((r) => [
    ...(r.firstCrossing ? [`${tableLabel(r.spec.label)}: ${r.firstCrossing.message}`] : []),
    ...(r.message ? [`${tableLabel(r.spec.label)}: ${safeMessage(r.message, fullMessages)}`] : []),
  ]);
  return out.join('\n') + (notes.length ? `\n\n${notes.join('\n')}` : '') + '\n';
}
