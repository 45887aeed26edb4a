/**
 * Where a host's start-up goes (issue 13's sweep in ≤ 1 s): when `OPTIMIZER_PLAYGROUND_TRACE` is
 * set, the host (the CLI) notes named moments — the compiler and sandbox processes started and
 * ready, the loss compiled or found in the cache, the first and last score, the runs done, the
 * output written — and writes them to stderr as it exits, one `trace <ms> <name>` line each, in
 * milliseconds since the process's time origin (its start). bench/tuning.ts reads them into its
 * breakdown. Unset (always, for users), `mark` does nothing.
 */
import { performance } from 'node:perf_hooks';

const enabled = process.env.OPTIMIZER_PLAYGROUND_TRACE !== undefined && process.env.OPTIMIZER_PLAYGROUND_TRACE !== '';
const marks: { readonly name: string; readonly ms: number }[] = [];
/** Counts per name, so that `sandbox ready` of the second process reads `sandbox ready #2`. */
const seen = new Map<string, number>();

/** Notes the moment `name` (the first time for each name, then numbered). */
export function mark(name: string): void {
  if (!enabled) return;
  const n = (seen.get(name) ?? 0) + 1;
  seen.set(name, n);
  marks.push({ name: n === 1 ? name : `${name} #${n}`, ms: performance.now() });
}

/** The noted moments as `trace` lines (written to stderr at exit when tracing). */
export function traceLines(): string {
  return marks.map((m) => `trace ${m.ms.toFixed(1)} ${m.name}\n`).join('');
}

if (enabled) {
  process.on('exit', () => {
    mark('exit');
    process.stderr.write(traceLines());
  });
}
