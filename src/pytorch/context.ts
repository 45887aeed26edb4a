/**
 * The translator's shared state (names, reports, fresh names) and scope analysis, used by the
 * statement and expression translators.
 */
import ts from 'typescript';
import { PRELUDE_NAMES } from './prelude';

/** Something the translator could not write in Python, and where it is (1-based). */
export interface Untranslated {
  readonly construct: string;
  readonly line: number;
  readonly column: number;
}

const PYTHON_KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for from '
  + 'global if import in is lambda nonlocal not or pass raise return try while with yield print len range int float list str dict '
  + 'abs min max sum any all iter next map filter zip enumerate round type object super self').split(' '));

/** The translator's state for one snippet. */
export class Translator {
  readonly untranslated: Untranslated[] = [];
  private readonly names = new Map<string, string>();
  private counter = 0;
  /** Every name the snippet declares, in any scope. */
  private readonly declared = new Set<string>();

  constructor(readonly source: ts.SourceFile) {
    const visit = (n: ts.Node): void => {
      if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n) || ts.isFunctionDeclaration(n)) && n.name && ts.isIdentifier(n.name)) {
        this.declared.add(n.name.text);
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }

  /** Whether the snippet declares `id` somewhere (an unknown global cannot be called in Python). */
  knows(id: string): boolean {
    return this.declared.has(id);
  }

  /** A report and the Python that raises in its place. */
  refuse(node: ts.Node, construct: string): string {
    const { line, character } = this.source.getLineAndCharacterOfPosition(node.getStart(this.source));
    this.untranslated.push({ construct, line: line + 1, column: character + 1 });
    return `js_untranslated(${JSON.stringify(`${construct} at line ${line + 1}, column ${character + 1}`)})`;
  }

  /** The Python name of a snippet identifier: itself, unless Python or the prelude uses it. */
  name(id: string): string {
    let out = this.names.get(id);
    if (out === undefined) {
      out = id.replace(/\$/g, '_S');
      while (PYTHON_KEYWORDS.has(out) || PRELUDE_NAMES.has(out) || out.startsWith('js_')) out = `${out}_`;
      this.names.set(id, out);
    }
    return out;
  }

  /** A fresh name for generated helpers (`_f1`, `_e1`). */
  fresh(prefix: string): string {
    return `_${prefix}${++this.counter}`;
  }
}

/** Indents Python lines. */
export const indent = (lines: readonly string[], by = '    '): string[] => lines.map((l) => (l === '' ? l : by + l));

/** Names declared directly in a function body or the module (not in nested functions), and names assigned there. */
export function scopeNames(body: ts.Node): { declared: Set<string>; assigned: Set<string> } {
  const declared = new Set<string>(), assigned = new Set<string>();
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) declared.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  const target = (e: ts.Expression): void => {
    if (ts.isIdentifier(e)) assigned.add(e.text);
    else if (ts.isArrayLiteralExpression(e)) e.elements.forEach(target);
    else if (ts.isParenthesizedExpression(e)) target(e.expression);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n)) bind(n.name);
    if (ts.isFunctionDeclaration(n) && n.name) { declared.add(n.name.text); return; }
    if (ts.isFunctionLike(n)) return; // a nested function has its own scope
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target(n.left);
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n))
      && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) target(n.operand);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return { declared, assigned };
}

/** A loop being translated: what `continue` must run first (a `for` loop's update, a `do…while`'s test). */
export interface Loop {
  readonly beforeContinue: readonly string[];
}

/** A function (or the module) being translated: the names it declares itself, and its enclosing scope. */
export interface Scope {
  readonly kind: 'module' | 'function';
  readonly declared: ReadonlySet<string>;
  readonly parent: Scope | undefined;
  readonly loops: Loop[];
  /** Loop variables known to hold Python ints (a `range` loop), which index lists as they are. */
  readonly ints?: Set<string>;
}
