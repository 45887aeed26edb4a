import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { PointBatch } from '../../src/engine/types';
import { GRAD_NORM, LOSS, LR, PARAMS, PointStore } from '../../src/points/store';

/** Point `step` of run `run`: values that name themselves, so any mix-up shows. */
function value(run: number, step: number, field: number): number {
  return run * 1e9 + step + field / 16;
}

function batch(run: number, fromStep: number, count: number, dim: number): PointBatch {
  const b = {
    run, fromStep, count, loss: new Float64Array(count), gradNorm: new Float64Array(count), lr: new Float64Array(count),
    params: new Float64Array(count * dim),
  };
  for (let i = 0; i < count; i++) {
    b.loss[i] = value(run, fromStep + i, LOSS);
    b.gradNorm[i] = value(run, fromStep + i, GRAD_NORM);
    b.lr[i] = value(run, fromStep + i, LR);
    for (let d = 0; d < dim; d++) b.params[i * dim + d] = value(run, fromStep + i, PARAMS + d);
  }
  return b;
}

describe('points: PointStore', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'point-store-test-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('gives back every point exactly, across spilled, held and open chunks, in any batch sizes (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 700 })), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 0, max: 40_000 }),
      (dim, runs, batches, memoryBytes) => {
        const store = new PointStore({ runs, dim, spillRoot: root, memoryBytes });
        try {
          for (const [r, count] of batches) {
            const run = r % runs;
            assert.ok(store.append(batch(run, store.count(run), count, dim)));
          }
          for (let run = 0; run < runs; run++) {
            const n = store.count(run);
            for (const [from, records] of store.blocks(run, 0, n, 97)) {
              for (let i = 0; i < records.length / store.stride; i++) {
                for (let f = 0; f < store.stride; f++) assert.equal(records[i * store.stride + f], value(run, from + i, f));
              }
            }
            if (n > 0) assert.deepEqual(Array.from(store.paramsAt(run, n - 1)), Array.from({ length: dim }, (_, d) => value(run, n - 1, PARAMS + d)));
          }
        } finally {
          store.dispose();
        }
      }), { numRuns: 60 });
  });

  it('a spilled run keeps its sharpness and preconditioned sharpness, exactly, beside the parameters', () => {
    const dim = 3, n = 5000;
    const store = new PointStore({ runs: 2, dim, spillRoot: root, memoryBytes: 16 << 10, curvature: true });
    try {
      for (let from = 0; from < n; from += 250) {
        for (let run = 0; run < 2; run++) {
          const b = batch(run, from, 250, dim);
          const sharpness = Float64Array.from({ length: 250 }, (_, i) => value(run, from + i, 100));
          // Run 1 is adaptive: it also has the preconditioned sharpness.
          const preconditioned = run === 1 ? Float64Array.from({ length: 250 }, (_, i) => value(run, from + i, 101)) : undefined;
          assert.ok(store.append({ ...b, sharpness, ...(preconditioned ? { preconditionedSharpness: preconditioned } : {}) }));
        }
      }
      assert.ok(store.spilledBytes > 0, 'the points went to files');
      const at = store.sharpnessOffset as number;
      assert.equal(at, PARAMS + dim);
      assert.deepEqual(store.curvatureOf(0), { sharpness: true, preconditionedSharpness: false });
      assert.deepEqual(store.curvatureOf(1), { sharpness: true, preconditionedSharpness: true });
      for (let run = 0; run < 2; run++) {
        for (const [from, records] of store.blocks(run, 0, n, 333)) {
          for (let i = 0; i < records.length / store.stride; i++) {
            const o = i * store.stride;
            assert.equal(records[o + at], value(run, from + i, 100));
            if (run === 1) assert.equal(records[o + at + 1], value(run, from + i, 101));
            else assert.ok(Number.isNaN(records[o + at + 1]));
            assert.equal(records[o + PARAMS + dim - 1], value(run, from + i, PARAMS + dim - 1));
          }
        }
        assert.equal(store.paramsAt(run, n - 1).length, dim, 'the parameters alone, not the curvature after them');
      }
    } finally {
      store.dispose();
    }
  });

  it('holds at most its memory budget plus one open chunk per run, however many points it is given', () => {
    const memoryBytes = 1 << 20;
    const store = new PointStore({ runs: 8, dim: 2, spillRoot: root, memoryBytes });
    const openChunks = 8 * store.chunkPoints * store.stride * 8;
    let most = 0;
    for (let step = 0; step < 250_000; step += 5000) {
      for (let run = 0; run < 8; run++) store.append(batch(run, step, 5000, 2));
      most = Math.max(most, store.memoryHeld);
    }
    assert.equal(store.count(7), 250_000);
    assert.ok(most <= memoryBytes + openChunks, `held ${most} bytes, budget ${memoryBytes} + open chunks ${openChunks}`);
    assert.ok(store.spilledBytes >= 8 * 250_000 * 5 * 8 - memoryBytes - openChunks, 'the rest is in spill files');
    const folder = store.spillFolder;
    assert.ok(folder && existsSync(folder));
    store.dispose();
    assert.ok(!existsSync(folder), 'dispose deletes the spill files');
  });

  it('never touches the disk while the points fit in memory', () => {
    const store = new PointStore({ runs: 3, dim: 2, spillRoot: path.join(root, 'never-made') });
    for (let run = 0; run < 3; run++) store.append(batch(run, 0, 10_000, 2));
    assert.equal(store.spillFolder, undefined);
    assert.ok(!existsSync(path.join(root, 'never-made')));
    store.dispose();
  });

  it('refuses a batch that does not continue its run, or names no run', () => {
    const store = new PointStore({ runs: 2, dim: 1, spillRoot: root });
    assert.ok(store.append(batch(0, 0, 10, 1)));
    assert.equal(store.append(batch(0, 5, 10, 1)), false, 'an overlap');
    assert.equal(store.append(batch(0, 11, 10, 1)), false, 'a gap');
    assert.equal(store.append(batch(2, 0, 10, 1)), false, 'no such run');
    assert.equal(store.count(0), 10);
    assert.throws(() => store.read(0, 5, 6), RangeError);
    store.dispose();
  });
});
