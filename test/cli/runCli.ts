/** Runs the built CLI (dist/cli.js, from npm run build) as users do: `node dist/cli.js ARGS…`. */
import { spawn, spawnSync } from 'node:child_process';
import { repoPath } from '../repoRoot';

export const CLI = repoPath('dist', 'cli.js');

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs the CLI and waits for it, in `cwd` (the repository by default). */
export function cliSync(args: readonly string[], cwd = repoPath()): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI (`cliFile`: another copy of it) without blocking the test process (whose timers and
 * other children go on meanwhile); `env` adds to the environment.
 */
export function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}, cliFile = CLI): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
