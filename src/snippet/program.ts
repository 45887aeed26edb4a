/**
 * The snippet as a TypeScript program: its source file with the ES library's declarations (no DOM,
 * no Node: what the sandbox gives a loss), type-checked by TypeScript's checker, whose binder also
 * says what each name refers to (bindings.ts).
 *
 * The library's files are parsed once per process and shared by every program (each compile
 * makes a new program from the previous one, reusing them): a compile parses and checks the
 * snippet alone. They are read from `lib/` beside the bundle (scripts/build.mjs copies them into
 * dist/lib: the compiler may only read the extension's own folder), or from the typescript
 * package when running from the sources.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const SNIPPET_FILE = 'loss.ts';

/** The library a snippet is checked against: ES2023, which the sandbox's Node runs (no DOM, no Node APIs). */
const LIB = 'lib.es2023.d.ts';

/** How a snippet is checked and compiled: CommonJS for the sandbox's module wrapper, with a source map. */
export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  lib: [LIB],
  types: [],
  noResolve: true,
  strict: false,
  sourceMap: true,
  removeComments: false,
  esModuleInterop: false,
  importHelpers: false,
  isolatedModules: true,
  skipLibCheck: true,
};

export interface SnippetProgram {
  readonly file: ts.SourceFile;
  readonly checker: ts.TypeChecker;
  /** The snippet's syntax errors. */
  syntaxErrors(): readonly ts.Diagnostic[];
  /** The snippet's type errors (TypeScript's checker). */
  typeErrors(): readonly ts.Diagnostic[];
  /** The snippet as a CommonJS module, and its source map. */
  emit(): { readonly js: string; readonly map: string };
}

/** Where the library's .d.ts files are: dist/lib beside the bundle, else the typescript package. */
function libDirectory(): string {
  const candidates = [
    path.join(__dirname, 'lib'),
    path.join(__dirname, '..', '..', '..', 'node_modules', 'typescript', 'lib'),
    path.join(__dirname, '..', 'node_modules', 'typescript', 'lib'),
  ];
  const found = candidates.find((c) => existsSync(path.join(c, LIB)));
  if (!found) throw new Error(`TypeScript's library declarations are missing (looked for ${LIB} in ${candidates.join(', ')})`);
  return found;
}

/**
 * How the library's files are parsed: their JSDoc comments are skipped (types in a .d.ts come from
 * its declarations, never from JSDoc, so the checker's answers are the same), which halves the
 * parsing that dominates a process's first compile.
 */
const LIB_PARSE: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

let libDir: string | undefined;
const libFiles = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

function libFile(name: string): ts.SourceFile | undefined {
  if (!libFiles.has(name)) {
    libDir ??= libDirectory();
    const file = path.join(libDir, path.basename(name));
    libFiles.set(name, existsSync(file)
      ? ts.createSourceFile(name, readFileSync(file, 'utf8'), LIB_PARSE, false) : undefined);
  }
  return libFiles.get(name);
}

export function snippetProgram(source: string): SnippetProgram {
  const file = ts.createSourceFile(SNIPPET_FILE, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  libDir ??= libDirectory();
  const lib = (name: string): string => path.join(libDir as string, path.basename(name));
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === SNIPPET_FILE ? file : libFile(name)),
    getDefaultLibFileName: () => lib(LIB),
    getDefaultLibLocation: () => libDir as string,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === SNIPPET_FILE || libFile(name) !== undefined,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [SNIPPET_FILE], options: COMPILER_OPTIONS, host, oldProgram: previous });
  previous = program;
  const checker = program.getTypeChecker();
  return {
    file, checker,
    syntaxErrors: () => program.getSyntacticDiagnostics(file),
    typeErrors: () => program.getSemanticDiagnostics(file),
    emit: () => {
      let js = '', map = '';
      program.emit(file, (name, text) => { if (name.endsWith('.map')) map = text; else js = text; });
      return { js, map };
    },
  };
}
