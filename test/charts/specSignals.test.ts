import * as assert from 'node:assert/strict';
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  defaultDarkTheme, defaultLightTheme, LEGEND_COLUMNS_SIGNAL, lossChart, LOSS_CEILING_SIGNAL, LOSS_FLOOR_SIGNAL, LOSS_TITLE_SIGNAL, pathsChart,
  runColor, RUN_COLORS_SIGNAL, RUN_LABELS_SIGNAL, specSignals, STEP_MAX_SIGNAL, SURFACE_CELLS_SIGNAL, surfaceGrid, surfaceRows, VALUE_SIGNALS, WINDOW_X_SIGNAL,
  WINDOW_Y_SIGNAL, withDatasets,
} from '../../src/charts';
import { panelLayout } from '../../src/webview/chartLayout';
import { panelChartSpecs, type PanelChartOptions } from '../../src/webview/panelCharts';

type Json = Record<string, unknown>;

const surface = (x: [number, number], y: [number, number]): PanelChartOptions['surface'] =>
  ({ domain: { x, y }, resolution: 60, axisTitles: ['θ₀', 'θ₁'] });
const four = ['Adam η=0.05', 'SGD η=0.001', 'SGD μ=0.9 η=0.0005', 'RMSprop η=0.01'];

/** A compiled Vega view under Node (no rendering), with the interpreter the panel uses under its CSP. */
async function viewOf(spec: TopLevelSpec): Promise<View> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const { expressionInterpreter } = await import('vega-interpreter');
  return new vega.View(vega.parse(vl.compile(spec as never).spec, undefined, { ast: true }), { renderer: 'none', logLevel: vega.Error, expr: expressionInterpreter } as never);
}
const domainOf = (view: View, scale: string): unknown[] => (view.scale(scale) as unknown as { domain(): unknown[] }).domain();

describe('charts: value signals (specSignals)', () => {
  it('gives the panel\'s specs for 1 run and for 4 runs, another window, steps, floor and width the same structure', () => {
    const one = panelChartSpecs({ theme: defaultDarkTheme, runs: ['Adam η=0.05'], layout: panelLayout(600, 900, 90), lossFloor: 0, surface: surface([-2, 2], [-1, 3]) });
    const other = panelChartSpecs({ theme: defaultDarkTheme, runs: four, layout: panelLayout(900, 900, 90), lossFloor: 1e-3, lossCeiling: 1e6, steps: 10_000,
      surface: surface([-3, 3], [-1, 2]) });
    for (const name of ['loss', 'lr', 'gradNorm', 'paths'] as const) {
      const a = specSignals(one[name]!);
      const b = specSignals(other[name]!);
      assert.notEqual(JSON.stringify(one[name]), JSON.stringify(other[name]), `${name}: the specs differ`);
      assert.equal(firstDifference(a.structure, b.structure), undefined, `${name}: only in value signals and size`);
      assert.deepEqual(b.values.get(RUN_LABELS_SIGNAL), four, `${name}: the run labels are a value`);
      assert.ok(!a.structure.includes('Adam η=0.05'), `${name}: no run label in the structure`);
      for (const v of a.values.keys()) assert.ok(VALUE_SIGNALS.has(v));
    }
    assert.deepEqual(specSignals(other.paths!).values.get(WINDOW_X_SIGNAL), [-3, 3]);
    assert.notEqual(specSignals(one.paths!).height, specSignals(other.paths!).height, 'the paths plot size follows the layout, as a size');
    assert.equal(specSignals(other.loss!).values.get(STEP_MAX_SIGNAL), 10_000);
    assert.equal(specSignals(other.loss!).values.get(LOSS_FLOOR_SIGNAL), 1e-3);
    assert.equal(specSignals(other.loss!).values.get(LOSS_CEILING_SIGNAL), 1e6);
    const themed = panelChartSpecs({ theme: defaultLightTheme, runs: ['Adam η=0.05'], layout: panelLayout(600, 900, 90), lossFloor: 0, surface: surface([-2, 2], [-1, 3]) });
    assert.notEqual(specSignals(themed.loss!).structure, specSignals(one.loss!).structure, 'a theme changes the structure');
  });

  it('compiles to Vega signals: the colour domain, legend columns, window and loss title', async () => {
    const vl = await import('vega-lite');
    const specs = panelChartSpecs({ theme: defaultDarkTheme, runs: four, layout: panelLayout(600, 900, 90), surface: surface([-2, 2], [-1, 3]) });
    const loss = vl.compile(specs.loss as never).spec as unknown as { signals: Json[]; scales: Json[]; legends: Json[]; axes: Json[] };
    const names = loss.signals.map((s) => s.name);
    for (const s of [RUN_LABELS_SIGNAL, LEGEND_COLUMNS_SIGNAL, STEP_MAX_SIGNAL, LOSS_FLOOR_SIGNAL, LOSS_CEILING_SIGNAL, LOSS_TITLE_SIGNAL]) {
      assert.ok(names.includes(s), `the loss chart has the ${s} signal`);
    }
    const color = loss.scales.find((s) => s.name === 'color')!;
    assert.deepEqual(color.domain, { signal: RUN_LABELS_SIGNAL });
    assert.deepEqual(color.range, defaultDarkTheme.palette.map((_, i) => ({ signal: `${RUN_COLORS_SIGNAL}[${i}]` })), 'the whole palette (an ordinal scale cycles it), as signals');
    assert.deepEqual(loss.legends[0]!.columns, { signal: LEGEND_COLUMNS_SIGNAL });
    assert.ok(loss.axes.some((a) => JSON.stringify(a.title) === JSON.stringify({ signal: LOSS_TITLE_SIGNAL })), 'the loss axis title is a signal');
    const paths = vl.compile(specs.paths as never).spec as unknown as { scales: Json[] };
    assert.deepEqual(paths.scales.find((s) => s.name === 'x')!.domain, { signal: WINDOW_X_SIGNAL });
    assert.deepEqual(paths.scales.find((s) => s.name === 'y')!.domain, { signal: WINDOW_Y_SIGNAL });
  });

  it('draws run i in colour i, for 1 run and once set to 4 runs (more runs than colours cycle)', async () => {
    const spec = panelChartSpecs({ theme: defaultDarkTheme, runs: ['a'], layout: panelLayout(600, 900, 90) }).loss!;
    const view = await viewOf(spec);
    try {
      await view.runAsync();
      const color = view.scale('color') as unknown as (v: string) => string;
      assert.equal(color('a'), runColor(defaultDarkTheme, 0));
      const many = Array.from({ length: 12 }, (_, i) => `run ${i}`);
      view.signal(RUN_LABELS_SIGNAL, many);
      await view.runAsync();
      const after = view.scale('color') as unknown as (v: string) => string;
      assert.deepEqual(domainOf(view, 'color'), many);
      assert.deepEqual(many.map((r) => after(r)), many.map((_, i) => runColor(defaultDarkTheme, i)));
    } finally {
      view.finalize();
    }
  });

  it('moves the paths window, the loss floor and its title on a kept view', async () => {
    const specs = panelChartSpecs({ theme: defaultDarkTheme, runs: ['a'], layout: panelLayout(600, 900, 90), lossFloor: 1, surface: surface([-2, 2], [-1, 3]) });
    const paths = await viewOf(specs.paths!);
    const loss = await viewOf(specs.loss!);
    try {
      await paths.runAsync();
      assert.deepEqual(domainOf(paths, 'x'), [-2, 2]);
      paths.signal(WINDOW_X_SIGNAL, [-3, 3]).signal(WINDOW_Y_SIGNAL, [-1, 2]);
      await paths.runAsync();
      assert.deepEqual([domainOf(paths, 'x'), domainOf(paths, 'y')], [[-3, 3], [-1, 2]]);

      loss.insert('points', [{ run: 0, label: 'a', step: 0, loss: -4 }, { run: 0, label: 'a', step: 1, loss: 2 }]);
      await loss.runAsync();
      assert.equal((loss.data('points') as Json[]).length, 2);
      assert.equal(loss.signal('lossShift'), 0, 'a floor > 0: the loss itself');
      const other = specSignals(panelChartSpecs({ theme: defaultDarkTheme, runs: ['a'], layout: panelLayout(600, 900, 90), lossFloor: -5 }).loss!).values;
      loss.signal(LOSS_FLOOR_SIGNAL, other.get(LOSS_FLOOR_SIGNAL)).signal(LOSS_TITLE_SIGNAL, other.get(LOSS_TITLE_SIGNAL));
      await loss.runAsync();
      assert.ok(Math.abs((loss.signal('lossShift') as number) - (-5 - 5e-9)) < 1e-15, 'floor −5: shifted by min − ε');
      assert.match(String(other.get(LOSS_TITLE_SIGNAL)), /min = -5/);
    } finally {
      paths.finalize();
      loss.finalize();
    }
  });

  it('sizes the static heatmap\'s cells from the window (SURFACE_CELLS_SIGNAL)', async () => {
    const domain = { x: [-2, 2] as [number, number], y: [0, 1] as [number, number] };
    const n = 4;
    const { xs, ys } = surfaceGrid(domain, n);
    const rows = surfaceRows(xs, ys, new Float64Array(n * n).map((_, i) => i + 1));
    const spec = withDatasets(pathsChart({ theme: defaultLightTheme, runs: ['a'], domain, resolution: n, interactive: false }), { surface: rows });
    assert.equal(specSignals(spec).values.get(SURFACE_CELLS_SIGNAL), n);
    const view = await viewOf(spec);
    try {
      await view.runAsync();
      const cell = findCell(view);
      assert.ok(cell, 'a heatmap cell');
      assert.ok(Math.abs((cell.x as number) - (cell.x0 as number) - 0.5 * (4 / n)) < 1e-12, 'half a cell (window 4 wide over 4 cells) left of its point');
      assert.ok(Math.abs((cell.y1 as number) - (cell.y as number) - 0.75 * (1 / n)) < 1e-12, 'three quarters of a cell above');
    } finally {
      view.finalize();
    }
  });

  it('bakes the values in for a static chart (the CLI): the step axis and the run colours as before', async () => {
    const spec = lossChart({ theme: defaultLightTheme, runs: ['a', 'b'], steps: 200, interactive: false });
    const view = await viewOf(withDatasets(spec, { points: [{ run: 0, label: 'a', step: 0, loss: 1 }, { run: 1, label: 'b', step: 3, loss: 2 }] as never }));
    try {
      await view.runAsync();
      assert.deepEqual(domainOf(view, 'x'), [0, 200]);
      const color = view.scale('color') as unknown as (v: string) => string;
      assert.deepEqual([color('a'), color('b')], [runColor(defaultLightTheme, 0), runColor(defaultLightTheme, 1)]);
    } finally {
      view.finalize();
    }
  });
});

/** Where two texts first differ, with a little context; undefined when they are equal. */
function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 60), i + 60)}… vs …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

/** The first scenegraph item of a rect mark whose datum has `x0` (a heatmap cell). */
function findCell(view: View): Json | undefined {
  let found: Json | undefined;
  const visit = (node: { marktype?: string; items?: Array<{ datum?: Json; items?: unknown[] }> }): void => {
    for (const item of node.items ?? []) {
      if (!found && node.marktype === 'rect' && item.datum && 'x0' in item.datum) found = item.datum;
      for (const child of item.items ?? []) visit(child as never);
    }
  };
  visit((view.scenegraph() as unknown as { root: never }).root);
  return found;
}
