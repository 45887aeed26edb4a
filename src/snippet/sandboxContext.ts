/**
 * The `vm` context a compiled snippet runs in (inside the sandbox process, see sandboxMain.ts),
 * with the runtime loaded: string code generation and WebAssembly disabled, a global holding only
 * the JavaScript built-ins a loss needs, those built-ins locked. `Sandbox` (sandbox.ts) loads one
 * snippet into it and makes objectives over it.
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
 * byte is touched; then every built-in is locked (LOCK_CONTEXT_INTRINSICS).
 */
import * as vm from 'node:vm';

import { HESSIAN_API, HESSIAN_RUNTIME } from './hessianRuntime';
import { LOCK_CONTEXT_INTRINSICS } from './intrinsics';
import { SANDBOX_API, SANDBOX_RUNTIME } from './runtime';
import type { HessianContext } from './snippetHessian';

/** The context-side entry points the process calls (see SANDBOX_API). */
export type ApiEntry = 'load' | 'value' | 'valueAndGrad' | 'userGrad';

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

/** The file name of the snippet's module in stack frames. */
export const FILENAME = 'loss-snippet.js';

/** Builtins removed from the context's global: nothing a loss needs, some useful to an attacker. */
const REMOVED_GLOBALS = ['console', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef',
  'eval', 'Function', 'escape', 'unescape', 'Intl'];

/** The built-ins a loss may use, bound lexically around the snippet and the runtime. */
const KEPT_GLOBALS = ['Object', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'Math', 'JSON', 'Error', 'TypeError',
  'RangeError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array',
  'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Uint8ClampedArray', 'ArrayBuffer', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'Infinity', 'NaN', 'undefined', 'Date', 'Reflect', 'Proxy', 'RegExp', 'BigInt', 'Promise'];
export const LEXICAL_GLOBALS = `const { ${KEPT_GLOBALS.filter((n) => n !== 'undefined' && n !== 'NaN' && n !== 'Infinity').join(', ')} } = globalThis;`;

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
 * its stack hook locked, allocations capped, and every built-in locked (intrinsics.ts): a loss
 * that assigns to `Array.prototype.map` or `Float64Array.prototype.fill` gets a TypeError, and the
 * runtime's tape, which uses them, stays as it was.
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
  // Last, once the runtime replaced what it replaces: no built-in can change from here on.
  vm.runInContext(LOCK_CONTEXT_INTRINSICS, context, { filename: 'lock-intrinsics.js' });
  return { context, api };
}

/** A hardened context with the runtime loaded, waiting for a snippet (one use). */
export interface SandboxContext {
  readonly context: vm.Context;
  readonly api: ContextApi;
}
