/**
 * Exact Hessians of a loss snippet, inside the sandbox's `vm` context next to the reverse-mode
 * tape (runtime.ts): the SAME differentiated module — the source transform of differentiate.ts,
 * which turns every operation into a call of an operation it is given — is instantiated a second
 * time with the second-order operations below, so a snippet's Hessian follows exactly the code,
 * branches and loops its gradient follows, and every construct the tape handles.
 *
 * Mode: FORWARD-OVER-REVERSE (Pearlmutter 1994; Griewank & Walther, "Evaluating Derivatives",
 * ch. 5). A loss is ℝⁿ → ℝ: reverse mode gives its gradient in one backward sweep, and pushing a
 * tangent direction v forward through that computation gives H·v for the price of a few
 * gradients, whatever n is. Reverse-over-forward would need a tape of the forward tangent
 * computation, twice as long, and n forward sweeps to assemble the gradient first; forward-over-
 * forward (Taylor) costs O(n²) per operation. Concretely: every active value carries, besides its
 * value, its tangents along W directions at once (W ≤ 8 lanes); every tape node records its local
 * partials ∂node/∂parent AND their tangents (second derivatives of the operation times the
 * operands' tangents); the backward sweep then carries, for each node, its adjoint ā and the
 * adjoint's tangents ā̇:
 *
 *     ā_parent  += d·ā_node
 *     ā̇_parent  += ḋ·ā_node + d·ā̇_node          (lane by lane)
 *
 * and ā̇ at the parameters is H·v for each lane's direction v. With the unit directions e₁…e_n in
 * chunks of W lanes, ⌈n/W⌉ evaluations give the whole Hessian (one for n ≤ 8); one lane with a
 * given v gives a Hessian-vector product (for Lanczos, above 50 parameters).
 *
 * The operations are generated from the rules both tapes read (derivativeRules.ts): the partials
 * and second partials of each operator and Math function, declared once. Piecewise definitions
 * (min/max, abs, comparisons, floor…) follow the branch taken, as the gradient does;
 * piecewise-constant functions have zero second derivative. Like runtime.ts, this
 * is a string evaluated inside the context, and it shares that file's closure (P, B, dim,
 * batchOf, fail, checked, M, NotDifferentiable, __stale, __modules).
 */

import { binaryOperationsSource, type NodeShape, unaryMathSource, valueOperationsSource } from './derivativeRules';
import { OP_NAMES } from './runtime';

/** How the second-order tape records a node: its partials and their tangents (`__h1`, `__h2`). */
const TAPE_WITH_TANGENTS: NodeShape = {
  prefix: '__h', mathPrefix: '__hm_', valueClass: '__H', live: '__hlive', value: '__hv',
  one: (r, o, d, dd) => `__h1(${r}, ${o}, ${d}, ${dd})`,
  two: (r, a, b, dx, dy, dxx, dxy, dyy) => `__h2(${r}, ${a}, ${b}, ${dx}, ${dy}, ${dxx}, ${dxy}, ${dyy})`,
};

/** This runtime's function for each operation the differentiated module destructures (OP_NAMES). */
function secondOrder(op: string): string {
  if (op === '__M') return 'M';
  if (op === '__fast' || op === '__fwd' || op === '__hfast') return '__hnoop';
  if (op === '__nondiff') return op;
  return op.startsWith('__m_') ? `__hm_${op.slice(4)}` : `__h${op.slice(2)}`;
}
const OPS = `{ ${OP_NAMES.map((op) => `${op}: ${secondOrder(op)}`).join(', ')} }`;

/** Lanes: directions pushed through one evaluation (the Hessian of ≤ 8 parameters in one pass). */
export const HESSIAN_LANES = 8;
/** Largest parameter count whose whole Hessian the context returns (engine: FULL_HESSIAN_MAX_DIM). */
export const MAX_HESSIAN_DIM = 64;

export const HESSIAN_RUNTIME: string = String.raw`
const __HL = ${HESSIAN_LANES};
let __hc = 1024, __hk = 0, __W = 1, __hep = 0;
let HA0 = new Int32Array(__hc), HA1 = new Int32Array(__hc), HD0 = new Float64Array(__hc), HD1 = new Float64Array(__hc);
// Per node and lane: the tangent of its value, and of its two partials.
let HT = new Float64Array(__hc * __HL), HE0 = new Float64Array(__hc * __HL), HE1 = new Float64Array(__hc * __HL);
let HADJ = new Float64Array(__hc), HADJT = new Float64Array(__hc * __HL);
function __hgrow() {
  const c = __hc * 2;
  const grow = (a, n) => { const b = new a.constructor(n); b.set(a); return b; };
  HA0 = grow(HA0, c); HA1 = grow(HA1, c); HD0 = grow(HD0, c); HD1 = grow(HD1, c);
  HT = grow(HT, c * __HL); HE0 = grow(HE0, c * __HL); HE1 = grow(HE1, c * __HL);
  HADJ = new Float64Array(c); HADJT = new Float64Array(c * __HL);
  __hc = c;
}
class __H {
  constructor(v, i, e) { this.v = v; this.i = i; this.e = e; }
  valueOf() { return this.v; }
  toString() { throw new NotDifferentiable('a string operation on a value that depends on the parameters'); }
}
function __hlive(x) {
  if (!(x instanceof __H)) return false;
  if (x.e !== __hep) __stale();
  return true;
}
function __hv(a) { return a instanceof __H ? a.v : a; }
function __hnoop() {}
function __hslot() {
  if (__hk === __hc) __hgrow();
  return __hk++;
}
// r = f(a): partial d = f′(a), its tangents f″(a)·ȧ; r's tangents d·ȧ.
function __h1(v, a, d, dd) {
  const i = __hslot(), W = __W, ai = a.i;
  HA0[i] = ai; HD0[i] = d; HA1[i] = 0; HD1[i] = 0;
  const o = i * W, oa = ai * W;
  for (let j = 0; j < W; j++) { const t = HT[oa + j]; HT[o + j] = d * t; HE0[o + j] = dd * t; HE1[o + j] = 0; }
  return new __H(v, i, __hep);
}
// r = f(a, b): partials da, db; second derivatives daa, dab, dbb.
function __h2(v, a, b, da, db, daa, dab, dbb) {
  const i = __hslot(), W = __W, ai = a.i, bi = b.i;
  HA0[i] = ai; HD0[i] = da; HA1[i] = bi; HD1[i] = db;
  const o = i * W, oa = ai * W, ob = bi * W;
  for (let j = 0; j < W; j++) {
    const ta = HT[oa + j], tb = HT[ob + j];
    HT[o + j] = da * ta + db * tb; HE0[o + j] = daa * ta + dab * tb; HE1[o + j] = dab * ta + dbb * tb;
  }
  return new __H(v, i, __hep);
}
${binaryOperationsSource(TAPE_WITH_TANGENTS)}
${valueOperationsSource(TAPE_WITH_TANGENTS)}
${unaryMathSource(TAPE_WITH_TANGENTS)}
function __hm_pow(a, b) { return __hpow(a, b); }
// hypot(x₁…xₙ) = √(Σxₖ²): the sum of squares on the tape, then the root (value: Math.hypot's own).
function __hm_hypot(...xs) {
  const r = M.hypot(...xs.map(__hv));
  let q = 0;
  for (const x of xs) q = __hadd(q, __hmul(x, x));
  if (!__hlive(q)) return r;
  return r === 0 ? __h1(r, q, 0, 0) : __h1(r, q, 0.5 / r, -0.25 / (r * r * r));
}
const __hops = Object.freeze(${OPS});

// ---- the Hessian's entry points ----
const H = new Float64Array(${MAX_HESSIAN_DIM * MAX_HESSIAN_DIM});  // the Hessian out, row-major dim × dim
const V = new Float64Array(1024);   // a direction in
const HV = new Float64Array(1024);  // H·V out
let hLoss = null, hData = null, hLoaded = false;
// The straight-line Hessian the differentiated module registered (straightlineHessian.ts), and
// which path hessian() takes: -1 the fastest that applies, 0 the tape (the probe's choice).
let hPath = -1;
const HG = new Float64Array(1024);
// The differentiated module once more, bound to the second-order operations.
function hLoad() {
  if (!hLoaded) {
    hLoaded = true;
    if (__modules !== null && __modules[1] !== null) {
      const ex = {};
      __modules[1](ex, __hops);
      hLoss = typeof ex.default === 'function' ? ex.default : typeof ex.loss === 'function' ? ex.loss : null;
      hData = Array.isArray(ex.data) ? ex.data : plainData;
    }
  }
  return hLoss !== null;
}
// One evaluation with W lanes, the tangent of parameter k in lane j from seed(k, j); then the
// backward sweep. Returns the loss's value (its adjoint tangents are in HADJT at nodes 1…dim).
function hEvaluate(W, seed) {
  __W = W;
  __hk = dim + 1;
  while (__hc <= __hk) __hgrow();
  __hep++;
  HT.fill(0, 0, W);
  const p = new Array(dim);
  for (let k = 0; k < dim; k++) {
    p[k] = new __H(P[k], k + 1, __hep);
    for (let j = 0; j < W; j++) HT[(k + 1) * W + j] = seed(k, j);
  }
  const r = hLoss(p, batchOf(hData));
  const top = __hlive(r) ? r.i : -1;
  HADJT.fill(0, 0, (Math.max(top, dim) + 1) * W);
  if (top < 0) return r;
  HADJ.fill(0, 0, top + 1);
  HADJ[top] = 1;
  for (let i = top; i > dim; i--) {
    const g = HADJ[i], a0 = HA0[i], a1 = HA1[i], d0 = HD0[i], d1 = HD1[i], o = i * W, o0 = a0 * W, o1 = a1 * W;
    if (g !== 0) { HADJ[a0] += d0 * g; HADJ[a1] += d1 * g; }
    for (let j = 0; j < W; j++) {
      const t = HADJT[o + j];
      HADJT[o0 + j] += HE0[o + j] * g + d0 * t;
      HADJT[o1 + j] += HE1[o + j] * g + d1 * t;
    }
  }
  return r.v;
}
function hUnavailable() {
  lastError = 'nondiff\nthe loss has no differentiated module (its gradient is not computed by automatic differentiation)\n';
  return NaN;
}
`;

/** The context-side entry points, merged into SANDBOX_API. */
export const HESSIAN_API = String.raw`{
  H, V, HV,
  setHessianPath(k) { hPath = k; },
  hessianPaths() { return adHessianFast !== null ? 1 : 0; },
  hessian() {
    lastError = '';
    try {
      if (adHessianFast !== null && hPath !== 0) return checked(adHessianFast(P, HG, H));
      if (!hLoad()) return hUnavailable();
      const W = Math.min(dim, __HL);
      let value = NaN;
      for (let c0 = 0; c0 < dim; c0 += W) {
        const lanes = Math.min(W, dim - c0);
        const r = hEvaluate(lanes, (k, j) => (k === c0 + j ? 1 : 0));
        value = r;
        for (let k = 0; k < dim; k++) for (let j = 0; j < lanes; j++) H[k * dim + c0 + j] = HADJT[(k + 1) * lanes + j];
      }
      return checked(value);
    } catch (e) { return fail('throw', e); }
  },
  hessianVector() {
    lastError = '';
    try {
      if (!hLoad()) return hUnavailable();
      const r = hEvaluate(1, (k) => V[k]);
      for (let k = 0; k < dim; k++) HV[k] = HADJT[k + 1];
      return checked(r);
    } catch (e) { return fail('throw', e); }
  },
}`;
