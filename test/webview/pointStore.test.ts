import * as assert from 'node:assert/strict';
import { DEFAULT_DISPLAY_CAP, PointStore } from '../../src/webview/pointStore';
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
    const { rows, replace } = store.add(series(0, [0, 1, 99]));
    assert.equal(replace, false);
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
    assert.equal(store.add(series(0, [0, 10], true)).replace, true);
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
    assert.ok(store.displayCount <= DEFAULT_DISPLAY_CAP);
  });

  it('thins what the charts show to the cap, keeping the lowest and highest losses and the last point', () => {
    const cap = 200;
    const store = new PointStore([0, 1], (r) => `run ${r}`, cap);
    // 10,000 steps in batches of 250: a decaying loss with one spike at step 6001 and the minimum at 8000.
    const loss = (s: number): number => (s === 6001 ? 1e6 : s === 8000 ? -5 : 1000 / (1 + s));
    let shown: Array<{ step: number; loss: number }> = [];
    let replaces = 0;
    for (let from = 0; from < 10_000; from += 250) {
      const steps = Array.from({ length: 250 }, (_, k) => from + k);
      const d = store.add({ run: 0, steps, dim: 1, replace: false, loss: steps.map(loss), params: steps, gradNorm: steps, lr: steps });
      if (d.replace) { replaces++; shown = []; }
      shown.push(...d.rows);
      assert.ok(shown.length <= cap + 2, `at most the cap (+ one bucket), got ${shown.length}`);
    }
    shown.push(...store.finish(0).rows);
    assert.ok(replaces >= 1 && replaces <= 8, `the span doubled a few times (${replaces})`);
    assert.deepEqual(shown.map((r) => r.step), store.allRows().map((r) => r.step), 'the deltas add up to what the store shows');
    const steps = shown.map((r) => r.step);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'rows in step order');
    assert.ok(steps.includes(0), 'the start');
    assert.ok(steps.includes(6001), 'the spike');
    assert.ok(steps.includes(8000), 'the minimum');
    assert.equal(steps[steps.length - 1], 9999, 'the last point');
    assert.equal(store.pointCount, 10_000, 'every point is kept for the scrubber');
    assert.deepEqual(store.paramsAt(0, 4321), [4321]);
  });

  it('shows every point of a short run, and its last one once', () => {
    const store = new PointStore();
    const d = store.add(series(0, [0, 1, 2]));
    assert.deepEqual(d.rows.map((r) => r.step), [0, 1, 2]);
    assert.deepEqual(store.finish(0).rows, []);
    assert.equal(store.displayCount, 3);
  });

  it('always shows a run\'s first point, and thins to a subset of the rows shown (a replace only drops rows)', () => {
    const cap = 40;
    const store = new PointStore([0, 1], (r) => `run ${r}`, cap);
    // The start is not the highest loss of its bucket: min–max alone would drop it.
    const loss = (s: number): number => (s === 0 ? 5 : s === 1 ? 50 : 10 + Math.sin(s));
    let shown = new Set<string>();
    for (let from = 0; from < 2_000; from += 50) {
      const steps = Array.from({ length: 50 }, (_, k) => from + k);
      const d = store.add({ run: 0, steps, dim: 1, replace: false, loss: steps.map(loss), params: steps, gradNorm: steps, lr: steps });
      const keys = d.rows.map((r) => `${r.step}:${r.loss}`);
      if (d.replace) {
        const before = shown;
        const lastShown = Math.max(...[...before].map((k) => Number(k.split(':')[0])));
        const added = keys.filter((k) => !before.has(k));
        // Rows after the last one shown (buckets completed by this batch) are new; every earlier one was shown before.
        assert.ok(added.every((k) => Number(k.split(':')[0]) > lastShown), `a replace re-adds no row it had dropped (${added.slice(0, 3).join(', ')}; last shown ${lastShown})`);
        shown = new Set(keys);
      } else {
        for (const k of keys) shown.add(k);
      }
      assert.ok(store.allRows().some((r) => r.step === 0), `step 0 shown after the batch from ${from}`);
    }
    assert.deepEqual(store.allRows()[0], { run: 0, label: 'run 0', step: 0, loss: 5, x: 0, y: 0, gradNorm: 0, lr: 0, params: '[0]' });
  });

  it('thins a run of known length in fixed step buckets: rows once shown stay, under the cap', () => {
    const cap = 100;
    const store = new PointStore([0, 1], (r) => `run ${r}`, cap);
    store.expectSteps(10_000);
    const loss = (s: number): number => (s === 6003 ? 1e6 : 1000 / (1 + s) + (s % 7));
    const shown: number[] = [];
    // As the host sends a long run: its own min/max buckets of 6 steps (two points each), 40 buckets a message.
    for (let from = 0; from < 10_000; from += 240) {
      const steps: number[] = [];
      for (let b = from; b < Math.min(from + 240, 10_001); b += 6) steps.push(b, b + 3);
      if (from + 240 >= 10_000) steps.push(10_000);
      const d = store.add({ run: 0, steps, dim: 1, replace: false, loss: steps.map(loss), params: steps, gradNorm: steps, lr: steps });
      assert.equal(d.replace, false, `no rebuild (batch from ${from})`);
      shown.push(...d.rows.map((r) => r.step));
    }
    shown.push(...store.finish(0).rows.map((r) => r.step));
    assert.ok(shown.length <= cap, `${shown.length} rows for 10,000 steps (cap ${cap})`);
    assert.ok(shown.length >= cap * 0.8, `the cap is used (${shown.length})`);
    assert.deepEqual(shown, [...shown].sort((a, b) => a - b), 'in step order, each once');
    assert.equal(new Set(shown).size, shown.length);
    assert.equal(shown[0], 0, 'the start');
    assert.ok(shown.includes(6003), 'the spike');
    assert.equal(shown[shown.length - 1], 10_000, 'the last point');
    store.reset();
    store.expectSteps(null);
    const d = store.add(series(0, [0, 1, 2]));
    assert.deepEqual(d.rows.map((r) => r.step), [0, 1, 2], 'unknown length: every point while under the cap');
  });
});
