import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PointBatch } from '../../src/engine/types';
import { ResultsStore, exportPoints, type DisplayBudget } from '../../src/extension/results';

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
  let root: string;
  const stores: ResultsStore[] = [];
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'results-store-test-')); });
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
    rmSync(root, { recursive: true, force: true });
  });
  function make(labels: string[], dim: number, maxPoints = 201, budget?: DisplayBudget, memoryBytes?: number): ResultsStore {
    const store = new ResultsStore(labels, dim, { maxPoints, spillRoot: root, ...(budget ? { budget } : {}), ...(memoryBytes !== undefined ? { memoryBytes } : {}) });
    stores.push(store);
    return store;
  }

  it('shows short runs exactly and keeps every point', () => {
    const store = make(['a', 'b'], 2);
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
    const store = make(['a'], 2, 10_001, { chunkBudget: 2000, displayBudget: 20000 });
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
    const store = make(['a'], 1, n, { chunkBudget: 1000, displayBudget: 4000 }, 1 << 20);
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
    const store = make(['a'], 1);
    store.append([batch(0, 0, 10, 1, () => 1)]);
    assert.equal(store.append([batch(0, 5, 10, 1, () => 1)]).length, 1);
    assert.equal(store.runs[0].count, 10);
  });

  it('exports every exact point as CSV and JSON, non-finite values spelled out', async () => {
    const store = make(['Adam, fast'], 2);
    store.append([batch(0, 0, 3, 2, (s) => (s === 2 ? Infinity : s))]);
    const dir = path.join(root, 'export');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    assert.deepEqual(await exportPoints(store, dir, [{ label: 'Adam, fast', optimizer: 'adam', hyperparameters: { lr: 0.1 } }]), ['points.csv', 'runs.json']);
    const csv = readFileSync(path.join(dir, 'points.csv'), 'utf8').trim().split('\n');
    assert.deepEqual(csv[0], 'run,label,step,loss,grad_norm,lr,p0,p1');
    assert.equal(csv.length, 4);
    assert.equal(csv[3], '0,"Adam, fast",2,Infinity,1,0.1,2,2.1');
    const json = JSON.parse(readFileSync(path.join(dir, 'runs.json'), 'utf8')) as { runs: { optimizer: string; points: { loss: number | null; gradNorm: number; params: number[] }[] }[] };
    assert.equal(json.runs[0].optimizer, 'adam');
    assert.equal(json.runs[0].points.length, 3);
    assert.equal(json.runs[0].points[2].loss, null);
    assert.equal(json.runs[0].points[1].gradNorm, 1);
    assert.deepEqual(json.runs[0].points[1].params, [1, 1.1]);
  });

  it('a long run keeps its memory bounded: the points spill to the storage folder, the view stays a few thousand points', async function () {
    this.timeout(120_000);
    const n = 100_001;
    const store = make(['a', 'b'], 2, n, undefined, 64 << 10);
    for (let from = 0; from < n; from += 10_000) {
      const count = Math.min(10_000, n - from);
      store.append([batch(0, from, count, 2, (s) => 1 / (1 + s)), batch(1, from, count, 2, (s) => (s === 34_567 ? 1e9 : 1))]);
      for (const r of store.runs) if (from + count === n) r.status = 'completed';
      store.takeDisplay(0);
      store.takeDisplay(1);
    }
    const spill = readdirSync(root).filter((f) => f.startsWith('optimizer-playground-points-'));
    assert.equal(spill.length, 1, 'one spill folder in the storage folder');
    const snapshot = store.snapshot();
    assert.ok(snapshot.every((s) => s.steps.length <= store.budget.displayBudget + 2), 'the panel holds a few thousand points per run');
    assert.ok(snapshot[1]!.steps.includes(34_567), 'the spike is shown');
    assert.deepEqual(Array.from(store.paramsAt(0, 99_999)), [99_999, 99_999.1], 'the scrubber reads any step back');
    const dir = path.join(root, 'export');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const exporting = exportPoints(store, dir, []);
    store.dispose();
    await exporting;
    assert.equal(readFileSync(path.join(dir, 'points.csv'), 'utf8').trim().split('\n').length - 1, 2 * n, 'Export writes every exact point, even when the run was replaced meanwhile');
    assert.ok(!existsSync(path.join(root, spill[0]!)), 'the spill folder is gone once the export ended');
  });
});
