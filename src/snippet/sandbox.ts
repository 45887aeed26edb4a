/**
 * A compiled snippet loaded into a hardened context (sandboxContext.ts), inside the sandbox
 * process (sandboxMain.ts): its exports checked, and an `Objective` over it for the engine's
 * runner. The process writes params into, and reads values and gradients out of, the context's
 * own typed arrays; what the loss threw it describes without running any of its code (format.ts).
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
import { moduleHead } from './runtime';
import { createSandboxContext, FILENAME, LEXICAL_GLOBALS, type ApiEntry, type ContextApi, type SandboxContext } from './sandboxContext';
import { probeHessian, snippetCurvature } from './snippetHessian';
import { DETAIL_MAX_CHARS, type CompiledSnippet, type CurvatureInfo, type GradientInfo, type LossError } from './types';
import type { Domain, Objective, Vec } from '../engine/types';

export { formatParams };

/**
 * Called around every evaluation of user code (the process's deadline bookkeeping, guard.ts).
 * When `guarded` is set, each evaluation runs through it instead of directly.
 */
export interface EvaluationHooks {
  before(params: Vec | null): void;
  after(): void;
  readonly guarded?: ((api: ContextApi, entry: ApiEntry) => unknown) | null;
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
