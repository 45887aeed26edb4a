import * as assert from 'node:assert/strict';
import { PointStore } from '../../src/webview/pointStore';
import type { PointSeries } from '../../src/protocol';

const series = (run: number, steps: number[], replace = false): PointSeries => ({
  run, steps, dim: 3, replace,
  loss: steps.map((s) => (s === 99 ? null : 10 - s)),
  params: steps.flatMap((s) => [s, 2 * s, 3 * s]),
  gradNorm: steps.map(() => 1), lr: steps.map(() => 0.1),
});

describe('webview/PointStore', () => {
  it('turns streamed series into chart rows, null as NaN', () => {
    const store = new PointStore([0, 1], (r) => `run ${r}`);
    const rows = store.add(series(0, [0, 1, 99]));
    assert.equal(rows.length, 3);
    assert.deepEqual({ ...rows[1] }, { run: 0, label: 'run 0', step: 1, loss: 9, x: 1, y: 2, gradNorm: 1, lr: 0.1, params: '[1, 2, 3]' });
    assert.ok(Number.isNaN(rows[2]!.loss));
    assert.equal(store.lastFiniteLoss(0), 9);
  });

  it('appends, replaces a run, and rebuilds rows for other plotted coordinates', () => {
    const store = new PointStore();
    store.add(series(0, [0, 1]));
    store.add(series(1, [0]));
    store.add(series(0, [2, 3]));
    assert.equal(store.pointCount, 5);
    assert.equal(store.maxStep(), 3);
    store.add(series(0, [0, 10], true));
    assert.deepEqual(store.allRows().map((r) => `${r.run}:${r.step}`), ['0:0', '0:10', '1:0']);
    store.setDims([2, 0]);
    assert.deepEqual(store.allRows().map((r) => [r.x, r.y]), [[0, 0], [30, 10], [0, 0]]);
    assert.deepEqual(store.paramsAt(0, 5), [0, 0, 0], 'the last point at or before the step');
    assert.deepEqual(store.paramsAt(0, 10), [10, 20, 30]);
  });

  it('marks diverged runs where and why', () => {
    const store = new PointStore([0, 1], (r) => ['Adam', 'SGD'][r]!);
    store.add(series(1, [0, 1, 2]));
    const events = store.eventRows([
      { run: 0, label: 'Adam', status: 'completed', steps: 100 },
      { run: 1, label: 'SGD', status: 'diverged', steps: 2, message: 'loss became Infinity at step 2' },
    ]);
    assert.deepEqual(events, [{ run: 1, label: 'SGD', step: 2, loss: 8, message: 'loss became Infinity at step 2' }]);
  });

  it('keeps a long series without hitting argument-count limits', () => {
    const store = new PointStore();
    const n = 130_000; // above V8's limit on spread arguments (~120k)
    const steps = Array.from({ length: n }, (_, i) => i);
    store.add({ run: 0, steps, dim: 1, replace: false, loss: steps, params: steps, gradNorm: steps, lr: steps });
    assert.equal(store.pointCount, n);
    assert.equal(store.maxStep(), n - 1);
  });
});
