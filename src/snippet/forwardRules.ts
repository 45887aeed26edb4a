/**
 * Forward mode's rules (forward.ts): for each arithmetic operator and Math function, the code of
 * its value — exactly the operation the plain snippet does — and of its n tangents by the chain
 * rule. The Math functions' partials are the tape's (derivativeRules.ts), so that all paths give
 * the same gradient.
 */
import ts from 'typescript';
import { CONSTANT_MATH, UNARY_RULES } from './derivativeRules';

/** A construct outside forward mode's subset: the tape takes the snippet. */
export class Unsupported extends Error {}
export const fail = (): never => { throw new Unsupported(); };

/** A value being emitted: code for it, and code for its n tangents (null: all zero). */
export interface Dual { readonly v: string; readonly d: readonly string[] | null }

/** Where the rules put what they compute. */
export interface Emit {
  /** The number of parameters (tangents per value). */
  readonly n: number;
  /** The generated binding of Math's functions as they were before the snippet ran. */
  readonly M: string;
  /** A new local holding `v` (and its tangents `d`). */
  local(v: string, d: readonly string[] | null): Dual;
}

// Tangent code: '0' is a structural zero (a constant's tangent, ∂p[1]/∂θ₀), '1' a structural one.
// Terms with a structural zero are left out, as the tape leaves out constants: no 0·∞ = NaN.
const plus = (x: string, y: string): string => x === '0' ? y : y === '0' ? x : `${x} + ${y}`;
const minus = (x: string, y: string): string => y === '0' ? x : x === '0' ? `-${y}` : `${x} - ${y}`;
const times = (x: string, factor: string): string => x === '0' ? '0' : x === '1' ? factor : `${x} * ${factor}`;
const tangentOf = (d: readonly string[] | null, j: number): string => d ? d[j] : '0';

function tangents(out: Emit, a: Dual, b: Dual, f: (da: string, db: string) => string): string[] | null {
  return a.d || b.d ? Array.from({ length: out.n }, (_, j) => f(tangentOf(a.d, j), tangentOf(b.d, j))) : null;
}

/** a (op) b for `+ - * / **`; `squared`: the exponent is the literal 2 (the tape's 2a partial). */
export function binary(out: Emit, k: ts.SyntaxKind, a: Dual, b: Dual, squared = false): Dual {
  switch (k) {
    case ts.SyntaxKind.PlusToken:
      return out.local(`${a.v} + ${b.v}`, tangents(out, a, b, plus));
    case ts.SyntaxKind.MinusToken:
      return out.local(`${a.v} - ${b.v}`, tangents(out, a, b, minus));
    case ts.SyntaxKind.AsteriskToken:
      return out.local(`${a.v} * ${b.v}`, tangents(out, a, b, (da, db) => plus(times(da, b.v), times(db, a.v))));
    case ts.SyntaxKind.SlashToken: {
      const r = out.local(`${a.v} / ${b.v}`, null);
      const d = tangents(out, a, b, (da, db) => db === '0' ? (da === '0' ? '0' : `${da} / ${b.v}`) : `(${minus(da, times(db, r.v))}) / ${b.v}`);
      return d ? out.local(r.v, d) : r;
    }
    case ts.SyntaxKind.AsteriskAsteriskToken: {
      const r = out.local(`${a.v} ** ${b.v}`, null);
      const pa = squared ? `(2 * ${a.v})` : `(${b.v} === 0 ? 0 : ${b.v} * ${a.v} ** (${b.v} - 1))`;
      const pb = `(${a.v} === 0 ? 0 : ${r.v} * ${out.M}.log(${a.v}))`;
      const d = tangents(out, a, b, (da, db) => plus(times(da, pa), times(db, pb)));
      return d ? out.local(r.v, d) : r;
    }
    default: return fail();
  }
}

/** Math.f(args) for the differentiable Math functions. */
export function math(out: Emit, f: string, args: readonly Dual[]): Dual {
  const { M, n } = out;
  const anyActive = args.some((x) => x.d);
  if (CONSTANT_MATH.includes(f) && args.length === 1) return out.local(`${M}.${f}(${args[0].v})`, null);
  if (Object.hasOwn(UNARY_RULES, f) && args.length === 1) {
    const a = args[0];
    const r = out.local(`${M}.${f}(${a.v})`, null);
    if (!a.d) return r;
    const dv = out.local(UNARY_RULES[f].d1(a.v, r.v, M), null);
    return out.local(r.v, a.d.map((x) => times(x, dv.v)));
  }
  if ((f === 'max' || f === 'min') && args.length >= 1) {
    // The derivative is split evenly between the arguments equal to the result (the NaN ones when
    // it is NaN), as the tape and torch.amax/amin do.
    const r = out.local(`${M}.${f}(${args.map((x) => x.v).join(', ')})`, null);
    if (!anyActive) return r;
    const tied = args.map((x) => out.local(`(${x.v} === ${r.v} || (${r.v} !== ${r.v} && ${x.v} !== ${x.v}))`, null));
    const k = out.local(tied.map((t) => `+${t.v}`).join(' + '), null);
    return out.local(r.v, Array.from({ length: n }, (_, j) => {
      const sum = args.map((x, a) => tangentOf(x.d, j) === '0' ? '0' : `(${tied[a].v} ? ${tangentOf(x.d, j)} : 0)`).reduce(plus, '0');
      return sum === '0' ? '0' : `(${sum}) / ${k.v}`;
    }));
  }
  if (f === 'pow' && args.length === 2) return binary(out, ts.SyntaxKind.AsteriskAsteriskToken, args[0], args[1]);
  if (f === 'atan2' && args.length === 2) {
    const [y, x] = args;
    const r = out.local(`${M}.atan2(${y.v}, ${x.v})`, null);
    if (!anyActive) return r;
    const s = out.local(`${x.v} * ${x.v} + ${y.v} * ${y.v}`, null);
    return out.local(r.v, Array.from({ length: n }, (_, j) => {
      const num = minus(times(tangentOf(y.d, j), x.v), times(tangentOf(x.d, j), y.v));
      return num === '0' ? '0' : `(${num}) / ${s.v}`;
    }));
  }
  if (f === 'hypot' && args.length >= 1) {
    const r = out.local(`${M}.hypot(${args.map((x) => x.v).join(', ')})`, null);
    if (!anyActive) return r;
    return out.local(r.v, Array.from({ length: n }, (_, j) => {
      const num = args.map((x) => times(tangentOf(x.d, j), x.v)).reduce(plus, '0');
      return num === '0' ? '0' : `(${r.v} === 0 ? 0 : (${num}) / ${r.v})`;
    }));
  }
  return fail();
}
