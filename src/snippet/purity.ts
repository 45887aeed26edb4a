/**
 * State a loss keeps from one evaluation to the next. The differentiators compute on values that
 * live for one evaluation only (the tape is reset before each, its node objects reused), so a
 * value a loss stores outside itself — a module-level cache `memo = x * 2`, `history.push(y)` —
 * is invalid in the next evaluation: reading it gives another node's value and gradient. There is
 * no sound derivative to follow there (the function changes from call to call), so compile.ts
 * sends such a snippet to central differences with this reason and line, as for other code the
 * differentiator cannot follow.
 *
 * What counts: inside code that runs during an evaluation — the loss, and the module-level
 * functions and closures it reaches by name — a write to a binding declared outside that code
 * (at module level, or in the factory that made a closure): an assignment `v = …` / `v.f = …` / `v[i] op= …` whose value is not a literal,
 * or a call to a mutating method on it (`push`, `unshift`, `splice`, `set`, `add`, `fill`,
 * `copyWithin`, `Object.assign(v, …)`). Counters (`calls++`, `calls += 1`) and flags set to
 * literals stay allowed: they hold plain numbers, never values of the tape. Module-level code
 * (building `data` with a seeded generator) runs once at load, not during evaluations, and is
 * not looked at.
 */
import ts from 'typescript';

const MUTATORS: ReadonlySet<string> = new Set(['push', 'unshift', 'splice', 'set', 'add', 'fill', 'copyWithin']);

/** Names bound by a binding name (identifier or destructuring pattern). */
function boundNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) { out.add(name.text); return; }
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundNames(el.name, out);
}

/** Names declared directly in a list of statements (not in nested blocks, except `var`s). */
function declaredIn(statements: readonly ts.Statement[], out: Set<string>): void {
  for (const st of statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) boundNames(d.name, out);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) out.add(st.name.text);
  }
}

/** `var` declarations anywhere in a function body (they are function-scoped), not in nested functions. */
function varsIn(body: ts.Node, out: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
      for (const d of n.declarations) boundNames(d.name, out);
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
}

/**
 * Whether `name` at `site` refers to something declared between `site` and `root` (inclusive;
 * the module level when `root` is undefined).
 */
function isLocal(site: ts.Node, name: string, root?: ts.Node): boolean {
  for (let n: ts.Node | undefined = site.parent; n && !ts.isSourceFile(n); n = n.parent) {
    const names = new Set<string>();
    if (ts.isBlock(n) || ts.isModuleBlock(n)) declaredIn(n.statements, names);
    else if (ts.isCaseBlock(n)) for (const c of n.clauses) declaredIn(c.statements, names);
    else if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n))
      && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
      for (const d of n.initializer.declarations) boundNames(d.name, names);
    } else if (ts.isCatchClause(n) && n.variableDeclaration) boundNames(n.variableDeclaration.name, names);
    else if (ts.isFunctionLike(n)) {
      for (const p of n.parameters) boundNames(p.name, names);
      if ((ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n)) && n.name) names.add(n.name.text);
      if ('body' in n && n.body) varsIn(n.body as ts.Node, names);
    }
    if (names.has(name)) return true;
    if (n === root) return false;
  }
  return false;
}

/** The identifier an access chain starts from: `a` for `a`, `a.b`, `a[i].c`, `(a as T).b`. */
function rootOf(e: ts.Expression): ts.Identifier | undefined {
  for (;;) {
    if (ts.isIdentifier(e)) return e;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isParenthesizedExpression(e)
      || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) {
      e = e.expression;
    } else return undefined;
  }
}

function isLiteral(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) return isLiteral(e.operand);
  return ts.isNumericLiteral(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)
    || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword
    || (ts.isIdentifier(e) && (e.text === 'undefined' || e.text === 'Infinity' || e.text === 'NaN'));
}

const ASSIGNMENTS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.PercentEqualsToken, ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * The first place where code that runs during an evaluation (starting from `loss`) stores a value
 * in module-level state, as a reason the user reads, or undefined.
 */
export function findKeptState(file: ts.SourceFile, loss: ts.Node | undefined): string | undefined {
  if (!loss) return undefined;
  const topLevel = new Map<string, ts.Node>();
  for (const st of file.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const names = new Set<string>();
        boundNames(d.name, names);
        for (const n of names) topLevel.set(n, d);
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) topLevel.set(st.name.text, st);
  }

  // The code an evaluation may run: the loss, and what it reaches by name (functions, and the
  // closures inside module-level initializers and the factories that made them).
  const reached: ts.Node[] = [];
  const seen = new Set<ts.Node>();
  const reach = (n: ts.Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    reached.push(n);
  };
  const closuresIn = (n: ts.Node): void => {
    const visit = (c: ts.Node): void => { if (ts.isFunctionLike(c) || ts.isClassLike(c)) reach(c); else ts.forEachChild(c, visit); };
    ts.forEachChild(n, visit);
  };
  const reachName = (name: string): void => {
    const decl = topLevel.get(name);
    if (!decl || seen.has(decl)) return;
    if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) { reach(decl); return; }
    seen.add(decl);
    const init = ts.isVariableDeclaration(decl) ? decl.initializer : undefined;
    if (!init) return;
    if (ts.isFunctionLike(init) || ts.isClassLike(init)) { reach(init); return; }
    closuresIn(init);
    // `const f = make(…)`: the closures `make` returns run during evaluations.
    let callee: ts.Expression | undefined = ts.isCallExpression(init) ? init.expression : undefined;
    while (callee && ts.isParenthesizedExpression(callee)) callee = callee.expression;
    if (callee && ts.isIdentifier(callee)) {
      const made = topLevel.get(callee.text);
      const fn = made && ts.isFunctionDeclaration(made) ? made
        : made && ts.isVariableDeclaration(made) && made.initializer && ts.isFunctionLike(made.initializer) ? made.initializer : undefined;
      if (fn) returnedClosures(fn);
    }
  };
  /**
   * The closures a factory returns (`return (v) => …`, `return { f() {…} }`, `return inner`), not
   * those it only uses while it runs (a data generator's helpers run at load, once).
   */
  const returnedClosures = (fn: ts.Node): void => {
    const body = (fn as { body?: ts.Node }).body;
    if (!body) return;
    if (!ts.isBlock(body)) { closuresIn(fn); return; }  // `() => (v) => …`: the expression is what it returns
    const locals = new Map<string, ts.Node>();
    const returned: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) || ts.isClassLike(n)) {
        if (ts.isFunctionDeclaration(n) && n.name) locals.set(n.name.text, n);
        return;
      }
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) locals.set(n.name.text, n.initializer);
      if (ts.isReturnStatement(n) && n.expression) returned.push(n.expression);
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    const take = (e: ts.Node): void => {
      if (ts.isFunctionLike(e) || ts.isClassLike(e)) { reach(e); return; }
      if (ts.isIdentifier(e)) {
        const local = locals.get(e.text);
        if (local && (ts.isFunctionLike(local) || ts.isClassLike(local))) reach(local);
        return;
      }
      ts.forEachChild(e, take);
    };
    for (const e of returned) take(e);
  };
  reach(loss);

  const at = (node: ts.Node): string => `line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
  const kept = (root: ts.Identifier, node: ts.Node): string =>
    `the loss keeps \`${root.text}\` from one evaluation to the next (${at(node)}): a value computed from the params does not `
    + 'carry over to another evaluation — compute it inside the loss, or at module level from data only';

  for (let k = 0; k < reached.length; k++) {
    const root = reached[k];
    /** A binding that outlives one run of `root`: the module's, or a factory's that made `root`. */
    const outlives = (id: ts.Identifier): boolean => !isLocal(id, id.text, root);
    let reason: string | undefined;
    const visit = (n: ts.Node): void => {
      if (reason) return;
      if (ts.isIdentifier(n) && topLevel.has(n.text) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)
        && !isLocal(n, n.text)) reachName(n.text);
      if (ts.isBinaryExpression(n) && ASSIGNMENTS.has(n.operatorToken.kind) && !isLiteral(n.right)) {
        const targets: ts.Identifier[] = [];
        if (ts.isArrayLiteralExpression(n.left) || ts.isObjectLiteralExpression(n.left)) {
          const collect = (e: ts.Node): void => { if (ts.isIdentifier(e)) targets.push(e); else ts.forEachChild(e, collect); };
          collect(n.left);
        } else {
          const target = rootOf(n.left);
          if (target) targets.push(target);
        }
        const hit = targets.find(outlives);
        if (hit) { reason = kept(hit, n); return; }
      }
      if (ts.isCallExpression(n) && n.arguments.length > 0) {
        const callee = n.expression;
        if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) {
          const target = rootOf(callee.expression);
          if (target && outlives(target) && !n.arguments.every(isLiteral)) { reason = kept(target, n); return; }
        }
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object'
          && callee.name.text === 'assign') {
          const target = rootOf(n.arguments[0]);
          if (target && outlives(target)) { reason = kept(target, n); return; }
        }
      }
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(root, visit);
    if (reason) return reason;
  }
  return undefined;
}
