/**
 * Small helpers for reading untrusted JSON values and naming them in messages, shared by every
 * validator of the engine (experiments, runs, schedules, clipping, sweeps). Safe on any input:
 * hostile keys such as `__proto__` are only ever read as own data.
 */
import { closest } from './suggest';

export type Rec = Record<string, unknown>;

/** A plain object (not null, not an array). */
export const isRecord = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `o[key]` when `key` is an own property, else undefined (never the prototype's). */
export const ownValue = (o: Rec, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);

/** −0 is written as 0 in JSON; normalise so a value round-trips through a file exactly. */
export const zero = (x: number): number => (x === 0 ? 0 : x);

/** A value as a message shows it: short, typed. */
export function describeValue(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x === 'object' ? 'an object' : typeof x;
}

/** ` — did you mean "x"?` when a candidate is close to `word`, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` — did you mean "${c}"?`;
}

/** `"a", "b", "c"`. */
export const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * 10,000,000: rounded to a whole number, thousands separated by commas as `toLocaleString('en-US')`
 * writes them, without Intl (its locale data costs tens of milliseconds at first use, and some
 * runtimes lack it).
 */
export function grouped(n: number): string {
  const digits = Math.abs(Math.round(n)).toString();
  return `${n < 0 ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** A deep copy of plain JSON data, −0 normalised, keys defined as own data (never setters). */
export function plainCopy(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(plainCopy);
  if (isRecord(x)) {
    const out: Rec = {};
    for (const k of Object.keys(x)) Object.defineProperty(out, k, { value: plainCopy(x[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return typeof x === 'number' ? zero(x) : x;
}
