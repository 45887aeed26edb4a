/**
 * Field-level checks for the panel's inputs: text as typed → a value, or the reason it is
 * refused. Bounds come from the hyperparameter registry (`src/engine/hyperparameters.ts`), so
 * the panel refuses exactly what the experiment validator refuses, with the same wording of the
 * interval. Whole-experiment checks (cross-field rules such as Nesterov needing momentum) come
 * from the engine's validator and are mapped to fields by their path (see `experimentDraft.ts`).
 */
import type { Bounds, HyperparameterSpec } from '../engine/hyperparameters';

export type FieldResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const refuse = <T>(message: string): FieldResult<T> => ({ ok: false, message });

/** Parses a number as people type it: `0.001`, `1e-3`, `-2`, ` 3 `. Refuses blanks and junk. */
export function parseNumber(text: string, what: string): FieldResult<number> {
  const t = text.trim();
  if (t === '') return refuse(`${what} is empty: enter a number`);
  // Number('') and Number('0x10') are too lenient for a form; accept decimal notation only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return refuse(`${what}: "${t}" is not a number`);
  const v = Number(t);
  if (!Number.isFinite(v)) return refuse(`${what}: ${t} is not finite`);
  return ok(v);
}

/** The interval a bounds object allows, written as people read it: `> 0`, `in [0, 1)`. */
export function describeBounds(b: Bounds): string {
  const hasMin = b.min !== undefined;
  const hasMax = b.max !== undefined;
  if (hasMin && hasMax) return `in ${b.minExclusive ? '(' : '['}${b.min}, ${b.max}${b.maxExclusive ? ')' : ']'}`;
  if (hasMin) return `${b.minExclusive ? '>' : '≥'} ${b.min}`;
  if (hasMax) return `${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  return 'any number';
}

/** Whether `v` lies within `b`. */
export function withinBounds(v: number, b: Bounds | undefined): boolean {
  if (!b) return true;
  if (b.min !== undefined && (b.minExclusive ? v <= b.min : v < b.min)) return false;
  if (b.max !== undefined && (b.maxExclusive ? v >= b.max : v > b.max)) return false;
  return true;
}

/** A number within bounds, e.g. a hyperparameter or one of the betas. */
export function parseBounded(text: string, what: string, bounds: Bounds | undefined): FieldResult<number> {
  const r = parseNumber(text, what);
  if (!r.ok) return r;
  if (!withinBounds(r.value, bounds)) return refuse(`${what} must be ${describeBounds(bounds!)}, got ${r.value}`);
  return r;
}

/** An integer in `[min, max]` (steps, seed, batch size, schedule lengths). */
export function parseInteger(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): FieldResult<number> {
  const r = parseNumber(text, what);
  if (!r.ok) return r;
  if (!Number.isInteger(r.value)) return refuse(`${what} must be a whole number, got ${r.value}`);
  if (r.value < min || r.value > max) {
    return refuse(max === Number.MAX_SAFE_INTEGER ? `${what} must be ≥ ${min}, got ${r.value}` : `${what} must be in [${min}, ${max}], got ${r.value}`);
  }
  return r;
}

/**
 * One numeric hyperparameter (or one element of betas, `index` 0 or 1) from its text,
 * checked against the registry's bounds. The message names the hyperparameter as the
 * experiment file does (`betas[0]`).
 */
export function parseHyperparameter(spec: HyperparameterSpec, text: string, index?: number): FieldResult<number> {
  const what = index === undefined ? spec.name : `${spec.name}[${index}]`;
  return parseBounded(text, what, spec.bounds);
}

/**
 * A list of learning rates for a sweep: numbers separated by commas or spaces, each > 0,
 * at most 12 (each becomes a run). An empty text means "no sweep".
 */
export function parseSweep(text: string, what = 'sweep'): FieldResult<number[]> {
  const t = text.trim();
  if (t === '') return ok([]);
  const parts = t.split(/[\s,;]+/).filter((p) => p !== '');
  const values: number[] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseBounded(p, `${what}[${i}]`, { min: 0, minExclusive: true });
    if (!r.ok) return r;
    values.push(r.value);
  }
  if (values.length > 12) return refuse(`${what} has ${values.length} values; at most 12 (each one is a run)`);
  return ok(values);
}

/** Formats a number for an input so that it reads back to the same value: 0.001, 1e-8, 100. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(12)));
  return v.toExponential().replace('e+', 'e');
}
