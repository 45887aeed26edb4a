/**
 * The sandbox a compiled snippet runs in (inside the worker thread): a `vm` context with string
 * code generation and WebAssembly disabled, whose global holds only the JavaScript built-ins a
 * loss needs, and an `Objective` over it for the engine's runner.
 *
 * Realm discipline: the context is created from a null-prototype object (so `this.constructor`
 * is the context's own `Object`, never the worker's), nothing created in the worker is ever passed
 * in — params, gradients and batch indices travel through typed arrays created inside the context
 * (see `runtime.ts`), the worker passes only numbers, and reads back only numbers and strings.
 *
 * What the person sees for each failure (decided here, documented in the report):
 * - a throw: "the loss threw at line L, column C: TypeError: …" (the snippet's own position);
 * - a non-number return: "the loss returned a string ("…") at params [...], not a number" (error);
 * - NaN at finite params: "the loss returned NaN at params [...]" (error: the code is wrong there);
 * - ±Infinity, or NaN once the params themselves stopped being finite: returned as is, and the
 *   runner reports the run as diverged (the params blew up; the loss is not at fault).
 */
import * as vm from 'node:vm';

import { decodeMappings, originalPosition, type LineMappings } from './sourcemap';
import { probeGradient } from './probe';
import { HESSIAN_API, HESSIAN_RUNTIME } from './hessianRuntime';
import { moduleHead, SANDBOX_API, SANDBOX_RUNTIME } from './runtime';
import { probeHessian, snippetCurvature, type HessianContext } from './snippetHessian';
import type { CompiledSnippet, CurvatureInfo, GradientInfo, LossError } from './types';
import type { Domain, Objective, Vec } from '../engine/types';

/** Called around every evaluation of user code (the worker's watchdog bookkeeping). */
export interface EvaluationHooks {
  before(params: Vec | null): void;
  after(): void;
}

/** The context-side API (see SANDBOX_API, HESSIAN_API); every method returns numbers or primitive strings. */
interface ContextApi extends HessianContext {
  attach(modules: unknown): void;
  readonly P: Float64Array;
  readonly G: Float64Array;
  readonly B: Int32Array;
  load(): string;
  setDim(n: number): void;
  setBatch(n: number): void;
  setPath(path: number): void;
  paths(): number;
  error(): string;
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

const HARDEN = `
'use strict';
for (const name of ${JSON.stringify(REMOVED_GLOBALS)}) delete globalThis[name];
Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
`;

/**
 * A new, hardened context: no string code generation or WebAssembly, a null-prototype global
 * object (nothing of the worker's realm behind it), the unneeded built-ins removed, and
 * `Error.prepareStackTrace` locked (a stack-trace hook would see call sites of the worker's frames).
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
  const source = `(() => {\n'use strict';\n${LEXICAL_GLOBALS}\nlet __modules = null;\n${SANDBOX_RUNTIME}\n${HESSIAN_RUNTIME}\n`
    + `return Object.assign(${SANDBOX_API}, ${HESSIAN_API});\n})()`;
  const api = new vm.Script(source, { filename: 'sandbox-runtime.js' }).runInContext(context) as ContextApi;
  return { context, api };
}

/** A hardened context with the runtime loaded, waiting for a snippet (one use). */
export interface SandboxContext {
  readonly context: vm.Context;
  readonly api: ContextApi;
}

/** Formats params for messages: `[1.5, -2]`, six significant digits, at most 8 shown. */
export function formatParams(p: ArrayLike<number>): string {
  const n = Math.min(p.length, 8);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(String(Number(p[k].toPrecision(6))));
  return `[${parts.join(', ')}${p.length > n ? `, … (${p.length} in all)` : ''}]`;
}

/** An error for the user, carrying the LossError kind. */
export class SnippetError extends Error {
  constructor(readonly kind: LossError['kind'], message: string) { super(message); }
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

  /** `context`: a fresh one from `createSandboxContext()` (made ahead of time by a warm worker), used once. */
  constructor(private readonly compiled: CompiledSnippet, private readonly hooks: EvaluationHooks,
    prepared: SandboxContext = createSandboxContext()) {
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
    this.plainLines = decodeMappings(compiled.jsMappings);
    this.adLines = decodeMappings(compiled.adMappings ?? '');
    this.gradient = compiled.gradient;

    hooks.before(null);
    const text = this.api.load();
    hooks.after();
    if (typeof text !== 'string' || text === '') {
      throw new SnippetError('runtime', this.describeError('the snippet', this.error(), null));
    }
    const raw = JSON.parse(text) as { hasLoss: boolean; hasGrad: boolean; dataLength: number; init: unknown; domain: unknown };
    if (!raw.hasLoss) {
      throw new SnippetError('exports', 'the snippet\'s loss export is not a function: add `export default function loss(p: number[]) {…}`');
    }
    this.exports = {
      dataLength: raw.dataLength, hasGrad: raw.hasGrad,
      init: checkInit(raw.init), domain: checkDomain(raw.domain),
    };
    if (this.exports.dataLength > MAX_BATCH) {
      throw new SnippetError('exports', `the snippet's data has ${this.exports.dataLength} examples; at most ${MAX_BATCH} are supported`);
    }
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
    const value = (params: Vec, batch: Int32Array | null): number => {
      load(params, batch);
      hooks.before(params);
      const r = api.value();
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
        const r = api.valueAndGrad();
        hooks.after();
        if (typeof r !== 'number') throw new SnippetError('runtime', 'the sandbox returned a non-number');
        for (let k = 0; k < dim; k++) grad[k] = G[k];
        return r === r ? r : this.nanOrError(params, 'the loss');
      };
    } else if (mode === 'user') {
      valueAndGrad = (params, grad, batch) => {
        const r = value(params, batch);
        hooks.before(params);
        const ok = api.userGrad();
        hooks.after();
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
    this.curvature = probeHessian({ ...this.api, error: () => this.error() }, params, this.gradient, around, (e) => this.location(e));
  }

  /**
   * Chooses the gradient path at the start point `params` (probe.ts): the fast path the module
   * registered, the tape, or finite differences with the reason. Call before `objective()`.
   */
  probe(params: readonly number[]): void {
    if (this.gradient.mode !== 'autodiff') return;
    const around = <T>(p: Float64Array, f: () => T): T => { this.hooks.before(p); try { return f(); } finally { this.hooks.after(); } };
    this.gradient = probeGradient({ ...this.api, error: () => this.error() }, params, around, (e) => this.location(e));
  }

  /** The context's last error as a string (it only ever records strings; checked all the same). */
  private error(): string {
    const e = this.api.error();
    return typeof e === 'string' ? e : 'throw\nthe sandbox reported an error it could not describe\n';
  }

  /** NaN from the context: either an error it recorded, or a NaN the loss returned. */
  private nanOrError(params: Vec, who: string): number {
    const e = this.error();
    if (e === '') {
      let finite = true;
      for (let k = 0; k < params.length; k++) if (!Number.isFinite(params[k])) finite = false;
      if (!finite) return NaN;  // the params blew up first: the runner reports divergence
      throw new SnippetError('runtime', `${who} returned NaN at params ${formatParams(params)}`);
    }
    throw new SnippetError('runtime', this.describeError(who, e, params));
  }

  private describeError(who: string, e: string, params: Vec | null): string {
    const [kind, message] = e.split('\n');
    const at = params ? ` at params ${formatParams(params)}` : '';
    if (kind === 'type') return `${who} returned ${message}${at}, not a number`;
    if (kind === 'grad') return `${message}${at}`;
    const where = this.position(e);
    return `${who} threw${where ? ` at ${where}` : ''}: ${message}${at}`;
  }

  /** "line L, column C" in the user's snippet, from the first stack frame inside it. */
  position(e: string): string | undefined {
    const at = this.location(e);
    return at ? `line ${at.line}, column ${at.column}` : undefined;
  }

  private location(e: string): { line: number; column: number } | undefined {
    const re = new RegExp(`${FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
    for (const m of e.matchAll(re)) {
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
