import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { getProblem, PROBLEMS } from '../../src/engine/problems';
import type { Sandbox } from '../../src/snippet/sandbox';
import { assertClose, centralDifferences, compiled, sandbox, tapeSandbox, valueAndGrad } from './helpers';

/** The TypeScript snippet of built-in problem `name`. */
function presetSource(name: string): string {
  const problem = getProblem(name);
  assert.ok(problem, `no preset ${name}`);
  return problem.source;
}

/** One or more snippets per construct the differentiator follows, each checked against central differences. */
const CONSTRUCTS: readonly { readonly name: string; readonly source: string; readonly at: readonly number[] }[] = [
  { name: '+ and -', source: 'export default ([x, y]: number[]) => x + y - 3 * x - (y - x);', at: [0.3, -1.2] },
  { name: '* and /', source: 'export default ([x, y]: number[]) => (x * y) / (1 + x * x) + 2 / y;', at: [0.7, 1.9] },
  { name: '%', source: 'export default ([x, y]: number[]) => (x * 7.3) % 2 + (5 % y) * y;', at: [0.45, 1.7] },
  { name: '** with constant and variable exponent', source: 'export default ([x, y]: number[]) => x ** 3 + 2 ** y + x ** y + (x * x) ** 0.5;', at: [1.3, 0.8] },
  { name: 'unary minus and plus', source: 'export default ([x, y]: number[]) => -x * -y + +x - -(-y);', at: [0.9, -0.4] },
  { name: 'compound assignments', source: `export default function loss([x, y]: number[]) {
  let s = x; s += y; s -= 0.5 * x; s *= y; s /= 1 + x * x; s **= 2;
  let m = x * 10; m %= 3;
  return s + m;
}`, at: [0.8, 1.3] },
  { name: 'prefix and postfix ++/-- on values', source: `export default function loss([x, y]: number[]) {
  let a = x, b = y;
  a++; ++a; b--; --b;
  const c = a++ * 2;   // old value
  const d = --b * 3;   // new value
  return a * b + c + d;
}`, at: [0.6, 2.1] },
  { name: 'Math.sin cos tan', source: 'export default ([x, y]: number[]) => Math.sin(x) * Math.cos(y) + Math.tan(x * y);', at: [0.4, 0.9] },
  { name: 'Math.asin acos atan atan2', source: 'export default ([x, y]: number[]) => Math.asin(x / 2) + Math.acos(y / 3) + Math.atan(x * y) + Math.atan2(y, x);', at: [0.5, 1.1] },
  { name: 'Math.sinh cosh tanh', source: 'export default ([x, y]: number[]) => Math.sinh(x) + Math.cosh(y) * Math.tanh(x - y);', at: [0.3, -0.6] },
  { name: 'Math.asinh acosh atanh', source: 'export default ([x, y]: number[]) => Math.asinh(x) + Math.acosh(1 + y * y + 0.5) + Math.atanh(x / 3);', at: [0.7, 0.8] },
  { name: 'Math.exp expm1 log log1p', source: 'export default ([x, y]: number[]) => Math.exp(x) + Math.expm1(y) + Math.log(x * y) + Math.log1p(x);', at: [0.9, 1.4] },
  { name: 'Math.log2 log10 sqrt cbrt', source: 'export default ([x, y]: number[]) => Math.log2(x) * Math.log10(y) + Math.sqrt(x + y) + Math.cbrt(x - y);', at: [2.3, 1.1] },
  { name: 'Math.pow and hypot', source: 'export default ([x, y, z]: number[]) => Math.pow(x, 3) + Math.pow(y, z) + Math.hypot(x, y, z, 2);', at: [1.2, 1.5, 0.7] },
  { name: 'Math.abs sign', source: 'export default ([x, y]: number[]) => Math.abs(x) * y + Math.sign(y) * x + Math.abs(y - 3);', at: [-0.8, 1.3] },
  { name: 'Math.min max', source: 'export default ([x, y, z]: number[]) => Math.max(x, y, z) * 2 + Math.min(x, y) - Math.max(...[x * x, 0.1]);', at: [0.2, 1.4, 0.9] },
  { name: 'Math.floor ceil round trunc (piecewise constant)', source: 'export default ([x, y]: number[]) => Math.floor(x) * y + Math.ceil(y) * x + Math.round(x * 3) + Math.trunc(y) * x * y;', at: [1.3, 2.6] },
  { name: 'comparisons and ternaries', source: 'export default ([x, y]: number[]) => (x > y ? x * x : y * y) + (x <= 0.5 ? 3 * x : 0) + (x === y ? 100 : x * y);', at: [1.2, 0.3] },
  { name: 'if / else if / else', source: `export default function loss([x, y]: number[]) {
  let r: number;
  if (x < 0) r = -x * y;
  else if (y >= 2) r = x * y * y;
  else { r = Math.exp(x) + y; }
  if (!(r > 100)) r = r * 2;
  return r;
}`, at: [0.4, 2.5] },
  { name: 'for loop with counter', source: `export default function loss(p: number[]) {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (i + 1) * p[i] * p[i];
  return s;
}`, at: [0.3, -1.1, 2.2, 0.7] },
  { name: 'while and do-while', source: `export default function loss([x, y]: number[]) {
  let s = 0, k = 0;
  while (k < 4) { s += x ** k; k++; }
  let t = y;
  do { t = t * 0.5 + x; k--; } while (k > 0);
  return s + t;
}`, at: [0.7, 1.6] },
  { name: 'loop that runs until a value condition', source: `export default function loss([x]: number[]) {
  let v = x, n = 0;
  while (v < 10 && n < 50) { v = v * 1.5 + 0.1; n++; }
  return v;
}`, at: [0.8] },
  { name: 'for-of and for-in', source: `export default function loss(p: number[]) {
  let s = 0;
  for (const v of p) s += Math.sin(v);
  for (const k in p) s += p[k] * Number(k);
  return s;
}`, at: [0.5, 1.5, -0.5] },
  { name: 'helper functions and recursion', source: `function sq(v: number): number { return v * v; }
function pw(v: number, n: number): number { return n === 0 ? 1 : v * pw(v, n - 1); }
export default function loss([x, y]: number[]) { return sq(x - 1) + pw(y, 3); }`, at: [0.2, 1.3] },
  { name: 'closures', source: `const scale = (k: number) => (v: number) => k * v;
export default function loss([x, y]: number[]) {
  const byX = scale(x);
  let acc = 0;
  const add = (v: number) => { acc += v; };
  add(byX(y)); add(byX(x));
  return acc;
}`, at: [1.1, -0.7] },
  { name: 'array and object destructuring', source: `export default function loss(p: number[]) {
  const [a, , c, ...rest] = p;
  const { u, v } = { u: a * c, v: rest[0] };
  const [[m, n]] = [[u, v]];
  return m + n * n;
}`, at: [0.4, 9, 1.3, 0.6] },
  { name: 'arrays: literals, push, index, length', source: `export default function loss([x, y]: number[]) {
  const xs: number[] = [x, y, x * y];
  xs.push(xs[0] + xs[2]);
  xs[1] = xs[1] * 3;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] * xs[i];
  return s;
}`, at: [0.8, -0.3] },
  { name: 'map and reduce', source: 'export default (p: number[]) => p.map((v, i) => v * (i + 1)).reduce((a, b) => a + b * b, 0);', at: [0.5, -0.2, 1.1] },
  { name: 'forEach', source: `export default function loss(p: number[]) {
  let s = 1;
  p.forEach((v) => { s *= 1 + v * v; });
  return s;
}`, at: [0.3, 0.6] },
  { name: 'sort and filter on values', source: 'export default (p: number[]) => [...p].sort((a, b) => a - b).filter((v) => v > 0).reduce((a, v, i) => a + v * (i + 1), 0);', at: [0.9, -0.4, 0.2] },
  { name: 'module constants and mutable module state read-only', source: `const W = [1, 2, 3];
const BIAS = 0.5;
export default (p: number[]) => W.reduce((s, w, i) => s + w * p[i], BIAS) ** 2;`, at: [0.1, 0.2, -0.3] },
  { name: 'data batch (mean squared error)', source: `export const data = [[0, 1], [1, 3], [2, 5.5], [3, 6.8]];
export default function loss([w, b]: number[], batch: number[][] = data): number {
  let s = 0;
  for (const [x, y] of batch) { const r = w * x + b - y; s += r * r; }
  return s / batch.length;
}`, at: [1.7, 0.4] },
  { name: 'Number.isFinite / isNaN guards and Number()', source: `export default function loss([x, y]: number[]) {
  const r = Math.log(x);
  return (Number.isFinite(r) && !Number.isNaN(y) ? r : 0) + Number(y) * 2 + (isFinite(x) ? x : 0);
}`, at: [1.5, 0.5] },
  { name: 'logical operators on comparisons', source: 'export default ([x, y]: number[]) => (x > 0 && y > 0) || x > 5 ? x * y : -x;', at: [0.6, 0.7] },
  { name: 'classes and methods', source: `class Quad { constructor(readonly a: number) {} at(v: number) { return this.a * v * v; } }
export default ([x, y]: number[]) => new Quad(y).at(x);`, at: [1.4, 0.3] },
  { name: 'strings that do not touch values', source: `export default function loss([x]: number[]) {
  const label = 'x' + 1;
  if (label.length !== 2) throw new Error('unexpected ' + label);
  return x * x * x;
}`, at: [1.2] },
];

describe('automatic differentiation', () => {
  it(`has at least 30 construct snippets (${CONSTRUCTS.length})`, () => {
    assert.ok(CONSTRUCTS.length >= 30);
  });

  for (const c of CONSTRUCTS) {
    it(`agrees with central differences: ${c.name}`, () => {
      const s = sandbox(c.source, c.at);
      assert.equal(s.gradient.mode, 'autodiff');
      const { value, grad } = valueAndGrad(s, c.at);
      assert.equal(value, s.objective(c.at.length).value(Float64Array.from(c.at), null), 'the differentiated loss computes the same value');
      assertClose(grad, centralDifferences(s, c.at), 1e-6, c.name);
    });
  }

  describe('every built-in problem written as a snippet', () => {
    for (const problem of PROBLEMS) {
      it(`${problem.name}: the gradient equals the analytic gradient to 1e-12 relative (fast path and tape)`, () => {
        for (const s of [sandbox(problem.source, problem.init), tapeSandbox(problem.source)]) checkProblem(problem, s);
      });
    }
    function checkProblem(problem: (typeof PROBLEMS)[number], s: Sandbox): void {
      {
        s.probe(problem.init);
        assert.equal(s.gradient.mode, 'autodiff');
        const analytic = problem.objective({ dim: problem.dim });
        const points = [problem.init, problem.init.map((v, i) => v * 0.7 + 0.31 * (i + 1)), problem.init.map((v) => -v + 0.123)];
        for (const at of points) {
          const g = new Float64Array(problem.dim);
          const expected = analytic.valueAndGrad(Float64Array.from(at), g, null);
          const got = valueAndGrad(s, at);
          assert.equal(got.value, expected, `${problem.name} loss at [${at.join(', ')}]`);
          const scale = Math.max(...Array.from(g, Math.abs));
          got.grad.forEach((v, i) => assert.ok(Math.abs(v - g[i]) <= 1e-12 * scale,
            `${problem.name} ∂/∂θ${i} at [${at.join(', ')}]: ${v} vs ${g[i]}`));
        }
        if (problem.dataSize > 0) {
          const batch = Int32Array.of(3, 1, 4, 15, 9);
          const g = new Float64Array(problem.dim);
          const expected = analytic.valueAndGrad(Float64Array.from(problem.init), g, batch);
          const got = valueAndGrad(s, problem.init, batch);
          assert.equal(got.value, expected, `${problem.name} batch loss`);
          assertClose(got.grad, Array.from(g), 1e-12, `${problem.name} batch gradient`);
        }
      }
    }
  });

  describe('the fast paths agree with the general tape', () => {
    const cases: readonly { name: string; path: 'straight-line' | 'forward'; source: string; at: number[]; batch?: Int32Array }[] = [
      { name: 'straight-line reverse mode (Rosenbrock)', path: 'straight-line', at: [-1.2, 0.9],
        source: 'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}' },
      { name: 'straight-line reverse mode (Math, division, powers)', path: 'straight-line', at: [0.7, 1.3, -0.4],
        source: `export default function loss([x, y, z]: number[]) {
  const a = Math.sin(x * y) / (1 + z * z);
  const b = Math.exp(-x) * Math.sqrt(y) + Math.atan2(z, x) - Math.log(y + 2) ** 3;
  return a * b + Math.pow(y, z) + Math.tanh(a - b) + Math.abs(z) - -x;
}` },
      { name: 'forward mode over the params', path: 'forward', at: [0.4, -1.3, 2.2],
        source: `export default function loss(p: number[]) {
  let s = 0;
  for (const x of p) s += x ** 4 - 3 * Math.cos(x) + Math.max(x, 0.5);
  for (let i = 0; i + 1 < p.length; i++) { const d = p[i + 1] - p[i] * p[i]; s += d > 0 ? d * d : -d; }
  return s / p.length;
}
export const init = [1, 2, 3];` },
      // The preset's own snippet (its 100 seeded examples), not a restatement of it.
      { name: 'forward mode over a data batch (the logistic-regression preset)', path: 'forward', at: [0.3, -0.2],
        batch: Int32Array.of(0, 2, 37), source: presetSource('logistic-regression') },
    ];
    for (const c of cases) {
      it(c.name, () => {
        assert.equal(compiled(c.source).fastPath, c.path);
        const fast = sandbox(c.source, c.at), tape = tapeSandbox(c.source, c.at);
        assert.deepEqual(fast.gradient, { mode: 'autodiff', path: c.path });
        assert.deepEqual(tape.gradient, { mode: 'autodiff', path: 'reverse' });
        for (const batch of [null, c.batch ?? null]) {
          const a = valueAndGrad(fast, c.at, batch), b = valueAndGrad(tape, c.at, batch);
          assert.equal(a.value, b.value);
          assertClose(a.grad, b.grad, 1e-13, c.name);
          assertClose(a.grad, centralDifferences(fast, c.at, batch), 1e-6, `${c.name} vs central differences`);
        }
      });
    }
  });

  it('a forward-mode snippet run at another dimension than its init export falls back to the tape', () => {
    const source = 'export default (p: number[]) => { let s = 0; for (const x of p) s += x * x * x; return s; };\nexport const init = [1, 2];';
    assert.equal(compiled(source).fastPath, 'forward');
    assert.match(compiled(source).adJs ?? '', /\$adfwd\(function [^]*, 2\);\n/);
    const at = [0.5, -1, 2];
    const s = sandbox(source, at);
    assertClose(valueAndGrad(s, at).grad, at.map((x) => 3 * x * x), 1e-14, 'tape at dimension 3');
    assertClose(valueAndGrad(s, [1, 2]).grad, [3, 12], 1e-14, 'forward mode at dimension 2');
  });

  it('uses the grad export as given', () => {
    const s = sandbox('export default ([x, y]: number[]) => x * x + y;\nexport const grad = ([x, y]: number[]) => [42 + x, y];', [1, 2]);
    assert.deepEqual(s.gradient, { mode: 'user' });
    assert.deepEqual(valueAndGrad(s, [1, 2]).grad, [43, 2]);
  });

  it('a grad export of the wrong length is an error naming the params', () => {
    const s = sandbox('export default ([x, y]: number[]) => x * y;\nexport const grad = () => [1];', [1, 2]);
    assert.throws(() => valueAndGrad(s, [1, 2]), /the grad export returned a value of type array, expected an array of 2 numbers at params \[1, 2\]/);
  });

  it('falls back to central differences for Math.random, and says so', () => {
    const s = sandbox('export default ([x]: number[]) => x * x + Math.random() * 0;', [3]);
    assert.equal(s.gradient.mode, 'finite-differences');
    assert.match(s.gradient.reason ?? '', /`Math\.random` is not differentiable \(line 1\)/);
    assertClose(valueAndGrad(s, [3]).grad, [6], 1e-6, 'finite differences');
  });

  it('falls back to central differences for string operations on values, naming the line', () => {
    const s = sandbox('export default function loss([x]: number[]) {\n  const text = `${x}`;\n  return parseFloat(text) ** 2;\n}', [1.5]);
    assert.equal(s.gradient.mode, 'finite-differences');
    assert.match(s.gradient.reason ?? '', /string operation.*line 2/);
    assertClose(valueAndGrad(s, [1.5]).grad, [3], 1e-6, 'finite differences');
  });

  it('falls back to central differences for method calls the tape cannot follow', () => {
    const s = sandbox('export default function loss([x]: number[]) {\n  return Number(x.toFixed(3)) * 2;\n}', [1.25]);
    assert.equal(s.gradient.mode, 'finite-differences');
    assert.match(s.gradient.reason ?? '', /line 2/);
  });

  it('agrees with central differences on random expression trees (fast-check)', () => {
    type Expr = { readonly text: string };
    const leaf = fc.oneof(
      fc.constantFrom<Expr>({ text: 'x' }, { text: 'y' }, { text: 'z' }),
      fc.double({ min: -3, max: 3, noNaN: true }).map((v) => ({ text: `(${v})` })),
    );
    const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
      expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(fc.constantFrom('+', '-', '*'), tie('expr'), tie('expr')).map(([op, a, b]) => ({ text: `(${a.text} ${op} ${b.text})` })),
        fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => ({ text: `(${a.text} / (1 + ${b.text} * ${b.text}))` })),
        fc.tuple(fc.constantFrom('Math.sin', 'Math.cos', 'Math.atan', 'Math.tanh', '-'), tie('expr')).map(([f, a]) => ({ text: `${f}(${a.text})` })),
        tie('expr').map((a) => ({ text: `Math.sqrt(1 + ${a.text} ** 2)` })),
        tie('expr').map((a) => ({ text: `Math.log(1 + ${a.text} * ${a.text})` })),
        tie('expr').map((a) => ({ text: `Math.exp(Math.sin(${a.text}))` })),
        fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => ({ text: `Math.hypot(${a.text}, ${b.text}, 1)` })),
      ),
    }));
    const point = fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }));
    fc.assert(fc.property(expr, point, (e, at) => {
      const s = sandbox(`export default function loss([x, y, z]: number[]) {\n  return ${e.text};\n}`, at);
      assert.equal(s.gradient.mode, 'autodiff');
      const got = valueAndGrad(s, at).grad;
      const fd = centralDifferences(s, at);
      const scale = Math.max(1, ...fd.map(Math.abs), ...got.map(Math.abs));
      got.forEach((g, i) => assert.ok(Math.abs(g - fd[i]) <= 1e-5 * scale, `${e.text} at [${at}]: ∂${i} ${g} vs ${fd[i]}`));
    }), { numRuns: 30, seed: 1234 });
  });
});
