/**
 * A message channel over a byte stream, used both by the host and by its sandbox processes: each
 * message is one frame, a 4-byte big-endian length followed by the message in V8's serialization
 * format (`node:v8`, what `child_process`'s 'advanced' IPC uses), so typed arrays travel as such.
 *
 * Why not Node's own IPC channel: its reader buffers a frame of any announced length (up to
 * 4 GB). Here the reader refuses a frame longer than `maxFrameBytes` as soon as its header
 * arrives, so a sandbox process taken over by its loss cannot make the host allocate without bound.
 */
import type { Duplex } from 'node:stream';
import { deserialize, serialize } from 'node:v8';

const HEADER_BYTES = 4;

export interface ChannelOptions {
  /** Longest frame accepted from the other side. */
  readonly maxFrameBytes: number;
  readonly onMessage: (message: unknown) => void;
  /** A frame that is too long or does not decode: the channel stops reading. */
  readonly onError: (reason: string) => void;
}

/** Splits incoming chunks into frames and decodes each. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly options: ChannelOptions) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < HEADER_BYTES) return;
      const length = this.peekLength();
      if (length > this.options.maxFrameBytes) {
        this.fail(`a message of ${length} bytes (more than the ${this.options.maxFrameBytes} allowed)`);
        return;
      }
      if (this.buffered < HEADER_BYTES + length) return;
      const frame = this.take(HEADER_BYTES + length).subarray(HEADER_BYTES);
      let message: unknown;
      try {
        message = deserialize(frame);
      } catch (e) {
        this.fail(`a message that does not decode (${(e as Error).message})`);
        return;
      }
      this.options.onMessage(message);
      if (this.failed) return;
    }
  }

  private fail(reason: string): void {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    this.options.onError(reason);
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= HEADER_BYTES) return first.readUInt32BE(0);
    return Buffer.concat(this.chunks).readUInt32BE(0);
  }

  /** The first `n` buffered bytes (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift(); else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

/** One message as a frame's header and body (written one after the other: no copy of the body). */
function frameParts(message: unknown): [Buffer, Buffer] {
  const body = serialize(message);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  return [header, body];
}

/** One message as a frame (header and body). */
export function encodeFrame(message: unknown): Buffer {
  return Buffer.concat(frameParts(message));
}

export interface Channel {
  /** Sends one message; returns false while the stream's write buffer is full (wait for `drained`). */
  send(message: unknown): boolean;
  /** Resolves when the write buffer emptied (at once when it is). */
  drained(): Promise<void>;
}

/** A channel over `stream` (a socket or pipe): reads frames into `options.onMessage`, writes frames. */
export function openChannel(stream: Duplex, options: ChannelOptions): Channel {
  const reader = new FrameReader(options);
  stream.on('data', (chunk: Buffer) => reader.push(chunk));
  return {
    send(message: unknown): boolean {
      if (stream.destroyed || !stream.writable) return false;
      const [header, body] = frameParts(message);
      stream.cork();
      stream.write(header);
      const room = stream.write(body);
      stream.uncork();
      return room;
    },
    drained(): Promise<void> {
      if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => { stream.off('drain', done); stream.off('close', done); resolve(); };
        stream.on('drain', done);
        stream.on('close', done);
      });
    },
  };
}
