/**
 * The fast path of the differentiator: when a loss is straight-line scalar code — destructured
 * parameters (`([x, y]: number[])`), `const`/`let` declarations and one `return`, built from
 * numbers, `+ - * / **`, unary minus and the common `Math` functions — it is differentiated into
 * source code with adjoint locals (reverse mode without a tape, as Tapenade or Zygote's
 * source-to-source transforms do): a forward sweep that computes exactly what the plain snippet
 * computes, operation for operation, into locals, then a backward sweep that accumulates
 * ∂loss/∂local in reverse order. No objects, no tape, no calls: a gradient costs a small
 * multiple of one plain evaluation. Anything else (loops, branches, arrays, helpers, data) goes to
 * the general tape (`differentiate.ts`).
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { MATH_CONSTANTS, mathMemberOf, straightLineFunction, type StraightLineFunction } from './straightlineShape';

/** Unary Math functions: f'(x) as an expression of the argument `a`, the result `r` and Math's binding `M`. */
const UNARY: Readonly<Record<string, (a: string, r: string, M: string) => string>> = {
  sin: (a, _r, M) => `${M}.cos(${a})`,
  cos: (a, _r, M) => `-${M}.sin(${a})`,
  tan: (_a, r) => `(1 + ${r} * ${r})`,
  asin: (a, _r, M) => `(1 / ${M}.sqrt(1 - ${a} * ${a}))`,
  acos: (a, _r, M) => `(-1 / ${M}.sqrt(1 - ${a} * ${a}))`,
  atan: (a) => `(1 / (1 + ${a} * ${a}))`,
  sinh: (a, _r, M) => `${M}.cosh(${a})`,
  cosh: (a, _r, M) => `${M}.sinh(${a})`,
  tanh: (_a, r) => `(1 - ${r} * ${r})`,
  exp: (_a, r) => r,
  expm1: (a, _r, M) => `${M}.exp(${a})`,
  log: (a) => `(1 / ${a})`,
  log1p: (a) => `(1 / (1 + ${a}))`,
  sqrt: (_a, r) => `(0.5 / ${r})`,
  cbrt: (_a, r) => `(1 / (3 * ${r} * ${r}))`,
  abs: (a) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`,
};

class NotStraight extends Error {}

/**
 * TypeScript for `function (P, G) { … return loss; }` (params in P, gradient written to G; both
 * names, like every name it generates, in the namespace of `bindings`) when `fn` is straight-line
 * scalar code, else undefined. The snippet's own module-level names are written as the snippet
 * writes them: the result is compiled into the snippet's module, where they mean the same.
 */
export function straightLineGradient(fn: ts.Node | undefined, bindings: SnippetBindings): string | undefined {
  const shape = straightLineFunction(fn);
  if (!shape) return undefined;
  try {
    return new Emitter(shape, bindings).emit();
  } catch (e) {
    if (e instanceof NotStraight) return undefined;
    throw e;
  }
}

/** A value in the forward sweep: its JS name, and whether it depends on the params. */
interface Value { readonly name: string; readonly active: boolean }

class Emitter {
  private readonly forward: string[] = [];
  /** Backward statements, in forward order (emitted reversed). */
  private readonly backward: string[] = [];
  /** The loss's locals and params by their names in the snippet. */
  private readonly locals = new Map<string, Value>();
  private readonly adjoints: string[] = [];
  private temp = 0;
  private readonly ns: string;
  /** Math's functions as they were before the snippet ran (the runtime's `__M`). */
  private readonly M: string;
  private readonly params: readonly string[];

  constructor(private readonly shape: StraightLineFunction, private readonly bindings: SnippetBindings) {
    this.ns = bindings.ns;
    this.M = `${this.ns}M`;
    this.params = shape.params;
    shape.params.forEach((p, i) => {
      const name = `${this.ns}p${i}`;
      this.forward.push(`const ${name} = ${this.ns}P[${i}];`);
      this.locals.set(p, { name, active: true });
      this.adjoints.push(this.adjoint(name));
    });
  }

  /** The adjoint of generated local `name` (`$adt3` → `$adat3`). */
  private adjoint(name: string): string {
    return `${this.ns}a${name.slice(this.ns.length)}`;
  }

  emit(): string {
    for (const d of this.shape.declarations) this.locals.set(d.name, this.expr(d.init));
    const result = this.expr(this.shape.result);
    const { ns } = this;
    const lines = [`function (${ns}P: Float64Array, ${ns}G: Float64Array): number {`, ...this.forward];
    lines.push(`let ${this.adjoints.map((a) => `${a} = 0`).join(', ')};`);
    if (result.active) {
      lines.push(`${this.adjoint(result.name)} = 1;`);
      lines.push(...this.backward.slice().reverse());
    }
    this.params.forEach((_p, i) => lines.push(`${ns}G[${i}] = ${this.adjoint(`${ns}p${i}`)};`));
    lines.push(`return ${result.name};`, '}');
    return lines.join('\n');
  }

  /** A new local holding `code`; with its adjoint when active. */
  private local(code: string, active: boolean): Value {
    const name = `${this.ns}t${this.temp++}`;
    this.forward.push(`const ${name} = ${code};`);
    if (active) this.adjoints.push(this.adjoint(name));
    return { name, active };
  }

  /** backward: adjoint(of) += factor · adjoint(out). */
  private pull(of: Value, out: Value, factor: string | null, negate = false): void {
    if (!of.active) return;
    const g = this.adjoint(out.name);
    const term = factor === null ? g : `${g} * ${factor}`;
    this.backward.push(`${this.adjoint(of.name)} ${negate ? '-=' : '+='} ${term};`);
  }

  /** Whether `e` is `Math.<member>` with the built-in Math. */
  private mathMember(e: ts.Expression): string | undefined {
    return mathMemberOf(e, (n) => this.locals.has(n), (id) => this.bindings.isBuiltin(id));
  }

  private expr(e: ts.Expression): Value {
    if (ts.isParenthesizedExpression(e)) return this.expr(e.expression);
    if (ts.isNumericLiteral(e)) return { name: `(${e.text})`, active: false };
    if (ts.isIdentifier(e)) {
      const v = this.locals.get(e.text);
      if (v) return v;
      // A module-level name (a constant computed at load): not declared later in the body, nor one
      // the function itself binds.
      if (this.shape.declared.has(e.text) || this.shape.ownNames.has(e.text)) throw new NotStraight();
      return { name: e.text, active: false };
    }
    const constant = this.mathMember(e);
    if (constant !== undefined) {
      if (!MATH_CONSTANTS.has(constant)) throw new NotStraight();
      return { name: `${this.M}.${constant}`, active: false };
    }
    if (ts.isPrefixUnaryExpression(e)) {
      const a = this.expr(e.operand);
      if (e.operator === ts.SyntaxKind.PlusToken) return a.active ? a : this.local(`+${a.name}`, false);
      if (e.operator !== ts.SyntaxKind.MinusToken) throw new NotStraight();
      const out = this.local(`-${a.name}`, a.active);
      this.pull(a, out, null, true);
      return out;
    }
    const M = this.M;
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      const a = this.expr(e.left), b = this.expr(e.right);
      const active = a.active || b.active;
      switch (op) {
        case ts.SyntaxKind.PlusToken: {
          const out = this.local(`${a.name} + ${b.name}`, active);
          this.pull(a, out, null); this.pull(b, out, null);
          return out;
        }
        case ts.SyntaxKind.MinusToken: {
          const out = this.local(`${a.name} - ${b.name}`, active);
          this.pull(a, out, null); this.pull(b, out, null, true);
          return out;
        }
        case ts.SyntaxKind.AsteriskToken: {
          const out = this.local(`${a.name} * ${b.name}`, active);
          this.pull(a, out, b.name); this.pull(b, out, a.name);
          return out;
        }
        case ts.SyntaxKind.SlashToken: {
          const out = this.local(`${a.name} / ${b.name}`, active);
          this.pull(a, out, `(1 / ${b.name})`); this.pull(b, out, `(-${out.name} / ${b.name})`);
          return out;
        }
        case ts.SyntaxKind.AsteriskAsteriskToken: {
          const out = this.local(`${a.name} ** ${b.name}`, active);
          // Same partials as the tape: b·a^(b−1) (2a for b = 2), and a^b·ln a (0 at a = 0).
          if (a.active) {
            const two = ts.isNumericLiteral(e.right) && Number(e.right.text) === 2;
            this.pull(a, out, two ? `(2 * ${a.name})` : `(${b.name} === 0 ? 0 : ${b.name} * ${a.name} ** (${b.name} - 1))`);
          }
          this.pull(b, out, `(${a.name} === 0 ? 0 : ${out.name} * ${M}.log(${a.name}))`);
          return out;
        }
        default: throw new NotStraight();
      }
    }
    const f = ts.isCallExpression(e) && !e.arguments.some(ts.isSpreadElement) ? this.mathMember(e.expression) : undefined;
    if (f !== undefined && ts.isCallExpression(e)) {
      const args = e.arguments.map((x) => this.expr(x));
      const active = args.some((x) => x.active);
      if (UNARY[f] && args.length === 1) {
        const [a] = args;
        const out = this.local(`${M}.${f}(${a.name})`, active);
        if (a.active) this.pull(a, out, UNARY[f](a.name, out.name, M));
        return out;
      }
      if (f === 'pow' && args.length === 2) {
        const [a, b] = args;
        const out = this.local(`${M}.pow(${a.name}, ${b.name})`, active);
        this.pull(a, out, `(${b.name} === 0 ? 0 : ${b.name} * ${a.name} ** (${b.name} - 1))`);
        this.pull(b, out, `(${a.name} === 0 ? 0 : ${out.name} * ${M}.log(${a.name}))`);
        return out;
      }
      if (f === 'atan2' && args.length === 2) {
        const [y, x] = args;
        const out = this.local(`${M}.atan2(${y.name}, ${x.name})`, active);
        const s = this.local(`${x.name} * ${x.name} + ${y.name} * ${y.name}`, false);
        this.pull(y, out, `(${x.name} / ${s.name})`);
        this.pull(x, out, `(-${y.name} / ${s.name})`);
        return out;
      }
      throw new NotStraight();
    }
    throw new NotStraight();
  }
}
