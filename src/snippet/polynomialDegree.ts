/**
 * Whether a snippet's loss is a quadratic, decided from its code, not from samples: for the
 * straight-line losses the fast paths differentiate (straightlineShape.ts), the degree of every
 * value as a polynomial in the parameters, by the rules of algebra —
 *
 *     number, Math constant, module-level name: 0        parameter: 1
 *     a ± b, −a: max(deg a, deg b)                        a · b: deg a + deg b
 *     a / b: deg a when deg b = 0                         a ** k (k a literal integer ≥ 0): k · deg a
 *     Math.f(a…) of constants only: 0
 *
 * and anything else (a parameter under Math.sqrt, a division by a parameter, a power whose
 * exponent is not a literal) is not a polynomial: Infinity. A loss of degree ≤ 2 has a constant
 * Hessian — exactly, and in floating point too: its second derivatives (straightlineHessian.ts)
 * are then sums of products of constants. Module-level names are constants because the
 * straight-line paths read them as such (the differentiated code treats them as inactive).
 * The rules are sufficient, not necessary: `Math.sqrt(x * x) ** 2` is a quadratic they do not
 * recognise, and such a loss simply gets no closed-form rates.
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { MATH_CONSTANTS, mathMemberOf, straightLineFunction } from './straightlineShape';

/** The loss's degree as a polynomial in its parameters (Infinity when it is not one, or the code is not straight-line). */
export function polynomialDegree(fn: ts.Node | undefined, bindings: SnippetBindings): number {
  const shape = straightLineFunction(fn);
  if (!shape) return Infinity;
  const degrees = new Map<string, number>(shape.params.map((p) => [p, 1]));
  const degree = (e: ts.Expression): number => {
    if (ts.isParenthesizedExpression(e)) return degree(e.expression);
    if (ts.isNumericLiteral(e)) return 0;
    if (ts.isIdentifier(e)) {
      const d = degrees.get(e.text);
      if (d !== undefined) return d;
      return shape.declared.has(e.text) || shape.ownNames.has(e.text) ? Infinity : 0;
    }
    const member = mathMemberOf(e, (n) => degrees.has(n), (id) => bindings.isBuiltin(id));
    if (member !== undefined) return MATH_CONSTANTS.has(member) ? 0 : Infinity;
    if (ts.isPrefixUnaryExpression(e)) {
      return e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken ? degree(e.operand) : Infinity;
    }
    if (ts.isBinaryExpression(e)) {
      const a = degree(e.left), b = degree(e.right);
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken:
        case ts.SyntaxKind.MinusToken: return Math.max(a, b);
        case ts.SyntaxKind.AsteriskToken: return a + b;
        case ts.SyntaxKind.SlashToken: return b === 0 ? a : Infinity;
        case ts.SyntaxKind.AsteriskAsteriskToken: return power(a, b, e.right);
        default: return Infinity;
      }
    }
    if (ts.isCallExpression(e) && !e.arguments.some(ts.isSpreadElement)) {
      const f = mathMemberOf(e.expression, (n) => degrees.has(n), (id) => bindings.isBuiltin(id));
      if (f === undefined) return Infinity;
      const args = e.arguments.map(degree);
      if (f === 'pow' && args.length === 2) return power(args[0], args[1], e.arguments[1]);
      return args.every((d) => d === 0) ? 0 : Infinity;
    }
    return Infinity;
  };
  for (const d of shape.declarations) degrees.set(d.name, degree(d.init));
  return degree(shape.result);
}

/** deg(a ** b): 0 for constants, k·deg a for a literal integer exponent k ≥ 0, else not a polynomial. */
function power(a: number, b: number, exponent: ts.Expression): number {
  if (a === 0 && b === 0) return 0;
  if (b !== 0) return Infinity;
  const e = ts.isParenthesizedExpression(exponent) ? exponent.expression : exponent;
  const k = ts.isNumericLiteral(e) ? Number(e.text) : NaN;
  return Number.isInteger(k) && k >= 0 ? k * a : Infinity;
}

/** Whether the loss is recognised as a quadratic (degree ≤ 2: constant Hessian). */
export function isQuadratic(fn: ts.Node | undefined, bindings: SnippetBindings): boolean {
  return polynomialDegree(fn, bindings) <= 2;
}
