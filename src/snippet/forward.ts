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
import { ForwardExpressions, isTwo } from './forwardExpressions';
import { binary, type Dual, fail, Unsupported } from './forwardRules';

export const MAX_FORWARD_DIM = 8;

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

/** The loss function and its statements (forwardExpressions.ts: the state and the expressions). */
class ForwardEmitter extends ForwardExpressions {
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
}
