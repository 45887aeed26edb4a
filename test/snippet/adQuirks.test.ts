/**
 * Three corners of the tape differentiator (src/snippet/differentiate.ts, runtime.ts), each
 * checked against central differences of the plain loss: compound assignments whose target has
 * side effects, `||`/`&&` on values that depend on the params, and state kept from one
 * evaluation to the next.
 */
import * as assert from 'node:assert/strict';
import { assertClose, centralDifferences, compiled, sandbox, tapeSandbox, valueAndGrad } from './helpers';

/** Autodiff on the tape, at every point: same value as the plain loss, gradient = central differences. */
function assertExact(source: string, points: readonly (readonly number[])[], what: string): void {
  for (const at of points) {
    const s = tapeSandbox(source, at);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' }, `${what}: stays on the tape at [${at.join(', ')}]`);
    const plain = s.objective(at.length).value(Float64Array.from(at), null);
    const { value, grad } = valueAndGrad(s, at);
    assert.equal(value, plain, `${what}: value at [${at.join(', ')}]`);
    assertClose(grad, centralDifferences(s, at), 1e-6, `${what} at [${at.join(', ')}]`);
  }
}

describe('automatic differentiation: compound assignments evaluate their target once', () => {
  it('o[f()] += …, o[f()]++ (statement and value), o[f()] ||= …: f() runs once per assignment', () => {
    assertExact(`export default function loss([x, y]: number[]) {
  const o = [x, y, x * y, 0];
  let n = 0;
  const next = () => n++;
  o[next()] += y * 3;      // o[0]
  o[next()] *= x;          // o[1]
  o[next()]++;             // o[2]
  const old = o[next() - 1]--;  // o[2], old value
  o[next()] ||= x * x;     // o[4] is undefined → x²
  return o[0] * o[1] + o[2] + old + o[4] + n;
}`, [[0.7, 1.3], [-1.2, 0.4]], 'element targets with a counter');
  });

  it('a property target whose object is computed: g(o).v *= …, (pick()).w -= …', () => {
    assertExact(`let calls = 0;
export default function loss([x, y]: number[]) {
  const a = { v: x, w: y }, b = { v: y, w: x };
  const pick = () => (++calls, calls % 2 === 0 ? a : b);
  const before = calls;
  pick().v *= x + y;
  pick().w -= x * x;
  return a.v * a.w + b.v * b.w + (calls - before);
}`, [[0.9, -0.6], [1.5, 2.5]], 'property targets');
  });

  it('a key computed from the params (held in a temporary) keeps the gradient exact', () => {
    assertExact(`export default function loss([x, y]: number[]) {
  const buckets = [0, 0, 0];
  buckets[Math.floor(Math.abs(x)) % 3] += y * y;
  buckets[Math.floor(Math.abs(y)) % 3] += x;
  return buckets[0] + 2 * buckets[1] + 3 * buckets[2];
}`, [[0.4, 1.6], [2.3, 0.2]], 'computed keys');
  });
});

describe('automatic differentiation: || and && test the value, not the tape object', () => {
  it('a || b and a && b where a is an active zero, and where it is not', () => {
    // x − x is an active value equal to 0: falsy, exactly like the number it stands for.
    assertExact('export default ([x, y]: number[]) => ((x - x) || y * y) + ((x * y) || 7) + ((x - x) && x * 100) + ((x * 2) && y * x);',
      [[0.8, 1.4], [-0.3, 2.2]], '|| and &&');
  });

  it('|| in a condition and in a loop condition, ||= and &&= on locals', () => {
    assertExact(`export default function loss([x, y]: number[]) {
  let a = x - x, b = y * 2;
  a ||= y * y;          // a was 0 → y²
  b &&= b * x;          // b ≠ 0 → 2y·x
  let s = 0, k = 0;
  while ((s - s) || k < 3) { s += x * k; k++; }
  if ((y - y) || x > 0) s += y;
  return a + b + s;
}`, [[0.5, 1.5], [-0.5, 0.7]], 'conditions and logical assignments');
  });

  it('?? passes an active value through (it is never null)', () => {
    assertExact('const maybe = (v: number): number | undefined => v;\n'
      + 'export default ([x, y]: number[]) => (maybe(x * y) ?? 100) + (maybe(x - x) ?? 100) * y;', [[1.1, -0.4]], '??');
  });
});

describe('automatic differentiation: state kept from one evaluation to the next', () => {
  /**
   * The loss uses, in a later evaluation, a value it computed from the params in an earlier one:
   * the probe sees it (at its second point) and the run uses central differences, saying why and
   * where the kept value is used — however the loss stored it.
   */
  const fallsBack = (source: string, line: number): void => {
    assert.deepEqual(compiled(source).gradient, { mode: 'autodiff' });
    const s = sandbox(source, [0.6, 1.2]);
    assert.equal(s.gradient.mode, 'finite-differences');
    assert.match(s.gradient.reason ?? '', /^a value computed from the parameters in an earlier evaluation is used again: the loss keeps it from one evaluation to the next/);
    assert.equal(s.gradient.line, line, s.gradient.reason);
    assert.match(s.gradient.reason ?? '', new RegExp(`at line ${line}, column \\d+$`));
    // The run's gradient is then central differences of the loss as it behaves, evaluation after evaluation.
    assert.ok(valueAndGrad(s, [0.6, 1.2]).grad.every(Number.isFinite));
  };

  it('a module-level cache of a value computed from the params', () => {
    fallsBack(`let cache: number | undefined;
export default function loss([x, y]: number[]) {
  if (cache === undefined) cache = x * x;
  return cache + y * y;
}`, 4);
  });

  it('the first value, kept with Object.defineProperty (no assignment, no mutator name): the issue\'s "converges at step 0"', () => {
    fallsBack(`const first: { v?: number } = {};
export default function loss([x, y]: number[]) {
  const v = x * x + y * y;
  if (!('v' in first)) Object.defineProperty(first, 'v', { value: v });
  return v / (first.v as number);
}`, 5);
  });

  it('kept through Reflect.set, a Map, an alias of a module array, a closure made by a factory', () => {
    fallsBack(`const store = {};
export default ([x, y]: number[]) => {
  const before = Reflect.get(store, 'k') ?? 1;
  Reflect.set(store, 'k', x * y);
  return before * x + y;
};`, 5);
    fallsBack(`const memo = new Map<string, number>();
export default ([x, y]: number[]) => {
  if (!memo.has('a')) memo.set('a', x * 3);
  return (memo.get('a') as number) * y;
};`, 4);
    fallsBack(`const history: number[] = [];
const log = history;
export default ([x, y]: number[]) => {
  const last = history.length > 0 ? history[history.length - 1] : 1;
  log.splice(0, 0, x * y);
  return last * x + y;
};`, 6);
    fallsBack(`function smoother() {
  let last = 0;
  return (v: number) => { last = 0.5 * last + v; return last; };
}
const smooth = smoother();
export default ([x, y]: number[]) => smooth(x * x) + y;`, 3);
  });

  it('values kept but never used again leave the gradient exact', () => {
    const source = `const history: number[] = [];
function remember(v: number) { history.push(v); return v; }
export default ([x, y]: number[]) => remember(x * y) + 0 * history.length;`;
    const s = sandbox(source, [0.6, 1.2]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' });
    assert.deepEqual(valueAndGrad(s, [0.5, 2]).grad, [2, 0.5]);
  });

  it('counters, flags and module-level data built at load stay on the tape', () => {
    for (const source of [
      'let calls = 0;\nlet seen = false;\nexport default ([x, y]: number[]) => { calls++; calls += 1; seen = true; return x * x + y; };',
      // Seeded data built at module level by a generator that updates its own state: runs once, at load.
      `let seed = 7;
function rand() { seed = (seed * 16807) % 2147483647; return seed / 2147483647; }
const data: number[] = [];
for (let i = 0; i < 5; i++) data.push(rand());
export default function loss([x, y]: number[]) {
  let s = 0;
  for (const d of data) { const local = [d]; local.push(x * d); s += local[1] * y; }
  return s;
}`,
      // A data factory whose helper closure keeps state while the factory runs (at load only).
      `function makeData(seed: number) {
  let s = seed;
  const next = () => { s = (s * 16807) % 2147483647; return s / 2147483647; };
  return Array.from({ length: 6 }, () => [next(), next()]);
}
const data = makeData(3);
export default ([w, b]: number[]) => data.reduce((acc, [x, y]) => acc + (w * x + b - y) ** 2, 0);`,
    ]) {
      const c = compiled(source);
      assert.deepEqual(c.gradient, { mode: 'autodiff' });
      const s = sandbox(source, [0.6, 1.2]);
      assertClose(valueAndGrad(s, [0.6, 1.2]).grad, centralDifferences(s, [0.6, 1.2]), 1e-6, source.slice(0, 20));
    }
  });
});
