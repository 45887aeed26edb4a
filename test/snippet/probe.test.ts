/**
 * The probe (src/snippet/probe.ts) chooses the gradient path at the start point and two points
 * near it: a fast path that disagrees with the plain evaluation anywhere, or throws, hands the
 * run to the tape — never to finite differences; only the tape's failure does, with the place.
 */
import * as assert from 'node:assert/strict';
import { opName } from '../../src/snippet/runtime';
import { Sandbox } from '../../src/snippet/sandbox';
import type { CompiledSnippet } from '../../src/snippet/types';
import { compiled, noHooks, sandbox, valueAndGrad } from './helpers';

const BOWL = 'export default ([x, y]: number[]): number => x * x + y * y;';

/** BOWL's compiled module with `fast` registered as its straight-line gradient instead of the real one. */
function withFastPath(fast: string): CompiledSnippet {
  const c = compiled(BOWL);
  assert.equal(c.fastPath, 'straight-line');
  return { ...c, adJs: `${c.adJs}\n${opName(c.namespace, '__fast')}(${fast});\n` };
}

describe('the probe', () => {
  it('drops a fast path that agrees with the plain loss at the start point only: the tape takes the run', () => {
    // Right value and gradient at (1, 1), wrong anywhere else.
    const s = new Sandbox(withFastPath(`function (P, G) {
  G[0] = 2 * P[0]; G[1] = 2 * P[1];
  return P[0] * P[0] + P[1] * P[1] + (P[0] === 1 && P[1] === 1 ? 0 : 1);
}`), noHooks);
    s.probe([1, 1]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' });
    assert.deepEqual(valueAndGrad(s, [3, -2]), { value: 13, grad: [6, -4] });
  });

  it('drops a fast path whose gradient disagrees with the tape\'s, or that throws', () => {
    for (const fast of [
      'function (P, G) { G[0] = 2 * P[0]; G[1] = P[1]; return P[0] * P[0] + P[1] * P[1]; }',
      'function (P, G) { throw new Error("no"); }',
    ]) {
      const s = new Sandbox(withFastPath(fast), noHooks);
      s.probe([1, 1]);
      assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' }, fast);
      assert.deepEqual(valueAndGrad(s, [0.5, 2]).grad, [1, 4]);
    }
  });

  it('keeps a fast path that agrees everywhere it looks', () => {
    const s = new Sandbox(withFastPath('function (P, G) { G[0] = 2 * P[0]; G[1] = 2 * P[1]; return P[0] * P[0] + P[1] * P[1]; }'), noHooks);
    s.probe([1, 1]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'straight-line' });
  });

  it('a forward-mode loss whose default batch changes from call to call stays exact, on the tape', () => {
    const source = `let calls = 0;
function next(): number[][] { calls++; return [[calls, 1]]; }
export default function loss([w, b]: number[], batch: number[][] = next()): number {
  let s = 0;
  for (const [x, y] of batch) s += (w * x + b - y) ** 2;
  return s;
}`;
    assert.equal(compiled(source).fastPath, 'forward');
    const s = sandbox(source, [0.5, 0.5]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' });
  });

  it('a loss that fails away from the start point is probed where it is defined', () => {
    const s = sandbox('export default ([x, y]: number[]): number => { if (x !== 1) throw new Error("only at 1"); return x * y; };', [1, 2]);
    assert.deepEqual(s.gradient, { mode: 'autodiff', path: 'reverse' });
  });
});
