/**
 * Issue 12, findings 1 and 2: the generated code has a namespace of its own and reads the
 * module's bindings as the module does. An exported constant read by the loss keeps the gradient
 * exact (no silent finite differences); a name the generated code once used (`__p1`, `G`) is the
 * snippet's own; valid locals (`x__d0`, `__add`) compile.
 */
import * as assert from 'node:assert/strict';
import { validateExperiment } from '../../src/engine/experiment';
import { Runner } from '../../src/engine/runner';
import { startExperiment } from '../../src/snippet/session';
import { compiled, sandbox, tapeSandbox, valueAndGrad } from './helpers';

describe('generated code in its own namespace', () => {
  it('an exported coefficient: GD η = 0.1 on 2.5x² + y² from (1, 1) lands exactly on (0.5, 0.8), in the worker', async () => {
    const v = validateExperiment({
      loss: { source: 'export const a = 2.5;\nexport default ([x, y]: number[]) => a * x * x + y * y;' },
      init: [1, 1], steps: 1, runs: [{ optimizer: 'sgd', lr: 0.1 }],
    });
    if (!v.ok) assert.fail(JSON.stringify(v.issues));
    const session = startExperiment(v.experiment);
    const params: number[][] = [];
    session.onEvent((e) => {
      if (e.type !== 'points') return;
      for (const b of e.batches) for (let k = 0; k < b.count; k++) params.push(Array.from(b.params.subarray(2 * k, 2 * k + 2)));
    });
    const info = await session.info;
    await session.done;
    assert.deepEqual(info.gradient, { mode: 'autodiff', path: 'straight-line' });
    assert.deepEqual(params, [[1, 1], [0.5, 0.8]]);
  });

  it('an exported data set read by a forward-mode loss keeps the exact gradient', () => {
    const source = `export const data = [[0, 1], [1, 3], [2, 5]];
export default function loss([w, b]: number[]): number {
  let s = 0;
  for (const [x, y] of data) { const r = w * x + b - y; s += r * r; }
  return s / data.length;
}`;
    const s = sandbox(source, [0.5, 0.5]);
    assert.equal(s.gradient.mode, 'autodiff');
    // ∂/∂w = (2/3)Σ r·x, ∂/∂b = (2/3)Σ r with r = (−0.5, −2, −3.5).
    assert.deepEqual(valueAndGrad(s, [0.5, 0.5]).grad, [(2 / 3) * (-2 - 7), (2 / 3) * (-0.5 - 2 - 3.5)]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'forward' });
  });

  it('a module constant named G (once the gradient array\'s name) is read as the snippet\'s constant', () => {
    const source = 'const G = 9.81;\nexport default ([x, y]: number[]) => G * x * x + y * y;';
    for (const s of [sandbox(source, [1, 1]), tapeSandbox(source, [1, 1])]) {
      assert.equal(s.gradient.mode, 'autodiff');
      assert.deepEqual(valueAndGrad(s, [1, 2]).grad, [2 * 9.81, 4]);
    }
  });

  it('a constant named __p1 is not captured by the straight-line path: the run converges to (3, 1)', () => {
    const source = 'const __p1 = 3;\nexport default ([x, y]: number[]) => (x - __p1) ** 2 + (y - 1) ** 2;';
    const s = sandbox(source, [3, 3]);
    assert.deepEqual(valueAndGrad(s, [3, 3]), { value: 4, grad: [0, 4] });
    assert.deepEqual(valueAndGrad(s, [0, 0]), { value: 10, grad: [-6, -2] });
    assert.equal(compiled(source).fastPath, 'straight-line');
    const v = validateExperiment({ loss: { source }, init: [3, 3], steps: 200, tolerance: 1e-300, runs: [{ optimizer: 'sgd', lr: 0.1 }] });
    if (!v.ok) assert.fail(JSON.stringify(v.issues));
    const runner = new Runner(v.experiment, s.objective(2), [3, 3]);
    while (!runner.finished) runner.advance(1000);
    const end = Array.from(runner.state(0).params);
    assert.ok(Math.abs(end[0] - 3) < 1e-9 && Math.abs(end[1] - 1) < 1e-9, `ends at [${end}]`);
  });

  it('valid locals named like generated code (x__d0, __add, $adP, __ops) compile and differentiate', () => {
    const sources = [
      'export default ([x, y]: number[]) => { const x__d0 = x * 2; const $adP = y; return x__d0 * $adP; };',
      'function __add(a: number, b: number) { return a * b; }\nexport default (p: number[]) => { let s = 0; for (const v of p) s = __add(s, v) + v * v; return s; };\nexport const init = [1, 2];',
      'const __ops = 2;\nexport default function loss(p: number[]) { let x__d0 = 0; for (const v of p) x__d0 += __ops * v * v; return x__d0; }\nexport const init = [1, 2];',
    ];
    const gradients = [[4, 2], [4, 5], [4, 8]];
    sources.forEach((source, k) => {
      for (const s of [sandbox(source, [1, 2]), tapeSandbox(source, [1, 2])]) {
        assert.equal(s.gradient.mode, 'autodiff', source);
        assert.deepEqual(valueAndGrad(s, [1, 2]).grad, gradients[k], source);
      }
    });
  });

  it('a snippet\'s own Math is not taken for the built-in', () => {
    const source = 'const Math = { sin: (v: number) => 3 * v };\nexport default ([x, y]: number[]) => Math.sin(x) * y;';
    const s = sandbox(source, [1, 2]);
    assert.deepEqual(valueAndGrad(s, [1, 2]).grad, [6, 3]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' });
    assert.equal(compiled(source).fastPath, undefined);
  });
});
