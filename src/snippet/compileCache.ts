/**
 * Compiled snippets kept on disk by the host (the CLI), so that running the same loss again skips
 * the compiler process — whose first compile loads TypeScript and parses its library, most of a
 * second — and, with it, the CPU it would take from the sandbox processes; and V8's code cache of
 * the TypeScript compiler, which a compiler process sends after its first compile and receives
 * when it starts (compilerMain.ts), so that a new loss compiles sooner. The sandbox and compiler
 * processes never touch the folder: they may not write files (launch.ts).
 *
 * An entry is found by a key over the source, the compile options, the cache's format and the
 * compiler's identity (the package's version and compile.js's size and modification time: a
 * rebuilt compiler misses). It holds the compiled snippet as JSON text with its SHA-256; an entry
 * whose key, hash or shape does not match is ignored and removed, never trusted. Only snippets
 * that compiled are kept. What an entry could hold at worst is code that runs in the sandbox —
 * as any loss does.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompileOptions } from './compile';
import type { CompiledSnippet } from './types';

const FORMAT = 1;
/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 200;
/** Largest entry read (a compiled 1 MB loss with its source maps stays well under). */
const MAX_ENTRY_BYTES = 32 << 20;

let directory: string | undefined;
let codeDirectory: string | undefined;
let identity: string | undefined;
/** Largest code cache kept (V8's for the TypeScript compiler is ~4 MB). */
const MAX_CODE_CACHE_BYTES = 48 << 20;

/**
 * The folder the CLI keeps its cache in: `OPTIMIZER_PLAYGROUND_CACHE` when set (empty: no cache),
 * else the OS's cache folder for the user.
 */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.OPTIMIZER_PLAYGROUND_CACHE;
  if (set !== undefined) return set === '' ? undefined : path.resolve(set);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'optimizer-playground', 'Cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'optimizer-playground');
  return path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'optimizer-playground');
}

/** Keeps compiled snippets and the compiler's code cache under `dir` from now on (undefined: no cache, the default). */
export function useCompileCache(dir: string | undefined): void {
  directory = dir === undefined ? undefined : path.join(dir, 'compiled');
  codeDirectory = dir === undefined ? undefined : path.join(dir, 'code');
}

/** The compiler's identity: the package's version, and compile.js's size and time (beside this module). */
function compilerIdentity(): string {
  if (identity === undefined) {
    let version = '?';
    for (let at = __dirname; path.dirname(at) !== at; at = path.dirname(at)) {
      try {
        version = (JSON.parse(readFileSync(path.join(at, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
        break;
      } catch { /* not here */ }
    }
    let compiler = 'none';
    try {
      const s = statSync(path.join(__dirname, 'compile.js'));
      compiler = `${s.size}:${s.mtimeMs}`;
    } catch { /* running from the sources (tests): the version alone */ }
    identity = `${version}/${compiler}`;
  }
  return identity;
}

function keyOf(source: string, options: CompileOptions): string {
  return createHash('sha256').update(JSON.stringify([FORMAT, compilerIdentity(), source, options])).digest('hex');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function isCompiled(value: unknown, source: string): value is CompiledSnippet {
  const v = value as Partial<CompiledSnippet> | null;
  return typeof v === 'object' && v !== null && v.ok === true && v.source === source && typeof v.js === 'string'
    && typeof v.gradient === 'object' && v.gradient !== null;
}

/** The cached compile of `source`, or undefined (no cache, no entry, or an entry that does not check out). */
export function readCachedCompile(source: string, options: CompileOptions): CompiledSnippet | undefined {
  if (directory === undefined) return undefined;
  const key = keyOf(source, options);
  const file = path.join(directory, `${key}.json`);
  let text: string;
  try {
    if (statSync(file).size > MAX_ENTRY_BYTES) throw new Error('too large');
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as { format?: unknown; key?: unknown; sha256?: unknown; result?: unknown };
    if (entry.format !== FORMAT || entry.key !== key || typeof entry.result !== 'string' || entry.sha256 !== sha256(entry.result)) {
      throw new Error('does not check out');
    }
    const result: unknown = JSON.parse(entry.result);
    if (!isCompiled(result, source)) throw new Error('not a compiled snippet');
    return result;
  } catch {
    try { unlinkSync(file); } catch { /* gone already */ }
    return undefined;
  }
}

/** Keeps `result` (a compile of `source` that succeeded); a failure to write is ignored (the cache is optional). */
export function writeCachedCompile(source: string, options: CompileOptions, result: CompiledSnippet): void {
  if (directory === undefined) return;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const key = keyOf(source, options);
    const text = JSON.stringify(result);
    const temporary = path.join(directory, `.${key}.${process.pid}.tmp`);
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, key, sha256: sha256(text), result: text }), { mode: 0o600 });
    renameSync(temporary, path.join(directory, `${key}.json`));
    prune(directory);
  } catch { /* read-only or full disk: no cache */ }
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const aged = entries.map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of aged.slice(0, entries.length - MAX_ENTRIES)) unlinkSync(path.join(dir, f));
}

/**
 * V8's code cache of the TypeScript compiler (made by a compiler process, kept by the host): one
 * file per runtime and compiler, its SHA-256 first. V8 checks its own version, flags and the
 * source's hash, but not the payload: the hash here does, and a file that does not match is removed.
 */
function codeCacheFile(): string | undefined {
  if (codeDirectory === undefined) return undefined;
  const key = createHash('sha256').update(JSON.stringify([FORMAT, compilerIdentity(), process.version, process.versions.v8, process.arch])).digest('hex');
  return path.join(codeDirectory, `${key}.bin`);
}

const DIGEST_BYTES = 32;

/** The kept code cache, or undefined. */
export function readCodeCache(): Uint8Array | undefined {
  const file = codeCacheFile();
  if (file === undefined) return undefined;
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_CODE_CACHE_BYTES + DIGEST_BYTES) throw new Error('too large');
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length > DIGEST_BYTES && createHash('sha256').update(data).digest().equals(bytes.subarray(0, DIGEST_BYTES))) return data;
  try { unlinkSync(file); } catch { /* gone already */ }
  return undefined;
}

/** Keeps `data` as the code cache (a failure to write is ignored). */
export function writeCodeCache(data: Uint8Array): void {
  const file = codeCacheFile();
  if (file === undefined || !(data instanceof Uint8Array) || data.byteLength === 0 || data.byteLength > MAX_CODE_CACHE_BYTES) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]), { mode: 0o600 });
    renameSync(temporary, file);
  } catch { /* read-only or full disk: no cache */ }
}
