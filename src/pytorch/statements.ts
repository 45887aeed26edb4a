/**
 * TypeScript statements and functions → Python lines. Loops of the form
 * `for (let i = a; i < b; i++)` become `for i in range(a, b)`; other `for` loops become `while`
 * loops whose `continue` runs the update first. Functions take their parameters with default
 * `None` and extra arguments (`*_`), as JavaScript calls allow, and declare `nonlocal`/`global`
 * for the enclosing variables they assign.
 */
import ts from 'typescript';
import { indent, scopeNames, type Scope, type Translator } from './context';
import { bare, binary, COMPOUND, translateExpression, type Context } from './expressions';

type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** Python lines for statements in `scope`; `exportName` names a bare `export default` expression. */
export function translateStatementList(statements: readonly ts.Statement[], t: Translator, scope: Scope, exportName?: string): string[] {
  const out: string[] = [];
  for (const s of statements) out.push(...statement(s, t, scope, exportName));
  return out;
}

/** `name = …` or `a, b = js_items(…, 2)` for a binding name and a value's Python. */
function bind(name: ts.BindingName, value: string, c: Context): string[] {
  if (ts.isIdentifier(name)) return [`${c.t.name(name.text)} = ${bare(value)}`];
  if (ts.isArrayBindingPattern(name)) {
    const simple = name.elements.every((e) => ts.isOmittedExpression(e) || (ts.isIdentifier(e.name) && !e.initializer && !e.dotDotDotToken));
    if (simple) {
      const targets = name.elements.map((e) => (ts.isOmittedExpression(e) ? '_' : c.t.name((e.name as ts.Identifier).text)));
      return [`${targets.join(', ')}${targets.length === 1 ? ',' : ''} = js_items(${bare(value)}, ${targets.length})`];
    }
  }
  if (ts.isObjectBindingPattern(name)) {
    const simple = name.elements.every((e) => ts.isIdentifier(e.name) && !e.initializer && !e.dotDotDotToken && (!e.propertyName || ts.isIdentifier(e.propertyName)));
    if (simple) {
      const holder = c.t.fresh('o');
      return [`${holder} = ${bare(value)}`, ...name.elements.map((e) => {
        const key = (e.propertyName as ts.Identifier | undefined)?.text ?? (e.name as ts.Identifier).text;
        return `${c.t.name((e.name as ts.Identifier).text)} = ${holder}[${JSON.stringify(key)}]`;
      })];
    }
  }
  return [c.t.refuse(name, 'this destructuring (nested, with defaults or a rest element)')];
}

/** Python lines of a function: `def name(…):` with its body. */
export function translateFunction(f: FunctionNode, name: string, t: Translator, parent: Scope): string[] {
  if (f.asteriskToken || (ts.canHaveModifiers(f) && (ts.getModifiers(f) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))) {
    return [`${name} = ${t.refuse(f, 'a generator or async function')}`];
  }
  const body = f.body!;
  const own = scopeNames(body);
  const params: string[] = [];
  const prologue: string[] = [];
  const declared = new Set(own.declared);
  const scope: Scope = { kind: 'function', declared, parent, loops: [], ints: new Set() };
  const c: Context = { t, scope, pre: prologue };
  let rest = false;
  f.parameters.forEach((p, i) => {
    if (p.dotDotDotToken && ts.isIdentifier(p.name)) {
      params.push(`*${t.name(p.name.text)}`);
      declared.add(p.name.text);
      rest = true;
      return;
    }
    const pyName = ts.isIdentifier(p.name) ? t.name(p.name.text) : `_a${i}`;
    params.push(`${pyName}=None`);
    if (ts.isIdentifier(p.name)) declared.add(p.name.text);
    else scopeNames(p).declared.forEach((n) => declared.add(n));
    if (p.initializer) prologue.push(`if ${pyName} is None:`, ...indent([`${pyName} = ${bare(translateExpression(p.initializer, c))}`]));
    if (!ts.isIdentifier(p.name)) prologue.push(...bind(p.name, pyName, c));
  });
  if (!rest) params.push('*_');
  const outer = [...own.assigned].filter((n) => !declared.has(n));
  const nonlocal = outer.filter((n) => enclosingFunctionDeclares(parent, n)).map((n) => t.name(n));
  const global = outer.filter((n) => !enclosingFunctionDeclares(parent, n)).map((n) => t.name(n));
  const lines = [
    ...(global.length ? [`global ${global.join(', ')}`] : []),
    ...(nonlocal.length ? [`nonlocal ${nonlocal.join(', ')}`] : []),
    ...prologue,
    ...(ts.isBlock(body) ? translateStatementList(body.statements, t, scope) : withPre(c, () => `return ${bare(translateExpression(body, c))}`)),
  ];
  return [`def ${name}(${params.join(', ')}):`, ...indent(lines.length ? lines : ['pass'])];
}

function enclosingFunctionDeclares(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.kind === 'function' && s.declared.has(name)) return true;
  return false;
}

/** The lines of a statement built from expressions, with the defs they hoist written first. */
function withPre(c: Context, build: () => string | string[]): string[] {
  const start = c.pre.length;
  const lines = build();
  const hoisted = c.pre.splice(start);
  return [...hoisted, ...(Array.isArray(lines) ? lines : [lines])];
}

function block(s: ts.Statement, t: Translator, scope: Scope): string[] {
  const lines = ts.isBlock(s) ? translateStatementList(s.statements, t, scope) : statement(s, t, scope);
  return indent(lines.length ? lines : ['pass']);
}

/** An assignment written as a statement: `x += 1`, `a[i] = v`, `x = js_or(x, 1)`. */
function assignment(e: ts.Expression, c: Context): string[] | undefined {
  if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e))
    && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)) {
    return [`${translateExpression(e.operand, c)} ${e.operator === ts.SyntaxKind.PlusPlusToken ? '+=' : '-='} 1`];
  }
  if (!ts.isBinaryExpression(e)) return undefined;
  const op = e.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) {
    if (ts.isArrayLiteralExpression(e.left)) {
      const targets = e.left.elements.map((x) => (ts.isOmittedExpression(x) ? '_' : translateExpression(x, c)));
      return [`${targets.join(', ')} = js_items(${bare(translateExpression(e.right, c))}, ${targets.length})`];
    }
    if (ts.isBinaryExpression(e.right) && e.right.operatorToken.kind === ts.SyntaxKind.EqualsToken) { // a = b = 0
      const inner = assignment(e.right, c);
      return inner && [...inner, `${translateExpression(e.left, c)} = ${translateExpression(e.right.left, c)}`];
    }
    return [`${translateExpression(e.left, c)} = ${bare(translateExpression(e.right, c))}`];
  }
  const applied = COMPOUND[op];
  if (applied === undefined) return undefined;
  const left = translateExpression(e.left, c), right = translateExpression(e.right, c);
  const simple: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.PlusToken]: '+=', [ts.SyntaxKind.MinusToken]: '-=', [ts.SyntaxKind.AsteriskToken]: '*=',
    [ts.SyntaxKind.SlashToken]: '/=', [ts.SyntaxKind.AsteriskAsteriskToken]: '**=',
  };
  return simple[applied] ? [`${left} ${simple[applied]} ${bare(right)}`] : [`${left} = ${bare(binary(applied, left, right)!)}`];
}

/** `for (let i = a; i < b; i++)` as a `range`, when the body leaves `i` alone. */
function rangeLoop(s: ts.ForStatement, c: Context): string | undefined {
  const init = s.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return undefined;
  const d = init.declarations[0];
  if (!ts.isIdentifier(d.name) || !d.initializer || !s.condition || !s.incrementor) return undefined;
  const i = d.name.text;
  const cond = s.condition;
  if (!ts.isBinaryExpression(cond) || !ts.isIdentifier(cond.left) || cond.left.text !== i) return undefined;
  const inclusive = cond.operatorToken.kind === ts.SyntaxKind.LessThanEqualsToken;
  if (!inclusive && cond.operatorToken.kind !== ts.SyntaxKind.LessThanToken) return undefined;
  const inc = s.incrementor;
  const plusOne = ((ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === ts.SyntaxKind.PlusPlusToken && ts.isIdentifier(inc.operand) && inc.operand.text === i)
    || (ts.isBinaryExpression(inc) && inc.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken && ts.isIdentifier(inc.left) && inc.left.text === i
      && ts.isNumericLiteral(inc.right) && inc.right.text === '1');
  if (!plusOne || scopeNames(s.statement).assigned.has(i) || closes(s.statement, i)) return undefined;
  const start = bare(translateExpression(d.initializer, c)), stop = bare(translateExpression(cond.right, c));
  c.scope.ints?.add(i);
  const ints = /^-?\d+$/.test(start) && (/^-?\d+$/.test(stop) || /^len\([^()]*\)$/.test(stop)) && !inclusive;
  return ints ? `for ${c.t.name(i)} in range(${start}, ${stop}):` : `for ${c.t.name(i)} in js_range(${start}, ${stop}${inclusive ? ', True' : ''}):`;
}

/** Whether a function inside `node` uses `name` (a closure would see Python's loop variable differently). */
function closes(node: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node, inFunction: boolean): void => {
    if (found) return;
    if (inFunction && ts.isIdentifier(n) && n.text === name) found = true;
    ts.forEachChild(n, (child) => visit(child, inFunction || ts.isFunctionLike(n)));
  };
  visit(node, false);
  return found;
}

function statement(s: ts.Statement, t: Translator, scope: Scope, exportName?: string): string[] {
  const c: Context = { t, scope, pre: [] };
  const expr = (e: ts.Expression): string => translateExpression(e, c);
  if (ts.isFunctionDeclaration(s)) return s.body ? translateFunction(s, t.name(s.name?.text ?? 'loss'), t, scope) : [];
  if (ts.isVariableStatement(s)) {
    return s.declarationList.declarations.flatMap((d) => {
      if (d.initializer && ts.isIdentifier(d.name) && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
        return translateFunction(d.initializer, t.name(d.name.text), t, scope);
      }
      return withPre(c, () => bind(d.name, d.initializer ? expr(d.initializer) : 'None', c));
    });
  }
  if (ts.isExpressionStatement(s)) {
    const e = s.expression;
    if (exportName) {
      return ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? translateFunction(e, exportName, t, scope) : withPre(c, () => `${exportName} = ${bare(expr(e))}`);
    }
    return withPre(c, () => assignment(e, c) ?? bare(expr(e)));
  }
  if (ts.isIfStatement(s)) {
    const lines = withPre(c, () => `if ${bare(expr(s.expression))}:`);
    lines.push(...block(s.thenStatement, t, scope));
    if (s.elseStatement) {
      const rest = ts.isIfStatement(s.elseStatement) ? statement(s.elseStatement, t, scope) : undefined;
      if (rest && rest[0].startsWith('if ')) lines.push(`el${rest[0]}`, ...rest.slice(1));
      else lines.push('else:', ...block(s.elseStatement, t, scope));
    }
    return lines;
  }
  if (ts.isForStatement(s)) {
    const range = withPre(c, () => rangeLoop(s, c) ?? []);
    if (range.length) {
      scope.loops.push({ beforeContinue: [] });
      const body = block(s.statement, t, scope);
      scope.loops.pop();
      return [...range, ...body];
    }
    const init = !s.initializer ? [] : ts.isVariableDeclarationList(s.initializer)
      ? s.initializer.declarations.flatMap((d) => withPre(c, () => bind(d.name, d.initializer ? expr(d.initializer) : 'None', c)))
      : withPre(c, () => assignment(s.initializer as ts.Expression, c) ?? bare(expr(s.initializer as ts.Expression)));
    const update = s.incrementor ? withPre(c, () => assignment(s.incrementor!, c) ?? bare(expr(s.incrementor!))) : [];
    const head = withPre(c, () => `while ${s.condition ? bare(expr(s.condition)) : 'True'}:`);
    scope.loops.push({ beforeContinue: update });
    const body = block(s.statement, t, scope);
    scope.loops.pop();
    return [...init, ...head, ...body, ...indent(update)];
  }
  if (ts.isForOfStatement(s)) {
    const d = ts.isVariableDeclarationList(s.initializer) ? s.initializer.declarations[0]?.name : undefined;
    if (s.awaitModifier || !d) return [t.refuse(s, 'this for…of loop (await, or a target that is not a declaration)')];
    const head = withPre(c, () => {
      const iterable = bare(expr(s.expression));
      if (ts.isIdentifier(d)) return `for ${t.name(d.text)} in ${iterable}:`;
      return `for ${t.fresh('e')} in ${iterable}:`;
    });
    const item = /^for (\S+) in/.exec(head[head.length - 1])![1];
    scope.loops.push({ beforeContinue: [] });
    const body = [...(ts.isIdentifier(d) ? [] : indent(bind(d, item, c))), ...block(s.statement, t, scope)];
    scope.loops.pop();
    return [...head, ...body];
  }
  if (ts.isWhileStatement(s)) {
    const head = withPre(c, () => `while ${bare(expr(s.expression))}:`);
    scope.loops.push({ beforeContinue: [] });
    const body = block(s.statement, t, scope);
    scope.loops.pop();
    return [...head, ...body];
  }
  if (ts.isDoStatement(s)) {
    const test = withPre(c, () => `if not ${expr(s.expression)}:`);
    const exit = [...test, '    break'];
    scope.loops.push({ beforeContinue: exit });
    const body = block(s.statement, t, scope);
    scope.loops.pop();
    return ['while True:', ...body, ...indent(exit)];
  }
  if (ts.isReturnStatement(s)) return withPre(c, () => (s.expression ? `return ${bare(expr(s.expression))}` : 'return None'));
  if (ts.isBreakStatement(s)) return s.label ? [t.refuse(s, 'a labelled break')] : ['break'];
  if (ts.isContinueStatement(s)) {
    if (s.label) return [t.refuse(s, 'a labelled continue')];
    return [...(scope.loops[scope.loops.length - 1]?.beforeContinue ?? []), 'continue'];
  }
  if (ts.isBlock(s)) return translateStatementList(s.statements, t, scope);
  if (ts.isEmptyStatement(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isExportDeclaration(s)) return [];
  if (ts.isThrowStatement(s)) return withPre(c, () => `raise Exception(js_str(${bare(expr(s.expression))}))`);
  if (ts.isImportDeclaration(s)) return [t.refuse(s, 'an import')];
  const what: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.SwitchStatement]: 'a switch statement', [ts.SyntaxKind.TryStatement]: 'a try statement',
    [ts.SyntaxKind.ClassDeclaration]: 'a class', [ts.SyntaxKind.LabeledStatement]: 'a labelled statement',
    [ts.SyntaxKind.ForInStatement]: 'a for…in loop', [ts.SyntaxKind.EnumDeclaration]: 'an enum', [ts.SyntaxKind.ModuleDeclaration]: 'a namespace',
  };
  return [t.refuse(s, what[s.kind] ?? `this statement (${ts.SyntaxKind[s.kind]})`)];
}
