/**
 * How the host starts a sandbox process: which program (Node itself; in desktop VS Code its
 * Electron binary run as Node with ELECTRON_RUN_AS_NODE), which script, which flags, which
 * environment. Each protection is asked for with a flag the runtime is known to accept; the
 * process checks inside which ones hold (`harden.ts`). When the runtime refuses a flag at start
 * (an unknown option), the host starts it again one tier lower (`LAUNCH_TIERS`) and remembers that.
 *
 * - `--disallow-code-generation-from-strings`: `Function('…')` and `eval` fail in every realm of
 *   the process, so a built-in that leaks out of the `vm` context cannot compile code.
 * (The loss's process locks its own built-ins itself, intrinsics.ts, rather than with
 * `--frozen-intrinsics`, whose Object.freeze made every typed-array store of the engine slow.)
 * - the permission model (`--experimental-permission`, `--permission` from Node 22.13 / 23.5):
 *   file reads only under the extension's own folder, no file writes, child processes, workers or
 *   native addons.
 * - `--max-old-space-size`: the V8 heap limit; a loss that exceeds it ends that process only.
 * - `--stack-size` (the compiler only): TypeScript's parser and emitter recurse once per nested
 *   call, and the tape makes every operator a call, so a long sum in one statement needs far more
 *   than V8's default ~1 MB; the compiler gets up to 64 MB, within the stack the OS gives a main
 *   thread (too deep still is refused with the statement's line: compile.ts).
 * - an empty environment (nothing of the user's secrets), its own process group on POSIX (a
 *   Ctrl+C in the terminal reaches the CLI, which ends the process itself).
 *
 * The compiler starts from a startup snapshot (`--snapshot-blob`, compilerSnapshot.ts) when the
 * build made one for this very runtime and these V8 flags (V8 refuses a snapshot built otherwise);
 * else, or when a process started from it ends before it is ready, from its script.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export type ProcessRole = 'sandbox' | 'compiler';

export interface LaunchPlan {
  readonly execPath: string;
  readonly script: string;
  /** The startup snapshot the process starts from instead of `script` (the compiler's, when there is a usable one). */
  readonly snapshot?: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly detached: boolean;
}

/** Protections asked for, from all (0) to the bare process with its heap limit (2). */
export const LAUNCH_TIERS = 3;

const SCRIPTS: Record<ProcessRole, string> = { sandbox: 'sandboxMain.js', compiler: 'compilerMain.js' };

/** The process's script: beside this file, bundled (dist/) or compiled (out/src/snippet/). */
export function scriptPath(role: ProcessRole): string {
  const script = path.join(__dirname, SCRIPTS[role]);
  if (!existsSync(script)) throw new Error(`the sandbox's script is missing: ${script}`);
  return script;
}

/** The permission model's flag on this runtime, or undefined where it has none. */
export function permissionFlag(versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  const [major, minor] = versions.node.split('.').map(Number);
  if (major < 20) return undefined;
  if (major >= 23 || (major === 22 && minor >= 13)) return '--permission';
  return '--experimental-permission';
}

/**
 * What the process may read: the folder of its script (dist/, one bundle) — or, compiled by tsc
 * (out/src/snippet/), the compiled sources it requires; the compiler also reads the package's own
 * files (the TypeScript library it loads).
 */
export function readableRoot(role: ProcessRole, script: string): string {
  const dir = path.dirname(script);
  if (role === 'compiler') {
    // The package's own folder: its package.json beside dist/ (installed) or node_modules/ (a checkout).
    for (let at = dir; ; at = path.dirname(at)) {
      const isPackage = existsSync(path.join(at, 'package.json'))
        && (existsSync(path.join(at, 'dist')) || existsSync(path.join(at, 'node_modules')));
      if (isPackage) return at;
      if (path.dirname(at) === at) return dir;
    }
  }
  return path.basename(dir) === 'snippet' ? path.dirname(dir) : dir;
}

/** The compiler's stack at most, in KB. */
const COMPILER_STACK_KB = 64 * 1024;
/** Stack the OS limit keeps beyond V8's (the environment, native frames): V8 past the OS's limit would crash, not throw. */
const STACK_HEADROOM_KB = 1024;

/**
 * The compiler's `--stack-size` in KB: 64 MB, or less where the OS gives a main thread less
 * (the soft "Max stack size" of /proc/self/limits, which a child inherits, less headroom); undefined
 * where the limit cannot be read (V8's default stays).
 */
export function compilerStackKb(limits: string | undefined = readLimits()): number | undefined {
  const m = limits === undefined ? null : /^Max stack size\s+(\S+)/m.exec(limits);
  if (!m) return undefined;
  if (m[1] === 'unlimited') return COMPILER_STACK_KB;
  const kb = Math.floor(Number(m[1]) / 1024) - STACK_HEADROOM_KB;
  return Number.isFinite(kb) && kb > 1024 ? Math.min(COMPILER_STACK_KB, kb) : undefined;
}

function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'latin1');
  } catch {
    return undefined;
  }
}

/** The environment: nothing inherited but what the runtime needs to start. */
function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (process.platform === 'win32') {
    for (const key of ['SystemRoot', 'SYSTEMROOT', 'windir']) if (process.env[key]) env[key] = process.env[key] as string;
  }
  return env;
}

/** The compiler process's V8 heap limit. */
export const COMPILER_HEAP_MB = 1024;

/** The V8 flags of a process of `role` at `tier` (a startup snapshot must be built with the same). */
export function v8Flags(role: ProcessRole, heapMb: number, tier: number): string[] {
  const flags = [`--max-old-space-size=${Math.max(16, Math.round(heapMb))}`];
  if (tier <= 1) flags.push('--disallow-code-generation-from-strings');
  const stackKb = role === 'compiler' ? compilerStackKb() : undefined;
  if (stackKb !== undefined) flags.push(`--stack-size=${stackKb}`);
  return flags;
}

/** The compiler's startup snapshot and the file that says what it was built for (compilerSnapshotBuild.ts), beside the scripts. */
export const SNAPSHOT_FILES = { entry: 'compilerSnapshot.cjs', blob: 'compiler.blob', manifest: 'compiler.blob.json' } as const;

/** What a snapshot was built for: this runtime, these flags, this entry (its size and time). */
export interface SnapshotManifest {
  readonly node: string;
  readonly v8: string;
  readonly arch: string;
  readonly flags: readonly string[];
  readonly entry: string;
}

/** What a snapshot built now, by this runtime with `flags`, from the entry in `dir`, would be built for. */
export function snapshotManifest(dir: string, flags: readonly string[]): SnapshotManifest {
  const s = statSync(path.join(dir, SNAPSHOT_FILES.entry));
  return { node: process.version, v8: process.versions.v8, arch: process.arch, flags, entry: `${s.size}:${s.mtimeMs}` };
}

/** The compiler's snapshot in `dir` when it was built for this runtime and `flags`; else undefined. */
export function usableSnapshot(dir: string, flags: readonly string[]): string | undefined {
  try {
    const kept = readFileSync(path.join(dir, SNAPSHOT_FILES.manifest), 'utf8');
    if (kept !== JSON.stringify(snapshotManifest(dir, flags))) return undefined;
    const blob = path.join(dir, SNAPSHOT_FILES.blob);
    return existsSync(blob) ? blob : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How to start a process of `role` with a heap of `heapMb` MB, at protection tier `tier`; the
 * compiler from its startup snapshot when there is a usable one, unless `snapshot` is false.
 */
export function launchPlan(role: ProcessRole, heapMb: number, tier: number, { snapshot = true }: { readonly snapshot?: boolean } = {}): LaunchPlan {
  const script = scriptPath(role);
  const flags = v8Flags(role, heapMb, tier);
  const blob = role === 'compiler' && snapshot && process.versions.electron === undefined ? usableSnapshot(path.dirname(script), flags) : undefined;
  const execArgv = [...flags];
  const permission = permissionFlag();
  if (tier === 0 && permission) execArgv.push(permission, `--allow-fs-read=${readableRoot(role, script)}`);
  return { execPath: process.execPath, script, execArgv, env: minimalEnv(), detached: process.platform !== 'win32', ...(blob ? { snapshot: blob } : {}) };
}
