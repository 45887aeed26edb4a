/**
 * Automatic differentiation of a loss snippet by source transformation (a `ts.transform`
 * transformer run inside `transpileModule`, so source maps still point at the user's code).
 *
 * Three differentiators, chosen per snippet at compile time (all source transformations of the
 * snippet's TypeScript AST; measured in bench/snippet.ts):
 * 1. straightline.ts — straight-line scalar losses (Rosenbrock, Beale, …): reverse mode with
 *    adjoint locals, no tape, no objects: a gradient costs about one plain evaluation.
 * 2. forward.ts — losses with ≤ 8 parameters that loop over the params or a data batch:
 *    forward mode with the tangents unrolled into locals (n + 1 numbers per value, no tape).
 * 3. this file — everything else (helpers, closures, arrays, map/reduce, destructuring, …):
 *    reverse mode on a typed-array tape, justified below. The fast paths fall back to it for any
 *    construct outside their subset, and tests check that all three agree.
 *
 * Mode of the general path: REVERSE. A loss is ℝⁿ → ℝ, so one backward sweep gives the whole gradient for the price of
 * a small constant times one evaluation whatever n is, whereas forward mode needs n tangents
 * (n sweeps, or n-wide dual numbers); snippets have any number of parameters and mini-batch losses
 * routinely have tens. Forward mode with unrolled tangent locals would win on 2-parameter toys,
 * but it cannot follow values through arrays, closures, `map`/`reduce` and destructuring without
 * shadowing every one of them; the tape follows them for free because active values are ordinary
 * objects. The transformation is therefore small and local: every arithmetic operator, compound
 * assignment, increment, `Math.*` call and comparison becomes a call into the runtime
 * (`runtime.ts`), which records a node on a typed-array tape only when an operand depends on the
 * parameters, and otherwise computes with plain numbers. Control flow (if, loops, ternaries,
 * helpers, closures) is left as written: it runs on values, so the tape records the branch
 * actually taken — the derivative of the piecewise-defined function where it is differentiable.
 *
 * Rewrites (a, b expressions; x an assignable target; the operations are called by their names in
 * the snippet's generated namespace, bindings.ts — `$adadd` for `__add` — which no name of the
 * snippet can shadow):
 *   a + b → __add(a, b)   (likewise - * / % ** → __sub __mul __div __mod __pow)
 *   -a → __neg(a), +a → __pos(a), !a → !__t(a), Number(a) → __pos(a)
 *   x op= b → x = __op(x, b);  ++x → (x = __add(x, 1));  x++ → (x = __add(x, 1), __sub(x, 1))
 *     where x is `o[k]` or `o.f` with an `o` or `k` that is not a plain name or literal, they are
 *     evaluated once, into hoisted temporaries: o[f()] += b → (_o = o, _k = f(), _o[_k] = __add(_o[_k], b))
 *     (JavaScript's order: object, key, read, right-hand side, write)
 *   a || b → (__t(_a = a) ? _a : b);  a && b → (__t(_a = a) ? b : _a)   (a's value is tested, not the
 *     tape object, which is always truthy); x ||= b → (__t(x) ? x : (x = b)), x &&= b likewise.
 *     `??` needs nothing: an active value is never null or undefined, exactly like the number it stands for.
 *   a < b → __lt(a, b)     (likewise <= > >= === !== == != → __le __gt __ge __eq __ne __leq __lne)
 *   Math.f → __m_f for the functions in DIFFERENTIABLE_MATH;  Number.isFinite/isNaN/isInteger → __isFinite …
 *     (only where `Math` and `Number` are the built-ins, not the snippet's own)
 *   if/while/do/for/?: conditions that are not already booleans → __t(condition)
 * A value of the tape kept from one evaluation to the next (a module-level cache, however stored)
 * is invalid in the next one (the tape is reset): the runtime recognises it by its evaluation's
 * epoch and stops (runtime.ts); before a run, probe.ts then sends the snippet to finite differences
 * with the reason and the line.
 */
import ts from 'typescript';
import { DIFFERENTIABLE_MATH, opName } from './runtime';

const ARITH: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.PlusToken, '__add'], [ts.SyntaxKind.MinusToken, '__sub'],
  [ts.SyntaxKind.AsteriskToken, '__mul'], [ts.SyntaxKind.SlashToken, '__div'],
  [ts.SyntaxKind.PercentToken, '__mod'], [ts.SyntaxKind.AsteriskAsteriskToken, '__pow'],
]);
const COMPOUND: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.PlusEqualsToken, '__add'], [ts.SyntaxKind.MinusEqualsToken, '__sub'],
  [ts.SyntaxKind.AsteriskEqualsToken, '__mul'], [ts.SyntaxKind.SlashEqualsToken, '__div'],
  [ts.SyntaxKind.PercentEqualsToken, '__mod'], [ts.SyntaxKind.AsteriskAsteriskEqualsToken, '__pow'],
]);
const COMPARE: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.LessThanToken, '__lt'], [ts.SyntaxKind.LessThanEqualsToken, '__le'],
  [ts.SyntaxKind.GreaterThanToken, '__gt'], [ts.SyntaxKind.GreaterThanEqualsToken, '__ge'],
  [ts.SyntaxKind.EqualsEqualsEqualsToken, '__eq'], [ts.SyntaxKind.ExclamationEqualsEqualsToken, '__ne'],
  [ts.SyntaxKind.EqualsEqualsToken, '__leq'], [ts.SyntaxKind.ExclamationEqualsToken, '__lne'],
]);
/** The binary operators the tape rewrites into its operations: arithmetic, compound assignments, comparisons. */
export const TAPE_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([...ARITH.keys(), ...COMPOUND.keys(), ...COMPARE.keys()]);
/** `Number.f` the tape follows (see the table in the header). */
export const NUMBER_PREDICATES: ReadonlyMap<string, string> = new Map([
  ['isFinite', '__isFinite'], ['isNaN', '__isNaN'], ['isInteger', '__isInteger'],
]);

/** True when `e` certainly evaluates to a boolean (so a condition needs no `__t`). */
function isBooleanValued(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if (COMPARE.has(k) || k === ts.SyntaxKind.InstanceOfKeyword || k === ts.SyntaxKind.InKeyword) return true;
    if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) {
      return isBooleanValued(e.left) && isBooleanValued(e.right);
    }
  }
  return false;
}

/** What the transformer needs to know about the snippet (compile.ts). */
export interface TapeTransformOptions {
  /** The namespace of generated names (bindings.ts): the operations are called by these names. */
  readonly ns: string;
  /** Whether the identifier ending at `end` (`Math`, `Number`) is the built-in, not a binding of the snippet. */
  readonly builtinAt: (end: number) => boolean;
  /** The snippet's own code ends here; what follows is generated (the fast paths) and left as it is. */
  readonly userEnd: number;
}

/** The transformer factory: rewrites a snippet's source file for the reverse-mode runtime. */
export function differentiateTransformer(options: TapeTransformOptions): ts.TransformerFactory<ts.SourceFile> {
  const { ns, builtinAt, userEnd } = options;
  return (context) => {
    const f = context.factory;
    const call = (name: string, args: ts.Expression[], range: ts.TextRange): ts.Expression =>
      ts.setTextRange(f.createCallExpression(f.createIdentifier(opName(ns, name)), undefined, args), range);
    const one = (): ts.Expression => f.createNumericLiteral(1);
    const cond = (original: ts.Expression, visited: ts.Expression): ts.Expression =>
      isBooleanValued(original) ? visited : call('__t', [visited], original);

    /** A fresh variable, declared (`var`) at the top of the enclosing function or module. */
    const temp = (): ts.Identifier => {
      const id = f.createUniqueName('__ad');
      context.hoistVariableDeclaration(id);
      return id;
    };
    const isSimple = (e: ts.Expression): boolean => ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword
      || ts.isNumericLiteral(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e);
    /**
     * An assignable `target` (already visited) that can be read and written several times while
     * its object and key are evaluated once: `pre` evaluates them into temporaries, `ref()` is
     * the target over those temporaries (or the target itself when it has no side effects).
     */
    const once = (target: ts.Expression): { pre: ts.Expression[]; ref: () => ts.Expression } => {
      const pre: ts.Expression[] = [];
      const hold = (e: ts.Expression): ts.Expression => {
        if (isSimple(e)) return e;
        const t = temp();
        pre.push(f.createAssignment(t, e));
        return t;
      };
      if (ts.isPropertyAccessExpression(target) && !isSimple(target.expression)) {
        const o = hold(target.expression), name = target.name;
        return { pre, ref: () => f.createPropertyAccessExpression(o, name) };
      }
      if (ts.isElementAccessExpression(target) && !(isSimple(target.expression) && isSimple(target.argumentExpression))) {
        const o = hold(target.expression), k = hold(target.argumentExpression);
        return { pre, ref: () => f.createElementAccessExpression(o, k) };
      }
      return { pre, ref: () => target };
    };
    const sequence = (parts: ts.Expression[], range: ts.TextRange): ts.Expression => parts.length === 1 ? parts[0]
      : ts.setTextRange(f.createParenthesizedExpression(f.createCommaListExpression(parts)), range);

    /** `x = __op(x, b)` for an assignable `target` (already visited), its object and key evaluated once. */
    const assignOp = (target: ts.Expression, op: string, rhs: ts.Expression, range: ts.TextRange): ts.Expression => {
      const { pre, ref } = once(target);
      return sequence([...pre, ts.setTextRange(f.createAssignment(ref(), call(op, [ref(), rhs], range)), range)], range);
    };

    /** `a || b` / `a && b` testing the value of `a` (visited), evaluated once. */
    const logical = (a: ts.Expression, b: ts.Expression, or: boolean, range: ts.TextRange): ts.Expression => {
      let test: ts.Expression, held: ts.Expression;
      if (ts.isIdentifier(a)) { test = a; held = a; } else { held = temp(); test = f.createAssignment(held, a); }
      const c = f.createConditionalExpression(call('__t', [test], range), undefined, or ? held : b, undefined, or ? b : held);
      return ts.setTextRange(f.createParenthesizedExpression(ts.setTextRange(c, range)), range);
    };

    const visit = (node: ts.Node): ts.Node => {
      // Increments whose value is unused: `x++;` and `for (…; …; i++)`.
      if (ts.isExpressionStatement(node) && isIncrement(node.expression)) {
        const e = node.expression as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
        const target = ts.visitNode(e.operand, visit) as ts.Expression;
        const op = e.operator === ts.SyntaxKind.PlusPlusToken ? '__add' : '__sub';
        return f.updateExpressionStatement(node, assignOp(target, op, one(), e));
      }
      if (ts.isForStatement(node)) {
        const initializer = node.initializer && ts.visitNode(node.initializer, visit) as ts.ForInitializer;
        const condition = node.condition && cond(node.condition, ts.visitNode(node.condition, visit) as ts.Expression);
        let incrementor = node.incrementor;
        if (incrementor && isIncrement(incrementor)) {
          const e = incrementor as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
          const target = ts.visitNode(e.operand, visit) as ts.Expression;
          incrementor = assignOp(target, e.operator === ts.SyntaxKind.PlusPlusToken ? '__add' : '__sub', one(), e);
        } else if (incrementor) {
          incrementor = ts.visitNode(incrementor, visit) as ts.Expression;
        }
        const statement = ts.visitNode(node.statement, visit) as ts.Statement;
        return f.updateForStatement(node, initializer, condition, incrementor, statement);
      }
      if (ts.isIfStatement(node)) {
        return f.updateIfStatement(node, cond(node.expression, ts.visitNode(node.expression, visit) as ts.Expression),
          ts.visitNode(node.thenStatement, visit) as ts.Statement,
          node.elseStatement && ts.visitNode(node.elseStatement, visit) as ts.Statement);
      }
      if (ts.isWhileStatement(node)) {
        return f.updateWhileStatement(node, cond(node.expression, ts.visitNode(node.expression, visit) as ts.Expression),
          ts.visitNode(node.statement, visit) as ts.Statement);
      }
      if (ts.isDoStatement(node)) {
        return f.updateDoStatement(node, ts.visitNode(node.statement, visit) as ts.Statement,
          cond(node.expression, ts.visitNode(node.expression, visit) as ts.Expression));
      }
      if (ts.isConditionalExpression(node)) {
        return f.updateConditionalExpression(node,
          cond(node.condition, ts.visitNode(node.condition, visit) as ts.Expression), node.questionToken,
          ts.visitNode(node.whenTrue, visit) as ts.Expression, node.colonToken,
          ts.visitNode(node.whenFalse, visit) as ts.Expression);
      }
      if (ts.isBinaryExpression(node)) {
        const k = node.operatorToken.kind;
        const compound = COMPOUND.get(k);
        if (compound) {
          const target = ts.visitNode(node.left, visit) as ts.Expression;
          return assignOp(target, compound, ts.visitNode(node.right, visit) as ts.Expression, node);
        }
        if ((k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.AmpersandAmpersandToken) && !isBooleanValued(node.left)) {
          return logical(ts.visitNode(node.left, visit) as ts.Expression, ts.visitNode(node.right, visit) as ts.Expression,
            k === ts.SyntaxKind.BarBarToken, node);
        }
        if (k === ts.SyntaxKind.BarBarEqualsToken || k === ts.SyntaxKind.AmpersandAmpersandEqualsToken) {
          // x ||= b → __t(x) ? x : (x = b);  x &&= b → __t(x) ? (x = b) : x
          const { pre, ref } = once(ts.visitNode(node.left, visit) as ts.Expression);
          const assign = f.createParenthesizedExpression(f.createAssignment(ref(), ts.visitNode(node.right, visit) as ts.Expression));
          const or = k === ts.SyntaxKind.BarBarEqualsToken;
          const c = ts.setTextRange(f.createConditionalExpression(call('__t', [ref()], node), undefined,
            or ? ref() : assign, undefined, or ? assign : ref()), node);
          return sequence([...pre, c], node);
        }
        const name = ARITH.get(k) ?? COMPARE.get(k);
        if (name) {
          return call(name, [ts.visitNode(node.left, visit) as ts.Expression, ts.visitNode(node.right, visit) as ts.Expression], node);
        }
        return ts.visitEachChild(node, visit, context);
      }
      if (ts.isPrefixUnaryExpression(node)) {
        const operand = ts.visitNode(node.operand, visit) as ts.Expression;
        switch (node.operator) {
          case ts.SyntaxKind.MinusToken: return call('__neg', [operand], node);
          case ts.SyntaxKind.PlusToken: return call('__pos', [operand], node);
          case ts.SyntaxKind.ExclamationToken: return f.updatePrefixUnaryExpression(node, call('__t', [operand], node));
          case ts.SyntaxKind.PlusPlusToken:
          case ts.SyntaxKind.MinusMinusToken:
            return f.createParenthesizedExpression(assignOp(operand,
              node.operator === ts.SyntaxKind.PlusPlusToken ? '__add' : '__sub', one(), node));
          default: return f.updatePrefixUnaryExpression(node, operand);
        }
      }
      if (ts.isPostfixUnaryExpression(node)) {
        // Value form: the new value minus (plus) one, exact for the integer counters it is used with.
        const { pre, ref } = once(ts.visitNode(node.operand, visit) as ts.Expression);
        const inc = node.operator === ts.SyntaxKind.PlusPlusToken;
        return f.createParenthesizedExpression(f.createCommaListExpression([
          ...pre,
          ts.setTextRange(f.createAssignment(ref(), call(inc ? '__add' : '__sub', [ref(), one()], node)), node),
          call(inc ? '__sub' : '__add', [ref(), one()], node),
        ]));
      }
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isIdentifier(node.name)) {
        const object = node.expression.text, member = node.name.text;
        if (object === 'Math' && DIFFERENTIABLE_MATH.has(member) && builtinAt(node.expression.end)) {
          return ts.setTextRange(f.createIdentifier(opName(ns, `__m_${member}`)), node);
        }
        if (object === 'Number' && NUMBER_PREDICATES.has(member) && builtinAt(node.expression.end)) {
          return ts.setTextRange(f.createIdentifier(opName(ns, NUMBER_PREDICATES.get(member) as string)), node);
        }
        return node;
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Number'
        && node.arguments.length === 1 && builtinAt(node.expression.end)) {
        return call('__pos', [ts.visitNode(node.arguments[0], visit) as ts.Expression], node);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => ts.visitEachChild(file, (node) => node.pos >= userEnd ? node : visit(node), context);
  };
}

function isIncrement(e: ts.Expression): boolean {
  return (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e))
    && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken);
}
