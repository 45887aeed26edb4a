/**
 * The sandbox a compiled snippet runs in (inside the sandbox process, see sandboxMain.ts): a `vm`
 * context with string code generation and WebAssembly disabled, whose global holds only the
 * JavaScript built-ins a loss needs, and an `Objective` over it for the engine's runner.
 *
 * Realm discipline: the context is created from a null-prototype object (so `this.constructor`
 * is the context's own `Object`, never the process's), nothing created in the process is ever
 * passed in — params, gradients and batch indices travel through typed arrays created inside the
 * context (see `runtime.ts`), the process passes only numbers and reads back numbers, strings and
 * what the loss threw, which it describes without running any of its code (format.ts).
 *
 * Inside the context (HARDEN and CONTEXT_PRELUDE): `Error` is locked on the global and its stack
 * hook is the context's own, which writes only the snippet's frames (file, line, column) and
 * never reads a property of the error (no getter of the loss runs while a stack is formatted, no
 * path of the process is shown); typed arrays and ArrayBuffers are allocated through
 * constructors that refuse more than the evaluation's budget (`setAllocationBudget`) before a
 * byte is touched.
 *
 * What the person sees for each failure (decided here, documented in the report):
 * - a throw: "the loss threw at line L, column C: TypeError: …" (the snippet's own position);
 * - a non-number return: "the loss returned a string ("…") at params [...], not a number" (error);
 * - NaN at finite params: "the loss returned NaN at params [...]" (error: the code is wrong there);
 * - ±Infinity, or NaN once the params themselves stopped being finite: returned as is, and the
 *   runner reports the run as diverged (the params blew up; the loss is not at fault).
 */
import * as vm from 'node:vm';

import { cut, describeThrown, formatParams, oneLine, QUOTED_MAX_CHARS } from './format';
import { decodeMappings, originalPosition, type LineMappings } from './sourcemap';
import { probeGradient, type ProbedContext } from './probe';
import { HESSIAN_API, HESSIAN_RUNTIME } from './hessianRuntime';
import { moduleHead, SANDBOX_API, SANDBOX_RUNTIME } from './runtime';
import { probeHessian, snippetCurvature, type HessianContext } from './snippetHessian';
import { DETAIL_MAX_CHARS, type CompiledSnippet, type CurvatureInfo, type GradientInfo, type LossError } from './types';
import type { Domain, Objective, Vec } from '../engine/types';

export { formatParams };

/** The context-side entry points the process calls (see SANDBOX_API). */
export type ApiEntry = 'load' | 'value' | 'valueAndGrad' | 'userGrad';

/**
 * Called around every evaluation of user code (the process's deadline bookkeeping, guard.ts).
 * When `guarded` is set, each evaluation runs through it instead of directly.
 */
export interface EvaluationHooks {
  before(params: Vec | null): void;
  after(): void;
  readonly guarded?: ((api: ContextApi, entry: ApiEntry) => unknown) | null;
}

/** The context-side API (see SANDBOX_API, HESSIAN_API); its methods return numbers or primitive strings, `thrown` what the loss threw. */
export interface ContextApi extends HessianContext {
  attach(modules: unknown): void;
  readonly P: Float64Array;
  readonly G: Float64Array;
  readonly B: Int32Array;
  load(): string;
  setDim(n: number): void;
  setBatch(n: number): void;
  setPath(path: number): void;
  paths(): number;
  setAllocationBudget(bytes: number): void;
  error(): string;
  thrown(): unknown;
  value(): number;
  valueAndGrad(): number;
  userGrad(): number;
}

/** What the snippet's exports say, read once it loaded. */
export interface SnippetExports {
  readonly dataLength: number;
  readonly init: readonly number[] | null;
  readonly domain: Domain | null;
  readonly hasGrad: boolean;
}

export const MAX_PARAMS = 1024;
const MAX_BATCH = 65536;
const FILENAME = 'loss-snippet.js';

/** Builtins removed from the context's global: nothing a loss needs, some useful to an attacker. */
const REMOVED_GLOBALS = ['console', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef',
  'eval', 'Function', 'escape', 'unescape', 'Intl'];

/** The built-ins a loss may use, bound lexically around the snippet (see the constructor). */
const KEPT_GLOBALS = ['Object', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'Math', 'JSON', 'Error', 'TypeError',
  'RangeError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array',
  'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Uint8ClampedArray', 'ArrayBuffer', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'Infinity', 'NaN', 'undefined', 'Date', 'Reflect', 'Proxy', 'RegExp', 'BigInt', 'Promise'];
const LEXICAL_GLOBALS = `const { ${KEPT_GLOBALS.filter((n) => n !== 'undefined' && n !== 'NaN' && n !== 'Infinity').join(', ')} } = globalThis;`;

/** Constructors whose allocations count against the evaluation's budget (ArrayBuffer last: bytes, not elements). */
const ALLOCATING = ['Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Int8Array', 'Uint8Array', 'Int16Array',
  'Uint16Array', 'Uint8ClampedArray', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer'];

/**
 * Run first in a new context: removes what a loss does not need, installs the context's own stack
 * hook (the snippet's frames only; no property of the error is read), and locks it and `Error` on
 * the global — Node asks `globalThis.Error.prepareStackTrace` of the error's realm, so a loss that
 * could replace either would be handed the call sites of the process's own frames.
 */
const HARDEN = `
'use strict';
for (const name of ${JSON.stringify(REMOVED_GLOBALS)}) delete globalThis[name];
for (const name of ['transfer', 'transferToFixedLength']) delete ArrayBuffer.prototype[name];
const snippetFrames = function prepareStackTrace(error, frames) {
  let text = '';
  for (let k = 0; k < frames.length; k++) {
    const file = frames[k].getFileName();
    if (file === ${JSON.stringify(FILENAME)}) text += '\\n    at ' + file + ':' + frames[k].getLineNumber() + ':' + frames[k].getColumnNumber();
  }
  return text;
};
Object.defineProperty(Error, 'prepareStackTrace', { value: snippetFrames, writable: false, configurable: false, enumerable: false });
Object.defineProperty(globalThis, 'Error', { value: Error, writable: false, configurable: false, enumerable: false });
`;

/**
 * The start of the runtime's closure: typed-array and ArrayBuffer constructors replaced on the
 * global (and as their prototypes' `constructor`, which species lookups use) by Proxies that
 * refuse an allocation past the evaluation's budget; `__beginEvaluation` resets the count. Sizes
 * are read once and the native constructor gets that number (or a copy of the array-like), so a
 * getter that answers differently the second time cannot slip past the check.
 */
const CONTEXT_PRELUDE = String.raw`
const { Reflect: __Reflect, Array: __Array, Object: __Object, Math: __Math, Proxy: __Proxy } = globalThis;
const __construct = __Reflect.construct, __apply = __Reflect.apply, __from = __Array.from, __RangeError = globalThis.RangeError;
const __defineProperty = __Object.defineProperty, __round = __Math.round, __floor = __Math.floor;
const __byteLength = __Object.getOwnPropertyDescriptor(globalThis.ArrayBuffer.prototype, 'byteLength').get;
const __typedLength = __Object.getOwnPropertyDescriptor(__Object.getPrototypeOf(globalThis.Uint8Array.prototype), 'length').get;
const __iterator = globalThis.Symbol.iterator;
let __budget = 2147483647, __allocated = 0;
function __beginEvaluation() { __allocated = 0; }
function __isBuffer(a) { try { __apply(__byteLength, a, []); return true; } catch (_) { return false; } }
// The length of a typed array from its internal slot (no getter runs), or -1 for anything else.
function __lengthOfTyped(a) { try { return __apply(__typedLength, a, []); } catch (_) { return -1; } }
function __reserve(bytes) {
  if (!(bytes <= __budget - __allocated)) {
    throw new __RangeError('the loss allocated more than ' + __round(__budget / 1048576) + ' MB of typed arrays in one evaluation, the sandbox\'s limit');
  }
  __allocated += bytes;
}
function __capped(native, isBuffer) {
  const bytesEach = isBuffer ? 1 : native.BYTES_PER_ELEMENT;
  const capped = new __Proxy(native, {
    construct(target, args, newTarget) {
      const type = newTarget === capped ? target : newTarget;
      const a = args[0];
      if (isBuffer) {
        const n = +a || 0, o = args[1];
        if (o === null || typeof o !== 'object') { __reserve(n); return __construct(target, [n], type); }
        const max = +o.maxByteLength || 0;
        __reserve(max > n ? max : n);
        return __construct(target, [n, { maxByteLength: max }], type);
      }
      if (a === null || typeof a !== 'object') {
        const n = +a;
        __reserve((n > 0 ? n : 0) * bytesEach);
        return __construct(target, [n === n ? n : 0], type);
      }
      if (__isBuffer(a)) return __construct(target, args, type);
      const typed = __lengthOfTyped(a);
      if (typed >= 0) { __reserve(typed * bytesEach); return __construct(target, [a], type); }
      // An iterable is collected first (on the heap, which has its own limit); an array-like's
      // length is read once, checked, and its elements copied by index.
      const iterable = a[__iterator] !== undefined && a[__iterator] !== null;
      const copy = iterable ? __from(a) : null;
      let n = copy !== null ? copy.length : +a.length;
      n = n > 0 ? __floor(n) : 0;
      __reserve(n * bytesEach);
      const out = __construct(target, [n], type);
      for (let k = 0; k < n; k++) out[k] = copy !== null ? copy[k] : a[k];
      return out;
    },
  });
  __defineProperty(native.prototype, 'constructor', { value: capped, writable: false, configurable: false, enumerable: false });
  return capped;
}
for (const name of ${JSON.stringify(ALLOCATING)}) {
  if (typeof globalThis[name] === 'function') globalThis[name] = __capped(globalThis[name], name === 'ArrayBuffer');
}
`;

/**
 * A new, hardened context: no string code generation or WebAssembly, a null-prototype global
 * object (nothing of the process's realm behind it), the unneeded built-ins removed, `Error` and
 * its stack hook locked, allocations capped.
 */
export function createSandboxContext(): SandboxContext {
  const context = vm.createContext(Object.create(null), {
    name: 'loss snippet', codeGeneration: { strings: false, wasm: false },
    // The context gets its own microtask queue, drained only after `runInContext`: promise
    // callbacks a snippet schedules never run behind an evaluation's back.
    microtaskMode: 'afterEvaluate',
  });
  vm.runInContext(HARDEN, context);
  // Built-ins become lexical bindings of the wrappers: a global lookup in a vm context goes through
  // the contextified global's interceptor (~100 ns each), a lexical one is free.
  const source = `(() => {\n'use strict';\n${CONTEXT_PRELUDE}\n${LEXICAL_GLOBALS}\nlet __modules = null;\n${SANDBOX_RUNTIME}\n${HESSIAN_RUNTIME}\n`
    + `return Object.assign(${SANDBOX_API}, ${HESSIAN_API});\n})()`;
  const api = new vm.Script(source, { filename: 'sandbox-runtime.js' }).runInContext(context) as ContextApi;
  return { context, api };
}

/** A hardened context with the runtime loaded, waiting for a snippet (one use). */
export interface SandboxContext {
  readonly context: vm.Context;
  readonly api: ContextApi;
}

/**
 * An error for the user, carrying the LossError kind: `message` is one line with the loss's own
 * text cut short; `detail`, when that text was cut, the whole of it (up to DETAIL_MAX_CHARS).
 */
export class SnippetError extends Error {
  constructor(readonly kind: LossError['kind'], message: string, readonly detail?: string) { super(message); }
}

/** A loaded snippet: its exports, and objectives over it once the dimension is known. */
export class Sandbox {
  private readonly api: ContextApi;
  private readonly plainLines: LineMappings[];
  private readonly adLines: LineMappings[];
  private readonly plainStart: number;
  private readonly adStart: number;
  readonly exports: SnippetExports;
  gradient: GradientInfo;
  /** How Hessians are computed (decided by `probeCurvature`; until then by differentiation when the gradient is). */
  curvature: CurvatureInfo = { mode: 'autodiff' };

  /**
   * `context`: a fresh one from `createSandboxContext()` (made ahead of time by a warm process),
   * used once. `allocationBudget`: bytes of typed arrays one evaluation may allocate.
   */
  constructor(private readonly compiled: CompiledSnippet, private readonly hooks: EvaluationHooks,
    prepared: SandboxContext = createSandboxContext(), allocationBudget = 2 ** 31 - 1) {
    // The modules see the built-ins and the operations (in the snippet's own namespace), not the runtime's internals.
    const module = moduleHead(compiled.namespace);
    const head = `(() => {\n'use strict';\n${LEXICAL_GLOBALS}\nreturn [${module}\n`;
    this.plainStart = lineCount(head);
    const middle = `${compiled.js}\n}, ${compiled.adJs === undefined ? 'null' : `${module}\n`}`;
    this.adStart = this.plainStart + lineCount(middle);
    const tail = `${compiled.adJs === undefined ? '' : `${compiled.adJs}\n}`}];\n})()`;
    const modules: unknown = new vm.Script(head + middle + tail, { filename: FILENAME }).runInContext(prepared.context);
    this.api = prepared.api;
    this.api.attach(modules);
    this.api.setAllocationBudget(allocationBudget);
    this.plainLines = decodeMappings(compiled.jsMappings);
    this.adLines = decodeMappings(compiled.adMappings ?? '');
    this.gradient = compiled.gradient;

    const text = this.call(null, 'load');
    if (typeof text !== 'string' || text === '') {
      throw this.describeError('the snippet', null, this.api.error());
    }
    const raw = JSON.parse(text) as { hasLoss: boolean; hasGrad: boolean; dataLength: number; initLength: number; init: unknown; domain: unknown };
    if (!raw.hasLoss) {
      throw new SnippetError('exports', 'the snippet\'s loss export is not a function: add `export default function loss(p: number[]) {…}`');
    }
    if (raw.initLength > MAX_PARAMS) {
      throw new SnippetError('exports', `the snippet's \`init\` export has ${raw.initLength} numbers; at most ${MAX_PARAMS} parameters are supported`);
    }
    if (raw.dataLength > MAX_BATCH) {
      throw new SnippetError('exports', `the snippet's data has ${raw.dataLength} examples; at most ${MAX_BATCH} are supported`);
    }
    this.exports = {
      dataLength: raw.dataLength, hasGrad: raw.hasGrad,
      init: checkInit(raw.init), domain: checkDomain(raw.domain),
    };
  }

  /** One evaluation of user code through the hooks (directly, or within the deadline in slow mode). */
  private call(params: Vec | null, entry: ApiEntry): unknown {
    const hooks = this.hooks, guarded = hooks.guarded;
    hooks.before(params);
    const r = guarded ? guarded(this.api, entry) : this.api[entry]();
    hooks.after();
    return r;
  }

  /** An objective of dimension `dim` over the loaded snippet, with `this.gradient`'s mode. */
  objective(dim: number): Objective {
    if (!(Number.isInteger(dim) && dim >= 1 && dim <= MAX_PARAMS)) {
      throw new SnippetError('exports', `the loss has ${dim} parameters; between 1 and ${MAX_PARAMS} are supported`);
    }
    this.api.setDim(dim);
    const { api, hooks } = this;
    const P = api.P, G = api.G, B = api.B;
    const load = (params: Vec, batch: Int32Array | null): void => {
      for (let k = 0; k < dim; k++) P[k] = params[k];
      if (batch === null) api.setBatch(-1);
      else {
        for (let k = 0; k < batch.length; k++) B[k] = batch[k];
        api.setBatch(batch.length);
      }
    };
    // The hot paths call the context directly (hooks.guarded is null for fast losses).
    const value = (params: Vec, batch: Int32Array | null): number => {
      load(params, batch);
      hooks.before(params);
      const guarded = hooks.guarded;
      const r = guarded ? guarded(api, 'value') : api.value();
      hooks.after();
      if (typeof r !== 'number') throw new SnippetError('runtime', 'the sandbox returned a non-number');
      return r === r ? r : this.nanOrError(params, 'the loss');
    };
    const mode = this.gradient.mode;
    let valueAndGrad: (params: Vec, grad: Vec, batch: Int32Array | null) => number;
    if (mode === 'autodiff') {
      valueAndGrad = (params, grad, batch) => {
        load(params, batch);
        hooks.before(params);
        const guarded = hooks.guarded;
        const r = guarded ? guarded(api, 'valueAndGrad') : api.valueAndGrad();
        hooks.after();
        if (typeof r !== 'number') throw new SnippetError('runtime', 'the sandbox returned a non-number');
        for (let k = 0; k < dim; k++) grad[k] = G[k];
        return r === r ? r : this.nanOrError(params, 'the loss');
      };
    } else if (mode === 'user') {
      valueAndGrad = (params, grad, batch) => {
        const r = value(params, batch);
        const ok = this.call(params, 'userGrad');
        if (ok !== 0) this.nanOrError(params, 'the grad export');
        for (let k = 0; k < dim; k++) grad[k] = G[k];
        return r;
      };
    } else {
      // Central differences, h = ∛ε·max(1, |θᵢ|): balances truncation O(h²) against rounding O(ε/h).
      const x = new Float64Array(dim);
      valueAndGrad = (params, grad, batch) => {
        const r = value(params, batch);
        x.set(params.subarray(0, dim));
        for (let k = 0; k < dim; k++) {
          const h = 6.055454452393343e-6 * Math.max(1, Math.abs(params[k]));
          x[k] = params[k] + h; const up = value(x, batch);
          x[k] = params[k] - h; const down = value(x, batch);
          x[k] = params[k];
          grad[k] = (up - down) / (2 * h);
        }
        return r;
      };
    }
    // One context entry point around the hooks: its number, or the snippet's error.
    const evaluate = (params: Vec, batch: Int32Array | null, entry: () => number): number => {
      load(params, batch);
      hooks.before(params);
      const r = entry();
      hooks.after();
      if (typeof r !== 'number') throw new SnippetError('runtime', 'the sandbox returned a non-number');
      return r === r ? r : this.nanOrError(params, 'the loss');
    };
    const info: CurvatureInfo = this.gradient.mode === 'autodiff' ? this.curvature : { mode: 'finite-differences' };
    const curvature = snippetCurvature(api, dim, info, evaluate, valueAndGrad);
    return { dim, dataSize: this.exports.dataLength, value, valueAndGrad, ...curvature };
  }

  /**
   * Chooses how Hessians are computed, at the start point (snippetHessian.ts): by differentiation,
   * or central differences of the gradient with the reason. Call after `probe`, before `objective()`.
   */
  probeCurvature(params: readonly number[]): void {
    const around = <T>(p: Float64Array, f: () => T): T => { this.hooks.before(p); try { return f(); } finally { this.hooks.after(); } };
    this.curvature = probeHessian({ ...this.api, error: () => this.errorText() }, params, this.gradient, around, (e) => this.location(e));
  }

  /** The context's last error as the probes read it ("kind\nmessage\nstack", '' if none), the thrown value described without running it. */
  private errorText(): string {
    const kind = this.api.error();
    if (kind === '') return '';
    const thrown = describeThrown(this.api.thrown());
    return `${kind}\n${oneLine(cut(thrown.text, QUOTED_MAX_CHARS))}\n${thrown.stack}`;
  }

  /**
   * Chooses the gradient path at the start point `params` (probe.ts): the fast path the module
   * registered, the tape, or finite differences with the reason. Call before `objective()`.
   */
  probe(params: readonly number[]): void {
    if (this.gradient.mode !== 'autodiff') return;
    // The probe's evaluations go through the hooks (within the deadline in slow mode); its errors
    // as it reads them ("kind\nmessage\nstack"), the thrown value described without running it.
    let at: Float64Array | null = null;
    const api = this.api;
    const context: ProbedContext = {
      P: api.P, G: api.G,
      setDim: (n) => api.setDim(n), setBatch: (n) => api.setBatch(n), setPath: (k) => api.setPath(k), paths: () => api.paths(),
      value: () => this.call(at, 'value') as number,
      valueAndGrad: () => this.call(at, 'valueAndGrad') as number,
      error: () => this.errorText(),
    };
    const around = <T>(p: Float64Array, f: () => T): T => { at = p; return f(); };
    this.gradient = probeGradient(context, params, around, (e) => this.location(e));
  }

  /** NaN from the context: either an error it recorded, or a NaN the loss returned. */
  private nanOrError(params: Vec, who: string): number {
    const kind = this.api.error();
    if (kind === '') {
      let finite = true;
      for (let k = 0; k < params.length; k++) if (!Number.isFinite(params[k])) finite = false;
      if (!finite) return NaN;  // the params blew up first: the runner reports divergence
      throw new SnippetError('runtime', `${who} returned NaN at params ${formatParams(params)}`);
    }
    throw this.describeError(who, params, kind);
  }

  /** The error the context recorded (its kind was just read), for people: one line, and the whole text as detail. */
  private describeError(who: string, params: Vec | null, kind: string): SnippetError {
    const thrown = this.api.thrown();
    const at = params ? ` at params ${formatParams(params)}` : '';
    const error = (line: (quoted: string) => string, text: string): SnippetError => {
      const quoted = oneLine(cut(text, QUOTED_MAX_CHARS));
      return new SnippetError('runtime', line(quoted), quoted === text ? undefined : line(cut(text, DETAIL_MAX_CHARS)));
    };
    if (kind === 'type' || kind === 'grad') {
      const text = typeof thrown === 'string' ? thrown : 'something else';
      return error((t) => (kind === 'type' ? `${who} returned ${t}${at}, not a number` : `${t}${at}`), text);
    }
    const { text, isError, stack } = describeThrown(thrown);
    if (!isError) return error((t) => `${who} threw ${t}${at}`, text);
    const where = this.position(stack);
    return error((t) => `${who} threw${where ? ` at ${where}` : ''}: ${t}${at}`, text);
  }

  /** "line L, column C" in the user's snippet, from the first stack frame inside it. */
  position(stack: string): string | undefined {
    const at = this.location(stack);
    return at ? `line ${at.line}, column ${at.column}` : undefined;
  }

  private location(stack: string): { line: number; column: number } | undefined {
    const re = new RegExp(`${FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
    for (const m of stack.matchAll(re)) {
      const line = Number(m[1]), column = Number(m[2]);
      let pos: { line: number; column: number } | undefined;
      if (this.compiled.adJs !== undefined && line > this.adStart) pos = originalPosition(this.adLines, line - this.adStart, column);
      else if (line > this.plainStart && line <= this.adStart) pos = originalPosition(this.plainLines, line - this.plainStart, column);
      if (pos) return pos;
    }
    return undefined;
  }
}

function lineCount(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 10) n++;
  return n;
}

function checkInit(raw: unknown): number[] | null {
  if (raw === null || raw === undefined) return null;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new SnippetError('exports', 'the snippet\'s `init` export must be a non-empty array of finite numbers');
  }
  return raw as number[];
}

function checkDomain(raw: unknown): Domain | null {
  if (raw === null || raw === undefined) return null;
  const d = raw as { x: unknown[]; y: unknown[] };
  const ok = (a: unknown[]): boolean => a.length === 2 && a.every((v) => typeof v === 'number' && Number.isFinite(v)) && (a[0] as number) < (a[1] as number);
  if (!ok(d.x) || !ok(d.y)) {
    throw new SnippetError('exports', 'the snippet\'s `domain` export must be `{ x: [min, max], y: [min, max] }` with min < max');
  }
  return { x: [d.x[0] as number, d.x[1] as number], y: [d.y[0] as number, d.y[1] as number] };
}
