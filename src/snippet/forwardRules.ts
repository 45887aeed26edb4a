/**
 * Forward mode's rules (forward.ts): for each arithmetic operator and Math function, the code of
 * its value — exactly the operation the plain snippet does — and of its n tangents by the chain
 * rule. The partials are the tape's (runtime.ts), so that all paths give the same gradient.
 */
import ts from 'typescript';

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

/** f'(a) as code, from the argument `a`, the result `r` and Math's binding `M`. */
const DERIVATIVE: Readonly<Record<string, (a: string, r: string, M: string) => string>> = {
  sin: (a, _r, M) => `${M}.cos(${a})`, cos: (a, _r, M) => `(-${M}.sin(${a}))`, tan: (_a, r) => `(1 + ${r} * ${r})`,
  asin: (a, _r, M) => `(1 / ${M}.sqrt(1 - ${a} * ${a}))`, acos: (a, _r, M) => `(-1 / ${M}.sqrt(1 - ${a} * ${a}))`,
  atan: (a) => `(1 / (1 + ${a} * ${a}))`, sinh: (a, _r, M) => `${M}.cosh(${a})`, cosh: (a, _r, M) => `${M}.sinh(${a})`,
  tanh: (_a, r) => `(1 - ${r} * ${r})`, asinh: (a, _r, M) => `(1 / ${M}.sqrt(${a} * ${a} + 1))`,
  acosh: (a, _r, M) => `(1 / ${M}.sqrt(${a} * ${a} - 1))`, atanh: (a) => `(1 / (1 - ${a} * ${a}))`,
  exp: (_a, r) => r, expm1: (a, _r, M) => `${M}.exp(${a})`, log: (a) => `(1 / ${a})`, log1p: (a) => `(1 / (1 + ${a}))`,
  log2: (a, _r, M) => `(1 / (${a} * ${M}.LN2))`, log10: (a, _r, M) => `(1 / (${a} * ${M}.LN10))`,
  sqrt: (_a, r) => `(0.5 / ${r})`, cbrt: (_a, r) => `(1 / (3 * ${r} * ${r}))`,
  abs: (a) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`,
};
const CONSTANT_RESULT = new Set(['sign', 'floor', 'ceil', 'round', 'trunc']);

function tangents(out: Emit, a: Dual, b: Dual, f: (j: number) => string): string[] | null {
  return a.d || b.d ? Array.from({ length: out.n }, (_, j) => f(j)) : null;
}

/** a (op) b for `+ - * / **`; `squared`: the exponent is the literal 2 (the tape's 2a partial). */
export function binary(out: Emit, k: ts.SyntaxKind, a: Dual, b: Dual, squared = false): Dual {
  const zero = (d: readonly string[] | null, j: number): string => d ? d[j] : '0';
  switch (k) {
    case ts.SyntaxKind.PlusToken:
      return out.local(`${a.v} + ${b.v}`, tangents(out, a, b, (j) => a.d && b.d ? `${a.d[j]} + ${b.d[j]}` : a.d ? a.d[j] : zero(b.d, j)));
    case ts.SyntaxKind.MinusToken:
      return out.local(`${a.v} - ${b.v}`, tangents(out, a, b, (j) => a.d && b.d ? `${a.d[j]} - ${b.d[j]}` : a.d ? a.d[j] : `-${zero(b.d, j)}`));
    case ts.SyntaxKind.AsteriskToken:
      return out.local(`${a.v} * ${b.v}`, tangents(out, a, b, (j) => a.d && b.d ? `${a.d[j]} * ${b.v} + ${a.v} * ${b.d[j]}`
        : a.d ? `${a.d[j]} * ${b.v}` : `${a.v} * ${zero(b.d, j)}`));
    case ts.SyntaxKind.SlashToken: {
      const r = out.local(`${a.v} / ${b.v}`, null);
      const d = tangents(out, a, b, (j) => a.d && b.d ? `(${a.d[j]} - ${r.v} * ${b.d[j]}) / ${b.v}`
        : a.d ? `${a.d[j]} / ${b.v}` : `-${r.v} * ${zero(b.d, j)} / ${b.v}`);
      return d ? out.local(r.v, d) : r;
    }
    case ts.SyntaxKind.AsteriskAsteriskToken: {
      const r = out.local(`${a.v} ** ${b.v}`, null);
      const da = squared ? `(2 * ${a.v})` : `(${b.v} === 0 ? 0 : ${b.v} * ${a.v} ** (${b.v} - 1))`;
      const db = `(${a.v} === 0 ? 0 : ${r.v} * ${out.M}.log(${a.v}))`;
      const d = tangents(out, a, b, (j) => [a.d ? `${da} * ${a.d[j]}` : '', b.d ? `${db} * ${b.d[j]}` : ''].filter(Boolean).join(' + '));
      return d ? out.local(r.v, d) : r;
    }
    default: return fail();
  }
}

/** Math.f(args) for the differentiable Math functions. */
export function math(out: Emit, f: string, args: readonly Dual[]): Dual {
  const { M, n } = out;
  const anyActive = args.some((x) => x.d);
  if (CONSTANT_RESULT.has(f) && args.length === 1) return out.local(`${M}.${f}(${args[0].v})`, null);
  if (DERIVATIVE[f] && args.length === 1) {
    const a = args[0];
    const r = out.local(`${M}.${f}(${a.v})`, null);
    if (!a.d) return r;
    const dv = out.local(DERIVATIVE[f](a.v, r.v, M), null);
    return out.local(r.v, a.d.map((x) => `${dv.v} * ${x}`));
  }
  if ((f === 'max' || f === 'min') && args.length >= 1) {
    // The derivative is split evenly between the arguments equal to the result (the NaN ones when
    // it is NaN), as the tape and torch.amax/amin do.
    const r = out.local(`${M}.${f}(${args.map((x) => x.v).join(', ')})`, null);
    if (!anyActive) return r;
    const tied = args.map((x) => out.local(`(${x.v} === ${r.v} || (${r.v} !== ${r.v} && ${x.v} !== ${x.v}))`, null));
    const k = out.local(tied.map((t) => `+${t.v}`).join(' + '), null);
    return out.local(r.v, Array.from({ length: n }, (_, j) =>
      `(${args.flatMap((x, a) => x.d ? [`(${tied[a].v} ? ${x.d[j]} : 0)`] : []).join(' + ')}) / ${k.v}`));
  }
  if (f === 'pow' && args.length === 2) return binary(out, ts.SyntaxKind.AsteriskAsteriskToken, args[0], args[1]);
  if (f === 'atan2' && args.length === 2) {
    const [y, x] = args;
    const r = out.local(`${M}.atan2(${y.v}, ${x.v})`, null);
    if (!anyActive) return r;
    const s = out.local(`${x.v} * ${x.v} + ${y.v} * ${y.v}`, null);
    return out.local(r.v, Array.from({ length: n }, (_, j) =>
      `(${x.v} * ${y.d ? y.d[j] : 0} - ${y.v} * ${x.d ? x.d[j] : 0}) / ${s.v}`));
  }
  if (f === 'hypot' && args.length >= 1) {
    const r = out.local(`${M}.hypot(${args.map((x) => x.v).join(', ')})`, null);
    if (!anyActive) return r;
    return out.local(r.v, Array.from({ length: n }, (_, j) =>
      `(${r.v} === 0 ? 0 : (${args.filter((x) => x.d).map((x) => `${x.v} * ${(x.d as readonly string[])[j]}`).join(' + ')}) / ${r.v})`));
  }
  return fail();
}
