/**
 * What a snippet may not contain (module syntax: the sandbox has no modules), and the constructs
 * no differentiator can follow (a random number, the time), with their positions.
 */
import ts from 'typescript';
import type { SnippetBindings } from './bindings';
import { DIFFERENTIABLE_MATH as DIFF } from './runtime';
import type { GradientInfo, SnippetDiagnostic } from './types';

/** Globals whose values change between calls: a loss that reads them has no derivative. */
const NOT_DIFFERENTIABLE_GLOBALS: ReadonlySet<string> = new Set(['Date', 'performance', 'crypto']);
const MATH_CONSTANTS: ReadonlySet<string> = new Set(['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2']);

export function toDiagnostic(file: ts.SourceFile, start: number, length: number, message: string): SnippetDiagnostic {
  const a = file.getLineAndCharacterOfPosition(start);
  const b = file.getLineAndCharacterOfPosition(start + length);
  return { line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1, message, severity: 'error' };
}

/** Module syntax the sandbox has no use for: imports, `require`, `import()`, `export =`. */
export function findRefused(file: ts.SourceFile): SnippetDiagnostic[] {
  const out: SnippetDiagnostic[] = [];
  const refuse = (node: ts.Node, message: string): void => {
    out.push(toDiagnostic(file, node.getStart(file), node.getWidth(file), message));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) {
      refuse(node, 'a loss snippet cannot import modules: it runs in a sandbox with only Math and the array and number built-ins');
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      refuse(node, 'a loss snippet cannot re-export from modules');
      return;
    }
    if (ts.isExportAssignment(node) && node.isExportEquals) refuse(node, 'use `export default`, not `export =`');
    if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) refuse(node, 'a loss snippet cannot import modules (`import()`)');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') refuse(node, 'a loss snippet cannot `require` modules');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/**
 * The first construct no differentiator can follow (a random number, the time), as finite
 * differences with a reason the user reads ("`Math.random` is not differentiable (line 3)") and
 * its position, or undefined.
 */
export function findNotDifferentiable(file: ts.SourceFile, bindings: SnippetBindings): GradientInfo | undefined {
  let found: GradientInfo | undefined;
  const refuse = (node: ts.Node, what: string): void => {
    const at = file.getLineAndCharacterOfPosition(node.getStart(file));
    found = { mode: 'finite-differences', reason: `\`${what}\` is not differentiable (line ${at.line + 1})`, line: at.line + 1, column: at.character + 1 };
  };
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Math'
      && ts.isIdentifier(node.name) && bindings.isBuiltin(node.expression)) {
      const m = node.name.text;
      // imul and clz32 are integer functions (derivative 0), which the tape gets by coercion.
      if (!MATH_CONSTANTS.has(m) && !DIFF.has(m) && m !== 'imul' && m !== 'clz32') {
        refuse(node, `Math.${m}`);
        return;
      }
    }
    if (ts.isIdentifier(node) && NOT_DIFFERENTIABLE_GLOBALS.has(node.text) && !isDeclarationName(node)
      && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && bindings.isBuiltin(node)) {
      refuse(node, node.text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)
    || ts.isPropertyAssignment(p)) && (p as { name?: ts.Node }).name === node;
}

