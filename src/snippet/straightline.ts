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
import { BINARY_RULES, type BinaryRule, UNARY_RULES } from './derivativeRules';
import { MATH_CONSTANTS, mathMemberOf, STRAIGHT_LINE_MATH, straightLineFunction, type StraightLineFunction } from './straightlineShape';

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

  /** r = f(a, b) with f's partials (derivativeRules.ts); `squared`: b is the literal 2. */
  private byRule(rule: BinaryRule, value: string, a: Value, b: Value, squared = false): Value {
    const out = this.local(value, a.active || b.active);
    const M = this.M;
    this.pull(a, out, squared && rule.squared ? rule.squared.dx(a.name) : rule.dx(a.name, b.name, out.name, M));
    this.pull(b, out, rule.dy(a.name, b.name, out.name, M));
    return out;
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
        case ts.SyntaxKind.AsteriskToken:
          return this.byRule(BINARY_RULES.mul, `${a.name} * ${b.name}`, a, b);
        case ts.SyntaxKind.SlashToken:
          return this.byRule(BINARY_RULES.div, `${a.name} / ${b.name}`, a, b);
        case ts.SyntaxKind.AsteriskAsteriskToken:
          return this.byRule(BINARY_RULES.pow, `${a.name} ** ${b.name}`, a, b, ts.isNumericLiteral(e.right) && Number(e.right.text) === 2);
        default: throw new NotStraight();
      }
    }
    const f = ts.isCallExpression(e) && !e.arguments.some(ts.isSpreadElement) ? this.mathMember(e.expression) : undefined;
    if (f !== undefined && ts.isCallExpression(e)) {
      const args = e.arguments.map((x) => this.expr(x));
      const active = args.some((x) => x.active);
      if (STRAIGHT_LINE_MATH.has(f) && args.length === 1) {
        const [a] = args;
        const out = this.local(`${M}.${f}(${a.name})`, active);
        if (a.active) this.pull(a, out, UNARY_RULES[f].d1(a.name, out.name, M));
        return out;
      }
      if (f === 'pow' && args.length === 2) return this.byRule(BINARY_RULES.pow, `${M}.pow(${args[0].name}, ${args[1].name})`, args[0], args[1]);
      if (f === 'atan2' && args.length === 2) return this.byRule(BINARY_RULES.atan2, `${M}.atan2(${args[0].name}, ${args[1].name})`, args[0], args[1]);
      throw new NotStraight();
    }
    throw new NotStraight();
  }
}
