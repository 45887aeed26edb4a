/**
 * TypeScript loss snippets → Python over torch tensors, for the PyTorch export.
 *
 * The snippet is parsed with the TypeScript compiler and written again statement by statement:
 * arithmetic, `Math.*`, comparisons, ternaries, if/else, loops (for, for…of, while, do…while),
 * helper functions and arrow functions (closures get `nonlocal`), arrays, object literals and
 * embedded data, the 32-bit integer operators of seeded generators (`| 0`, `>>>`, `^`,
 * `Math.imul`). JavaScript's semantics are kept where Python's differ, through the helpers of the
 * script's prelude (`prelude.ts`): `%` keeps the dividend's sign, bitwise operators work on int32,
 * destructuring takes the first elements, a function may be called with fewer or more arguments.
 *
 * What cannot be translated is reported with its line and column and written as a call that
 * raises `NotImplementedError` naming it, so the rest of the script is still there to read and run.
 */
import ts from 'typescript';
import { scopeNames, Translator, type Scope, type Untranslated } from './context';
import { translateStatementList } from './statements';

export type { Untranslated } from './context';

export interface Translation {
  /** Python statements at module level, defining `loss` (and the snippet's other names). */
  readonly python: string;
  /** The Python name of the exported loss, and of the snippet's `init` and `data` exports when it has them. */
  readonly exports: { readonly loss?: string; readonly init?: string; readonly data?: string };
  readonly untranslated: readonly Untranslated[];
}

/**
 * Translates a TypeScript loss snippet. Never throws on the snippet's content: what it cannot
 * write is in `untranslated`.
 */
export function translateSnippet(text: string): Translation {
  const source = ts.createSourceFile('loss.ts', text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const t = new Translator(source);
  const { declared } = scopeNames(source);
  const module: Scope = { kind: 'module', declared, parent: undefined, loops: [], ints: new Set() };
  const functions: string[] = [], rest: string[] = [];
  const exports: { loss?: string; init?: string; data?: string } = {};
  const syntax = (source as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  for (const d of syntax.slice(0, 5)) {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    t.untranslated.push({ construct: `a syntax error (${ts.flattenDiagnosticMessageText(d.messageText, ' ')})`, line: line + 1, column: character + 1 });
  }
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isFunctionDeclaration(statement)) {
      const name = statement.name ? t.name(statement.name.text) : 'loss';
      if (statement.body) functions.push(...translateStatementList([statement], t, module), '');
      if ((isDefault || (exported && statement.name?.text === 'loss')) && statement.body) exports.loss = name;
      continue;
    }
    if (ts.isExportAssignment(statement)) { // export default <expression>
      rest.push(...translateStatementList([ts.factory.createExpressionStatement(statement.expression)], t, module, 'loss'));
      exports.loss = 'loss';
      continue;
    }
    if (exported && ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        if (d.name.text === 'loss') exports.loss = t.name('loss');
        if (d.name.text === 'init') exports.init = t.name('init');
        if (d.name.text === 'data') exports.data = t.name('data');
      }
    }
    rest.push(...translateStatementList([statement], t, module));
  }
  const python = [...functions, ...rest].join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { python, exports, untranslated: t.untranslated };
}
