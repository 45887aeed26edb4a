/**
 * TypeScript expressions → Python expressions. Every compound result is parenthesised, so Python's
 * precedence never regroups what JavaScript grouped. Functions written inside an expression are
 * hoisted as `def`s into `pre`, the lines written before the statement that holds them.
 */
import ts from 'typescript';
import type { Scope, Translator } from './context';
import { JS_MATH_MEMBERS } from './prelude';
import { translateFunction } from './statements';

/** An expression's Python, and the lines it needs before its statement. */
export interface Context {
  readonly t: Translator;
  readonly scope: Scope;
  readonly pre: string[];
}

const BITWISE: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.BarToken]: 'js_or', [ts.SyntaxKind.AmpersandToken]: 'js_and', [ts.SyntaxKind.CaretToken]: 'js_xor',
  [ts.SyntaxKind.LessThanLessThanToken]: 'js_shl', [ts.SyntaxKind.GreaterThanGreaterThanToken]: 'js_shr',
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: 'js_ushr', [ts.SyntaxKind.PercentToken]: 'js_rem',
  [ts.SyntaxKind.QuestionQuestionToken]: 'js_nullish',
};
const ARITHMETIC: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusToken]: '+', [ts.SyntaxKind.MinusToken]: '-', [ts.SyntaxKind.AsteriskToken]: '*', [ts.SyntaxKind.SlashToken]: '/',
  [ts.SyntaxKind.AsteriskAsteriskToken]: '**', [ts.SyntaxKind.LessThanToken]: '<', [ts.SyntaxKind.GreaterThanToken]: '>',
  [ts.SyntaxKind.LessThanEqualsToken]: '<=', [ts.SyntaxKind.GreaterThanEqualsToken]: '>=', [ts.SyntaxKind.EqualsEqualsToken]: '==',
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: '==', [ts.SyntaxKind.ExclamationEqualsToken]: '!=', [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '!=',
  [ts.SyntaxKind.AmpersandAmpersandToken]: 'and', [ts.SyntaxKind.BarBarToken]: 'or',
};
/** Compound assignments and the binary operator each applies. */
export const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken, [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
  [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken, [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: ts.SyntaxKind.AsteriskAsteriskToken, [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
  [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken, [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
  [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken, [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

/** `left op right` in Python, for a JavaScript binary operator (helpers where the semantics differ). */
export function binary(op: ts.SyntaxKind, left: string, right: string): string | undefined {
  const helper = BITWISE[op];
  if (helper) return `${helper}(${left}, ${right})`;
  const py = ARITHMETIC[op];
  return py ? `(${left} ${py} ${right})` : undefined;
}

/** Array methods and the prelude helper that does them with JavaScript's meaning. */
const ARRAY_METHODS: Readonly<Record<string, string>> = {
  map: 'js_map', reduce: 'js_reduce', forEach: 'js_for_each', filter: 'js_filter', some: 'js_some', every: 'js_every',
  slice: 'js_slice', fill: 'js_fill', indexOf: 'js_index_of', includes: 'js_includes', concat: 'js_concat', join: 'js_join',
  reverse: 'js_reverse', find: 'js_find', findIndex: 'js_find_index', at: 'js_at',
};
/** Static functions of globals that the prelude provides. */
const GLOBAL_FUNCTIONS: Readonly<Record<string, string>> = {
  'Number.isFinite': 'js_is_finite', 'Number.isNaN': 'js_is_nan', 'Number.isInteger': 'js_is_integer', isFinite: 'js_is_finite',
  isNaN: 'js_is_nan', 'Array.from': 'js_array_from', 'Array.isArray': 'js_is_array', Number: 'js_number', parseFloat: 'js_number',
  'Array.of': 'js_array_of', 'Math.max': 'Math.max', 'Math.min': 'Math.min',
};
const GLOBAL_VALUES: Readonly<Record<string, string>> = {
  undefined: 'None', NaN: 'math.nan', Infinity: 'math.inf', 'Number.EPSILON': '2.220446049250313e-16',
  'Number.MAX_VALUE': '1.7976931348623157e+308', 'Number.MIN_VALUE': '5e-324', 'Number.POSITIVE_INFINITY': 'math.inf',
  'Number.NEGATIVE_INFINITY': '-math.inf', 'Number.MAX_SAFE_INTEGER': '9007199254740991', 'Number.NaN': 'math.nan',
};

/** `Math.exp`, `Number.isFinite`: a dotted name, or undefined. */
function dotted(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return `${e.expression.text}.${e.name.text}`;
  return undefined;
}

/** Names that a JavaScript object's field cannot take as a Python attribute (keywords, dict's own methods). */
const NOT_ATTRIBUTES = new Set(('False None True and as assert async await break class continue def del elif else except finally for from '
  + 'global if import in is lambda nonlocal not or pass raise return try while with yield '
  + 'clear copy fromkeys get items keys pop popitem setdefault update values').split(' '));

/** `.name`, or `["name"]` where Python would read something else. */
function field(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !NOT_ATTRIBUTES.has(name) && !name.startsWith('__') ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** Removes one pair of parentheses around the whole expression, for statement level. */
export function bare(py: string): string {
  if (!py.startsWith('(') || !py.endsWith(')')) return py;
  let depth = 0;
  for (let i = 0; i < py.length; i++) {
    if (py[i] === '(') depth++;
    else if (py[i] === ')') { depth--; if (depth === 0 && i < py.length - 1) return py; }
    else if (py[i] === '"') { i++; while (i < py.length && py[i] !== '"') i += py[i] === '\\' ? 2 : 1; }
  }
  return py.slice(1, -1);
}

/** Whether a Python index is already an int (a literal, a `range` loop variable, a length). */
function isInt(e: ts.Expression, c: Context): boolean {
  if (ts.isNumericLiteral(e)) return Number.isInteger(Number(e.text));
  if (ts.isIdentifier(e)) return c.scope.ints?.has(e.text) ?? false;
  if (ts.isParenthesizedExpression(e)) return isInt(e.expression, c);
  if (ts.isPropertyAccessExpression(e)) return e.name.text === 'length';
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken].includes(e.operatorToken.kind)) {
    return isInt(e.left, c) && isInt(e.right, c);
  }
  return false;
}

function args(list: readonly ts.Expression[], c: Context): string {
  return list.map((a) => (ts.isSpreadElement(a) ? `*${translateExpression(a.expression, c)}` : bare(translateExpression(a, c)))).join(', ');
}

function call(e: ts.CallExpression, c: Context): string {
  if (e.questionDotToken) return c.t.refuse(e, 'an optional call (?.)');
  const name = dotted(e.expression);
  if (name && GLOBAL_FUNCTIONS[name]) return `${GLOBAL_FUNCTIONS[name]}(${args(e.arguments, c)})`;
  if (name?.startsWith('Math.')) {
    const member = name.slice(5);
    return JS_MATH_MEMBERS.has(member) && member !== member.toUpperCase() ? `Math.${member}(${args(e.arguments, c)})` : c.t.refuse(e, `Math.${member}()`);
  }
  if (ts.isPropertyAccessExpression(e.expression)) {
    const method = e.expression.name.text;
    const target = translateExpression(e.expression.expression, c);
    if (method === 'push') return e.arguments.length === 1 && !ts.isSpreadElement(e.arguments[0])
      ? `${target}.append(${bare(translateExpression(e.arguments[0], c))})` : `${target}.extend([${args(e.arguments, c)}])`;
    if (ARRAY_METHODS[method]) return `${ARRAY_METHODS[method]}(${[target, args(e.arguments, c)].filter((s) => s).join(', ')})`;
    if (!ts.isIdentifier(e.expression.expression) || !c.t.knows(e.expression.expression.text)) {
      return c.t.refuse(e.expression.name, `the method .${method}()`);
    }
  }
  if (ts.isIdentifier(e.expression) && !c.t.knows(e.expression.text)) return c.t.refuse(e.expression, `the function ${e.expression.text}()`);
  return `${translateExpression(e.expression, c)}(${args(e.arguments, c)})`;
}

function objectLiteral(e: ts.ObjectLiteralExpression, c: Context): string {
  const fields: string[] = [];
  for (const p of e.properties) {
    if (ts.isShorthandPropertyAssignment(p)) fields.push(`${JSON.stringify(p.name.text)}: ${c.t.name(p.name.text)}`);
    else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name))) {
      fields.push(`${JSON.stringify(p.name.text)}: ${bare(translateExpression(p.initializer, c))}`);
    } else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name) && p.body) {
      fields.push(`${JSON.stringify(p.name.text)}: ${hoist(p, c)}`);
    } else {
      fields.push(`"?": ${c.t.refuse(p, 'this object property (computed, spread or accessor)')}`);
    }
  }
  return `JsObject({${fields.join(', ')}})`;
}

/** Writes a function expression as a `def` before the statement; returns its name. */
function hoist(f: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration, c: Context): string {
  const name = c.t.fresh('f');
  c.pre.push(...translateFunction(f, name, c.t, c.scope));
  return name;
}

function template(e: ts.TemplateExpression, c: Context): string {
  const parts = [JSON.stringify(e.head.text)];
  for (const span of e.templateSpans) parts.push(`js_str(${bare(translateExpression(span.expression, c))})`, JSON.stringify(span.literal.text));
  return `(${parts.filter((p) => p !== '""').join(' + ') || '""'})`;
}

/** The Python of one expression; what it cannot translate is reported and raises at run time. */
export function translateExpression(e: ts.Expression, c: Context): string {
  const { t } = c;
  if (ts.isNumericLiteral(e)) return /^0\d/.test(e.getText(t.source)) ? e.text : e.getText(t.source);
  if (ts.isBigIntLiteral(e)) return t.refuse(e, 'a BigInt literal');
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return JSON.stringify(e.text);
  if (ts.isTemplateExpression(e)) return template(e, c);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return 'True';
  if (e.kind === ts.SyntaxKind.FalseKeyword) return 'False';
  if (e.kind === ts.SyntaxKind.NullKeyword) return 'None';
  if (ts.isIdentifier(e)) return GLOBAL_VALUES[e.text] ?? t.name(e.text);
  if (ts.isParenthesizedExpression(e)) return `(${bare(translateExpression(e.expression, c))})`;
  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) return translateExpression(e.expression, c);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return t.refuse(e, 'an assignment inside an expression');
    if (op === ts.SyntaxKind.CommaToken) return t.refuse(e, 'the comma operator');
    const out = binary(op, translateExpression(e.left, c), translateExpression(e.right, c));
    return out ?? t.refuse(e.operatorToken, `the operator ${e.operatorToken.getText(t.source)}`);
  }
  if (ts.isPrefixUnaryExpression(e)) {
    const operand = translateExpression(e.operand, c);
    switch (e.operator) {
      case ts.SyntaxKind.MinusToken: return `(-${operand})`;
      case ts.SyntaxKind.PlusToken: return `js_number(${bare(operand)})`;
      case ts.SyntaxKind.ExclamationToken: return `(not ${operand})`;
      case ts.SyntaxKind.TildeToken: return `js_bitnot(${bare(operand)})`;
      default: return t.refuse(e, `${ts.tokenToString(e.operator)} inside an expression (write it as its own statement)`);
    }
  }
  if (ts.isPostfixUnaryExpression(e)) return t.refuse(e, `${ts.tokenToString(e.operator)} inside an expression (write it as its own statement)`);
  if (ts.isConditionalExpression(e)) {
    return `(${bare(translateExpression(e.whenTrue, c))} if ${translateExpression(e.condition, c)} else ${bare(translateExpression(e.whenFalse, c))})`;
  }
  if (ts.isCallExpression(e)) return call(e, c);
  if (ts.isNewExpression(e)) {
    const name = ts.isIdentifier(e.expression) ? e.expression.text : '';
    const a = args(e.arguments ?? [], c);
    if (name === 'Array') return `js_new_array(${a})`;
    if (/^(Float64|Float32|Int32|Uint32|Int16|Uint16|Int8|Uint8|Uint8Clamped)Array$/.test(name)) return `js_typed_array(${a})`;
    if (name === 'Error' || name === 'RangeError' || name === 'TypeError') return `Exception(${a})`;
    return t.refuse(e, `new ${name || '…'}()`);
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.questionDotToken) return t.refuse(e, 'optional chaining (?.)');
    const name = dotted(e);
    if (name && GLOBAL_VALUES[name]) return GLOBAL_VALUES[name];
    if (name?.startsWith('Math.')) return JS_MATH_MEMBERS.has(e.name.text) ? name : t.refuse(e, name);
    if (e.name.text === 'length') return `len(${bare(translateExpression(e.expression, c))})`;
    return `${translateExpression(e.expression, c)}${field(e.name.text)}`;
  }
  if (ts.isElementAccessExpression(e)) {
    if (e.questionDotToken) return t.refuse(e, 'optional chaining (?.)');
    const target = translateExpression(e.expression, c);
    const index = e.argumentExpression;
    if (ts.isStringLiteral(index)) return `${target}[${JSON.stringify(index.text)}]`;
    const py = bare(translateExpression(index, c));
    return isInt(index, c) ? `${target}[${py}]` : `${target}[int(${py})]`;
  }
  if (ts.isArrayLiteralExpression(e)) {
    return `[${e.elements.map((x) => (ts.isOmittedExpression(x) ? 'None' : ts.isSpreadElement(x) ? `*${translateExpression(x.expression, c)}` : bare(translateExpression(x, c)))).join(', ')}]`;
  }
  if (ts.isObjectLiteralExpression(e)) return objectLiteral(e, c);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return hoist(e, c);
  const what: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.TypeOfExpression]: 'typeof', [ts.SyntaxKind.VoidExpression]: 'void', [ts.SyntaxKind.DeleteExpression]: 'delete',
    [ts.SyntaxKind.AwaitExpression]: 'await', [ts.SyntaxKind.YieldExpression]: 'yield', [ts.SyntaxKind.RegularExpressionLiteral]: 'a regular expression',
    [ts.SyntaxKind.ThisKeyword]: 'this', [ts.SyntaxKind.SuperKeyword]: 'super', [ts.SyntaxKind.TaggedTemplateExpression]: 'a tagged template',
    [ts.SyntaxKind.ClassExpression]: 'a class',
  };
  return t.refuse(e, what[e.kind] ?? `this expression (${ts.SyntaxKind[e.kind]})`);
}
