/**
 * The panel's first sensitivity point (issue 13: within 300 ms of Compare Optimizers… → Tuned),
 * measured headless, in this process as the extension host does it: the panel is open on a
 * TypeScript loss it has run (its two sandbox spares and compiler warmed by `prewarmWorker`, what the
 * panel calls when it opens), then the command starts the at-defaults runs (the ghosts) and the
 * tuning together, as commands.ts does; the time is from that moment to the first scored
 * configuration on the host (src/snippet/tuning.ts's `onScores`), and to the last. Also with the
 * loss edited just before (its compile not kept) and with the compile cache holding it.
 *
 * Not included: the two quick picks, posting the scores to the webview and drawing them (the
 * panel's chart update: bench/chartUpdates.ts), and VS Code's own process start (the extension
 * host starts its processes from Electron's binary; this, from Node and the tsc output in out/,
 * whose sandbox process loads its modules one by one rather than one bundle).
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateExperiment } from '../src/engine/experiment';
import { optimizerSpec } from '../src/engine/hyperparameters';
import { tunables } from '../src/engine/tune';
import type { Experiment } from '../src/engine/types';
import { disposeCompiler } from '../src/snippet/compiler';
import { useCompileCache } from '../src/snippet/compileCache';
import { disposeSpareWorker, prewarmWorker, startExperiment } from '../src/snippet/session';
import { startTuning } from '../src/snippet/tuning';

const LOSS = 'export default function loss([x, y]: number[]): number {\n  const across = y - Math.sin(x);\n  return 0.1 * x * x + 10 * across * across;\n}\n'
  + 'export const init = [-3, 1.5];\nexport const domain = { x: [-4.5, 1.5], y: [-2, 2] };\n';
/** The spare sandbox processes the panel keeps (panel.ts); BENCH_PANEL_SPARES=1 measures the panel as it was with one. */
const SPARES = Number(process.env.BENCH_PANEL_SPARES ?? 2);
/** Compare Optimizers' default picks (commands.ts), on the panel's default 300 steps. */
const OPTIMIZERS = ['gd', 'momentum', 'adam'];

function experiment(source: string, tuned: boolean): Experiment {
  const runs = OPTIMIZERS.map((optimizer) => ({
    optimizer, ...(tuned ? { tune: { lr: tunables(optimizerSpec(optimizer)!).find((t) => t.name === 'lr')!.grid } } : {}),
  }));
  const r = validateExperiment({ loss: { source }, steps: 300, runs });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

/** Ms from the command to the first score and to the last, with the panel open on `before` and the command on `source`. */
async function firstPoint(before: string, source: string): Promise<{ first: number; last: number; configurations: number }> {
  await prewarmWorker(undefined, { spares: SPARES });
  const open = startExperiment(experiment(before, false));
  await open.done;
  await prewarmWorker(undefined, { spares: SPARES });
  const t0 = performance.now();
  const ghosts = startExperiment(experiment(source, false));
  const tuning = startTuning(experiment(source, true));
  let first = NaN;
  tuning.onScores(() => { if (Number.isNaN(first)) first = performance.now() - t0; });
  await tuning.results;
  const last = performance.now() - t0;
  ghosts.cancel();
  open.cancel();
  return { first, last, configurations: tuning.jobs.length };
}

export async function benchTuningFirstPoint(): Promise<void> {
  const load = os.loadavg()[0];
  const cache = mkdtempSync(path.join(os.tmpdir(), 'bench-first-point-'));
  const rows: [string, { first: number; last: number; configurations: number }][] = [];
  const best = async (n: number, run: (k: number) => Promise<{ first: number; last: number; configurations: number }>): Promise<{ first: number; last: number; configurations: number }> => {
    let b = { first: Infinity, last: Infinity, configurations: 0 };
    for (let k = 0; k < n; k++) {
      const r = await run(k);
      if (r.first < b.first) b = r;
    }
    return b;
  };
  rows.push(['the panel\'s loss (compiled while it ran)', await best(3, () => firstPoint(LOSS, LOSS))]);
  rows.push(['the loss edited just before (compiler warm)', await best(3, (k) => firstPoint(LOSS, `${LOSS}// edit ${k}\n`))]);
  useCompileCache(cache);
  await firstPoint(LOSS, `${LOSS}// kept\n`);
  disposeCompiler();
  rows.push(['a reopened panel: its loss in the compile cache', await best(3, () => firstPoint(LOSS, `${LOSS}// kept\n`))]);
  useCompileCache(undefined);
  disposeSpareWorker();
  disposeCompiler();
  console.log(`\nThe panel's first sensitivity point, headless (Compare Optimizers… → Tuned: ${OPTIMIZERS.join(', ')} × their η grid, 300 steps; `
    + `${SPARES} spare process${SPARES === 1 ? '' : 'es'}; load average ${load.toFixed(1)}; ms from the command to the host's first score, best of 3; excludes the quick picks and the webview's drawing)`);
  console.log('| the panel open on | first score | all scored | configurations | target (first) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [what, r] of rows) console.log(`| ${what} | ${r.first.toFixed(0)} ms | ${r.last.toFixed(0)} ms | ${r.configurations} | 300 ms |`);
}

if (require.main === module) void benchTuningFirstPoint().then(() => process.exit(0));
