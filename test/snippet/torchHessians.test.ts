/**
 * Hessians of loss snippets (forward-over-reverse through the differentiated module,
 * hessianRuntime.ts) against torch.autograd.functional.hessian in float64, for every snippet
 * construct of the gradient fixtures (tools/torch/generate_curvature_fixtures.py imports them):
 * loops, helpers, closures, arrays, classes, data, mini-batches and the Math functions.
 *
 * Tolerance: 1e-10 relative to the Hessian's largest entry (the bound; the two agree to a
 * few ulps where the operations are associated alike). A wrong second derivative, or a finite
 * difference, is off by far more (central differences of the gradient: ~1e-6).
 */
import * as assert from 'node:assert/strict';
import { symmetricEigen } from '../../src/engine/curvature/eigen';
import { curvatureFixtures } from '../engine/curvature/fixtures';
import { sandbox, tapeSandbox } from './helpers';
import { variant } from './variants';

const REL = 1e-10;

function assertHessian(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  const scale = Math.max(1e-300, ...expected.map(Math.abs));
  expected.forEach((e, k) => assert.ok(Math.abs(actual[k] - e) <= REL * scale,
    `${what}: H[${k}] = ${actual[k]}, torch ${e} (relative error ${Math.abs(actual[k] - e) / scale})`));
}

describe('snippet Hessians against torch (float64)', () => {
  it('covers at least ten snippets: loops, helpers, data, mini-batches and Math.*', () => {
    const names = curvatureFixtures.snippets.map((c) => c.name).join('\n');
    assert.ok(curvatureFixtures.snippets.length >= 10);
    for (const what of [/loop/, /helper/, /data/, /mini-batch/, /Math: sin/, /Math: exp/, /closures/, /arrays/]) assert.match(names, what);
  });

  const straightLine = new Set<string>();
  for (const c of curvatureFixtures.snippets) {
    it(`${c.name}: Hessians and eigenvalues (as written, and on the tape alone)`, () => {
      for (const make of [sandbox, tapeSandbox]) {
        for (const point of c.points) {
          const s = make(c.source, point.params);
          s.probeCurvature(point.params);
          assert.equal(s.curvature.mode, 'autodiff', s.curvature.reason);
          // Straight-line losses take the straight-line Hessian (checked against the tape by the probe).
          const straight = make === sandbox && s.gradient.path === 'straight-line' && point.params.length <= 8;
          assert.equal(s.curvature.path, straight ? 'straight-line' : 'tape', `${c.name}: Hessian path`);
          if (straight) straightLine.add(c.name);
          const n = point.params.length;
          const objective = s.objective(n);
          const h = new Float64Array(n * n);
          objective.hessian!(Float64Array.from(point.params), h, null);
          const loss = objective.value(Float64Array.from(point.params), null);
          assert.ok(Math.abs(loss - point.loss) <= 1e-12 * Math.max(1, Math.abs(point.loss)), `loss ${loss} vs ${point.loss}`);
          const where = `${c.name} at [${point.params.join(', ')}]`;
          assertHessian(h, point.hessian, where);
          const { values } = symmetricEigen(h, n);
          const top = Math.max(...point.eigenvalues.map(Math.abs));
          point.eigenvalues.forEach((e, k) => assert.ok(Math.abs(values[k] - e) <= REL * Math.max(top, 1e-300), `${where}: λ${k} ${values[k]} vs ${e}`));
          // Hessian-vector products: H·v for a direction without symmetry.
          const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1.3));
          const hv = new Float64Array(n);
          objective.hessianVector!(Float64Array.from(point.params), v, hv, null);
          for (let i = 0; i < n; i++) {
            let e = 0;
            for (let j = 0; j < n; j++) e += point.hessian[i * n + j] * v[j];
            assert.ok(Math.abs(hv[i] - e) <= REL * Math.max(1, ...point.hessian.map(Math.abs)) * n, `${where}: (Hv)[${i}] ${hv[i]} vs ${e}`);
          }
        }
        // A mini-batch reaches the loss only when the snippet exports its data (as for gradients).
        if (c.batch) {
          const s = make(variant(c.source, 'exported'), c.batch.params);
          const n = c.batch.params.length;
          const h = new Float64Array(n * n);
          s.objective(n).hessian!(Float64Array.from(c.batch.params), h, Int32Array.from(c.batch.indices));
          assertHessian(h, c.batch.hessian, `${c.name} on the batch [${c.batch.indices.join(', ')}]`);
        }
      }
    });
  }

  it('several of them on the straight-line Hessian (second-order forward mode)', () => {
    assert.ok(straightLine.size >= 3, [...straightLine].join(', '));
  });
});

describe('snippet Hessians: the announced fallback (central differences of the gradient)', () => {
  it('a loss with its own grad export: central differences of it, and says so', () => {
    const source = 'const A = 3;\nexport default ([x, y]: number[]): number => A * x * x + x * y;\nexport const grad = ([x, y]: number[]): number[] => [2 * A * x + y, x];';
    const s = sandbox(source, [1, 2]);
    s.probeCurvature([1, 2]);
    assert.equal(s.curvature.mode, 'finite-differences');
    assert.match(s.curvature.reason ?? '', /its own gradient/);
    const h = new Float64Array(4);
    s.objective(2).hessian!(Float64Array.of(1, 2), h, null);
    [6, 1, 1, 0].forEach((e, k) => assert.ok(Math.abs(h[k] - e) <= 1e-6, `H[${k}] ${h[k]}`));
  });

  it('a value kept from one evaluation to the next: central differences, with the reason and the line', () => {
    const source = 'let last = 0;\nexport default function loss([x, y]: number[]): number {\n  const r = x * x * y + last * 0;\n  last = r;\n  return r;\n}';
    const s = sandbox(source, [1, 2]);
    s.probeCurvature([1, 2]);
    assert.equal(s.curvature.mode, 'finite-differences', JSON.stringify(s.curvature));
    assert.match(s.curvature.reason ?? '', /earlier evaluation|line \d+/);
  });
});
