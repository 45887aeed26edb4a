/**
 * The derivative rules of every operation the differentiator handles, declared once: for each
 * operator and Math function, the code of its first and second partial derivatives. The
 * reverse-mode tape (runtime.ts), its second-order twin (hessianRuntime.ts) and the straight-line
 * and forward-mode code generators (straightline.ts, straightlineHessian.ts, forwardRules.ts)
 * all build their code from these, so every path differentiates an operation the same way.
 *
 * Rules are code builders: they receive the code (a name, or a parenthesised expression) of the
 * operands' values `x` (and `y`), of the result `r`, of f′ `d` where a second derivative reuses
 * it, and of `M`, the binding of Math's functions as they were before any snippet ran.
 *
 * Conventions where a partial is undefined follow the limit along the defined side, as torch
 * does: ∂(a^b)/∂b = a^b·ln a taken as 0 at a = 0; b·a^(b−1) taken as 0 at b = 0; the derivative
 * of |x| is 0 at 0.
 */

/** A one-argument Math function: f′ from the argument x, the result r; f″ from x, r and d = f′. */
export interface UnaryRule {
  readonly d1: (x: string, r: string, M: string) => string;
  readonly d2: (x: string, r: string, d: string, M: string) => string;
}

export const UNARY_RULES: Readonly<Record<string, UnaryRule>> = {
  sin: { d1: (x, _r, M) => `${M}.cos(${x})`, d2: (_x, r) => `(-${r})` },
  cos: { d1: (x, _r, M) => `(-${M}.sin(${x}))`, d2: (_x, r) => `(-${r})` },
  tan: { d1: (_x, r) => `(1 + ${r} * ${r})`, d2: (_x, r, d) => `(2 * ${r} * ${d})` },
  asin: { d1: (x, _r, M) => `(1 / ${M}.sqrt(1 - ${x} * ${x}))`, d2: (x, _r, d) => `(${x} * ${d} * ${d} * ${d})` },
  acos: { d1: (x, _r, M) => `(-1 / ${M}.sqrt(1 - ${x} * ${x}))`, d2: (x, _r, d) => `(${x} * ${d} * ${d} * ${d})` },
  atan: { d1: (x) => `(1 / (1 + ${x} * ${x}))`, d2: (x, _r, d) => `(-2 * ${x} * ${d} * ${d})` },
  sinh: { d1: (x, _r, M) => `${M}.cosh(${x})`, d2: (_x, r) => r },
  cosh: { d1: (x, _r, M) => `${M}.sinh(${x})`, d2: (_x, r) => r },
  tanh: { d1: (_x, r) => `(1 - ${r} * ${r})`, d2: (_x, r, d) => `(-2 * ${r} * ${d})` },
  asinh: { d1: (x, _r, M) => `(1 / ${M}.sqrt(${x} * ${x} + 1))`, d2: (x, _r, d) => `(-${x} * ${d} * ${d} * ${d})` },
  acosh: { d1: (x, _r, M) => `(1 / ${M}.sqrt(${x} * ${x} - 1))`, d2: (x, _r, d) => `(-${x} * ${d} * ${d} * ${d})` },
  atanh: { d1: (x) => `(1 / (1 - ${x} * ${x}))`, d2: (x, _r, d) => `(2 * ${x} * ${d} * ${d})` },
  exp: { d1: (_x, r) => r, d2: (_x, r) => r },
  expm1: { d1: (x, _r, M) => `${M}.exp(${x})`, d2: (_x, _r, d) => d },
  log: { d1: (x) => `(1 / ${x})`, d2: (_x, _r, d) => `(-${d} * ${d})` },
  log1p: { d1: (x) => `(1 / (1 + ${x}))`, d2: (_x, _r, d) => `(-${d} * ${d})` },
  log2: { d1: (x, _r, M) => `(1 / (${x} * ${M}.LN2))`, d2: (x, _r, d) => `(-${d} / ${x})` },
  log10: { d1: (x, _r, M) => `(1 / (${x} * ${M}.LN10))`, d2: (x, _r, d) => `(-${d} / ${x})` },
  sqrt: { d1: (_x, r) => `(0.5 / ${r})`, d2: (_x, r) => `(-0.25 / (${r} * ${r} * ${r}))` },
  cbrt: { d1: (_x, r) => `(1 / (3 * ${r} * ${r}))`, d2: (_x, r) => `(-2 / (9 * ${r} * ${r} * ${r} * ${r} * ${r}))` },
  abs: { d1: (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : 0)`, d2: () => '0' },
};

/** Math functions that are piecewise constant: derivative 0, so their result is a plain number. */
export const CONSTANT_MATH: readonly string[] = ['sign', 'floor', 'ceil', 'round', 'trunc'];

/**
 * A two-operand operation r = f(x, y): its value, its partials ∂x, ∂y and its second partials
 * ∂x², ∂x∂y, ∂y², from the code of x, y, r and M.
 */
export interface BinaryRule {
  readonly value: (x: string, y: string, M: string) => string;
  readonly dx: Builder;
  readonly dy: Builder;
  readonly dxx: Builder;
  readonly dxy: Builder;
  readonly dyy: Builder;
  /** A cheaper exact rule where y is the constant 2 (x ** 2: the value x·x, ∂x = 2x, ∂x² = 2). */
  readonly squared?: { readonly value: (x: string) => string; readonly dx: (x: string) => string; readonly dxx: string };
}
type Builder = (x: string, y: string, r: string, M: string) => string;

const zero: Builder = () => '0';
const one: Builder = () => '1';

/** ln x for a^b's partials, taken as 0 at x = 0. */
const lnOr0 = (x: string, M: string): string => `(${x} === 0 ? 0 : ${M}.log(${x}))`;

/** The operators, in the order of the runtimes' `__other` fallback (its `op` argument). */
export const BINARY_RULES = {
  add: { value: (x, y) => `${x} + ${y}`, dx: one, dy: one, dxx: zero, dxy: zero, dyy: zero },
  sub: { value: (x, y) => `${x} - ${y}`, dx: one, dy: () => '-1', dxx: zero, dxy: zero, dyy: zero },
  mul: { value: (x, y) => `${x} * ${y}`, dx: (_x, y) => y, dy: (x) => x, dxx: zero, dxy: one, dyy: zero },
  div: {
    value: (x, y) => `${x} / ${y}`, dx: (_x, y) => `(1 / ${y})`, dy: (_x, y, r) => `(-${r} / ${y})`,
    dxx: zero, dxy: (_x, y) => `(-1 / (${y} * ${y}))`, dyy: (_x, y, r) => `(2 * ${r} / (${y} * ${y}))`,
  },
  // x % y = x − trunc(x / y)·y: piecewise linear.
  mod: { value: (x, y) => `${x} % ${y}`, dx: one, dy: (x, y, _r, M) => `(-${M}.trunc(${x} / ${y}))`, dxx: zero, dxy: zero, dyy: zero },
  pow: {
    value: (x, y) => `${x} ** ${y}`,
    dx: (x, y) => `(${y} === 0 ? 0 : ${y} * ${x} ** (${y} - 1))`,
    dy: (x, _y, r, M) => `(${x} === 0 ? 0 : ${r} * ${M}.log(${x}))`,
    dxx: (x, y) => `(${y} === 0 || ${y} === 1 ? 0 : ${y} * (${y} - 1) * ${x} ** (${y} - 2))`,
    dxy: (x, y, _r, M) => `(${x} === 0 ? 0 : ${x} ** (${y} - 1) * (1 + ${y} * ${M}.log(${x})))`,
    dyy: (x, _y, r, M) => `(${r} * ${lnOr0(x, M)} * ${lnOr0(x, M)})`,
    squared: { value: (x) => `${x} * ${x}`, dx: (x) => `(2 * ${x})`, dxx: '2' },
  },
  // atan2(x, y), the angle of the point (y, x): with s = x² + y², ∂x = y/s, ∂y = −x/s.
  atan2: {
    value: (x, y, M) => `${M}.atan2(${x}, ${y})`,
    dx: (x, y) => `(${y} / (${y} * ${y} + ${x} * ${x}))`,
    dy: (x, y) => `(-${x} / (${y} * ${y} + ${x} * ${x}))`,
    dxx: (x, y) => `(-2 * ${y} * ${x} / ((${y} * ${y} + ${x} * ${x}) * (${y} * ${y} + ${x} * ${x})))`,
    dxy: (x, y) => `((${x} * ${x} - ${y} * ${y}) / ((${y} * ${y} + ${x} * ${x}) * (${y} * ${y} + ${x} * ${x})))`,
    dyy: (x, y) => `(2 * ${y} * ${x} / ((${y} * ${y} + ${x} * ${x}) * (${y} * ${y} + ${x} * ${x})))`,
  },
} as const satisfies Readonly<Record<string, BinaryRule>>;

export type BinaryOp = keyof typeof BINARY_RULES;
/** The binary operations, by the index the runtimes' fallback receives. */
export const BINARY_OPS = Object.keys(BINARY_RULES) as readonly BinaryOp[];

/** How a runtime records a node (runtime.ts: the tape; hessianRuntime.ts: the tape with tangents). */
export interface NodeShape {
  /** Name prefix of its operations (`__` or `__h`) and of its Math functions (`__m_` or `__hm_`). */
  readonly prefix: string;
  readonly mathPrefix: string;
  /** Its class of active values, and its test for one on the current tape. */
  readonly valueClass: string;
  readonly live: string;
  /** Its function giving the number of a value, active or not. */
  readonly value: string;
  /** A node of value `r` on the one active operand `o` (`a` or `b`), with partial `d` and second partial `dd`. */
  one(r: string, o: string, d: string, dd: string): string;
  /** A node of value `r` on the two active operands `a` and `b`. */
  two(r: string, a: string, b: string, dx: string, dy: string, dxx: string, dxy: string, dyy: string): string;
}

/**
 * The source of a runtime's binary operations (`__add` … `__pow`, and Math.atan2) and of its
 * fallback for operands that are neither numbers nor live values, from BINARY_RULES: two plain
 * numbers at plain speed, else a node with the rule's partials for each active operand.
 */
export function binaryOperationsSource(s: NodeShape): string {
  const functions = BINARY_OPS.map((op, k) => {
    const rule: BinaryRule = BINARY_RULES[op];
    const name = op === 'atan2' ? `${s.mathPrefix}atan2` : `${s.prefix}${op}`;
    const r = (x: string, y: string): string => rule.value(x, y, 'M');
    const d = (b: Builder): string => b('x', 'y', 'r', 'M');
    const squared = rule.squared
      ? `if (b === 2) { const x = a.v; return ${s.one(rule.squared.value('x'), 'a', rule.squared.dx('x'), rule.squared.dxx)}; }\n      `
      : '';
    return `function ${name}(a, b) {
  if (typeof a === 'number') {
    if (typeof b === 'number') return ${r('a', 'b')};
    if (${s.live}(b)) { const x = a, y = b.v, r = ${r('x', 'y')}; return ${s.one('r', 'b', d(rule.dy), d(rule.dyy))}; }
  } else if (${s.live}(a)) {
    if (typeof b === 'number') {
      ${squared}const x = a.v, y = b, r = ${r('x', 'y')}; return ${s.one('r', 'a', d(rule.dx), d(rule.dxx))};
    }
    if (${s.live}(b)) { const x = a.v, y = b.v, r = ${r('x', 'y')}; return ${s.two('r', 'a', 'b', d(rule.dx), d(rule.dy), d(rule.dxx), d(rule.dxy), d(rule.dyy))}; }
  }
  return ${s.prefix}other(a, b, ${k});
}`;
  });
  const cases = BINARY_OPS.map((op, k) => `case ${k}: return ${BINARY_RULES[op].value('a', 'b', 'M')};`).join(' ');
  return `${functions.join('\n')}
// Operands neither plain numbers nor values of this tape (strings, booleans, objects): as JavaScript
// computes them, but never a string operation on a value that depends on the parameters.
function ${s.prefix}other(a, b, op) {
  if ((typeof a === 'string' || typeof b === 'string') && (a instanceof ${s.valueClass} || b instanceof ${s.valueClass})) {
    throw new NotDifferentiable('a string operation on a value that depends on the parameters');
  }
  switch (op) { ${cases} }
}`;
}

/** The source of a runtime's one-argument Math functions (`__m_sin` …), from UNARY_RULES and CONSTANT_MATH. */
export function unaryMathSource(s: NodeShape): string {
  const differentiable = Object.entries(UNARY_RULES).map(([f, rule]) => `function ${s.mathPrefix}${f}(a) {
  if (${s.live}(a)) { const x = a.v, r = M.${f}(x), d = ${rule.d1('x', 'r', 'M')}; return ${s.one('r', 'a', 'd', rule.d2('x', 'r', 'd', 'M'))}; }
  return M.${f}(${s.value}(a));
}`);
  // Piecewise-constant functions: derivative 0, so the result is a plain number.
  const constant = CONSTANT_MATH.map((f) => `const ${s.mathPrefix}${f} = (a) => M.${f}(${s.value}(a));`);
  return [...differentiable, ...constant].join('\n');
}

/** Every Math function the differentiated code calls as `__m_f` (differentiate.ts). */
export const DIFFERENTIABLE_MATH: ReadonlySet<string> = new Set([
  ...Object.keys(UNARY_RULES), ...CONSTANT_MATH, 'pow', 'atan2', 'hypot', 'min', 'max',
]);

/** Comparisons: on the values, whatever depends on the parameters (a branch follows the value). */
const COMPARISONS: Readonly<Record<string, string>> = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '===', ne: '!==', leq: '==', lne: '!=' };
const PREDICATES = ['isFinite', 'isNaN', 'isInteger'];

/**
 * The source of a runtime's other operations: negation, unary plus, truthiness (`__t`),
 * comparisons, Number's predicates, and Math.min/max (the result's derivative split evenly
 * between the arguments equal to it — ties, or the NaN arguments when it is NaN — as
 * torch.amax/amin and torch.maximum/minimum do).
 */
export function valueOperationsSource(s: NodeShape): string {
  const { prefix: p, valueClass: N, live, value: v } = s;
  return [
    `function ${p}neg(a) { return ${live}(a) ? ${s.one('-a.v', 'a', '-1', '0')} : -a; }`,
    `function ${p}pos(a) { return a instanceof ${N} ? a : +a; }`,
    `function ${p}t(a) { return a instanceof ${N} ? (a.v !== 0 && a.v === a.v) : a; }`,
    ...Object.entries(COMPARISONS).map(([name, op]) => `function ${p}${name}(a, b) { return ${v}(a) ${op} ${v}(b); }`),
    ...PREDICATES.map((f) => `function ${p}${f}(a) { return Number.${f}(${v}(a)); }`),
    `function ${p}extreme(xs, m) {
  let k = 0, active = 0;
  for (let j = 0; j < xs.length; j++) {
    const v = +${v}(xs[j]);
    if (v === m || (m !== m && v !== v)) { k++; if (${live}(xs[j])) active++; }
  }
  if (active === 0) return m;
  if (k === 1) for (let j = 0; j < xs.length; j++) if (${live}(xs[j]) && +xs[j].v === m) return xs[j];
  let out = null;
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j];
    if (!${live}(x) || !(x.v === m || (m !== m && x.v !== x.v))) continue;
    out = out === null ? ${s.one('m', 'x', '1 / k', '0')} : ${s.two('m', 'out', 'x', '1', '1 / k', '0', '0', '0')};
  }
  return out;
}`,
    `function ${s.mathPrefix}min(...xs) { return ${p}extreme(xs, M.min(...xs.map(${v}))); }`,
    `function ${s.mathPrefix}max(...xs) { return ${p}extreme(xs, M.max(...xs.map(${v}))); }`,
  ].join('\n');
}

/** The names of the operations valueOperationsSource, binaryOperationsSource and unaryMathSource define, as the differentiated code calls them. */
export const OPERATION_NAMES: readonly string[] = [
  ...BINARY_OPS.filter((op) => op !== 'atan2'), 'neg', 'pos', 't', ...Object.keys(COMPARISONS), ...PREDICATES,
].map((op) => `__${op}`);
