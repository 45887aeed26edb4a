/**
 * `npm run bench`: the benchmarks (not tests — figures vary with the machine). The engine's
 * table first, then the snippet room's (bench/snippet.ts), then the panel charts' streamed
 * updates (bench/chartUpdates.ts), in the same process and run.
 */
import * as path from 'node:path';
import { benchChartUpdates } from './chartUpdates';
import { benchEngine } from './engine';

async function main(): Promise<void> {
  benchEngine();
  let snippet: { benchSnippets?: () => Promise<void> } | undefined;
  try {
    // Loaded by path so that this file compiles before bench/snippet.ts exists.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    snippet = require(path.join(__dirname, 'snippet')) as { benchSnippets?: () => Promise<void> };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
  }
  if (snippet?.benchSnippets) await snippet.benchSnippets();
  else console.log('(snippet benchmark skipped: bench/snippet.ts is not there yet)');
  // The panel charts' updates while 4 × 10,000 steps stream (bench/chartUpdates.ts, ~5 s).
  await benchChartUpdates();
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
