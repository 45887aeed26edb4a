/**
 * The snippet's exports (DESIGN.md "Loss snippets"): which names it exports, the function that
 * defines its loss (`export default`, else `loss`), and what its declarations say about the
 * parameter count.
 */
import ts from 'typescript';

export interface Exports { names: Set<string>; lossNode?: ts.Node }

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** Exported names, and the node that defines the loss (`default`, else `loss`). */
export function findExports(file: ts.SourceFile): Exports {
  const names = new Set<string>();
  const defs = new Map<string, ts.Node>();
  for (const st of file.statements) {
    if (!hasModifier(st, ts.SyntaxKind.ExportKeyword)) {
      if (ts.isExportAssignment(st) && !st.isExportEquals) { names.add('default'); defs.set('default', st.expression); }
      if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) {
          names.add(el.name.text);
          defs.set(el.name.text, el.propertyName ?? el.name);
        }
      }
      continue;
    }
    const isDefault = hasModifier(st, ts.SyntaxKind.DefaultKeyword);
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) {
      const name = isDefault ? 'default' : st.name?.text;
      if (name) { names.add(name); defs.set(name, st); }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) { names.add(d.name.text); if (d.initializer) defs.set(d.name.text, d.initializer); }
      }
    }
  }
  return { names, lossNode: defs.get('default') ?? defs.get('loss') };
}

export function isFunctionLike(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node);
}

/** Follows `export default loss` / `export { f as loss }` to the function declaration. */
export function resolveFunction(file: ts.SourceFile, node: ts.Node): ts.Node {
  if (!ts.isIdentifier(node)) return node;
  const name = node.text;
  for (const st of file.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) return st;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
      }
    }
  }
  return node;
}

export function paramCountOf(node: ts.Node): number | undefined {
  if (!(ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node))) return undefined;
  const first = node.parameters[0];
  if (!first || !ts.isArrayBindingPattern(first.name)) return undefined;
  if (first.name.elements.some((e) => ts.isBindingElement(e) && e.dotDotDotToken)) return undefined;
  return first.name.elements.length;
}

/** The length of `export const init = [ … ]` when it is an array literal. */
export function staticInitLength(file: ts.SourceFile): number | undefined {
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st) || !hasModifier(st, ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === 'init' && d.initializer && ts.isArrayLiteralExpression(d.initializer)
        && !d.initializer.elements.some(ts.isSpreadElement)) return d.initializer.elements.length;
    }
  }
  return undefined;
}
