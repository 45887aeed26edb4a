import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { contourLevels, contourRows, downsampleMinMax, extremaIndices, formatNumber, surfaceGrid } from '../../src/charts';

describe('charts: downsampleMinMax', () => {
  it('finds a range\'s least and greatest value (first of equals), skipping NaN', () => {
    assert.deepEqual(extremaIndices([5, 1, NaN, 9, 1, 9], 0, 6), [1, 3]);
    assert.deepEqual(extremaIndices([5, 1, NaN, 9, 1, 9], 2, 3), undefined);
    assert.deepEqual(extremaIndices([5, 1, NaN, 9, 1, 9], 4, 6), [4, 5]);
    assert.deepEqual(extremaIndices([2, 2], 0, 2), [0, 0]);
    assert.deepEqual(extremaIndices([2], 1, 1), undefined);
  });

  it('keeps every point when there are few', () => {
    assert.deepEqual([...downsampleMinMax([0, 1, 2, 3], [4, 3, 2, 1], 10)], [0, 1, 2, 3]);
  });

  it('keeps the first and last points, each bucket\'s min and max, in order', () => {
    const n = 10_000;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const values = Float64Array.from({ length: n }, (_, i) => Math.exp(-i / 2000) + (i === 4321 ? 50 : 0) + (i === 8765 ? -3 : 0));
    const kept = downsampleMinMax(steps, values, 100);
    assert.ok(kept.length <= 202, `at most 2·buckets + 2 points (${kept.length})`);
    assert.equal(kept[0], 0);
    assert.equal(kept[kept.length - 1], n - 1);
    assert.ok(kept.includes(4321), 'the spike survives');
    assert.ok(kept.includes(8765), 'the dip survives');
    for (let i = 1; i < kept.length; i++) assert.ok((kept[i] as number) > (kept[i - 1] as number));
  });

  it('keeps the global min and max of any series (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 500 }),
      fc.integer({ min: 1, max: 40 }), (values, buckets) => {
        const steps = values.map((_, i) => i * 3);
        const kept = [...downsampleMinMax(steps, values, buckets)];
        const keptValues = kept.map((i) => values[i] as number);
        assert.equal(Math.min(...keptValues), Math.min(...values));
        assert.equal(Math.max(...keptValues), Math.max(...values));
        assert.ok(kept.length <= Math.max(values.length <= 2 * buckets ? values.length : 0, 2 * buckets + 2));
      }));
  });

  it('keeps a diverged NaN tail visible', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i < 990 ? 1 / (i + 1) : NaN));
    const kept = downsampleMinMax(values.map((_, i) => i), values, 10);
    assert.equal(kept[kept.length - 1], 999);
  });
});

describe('charts: contours', () => {
  it('a bowl\'s contours are closed circles at their level', () => {
    const n = 80;
    const { xs, ys } = surfaceGrid({ x: [-2, 2], y: [-2, 2] }, n);
    const values = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = (xs[i] as number) ** 2 + (ys[j] as number) ** 2;
    const rows = contourRows(xs, ys, values, [0.25, 1]);
    const lines = new Map<number, typeof rows>();
    for (const r of rows) lines.set(r.contour, [...(lines.get(r.contour) ?? []), r]);
    assert.equal(lines.size, 2, 'one closed line per level');
    for (const line of lines.values()) {
      const first = line[0]!, last = line[line.length - 1]!;
      assert.ok(Math.hypot(first.x - last.x, first.y - last.y) < 1e-12, 'closed');
      for (const p of line) assert.ok(Math.abs(Math.hypot(p.x, p.y) - Math.sqrt(first.level)) < 0.01, 'on the circle');
    }
  });

  it('levels are geometric above the minimum and skip non-finite values', () => {
    const levels = contourLevels([0, 1, 10, 100, 1000, NaN, Infinity], 4);
    assert.equal(levels.length, 4);
    const ratios = levels.slice(1).map((l, i) => l / (levels[i] as number));
    for (const r of ratios) assert.ok(Math.abs(r - (ratios[0] as number)) < 1e-9);
    assert.deepEqual(contourLevels([3, 3, 3, 3, 3]), [], 'a flat surface has no contours');
  });

  it('formats numbers for tooltips', () => {
    assert.equal(formatNumber(0.1 + 0.2), '0.3');
    assert.equal(formatNumber(1.5e-9), '1.5e-9');
    assert.equal(formatNumber(-Infinity), '-Infinity');
  });
});
