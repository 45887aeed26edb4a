/**
 * The sandbox process's costs (called by bench/index.ts; the snippet's own figures are in
 * bench/snippet.ts):
 * 1. Adam on a 2-parameter TypeScript snippet through the CLI (`optimizer-playground run …
 *    --summary`, the run's own steps/s) against the hand-written loop — the ratio issues 11 and 13
 *    track (0.49× when the loss ran in a worker thread). `BENCH_CLI=path/to/cli.js` measures another
 *    build the same way (e.g. an older one, for a before/after from one run).
 * 2. The first point of a session on a warm spare process and on a cold one (started for the
 *    session), median of 7 each: what process isolation costs per run start.
 * 3. A memory bomb (`new Array(1e8).fill(0)`) and a typed-array bomb (`new Float64Array(2.7e8)
 *    .fill(1)`): time until the session reports it, the sandbox process's peak resident memory
 *    (sampled from /proc every 5 ms, Linux) and how much the host grew.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateExperiment } from '../src/engine/experiment';
import type { Experiment } from '../src/engine/types';
import { disposeSpareWorker, prewarmWorker, startExperiment } from '../src/snippet/session';
import { handWrittenAdam } from './snippet';

const ROSENBROCK = 'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\n';

function experiment(raw: Record<string, unknown>): Experiment {
  const r = validateExperiment(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x: number, digits = 3): string => (x >= 1e5 ? x.toExponential(2) : Number(x.toPrecision(digits)).toLocaleString('en-US'));

/** "1.23M" / "456k" / "789" (the CLI's steps/s) as a number. */
function parseRate(text: string): number {
  const m = /^([\d.]+)([kM]?)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
}

export function benchCli(): void {
  const cli = process.env.BENCH_CLI ?? path.join(__dirname, '..', '..', 'dist', 'cli.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const steps = 2_000_000;
  writeFileSync(path.join(dir, 'adam.optim.json'), JSON.stringify({ loss: { source: ROSENBROCK }, steps, tolerance: 1e-300, runs: [{ optimizer: 'adam', lr: 0.001 }] }));
  const hand = Math.max(...Array.from({ length: 4 }, () => {
    const u = process.cpuUsage();
    handWrittenAdam(steps / 4);
    const d = process.cpuUsage(u);
    return (steps / 4) / ((d.user + d.system) / 1e6);
  }));
  const rates: number[] = [];
  for (let k = 0; k < 3; k++) {
    const r = spawnSync(process.execPath, [cli, 'run', 'adam.optim.json', '--summary'], { cwd: dir, encoding: 'utf8' });
    const row = r.stdout.split('\n').find((l) => l.startsWith('Adam'));
    rates.push(row ? parseRate(row.trim().split(/\s+/).pop() ?? '') : NaN);
  }
  const best = Math.max(...rates);
  console.log(`\nSandbox — Adam on a 2-parameter TypeScript snippet through the CLI (${cli}), ${fmt(steps)} steps, best of 3`);
  console.log(`hand-written loop ${fmt(hand)} steps/s; CLI ${fmt(best)} steps/s (runs: ${rates.map((r) => fmt(r)).join(', ')}): ${fmt(best / hand, 2)}× the hand-written loop`);
}

async function firstPoint(e: Experiment): Promise<number> {
  const t0 = performance.now();
  const s = startExperiment(e);
  await new Promise<void>((resolve) => s.onEvent((ev) => { if (ev.type === 'points') resolve(); }));
  const ms = performance.now() - t0;
  s.cancel();
  return ms;
}

async function benchFirstPoint(): Promise<void> {
  const e = experiment({ loss: { source: ROSENBROCK }, steps: 1000, runs: [{ optimizer: 'adam', lr: 0.01 }] });
  const warm: number[] = [], cold: number[] = [];
  for (let k = 0; k < 7; k++) {
    await prewarmWorker();
    await new Promise((resolve) => setTimeout(resolve, 300));
    warm.push(await firstPoint(e));
    disposeSpareWorker();
    await new Promise((resolve) => setTimeout(resolve, 300));
    cold.push(await firstPoint(e));
  }
  console.log('\nSandbox — first point of a snippet session (compile in the warm compiler process, then the sandbox process), median of 7');
  console.log(`warm spare process: ${fmt(median(warm))} ms; cold (process started for the session): ${fmt(median(cold))} ms; `
    + `a cold start costs ${fmt(median(cold) - median(warm))} ms`);
}

/** Resident memory (MB) of this process's children, by pid. */
function childrenResidentMb(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      if (Number(/PPid:\s*(\d+)/.exec(status)?.[1]) !== process.pid) continue;
      out.set(Number(entry), Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch { /* gone */ }
  }
  return out;
}

async function bomb(name: string, body: string): Promise<void> {
  const source = `export default function loss([x]: number[]): number {\n${body}\n}\nexport const init = [1];\n`;
  let peak = 0;
  const sampler = process.platform === 'linux'
    ? setInterval(() => { for (const mb of childrenResidentMb().values()) peak = Math.max(peak, mb); }, 5) : undefined;
  const rss0 = process.memoryUsage().rss, t0 = performance.now();
  const s = startExperiment(experiment({ loss: { source }, steps: 5, runs: [{ optimizer: 'sgd', lr: 0.01 }] }), { deadlineMs: 60_000 });
  let outcome = 'completed';
  s.onEvent((ev) => { if (ev.type === 'runEnd' && ev.message) outcome = ev.message; });
  try { await s.done; } catch (e) { outcome = (e as { message: string }).message; }
  const ms = performance.now() - t0;
  if (sampler) clearInterval(sampler);
  s.cancel();
  console.log(`${name}: reported after ${fmt(ms)} ms — "${outcome.slice(0, 120)}"; sandbox process peak ${peak ? `${fmt(peak)} MB` : 'not measured'}, `
    + `host grew ${fmt((process.memoryUsage().rss - rss0) / 1048576)} MB`);
}

export async function benchSandbox(): Promise<void> {
  benchCli();
  await benchFirstPoint();
  console.log('\nSandbox — memory bombs (default limits: 256 MB heap, 128 MB of typed arrays per evaluation, 416 MB resident)');
  await bomb('new Array(1e8).fill(0)', '  const a = new Array(1e8).fill(0);\n  return x + a.length;');
  await bomb('new Float64Array(2.7e8).fill(1)', '  return new Float64Array(2.7e8).fill(1)[0] + x;');
}

if (require.main === module) {
  benchSandbox().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
