import { strict as assert } from 'node:assert';
import type { PointBatch } from '../../src/engine/types';
import { fromWire } from '../../src/protocol';
import { ResultsStore, minMaxIndices, resultsCsv, resultsJson } from '../../src/extension/results';

function batch(run: number, fromStep: number, count: number, dim: number, f: (step: number) => number): PointBatch {
  const loss = new Float64Array(count), params = new Float64Array(count * dim), gradNorm = new Float64Array(count), lr = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    loss[i] = f(fromStep + i);
    for (let d = 0; d < dim; d++) params[i * dim + d] = fromStep + i + d / 10;
    gradNorm[i] = 1; lr[i] = 0.1;
  }
  return { run, fromStep, count, loss, params, gradNorm, lr };
}

describe('results store', () => {
  it('shows short runs exactly and keeps every point', () => {
    const store = new ResultsStore(['a', 'b'], 2);
    assert.deepEqual(store.append([batch(0, 0, 100, 2, (s) => 100 - s), batch(1, 0, 50, 2, (s) => s)]), []);
    const s = store.takeDisplay(0)!;
    assert.equal(s.steps.length, 100);
    assert.deepEqual(s.steps.slice(0, 3), [0, 1, 2]);
    assert.deepEqual(s.params.slice(0, 4), [0, 0.1, 1, 1.1]);
    assert.equal(s.replace, false);
    assert.equal(store.takeDisplay(0), undefined, 'nothing new');
    store.append([batch(0, 100, 10, 2, () => 1)]);
    assert.deepEqual(store.takeDisplay(0)!.steps, [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('shows runs that fit the display budget exactly, a chunk per batch', () => {
    const store = new ResultsStore(['a'], 2, { chunkBudget: 2000, displayBudget: 20000 }, 10_001);
    store.append([batch(0, 0, 10_001, 2, (s) => Math.sin(s))]);
    const steps: number[] = [];
    for (let s = store.takeDisplay(0); s; s = store.takeDisplay(0)) {
      assert.ok(s.steps.length <= 2000 && !s.replace);
      steps.push(...s.steps);
    }
    assert.deepEqual(steps, Array.from({ length: 10_001 }, (_, i) => i));
    assert.equal(store.snapshot()[0].steps.length, 10_001, 'a fresh snapshot is exact too');
  });

  it('streams a long run of known length in fixed buckets, never resent, extremes kept', () => {
    const n = 1_000_001;
    const store = new ResultsStore(['a'], 1, { chunkBudget: 1000, displayBudget: 4000 }, n);
    assert.equal(store.exact, false);
    const spikeAt = 654_321, dipAt = 123_457;
    const steps: number[] = [];
    for (let from = 0; from < n; from += 77_777) {
      const count = Math.min(77_777, n - from);
      store.append([batch(0, from, count, 1, (s) => (s === spikeAt ? 1e9 : s === dipAt ? -1 : 1 + Math.cos(s)))]);
      if (from + count === n) store.runs[0].status = 'completed';
      for (let s = store.takeDisplay(0); s; s = store.takeDisplay(0)) {
        assert.equal(s.replace, false);
        steps.push(...s.steps);
      }
    }
    assert.ok(steps.length <= 4002, `${steps.length} points shown`);
    assert.ok(steps.every((x, i) => i === 0 || x > steps[i - 1]), 'in order, each once');
    assert.equal(steps[0], 0);
    assert.equal(steps[steps.length - 1], n - 1, 'the last point');
    assert.ok(steps.includes(spikeAt) && steps.includes(dipAt), 'the extremes');
    assert.deepEqual(store.snapshot()[0].steps, steps, 'a fresh snapshot shows the same points');
  });

  it('refuses batches that do not continue a run', () => {
    const store = new ResultsStore(['a'], 1);
    store.append([batch(0, 0, 10, 1, () => 1)]);
    assert.equal(store.append([batch(0, 5, 10, 1, () => 1)]).length, 1);
    assert.equal(store.runs[0].count, 10);
  });

  it('thins long runs for display, keeping the extremes, and resends when over budget', () => {
    const store = new ResultsStore(['a'], 1, { chunkBudget: 100, displayBudget: 400 });
    let from = 0;
    const spikeAt = 12_345;
    let replaced = false;
    for (let k = 0; k < 20; k++) {
      store.append([batch(0, from, 5000, 1, (s) => (s === spikeAt ? 1e6 : 1 / (1 + s)))]);
      from += 5000;
      const s = store.takeDisplay(0)!;
      assert.ok(s.steps.length <= 402, `batch of ${s.steps.length} points`);
      if (s.replace) replaced = true;
      if (k === 2) assert.ok(s.steps.includes(spikeAt) || store.runs[0].displayed > 0);
    }
    assert.ok(replaced, 'a replace series was sent');
    assert.equal(store.runs[0].count, 100_000, 'every exact point kept');
    const snap = store.snapshot()[0];
    assert.ok(snap.steps.includes(spikeAt), 'the spike survives thinning');
    assert.ok(snap.steps.includes(99_999), 'the last point survives');
    assert.equal(fromWire(snap.loss)[snap.steps.indexOf(spikeAt)], 1e6);
  });

  it('min-max indices keep first, last and each bucket\'s extremes', () => {
    const v = Float64Array.from({ length: 1000 }, (_, i) => (i === 500 ? -5 : i === 700 ? 99 : 0));
    const idx = minMaxIndices(v, 0, 1000, 10);
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], 999);
    assert.ok(idx.includes(500) && idx.includes(700));
    assert.ok(idx.every((x, i) => i === 0 || x > idx[i - 1]), 'sorted and unique');
  });

  it('exports every exact point as CSV and JSON, non-finite values spelled out', () => {
    const store = new ResultsStore(['Adam, fast'], 2);
    store.append([batch(0, 0, 3, 2, (s) => (s === 2 ? Infinity : s))]);
    const csv = resultsCsv(store).trim().split('\n');
    assert.deepEqual(csv[0], 'run,label,step,loss,gradNorm,lr,p0,p1');
    assert.equal(csv.length, 4);
    assert.equal(csv[3], '0,"Adam, fast",2,Infinity,1,0.1,2,2.1');
    const json = resultsJson(store, [{ label: 'Adam, fast', optimizer: 'adam', hyperparameters: { lr: 0.1 } }]) as { runs: { points: { loss: number | null; params: number[] }[] }[] };
    assert.equal(json.runs[0].points.length, 3);
    assert.equal(json.runs[0].points[2].loss, null);
    assert.deepEqual(json.runs[0].points[1].params, [1, 1.1]);
  });
});
