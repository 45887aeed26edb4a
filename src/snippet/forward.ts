/**
 * The second fast path of the differentiator: FORWARD mode with the tangents unrolled into
 * separate locals, for losses with few parameters (≤ 8) that loop over their parameters or over
 * a data batch — Rastrigin's `for (const x of p)`, a regression's `for (const [x, y] of batch)`.
 * Every active local `v` gets companions `v__d0 … v__d(n−1)` (∂v/∂θⱼ); each operation updates the
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

export const MAX_FORWARD_DIM = 8;

class Unsupported extends Error {}
const fail = (): never => { throw new Unsupported(); };

/** f'(a) as code, from the argument `a` and the result `r`. */
const DERIVATIVE: Readonly<Record<string, (a: string, r: string) => string>> = {
  sin: (a) => `Math.cos(${a})`, cos: (a) => `(-Math.sin(${a}))`, tan: (_a, r) => `(1 + ${r} * ${r})`,
  asin: (a) => `(1 / Math.sqrt(1 - ${a} * ${a}))`, acos: (a) => `(-1 / Math.sqrt(1 - ${a} * ${a}))`,
  atan: (a) => `(1 / (1 + ${a} * ${a}))`, sinh: (a) => `Math.cosh(${a})`, cosh: (a) => `Math.sinh(${a})`,
  tanh: (_a, r) => `(1 - ${r} * ${r})`, asinh: (a) => `(1 / Math.sqrt(${a} * ${a} + 1))`,
  acosh: (a) => `(1 / Math.sqrt(${a} * ${a} - 1))`, atanh: (a) => `(1 / (1 - ${a} * ${a}))`,
  exp: (_a, r) => r, expm1: (a) => `Math.exp(${a})`, log: (a) => `(1 / ${a})`, log1p: (a) => `(1 / (1 + ${a}))`,
  log2: (a) => `(1 / (${a} * Math.LN2))`, log10: (a) => `(1 / (${a} * Math.LN10))`,
  sqrt: (_a, r) => `(0.5 / ${r})`, cbrt: (_a, r) => `(1 / (3 * ${r} * ${r}))`,
  abs: (a) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`,
};
const CONSTANT_RESULT = new Set(['sign', 'floor', 'ceil', 'round', 'trunc']);
const MATH_CONSTANTS = new Set(['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2']);
const COMPOUND: ReadonlyMap<ts.SyntaxKind, ts.SyntaxKind> = new Map([
  [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.PlusToken], [ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.MinusToken],
  [ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.AsteriskToken], [ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.SlashToken],
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.AsteriskAsteriskToken],
]);

/** A value being emitted: code for it, and code for its n tangents (null: all zero). */
interface Dual { readonly v: string; readonly d: readonly string[] | null }

/**
 * JavaScript for `function (P, G, batch) { … }` computing the loss with its gradient in forward
 * mode for `dim` parameters, or undefined when `fn` is outside the subset.
 */
export function forwardGradient(fn: ts.Node | undefined, dim: number | undefined, file: ts.SourceFile): string | undefined {
  if (dim === undefined || dim < 1 || dim > MAX_FORWARD_DIM) return undefined;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) || !fn.body) return undefined;
  try {
    return new ForwardEmitter(dim, file).emitFunction(fn);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

class ForwardEmitter {
  private readonly printer = ts.createPrinter({ removeComments: true });
  /** Names whose values depend on the params (they carry tangents). */
  private readonly active = new Set<string>();
  /** The params array's name, when the loss takes `p: number[]`. */
  private paramArray: string | undefined;
  private temp = 0;
  private out: string[] = [];

  constructor(private readonly n: number, private readonly file: ts.SourceFile) {}

  emitFunction(fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction): string {
    const [first, second, ...rest] = fn.parameters;
    if (!first || rest.length > 0 || first.dotDotDotToken || first.initializer) fail();
    const head: string[] = [];
    if (ts.isIdentifier(first.name)) {
      this.paramArray = first.name.text;
      head.push(`const ${this.paramArray} = [${this.range((j) => `P[${j}]`)}];`);
    } else if (ts.isArrayBindingPattern(first.name)) {
      if (first.name.elements.length !== this.n) fail();
      first.name.elements.forEach((el, k) => {
        if (!ts.isBindingElement(el) || el.dotDotDotToken || el.initializer || !ts.isIdentifier(el.name)) fail();
        const name = (el as ts.BindingElement).name as ts.Identifier;
        this.active.add(name.text);
        head.push(`const ${name.text} = P[${k}];`, ...this.range((j) => `const ${name.text}__d${j} = ${j === k ? 1 : 0};`).split(', '));
      });
    } else fail();
    let batchParam = '';
    if (second) {
      if (!ts.isIdentifier(second.name) || second.dotDotDotToken) fail();
      const name = (second.name as ts.Identifier).text;
      if (this.paramArray === name) fail();
      batchParam = `, ${name}${second.initializer ? ` = ${this.print(second.initializer)}` : ''}`;
    }
    this.analyse(fn.body as ts.Node);
    const body = fn.body as ts.ConciseBody;
    if (ts.isBlock(body)) {
      for (const st of body.statements) this.statement(st);
    } else {
      this.returnValue(body);
    }
    return [`function (P, G${batchParam}) {`, ...head, ...this.out, 'return NaN;', '}'].join('\n');
  }

  private range(f: (j: number) => string): string {
    return Array.from({ length: this.n }, (_, j) => f(j)).join(', ');
  }

  private print(node: ts.Node): string {
    return `(${this.printer.printNode(ts.EmitHint.Unspecified, node, this.file)})`;
  }

  // ---- activity analysis: a local is active when something active is ever assigned to it ----

  private analyse(body: ts.Node): void {
    for (let changed = true; changed;) {
      changed = false;
      const mark = (name: string): void => { if (!this.active.has(name)) { this.active.add(name); changed = true; } };
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassLike(node)) fail();
        if (ts.isVariableDeclaration(node) && node.initializer) {
          if (!ts.isIdentifier(node.name)) {
            if (this.isActive(node.initializer)) fail();
          } else if (this.isActive(node.initializer)) mark(node.name.text);
        }
        if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(node.operatorToken.kind))) {
          if (!ts.isIdentifier(node.left)) fail();
          if (this.isActive(node.right)) mark((node.left as ts.Identifier).text);
        }
        if (ts.isForOfStatement(node)) {
          const decl = node.initializer;
          if (!ts.isVariableDeclarationList(decl) || decl.declarations.length !== 1) fail();
          const target = (decl as ts.VariableDeclarationList).declarations[0].name;
          if (this.isActive(node.expression)) {
            if (!ts.isIdentifier(target)) fail();
            mark((target as ts.Identifier).text);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(body);
    }
  }

  /** Whether `e` depends on the params. */
  private isActive(e: ts.Node): boolean {
    if (ts.isIdentifier(e)) return this.active.has(e.text) || e.text === this.paramArray;
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') return false;
    let found = false;
    ts.forEachChild(e, (c) => { if (!found && this.isActive(c)) found = true; });
    return found;
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
        this.out.push(`let ${name} = ${x.v}, ${this.range((j) => `${name}__d${j} = ${x.d ? x.d[j] : 0}`)};`);
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
      if (st.incrementor && this.isActive(st.incrementor)) fail();
      const init = st.initializer ? (ts.isVariableDeclarationList(st.initializer)
        ? `let ${st.initializer.declarations.map((d) => `${this.pattern(d.name)}${d.initializer ? ` = ${this.value(d.initializer)}` : ''}`).join(', ')}`
        : this.value(st.initializer)) : '';
      if (st.condition && this.isActive(st.condition)) fail();  // re-evaluated every iteration: no hoisted temps
      const cond = st.condition ? this.value(st.condition) : '';
      const inc = st.incrementor ? this.print(st.incrementor) : '';
      this.out.push(`for (${init}; ${cond}; ${inc}) {`);
      this.statement(st.statement);
      this.out.push('}');
      return;
    }
    if (ts.isWhileStatement(st)) {
      if (this.isActive(st.expression)) fail();
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
        const k = `__k${this.temp++}`;
        this.out.push(`for (let ${k} = 0; ${k} < ${this.n}; ${k}++) {`,
          `const ${name} = ${this.paramArray}[${k}], ${this.range((j) => `${name}__d${j} = ${k} === ${j} ? 1 : 0`)};`);
      } else {
        if (this.isActive(st.expression)) fail();
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
    this.out.push(`${this.range((j) => `G[${j}] = ${x.d ? x.d[j] : 0}`).split(', ').join('; ')};`, `return ${x.v};`);
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
      this.out.push(`${e.operand.getText(this.file)}${e.operator === ts.SyntaxKind.PlusPlusToken ? '++' : '--'};`);
      return;
    }
    if (!ts.isBinaryExpression(e) || !ts.isIdentifier(e.left)) return fail();
    const name = e.left.text;
    const kind = e.operatorToken.kind;
    let x: Dual;
    if (kind === ts.SyntaxKind.EqualsToken) x = this.dual(e.right);
    else {
      const op = COMPOUND.get(kind) ?? fail();
      x = this.binary(op, this.dual(e.left), this.dual(e.right), e.right);
    }
    if (!this.active.has(name)) { this.out.push(`${name} = ${x.v};`); return; }
    this.out.push(`${name} = ${x.v};`);
    if (x.d) this.out.push(`${this.range((j) => `${name}__d${j} = ${x.d ? x.d[j] : 0}`).split(', ').join('; ')};`);
    else this.out.push(`${this.range((j) => `${name}__d${j} = 0`).split(', ').join('; ')};`);
  }

  // ---- expressions ----

  /** Value-only code for an expression (conditions, inactive data). */
  private value(e: ts.Expression): string {
    if (!this.isActive(e)) { this.checkInactive(e); return this.print(e); }
    return this.dual(e).v;
  }

  /** Inactive expressions are printed as written, but must stay inside the subset. */
  private checkInactive(e: ts.Node): void {
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)
        || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n)) fail();
      if (ts.isCallExpression(n) && !(ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression)
        && n.expression.expression.text === 'Math')) fail();
      if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(n.operatorToken.kind))) fail();
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n))
        && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) fail();
      ts.forEachChild(n, visit);
    };
    visit(e);
  }

  /** A new local for `v` and its tangents. */
  private local(v: string, d: readonly string[] | null): Dual {
    const t = `__f${this.temp++}`;
    if (!d) { this.out.push(`const ${t} = ${v};`); return { v: t, d: null }; }
    this.out.push(`const ${t} = ${v}, ${d.map((x, j) => `${t}__d${j} = ${x}`).join(', ')};`);
    return { v: t, d: d.map((_x, j) => `${t}__d${j}`) };
  }

  private dual(e: ts.Expression): Dual {
    if (!this.isActive(e)) { this.checkInactive(e); return { v: this.print(e), d: null }; }
    if (ts.isParenthesizedExpression(e)) return this.dual(e.expression);
    if (ts.isIdentifier(e)) {
      if (e.text === this.paramArray) fail();
      return { v: e.text, d: Array.from({ length: this.n }, (_, j) => `${e.text}__d${j}`) };
    }
    if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === this.paramArray) {
      if (this.isActive(e.argumentExpression)) fail();
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
      const t = `__f${this.temp++}`;
      this.out.push(`let ${t}, ${this.range((j) => `${t}__d${j}`)};`);
      const branch = (x: ts.Expression): void => {
        const saved = this.out;
        this.out = [];
        const r = this.dual(x);
        saved.push('{', ...this.out, `${t} = ${r.v}; ${this.range((j) => `${t}__d${j} = ${r.d ? r.d[j] : 0}`).split(', ').join('; ')};`, '}');
        this.out = saved;
      };
      this.out.push(`if (${c})`);
      branch(e.whenTrue);
      this.out.push('else');
      branch(e.whenFalse);
      return { v: t, d: Array.from({ length: this.n }, (_, j) => `${t}__d${j}`) };
    }
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === ts.SyntaxKind.PlusToken || k === ts.SyntaxKind.MinusToken || k === ts.SyntaxKind.AsteriskToken
        || k === ts.SyntaxKind.SlashToken || k === ts.SyntaxKind.AsteriskAsteriskToken) {
        return this.binary(k, this.dual(e.left), this.dual(e.right), e.right);
      }
      const comparisons = [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken,
        ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken];
      if (comparisons.includes(k)) {
        return { v: `(${this.dual(e.left).v} ${e.operatorToken.getText(this.file)} ${this.dual(e.right).v})`, d: null };
      }
      fail();
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression)
      && e.expression.expression.text === 'Math' && !e.arguments.some(ts.isSpreadElement)) {
      return this.math(e.expression.name.text, e.arguments.map((a) => this.dual(a)));
    }
    return fail();
  }

  private binary(k: ts.SyntaxKind, a: Dual, b: Dual, right: ts.Expression): Dual {
    const zero = (d: readonly string[] | null, j: number): string => d ? d[j] : '0';
    const tangents = (f: (j: number) => string): string[] | null => a.d || b.d ? Array.from({ length: this.n }, (_, j) => f(j)) : null;
    switch (k) {
      case ts.SyntaxKind.PlusToken:
        return this.local(`${a.v} + ${b.v}`, tangents((j) => a.d && b.d ? `${a.d[j]} + ${b.d[j]}` : a.d ? a.d[j] : zero(b.d, j)));
      case ts.SyntaxKind.MinusToken:
        return this.local(`${a.v} - ${b.v}`, tangents((j) => a.d && b.d ? `${a.d[j]} - ${b.d[j]}` : a.d ? a.d[j] : `-${zero(b.d, j)}`));
      case ts.SyntaxKind.AsteriskToken:
        return this.local(`${a.v} * ${b.v}`, tangents((j) => a.d && b.d ? `${a.d[j]} * ${b.v} + ${a.v} * ${b.d[j]}`
          : a.d ? `${a.d[j]} * ${b.v}` : `${a.v} * ${zero(b.d, j)}`));
      case ts.SyntaxKind.SlashToken: {
        const r = this.local(`${a.v} / ${b.v}`, null);
        const d = tangents((j) => a.d && b.d ? `(${a.d[j]} - ${r.v} * ${b.d[j]}) / ${b.v}`
          : a.d ? `${a.d[j]} / ${b.v}` : `-${r.v} * ${zero(b.d, j)} / ${b.v}`);
        return d ? this.local(r.v, d) : r;
      }
      case ts.SyntaxKind.AsteriskAsteriskToken: {
        const r = this.local(`${a.v} ** ${b.v}`, null);
        const two = ts.isNumericLiteral(right) && Number(right.text) === 2;
        const da = two ? `(2 * ${a.v})` : `(${b.v} === 0 ? 0 : ${b.v} * ${a.v} ** (${b.v} - 1))`;
        const db = `(${a.v} === 0 ? 0 : ${r.v} * Math.log(${a.v}))`;
        const d = tangents((j) => [a.d ? `${da} * ${a.d[j]}` : '', b.d ? `${db} * ${b.d[j]}` : ''].filter(Boolean).join(' + '));
        return d ? this.local(r.v, d) : r;
      }
      default: return fail();
    }
  }

  private math(f: string, args: Dual[]): Dual {
    const anyActive = args.some((x) => x.d);
    if (MATH_CONSTANTS.has(f)) fail();
    if (CONSTANT_RESULT.has(f) && args.length === 1) return this.local(`Math.${f}(${args[0].v})`, null);
    if (DERIVATIVE[f] && args.length === 1) {
      const a = args[0];
      const r = this.local(`Math.${f}(${a.v})`, null);
      if (!a.d) return r;
      const dv = this.local(DERIVATIVE[f](a.v, r.v), null);
      return this.local(r.v, a.d.map((x) => `${dv.v} * ${x}`));
    }
    if ((f === 'max' || f === 'min') && args.length >= 1) {
      // The chosen argument passes its tangents (the first one on ties), as the tape does.
      let best = args[0];
      for (let k = 1; k < args.length; k++) {
        const x = args[k];
        const better = `(${x.v} ${f === 'max' ? '>' : '<'} ${best.v} || ${x.v} !== ${x.v})`;
        const c = this.local(better, null);
        best = this.local(`${c.v} ? ${x.v} : ${best.v}`, anyActive
          ? Array.from({ length: this.n }, (_, j) => `${c.v} ? ${x.d ? x.d[j] : 0} : ${best.d ? best.d[j] : 0}`) : null);
      }
      return best;
    }
    if (f === 'pow' && args.length === 2) return this.binary(ts.SyntaxKind.AsteriskAsteriskToken, args[0], args[1], ts.factory.createIdentifier('b'));
    if (f === 'atan2' && args.length === 2) {
      const [y, x] = args;
      const r = this.local(`Math.atan2(${y.v}, ${x.v})`, null);
      if (!anyActive) return r;
      const s = this.local(`${x.v} * ${x.v} + ${y.v} * ${y.v}`, null);
      return this.local(r.v, Array.from({ length: this.n }, (_, j) =>
        `(${x.v} * ${y.d ? y.d[j] : 0} - ${y.v} * ${x.d ? x.d[j] : 0}) / ${s.v}`));
    }
    if (f === 'hypot' && args.length >= 1) {
      const r = this.local(`Math.hypot(${args.map((x) => x.v).join(', ')})`, null);
      if (!anyActive) return r;
      return this.local(r.v, Array.from({ length: this.n }, (_, j) =>
        `(${r.v} === 0 ? 0 : (${args.filter((x) => x.d).map((x) => `${x.v} * ${(x.d as readonly string[])[j]}`).join(' + ')}) / ${r.v})`));
    }
    return fail();
  }
}
