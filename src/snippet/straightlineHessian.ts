/**
 * The Hessian's fast path, for the losses straightline.ts differentiates without a tape
 * (destructured parameters, `const`/`let` declarations and one `return` over numbers,
 * `+ - * / **`, unary minus and the common Math functions): source code that carries, for every
 * value, its n first and n(n+1)/2 second derivatives in locals (forward mode of second order,
 * "hyper-dual numbers": Fike & Alonso 2011; Griewank & Walther, "Evaluating Derivatives", ch. 13).
 * One evaluation gives the loss, its gradient and its whole Hessian, with no tape and no objects;
 * for the 2-parameter losses people draw, six numbers per value. The tape's second-order path
 * (hessianRuntime.ts) stays the general one, and the probe checks this one against it.
 *
 * Each value's code is exactly the plain snippet's operation; derivatives follow the chain rule
 * of second order: for r = f(a), rᵢ = f′aᵢ and rᵢⱼ = f″aᵢaⱼ + f′aᵢⱼ; for r = f(a, b),
 * rᵢⱼ = f_aa·aᵢaⱼ + f_ab·(aᵢbⱼ + aⱼbᵢ) + f_bb·bᵢbⱼ + f_a·aᵢⱼ + f_b·bᵢⱼ. The partials are the
 * tape's (and at a = 0 for `**`, the tape's conventions).
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { BINARY_RULES, type BinaryRule, UNARY_RULES } from './derivativeRules';
import { MATH_CONSTANTS, mathMemberOf, STRAIGHT_LINE_MATH, straightLineFunction, type StraightLineFunction } from './straightlineShape';

const OPERATORS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.PlusToken, '+'], [ts.SyntaxKind.MinusToken, '-'], [ts.SyntaxKind.AsteriskToken, '*'],
  [ts.SyntaxKind.SlashToken, '/'], [ts.SyntaxKind.AsteriskAsteriskToken, '**'],
]);

class NotStraight extends Error {}

/** A value: its code, its first derivatives dᵢ and second derivatives hᵢⱼ (i ≤ j) as code, null when constant. */
interface Hyper { readonly v: string; readonly d: readonly string[] | null; readonly h: readonly string[] | null }

/**
 * TypeScript for `function (P, G, H) { … return loss; }` (params in P, the gradient written to G
 * and the Hessian, row-major, to H; every name in the namespace of `bindings`) when `fn` is
 * straight-line scalar code, else undefined.
 */
export function straightLineHessian(fn: ts.Node | undefined, bindings: SnippetBindings): string | undefined {
  const shape = straightLineFunction(fn);
  if (!shape || shape.params.length === 0 || shape.params.length > 8) return undefined;
  try {
    return new HyperEmitter(shape, bindings).emit();
  } catch (e) {
    if (e instanceof NotStraight) return undefined;
    throw e;
  }
}

class HyperEmitter {
  private readonly lines: string[] = [];
  private readonly locals = new Map<string, Hyper>();
  private temp = 0;
  private readonly n: number;
  private readonly ns: string;
  private readonly M: string;
  private readonly params: readonly string[];
  /** The (i, j) pairs with i ≤ j, in the order of `Hyper.h`. */
  private readonly pairs: (readonly [number, number])[] = [];

  constructor(private readonly shape: StraightLineFunction, private readonly bindings: SnippetBindings) {
    this.params = shape.params;
    this.n = this.params.length;
    this.ns = bindings.ns;
    this.M = `${this.ns}M`;
    for (let i = 0; i < this.n; i++) for (let j = i; j < this.n; j++) this.pairs.push([i, j]);
    this.params.forEach((p, i) => {
      const name = `${this.ns}p${i}`;
      this.lines.push(`const ${name} = ${this.ns}P[${i}];`);
      this.locals.set(p, { v: name, d: this.params.map((_q, j) => (j === i ? '1' : '0')), h: this.pairs.map(() => '0') });
    });
  }

  emit(): string {
    for (const d of this.shape.declarations) this.locals.set(d.name, this.expr(d.init));
    const result = this.expr(this.shape.result);
    const { ns, n } = this;
    const out = [`function (${ns}P: Float64Array, ${ns}G: Float64Array, ${ns}H: Float64Array): number {`, ...this.lines];
    for (let i = 0; i < n; i++) out.push(`${ns}G[${i}] = ${result.d ? result.d[i] : '0'};`);
    this.pairs.forEach(([i, j], k) => {
      const h = result.h ? result.h[k] : '0';
      out.push(`${ns}H[${i * n + j}] = ${h};`);
      if (i !== j) out.push(`${ns}H[${j * n + i}] = ${ns}H[${i * n + j}];`);
    });
    out.push(`return ${result.v};`, '}');
    return out.join('\n');
  }

  /** A new local for a value's code (and locals for its derivatives). */
  private local(v: string, d: readonly string[] | null, h: readonly string[] | null): Hyper {
    const name = `${this.ns}h${this.temp++}`;
    this.lines.push(`const ${name} = ${v};`);
    if (!d || !h) return { v: name, d: null, h: null };
    const dn = d.map((x, i) => { const l = `${name}d${i}`; this.lines.push(`const ${l} = ${x};`); return l; });
    const hn = h.map((x, k) => { const l = `${name}h${k}`; this.lines.push(`const ${l} = ${x};`); return l; });
    return { v: name, d: dn, h: hn };
  }

  /** A value-only local (a partial, a shared factor). */
  private scalar(code: string): string {
    const name = `${this.ns}h${this.temp++}`;
    this.lines.push(`const ${name} = ${code};`);
    return name;
  }

  /** r = f(a) with f′ = `f1`, f″ = `f2` (code), a active. */
  private unary(v: string, a: Hyper, f1: string, f2: string): Hyper {
    const ad = a.d as readonly string[], ah = a.h as readonly string[];
    const r = this.scalar(v);
    const d1 = this.scalar(f1), d2 = f2 === '0' ? '0' : this.scalar(f2);
    return this.local(r, ad.map((x) => `${d1} * ${x}`),
      this.pairs.map(([i, j], k) => (d2 === '0' ? `${d1} * ${ah[k]}` : `${d2} * ${ad[i]} * ${ad[j]} + ${d1} * ${ah[k]}`)));
  }

  /** r = f(a, b), both active, with partials fa, fb and second derivatives faa, fab, fbb (code). */
  private binary(v: string, a: Hyper, b: Hyper, fa: string, fb: string, faa: string, fab: string, fbb: string): Hyper {
    const ad = a.d as readonly string[], ah = a.h as readonly string[], bd = b.d as readonly string[], bh = b.h as readonly string[];
    const r = this.scalar(v);
    const [pa, pb, paa, pab, pbb] = [fa, fb, faa, fab, fbb].map((c) => (/^-?[\d.]+$/.test(c) ? c : this.scalar(c)));
    const term = (c: string, x: string): string[] => (c === '0' ? [] : [c === '1' ? x : `${c} * ${x}`]);
    return this.local(r, ad.map((_x, i) => [...term(pa, ad[i]), ...term(pb, bd[i])].join(' + ') || '0'),
      this.pairs.map(([i, j], k) => [
        ...term(paa, `${ad[i]} * ${ad[j]}`), ...term(pab, `(${ad[i]} * ${bd[j]} + ${ad[j]} * ${bd[i]})`), ...term(pbb, `${bd[i]} * ${bd[j]}`),
        ...term(pa, ah[k]), ...term(pb, bh[k]),
      ].join(' + ') || '0'));
  }

  private mathMember(e: ts.Expression): string | undefined {
    return mathMemberOf(e, (n) => this.locals.has(n), (id) => this.bindings.isBuiltin(id));
  }

  private expr(e: ts.Expression): Hyper {
    const M = this.M;
    if (ts.isParenthesizedExpression(e)) return this.expr(e.expression);
    if (ts.isNumericLiteral(e)) return { v: `(${e.text})`, d: null, h: null };
    if (ts.isIdentifier(e)) {
      const v = this.locals.get(e.text);
      if (v) return v;
      if (this.shape.declared.has(e.text) || this.shape.ownNames.has(e.text)) throw new NotStraight();
      return { v: e.text, d: null, h: null };
    }
    const constant = this.mathMember(e);
    if (constant !== undefined) {
      if (!MATH_CONSTANTS.has(constant)) throw new NotStraight();
      return { v: `${M}.${constant}`, d: null, h: null };
    }
    if (ts.isPrefixUnaryExpression(e)) {
      const a = this.expr(e.operand);
      if (e.operator === ts.SyntaxKind.PlusToken) return a.d ? a : this.local(`+${a.v}`, null, null);
      if (e.operator !== ts.SyntaxKind.MinusToken) throw new NotStraight();
      return a.d && a.h ? this.local(`-${a.v}`, a.d.map((x) => `-${x}`), a.h.map((x) => `-${x}`)) : this.local(`-${a.v}`, null, null);
    }
    if (ts.isBinaryExpression(e)) {
      const a = this.expr(e.left), b = this.expr(e.right);
      const op = OPERATORS.get(e.operatorToken.kind);
      if (op === undefined) throw new NotStraight();
      const v = `${a.v} ${op} ${b.v}`;
      if (!a.d && !b.d) return this.local(v, null, null);
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken:
        case ts.SyntaxKind.MinusToken: {
          const sign = e.operatorToken.kind === ts.SyntaxKind.MinusToken ? '-' : '+';
          const part = (x: Hyper, k: number, which: 'd' | 'h'): string => (x[which] ? (x[which] as readonly string[])[k] : '0');
          const combine = (k: number, which: 'd' | 'h'): string => {
            const l = part(a, k, which), r = part(b, k, which);
            return r === '0' ? l : l === '0' ? (sign === '-' ? `-${r}` : r) : `${l} ${sign} ${r}`;
          };
          return this.local(v, this.params.map((_p, i) => combine(i, 'd')), this.pairs.map((_p, k) => combine(k, 'h')));
        }
        case ts.SyntaxKind.AsteriskToken: return this.byRule(BINARY_RULES.mul, v, a, b);
        case ts.SyntaxKind.SlashToken: return this.byRule(BINARY_RULES.div, v, a, b);
        case ts.SyntaxKind.AsteriskAsteriskToken:
          return this.byRule(BINARY_RULES.pow, v, a, b, ts.isNumericLiteral(e.right) && Number(e.right.text) === 2);
        default: throw new NotStraight();
      }
    }
    const f = ts.isCallExpression(e) && !e.arguments.some(ts.isSpreadElement) ? this.mathMember(e.expression) : undefined;
    if (f !== undefined && ts.isCallExpression(e)) {
      const args = e.arguments.map((x) => this.expr(x));
      const v = `${M}.${f}(${args.map((x) => x.v).join(', ')})`;
      const unary = STRAIGHT_LINE_MATH.has(f) && args.length === 1, binary = (f === 'pow' || f === 'atan2') && args.length === 2;
      if (!unary && !binary) throw new NotStraight();
      if (!args.some((x) => x.d)) return this.local(v, null, null);
      if (unary) {
        const rule = UNARY_RULES[f], a = args[0];
        const x = this.scalar(a.v), r = this.scalar(v);
        const d1 = this.scalar(rule.d1(x, r, M));
        return this.unary(r, a, d1, rule.d2(x, r, d1, M));
      }
      return this.byRule(BINARY_RULES[f as 'pow' | 'atan2'], v, args[0], args[1]);
    }
    throw new NotStraight();
  }

  /** r = f(a, b) with f's partials (derivativeRules.ts), one or both active; `squared`: b is the literal 2. */
  private byRule(rule: BinaryRule, v: string, a: Hyper, b: Hyper, squared = false): Hyper {
    const M = this.M;
    if (!b.d && squared && rule.squared) return this.unary(v, a, rule.squared.dx(a.v), rule.squared.dxx);
    const r = this.scalar(v);
    const code = (f: BinaryRule['dx']): string => f(a.v, b.v, r, M);
    if (!b.d) return this.unary(r, a, code(rule.dx), code(rule.dxx));
    if (!a.d) return this.unary(r, b, code(rule.dy), code(rule.dyy));
    return this.binary(r, a, b, code(rule.dx), code(rule.dy), code(rule.dxx), code(rule.dxy), code(rule.dyy));
  }
}
