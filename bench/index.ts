/**
 * `npm run bench`: the benchmarks (not tests — figures vary with the machine). The engine's
 * table first, then the snippet room's (bench/snippet.ts), the sandbox process's (bench/sandbox.ts),
 * the cost of curvature (bench/curvature.ts), tuning through the CLI (bench/tuning.ts) and the panel's first tuning
 * score (bench/tuningFirstPoint.ts), then the panel charts' streamed
 * updates (bench/chartUpdates.ts), the run list's structural edits (bench/runListRender.ts), then the panel's own start in headless Chromium
 * (bench/webviewStartup.ts), in the same process and run. In a real VS Code: `npm run bench:vscode`.
 */
import { benchChartUpdates } from './chartUpdates';
import { benchCurvature } from './curvature';
import { benchEngine } from './engine';
import { benchRunListRender } from './runListRender';
import { benchSandbox } from './sandbox';
import { benchSnippets } from './snippet';
import { benchTuning } from './tuning';
import { benchTuningFirstPoint } from './tuningFirstPoint';
import { benchWebviewStartup } from './webviewStartup';

async function main(): Promise<void> {
  benchEngine();
  await benchSnippets();
  // The sandbox process: throughput through the CLI, cold and warm starts, memory bombs (bench/sandbox.ts, ~1 min).
  await benchSandbox();
  // What "curvature": true costs per step (bench/curvature.ts, ~10 s).
  benchCurvature();
  // Tuning through the CLI: the 12 × 32 sweep and the 64 × 64 phase diagram (bench/tuning.ts, ~1 min).
  benchTuning();
  // The panel's first sensitivity point after Compare Optimizers… → Tuned, headless (bench/tuningFirstPoint.ts, ~15 s).
  await benchTuningFirstPoint();
  // The panel charts' updates while 4 × 10,000 steps stream (bench/chartUpdates.ts, ~5 s).
  await benchChartUpdates();
  // The run list's structural edits in Chromium (bench/runListRender.ts, ~1 min).
  await benchRunListRender();
  // The panel's start, from navigation to the first plotted point (bench/webviewStartup.ts, ~15 s).
  console.log('\nPanel start outside VS Code (ms after navigation; cold = first load, then the median of 6 warm ones):');
  console.log(JSON.stringify(await benchWebviewStartup(7), null, 2));
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
