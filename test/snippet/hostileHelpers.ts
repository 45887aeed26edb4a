/**
 * Helpers of the hostile suite (hostile*.test.ts): run a snippet in a real sandbox session, or an
 * experiment through the real CLI (dist/cli.js), and record everything a test asserts on —
 * events, errors, notices, time, the host's memory.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { experiment as validated } from '../engine/helpers';
import type { RunnerEvent } from '../../src/engine/types';
import { startExperiment } from '../../src/snippet/session';
import type { ExperimentSession, LossError, SessionInfo, SessionNotice, StartOptions } from '../../src/snippet/types';
import { repoPath } from '../repoRoot';

export type RunEnd = Extract<RunnerEvent, { type: 'runEnd' }>;

export interface Outcome {
  readonly events: RunnerEvent[];
  readonly notices: SessionNotice[];
  readonly info?: SessionInfo;
  readonly error?: LossError;
  readonly session: ExperimentSession;
  readonly ms: number;
  /** How much the host's resident memory grew meanwhile, in MB. */
  readonly hostGrowthMb: number;
  end(run?: number): RunEnd | undefined;
}

/** `source` as a one-run SGD experiment (or `raw`'s fields), run to its end in a sandbox session. */
export async function runSnippet(source: string, options: StartOptions = {}, raw: Record<string, unknown> = {}): Promise<Outcome> {
  const rss0 = process.memoryUsage().rss, t0 = performance.now();
  const session = startExperiment(validated({ loss: { source }, steps: 5, runs: [{ optimizer: 'sgd', lr: 0.01 }], ...raw }), options);
  const events: RunnerEvent[] = [], notices: SessionNotice[] = [];
  session.onEvent((e) => events.push(e));
  session.onNotice((n) => notices.push(n));
  let info: SessionInfo | undefined, error: LossError | undefined;
  try { info = await session.info; } catch (e) { error = e as LossError; }
  try { await session.done; } catch (e) { error = e as LossError; }
  const ms = performance.now() - t0, hostGrowthMb = (process.memoryUsage().rss - rss0) / (1024 * 1024);
  const end = (run = 0): RunEnd | undefined => events.find((e): e is RunEnd => e.type === 'runEnd' && e.run === run);
  return { events, notices, info, error, session, ms, hostGrowthMb, end };
}

/** The message the single run of `o` ended with (it must have ended with status 'error'). */
export function runError(o: Outcome): string {
  assert.equal(o.error, undefined, `the session itself failed: ${o.error?.message}`);
  const end = o.end();
  assert.equal(end?.status, 'error', `the run ended ${end?.status}: ${end?.message}`);
  return end?.message ?? '';
}

/** The host still runs sessions: a preset runs to completion. */
export async function assertHostWorks(): Promise<void> {
  const next = await runSnippet('export default ([x, y]: number[]) => x * x + y * y;\nexport const init = [1, 2];\n');
  assert.equal(next.end()?.status, 'completed');
}

export interface CliResult { readonly status: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string; readonly ms: number; readonly dir: string }

const CLI = repoPath('dist', 'cli.js');

/** Writes `files` into a new temporary folder and runs `optimizer-playground ...args` there. */
export function runCli(files: Record<string, string>, args: readonly string[], timeoutMs = 60_000): CliResult {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run npm run build');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0, dir };
}

/** An experiment of one SGD run on `file`, as the text of an *.optim.json file. */
export function experimentOn(file: string, steps = 3): string {
  return JSON.stringify({ loss: { file }, steps, runs: [{ optimizer: 'sgd', lr: 0.1 }] });
}
