/**
 * The loss's source text, on the host: `loss.source` as given, `loss.file` read only when it is a
 * regular file within LOSS_FILE_MAX_BYTES, within LOSS_FILE_DEADLINE_MS. The file is opened
 * without blocking (a FIFO would otherwise hold a thread of the host forever) and checked on the
 * open descriptor (a symbolic link is followed, then what it points to is checked): a directory,
 * a FIFO, a device or a socket is refused with a message that says which.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Experiment } from '../engine/types';
import { oneLine } from './format';
import type { LossError, StartOptions } from './types';

export const LOSS_FILE_MAX_BYTES = 1024 * 1024;
export const LOSS_FILE_DEADLINE_MS = 5000;

function ioError(file: string, why: string): LossError {
  return { kind: 'io', message: `cannot read the loss file ${oneLine(file)}: ${why}` };
}

function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isFIFO()) return 'it is a named pipe (FIFO), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device, not a regular file';
  if (stats.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

function describeCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links';
  return code ?? (e as Error).message;
}

async function readRegular(handle: FileHandle, shown: string): Promise<string> {
  const stats = await handle.stat();
  const why = notRegular(stats);
  if (why) throw ioError(shown, why);
  const tooLarge = ioError(shown, `it is larger than ${LOSS_FILE_MAX_BYTES / 1024 / 1024} MB, the most a loss file may be`);
  if (stats.size > LOSS_FILE_MAX_BYTES) throw tooLarge;
  // Read to the end, one byte past the cap at most (a file's size can be 0 and its content not).
  const buffer = Buffer.alloc(LOSS_FILE_MAX_BYTES + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > LOSS_FILE_MAX_BYTES) throw tooLarge;
  }
  return buffer.toString('utf8', 0, length);
}

/** Reads `file` (shown as `shown` in messages) as a loss file; rejects with an 'io' LossError. */
export async function readLossFile(file: string, shown: string): Promise<string> {
  let handle: FileHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(ioError(shown, `it could not be read within ${LOSS_FILE_DEADLINE_MS / 1000} s`)), LOSS_FILE_DEADLINE_MS);
  });
  const read = (async () => {
    try {
      handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      throw ioError(shown, describeCode(e));
    }
    try {
      return await readRegular(handle, shown);
    } catch (e) {
      throw (e as LossError).kind === 'io' ? e : ioError(shown, describeCode(e));
    }
  })();
  try {
    return await Promise.race([read, deadline]);
  } finally {
    clearTimeout(timer);
    void read.catch(() => undefined).finally(() => handle?.close().catch(() => undefined));
  }
}

/** The loss's source text for `loss.source` / `loss.file`, or null for a preset; rejects with a LossError. */
export async function lossSource(experiment: Experiment, options: StartOptions): Promise<string | null> {
  const loss = experiment.loss;
  if ('preset' in loss) return null;
  if ('source' in loss) return loss.source;
  if (options.allowFiles === false) {
    throw { kind: 'trust', message: 'workspace is not trusted: loss files from the workspace do not run' } satisfies LossError;
  }
  return readLossFile(path.resolve(options.baseDir ?? process.cwd(), loss.file), loss.file);
}
