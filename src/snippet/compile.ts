/**
 * Compiling a TypeScript loss snippet: syntax and type errors with the snippet's line and column
 * (TypeScript's checker, against the ES library and the snippet's own declarations: program.ts),
 * the contract on exports (DESIGN.md "Loss snippets"), the constructs the sandbox refuses (modules),
 * the constructs no differentiator can follow (which send the gradient to finite differences,
 * with the reason and the line), and the two emitted modules: plain and differentiated.
 *
 * Runs in the compiler process (compiler.ts, compilerMain.ts), never on the extension host's or
 * the CLI's main thread; no user code runs here. The sandbox process only receives the emitted JavaScript.
 */
import ts from 'typescript';
import { builtinSites, snippetBindings } from './bindings';
import { findNotDifferentiable, findRefused, toDiagnostic } from './constructs';
import { differentiateTransformer } from './differentiate';
import { forwardGradient } from './forward';
import { COMPILER_OPTIONS, SNIPPET_FILE as FILE, snippetProgram } from './program';
import { opName } from './runtime';
import { findExports, isFunctionLike, paramCountOf, resolveFunction, staticInitLength } from './snippetExports';
import { straightLineGradient } from './straightline';
import { straightLineHessian } from './straightlineHessian';
import { isQuadratic } from './polynomialDegree';
import type { CompiledSnippet, GradientInfo, LossError, SnippetDiagnostic } from './types';


export interface CompileOptions {
  /** Use the straight-line and forward-mode differentiators where they apply (default true); false: the tape only. */
  readonly fastPaths?: boolean;
  /** false: not the straight-line path (tests run forward mode on the losses it would take). */
  readonly straightLine?: boolean;
  /** Report type errors (default true); false: syntax errors only (benchmarks compare the two). */
  readonly typeCheck?: boolean;
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
    // TypeScript's parser and emitter (and the differentiators) recurse once per level of nesting.
    const d = tooDeep(source);
    return { ok: false, error: { kind: 'compile', message: summary([d]), diagnostics: [d] } };
  }
}

/**
 * Where a snippet too deep to compile is too deep: the statement holding the most deeply nested
 * node; or, when even parsing it overflows the stack, the snippet's first line.
 */
function tooDeep(source: string): SnippetDiagnostic {
  const advice = 'split it into several statements (`s += …;`)';
  let file: ts.SourceFile;
  try {
    file = ts.createSourceFile(FILE, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { line: 1, column: 1, message: `the snippet nests too deeply to compile: ${advice}`, severity: 'error' };
  }
  const { node, depth } = deepest(file);
  return toDiagnostic(file, node.getStart(file), node.getWidth(file), `this statement nests ${depth} levels deep, too deep to compile: ${advice}`);
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
  const program = snippetProgram(source);
  const { file, checker } = program;
  const errors = (diagnostics: readonly ts.Diagnostic[]): SnippetDiagnostic[] => diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error && d.file === file && !CHECKER_LIMITS.has(d.code))
    .map((d) => toDiagnostic(file, d.start ?? 0, d.length ?? 0, forSnippets(ts.flattenDiagnosticMessageText(d.messageText, '\n'))));
  const syntax = errors(program.syntaxErrors());
  if (syntax.length > 0) return { ok: false, error: { kind: 'compile', message: summary(syntax), diagnostics: syntax } };
  const refused = findRefused(file);
  if (refused.length > 0) return { ok: false, error: { kind: 'compile', message: summary(refused), diagnostics: refused } };
  const types = options.typeCheck === false ? [] : errors(program.typeErrors());
  if (types.length > 0) return { ok: false, error: { kind: 'compile', message: summary(types), diagnostics: types } };
  const plain = program.emit();

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
  let adJs: string | undefined, adMappings: string | undefined, fastPath: CompiledSnippet['fastPath'], quadratic = false;
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
        const straight = options.straightLine === false ? undefined : straightLineGradient(lossFn, bindings);
        const dim = straight ? undefined : paramCountOf(lossFn ?? file) ?? staticInitLength(file);
        const forward = straight ? undefined : forwardGradient(lossFn, dim, file, bindings);
        if (straight) {
          registration = `${opName(bindings.ns, '__fast')}(${straight});`;
          fastPath = 'straight-line';
          const hessian = straightLineHessian(lossFn, bindings);
          if (hessian) registration += `\n;${opName(bindings.ns, '__hfast')}(${hessian});`;
          quadratic = isQuadratic(lossFn, bindings);
        }
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
    js: stripMapComment(plain.js), jsMappings: mappingsOf(plain.map),
    adJs, adMappings, gradient, namespace: bindings.ns, ...(fastPath ? { fastPath } : {}), ...(quadratic ? { quadratic } : {}),
    exports: [...exported.names],
    paramCount: exported.lossNode ? paramCountOf(resolveFunction(file, exported.lossNode)) : undefined,
  };
}

/**
 * Where the checker gave up, not errors in the snippet: "The containing function or module body
 * is too large for control flow analysis" (a loss of thousands of statements is still valid).
 */
const CHECKER_LIMITS: ReadonlySet<number> = new Set([2563]);

/**
 * TypeScript's message, without advice about a project's configuration that a snippet does not
 * have ("Try changing the 'lib' compiler option", "npm i --save-dev @types/node").
 */
function forSnippets(message: string): string {
  const missing = /^(Cannot find name '[^']+')\. Do you need to /.exec(message);
  return missing ? `${missing[1]}: a loss has the ES built-ins only (Math, Array, …), no console, DOM or Node` : message;
}

function summary(diagnostics: readonly SnippetDiagnostic[]): string {
  const first = diagnostics[0];
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return `the loss does not compile: line ${first.line}, column ${first.column}: ${first.message}${more}`;
}

function stripMapComment(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

function mappingsOf(sourceMapText: string | undefined): string {
  if (!sourceMapText) return '';
  try { return String((JSON.parse(sourceMapText) as { mappings?: unknown }).mappings ?? ''); } catch { return ''; }
}

