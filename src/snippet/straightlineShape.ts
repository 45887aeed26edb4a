/**
 * The shape every straight-line path reads (straightline.ts's gradient, straightlineHessian.ts's
 * Hessian, polynomialDegree.ts's degree): a function of one destructured array of parameters
 * (`([x, y]: number[])`) whose body is `const`/`let` declarations with initialisers and one
 * `return` (or an arrow's expression). What the declarations and the result compute is each
 * path's own business; this only cuts the function into those pieces, once.
 */
import ts from 'typescript';

export interface StraightLineFunction {
  /** The destructured parameters' names, in order. */
  readonly params: readonly string[];
  /** Names the function means differently from module level: its own name (a function expression's), `arguments`. */
  readonly ownNames: ReadonlySet<string>;
  /** Every name the body declares (read before its declaration, it is not a module-level name). */
  readonly declared: ReadonlySet<string>;
  /** The declarations in order. */
  readonly declarations: readonly { readonly name: string; readonly init: ts.Expression }[];
  /** The returned expression. */
  readonly result: ts.Expression;
}

/** `fn` cut into its straight-line pieces, or undefined when it does not have that shape. */
export function straightLineFunction(fn: ts.Node | undefined): StraightLineFunction | undefined {
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) || !fn.body) return undefined;
  if (fn.parameters.length !== 1) return undefined;
  const pattern = fn.parameters[0].name;
  if (!ts.isArrayBindingPattern(pattern) || fn.parameters[0].initializer) return undefined;
  const params: string[] = [];
  for (const el of pattern.elements) {
    if (!ts.isBindingElement(el) || el.dotDotDotToken || el.initializer || !ts.isIdentifier(el.name)) return undefined;
    params.push(el.name.text);
  }
  const ownNames = new Set(['arguments', ...(ts.isFunctionExpression(fn) && fn.name ? [fn.name.text] : [])]);
  const body = fn.body;
  if (!ts.isBlock(body)) return { params, ownNames, declared: new Set(), declarations: [], result: body };
  const statements = body.statements;
  if (statements.length === 0) return undefined;
  const declared = new Set<string>();
  for (const st of statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) declared.add(d.name.text);
  }
  const declarations: { name: string; init: ts.Expression }[] = [];
  for (let k = 0; k < statements.length - 1; k++) {
    const st = statements[k];
    if (!ts.isVariableStatement(st) || (st.declarationList.flags & ts.NodeFlags.BlockScoped) === 0) return undefined;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer || params.includes(d.name.text)) return undefined;
      declarations.push({ name: d.name.text, init: d.initializer });
    }
  }
  const last = statements[statements.length - 1];
  if (!ts.isReturnStatement(last) || !last.expression) return undefined;
  return { params, ownNames, declared, declarations, result: last.expression };
}

/** Whether `e` is `Math.<member>` with the built-in Math (not a local named Math): the member's name. */
export function mathMemberOf(e: ts.Expression, isLocal: (name: string) => boolean, isBuiltin: (id: ts.Identifier) => boolean): string | undefined {
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math'
    && ts.isIdentifier(e.name) && !isLocal('Math') && isBuiltin(e.expression) ? e.name.text : undefined;
}

/** The one-argument Math functions the straight-line paths (gradient and Hessian) differentiate. */
export const STRAIGHT_LINE_MATH: ReadonlySet<string> = new Set(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh',
  'exp', 'expm1', 'log', 'log1p', 'sqrt', 'cbrt', 'abs']);
/** Math's constants the straight-line paths read as numbers. */
export const MATH_CONSTANTS: ReadonlySet<string> = new Set(['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2']);
