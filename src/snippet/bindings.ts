/**
 * What the snippet's names refer to, and the namespace of the code the differentiators generate.
 *
 * The generated code (the fast paths' gradient functions, the tape's operations) lives in the same
 * module as the snippet, so its names must never meet the snippet's: every generated name starts
 * with a prefix that no identifier of the snippet contains (`$ad`, lengthened until that holds).
 * The snippet's own names in generated code mean what they mean in the snippet, because the
 * generated code is compiled with the snippet as one module (exports included); whether a name
 * is a built-in (`Math`) or one the snippet declares is TypeScript's binder's answer.
 */
import ts from 'typescript';

export interface SnippetBindings {
  /** Prefix of every generated name: no identifier of the snippet contains it. */
  readonly ns: string;
  /** Whether `id` refers to a built-in global (`Math`, `Number`, `undefined`, …), not to a value the snippet declares. */
  isBuiltin(id: ts.Identifier): boolean;
  /** Whether `id` refers to a binding declared inside `scope` (a local of a function, say). */
  isDeclaredIn(id: ts.Identifier, scope: ts.Node): boolean;
}

export function snippetBindings(file: ts.SourceFile, checker: ts.TypeChecker): SnippetBindings {
  const ns = freshNamespace(file);
  return {
    ns,
    isBuiltin(id: ts.Identifier): boolean {
      const symbol = checker.getSymbolAtLocation(id);
      if (!symbol) return true;
      // Declarations in the snippet that emit a value shadow the global; `declare` and types do not.
      return !(symbol.declarations ?? []).some((d) => d.getSourceFile() === file && !isAmbient(d)
        && (symbol.flags & ts.SymbolFlags.Value) !== 0);
    },
    isDeclaredIn(id: ts.Identifier, scope: ts.Node): boolean {
      const symbol = checker.getSymbolAtLocation(id);
      return (symbol?.declarations ?? []).some((d) => d.getSourceFile() === file && d.pos >= scope.pos && d.end <= scope.end);
    },
  };
}

/** Whether `d` emits nothing (`declare const x: number`, or inside `declare namespace`). */
function isAmbient(d: ts.Declaration): boolean {
  for (let n: ts.Node | undefined = d; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
  }
  return false;
}

/** `$ad`, followed by as many `$` as it takes for no identifier of `file` to contain it. */
function freshNamespace(file: ts.SourceFile): string {
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.push(node.text);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  const all = names.join('\n');
  let ns = '$ad';
  while (all.includes(ns)) ns += '$';
  return ns;
}

/**
 * Whether the identifier ending at a position of `file` is a built-in (`Math`, `Number`), for
 * the tape's transformer, which sees its own parse of the same text.
 */
export function builtinSites(file: ts.SourceFile, bindings: SnippetBindings): (end: number) => boolean {
  const sites = new Map<number, ts.Identifier>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) { if (node.text === 'Math' || node.text === 'Number') sites.set(node.end, node); }
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return (end) => {
    const id = sites.get(end);
    return id !== undefined && bindings.isBuiltin(id);
  };
}
