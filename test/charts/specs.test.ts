import * as assert from 'node:assert/strict';
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  contourRows, defaultDarkTheme, runColor, SEED_OPACITY, defaultLightTheme, gradNormChart, learningRateChart, lossChart, minimumRows, pathsChart,
  HOVER_SIGNAL, pointRows, surfaceGrid, surfaceRows, withDatasets, type ChartData, type EventRow, type PointRow,
} from '../../src/charts';
import type { PointBatch } from '../../src/engine/types';
import { renderSvg } from '../../src/cli/render';

/** Rosenbrock, its gradient norm and a descent path, without the engine (charts depend only on rows). */
const rosen = (x: number, y: number): number => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

function fakeBatch(run: number, steps: number, diverge: boolean): PointBatch {
  const loss = new Float64Array(steps);
  const params = new Float64Array(steps * 2);
  const gradNorm = new Float64Array(steps);
  const lr = new Float64Array(steps);
  let x = -1.5, y = 2;
  for (let i = 0; i < steps; i++) {
    params[2 * i] = x; params[2 * i + 1] = y;
    loss[i] = diverge && i === steps - 1 ? Infinity : rosen(x, y);
    gradNorm[i] = Math.hypot(-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x));
    lr[i] = 0.01 * (1 - i / steps);
    x += (1 - x) * 0.05 * (run + 1);
    y += (1 - y) * 0.03 * (run + 1);
  }
  return { run, fromStep: 0, count: steps, loss, params, gradNorm, lr };
}

const runs = ['Adam η=0.1', 'SGD μ=0.9', 'GD η=1'];
function sampleData(): ChartData & { points: PointRow[]; events: EventRow[] } {
  const points = [
    ...pointRows(fakeBatch(0, 40, false), runs[0] as string, 2),
    ...pointRows(fakeBatch(1, 40, false), runs[1] as string, 2),
    ...pointRows(fakeBatch(2, 12, true), runs[2] as string, 2),
  ];
  const events: EventRow[] = [{ run: 2, label: runs[2] as string, step: 11, loss: points[points.length - 2]?.loss ?? null,
    message: 'the loss stopped being finite at step 11' }];
  return { points, events };
}

/** The `<path>` elements inside Vega's SVG groups of one mark type (e.g. 'line', 'rect', 'symbol', 'rule'). */
function countMarks(svg: string, type: string): number {
  let count = 0;
  // An empty mark's group closes itself (`<g …/>`): its content is not the next group's.
  const group = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*(?<!/)>(.*?)</g>`, 'gs');
  for (const m of svg.matchAll(group)) count += ((m[1] ?? '').match(/<(path|line)\b/g) ?? []).length;
  return count;
}

async function compiles(spec: TopLevelSpec): Promise<void> {
  const vl = await import('vega-lite');
  const out = vl.compile(spec);
  assert.ok(out.spec.marks && out.spec.marks.length > 0, 'the compiled Vega spec has marks');
}

describe('charts: Vega-Lite specs', () => {
  for (const theme of [defaultLightTheme, defaultDarkTheme]) {
    it(`loss chart (${theme === defaultLightTheme ? 'light' : 'dark'}) draws one line per run and marks the divergence`, async () => {
      const spec = withDatasets(lossChart({ theme, runs, lossFloor: 1e-3 }), sampleData());
      await compiles(spec);
      const svg = await renderSvg(spec);
      assert.equal(countMarks(svg, 'line'), 3, 'three runs, three lines');
      assert.equal(countMarks(svg, 'rule'), 1, 'one diverged run, one rule');
      assert.match(svg, /loss \(log scale\)/);
      assert.ok(svg.includes(theme.background), 'the theme background is used');
    });
  }

  it('the loss axis says when it plots loss − min + ε', async () => {
    const data = sampleData();
    const shifted = { ...data, points: data.points.map((p) => ({ ...p, loss: p.loss - 5 })) };
    const svg = await renderSvg(withDatasets(lossChart({ theme: defaultLightTheme, runs, lossFloor: -5 }), shifted));
    assert.match(svg, /loss − min \+ ε \(log scale, min = -5/);
    assert.equal(countMarks(svg, 'line'), 3);
  });

  it('with no known floor the loss chart shifts by the data minimum itself', async () => {
    const data = sampleData();
    const negative = { ...data, points: data.points.map((p) => ({ ...p, loss: p.loss - 1000 })) };
    const svg = await renderSvg(withDatasets(lossChart({ theme: defaultLightTheme, runs }), negative));
    assert.equal(countMarks(svg, 'line'), 3, 'negative losses still draw every run');
    assert.match(svg, /when some loss ≤ 0/);
  });

  it('a loss ceiling keeps a diverging run from flattening the others', async () => {
    const data = sampleData();
    const exploding = { ...data, points: data.points.map((p) => (p.run === 2 ? { ...p, loss: 10 ** p.step } : p)) };
    const free = await renderSvg(withDatasets(lossChart({ theme: defaultLightTheme, runs, lossFloor: 1e-3, interactive: false }), exploding));
    assert.match(free, />1e\+10</, 'without a ceiling the axis climbs with the diverging run');
    const capped = await renderSvg(withDatasets(lossChart({ theme: defaultLightTheme, runs, lossFloor: 1e-3, lossCeiling: 1e4, interactive: false }), exploding));
    assert.doesNotMatch(capped, />1e\+10</);
    assert.equal(countMarks(capped, 'line'), 3, 'the diverging line is still drawn (clipped)');
  });

  it('learning-rate and gradient-norm charts draw one line per run', async () => {
    for (const make of [learningRateChart, gradNormChart]) {
      const spec = withDatasets(make({ theme: defaultLightTheme, runs }), sampleData());
      await compiles(spec);
      assert.equal(countMarks(await renderSvg(spec), 'line'), 3);
    }
  });

  it('paths chart draws the heatmap, contours, a path and a start per run, and the minimum', async () => {
    const domain = { x: [-2, 2], y: [-1, 3] } as const;
    const n = 30;
    const { xs, ys } = surfaceGrid(domain, n);
    const values = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = rosen(xs[i] as number, ys[j] as number);
    const contours = contourRows(xs, ys, values);
    const contourCount = new Set(contours.map((c) => c.contour)).size;
    assert.ok(contourCount >= 8, `Rosenbrock has contours at many levels (${contourCount})`);
    const data = { ...sampleData(), surface: surfaceRows(xs, ys, values), contours,
      minima: minimumRows([{ params: [1, 1], loss: 0 }]) };
    const spec = withDatasets(pathsChart({ theme: defaultLightTheme, runs, domain, resolution: n }), data);
    await compiles(spec);
    const svg = await renderSvg(spec);
    assert.equal(countMarks(svg, 'rect'), n * n, 'one heatmap cell per grid point');
    assert.equal(countMarks(svg, 'line'), contourCount + 2 * runs.length, 'every contour and every run path, over its halo');
    // Symbols: hover points (one per plotted row, invisible), three start points, one minimum.
    const plotted = data.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).length;
    assert.equal(countMarks(svg, 'symbol'), plotted + runs.length + 1);
    const still = await renderSvg(withDatasets(pathsChart({ theme: defaultLightTheme, runs, domain, resolution: n, interactive: false }), data));
    assert.equal(countMarks(still, 'symbol'), runs.length + 1, 'static: only the start points and the minimum');
    assert.equal(countMarks(still, 'line'), contourCount + 2 * runs.length);
  });

  it('draws a run as written (a faint ghost) in the colour of its tuned run, in the loss and paths charts and their casings and legend', async () => {
    const vega = await import('vega');
    const vl = await import('vega-lite');
    const labels = [runs[0], runs[1], `${runs[0]} (as written)`] as string[];
    const data = sampleData();
    // The third run's rows: the first run's path, under the ghost's label.
    const points = [...data.points.filter((p) => p.label !== runs[2]), ...data.points.filter((p) => p.label === runs[0]).map((p) => ({ ...p, run: 2, label: labels[2]! }))];
    const domain = { x: [-2, 2], y: [-1, 3] } as const;
    const theme = defaultLightTheme;
    const o = { theme, runs: labels, faintRuns: [labels[2]!], colorOf: [0, 1, 0], interactive: false, scrubber: true };
    for (const spec of [lossChart(o), pathsChart({ ...o, domain })]) {
      const view = new vega.View(vega.parse(vl.compile(withDatasets(spec, { points, events: [] }) as never).spec), { renderer: 'none' });
      await view.runAsync();
      const strokes = lineStrokes(view);
      assert.equal(strokes.get(labels[2]!)?.has(runColor(theme, 0)), true, `the ghost's line in run 0's colour (${[...strokes.get(labels[2]!) ?? []]})`);
      assert.equal(strokes.get(labels[2]!)?.has(runColor(theme, 2)), false, 'not in the third colour');
      assert.equal(strokes.get(labels[1]!)?.has(runColor(theme, 1)), true, 'the other runs keep theirs');
      assert.deepEqual(view.scale('color').range(), [...Array(theme.palette.length).keys()].map((i) => runColor(theme, [0, 1, 0][i] ?? i)),
        'the colour scale (and so the legend) maps the ghost to its tuned run\'s colour');
      view.finalize();
    }
  });

  it('draws a run repeated over seeds as its median loss with the inter-quartile band, and its median path over the seeds\' faint paths', async () => {
    const vega = await import('vega');
    const vl = await import('vega-lite');
    const labels = ['A', 'B', 'A (seed 2)', 'A (seed 3)'];
    // Three seeds of A (runs 0, 2, 3) and B alone.
    const points = [0, 1, 2, 3].flatMap((k) => pointRows(fakeBatch(k, 20, false), labels[k]!, 2).map((p) => ({ ...p, run: k })));
    const o = { theme: defaultLightTheme, runs: labels, seedGroups: ['A', null, 'A', 'A'], interactive: false, lossFloor: 1e-9 };
    const seedsOf = (step: number, f: (p: PointRow) => number): number[] => points.filter((p) => p.step === step && p.label !== 'B').map(f).sort((a, b) => a - b);
    // Vega's quartiles: linear interpolation between order statistics; of three values, halfway.
    const q = (v: number[], p: number): number => { const h = (v.length - 1) * p, i = Math.floor(h); return v[i]! + (h - i) * ((v[i + 1] ?? v[i]!) - v[i]!); };
    const loss = new vega.View(vega.parse(vl.compile(withDatasets(lossChart(o), { points, events: [] }) as never).spec), { renderer: 'none' });
    await loss.runAsync();
    const items = markItems(loss);
    // (markItems gives an entry per mark node: a line or area drawn as one path is one entry.)
    const band = items.filter((it) => it.marktype === 'area').flatMap((it) => it.datums);
    const median = items.filter((it) => it.marktype === 'line').flatMap((it) => it.datums).filter((d) => 'median' in d);
    assert.equal(band.length, 20, 'one band row per step');
    assert.equal(items.filter((it) => it.marktype === 'area').length, 1, 'one band (an area), not an area per step');
    for (const d of band) {
      const v = seedsOf(d.step as number, (p) => p.loss as number);
      assert.equal(d.label, 'A');
      assert.deepEqual([d.q1, d.median, d.q3], [q(v, 0.25), v[1], q(v, 0.75)], `step ${d.step}`);
    }
    assert.equal(median.length, 20, 'the median line');
    const lines = lineStrokes(loss);
    assert.deepEqual([...lines.keys()].sort(), ['A', 'B'], 'the seeds\' own loss lines are not drawn; the group\'s median is, under its label');
    assert.equal(lines.get('A')?.has(runColor(defaultLightTheme, 0)), true, 'in its run\'s colour');
    const entries: string[] = [];
    const read = (n: { items?: { text?: unknown }[]; role?: string }): void => {
      for (const c of n.items ?? []) {
        if (n.role === 'legend-label' && typeof c.text === 'string') entries.push(c.text);
        read(c as never);
      }
    };
    read((loss.scenegraph() as unknown as { root: never }).root);
    assert.deepEqual(entries, ['A', 'B'], 'the legend lists the group once, not its repeats');
    loss.finalize();
    const domain = { x: [-2, 2], y: [-1, 3] } as const;
    const paths = new vega.View(vega.parse(vl.compile(withDatasets(pathsChart({ ...o, domain }), { points, events: [] }) as never).spec), { renderer: 'none' });
    await paths.runAsync();
    const medianPath = markItems(paths).filter((it) => it.marktype === 'line').flatMap((it) => it.datums).filter((d) => d.label === 'A' && !('run' in d));
    assert.equal(medianPath.length, 20, 'the median path: a point per step');
    for (const d of medianPath) {
      assert.deepEqual([d.x, d.y], [seedsOf(d.step as number, (p) => p.x as number)[1], seedsOf(d.step as number, (p) => p.y as number)[1]], `median path at step ${d.step}`);
    }
    const faint = markItems(paths).filter((it) => it.marktype === 'line' && it.strokeOpacity === SEED_OPACITY).map((it) => it.datums[0]?.label);
    assert.deepEqual([...new Set(faint)].sort(), ['A', 'A (seed 2)', 'A (seed 3)'], 'every seed\'s path (and its casing) faint, B\'s not');
    paths.finalize();
  });

  it('clips every mark of every chart to its plot, in the spec itself', () => {
    const domain = { x: [-2, 2], y: [-1, 3] } as const;
    const specs = {
      loss: lossChart({ theme: defaultDarkTheme, runs }), lr: learningRateChart({ theme: defaultDarkTheme, runs }),
      gradNorm: gradNormChart({ theme: defaultDarkTheme, runs }), paths: pathsChart({ theme: defaultDarkTheme, runs, domain }),
    };
    for (const [name, spec] of Object.entries(specs)) {
      for (const layer of (spec as unknown as { layer: Array<{ mark: { type: string; clip?: boolean } }> }).layer) {
        assert.equal(layer.mark.clip, true, `${name}: the ${layer.mark.type} mark is clipped`);
      }
    }
  });

  it('switches hover layers with a signal (no hover points while it is false), and has none when static', async () => {
    const vega = await import('vega');
    const vl = await import('vega-lite');
    const spec = withDatasets(lossChart({ theme: defaultDarkTheme, runs, lossFloor: 0 }), sampleData());
    const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: 'none' });
    await view.runAsync();
    assert.equal(view.signal(HOVER_SIGNAL), true);
    const on = hoverPoints(view);
    assert.ok(on > 50, `hover points while on (${on})`);
    view.signal(HOVER_SIGNAL, false);
    await view.runAsync();
    assert.equal(hoverPoints(view), 0, 'no hover point (nor Voronoi cell) while off');
    view.signal(HOVER_SIGNAL, true);
    await view.runAsync();
    assert.equal(hoverPoints(view), on, 'back on');
    view.finalize();
    const still = lossChart({ theme: defaultDarkTheme, runs, interactive: false }) as unknown as { params?: Array<{ name: string }> };
    assert.ok(!(still.params ?? []).some((p) => p.name === HOVER_SIGNAL), 'no hover signal in a static chart');
  });
});

/** Items of the loss chart's hover layer (its second layer: `layer_1_marks`). */
function hoverPoints(view: View): number {
  let n = 0;
  const visit = (node: { marktype?: string; name?: string; items?: unknown[] }): void => {
    if (!node || !Array.isArray(node.items)) return;
    if (node.marktype === 'symbol' && node.name === 'layer_1_marks') n += node.items.length;
    for (const item of node.items) visit(item as never);
  };
  visit((view.scenegraph() as unknown as { root: never }).root);
  return n;
}

/** Every line item's stroke, by the label of the run it draws. */
function lineStrokes(view: View): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (node: { marktype?: string; items?: unknown[] }): void => {
    if (!node || !Array.isArray(node.items)) return;
    for (const item of node.items as { datum?: { label?: string }; stroke?: string }[]) {
      if (node.marktype === 'line' && item.datum?.label !== undefined && typeof item.stroke === 'string') {
        out.set(item.datum.label, (out.get(item.datum.label) ?? new Set()).add(item.stroke));
      }
      visit(item as never);
    }
  };
  visit((view.scenegraph() as unknown as { root: never }).root);
  return out;
}

/** Every mark item of a view: its mark type, stroke opacity, and the rows it draws (a line item draws its series). */
function markItems(view: View): { marktype: string; strokeOpacity?: number; datums: Record<string, unknown>[] }[] {
  const out: { marktype: string; strokeOpacity?: number; datums: Record<string, unknown>[] }[] = [];
  const visit = (node: { marktype?: string; items?: unknown[] }): void => {
    if (!node || !Array.isArray(node.items)) return;
    const items = node.items as { datum?: Record<string, unknown>; strokeOpacity?: number }[];
    if (node.marktype === 'line' || node.marktype === 'area') {
      // A line or area item per series; each item's datum is one row of it.
      const bySeries = new Map<number | undefined, Record<string, unknown>[]>();
      for (const it of items) if (it.datum) (bySeries.get(it.strokeOpacity) ?? bySeries.set(it.strokeOpacity, []).get(it.strokeOpacity)!).push(it.datum);
      for (const [strokeOpacity, datums] of bySeries) out.push({ marktype: node.marktype, strokeOpacity, datums });
    }
    for (const item of items) visit(item as never);
  };
  visit((view.scenegraph() as unknown as { root: never }).root);
  return out;
}
