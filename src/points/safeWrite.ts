/**
 * Output files written whole or not at all, never through what is already there: each is written
 * under a fresh temporary name in its folder (`wx`: created, never opened if it exists) and then
 * renamed into place, so a file or symbolic link of that name is replaced, not written through.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/** Writes `dir/name` with `write(stream)`, which must not end the stream. */
export async function writeInPlace(dir: string, name: string, write: (stream: WriteStream) => Promise<void>): Promise<void> {
  const temporary = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temporary, { flags: 'wx' });
  const failed = new Promise<never>((_, reject) => stream.on('error', reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([failed, write(stream)]);
    await Promise.race([failed, new Promise<void>((resolve) => stream.end(() => resolve()))]);
    await rename(temporary, path.join(dir, name));
  } catch (e) {
    stream.destroy();
    await rm(temporary, { force: true });
    throw e;
  }
}

/** Writes `text` to `dir/name` as `writeInPlace` does. */
export function writeTextInPlace(dir: string, name: string, text: string | Uint8Array): Promise<void> {
  return writeInPlace(dir, name, async (stream) => { stream.write(text); });
}
