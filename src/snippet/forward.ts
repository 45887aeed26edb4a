/**
 * The second fast path of the differentiator: FORWARD mode with the tangents unrolled into
 * separate locals, for losses with few parameters (≤ 8) that loop over their parameters or over
 * a data batch — Rastrigin's `for (const x of p)`, a regression's `for (const [x, y] of batch)`.
 * Every active local `v` gets companions ∂v/∂θ₀ … ∂v/∂θₙ₋₁ (named in the generated namespace,
 * bindings.ts: `$add0_v` …); each operation updates the
 * value exactly as the plain snippet does and the n tangents by the chain rule. With n = 2 a step
 * costs about three plain ones and allocates nothing, where the tape would record a node per
 * operation per example. (Reverse mode wins as n grows, and covers everything else: the tape in
 * differentiate.ts stays the general path.)
 *
 * The subset: one function with params `p: number[]` or `[a, b, …]: number[]` and optionally a
 * batch param (inactive data); `let`/`const` of identifiers, assignments, compound assignments,
 * `++`/`--`, `if`/`else`, `for`, `for…of` (over the params or over data, with array
 * destructuring of data), `while`, `return`; numbers, `+ - * / **`, unary `-`/`+`/`!`,
 * comparisons, `&&`/`||` on conditions, ternaries, `p[i]`, `arr.length`, `arr[i]` of data and
 * the Math functions. Anything else: undefined (the tape takes it).
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { Activity, COMPOUND } from './forwardActivity';
import { binary, type Dual, type Emit, fail, math, Unsupported } from './forwardRules';

export const MAX_FORWARD_DIM = 8;

const COMPARISONS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken]);

type LossFunction = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/**
 * TypeScript for `function (P, G, batch) { … }` computing the loss with its gradient in forward
 * mode for `dim` parameters (every generated name in the namespace of `bindings`), or undefined
 * when `fn` is outside the subset. Compiled into the snippet's module, after it: the snippet's
 * module-level names mean there what they mean in the loss.
 */
export function forwardGradient(fn: ts.Node | undefined, dim: number | undefined, file: ts.SourceFile,
  bindings: SnippetBindings): string | undefined {
  if (dim === undefined || dim < 1 || dim > MAX_FORWARD_DIM) return undefined;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) || !fn.body) return undefined;
  try {
    return new ForwardEmitter(dim, file, bindings).emitFunction(fn);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

class ForwardEmitter implements Emit {
  private readonly printer = ts.createPrinter({ removeComments: true });
  /** Names whose values depend on the params (they carry tangents). */
  private readonly active = new Set<string>();
  /** Which expressions depend on the params (forwardActivity.ts), once the params are known. */
  private activity!: Activity;
  /** The params array's name, when the loss takes `p: number[]`. */
  private paramArray: string | undefined;
  private temp = 0;
  private out: string[] = [];
  private readonly ns: string;
  readonly M: string;

  constructor(readonly n: number, private readonly file: ts.SourceFile, private readonly bindings: SnippetBindings) {
    this.ns = bindings.ns;
    this.M = `${this.ns}M`;
  }

  /** The name of ∂v/∂θⱼ for a local `v` (the snippet's, or generated). */
  private tangent(v: string, j: number): string {
    return v.startsWith(this.ns) ? `${v}_${j}` : `${this.ns}d${j}_${v}`;
  }

  private tangents(v: string): string[] {
    return Array.from({ length: this.n }, (_, j) => this.tangent(v, j));
  }

  emitFunction(fn: LossFunction): string {
    const [first, second, ...rest] = fn.parameters;
    if (!first || rest.length > 0 || first.dotDotDotToken || first.initializer) fail();
    if (ts.isFunctionExpression(fn) && fn.name) fail();  // its own name means another thing at module level
    const { ns } = this;
    const head: string[] = [];
    if (ts.isIdentifier(first.name)) {
      this.paramArray = first.name.text;
      head.push(`const ${this.paramArray} = [${this.range((j) => `${ns}P[${j}]`)}];`);
    } else if (ts.isArrayBindingPattern(first.name)) {
      if (first.name.elements.length !== this.n) fail();
      first.name.elements.forEach((el, k) => {
        if (!ts.isBindingElement(el) || el.dotDotDotToken || el.initializer || !ts.isIdentifier(el.name)) fail();
        const name = ((el as ts.BindingElement).name as ts.Identifier).text;
        this.active.add(name);
        head.push(`const ${name} = ${ns}P[${k}], ${this.range((j) => `${this.tangent(name, j)} = ${j === k ? 1 : 0}`)};`);
      });
    } else fail();
    let batchParam = '';
    if (second) {
      if (!ts.isIdentifier(second.name) || second.dotDotDotToken) fail();
      const name = (second.name as ts.Identifier).text;
      if (this.paramArray === name) fail();
      batchParam = `, ${name}${second.initializer ? ` = ${this.print(second.initializer)}` : ''}`;
    }
    this.activity = new Activity(this.active, this.paramArray, this.bindings);
    this.activity.analyse(fn);
    const body = fn.body as ts.ConciseBody;
    if (ts.isBlock(body)) {
      for (const st of body.statements) this.statement(st);
    } else {
      this.returnValue(body);
    }
    return [`function (${ns}P: Float64Array, ${ns}G: Float64Array${batchParam}): number {`, ...head, ...this.out, 'return NaN;', '}'].join('\n');
  }

  private range(f: (j: number) => string): string {
    return Array.from({ length: this.n }, (_, j) => f(j)).join(', ');
  }

  private print(node: ts.Node): string {
    return `(${this.printer.printNode(ts.EmitHint.Unspecified, node, this.file)})`;
  }

  // ---- statements ----

  private statement(st: ts.Statement): void {
    if (ts.isBlock(st)) { this.out.push('{'); for (const s of st.statements) this.statement(s); this.out.push('}'); return; }
    if (ts.isEmptyStatement(st)) return;
    if (ts.isVariableStatement(st)) {
      const kw = st.declarationList.flags & ts.NodeFlags.Const ? 'const' : st.declarationList.flags & ts.NodeFlags.Let ? 'let' : fail();
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) {
          if (!d.initializer) fail();
          this.out.push(`${kw} ${this.pattern(d.name)} = ${this.value(d.initializer as ts.Expression)};`);
          continue;
        }
        const name = d.name.text;
        if (!this.active.has(name)) {
          this.out.push(`let ${name}${d.initializer ? ` = ${this.value(d.initializer)}` : ''};`);
          continue;
        }
        const x = d.initializer ? this.dual(d.initializer) : { v: 'undefined', d: null };
        this.out.push(`let ${name} = ${x.v}, ${this.range((j) => `${this.tangent(name, j)} = ${x.d ? x.d[j] : 0}`)};`);
      }
      return;
    }
    if (ts.isExpressionStatement(st)) { this.effect(st.expression); return; }
    if (ts.isIfStatement(st)) {
      this.out.push(`if (${this.value(st.expression)}) {`);
      this.statement(st.thenStatement);
      this.out.push('}');
      if (st.elseStatement) { this.out.push('else {'); this.statement(st.elseStatement); this.out.push('}'); }
      return;
    }
    if (ts.isForStatement(st)) {
      if (st.initializer && ts.isVariableDeclarationList(st.initializer)) {
        for (const d of st.initializer.declarations) if (ts.isIdentifier(d.name) && this.active.has(d.name.text)) fail();
      }
      if (st.incrementor && this.activity.isActive(st.incrementor)) fail();
      const init = st.initializer ? (ts.isVariableDeclarationList(st.initializer)
        ? `let ${st.initializer.declarations.map((d) => `${this.pattern(d.name)}${d.initializer ? ` = ${this.value(d.initializer)}` : ''}`).join(', ')}`
        : this.value(st.initializer)) : '';
      if (st.condition && this.activity.isActive(st.condition)) fail();  // re-evaluated every iteration: no hoisted temps
      const cond = st.condition ? this.value(st.condition) : '';
      if (st.incrementor) this.checkInactive(st.incrementor, true);
      const inc = st.incrementor ? this.print(st.incrementor) : '';
      this.out.push(`for (${init}; ${cond}; ${inc}) {`);
      this.statement(st.statement);
      this.out.push('}');
      return;
    }
    if (ts.isWhileStatement(st)) {
      if (this.activity.isActive(st.expression)) fail();
      this.out.push(`while (${this.value(st.expression)}) {`);
      this.statement(st.statement);
      this.out.push('}');
      return;
    }
    if (ts.isForOfStatement(st)) {
      const decl = (st.initializer as ts.VariableDeclarationList).declarations[0];
      const overParams = ts.isIdentifier(st.expression) && st.expression.text === this.paramArray;
      if (overParams) {
        const name = (decl.name as ts.Identifier).text;
        const k = `${this.ns}k${this.temp++}`;
        this.out.push(`for (let ${k} = 0; ${k} < ${this.n}; ${k}++) {`,
          `const ${name} = ${this.paramArray}[${k}], ${this.range((j) => `${this.tangent(name, j)} = ${k} === ${j} ? 1 : 0`)};`);
      } else {
        if (this.activity.isActive(st.expression)) fail();
        this.out.push(`for (const ${this.pattern(decl.name)} of ${this.value(st.expression)}) {`);
      }
      this.statement(st.statement);
      this.out.push('}');
      return;
    }
    if (ts.isReturnStatement(st)) {
      if (!st.expression) fail();
      this.out.push('{');
      this.returnValue(st.expression as ts.Expression);
      this.out.push('}');
      return;
    }
    fail();
  }

  private returnValue(e: ts.Expression): void {
    const x = this.dual(e);
    this.out.push(`${Array.from({ length: this.n }, (_, j) => `${this.ns}G[${j}] = ${x.d ? x.d[j] : 0}`).join('; ')};`, `return ${x.v};`);
  }

  /** A destructuring pattern of inactive data (identifiers only). */
  private pattern(p: ts.BindingName): string {
    if (ts.isIdentifier(p)) { if (this.active.has(p.text)) fail(); return p.text; }
    if (ts.isArrayBindingPattern(p)) {
      return `[${p.elements.map((el) => ts.isOmittedExpression(el) ? '' : el.dotDotDotToken || el.initializer ? fail() : this.pattern(el.name)).join(', ')}]`;
    }
    return fail();
  }

  /** Assignments, compound assignments and increments as statements. */
  private effect(e: ts.Expression): void {
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e))
      && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)) {
      if (!ts.isIdentifier(e.operand)) fail();
      this.out.push(`${(e.operand as ts.Identifier).text}${e.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--'};`);
      return;
    }
    if (!ts.isBinaryExpression(e) || !ts.isIdentifier(e.left)) return fail();
    const name = e.left.text;
    const kind = e.operatorToken.kind;
    let x: Dual;
    if (kind === ts.SyntaxKind.EqualsToken) x = this.dual(e.right);
    else {
      const op = COMPOUND.get(kind) ?? fail();
      x = binary(this, op, this.dual(e.left), this.dual(e.right), isTwo(e.right));
    }
    this.out.push(`${name} = ${x.v};`);
    if (!this.active.has(name)) return;
    this.out.push(`${Array.from({ length: this.n }, (_, j) => `${this.tangent(name, j)} = ${x.d ? x.d[j] : 0}`).join('; ')};`);
  }

  // ---- expressions ----

  /** Value-only code for an expression (conditions, inactive data). */
  private value(e: ts.Expression): string {
    if (!this.activity.isActive(e)) { this.checkInactive(e); return this.print(e); }
    return this.dual(e).v;
  }

  /**
   * Inactive expressions are printed as written, but must stay inside the subset: no functions,
   * no calls but the built-in Math's, no assignments (`loopUpdate`: a for loop's `i++`, `i += 2`).
   */
  private checkInactive(e: ts.Node, loopUpdate = false): void {
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
  private mathMember(e: ts.Expression): string | undefined {
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

  private dual(e: ts.Expression): Dual {
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
function isTwo(e: ts.Expression): boolean {
  return ts.isNumericLiteral(e) && Number(e.text) === 2;
}
