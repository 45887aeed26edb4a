/**
 * Tuning's speed (issue 13; called by bench/index.ts), through the CLI as a person runs it
 * (`optimizer-playground run FILE --summary`, wall clock from spawn to exit, best of 3), with the
 * CLI's cache empty, holding the compiler's code cache only (the loss edited), or the loss (run again):
 * 1. 12 optimizers × 32 learning rates × 1,000 steps on a 2-parameter TypeScript loss
 *    (384,000 steps plus the 12 runs as written and the 12 tuned runs). Target ≤ 1 s.
 * 2. A 64 × 64 (η, β) phase diagram of heavy-ball momentum × 500 steps (2 M steps). Target ≤ 3 s.
 * Also, for scale: the same CLI on one 1,000-step run (what starting a CLI, compiling the loss and
 * one sandbox process cost), and the stepping alone in this thread (CPU seconds of every
 * configuration scored one after another, engine/score.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
function cliSeconds(cli: string, dir: string, name: string, raw: unknown, cache: 'cold' | 'edited' | 'warm', n = 3): number {
  writeFileSync(path.join(dir, `${name}.optim.json`), JSON.stringify(raw));
  const kept = mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  const run = (cacheDir: string): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [cli, 'run', `${name}.optim.json`, '--summary'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, OPTIMIZER_PLAYGROUND_CACHE: cacheDir } });
  if (cache !== 'cold') run(kept);
  let best = Infinity;
  for (let k = 0; k < n; k++) {
    const cacheDir = cache === 'cold' ? mkdtempSync(path.join(os.tmpdir(), 'bench-cache-')) : kept;
    if (cache === 'edited') writeFileSync(path.join(dir, 'loss.ts'), `${LOSS}// edit ${k}\n`);
    const t0 = performance.now();
    const r = run(cacheDir);
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    best = Math.min(best, s);
  }
  writeFileSync(path.join(dir, 'loss.ts'), LOSS);
  return best;
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
  const one = cliSeconds(cli, dir, 'one', ONE, 'cold');
  const sweep = cliSeconds(cli, dir, 'sweep', SWEEP, 'cold');
  const sweepEdited = cliSeconds(cli, dir, 'sweep', SWEEP, 'edited');
  const sweepCached = cliSeconds(cli, dir, 'sweep', SWEEP, 'warm');
  const phase = cliSeconds(cli, dir, 'phase', PHASE, 'cold');
  const phaseCached = cliSeconds(cli, dir, 'phase', PHASE, 'warm');
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
}

if (require.main === module) benchTuning();
