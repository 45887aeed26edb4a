import * as assert from 'node:assert/strict';
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  contourPaths, defaultDarkTheme, defaultLightTheme, gridOfRows, HEATMAP_SOURCE, heatmapBounds, heatmapPixels, logLossValues, parseColor,
  pathsChart, schemeColor, surfaceGrid, surfaceRows, type SurfaceRow,
} from '../../src/charts';

const rosen = (x: number, y: number): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const domain = { x: [-2, 2] as [number, number], y: [-1, 3] as [number, number] };

/** Rosenbrock on an n × n grid, with one cell left out (a non-finite loss). */
function surface(n: number): { rows: SurfaceRow[]; xs: Float64Array; ys: Float64Array; values: number[] } {
  const { xs, ys } = surfaceGrid(domain, n);
  const values: number[] = [];
  for (const y of ys) for (const x of xs) values.push(rosen(x, y));
  values[n + 2] = NaN;
  return { rows: surfaceRows(xs, ys, values), xs, ys, values };
}

/** A paths chart's view with the surface loaded (Node, no rendering). */
async function surfaceView(spec: TopLevelSpec, rows: readonly SurfaceRow[]): Promise<View> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: 'none', logLevel: vega.Error });
  if (rows.length > 0) view.insert('surface', rows as object[]);
  await view.runAsync();
  return view;
}

describe('charts/heatmap: the surface as one image', () => {
  it('log₁₀(loss − min + δ) of every finite loss, with its extremes', () => {
    const { values, lo, hi } = logLossValues([3, 5, NaN, 13, Infinity]);
    const delta = Math.max(1e-12, 1e-6 * 10);
    assert.ok(Math.abs(values[0]! - Math.log10(delta)) < 1e-12);
    assert.ok(Math.abs(values[3]! - Math.log10(10 + delta)) < 1e-12);
    assert.ok(Number.isNaN(values[2]!) && Number.isNaN(values[4]!), 'non-finite losses have no colour');
    assert.equal(lo, values[0]);
    assert.equal(hi, values[3]);
    assert.ok(Number.isNaN(logLossValues([NaN]).lo), 'no finite loss: no range');
  });

  it('recovers the grid from its rows (missing cells are NaN) and the image bounds from the cell centres', () => {
    const { rows, xs, ys, values } = surface(8);
    const grid = gridOfRows(rows);
    assert.deepEqual(grid.xs, [...xs]);
    assert.deepEqual(grid.ys, [...ys]);
    assert.equal(grid.losses.length, 64);
    for (let k = 0; k < 64; k++) assert.ok(Object.is(grid.losses[k], values[k]) || (Number.isNaN(grid.losses[k]!) && Number.isNaN(values[k]!)), `cell ${k}`);
    const b = heatmapBounds(grid.xs, grid.ys);
    assert.deepEqual([b.x0, b.x1, b.y0, b.y1].map((v) => Number(v.toFixed(12))), [-2, 2, -1, 3], 'the cells tile the plotted window');
  });

  it('parses the colours Vega scales return', () => {
    assert.deepEqual(parseColor('#0a141e'), [10, 20, 30, 255]);
    assert.deepEqual(parseColor('#abc'), [0xaa, 0xbb, 0xcc, 255]);
    assert.deepEqual(parseColor('rgb(68, 1, 84)'), [68, 1, 84, 255]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 128]);
    assert.throws(() => parseColor('viridis'), /heatmap colour "viridis"/);
  });

  for (const theme of [defaultLightTheme, defaultDarkTheme]) {
    it(`gives each cell the colour the rectangles had (${theme.scheme}), top row first, and the legend the same scale`, async () => {
      const n = 12;
      const { rows } = surface(n);
      const rects = await surfaceView(pathsChart({ theme, runs: ['a'], domain, resolution: n, interactive: false }), rows);
      const grid = gridOfRows(rows);
      const { values, lo, hi } = logLossValues(grid.losses);
      const image = await surfaceView(pathsChart({ theme, runs: ['a'], domain, resolution: n, surfaceImage: true }), []);
      image.insert(HEATMAP_SOURCE, [{ url: 'data:image/png;base64,', ...heatmapBounds(grid.xs, grid.ys), lo, hi }]);
      await image.runAsync();
      try {
        const rectFill = rects.scale('fill') as unknown as ((v: number) => string) & { domain(): number[] };
        const imageFill = image.scale('fill') as unknown as ((v: number) => string) & { domain(): number[] };
        assert.deepEqual(rectFill.domain(), [lo, hi], 'the rectangles span the log-losses');
        assert.deepEqual(imageFill.domain(), [lo, hi], 'the legend of the image spans the same');
        const vega = await import('vega');
        const pixels = heatmapPixels(grid, schemeColor(vega.scheme(theme.scheme) as (t: number) => string, lo, hi));
        for (const [i, j] of [[0, 0], [n - 1, 0], [5, 7], [0, n - 1], [n - 1, n - 1], [6, 6]] as const) {
          const l = values[j * n + i]!;
          const at = ((n - 1 - j) * n + i) * 4;
          const expected = parseColor(rectFill(l));
          assert.deepEqual([...pixels.subarray(at, at + 4)], expected, `cell (${i}, ${j}) has the rectangle's colour`);
          assert.deepEqual(parseColor(imageFill(l)), expected, `and the legend's colour for its ℓ`);
        }
        const missing = ((n - 1 - 1) * n + 2) * 4;
        assert.deepEqual([...pixels.subarray(missing, missing + 4)], [0, 0, 0, 0], 'a cell without a finite loss is transparent');
        assert.notDeepEqual([...pixels.subarray(0, 4)], [...pixels.subarray((n * n - 1) * 4, n * n * 4)], 'the image is not one colour');
      } finally {
        rects.finalize();
        image.finalize();
      }
    });
  }

  it('maps contour vertices to image pixels, top row first, one polyline per contour in order', () => {
    const bounds = { x0: -2, x1: 2, y0: -1, y1: 3 };
    const rows = [
      { contour: 1, level: 5, order: 1, x: 2, y: -1 }, { contour: 1, level: 5, order: 0, x: -2, y: 3 },
      { contour: 2, level: 9, order: 0, x: 0, y: 1 }, { contour: 2, level: 9, order: 1, x: 1, y: 2 },
      { contour: 3, level: 9, order: 0, x: 0, y: 0 },
    ];
    assert.deepEqual(contourPaths(rows, bounds, 400, 800), [[0, 0, 400, 800], [200, 400, 300, 200]], 'a lone vertex draws nothing');
  });

  it('the image layer draws the heatmap source and keeps the colour legend, without a rectangle per cell', async () => {
    const spec = pathsChart({ theme: defaultDarkTheme, runs: ['a'], domain, resolution: 16, surfaceImage: true });
    const vl = await import('vega-lite');
    const sources = (vl.compile(spec as never).spec.data ?? []).map((d) => d.name);
    assert.ok(!sources.includes('surface') && !sources.includes('contours'), `no surface or contour rows in the dataflow (${sources.join(', ')})`);
    const view = await surfaceView(spec, []);
    try {
      view.insert(HEATMAP_SOURCE, [{ url: 'data:image/png;base64,iVBORw0KGgo=', ...heatmapBounds([-1.875, 1.875], [-0.875, 2.875]), lo: -3, hi: 2 }]);
      await view.runAsync();
      const svg = await view.toSVG();
      assert.match(svg, /<image[^>]+href="data:image\/png;base64,/, 'the image is in the SVG');
      assert.match(svg, /log₁₀\(loss − min\)/, 'the colour legend is there');
      assert.ok((svg.match(/<path/g) ?? []).length < 50, 'no rectangle per cell');
    } finally {
      view.finalize();
    }
  });
});
