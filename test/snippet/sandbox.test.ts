import * as assert from 'node:assert/strict';
import { Sandbox, SnippetError } from '../../src/snippet/sandbox';
import { compiled, noHooks, sandbox, valueAndGrad } from './helpers';

/**
 * Loads `body` as a one-parameter loss and returns its value at [1]. Not type-checked: the sandbox
 * must hold whatever JavaScript reaches it (`typeof lastError`, undeclared globals, …).
 */
function evaluate(body: string): number {
  const s = sandbox(`export default function loss(p: number[]): number {\n${body}\n}`, undefined, { typeCheck: false });
  return s.objective(1).value(Float64Array.of(1), null);
}

describe('sandbox', () => {
  describe('escapes are refused', () => {
    it('has no require, process, module, fetch, timers, console, WebAssembly or Function in its global', () => {
      const names = ['require', 'process', 'module', 'exports', 'fetch', 'setTimeout', 'setInterval', 'setImmediate',
        'queueMicrotask', 'console', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'Function', 'eval', 'Buffer', 'global'];
      const present = evaluate(`const names = ${JSON.stringify(names)};
  const g = globalThis as unknown as Record<string, unknown>;
  return names.filter((n) => typeof g[n] !== 'undefined').length;`);
      assert.equal(present, 0);
    });

    it('params.constructor.constructor cannot generate code', () => {
      assert.throws(() => evaluate(`const F = (p as any).constructor.constructor;
  return F('return process')().pid;`), (e: Error) => e instanceof SnippetError
        && /line 3, column \d+: EvalError: Code generation from strings disallowed/.test(e.message));
    });

    it('globalThis.constructor.constructor and this.constructor are the context\'s own, without code generation', () => {
      assert.throws(() => evaluate(`const g = globalThis as any;
  return g.constructor.constructor('return process')();`), /EvalError: Code generation from strings disallowed/);
      assert.throws(() => evaluate(`const f = function (this: any) { return this; };
  return (f.call(globalThis) as any).constructor.constructor('return 1')();`), /EvalError/);
    });

    it('eval and new Function are unavailable, arrow constructors cannot compile code', () => {
      assert.throws(() => evaluate('return (0, eval)("1");'), /ReferenceError: eval is not defined/);
      assert.throws(() => evaluate('return ((() => 0).constructor as any)("return 1")();'), /EvalError/);
      assert.throws(() => evaluate('return (async () => 0).constructor("return 1") as any;'), /EvalError/);
    });

    it('globalThis.process is undefined', () => {
      assert.equal(evaluate('return typeof (globalThis as any).process === "undefined" ? 0 : 1;'), 0);
    });

    it('a stack-trace hook cannot reach the worker\'s frames', () => {
      const leaked = evaluate(`let leaked = 0;
  try {
    (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => frames.map((f) => f.getThis());
  } catch { /* locked */ }
  const stack = (new Error('x') as any).stack;
  if (Array.isArray(stack) && stack.some((t: unknown) => t && typeof t === 'object')) leaked = 1;
  return leaked;`);
      assert.equal(leaked, 0);
    });

    it('built-ins are locked: each change a loss tries is a TypeError, and the host keeps its own', () => {
      const attempts = ['(Object.prototype as any).polluted = 1', '(Array.prototype as any).push = null',
        '(Array.prototype as any).map = () => []', '(Float64Array.prototype as any).set = () => undefined',
        '(Object.getPrototypeOf(Float64Array.prototype) as any).fill = () => undefined', '(Math as any).sin = () => 42',
        'Object.defineProperty(Array.prototype, Symbol.iterator, { value: null })', 'delete (Math as any).cos'];
      const refused = evaluate(`let refused = 0;
  ${attempts.map((a) => `try { ${a}; } catch (e) { if (e instanceof TypeError) refused++; }`).join('\n  ')}
  return refused;`);
      assert.equal(refused, attempts.length);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const a: number[] = [];
      a.push(1);
      assert.deepEqual(a, [1]);
      assert.equal(Math.sin(0), 0);
    });

    it('a loss cannot change the built-ins the runtime\'s tape uses: the gradient stays exact, evaluation after evaluation', () => {
      // The tape grows with TypedArray.prototype.set and clears its adjoints with fill: were they
      // replaced, the second gradient would carry the first's adjoints (or none at all).
      const s = sandbox(`export default function loss(p: number[]): number {
  const T = Object.getPrototypeOf(Float64Array.prototype);
  try { T.fill = function () { return this; }; } catch (e) { /* locked */ }
  try { T.set = function () { /* nothing */ }; } catch (e) { /* locked */ }
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * p[i];
  return s;
}`, undefined, { fastPaths: false, typeCheck: false });
      const at = Array.from({ length: 600 }, (_, i) => i / 100);
      for (let k = 0; k < 2; k++) assert.deepEqual(valueAndGrad(s, at).grad, at.map((x) => 2 * x));
    });

    it('user code can still set its own errors\' name and message and its objects\' toString (the built-ins\' are accessors)', () => {
      assert.throws(() => evaluate(`class Bad extends Error { constructor() { super('m'); this.name = 'Bad'; this.message = 'own'; } }
  const o: any = {}; o.toString = () => 'mine';
  throw new Bad();`), /the loss threw at line 4, column \d+: Bad: own at params \[1\]$/);
      assert.throws(() => evaluate('return (null as any).x;'), /: TypeError: Cannot read properties of null \(reading 'x'\) at params \[1\]$/);
    });

    it('the runtime\'s internals are out of the snippet\'s reach', () => {
      const internals = ['lastError', 'P', 'G', 'B', 'dim', 'ADJ', 'POOL', 'plainLoss', 'adLoss', 'checked', 'fail', 'loadModules'];
      const seen = evaluate(`let seen = 0;
  ${internals.map((n) => `try { if (typeof ${n} !== 'undefined') seen++; } catch { /* not defined */ }`).join('\n  ')}
  return seen;`);
      assert.equal(seen, 0);
      // Reassigning an operation changes the snippet's own code only; the sandbox goes on working.
      const s = sandbox('export default function loss([x]: number[]) {\n  // eslint-disable-next-line\n  (globalThis as any).__add = null;\n  return x * x + 1;\n}', [2]);
      assert.deepEqual(valueAndGrad(s, [2]), { value: 5, grad: [4] });
    });

    it('the snippet sees only numbers and arrays from its own realm', () => {
      const r = evaluate(`const p0 = p as any;
  return (p0 instanceof Array && Object.getPrototypeOf(p0) === Array.prototype && typeof p0[0] === 'number') ? 0 : 1;`);
      assert.equal(r, 0);
    });
  });

  describe('failures name their place', () => {
    it('a throw reports the snippet\'s line and column', () => {
      const s = sandbox('export default function loss([x, y]: number[]) {\n  const q = x * 2;\n  if (q > 1) {\n    throw new RangeError("too far");\n  }\n  return q + y;\n}');
      const o = s.objective(2);
      assert.throws(() => o.value(Float64Array.of(3, 0), null), /^Error: the loss threw at line 4, column 11: RangeError: too far at params \[3, 0\]$/);
      assert.throws(() => o.valueAndGrad(Float64Array.of(3, 0), new Float64Array(2), null), /the loss threw at line 4, column 11: RangeError: too far/);
      assert.equal(o.value(Float64Array.of(0.25, 1), null), 1.5);
    });

    it('a TypeError from a missing helper reports its line', () => {
      const s = sandbox('export default function loss(p: number[]) {\n  const o: any = {};\n  return o.f(p[0]);\n}');
      assert.throws(() => s.objective(1).value(Float64Array.of(1), null), /line 3, column \d+: TypeError/);
    });

    it('runaway recursion reports the stack overflow and its line', () => {
      const s = sandbox('function f(n: number): number {\n  return f(n + 1) + 1;\n}\nexport default ([x]: number[]) => f(x);');
      assert.throws(() => s.objective(1).value(Float64Array.of(1), null), /the loss threw at line 2, column \d+: RangeError: Maximum call stack size exceeded/);
    });

    it('a non-number return names its type and the params', () => {
      const s = sandbox('export default (p: number[]) => ("x" + p[0]) as unknown as number;');
      assert.throws(() => s.objective(1).value(Float64Array.of(2.5), null), /the loss returned a string \(x2\.5\) at params \[2\.5\], not a number/);
    });

    it('NaN at finite params is an error naming them; at non-finite params it is divergence', () => {
      const s = sandbox('export default ([x]: number[]) => Math.sqrt(x);');
      const o = s.objective(1);
      assert.throws(() => o.value(Float64Array.of(-4), null), /the loss returned NaN at params \[-4\]/);
      assert.throws(() => o.valueAndGrad(Float64Array.of(-4), new Float64Array(1), null), /the loss returned NaN at params \[-4\]/);
      assert.ok(Number.isNaN(o.value(Float64Array.of(Infinity), null) - Infinity));
    });

    it('Infinity is returned as is (the runner calls it divergence)', () => {
      const s = sandbox('export default ([x]: number[]) => 1 / (x * 0);');
      assert.equal(s.objective(1).value(Float64Array.of(2), null), Infinity);
    });

    it('a throw while loading the snippet is a runtime error with its line', () => {
      assert.throws(() => new Sandbox(compiled('const t = [1];\nconst u = (t as any).nope.deeper;\nexport default (p: number[]) => p[0];'), noHooks),
        (e: Error) => e instanceof SnippetError && e.kind === 'runtime' && /line 2/.test(e.message));
    });

    it('a bad init export is refused', () => {
      assert.throws(() => sandbox('export default (p: number[]) => p[0];\nexport const init = [1, "a"];'),
        /`init` export must be a non-empty array of finite numbers/);
    });

    it('after a failure, the same sandbox keeps working', () => {
      const s = sandbox('export default ([x]: number[]) => { if (x < 0) throw new Error("negative"); return x * x; };', [1]);
      assert.throws(() => valueAndGrad(s, [-1]), /negative/);
      assert.deepEqual(valueAndGrad(s, [3]), { value: 9, grad: [6] });
    });
  });
});
