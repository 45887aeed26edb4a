/**
 * Every exact point of an experiment's runs, in bounded memory: the CLI's `--json` and points.csv
 * and the panel's Export read them back in order, however long the runs.
 *
 * A point is one record of `3 + dim` float64s — loss, gradient norm, learning rate, then the
 * parameters (`LOSS`, `GRAD_NORM`, `LR`, `PARAMS`) — and, when the experiment asks for curvature,
 * two more after the parameters: the sharpness and the preconditioned sharpness (NaN where a
 * batch did not carry it; `sharpnessOffset`). Records are kept per run in chunks of a fixed number of
 * points. Chunks stay in memory until the store holds more than `memoryBytes` of them; then every
 * full chunk is appended to its run's file in a spill folder (made on first need under
 * `spillRoot`, deleted by `dispose`) and dropped from memory. So a short experiment never touches
 * the disk, and 8 runs × 10 million steps hold `memoryBytes` plus one open chunk per run.
 *
 * Writes and reads are synchronous: appends come from the session's event handler, which must
 * never wait, and a chunk is a few hundred kilobytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PointBatch } from '../engine/types';

/** Offsets of a point's fields in its record. */
export const LOSS = 0;
export const GRAD_NORM = 1;
export const LR = 2;
export const PARAMS = 3;

/** Curvature columns after the parameters: the sharpness, then the preconditioned sharpness. */
export const CURVATURE_COLUMNS = 2;

/** Float64s per point for `dim` parameters (with the curvature columns when `curvature`). */
export function recordLength(dim: number, curvature = false): number {
  return PARAMS + dim + (curvature ? CURVATURE_COLUMNS : 0);
}

/** How spill folders' names begin. */
const SPILL_PREFIX = 'optimizer-playground-points-';

/** Bytes of points kept in memory before the store spills to files. */
export const DEFAULT_MEMORY_BYTES = 32 << 20;
/** The most bytes one chunk holds (fewer points per chunk when there are many runs). */
const CHUNK_BYTES = 256 << 10;

export interface PointStoreOptions {
  /** Run slots: run `i` of the experiment is slot `i`. */
  readonly runs: number;
  readonly dim: number;
  /** Whether points carry the sharpness and preconditioned sharpness (`"curvature": true`). */
  readonly curvature?: boolean;
  /** Folder in which the spill folder is made when the points outgrow `memoryBytes`. */
  readonly spillRoot: string;
  readonly memoryBytes?: number;
}

class RunLog {
  /** Points received (the next point's step). */
  count = 0;
  /** Points in the run's file: steps [0, spilled). */
  spilled = 0;
  /** Full chunks in memory after the spilled points, each `chunkPoints` records. */
  readonly chunks: Float64Array[] = [];
  /** The chunk being filled: grows up to `chunkPoints` records, then joins `chunks`. */
  open: Float64Array = new Float64Array(0);
  openCount = 0;
  fd: number | undefined;
  /** Whether any batch of the run carried the sharpness, the preconditioned sharpness. */
  sharpness = false;
  preconditionedSharpness = false;
}

export class PointStore {
  readonly stride: number;
  /** Offset of the sharpness in a record (the preconditioned sharpness follows it); undefined without curvature. */
  readonly sharpnessOffset: number | undefined;
  /** Points per chunk. */
  readonly chunkPoints: number;
  private readonly logs: RunLog[];
  private readonly memoryBytes: number;
  private heldBytes = 0;
  /** Chunks written to files, kept for reuse as open chunks (no allocation while a long run streams). */
  private readonly spare: Float64Array[] = [];
  private spillDir: string | undefined;
  private disposed = false;

  constructor(private readonly options: PointStoreOptions) {
    this.stride = recordLength(options.dim, options.curvature === true);
    this.sharpnessOffset = options.curvature ? PARAMS + options.dim : undefined;
    this.memoryBytes = options.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    const perRun = Math.min(CHUNK_BYTES, this.memoryBytes / Math.max(1, options.runs) / 2);
    this.chunkPoints = Math.max(1, Math.floor(perRun / (8 * this.stride)));
    this.logs = Array.from({ length: options.runs }, () => new RunLog());
  }

  get dim(): number {
    return this.options.dim;
  }

  get runCount(): number {
    return this.logs.length;
  }

  /** Points of run `run` received so far. */
  count(run: number): number {
    return this.logs[run]?.count ?? 0;
  }

  /** Which curvature columns run `run`'s points carry (those of no batch stay NaN and are not reported). */
  curvatureOf(run: number): { sharpness: boolean; preconditionedSharpness: boolean } {
    const log = this.logs[run];
    return { sharpness: log?.sharpness ?? false, preconditionedSharpness: log?.preconditionedSharpness ?? false };
  }

  /** Bytes of points held in memory (full chunks not yet spilled, and every run's open chunk). */
  get memoryHeld(): number {
    return this.heldBytes;
  }

  /** Bytes of points written to spill files so far. */
  get spilledBytes(): number {
    return this.logs.reduce((s, l) => s + l.spilled, 0) * this.stride * 8;
  }

  /** The folder of spill files, once made. */
  get spillFolder(): string | undefined {
    return this.spillDir;
  }

  /**
   * Appends a batch of the runner's points; false (nothing kept) when the batch does not continue
   * its run where it stands or names no run of the store.
   * Throws (an fs error) when a spill file cannot be written, e.g. the disk is full.
   */
  append(batch: PointBatch): boolean {
    const log = this.logs[batch.run];
    if (!log || batch.fromStep !== log.count || this.disposed) return false;
    const dim = this.options.dim, stride = this.stride, at = this.sharpnessOffset;
    const sharpness = at !== undefined ? batch.sharpness : undefined;
    const preconditioned = at !== undefined ? batch.preconditionedSharpness : undefined;
    if (sharpness) log.sharpness = true;
    if (preconditioned) log.preconditionedSharpness = true;
    for (let i = 0; i < batch.count; i++) {
      if (log.openCount * stride === log.open.length) this.makeRoom(log);
      const o = log.openCount * stride;
      const open = log.open;
      open[o + LOSS] = batch.loss[i] as number;
      open[o + GRAD_NORM] = batch.gradNorm[i] as number;
      open[o + LR] = batch.lr[i] as number;
      for (let d = 0, p = i * dim; d < dim; d++) open[o + PARAMS + d] = batch.params[p + d] as number;
      if (at !== undefined) {
        open[o + at] = sharpness ? sharpness[i] as number : NaN;
        open[o + at + 1] = preconditioned ? preconditioned[i] as number : NaN;
      }
      log.openCount++;
    }
    log.count += batch.count;
    return true;
  }

  /** The open chunk is full: grow it (doubling, up to a chunk) or seal it and start the next. */
  private makeRoom(log: RunLog): void {
    const records = log.open.length / this.stride;
    if (records < this.chunkPoints) {
      const next = new Float64Array(Math.min(this.chunkPoints, Math.max(16, records * 2)) * this.stride);
      next.set(log.open);
      this.heldBytes += next.byteLength - log.open.byteLength;
      log.open = next;
      return;
    }
    log.chunks.push(log.open);
    log.open = this.spare.pop() ?? new Float64Array(this.chunkPoints * this.stride);
    log.openCount = 0;
    this.heldBytes += log.open.byteLength;
    if (this.heldBytes > this.memoryBytes) this.spill();
  }

  /** Appends every run's full chunks to its file and lets go of them. */
  private spill(): void {
    for (let run = 0; run < this.logs.length; run++) {
      const log = this.logs[run] as RunLog;
      if (log.chunks.length === 0) continue;
      log.fd ??= fs.openSync(path.join(this.folder(), `run-${run}.f64`), 'w+');
      for (const chunk of log.chunks) {
        writeAll(log.fd, chunk, log.spilled * this.stride * 8);
        log.spilled += this.chunkPoints;
        this.heldBytes -= chunk.byteLength;
        if (this.spare.length < this.logs.length) this.spare.push(chunk);
      }
      log.chunks.length = 0;
    }
  }

  private folder(): string {
    if (this.spillDir === undefined) {
      fs.mkdirSync(this.options.spillRoot, { recursive: true });
      this.spillDir = fs.mkdtempSync(path.join(this.options.spillRoot, SPILL_PREFIX));
    }
    return this.spillDir;
  }

  /**
   * Records [from, from + n) of run `run`, `stride` float64s each, copied into `into` (or a new
   * array). `from + n` must not pass `count(run)`.
   */
  read(run: number, from: number, n: number, into = new Float64Array(n * this.stride)): Float64Array {
    const log = this.logs[run];
    if (!log || from < 0 || n < 0 || from + n > log.count) {
      throw new RangeError(`points [${from}, ${from + n}) of run ${run}: it has ${log?.count ?? 0}`);
    }
    const stride = this.stride, cp = this.chunkPoints;
    let at = from, out = 0;
    const end = from + n;
    if (at < log.spilled) {
      const k = Math.min(end, log.spilled) - at;
      readAll(log.fd as number, into.subarray(0, k * stride), at * stride * 8);
      at += k;
      out += k;
    }
    const inChunks = log.spilled + log.chunks.length * cp;
    while (at < end && at < inChunks) {
      const c = Math.floor((at - log.spilled) / cp);
      const offset = at - log.spilled - c * cp;
      const k = Math.min(end, log.spilled + (c + 1) * cp) - at;
      into.set((log.chunks[c] as Float64Array).subarray(offset * stride, (offset + k) * stride), out * stride);
      at += k;
      out += k;
    }
    if (at < end) {
      const offset = at - inChunks;
      into.set(log.open.subarray(offset * stride, (offset + end - at) * stride), out * stride);
    }
    return into;
  }

  /** Run `run`'s records [from, to) in blocks of at most `blockPoints`: [first step, records]. */
  *blocks(run: number, from = 0, to = this.count(run), blockPoints = 4096): Generator<[number, Float64Array]> {
    const buffer = new Float64Array(Math.max(1, blockPoints) * this.stride);
    for (let at = from; at < to; at += blockPoints) {
      const n = Math.min(blockPoints, to - at);
      yield [at, this.read(run, at, n, buffer.subarray(0, n * this.stride))];
    }
  }

  /** The parameters of run `run` at `step`. */
  paramsAt(run: number, step: number): Float64Array {
    return this.read(run, step, 1).slice(PARAMS, PARAMS + this.options.dim);
  }

  /** Closes and deletes the spill files; the store keeps nothing after. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const log of this.logs) {
      if (log.fd !== undefined) fs.closeSync(log.fd);
      log.fd = undefined;
      log.chunks.length = 0;
      log.open = new Float64Array(0);
    }
    this.spare.length = 0;
    if (this.spillDir !== undefined) fs.rmSync(this.spillDir, { recursive: true, force: true });
    this.heldBytes = 0;
  }
}

function writeAll(fd: number, data: Float64Array, position: number): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function readAll(fd: number, into: Float64Array, position: number): void {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  for (let done = 0; done < bytes.length;) {
    const got = fs.readSync(fd, bytes, done, bytes.length - done, position + done);
    if (got === 0) throw new Error('a spill file of the point store is shorter than it should be');
    done += got;
  }
}

/**
 * Deletes spill folders in `root` left by processes that ended without `dispose` (a crash, a
 * killed window): those whose files were all last written more than `maxAgeMs` ago.
 */
export function pruneSpillFolders(root: string, maxAgeMs = 24 * 3600_000): void {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => n.startsWith(SPILL_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const newest = Math.max(fs.statSync(dir).mtimeMs, ...fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
      if (Date.now() - newest > maxAgeMs) fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* gone already, or not ours to read */ }
  }
}
