/**
 * Forward mode's activity analysis (forward.ts): which of the loss's locals depend on the params
 * and so carry tangents — a local is active when something active is ever assigned to it.
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { fail } from './forwardRules';

/** Compound assignments and the operator they apply. */
export const COMPOUND: ReadonlyMap<ts.SyntaxKind, ts.SyntaxKind> = new Map([
  [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.PlusToken], [ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.MinusToken],
  [ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.AsteriskToken], [ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.SlashToken],
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.AsteriskAsteriskToken],
]);

export class Activity {
  /** isActive per node, once the analysis has fixed `active`. */
  private readonly memo = new Map<ts.Node, boolean>();

  /**
   * `active`: the params' names to start from, completed by `analyse`; `paramArray`: the params
   * array's name, when the loss takes `p: number[]`.
   */
  constructor(private readonly active: Set<string>, private readonly paramArray: string | undefined,
    private readonly bindings: SnippetBindings) {}

  /**
   * Marks the active locals: from the params, along every assignment (target ← names its value
   * reads), to a fixed point by a work list — linear in the size of the loss. Assignments of
   * active values to names the loss does not declare (module-level state) are outside the subset.
   */
  analyse(fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction): void {
    const flows = new Map<string, Set<string>>();  // name → the names assigned from it
    const mustStayInactive: ts.Node[] = [];
    const outerTargets: string[] = [];
    const flow = (from: ts.Node, to: string): void => {
      this.reads(from, (name) => {
        let targets = flows.get(name);
        if (!targets) flows.set(name, targets = new Set());
        targets.add(to);
      });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) fail();
      if (ts.isVariableDeclaration(node) && node.initializer) {
        if (ts.isIdentifier(node.name)) flow(node.initializer, node.name.text);
        else mustStayInactive.push(node.initializer);
      }
      if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(node.operatorToken.kind))) {
        if (!ts.isIdentifier(node.left)) fail();
        const target = node.left as ts.Identifier;
        flow(node.right, target.text);
        if (!this.bindings.isDeclaredIn(target, fn)) outerTargets.push(target.text);
      }
      if (ts.isForOfStatement(node)) {
        const decl = node.initializer;
        if (!ts.isVariableDeclarationList(decl) || decl.declarations.length !== 1) fail();
        const target = (decl as ts.VariableDeclarationList).declarations[0].name;
        if (ts.isIdentifier(target)) flow(node.expression, target.text);
        else mustStayInactive.push(node.expression);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(fn.body as ts.Node, visit);
    const work = [...this.active, ...(this.paramArray !== undefined ? [this.paramArray] : [])];
    while (work.length > 0) {
      for (const to of flows.get(work.pop() as string) ?? []) {
        if (!this.active.has(to)) { this.active.add(to); work.push(to); }
      }
    }
    if (outerTargets.some((name) => this.active.has(name))) fail();
    if (mustStayInactive.some((e) => this.isActive(e))) fail();
  }

  /** The names `e` reads, as isActive sees them. */
  private reads(e: ts.Node, found: (name: string) => void): void {
    if (ts.isIdentifier(e)) { found(e.text); return; }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') return;
    ts.forEachChild(e, (c) => this.reads(c, found));
  }

  /** Whether `e` depends on the params (after the analysis). */
  isActive(e: ts.Node): boolean {
    const known = this.memo.get(e);
    if (known !== undefined) return known;
    let result: boolean;
    if (ts.isIdentifier(e)) result = this.active.has(e.text) || e.text === this.paramArray;
    else if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') result = false;
    else {
      result = false;
      ts.forEachChild(e, (c) => { if (!result && this.isActive(c)) result = true; });
    }
    this.memo.set(e, result);
    return result;
  }
}
