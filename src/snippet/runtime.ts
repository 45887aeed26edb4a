/**
 * The JavaScript that runs INSIDE the sandbox's `vm` context, next to the user's snippet: the
 * reverse-mode tape that the differentiated snippet calls (`__add`, `__mul`, `__m_sin`, …) and the
 * entry points the sandbox process calls (`value`, `valueAndGrad`, `userGrad`).
 *
 * It is a string, not a module, on purpose: everything it creates (the tape's typed arrays, the
 * params arrays handed to the loss, the batch arrays) must belong to the context's realm, so that
 * no object of the process's own realm — whose `.constructor.constructor` is its `Function` — is
 * ever reachable from user code. The process only writes numbers into, and reads numbers out of,
 * typed arrays created here; what the loss threw it receives as is and describes without running
 * it (format.ts).
 *
 * Tape layout (reset per evaluation): node 0 is a sink, nodes 1…dim are the parameters, every
 * later node i has up to two parents `A0[i]`, `A1[i]` with local partials `D0[i]`, `D1[i]`
 * (∂node/∂parent). The backward sweep is adjoint[parent] += partial · adjoint[node], from the
 * last node down (Griewank & Walther, "Evaluating Derivatives", ch. 3). An active value is an
 * `__N { v, i }` (value, tape index); inactive values stay plain numbers, and every operator has
 * a fast path for two plain numbers, so code that does not depend on the params (loop counters,
 * indices, data) runs at plain speed. The operations are generated from the derivative rules
 * (derivativeRules.ts) that the second-order tape (hessianRuntime.ts) reads too.
 */
import { binaryOperationsSource, DIFFERENTIABLE_MATH, type NodeShape, OPERATION_NAMES, unaryMathSource, valueOperationsSource } from './derivativeRules';

/** How the tape records a node: `__node(value, parent₀, partial₀, parent₁, partial₁)` (second partials unused). */
const TAPE: NodeShape = {
  prefix: '__', mathPrefix: '__m_', valueClass: '__N', live: '__live', value: '__v',
  one: (r, o, d) => `__node(${r}, ${o}.i, ${d}, 0, 0)`,
  two: (r, a, b, dx, dy) => `__node(${r}, ${a}.i, ${dx}, ${b}.i, ${dy})`,
};

/**
 * The operations the differentiated code calls, handed to each module (see sandbox.ts): the tape's
 * arithmetic, `__M` (the built-in Math functions as they were before any snippet ran), and
 * `__fast`/`__fwd`, with which the differentiated module registers its fast-path gradients.
 */
export const OP_NAMES: readonly string[] = [
  '__M', '__fast', '__fwd', '__hfast', ...OPERATION_NAMES, '__nondiff',
  ...[...DIFFERENTIABLE_MATH].map((f) => `__m_${f}`),
];

export const SANDBOX_RUNTIME: string = String.raw`
let __cap = 1024, __n = 0;
let A0 = new Int32Array(__cap), A1 = new Int32Array(__cap), D0 = new Float64Array(__cap), D1 = new Float64Array(__cap);
let ADJ = new Float64Array(__cap);
function __grow() {
  const c = __cap * 2;
  const a0 = new Int32Array(c); a0.set(A0); A0 = a0;
  const a1 = new Int32Array(c); a1.set(A1); A1 = a1;
  const d0 = new Float64Array(c); d0.set(D0); D0 = d0;
  const d1 = new Float64Array(c); d1.set(D1); D1 = d1;
  ADJ = new Float64Array(c);
  __cap = c;
}
// Recognised by identity when thrown (never by instanceof, which would run a thrown Proxy's trap).
let lastNotDifferentiable;
class NotDifferentiable extends Error {
  constructor(message) { super(message); lastNotDifferentiable = this; }
}
class __N {
  constructor(v, i, e) { this.v = v; this.i = i; this.e = e; }
  valueOf() { return this.v; }
  toString() { throw new NotDifferentiable('a string operation on a value that depends on the parameters'); }
}
// Each evaluation on the tape has its own epoch, and every node records the one it was made in.
// A node met in a later evaluation is a value the loss kept from one evaluation to the next
// (in a cache, in a closure, on an object, however it stored it): its tape index means nothing
// any more, and the function changes from call to call, so the differentiator stops there and
// says why — what the code does decides, not which names it calls.
let __ep = 0;
function __stale() {
  throw new NotDifferentiable('a value computed from the parameters in an earlier evaluation is used again: the loss keeps it '
    + 'from one evaluation to the next — compute it inside the loss, or at module level from data only');
}
function __live(x) {
  if (!(x instanceof __N)) return false;
  if (x.e !== __ep) __stale();
  return true;
}
function __node(v, a0, d0, a1, d1) {
  if (__n === __cap) __grow();
  const i = __n++;
  A0[i] = a0; D0[i] = d0; A1[i] = a1; D1[i] = d1;
  return new __N(v, i, __ep);
}
${binaryOperationsSource(TAPE)}
function __v(a) { return a instanceof __N ? a.v : a; }
${valueOperationsSource(TAPE)}
// Math's functions as they are before any snippet runs: the derivatives below and the fast paths'
// generated code call these, whatever a snippet does to the global Math.
const M = Object.freeze(Object.fromEntries(Object.getOwnPropertyNames(Math).map((k) => [k, Math[k]])));
const __M = M;
${unaryMathSource(TAPE)}
function __m_pow(a, b) { return __pow(a, b); }
// hypot(x₁…xₙ): ∂/∂xₖ = xₖ / hypot, one chained node per active argument.
function __m_hypot(...xs) {
  const vs = xs.map(__v), r = M.hypot(...vs);
  let out = r, first = true;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    if (!(__live(x))) continue;
    const d = r === 0 ? 0 : vs[k] / r;
    out = first ? __node(r, x.i, d, 0, 0) : __node(r, out.i, 1, x.i, d);
    first = false;
  }
  return out;
}
function __nondiff(what) { throw new NotDifferentiable(what); }
// Called by the differentiated module while it loads (see compile.ts): its fast-path gradients.
let registeredFast = null, registeredFwd = null, registeredFwdDim = 0, registeredHessian = null;
function __fast(f) { registeredFast = f; }
function __fwd(f, n) { registeredFwd = f; registeredFwdDim = n; }
// The straight-line Hessian (straightlineHessian.ts), for hessianRuntime.ts.
function __hfast(f) { registeredHessian = f; }
const __ops = Object.freeze({ ${OP_NAMES.join(', ')} });

// ---- entry points the sandbox process calls ----
const P = new Float64Array(1024);    // params in (the process writes them)
const G = new Float64Array(1024);    // gradient out
const B = new Int32Array(65536);     // batch indices in
let dim = 0, batchLength = -1;
let adFast = null, adFwd = null, adFwdDim = 0, adHessianFast = null;
// Which gradient path valueAndGrad takes: -1 the fastest that applies, else one of PATH (probe.ts).
let path = -1;
let plainLoss = null, adLoss = null, userGrad = null, plainData = null, adData = null;
let lastError = '';

function batchOf(data) {
  if (batchLength < 0 || data === null) return data === null ? undefined : data;
  const b = new Array(batchLength);
  for (let k = 0; k < batchLength; k++) b[k] = data[B[k]];
  return b;
}
function describe(r) {
  if (r === null) return 'null';
  if (typeof r === 'object' || typeof r === 'function') return 'a value of type ' + (Array.isArray(r) ? 'array' : typeof r);
  return 'a ' + typeof r + ' (' + String(r).slice(0, 40) + ')';
}
// What the last evaluation threw: its kind and the value itself, handed to the process's trusted
// code as is (sandbox.ts describes it there without running any of its code: no getter, no trap).
let lastThrown;
function fail(kind, e) {
  if (e === lastNotDifferentiable && e !== undefined) kind = 'nondiff';
  lastError = kind;
  lastThrown = e;
  return NaN;
}
function loadModules() {
  const plainExports = {};
  __modules[0](plainExports, __ops);
  let adExports = null;
  registeredFast = null; registeredFwd = null; registeredHessian = null;
  if (__modules[1] !== null) { adExports = {}; __modules[1](adExports, __ops); }
  const pick = (ex) => ex === null ? null : (typeof ex.default === 'function' ? ex.default : typeof ex.loss === 'function' ? ex.loss : null);
  plainLoss = pick(plainExports);
  adLoss = adExports === null ? null : pick(adExports);
  adFast = registeredFast;
  adFwd = registeredFwd;
  adFwdDim = registeredFwdDim;
  adHessianFast = registeredHessian;
  userGrad = typeof plainExports.grad === 'function' ? plainExports.grad : null;
  plainData = Array.isArray(plainExports.data) ? plainExports.data : null;
  adData = adExports !== null && Array.isArray(adExports.data) ? adExports.data : plainData;
  // Sizes first: an oversized export is reported by its length, never copied.
  const init = Array.isArray(plainExports.init) ? plainExports.init : null;
  const initLength = init === null ? 0 : init.length;
  const info = { hasLoss: plainLoss !== null, hasGrad: userGrad !== null,
    dataLength: plainData === null ? 0 : plainData.length, initLength,
    init: init !== null && initLength <= P.length ? init.map(Number) : null,
    domain: null };
  const d = plainExports.domain;
  if (d && Array.isArray(d.x) && Array.isArray(d.y) && d.x.length === 2 && d.y.length === 2) info.domain = { x: d.x.map(Number), y: d.y.map(Number) };
  return JSON.stringify(info);
}
function checked(r) {
  if (typeof r === 'number') return r;
  lastError = 'type';
  lastThrown = describe(r);
  return NaN;
}
`;

/** The gradient paths of a differentiated module, as flags (`paths()`) and choices (`setPath`). */
export const PATH = { tape: 0, straightLine: 1, forward: 2 } as const;

/**
 * The object the runtime script evaluates to. `attach` receives the snippet's modules once (the
 * plain and the differentiated module bodies, as functions of `exports` and `__ops`); the other
 * methods return numbers or primitive strings only.
 */
export const SANDBOX_API = String.raw`{
  P, G, B,
  attach(modules) { if (__modules === null) __modules = modules; },
  load() {
    lastError = ''; __beginEvaluation();
    try { return loadModules(); } catch (e) { fail('throw', e); return ''; }
  },
  setDim(n) { dim = n; },
  setBatch(n) { batchLength = n; },
  setPath(k) { path = k; },
  paths() { return (adFast !== null ? ${PATH.straightLine} : 0) | (adFwd !== null && dim === adFwdDim ? ${PATH.forward} : 0); },
  setAllocationBudget(bytes) { __budget = bytes; },
  error() { const e = lastError; lastError = ''; return e; },
  thrown() { const e = lastThrown; lastThrown = undefined; return e; },
  value() {
    lastError = ''; __beginEvaluation();
    try {
      const p = new Array(dim);
      for (let k = 0; k < dim; k++) p[k] = P[k];
      return checked(plainLoss(p, batchOf(plainData)));
    } catch (e) { return fail('throw', e); }
  },
  valueAndGrad() {
    lastError = ''; __beginEvaluation();
    try {
      if (adFast !== null && (path === -1 || path === ${PATH.straightLine})) return checked(adFast(P, G));
      if (adFwd !== null && dim === adFwdDim && (path === -1 || path === ${PATH.forward})) return checked(adFwd(P, G, batchOf(adData)));
      __n = dim + 1;
      if (__n >= __cap) { while (__cap <= __n) __grow(); }
      const p = new Array(dim);
      __ep++;
      for (let k = 0; k < dim; k++) p[k] = new __N(P[k], k + 1, __ep);
      const r = adLoss(p, batchOf(adData));
      if (__live(r)) {
        const top = r.i;
        ADJ.fill(0, 0, top + 1);
        ADJ[top] = 1;
        for (let i = top; i > dim; i--) {
          const g = ADJ[i];
          if (g !== 0) { ADJ[A0[i]] += D0[i] * g; ADJ[A1[i]] += D1[i] * g; }
        }
        for (let k = 0; k < dim; k++) G[k] = ADJ[k + 1];
        return checked(r.v);
      }
      for (let k = 0; k < dim; k++) G[k] = 0;
      return checked(r);
    } catch (e) { return fail('throw', e); }
  },
  userGrad() {
    lastError = ''; __beginEvaluation();
    try {
      const p = new Array(dim);
      for (let k = 0; k < dim; k++) p[k] = P[k];
      const g = userGrad(p, batchOf(plainData));
      if (!g || typeof g.length !== 'number' || g.length !== dim) {
        lastError = 'grad'; lastThrown = 'the grad export returned ' + describe(g) + ', expected an array of ' + dim + ' numbers';
        return NaN;
      }
      for (let k = 0; k < dim; k++) {
        const x = g[k];
        if (typeof x !== 'number') { lastError = 'grad'; lastThrown = 'the grad export returned ' + describe(x) + ' at index ' + k; return NaN; }
        G[k] = x;
      }
      return 0;
    } catch (e) { return fail('throw', e); }
  },
}`;

/** Names the differentiated code calls, for `Math.f` (see `__m_*` in the runtime). */
export { DIFFERENTIABLE_MATH };

/** The name generated code uses for runtime operation `op` (`__add` → `$adadd`) in namespace `ns` (bindings.ts). */
export function opName(ns: string, op: string): string {
  return ns + op.slice(2);
}

/**
 * The head of a snippet module's wrapper, up to its body: the module's parameters and the
 * operations, bound under names in namespace `ns`, which no name of the snippet can shadow or
 * collide with (`const __add = …` in a snippet is its own).
 */
export function moduleHead(ns: string): string {
  return `function (exports, ${ns}ops) { const { ${OP_NAMES.map((op) => `${op}: ${opName(ns, op)}`).join(', ')} } = ${ns}ops;`;
}
