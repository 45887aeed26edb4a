/**
 * Numeric bounds of hyperparameters and schedule fields, and the one check and one wording used
 * wherever a bound is enforced: the experiment validator, schedules, clipping and the panel's
 * fields all say "must be a number ≥ 0 and < 1, got 1".
 */
import { describeValue, grouped } from './values';

export interface Bounds {
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
}

/** Whether `x` lies within `b` (no bounds: any number). */
export function inBounds(x: number, b: Bounds | undefined): boolean {
  if (!b) return true;
  if (b.min !== undefined && !(b.minExclusive ? x > b.min : x >= b.min)) return false;
  if (b.max !== undefined && !(b.maxExclusive ? x < b.max : x <= b.max)) return false;
  return true;
}

/** The interval in words: "a number > 0", "an integer ≥ 1", "a number ≥ 0 and < 1", "a finite number". */
export function boundsText(b: Bounds | undefined, integer = false): string {
  const kind = integer ? 'an integer' : 'a number';
  const show = (n: number): string => (Number.isInteger(n) ? grouped(n) : String(n));
  const lo = b?.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${show(b.min)}`;
  const hi = b?.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${show(b.max)}`;
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return lo || hi ? `${kind} ${lo || hi}` : `a finite ${integer ? 'integer' : 'number'}`;
}

/** Checks a value against bounds (an integer must also be exact in float64, |x| ≤ 2⁵³ − 1); returns the reason it fails ("must be a number > 0, got -1"), or undefined. */
export function checkNumber(x: unknown, b: Bounds | undefined, integer = false): string | undefined {
  const want = `must be ${boundsText(b, integer)}`;
  if (typeof x !== 'number') return `${want}, got ${describeValue(x)}`;
  if (!Number.isFinite(x) || (integer && !Number.isSafeInteger(x)) || !inBounds(x, b)) return `${want}, got ${x}`;
  return undefined;
}
