/**
 * The sharpness chart's data under --out, read back from the point store block by block
 * (src/cli/curvatureChart.ts): the crossings are those `crossingRows` finds on the whole columns,
 * however the blocks cut the run, and the kept points carry the curvature of their own step.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crossingRows } from '../../src/charts';
import { PointStore } from '../../src/points/store';
import { curvatureChartData } from '../../src/cli/curvatureChart';
import { RunResult } from '../../src/cli/results';

describe('cli: the sharpness chart read from the point store', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'curvature-chart-test-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds every crossing of a spilled 20,000-step run, at block boundaries and past non-finite points', () => {
    // Gradient descent at η = 0.1: stable below λmax = 20. The sharpness goes above 20 at chosen
    // steps (4095/4096 straddle the reader's block of 4096), NaN points in between.
    const n = 20_000, above = new Set([3, 4095, 4096, 4097, 8191, 8192, 12_000, 12_001]), nan = new Set([8190, 8191 + 2, 15_000]);
    const sharpness = Float64Array.from({ length: n }, (_, i) => (nan.has(i) ? NaN : above.has(i) ? 25 + i * 1e-6 : 10));
    sharpness[8194] = NaN; // 8191–8192 above (8190 unknown before): one crossing at 8191
    const lr = new Float64Array(n).fill(0.1);
    const spec = { label: 'GD', optimizer: 'gd', hyperparameters: { lr: 0.1 } };
    const store = new PointStore({ runs: 1, dim: 2, spillRoot: root, memoryBytes: 64 << 10, curvature: true });
    try {
      for (let from = 0; from < n; from += 1000) {
        const loss = Float64Array.from({ length: 1000 }, (_, i) => 1 / (from + i + 1));
        store.append({ run: 0, fromStep: from, count: 1000, loss, gradNorm: loss, lr: lr.subarray(from, from + 1000),
          params: new Float64Array(2000), sharpness: sharpness.subarray(from, from + 1000) });
      }
      assert.ok(store.spilledBytes > 0);
      const run = new RunResult(0, spec, 2, true);
      const data = curvatureChartData(run, store);
      const whole = crossingRows(spec, 0, 'GD', { count: n, lr, sharpness });
      assert.deepEqual(whole.map((c) => c.step), [3, 4095, 8191, 12_000]);
      assert.deepEqual(data.crossings, whole);
      assert.ok(data.points.length > 0 && data.points.length < 2100);
      for (const p of data.points) {
        const expected = sharpness[p.step] as number;
        assert.ok(Object.is(p.curvature, expected), `step ${p.step}: ${p.curvature} ≠ ${expected}`);
      }
      assert.ok(data.points.some((p) => p.step === 12_001), 'a spike is kept by the min–max thinning');
    } finally {
      store.dispose();
    }
  });
});
