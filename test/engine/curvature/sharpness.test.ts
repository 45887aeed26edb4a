import * as assert from 'node:assert/strict';
import { symmetricEigen } from '../../../src/engine/curvature/eigen';
import { SharpnessMeter } from '../../../src/engine/curvature/sharpness';
import type { Objective } from '../../../src/engine/types';

/** A loss whose Hessian is the constant `h` (n × n, row-major): only its Hessian is read here. */
function constantHessian(h: readonly number[], n: number): Objective {
  return {
    dim: n, dataSize: 0,
    value: () => 0,
    valueAndGrad: () => 0,
    hessian: (_x, out) => { out.set(h); },
  };
}

/** P^{−1/2}(H + λI)P^{−1/2}, one √p at a time (no product of two p's to overflow). */
function scaled(h: readonly number[], n: number, p: readonly number[], decay: number): number[] {
  return h.map((v, k) => {
    const i = Math.floor(k / n), j = k % n;
    return (v + (i === j ? decay : 0)) / Math.sqrt(p[i]) / Math.sqrt(p[j]);
  });
}

/** λmax(P^{−1/2}(H + λI)P^{−1/2}) by Jacobi. */
function reference(h: readonly number[], n: number, p: readonly number[], decay: number): number {
  const { values } = symmetricEigen(scaled(h, n, p, decay), n);
  return values[n - 1];
}

describe('curvature/sharpness: the closed form of 1 × 1 and 2 × 2 Hessians, plain and preconditioned', () => {
  const cases: [number[], number][] = [
    [[1902, 600, 600, 200], 2], [[-617.7, -160.97, -160.97, 200], 2], [[0.52, -0.48, -0.48, 0.52], 2],
    [[3, 0, 0, -4], 2], [[7.5], 1], [[-2], 1],
  ];
  // Preconditioners of Adam-like sizes, and extreme ones whose product p0·p1 under- or overflows.
  const preconditioners = [[1, 1], [3e-3, 0.25], [1e-8, 40], [1e-200, 1e-180], [1e200, 3e190]];

  it('equals Jacobi on P^{−1/2}(H + λI)P^{−1/2} to 1e-13 of the spectrum’s size, for every P and coupled weight decay λ', () => {
    for (const [h, n] of cases) {
      const meter = new SharpnessMeter(constantHessian(h, n));
      const plain = meter.measure(new Float64Array(n));
      const top = reference(h, n, [1, 1], 0);
      assert.ok(Math.abs(plain - top) <= 1e-13 * Math.abs(top) + 1e-300, `${h}: ${plain} vs ${top}`);
      for (const p of preconditioners) {
        for (const decay of [0, 0.1]) {
          const got = meter.preconditioned(Float64Array.from(p.slice(0, n)), decay);
          const want = reference(h, n, p, decay);
          assert.ok(Number.isFinite(got), `${h}, P = ${p}, λ = ${decay}: ${got}`);
          // Relative to the spectrum's size: Jacobi's own error is that of the largest eigenvalue in size.
          const size = Math.max(...symmetricEigen(scaled(h, n, p, decay), n).values.map(Math.abs));
          assert.ok(Math.abs(got - want) <= 1e-13 * size, `${h}, P = ${p}, λ = ${decay}: ${got} vs ${want}`);
        }
      }
    }
  });

  it('keeps its relative precision when the other eigenvalue is far larger in size (no cancellation)', () => {
    // [[a, b], [b, d]] with a ≪ 0: λmax = d + b²/(d − a) + O(b⁴/(d − a)³), the last term ~1e-30 here.
    const a = -1e10, b = 1, d = 1e-3;
    const meter = new SharpnessMeter(constantHessian([a, b, b, d], 2));
    const want = d + (b * b) / (d - a);
    const got = meter.measure(new Float64Array(2));
    assert.ok(Math.abs(got - want) <= 1e-14 * want, `${got} vs ${want}`);
    const pre = meter.preconditioned(Float64Array.from([2, 0.5]));
    const wantPre = d / 0.5 + (b * b / (2 * 0.5)) / (d / 0.5 - a / 2);
    assert.ok(Math.abs(pre - wantPre) <= 1e-14 * wantPre, `${pre} vs ${wantPre}`);
  });

  it('has no preconditioned sharpness where P is not positive and finite', () => {
    const meter = new SharpnessMeter(constantHessian([2, 1, 1, 3], 2));
    meter.measure(new Float64Array(2));
    for (const p of [[0, 1], [1, -1], [Infinity, 1], [1, NaN]]) assert.ok(Number.isNaN(meter.preconditioned(Float64Array.from(p))), `${p}`);
  });
});
