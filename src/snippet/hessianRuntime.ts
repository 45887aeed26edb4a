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
 * Piecewise definitions (min/max, abs, comparisons, floor…) follow the branch taken, as the
 * gradient does; piecewise-constant functions have zero second derivative. Like runtime.ts, this
 * is a string evaluated inside the context, and it shares that file's closure (P, B, dim,
 * batchOf, fail, checked, M, NotDifferentiable, __stale, __modules).
 */

/** One-argument Math functions: f′ and f″ as expressions of the argument `x`, the result `r` and f′ `d`. */
const UNARY: readonly (readonly [string, string, string])[] = [
  ['sin', 'M.cos(x)', '-r'], ['cos', '-M.sin(x)', '-r'], ['tan', '1 + r * r', '2 * r * d'],
  ['asin', '1 / M.sqrt(1 - x * x)', 'x * d * d * d'], ['acos', '-1 / M.sqrt(1 - x * x)', 'x * d * d * d'],
  ['atan', '1 / (1 + x * x)', '-2 * x * d * d'],
  ['sinh', 'M.cosh(x)', 'r'], ['cosh', 'M.sinh(x)', 'r'], ['tanh', '1 - r * r', '-2 * r * d'],
  ['asinh', '1 / M.sqrt(x * x + 1)', '-x * d * d * d'], ['acosh', '1 / M.sqrt(x * x - 1)', '-x * d * d * d'],
  ['atanh', '1 / (1 - x * x)', '2 * x * d * d'],
  ['exp', 'r', 'r'], ['expm1', 'M.exp(x)', 'd'], ['log', '1 / x', '-d * d'], ['log1p', '1 / (1 + x)', '-d * d'],
  ['log2', '1 / (x * M.LN2)', '-d / x'], ['log10', '1 / (x * M.LN10)', '-d / x'],
  ['sqrt', '0.5 / r', '-0.25 / (r * r * r)'], ['cbrt', '1 / (3 * r * r)', '-2 / (9 * r * r * r * r * r)'],
  ['abs', 'x > 0 ? 1 : x < 0 ? -1 : 0', '0'],
];
/** f′ and f″ of the one-argument Math functions, as code in `x` (argument), `r` (result), `d` (f′) and `M` (Math). */
export const SECOND_DERIVATIVES: Readonly<Record<string, readonly [string, string]>> = Object.fromEntries(UNARY.map(([f, d, dd]) => [f, [d, dd]]));
const UNARY_SOURCE = UNARY.map(([f, d, dd]) => `function __hm_${f}(a) {
  if (__hlive(a)) { const x = a.v, r = M.${f}(x), d = ${d}; return __h1(r, a, d, ${dd}); }
  return M.${f}(__hv(a));
}`).join('\n');

/** The second-order operations, under the names the differentiated module destructures (OP_NAMES). */
const OPS = `{
  __M: M, __fast: __hnoop, __fwd: __hnoop, __hfast: __hnoop,
  __add: __hadd, __sub: __hsub, __mul: __hmul, __div: __hdiv, __mod: __hmod, __pow: __hpow, __neg: __hneg, __pos: __hpos,
  __t: __ht, __lt: (a, b) => __hv(a) < __hv(b), __le: (a, b) => __hv(a) <= __hv(b), __gt: (a, b) => __hv(a) > __hv(b),
  __ge: (a, b) => __hv(a) >= __hv(b), __eq: (a, b) => __hv(a) === __hv(b), __ne: (a, b) => __hv(a) !== __hv(b),
  __leq: (a, b) => __hv(a) == __hv(b), __lne: (a, b) => __hv(a) != __hv(b),
  __isFinite: (a) => Number.isFinite(__hv(a)), __isNaN: (a) => Number.isNaN(__hv(a)), __isInteger: (a) => Number.isInteger(__hv(a)),
  __nondiff: __nondiff,
  __m_sign: (a) => M.sign(__hv(a)), __m_floor: (a) => M.floor(__hv(a)), __m_ceil: (a) => M.ceil(__hv(a)),
  __m_round: (a) => M.round(__hv(a)), __m_trunc: (a) => M.trunc(__hv(a)),
  __m_pow: __hpow, __m_atan2: __hm_atan2, __m_hypot: __hm_hypot, __m_min: __hm_min, __m_max: __hm_max,
  ${UNARY.map(([f]) => `__m_${f}: __hm_${f}`).join(', ')}
}`;

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
function __hother(a, b, op) {
  if ((typeof a === 'string' || typeof b === 'string') && (a instanceof __H || b instanceof __H)) {
    throw new NotDifferentiable('a string operation on a value that depends on the parameters');
  }
  switch (op) {
    case 0: return a + b; case 1: return a - b; case 2: return a * b; case 3: return a / b; case 4: return a % b; default: return a ** b;
  }
}
function __hadd(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a + b;
    if (__hlive(b)) return __h1(a + b.v, b, 1, 0);
  } else if (__hlive(a)) {
    if (typeof b === 'number') return __h1(a.v + b, a, 1, 0);
    if (__hlive(b)) return __h2(a.v + b.v, a, b, 1, 1, 0, 0, 0);
  }
  return __hother(a, b, 0);
}
function __hsub(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a - b;
    if (__hlive(b)) return __h1(a - b.v, b, -1, 0);
  } else if (__hlive(a)) {
    if (typeof b === 'number') return __h1(a.v - b, a, 1, 0);
    if (__hlive(b)) return __h2(a.v - b.v, a, b, 1, -1, 0, 0, 0);
  }
  return __hother(a, b, 1);
}
function __hmul(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a * b;
    if (__hlive(b)) return __h1(a * b.v, b, a, 0);
  } else if (__hlive(a)) {
    if (typeof b === 'number') return __h1(a.v * b, a, b, 0);
    if (__hlive(b)) return __h2(a.v * b.v, a, b, b.v, a.v, 0, 1, 0);
  }
  return __hother(a, b, 2);
}
// r = a/b: ∂a = 1/b, ∂b = −r/b; ∂a∂b = −1/b², ∂b² = 2r/b².
function __hdiv(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a / b;
    if (__hlive(b)) { const r = a / b.v; return __h1(r, b, -r / b.v, 2 * r / (b.v * b.v)); }
  } else if (__hlive(a)) {
    if (typeof b === 'number') return __h1(a.v / b, a, 1 / b, 0);
    if (__hlive(b)) { const r = a.v / b.v; return __h2(r, a, b, 1 / b.v, -r / b.v, 0, -1 / (b.v * b.v), 2 * r / (b.v * b.v)); }
  }
  return __hother(a, b, 3);
}
// a % b = a − trunc(a/b)·b: piecewise linear, no second derivative.
function __hmod(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a % b;
  if ((__hlive(a) || typeof a === 'number') && (__hlive(b) || typeof b === 'number')) {
    const av = +a, bv = +b, r = av % bv, q = -Math.trunc(av / bv);
    if (__hlive(a) && __hlive(b)) return __h2(r, a, b, 1, q, 0, 0, 0);
    return __hlive(a) ? __h1(r, a, 1, 0) : __h1(r, b, q, 0);
  }
  return __hother(a, b, 4);
}
// a ** b, with the first-order conventions of runtime.ts at a = 0 (the ln a terms taken as 0).
function __hpow(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a ** b;
    if (__hlive(b)) { const r = a ** b.v, l = a === 0 ? 0 : Math.log(a); return __h1(r, b, r * l, r * l * l); }
  } else if (__hlive(a)) {
    if (typeof b === 'number') {
      if (b === 2) return __h1(a.v * a.v, a, 2 * a.v, 2);
      return __h1(a.v ** b, a, b === 0 ? 0 : b * a.v ** (b - 1), b === 0 || b === 1 ? 0 : b * (b - 1) * a.v ** (b - 2));
    }
    if (__hlive(b)) {
      const x = a.v, y = b.v, r = x ** y, l = x === 0 ? 0 : Math.log(x);
      const da = y === 0 ? 0 : y * x ** (y - 1);
      const daa = y === 0 || y === 1 ? 0 : y * (y - 1) * x ** (y - 2);
      const dab = x === 0 ? 0 : x ** (y - 1) * (1 + y * l);
      return __h2(r, a, b, da, r * l, daa, dab, r * l * l);
    }
  }
  return __hother(a, b, 5);
}
function __hneg(a) { return __hlive(a) ? __h1(-a.v, a, -1, 0) : -a; }
function __hpos(a) { return a instanceof __H ? a : +a; }
function __ht(a) { return a instanceof __H ? (a.v !== 0 && a.v === a.v) : a; }
${UNARY_SOURCE}
// atan2(y, x): ∂y = x/s, ∂x = −y/s (s = x² + y²); ∂y² = −2xy/s², ∂y∂x = (y² − x²)/s², ∂x² = 2xy/s².
function __hm_atan2(y, x) {
  const yv = __hv(y), xv = __hv(x), r = M.atan2(yv, xv);
  const ly = __hlive(y), lx = __hlive(x);
  if (!ly && !lx) return r;
  const s = xv * xv + yv * yv, s2 = s * s;
  const dy = xv / s, dx = -yv / s, dyy = -2 * xv * yv / s2, dyx = (yv * yv - xv * xv) / s2, dxx = 2 * xv * yv / s2;
  if (ly && lx) return __h2(r, y, x, dy, dx, dyy, dyx, dxx);
  return ly ? __h1(r, y, dy, dyy) : __h1(r, x, dx, dxx);
}
// hypot(x₁…xₙ) = √(Σxₖ²): the sum of squares on the tape, then the root (value: Math.hypot's own).
function __hm_hypot(...xs) {
  const r = M.hypot(...xs.map(__hv));
  let q = 0;
  for (const x of xs) q = __hadd(q, __hmul(x, x));
  if (!__hlive(q)) return r;
  return r === 0 ? __h1(r, q, 0, 0) : __h1(r, q, 0.5 / r, -0.25 / (r * r * r));
}
// min/max: the result's derivative split evenly between tied arguments (runtime.ts's __extreme).
function __hextreme(xs, m) {
  let k = 0, active = 0;
  for (let j = 0; j < xs.length; j++) {
    const v = +__hv(xs[j]);
    if (v === m || (m !== m && v !== v)) { k++; if (__hlive(xs[j])) active++; }
  }
  if (active === 0) return m;
  if (k === 1) for (let j = 0; j < xs.length; j++) if (__hlive(xs[j]) && +xs[j].v === m) return xs[j];
  let out = null;
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j];
    if (!__hlive(x) || !(x.v === m || (m !== m && x.v !== x.v))) continue;
    out = out === null ? __h1(m, x, 1 / k, 0) : __h2(m, out, x, 1, 1 / k, 0, 0, 0);
  }
  return out;
}
function __hm_min(...xs) { return __hextreme(xs, M.min(...xs.map(__hv))); }
function __hm_max(...xs) { return __hextreme(xs, M.max(...xs.map(__hv))); }
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
