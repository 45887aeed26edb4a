/**
 * Numbers as messages carry them. Messages travel as JSON, which has no NaN or ±Infinity, yet a
 * diverged loss or a gradient that overflowed is a result to show, not an error: a float64 column
 * travels as `WireNumber`s, where `null` stands for NaN and the strings "Infinity" and "-Infinity"
 * for the infinities. `toWire`/`fromWire` convert; columns are plain arrays, so a batch of
 * thousands of points stays one small message.
 */

/** A float64 on the wire: a finite number, null (NaN), "Infinity" or "-Infinity". */
export type WireNumber = number | null | 'Infinity' | '-Infinity';

/** One float64 → its wire form. */
export function wireNumber(v: number): WireNumber {
  if (Number.isFinite(v)) return v;
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return null;
}

/** One wire value → the float64 it stands for. */
export function fromWireNumber(v: WireNumber): number {
  return v === null ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}

/** Float64 column → wire column. */
export function toWire(values: ArrayLike<number>): WireNumber[] {
  const out = new Array<WireNumber>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = wireNumber(values[i]!);
  return out;
}

/** Wire column → numbers (NaN, ±Infinity restored). */
export function fromWire(values: readonly WireNumber[]): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fromWireNumber(values[i]!);
  return out;
}

/** Whether `v` is a wire number (the validators' check, one loop per column). */
export function isWireNumber(v: unknown): v is WireNumber {
  return v === null || (typeof v === 'number' && Number.isFinite(v)) || v === 'Infinity' || v === '-Infinity';
}

/** The index of the first element of `values` that is not a wire number, or −1. */
export function firstNonWire(values: readonly unknown[]): number {
  for (let i = 0; i < values.length; i++) if (!isWireNumber(values[i])) return i;
  return -1;
}
