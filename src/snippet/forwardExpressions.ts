/**
 * Forward mode's expressions (forward.ts emits the statements): the emitter's state — the active
 * locals, the generated names, the code emitted so far — and, for each expression of the subset,
 * the code of its value and of its n tangents (a Dual), by the rules of forwardRules.ts.
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { type Activity, COMPOUND } from './forwardActivity';
import { binary, type Dual, type Emit, fail, math } from './forwardRules';

const COMPARISONS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken]);

export class ForwardExpressions implements Emit {
  protected readonly printer = ts.createPrinter({ removeComments: true });
  /** Names whose values depend on the params (they carry tangents). */
  protected readonly active = new Set<string>();
  /** Which expressions depend on the params (forwardActivity.ts), once the params are known. */
  protected activity!: Activity;
  /** The params array's name, when the loss takes `p: number[]`. */
  protected paramArray: string | undefined;
  protected temp = 0;
  protected out: string[] = [];
  protected readonly ns: string;
  readonly M: string;

  constructor(readonly n: number, protected readonly file: ts.SourceFile, protected readonly bindings: SnippetBindings) {
    this.ns = bindings.ns;
    this.M = `${this.ns}M`;
  }

  /** The name of ∂v/∂θⱼ for a local `v` (the snippet's, or generated). */
  protected tangent(v: string, j: number): string {
    return v.startsWith(this.ns) ? `${v}_${j}` : `${this.ns}d${j}_${v}`;
  }

  protected tangents(v: string): string[] {
    return Array.from({ length: this.n }, (_, j) => this.tangent(v, j));
  }

  protected range(f: (j: number) => string): string {
    return Array.from({ length: this.n }, (_, j) => f(j)).join(', ');
  }

  protected print(node: ts.Node): string {
    return `(${this.printer.printNode(ts.EmitHint.Unspecified, node, this.file)})`;
  }

  // ---- expressions ----

  /** Value-only code for an expression (conditions, inactive data). */
  protected value(e: ts.Expression): string {
    if (!this.activity.isActive(e)) { this.checkInactive(e); return this.print(e); }
    return this.dual(e).v;
  }

  /**
   * Inactive expressions are printed as written, but must stay inside the subset: no functions,
   * no calls but the built-in Math's, no assignments (`loopUpdate`: a for loop's `i++`, `i += 2`).
   */
  protected checkInactive(e: ts.Node, loopUpdate = false): void {
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)
        || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n)) fail();
      if (ts.isCallExpression(n) && this.mathMember(n.expression) === undefined) fail();
      if (!loopUpdate && ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(n.operatorToken.kind))) fail();
      if (!loopUpdate && (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n))
        && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) fail();
      ts.forEachChild(n, visit);
    };
    visit(e);
  }

  /** `f` when `e` is `Math.f` with the built-in Math. */
  protected mathMember(e: ts.Expression): string | undefined {
    return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math'
      && ts.isIdentifier(e.name) && this.bindings.isBuiltin(e.expression) ? e.name.text : undefined;
  }

  /**
   * A new local for `v`, and for those of its tangents that are not structural zeros or ones
   * (those stay literals, so that the rules can leave out the terms they make trivial).
   */
  local(v: string, d: readonly string[] | null): Dual {
    const t = `${this.ns}f${this.temp++}`;
    if (d && d.every((x) => x === '0')) d = null;
    if (!d) { this.out.push(`const ${t} = ${v};`); return { v: t, d: null }; }
    const literal = (x: string): boolean => x === '0' || x === '1';
    const stored = d.flatMap((x, j) => literal(x) ? [] : [`${this.tangent(t, j)} = ${x}`]);
    this.out.push(`const ${[`${t} = ${v}`, ...stored].join(', ')};`);
    return { v: t, d: d.map((x, j) => literal(x) ? x : this.tangent(t, j)) };
  }

  protected dual(e: ts.Expression): Dual {
    if (!this.activity.isActive(e)) { this.checkInactive(e); return { v: this.print(e), d: null }; }
    if (ts.isParenthesizedExpression(e)) return this.dual(e.expression);
    if (ts.isIdentifier(e)) {
      if (e.text === this.paramArray) fail();
      return { v: e.text, d: this.tangents(e.text) };
    }
    if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === this.paramArray) {
      if (this.activity.isActive(e.argumentExpression)) fail();
      const literal = ts.isNumericLiteral(e.argumentExpression) ? Number(e.argumentExpression.text) : NaN;
      if (Number.isInteger(literal) && literal >= 0 && literal < this.n) {
        return { v: `${this.paramArray}[${literal}]`, d: Array.from({ length: this.n }, (_, j) => (j === literal ? '1' : '0')) };
      }
      const i = this.local(this.value(e.argumentExpression), null);
      return this.local(`${this.paramArray}[${i.v}]`, Array.from({ length: this.n }, (_, j) => `(${i.v} === ${j} ? 1 : 0)`));
    }
    if (ts.isPrefixUnaryExpression(e)) {
      const a = this.dual(e.operand);
      if (e.operator === ts.SyntaxKind.MinusToken) return this.local(`-${a.v}`, a.d && a.d.map((x) => `-${x}`));
      if (e.operator === ts.SyntaxKind.PlusToken) return a;
      if (e.operator === ts.SyntaxKind.ExclamationToken) return { v: `(!${a.v})`, d: null };
      fail();
    }
    if (ts.isConditionalExpression(e)) {
      const c = this.value(e.condition);
      const t = `${this.ns}f${this.temp++}`;
      this.out.push(`let ${t}, ${this.tangents(t).join(', ')};`);
      const branch = (x: ts.Expression): void => {
        const saved = this.out;
        this.out = [];
        const r = this.dual(x);
        saved.push('{', ...this.out, `${t} = ${r.v}; ${Array.from({ length: this.n }, (_, j) => `${this.tangent(t, j)} = ${r.d ? r.d[j] : 0}`).join('; ')};`, '}');
        this.out = saved;
      };
      this.out.push(`if (${c})`);
      branch(e.whenTrue);
      this.out.push('else');
      branch(e.whenFalse);
      return { v: t, d: this.tangents(t) };
    }
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === ts.SyntaxKind.PlusToken || k === ts.SyntaxKind.MinusToken || k === ts.SyntaxKind.AsteriskToken
        || k === ts.SyntaxKind.SlashToken || k === ts.SyntaxKind.AsteriskAsteriskToken) {
        return binary(this, k, this.dual(e.left), this.dual(e.right), isTwo(e.right));
      }
      if (COMPARISONS.has(k)) {
        return { v: `(${this.dual(e.left).v} ${ts.tokenToString(k)} ${this.dual(e.right).v})`, d: null };
      }
      fail();
    }
    if (ts.isCallExpression(e) && !e.arguments.some(ts.isSpreadElement)) {
      const f = this.mathMember(e.expression);
      if (f !== undefined) return math(this, f, e.arguments.map((a) => this.dual(a)));
    }
    return fail();
  }
}

/** Whether `e` is the literal 2 (`x ** 2`: the tape's partial is 2x). */
export function isTwo(e: ts.Expression): boolean {
  return ts.isNumericLiteral(e) && Number(e.text) === 2;
}
