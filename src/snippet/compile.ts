/**
 * Compiling a TypeScript loss snippet: syntax diagnostics with the snippet's line and column, the
 * contract on exports (DESIGN.md "Loss snippets"), the constructs the sandbox refuses (modules),
 * the constructs the differentiator cannot follow (which send the gradient to finite differences,
 * with the reason and the line), and the two emitted modules: plain and differentiated.
 *
 * Runs in the compiler worker (compiler.ts, compilerWorker.ts), never on the extension host's or
 * the CLI's main thread; no user code runs here. The sandbox worker only receives the emitted JavaScript.
 */
import ts from 'typescript';
import { snippetBindings, type SnippetBindings } from './bindings';
import { differentiateTransformer } from './differentiate';
import { forwardGradient } from './forward';
import { SNIPPET_FILE as FILE, snippetProgram } from './program';
import { DIFFERENTIABLE_MATH as DIFF, opName } from './runtime';
import { straightLineGradient } from './straightline';
import type { CompiledSnippet, GradientInfo, LossError, SnippetDiagnostic } from './types';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  sourceMap: true,
  strict: false,
  removeComments: false,
  esModuleInterop: false,
  importHelpers: false,
  noEmitHelpers: false,
  isolatedModules: true,
};

/** Globals whose values change between calls: a loss that reads them has no derivative. */
const NOT_DIFFERENTIABLE_GLOBALS: ReadonlySet<string> = new Set(['Date', 'performance', 'crypto']);
const MATH_CONSTANTS: ReadonlySet<string> = new Set(['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2']);

export interface CompileOptions {
  /** Use the straight-line and forward-mode differentiators where they apply (default true); false: the tape only. */
  readonly fastPaths?: boolean;
}

const MISSING_LOSS = 'the snippet exports no loss function: add `export default function loss(p: number[]) {…}`';

/**
 * Compiles `source`. Returns the plain module, the differentiated module when the differentiator
 * can follow the code, what is known about the gradient, the exports, and the parameter count
 * when the loss destructures its parameters; or a LossError ('compile' with diagnostics, or
 * 'exports').
 */
export function compileSnippet(source: string, options: CompileOptions = {}): CompiledSnippet | { ok: false; error: LossError } {
  try {
    return compile(source, options);
  } catch (e) {
    if (!(e instanceof RangeError) || !/call stack/.test(e.message)) throw e;
    // TypeScript's emitter (and the differentiators) recurse once per level of nesting.
    const file = ts.createSourceFile(FILE, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const { node, depth } = deepest(file);
    const d = toDiagnostic(file, node.getStart(file), node.getWidth(file),
      `this statement nests ${depth} levels deep, too deep to compile: split it into several statements (\`s += …;\`)`);
    return { ok: false, error: { kind: 'compile', message: summary([d]), diagnostics: [d] } };
  }
}

/** The statement holding the most deeply nested node, and that node's depth (without recursion). */
function deepest(file: ts.SourceFile): { node: ts.Node; depth: number } {
  let best: { node: ts.Node; depth: number } = { node: file, depth: 0 };
  const stack: [ts.Node, number, ts.Node][] = [[file, 0, file]];
  while (stack.length > 0) {
    const [node, depth, statement] = stack.pop() as [ts.Node, number, ts.Node];
    if (depth > best.depth) best = { node: statement, depth };
    ts.forEachChild(node, (child) => { stack.push([child, depth + 1, ts.isStatement(child) ? child : statement]); });
  }
  return best;
}

function compile(source: string, options: CompileOptions): CompiledSnippet | { ok: false; error: LossError } {
  const { file, checker } = snippetProgram(source);
  const plain = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: FILE, reportDiagnostics: true });
  const syntax = (plain.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax.length > 0) {
    const diagnostics = syntax.map((d) => toDiagnostic(file, d.start ?? 0, d.length ?? 0, ts.flattenDiagnosticMessageText(d.messageText, '\n')));
    return { ok: false, error: { kind: 'compile', message: summary(diagnostics), diagnostics } };
  }

  const refused = findRefused(file);
  if (refused.length > 0) return { ok: false, error: { kind: 'compile', message: summary(refused), diagnostics: refused } };

  const exported = findExports(file);
  if (!exported.names.has('default') && !exported.names.has('loss')) {
    return { ok: false, error: { kind: 'exports', message: MISSING_LOSS } };
  }
  const notFunction = exported.lossNode && !isFunctionLike(exported.lossNode) && !ts.isIdentifier(exported.lossNode)
    ? exported.lossNode : undefined;
  if (notFunction) {
    const pos = file.getLineAndCharacterOfPosition(notFunction.getStart(file));
    return { ok: false, error: { kind: 'exports', message: `the snippet's loss export (line ${pos.line + 1}) is not a function: ${MISSING_LOSS.slice(MISSING_LOSS.indexOf('add'))}` } };
  }

  const bindings = snippetBindings(file, checker);
  let gradient: GradientInfo;
  let adJs: string | undefined, adMappings: string | undefined, fastPath: CompiledSnippet['fastPath'];
  if (exported.names.has('grad')) {
    gradient = { mode: 'user' };
  } else {
    const lossFn = exported.lossNode ? resolveFunction(file, exported.lossNode) : undefined;
    const notDifferentiable = findNotDifferentiable(file, bindings);
    if (notDifferentiable) {
      gradient = notDifferentiable;
    } else {
      // The differentiated module: the snippet on the tape, then (when one applies) a fast path's
      // gradient, registered with the runtime. Compiled as one module, so that the fast path
      // reads the snippet's bindings as the snippet does (`exports.data` for `export const data`).
      let registration = '';
      if (options.fastPaths !== false) {
        const straight = straightLineGradient(lossFn, bindings);
        const dim = straight ? undefined : paramCountOf(lossFn ?? file) ?? staticInitLength(file);
        const forward = straight ? undefined : forwardGradient(lossFn, dim, file, bindings);
        if (straight) { registration = `${opName(bindings.ns, '__fast')}(${straight});`; fastPath = 'straight-line'; }
        else if (forward) { registration = `${opName(bindings.ns, '__fwd')}(${forward}, ${dim});`; fastPath = 'forward'; }
      }
      const ad = ts.transpileModule(registration ? `${source}\n;${registration}\n` : source, {
        compilerOptions: COMPILER_OPTIONS, fileName: FILE,
        transformers: { before: [differentiateTransformer({ ns: bindings.ns, builtinAt: builtinSites(file, bindings), userEnd: source.length })] },
      });
      adJs = stripMapComment(ad.outputText);
      adMappings = mappingsOf(ad.sourceMapText);
      gradient = { mode: 'autodiff' };
    }
  }
  return {
    ok: true, source,
    js: stripMapComment(plain.outputText), jsMappings: mappingsOf(plain.sourceMapText),
    adJs, adMappings, gradient, namespace: bindings.ns, ...(fastPath ? { fastPath } : {}),
    exports: [...exported.names],
    paramCount: exported.lossNode ? paramCountOf(resolveFunction(file, exported.lossNode)) : undefined,
  };
}

function summary(diagnostics: readonly SnippetDiagnostic[]): string {
  const first = diagnostics[0];
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return `the loss does not compile: line ${first.line}, column ${first.column}: ${first.message}${more}`;
}

function toDiagnostic(file: ts.SourceFile, start: number, length: number, message: string): SnippetDiagnostic {
  const a = file.getLineAndCharacterOfPosition(start);
  const b = file.getLineAndCharacterOfPosition(start + length);
  return { line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1, message, severity: 'error' };
}

function stripMapComment(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

function mappingsOf(sourceMapText: string | undefined): string {
  if (!sourceMapText) return '';
  try { return String((JSON.parse(sourceMapText) as { mappings?: unknown }).mappings ?? ''); } catch { return ''; }
}

/** Module syntax the sandbox has no use for: imports, `require`, `import()`, `export =`. */
function findRefused(file: ts.SourceFile): SnippetDiagnostic[] {
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

interface Exports { names: Set<string>; lossNode?: ts.Node }

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** Exported names, and the node that defines the loss (`default`, else `loss`). */
function findExports(file: ts.SourceFile): Exports {
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

function isFunctionLike(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node);
}

/** Follows `export default loss` / `export { f as loss }` to the function declaration. */
function resolveFunction(file: ts.SourceFile, node: ts.Node): ts.Node {
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

function paramCountOf(node: ts.Node): number | undefined {
  if (!(ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node))) return undefined;
  const first = node.parameters[0];
  if (!first || !ts.isArrayBindingPattern(first.name)) return undefined;
  if (first.name.elements.some((e) => ts.isBindingElement(e) && e.dotDotDotToken)) return undefined;
  return first.name.elements.length;
}

/**
 * Whether the identifier ending at a position of `file` is a built-in (`Math`, `Number`), for
 * the tape's transformer, which sees its own parse of the same text.
 */
function builtinSites(file: ts.SourceFile, bindings: SnippetBindings): (end: number) => boolean {
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

/**
 * The first construct no differentiator can follow (a random number, the time), as finite
 * differences with a reason the user reads ("`Math.random` is not differentiable (line 3)") and
 * its position, or undefined.
 */
function findNotDifferentiable(file: ts.SourceFile, bindings: SnippetBindings): GradientInfo | undefined {
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

/** The length of `export const init = [ … ]` when it is an array literal. */
function staticInitLength(file: ts.SourceFile): number | undefined {
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st) || !hasModifier(st, ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === 'init' && d.initializer && ts.isArrayLiteralExpression(d.initializer)
        && !d.initializer.elements.some(ts.isSpreadElement)) return d.initializer.elements.length;
    }
  }
  return undefined;
}
