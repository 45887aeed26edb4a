/**
 * The snippet as a TypeScript program: its source file, bound by TypeScript's binder, and a
 * checker that says what each name refers to (bindings.ts).
 */
import ts from 'typescript';

export const SNIPPET_FILE = 'loss.ts';

export interface SnippetProgram {
  readonly file: ts.SourceFile;
  readonly checker: ts.TypeChecker;
}

export function snippetProgram(source: string): SnippetProgram {
  const file = ts.createSourceFile(SNIPPET_FILE, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === SNIPPET_FILE ? file : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === SNIPPET_FILE,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [SNIPPET_FILE], options: { noLib: true, noResolve: true, types: [] }, host });
  return { file, checker: program.getTypeChecker() };
}
