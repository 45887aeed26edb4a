/**
 * The extension host's memory while the panel runs the schema's largest experiment (issue 11):
 * 8 optimizers × 10,000,000 steps on Rosenbrock through the panel controller
 * (src/extension/controller.ts) with the real sandbox session and the real point store — what
 * panel.ts wires to a webview, with the webview's messages counted instead of posted. Reports the
 * host's peak resident memory (sampled every 100 ms, and `maxRSS` at the end), the points kept,
 * the bytes spilled to the storage folder, and the messages a panel would have received.
 * Run alone: `node out/bench/hostMemory.js [steps]` (after `npm run build && npm run compile-tests`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateExperiment } from '../src/engine/experiment';
import { PlaygroundController } from '../src/extension/controller';
import type { PanelExperiment } from '../src/protocol';
import { startExperiment } from '../src/snippet/session';

const OPTIMIZERS = ['gd', 'momentum', 'sgd', 'adagrad', 'rmsprop', 'adam', 'adamw', 'lion'];

export async function benchHostMemory(steps = 10_000_000): Promise<void> {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-host-points-'));
  const experiment: PanelExperiment = {
    loss: { preset: 'rosenbrock' }, steps, seed: 0, tolerance: 1e-300,
    runs: OPTIMIZERS.map((optimizer) => ({ label: optimizer, optimizer, hyperparameters: { lr: 1e-4 } })),
  };
  let messages = 0, pointsShown = 0, peak = 0;
  const sample = (): void => { peak = Math.max(peak, process.memoryUsage().rss); };
  const timer = setInterval(sample, 100);
  const t0 = performance.now();
  const c = new PlaygroundController(experiment, {
    start: startExperiment, validate: validateExperiment, pointStorage: storage,
    post: (m) => {
      messages++;
      if (m.type === 'points') for (const s of m.series) pointsShown += s.steps.length;
    },
    log: () => undefined,
  });
  await new Promise<void>((resolve) => { c.events.idle = resolve; c.run(); });
  const seconds = (performance.now() - t0) / 1000;
  sample();
  clearInterval(timer);
  const kept = c.store?.totalPoints ?? 0;
  let spilledMb = 0;
  await c.store?.use(async (points) => { spilledMb = points.spilledBytes / 1e6; });
  const ended = c.results.map((r) => r.status).join(', ');
  c.dispose();
  rmSync(storage, { recursive: true, force: true });
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
  console.log(`\nExtension host, ${OPTIMIZERS.length} runs × ${steps.toLocaleString('en-US')} steps on Rosenbrock in the panel controller (load ${os.loadavg()[0].toFixed(1)})`);
  console.log(`peak RSS ${mb(peak)} MB (maxRSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB); ${kept.toLocaleString('en-US')} exact points kept, `
    + `${spilledMb.toFixed(0)} MB spilled; ${messages} messages, ${pointsShown.toLocaleString('en-US')} points shown; ${seconds.toFixed(1)} s; runs: ${ended}`);
}

if (require.main === module) void benchHostMemory(process.argv[2] ? Number(process.argv[2]) : undefined).then(() => process.exit(0));
