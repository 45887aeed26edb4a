/**
 * Field-level checks for the panel's inputs: text as typed → a value, or the reason it is
 * refused. Bounds and their wording come from the engine (`src/engine/bounds.ts`), so the panel
 * refuses exactly what the experiment validator refuses, in the same words. Whole-experiment checks (cross-field rules such as Nesterov needing momentum) come
 * from the engine's validator and are mapped to fields by their path (see `experimentDraft.ts`).
 */
import { checkNumber, type Bounds } from '../engine/bounds';
import { optimizerSpec, type HyperparameterSpec } from '../engine/hyperparameters';

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

/**
 * A number within bounds (a hyperparameter, one of the betas, a schedule or clip field, an integer
 * field), refused with the engine's own wording of the bound: "lr must be a number ≥ 0, got -1".
 */
export function parseBounded(text: string, what: string, bounds: Bounds | undefined, integer = false): FieldResult<number> {
  const r = parseNumber(text, what);
  if (!r.ok) return r;
  const reason = checkNumber(r.value, bounds, integer);
  return reason ? refuse(`${what} ${reason}`) : r;
}

/**
 * One numeric hyperparameter (or one element of betas, `index` 0 or 1) from its text,
 * checked against the registry's bounds. The message names the hyperparameter as the
 * experiment file does (`betas[0]`).
 */
export function parseHyperparameter(spec: HyperparameterSpec, text: string, index?: number, what = index === undefined ? spec.name : `${spec.name}[${index}]`): FieldResult<number> {
  return parseBounded(text, what, spec.bounds);
}

/** The learning rate's declaration (its bounds are the same for every optimizer). */
const LR = optimizerSpec('sgd')!.hyperparameters.find((h) => h.name === 'lr')!;

/**
 * A list of learning rates for a sweep: numbers separated by commas or spaces, each a valid lr,
 * at most 12 (each becomes a run). An empty text means "no sweep".
 */
export function parseSweep(text: string, what = 'sweep'): FieldResult<number[]> {
  const t = text.trim();
  if (t === '') return ok([]);
  const parts = t.split(/[\s,;]+/).filter((p) => p !== '');
  const values: number[] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseHyperparameter(LR, p, undefined, `${what}[${i}]`);
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
