/**
 * Text about the loss for people: params, thrown values, errors of bounded length.
 *
 * A value the loss threw is described without running any of its code: no getter, no Proxy trap,
 * no `toString`. `util.types` tells a Proxy and a native error apart by their internal slots, and
 * only data properties of ordinary objects are read (`Reflect.getOwnPropertyDescriptor` and
 * `Reflect.getPrototypeOf` run no user code on them). An error's `stack` is formatted by the
 * sandbox context's own locked hook (sandbox.ts), which reads only file, line and column.
 */
import { types } from 'node:util';
import { DETAIL_MAX_CHARS, MESSAGE_MAX_CHARS, type LossError } from './types';

/** Most characters of text from the loss (a thrown message) inside a one-line message. */
export const QUOTED_MAX_CHARS = 300;

/** Formats params for messages: `[1.5, -2]`, six significant digits, at most 8 shown. */
export function formatParams(p: ArrayLike<number>): string {
  const n = Math.min(p.length, 8);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(String(Number(p[k].toPrecision(6))));
  return `[${parts.join(', ')}${p.length > n ? `, … (${p.length} in all)` : ''}]`;
}

/**
 * Characters a terminal acts on or that change how text reads: C0 controls (escape, backspace,
 * carriage return, line breaks…), DEL and C1 controls (8-bit CSI), and the Unicode controls that
 * reorder or hide text (bidirectional marks, overrides and isolates, line and paragraph separators).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOf(c: string): string {
  switch (c) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
}

/**
 * `text` on one line with every control character written as an escape (`\x1b`, `\n`, `\u202e`),
 * so that text from the loss or a file cannot restyle a terminal or pose as another line (the
 * sandbox's messages and the CLI's output both escape with it).
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, escapeOf);
}

/** `text` cut to `max` characters, ending in "…" when it was longer. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A LossError whose message is one line of at most MESSAGE_MAX_CHARS; the full text (up to
 * DETAIL_MAX_CHARS, as it was: escape it before printing) in `detail` when it had to be changed.
 */
export function lossError(kind: LossError['kind'], text: string): LossError {
  const line = cut(oneLine(cut(text, MESSAGE_MAX_CHARS * 2)), MESSAGE_MAX_CHARS);
  return line === text ? { kind, message: line } : { kind, message: line, detail: cut(text, DETAIL_MAX_CHARS) };
}

const MAX_PROTOTYPE_DEPTH = 32;

/**
 * The value behind a locked built-in prototype's accessor (intrinsics.ts; Node's own frozen
 * built-ins do the same): its getter carries the value as its own data property `value`, read here
 * without calling it. Only for an inherited property — an error's own accessor stays unread.
 */
function lockedValue(getter: unknown, inherited: boolean): string | undefined {
  if (!inherited || typeof getter !== 'function' || types.isProxy(getter)) return undefined;
  const d = Reflect.getOwnPropertyDescriptor(getter, 'value');
  return d !== undefined && 'value' in d && typeof d.value === 'string' ? d.value : undefined;
}

/** A string data property of `o` or of its prototypes (undefined for getters but a locked built-in's, Proxies, non-strings). */
function dataString(o: object, key: string): string | undefined {
  let at: object | null = o;
  for (let depth = 0; at !== null && depth < MAX_PROTOTYPE_DEPTH; depth++) {
    if (types.isProxy(at)) return undefined;
    const d = Reflect.getOwnPropertyDescriptor(at, key);
    if (d) return 'value' in d ? (typeof d.value === 'string' ? d.value : undefined) : lockedValue(d.get, at !== o);
    at = Reflect.getPrototypeOf(at);
  }
  return undefined;
}

/**
 * A thrown value: `text` ("TypeError: x is not a function" for an error, "a string ("…")" for
 * anything else), whether it is an error, and the error's stack, if any.
 */
export interface ThrownValue {
  readonly text: string;
  readonly isError: boolean;
  readonly stack: string;
}

/** Describes `value` as thrown by the loss, running none of its code. */
export function describeThrown(value: unknown): ThrownValue {
  const other = (text: string): ThrownValue => ({ text, isError: false, stack: '' });
  if (value === null || value === undefined) return other(String(value));
  const type = typeof value;
  if (type !== 'object' && type !== 'function') {
    const shown = typeof value === 'symbol' ? value.toString() : String(value as string | number | bigint | boolean);
    return other(`a ${type} (${type === 'string' ? JSON.stringify(shown) : shown})`);
  }
  if (types.isProxy(value)) return other('a Proxy');
  if (type === 'function') return other('a function');
  if (types.isNativeError(value)) {
    const error = value as object;
    const name = dataString(error, 'name') ?? 'Error';
    const message = dataString(error, 'message') ?? '';
    const own = Reflect.getOwnPropertyDescriptor(error, 'stack');
    const stack = own && 'value' in own && typeof own.value === 'string' ? own.value : '';
    return { text: message === '' ? name : `${name}: ${message}`, isError: true, stack };
  }
  return other(Array.isArray(value) ? 'an array' : 'an object');
}
