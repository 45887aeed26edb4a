/**
 * Tuning's speed (issue 13; called by bench/index.ts), through the CLI as a person runs it
 * (`optimizer-playground run FILE --summary`, wall clock from spawn to exit, best of 3), with the
 * CLI's cache empty, holding the compiler's code cache only (the loss edited), or the loss (run again):
 * 1. 12 optimizers × 32 learning rates × 1,000 steps on a 2-parameter TypeScript loss
 *    (384,000 steps plus the 12 runs as written and the 12 tuned runs). Target ≤ 1 s.
 * 2. A 64 × 64 (η, β) phase diagram of heavy-ball momentum × 500 steps (2 M steps). Target ≤ 3 s.
 * Also, for scale: the same CLI on one 1,000-step run (what starting a CLI, compiling the loss and
 * one sandbox process cost), and the stepping alone in this thread (CPU seconds of every
 * configuration scored one after another, engine/score.ts). Then where each case's best run spent
 * its wall time: the moments the CLI notes with OPTIMIZER_PLAYGROUND_TRACE (src/snippet/startupTrace.ts),
 * in ms since the CLI's process started, and the CPU seconds of the CLI and its processes together.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateExperiment } from '../src/engine/experiment';
import { ConfigurationRun } from '../src/engine/score';
import { tuningJobs, tuningPlans } from '../src/engine/tuning';
import type { Experiment } from '../src/engine/types';
import { compileSnippet } from '../src/snippet/compile';
import { Sandbox } from '../src/snippet/sandbox';

const LOSS = 'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\nexport const domain = { x: [-2, 2], y: [-1, 3] };\n';
const OPTIMIZERS = ['gd', 'momentum', 'sgd', 'adagrad', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'adadelta', 'lion'];

export const SWEEP = {
  loss: { file: 'loss.ts' }, steps: 1000, tolerance: 1e-300,
  tune: { lr: { min: 1e-5, max: 10, count: 32 } }, runs: OPTIMIZERS.map((optimizer) => ({ optimizer })),
};
export const PHASE = {
  loss: { file: 'loss.ts' }, steps: 500, tolerance: 1e-300,
  tune: { lr: { min: 1e-5, max: 1, count: 64 }, momentum: Array.from({ length: 64 }, (_, i) => i / 64) }, runs: [{ optimizer: 'momentum' }],
};
const ONE = { loss: { file: 'loss.ts' }, steps: 1000, tolerance: 1e-300, runs: [{ optimizer: 'adam' }] };

const fmt = (x: number, digits = 3): string => Number(x.toPrecision(digits)).toLocaleString('en-US');

/** One CLI run: its wall seconds, the moments it noted (name → ms since its start) and the CPU seconds of it and its children. */
interface CliRun {
  readonly seconds: number;
  readonly marks: ReadonlyMap<string, number>;
  readonly cpuSeconds: number;
}

/** The moments of a breakdown, in order: [column, the mark (its first occurrence, or `last:` its last)]. */
const MOMENTS: readonly (readonly [string, string])[] = [
  ['CLI main', 'cli main'], ['sandbox ready', 'sandbox ready'], ['compiler ready', 'compiler ready'],
  ['compiled', 'compiled'], ['cache hit', 'compile cache hit'], ['loss loaded', 'session info'], ['first score', 'scores'],
  ['last score', 'last:scores'], ['runs done', 'last:session done'], ['output', 'output written'], ['exit', 'exit'],
];

function moment(marks: ReadonlyMap<string, number>, key: string): number | undefined {
  if (!key.startsWith('last:')) return marks.get(key);
  const base = key.slice(5);
  let last: number | undefined;
  for (const [name, ms] of marks) if (name === base || name.startsWith(`${base} #`)) last = ms;
  return last;
}

/** The `trace <ms> <name>` lines of the CLI's stderr. */
function parseTrace(stderr: string): Map<string, number> {
  const marks = new Map<string, number>();
  for (const m of stderr.matchAll(/^trace ([\d.]+) (.+)$/gm)) marks.set(m[2], Number(m[1]));
  return marks;
}

function experiment(raw: Record<string, unknown>): Experiment {
  const r = validateExperiment(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

/**
 * Wall seconds of `optimizer-playground run FILE --summary`, best of `n`, by what the CLI's cache
 * holds (compileCache.ts): 'cold' an empty cache for every run (a first run ever), 'edited' the
 * compiler's code cache but not this loss (a run after an edit of the loss), 'warm' this loss
 * compiled (the same loss run again).
 */
function cliRun(cli: string, dir: string, name: string, raw: unknown, cache: 'cold' | 'edited' | 'warm', n = 3): CliRun {
  writeFileSync(path.join(dir, `${name}.optim.json`), JSON.stringify(raw));
  const kept = mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  // CPU of the CLI and the processes it started and reaped: /proc/self/stat's cutime + cstime of this process, before and after.
  const childTicks = (): number => {
    try {
      const fields = readFileSync('/proc/self/stat', 'latin1').replace(/^.*\) /, '').split(' ');
      return Number(fields[13]) + Number(fields[14]);
    } catch {
      return NaN;
    }
  };
  const run = (cacheDir: string): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [cli, 'run', `${name}.optim.json`, '--summary'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, OPTIMIZER_PLAYGROUND_CACHE: cacheDir, OPTIMIZER_PLAYGROUND_TRACE: '1' } });
  if (cache !== 'cold') run(kept);
  let best: CliRun = { seconds: Infinity, marks: new Map(), cpuSeconds: NaN };
  for (let k = 0; k < n; k++) {
    const cacheDir = cache === 'cold' ? mkdtempSync(path.join(os.tmpdir(), 'bench-cache-')) : kept;
    if (cache === 'edited') writeFileSync(path.join(dir, 'loss.ts'), `${LOSS}// edit ${k}\n`);
    const ticks = childTicks();
    const t0 = performance.now();
    const r = run(cacheDir);
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${name}: ${String(r.stderr)}`);
    if (seconds < best.seconds) best = { seconds, marks: parseTrace(String(r.stderr)), cpuSeconds: (childTicks() - ticks) / 100 };
  }
  writeFileSync(path.join(dir, 'loss.ts'), LOSS);
  return best;
}

/** The breakdown table's row for one case. */
function breakdownRow(what: string, run: CliRun): string {
  const cells = MOMENTS.map(([, key]) => moment(run.marks, key)).map((ms) => (ms === undefined ? '' : fmt(ms, 3)));
  return `| ${what} | ${cells.join(' | ')} | ${fmt(run.seconds * 1000)} | ${fmt(run.cpuSeconds, 2)} |`;
}

/** CPU seconds of scoring every configuration of `raw` one after another in this thread (the stepping alone). */
function steppingSeconds(raw: Record<string, unknown>): number {
  const e = experiment({ ...raw, loss: { source: LOSS } });
  const c = compileSnippet(LOSS);
  if (!c.ok) throw new Error(c.error.message);
  const sandbox = new Sandbox(c, { before(): void { /* no watchdog in-thread */ }, after(): void { /* idem */ } });
  const init = sandbox.exports.init as readonly number[];
  sandbox.probe(init);
  const objective = sandbox.objective(init.length);
  const jobs = tuningJobs(e, tuningPlans(e));
  const u = process.cpuUsage();
  for (const job of jobs) {
    const run = new ConfigurationRun(e, objective, init, job);
    while (!run.advance(1 << 16));
  }
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1e6;
}

export function benchTuning(): void {
  const cli = process.env.BENCH_CLI ?? path.join(__dirname, '..', '..', 'dist', 'cli.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tuning-'));
  writeFileSync(path.join(dir, 'loss.ts'), LOSS);
  const load = os.loadavg()[0];
  const runs = {
    one: cliRun(cli, dir, 'one', ONE, 'cold'),
    sweep: cliRun(cli, dir, 'sweep', SWEEP, 'cold'),
    sweepEdited: cliRun(cli, dir, 'sweep', SWEEP, 'edited'),
    sweepCached: cliRun(cli, dir, 'sweep', SWEEP, 'warm'),
    phase: cliRun(cli, dir, 'phase', PHASE, 'cold'),
    phaseCached: cliRun(cli, dir, 'phase', PHASE, 'warm'),
  };
  const [one, sweep, sweepEdited, sweepCached, phase, phaseCached] = [runs.one, runs.sweep, runs.sweepEdited, runs.sweepCached, runs.phase, runs.phaseCached]
    .map((r) => r.seconds);
  const sweepStepping = steppingSeconds(SWEEP);
  const phaseStepping = steppingSeconds(PHASE);
  console.log(`\nTuning through the CLI (${os.availableParallelism()} cores, load average ${fmt(load, 2)} at the start; wall seconds, best of 3)`);
  console.log('| experiment | CLI wall | target | ratio to target | stepping alone, one thread (CPU s) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| 1 Adam run × 1,000 steps (start-up, compile, one process) | ${fmt(one)} s | | | |`);
  console.log(`| 12 optimizers × 32 η × 1,000 steps, loss compiled | ${fmt(sweep)} s | 1 s | ${fmt(sweep / 1, 2)} | ${fmt(sweepStepping)} |`);
  console.log(`| the same, loss edited (the compiler's code cache kept) | ${fmt(sweepEdited)} s | 1 s | ${fmt(sweepEdited / 1, 2)} | |`);
  console.log(`| the same, loss compiled by an earlier run (cache) | ${fmt(sweepCached)} s | 1 s | ${fmt(sweepCached / 1, 2)} | |`);
  console.log(`| momentum, 64 η × 64 β × 500 steps, loss compiled | ${fmt(phase)} s | 3 s | ${fmt(phase / 3, 2)} | ${fmt(phaseStepping)} |`);
  console.log(`| the same, loss compiled by an earlier run (cache) | ${fmt(phaseCached)} s | 3 s | ${fmt(phaseCached / 3, 2)} | |`);
  console.log(`targets: sweep ${sweep <= 1 ? 'met' : 'NOT met'} (edited: ${sweepEdited <= 1 ? 'met' : 'NOT met'}, cached: ${sweepCached <= 1 ? 'met' : 'NOT met'}), `
    + `phase diagram ${phase <= 3 ? 'met' : 'NOT met'} (cached: ${phaseCached <= 3 ? 'met' : 'NOT met'})`);
  console.log('\nWhere the wall time goes (each case\'s best run: ms since the CLI process started; CPU s of the CLI and the processes it reaped)');
  console.log(`| case | ${MOMENTS.map(([title]) => title).join(' | ')} | wall ms | CPU s |`);
  console.log(`| --- |${' ---: |'.repeat(MOMENTS.length + 2)}`);
  console.log(breakdownRow('1 Adam run', runs.one));
  console.log(breakdownRow('sweep, compiled', runs.sweep));
  console.log(breakdownRow('sweep, edited', runs.sweepEdited));
  console.log(breakdownRow('sweep, cached', runs.sweepCached));
  console.log(breakdownRow('phase, compiled', runs.phase));
  console.log(breakdownRow('phase, cached', runs.phaseCached));
}

if (require.main === module) benchTuning();
