import * as assert from 'node:assert/strict';
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { defaultDarkTheme } from '../../src/charts/theme';
import { GRAD_START_SIGNAL, HEATMAP_SOURCE, LOSS_START_SIGNAL, lossChart, STEP_MAX_SIGNAL } from '../../src/charts/specs';
import { FADED_OPACITY, SCRUB_SIGNAL } from '../../src/charts/overlays';
import { panelLayout } from '../../src/webview/chartLayout';
import { panelChartSpecs } from '../../src/webview/panelCharts';

type Json = Record<string, unknown>;
const surface = { domain: { x: [-2, 2] as [number, number], y: [-1, 3] as [number, number] }, resolution: 40, axisTitles: ['θ₀', 'θ₁'] as [string, string] };
const UP_TO_SCRUB = { filter: `${SCRUB_SIGNAL} < 0 || datum.step <= ${SCRUB_SIGNAL}` };

/** A point row as the panel's PointStore makes them. */
const point = (run: number, step: number, loss: number, x = step / 100, y = -step / 100): Json =>
  ({ run, label: ['Adam', 'SGD'][run], step, loss, x, y, gradNorm: loss / 10, lr: 0.01 * (run + 1), params: `[${x}, ${y}]` });

/** A panel chart's Vega view under Node (no rendering), with the interpreter the panel uses under its CSP. */
async function panelView(spec: TopLevelSpec): Promise<View> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const { expressionInterpreter } = await import('vega-interpreter');
  return new vega.View(vega.parse(vl.compile(spec as never).spec, undefined, { ast: true }), { renderer: 'none', logLevel: vega.Error, expr: expressionInterpreter } as never);
}

/** The items of every mark of a view, by mark name (Vega-Lite's `layer_N_marks`), with their datum. */
function itemsByMark(view: View): Map<string, Array<{ datum: Json }>> {
  const out = new Map<string, Array<{ datum: Json }>>();
  const visit = (node: { marktype?: string; name?: string; items?: unknown[] }): void => {
    if (node.marktype && node.name && node.marktype !== 'group') out.set(node.name, [...(out.get(node.name) ?? []), ...((node.items ?? []) as Array<{ datum: Json }>)]);
    for (const item of node.items ?? []) {
      const i = item as { items?: unknown[] };
      if (i.items) for (const child of i.items) visit(child as never);
    }
  };
  visit((view.scenegraph() as unknown as { root: never }).root);
  return out;
}

const specs = (): ReturnType<typeof panelChartSpecs> => panelChartSpecs({ theme: defaultDarkTheme, runs: ['Adam', 'SGD'], layout: panelLayout(600, 900, 90), lossFloor: 0, surface });

describe('webview/panelCharts', () => {
  it('adds the scrubber signal, a per-run marker layer (argmax per run) and a step rule to a per-step chart', () => {
    const spec = lossChart({ theme: defaultDarkTheme, runs: ['a', 'b'], lossFloor: 1, scrubber: true }) as unknown as Json;
    assert.ok(!JSON.stringify(lossChart({ theme: defaultDarkTheme, runs: ['a', 'b'], lossFloor: 1 })).includes(SCRUB_SIGNAL), 'a static chart has no scrubber');
    const params = spec.params as Json[];
    assert.deepEqual(params.find((p) => p.name === SCRUB_SIGNAL), { name: SCRUB_SIGNAL, value: -1 });
    const layers = spec.layer as Json[];
    const marker = layers[layers.length - 1]!;
    const transform = marker.transform as Json[];
    assert.ok(transform.some((t) => JSON.stringify(t) === JSON.stringify(UP_TO_SCRUB)), 'the marker stops at the scrubbed step');
    assert.deepEqual(transform.find((t) => 'aggregate' in t), { aggregate: [{ op: 'argmax', field: 'step', as: 'head' }], groupby: ['label'] });
    assert.ok(!JSON.stringify(transform).includes('joinaggregate'), 'no joinaggregate rewriting every row');
    const line = layers[0]!;
    assert.deepEqual((marker.encoding as Json).y, (line.encoding as Json).y, 'the marker uses the line\'s y (plotLoss)');
    const rule = layers[layers.length - 2]!;
    assert.equal((rule.mark as Json).type, 'rule');
    assert.deepEqual(spec.autosize, { type: 'pad', resize: false }, 'laid out again by the chart view when an axis changes, not per update');
    for (const l of layers) assert.equal((l.mark as Json).clip, true, 'every mark is clipped to the plot');
  });

  it('builds four specs that Vega-Lite compiles, each reading the named sources', async () => {
    const vl = await import('vega-lite');
    const all = specs();
    assert.deepEqual(Object.keys(all).sort(), ['gradNorm', 'loss', 'lr', 'paths']);
    for (const [name, spec] of Object.entries(all)) {
      const compiled = vl.compile(spec as never).spec as { data: Array<{ name: string }>; signals?: Array<{ name: string }> };
      const sources = compiled.data.map((d) => d.name);
      assert.ok(sources.includes('points'), `${name} reads points`);
      const signals = (compiled.signals ?? []).map((s) => s.name);
      assert.ok(signals.includes(SCRUB_SIGNAL), `${name} has the scrub signal`);
      if (name !== 'paths') assert.ok(signals.includes(STEP_MAX_SIGNAL), `${name} has the step axis signal`);
      if (name === 'paths') {
        for (const s of ['minima', HEATMAP_SOURCE]) assert.ok(sources.includes(s), `paths reads ${s}`);
        for (const s of ['surface', 'contours']) assert.ok(!sources.includes(s), `paths draws ${s} into its heatmap image, not as marks`);
      }
    }
    assert.ok(JSON.stringify(all.paths).includes('"type":"image"'), 'the panel draws the heatmap as an image');
  });

  it('has no paths chart without a surface, and sizes each plot as the layout says', () => {
    assert.equal(panelChartSpecs({ theme: defaultDarkTheme, runs: [], layout: panelLayout(500, 900, 90) }).paths, undefined);
    const layout = panelLayout(1200, 800, 90);
    const all = panelChartSpecs({ theme: defaultDarkTheme, runs: ['a'], layout, surface });
    for (const name of ['loss', 'paths', 'lr', 'gradNorm'] as const) {
      const spec = all[name] as unknown as { width: number; height: number };
      assert.deepEqual([spec.width, spec.height], [layout.charts[name].width, layout.charts[name].height], name);
    }
  });

  it('marks each run at the last step at or before the scrubbed one, and at its head when following the latest', async () => {
    const view = await panelView(specs().loss!);
    try {
      view.insert('points', [...[0, 10, 20, 30].map((s) => point(0, s, 10 - s / 10)), ...[0, 15, 25].map((s) => point(1, s, 8 - s / 10))]);
      await view.runAsync();
      const markers = (): string[] => {
        const items = [...itemsByMark(view).values()].find((its) => its.some((i) => i.datum.head !== undefined)) ?? [];
        return items.map((i) => `${String(i.datum.label)}@${String(i.datum.step)}`).sort();
      };
      assert.deepEqual(markers(), ['Adam@30', 'SGD@25'], 'latest');
      view.signal(SCRUB_SIGNAL, 17);
      await view.runAsync();
      assert.deepEqual(markers(), ['Adam@10', 'SGD@15'], 'scrubbed to step 17');
    } finally {
      view.finalize();
    }
  });

  it('draws a run\'s end marker at the last step whole, inside the plot (the step axis reaches a little beyond)', async () => {
    for (const chart of ['loss', 'lr', 'gradNorm'] as const) {
      const spec = panelChartSpecs({ theme: defaultDarkTheme, runs: ['Adam', 'SGD'], layout: panelLayout(600, 900, 90), lossFloor: 0, steps: 300, surface })[chart]!;
      const view = await panelView(spec);
      try {
        view.insert('points', [0, 100, 200, 300].flatMap((s) => [point(0, s, 10 - s / 100), point(1, s, 8 - s / 100)]));
        await view.runAsync();
        const ends = ([...itemsByMark(view).values()].find((its) => its.some((i) => i.datum.head !== undefined)) ?? []) as unknown as Array<{ datum: Json; bounds: { x1: number; x2: number } }>;
        assert.equal(ends.length, 2, `${chart}: a marker per run`);
        for (const e of ends) {
          assert.equal(e.datum.step, 300);
          assert.ok(e.bounds.x2 <= view.width() && e.bounds.x1 >= 0, `${chart}: the marker [${e.bounds.x1}, ${e.bounds.x2}] lies within the plot's ${view.width()} px`);
        }
      } finally {
        view.finalize();
      }
    }
  });

  it('draws the log axes\' grid lines at the powers of ten only', async () => {
    for (const chart of ['loss', 'gradNorm'] as const) {
      const view = await panelView(specs()[chart]!);
      try {
        // Losses and gradient norms from 0.02 to 500: four decades and more.
        view.insert('points', [0, 10, 20, 30].flatMap((s) => [point(0, s, 500 / 10 ** (s / 10)), point(1, s, 300 / 10 ** (s / 10))]).map((r) => ({ ...r, gradNorm: r.loss })));
        await view.runAsync();
        const lines: Array<{ value: number; opacity: number }> = [];
        const visit = (node: { role?: string; items?: unknown[] }, inYAxis: boolean): void => {
          for (const item of (node.items ?? []) as Array<{ items?: unknown[]; datum?: { value?: number }; opacity?: number; orient?: string; role?: string }>) {
            const y = inYAxis || (node.role === 'axis' && (item.orient === 'left' || item.orient === 'right'));
            if (node.role === 'axis-grid' && inYAxis && item.datum?.value !== undefined) lines.push({ value: item.datum.value, opacity: item.opacity ?? 1 });
            if (item.items) for (const child of item.items) visit(child as never, y);
          }
        };
        visit((view.scenegraph() as unknown as { root: never }).root, false);
        const shown = lines.filter((l) => l.opacity > 0).map((l) => l.value).sort((a, b) => a - b);
        assert.ok(lines.length > shown.length, `${chart}: there are ticks between the decades (${lines.length})`);
        assert.ok(shown.length >= 4, `${chart}: a line at each decade (${shown.join(', ')})`);
        for (const v of shown) assert.ok(Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9, `${chart}: a grid line at ${v}, not a power of ten`);
      } finally {
        view.finalize();
      }
    }
  });

  it('fades a per-step chart\'s lines after the scrubbed step, and draws nothing more while following the latest', async () => {
    for (const chart of ['loss', 'lr', 'gradNorm'] as const) {
      const view = await panelView(specs()[chart]!);
      try {
        view.insert('points', [...[0, 10, 20, 30].map((s) => point(0, s, 10 - s / 10)), ...[0, 15, 25].map((s) => point(1, s, 8 - s / 10))]);
        await view.runAsync();
        // Line items that draw rows (not the scrub markers), by mark.
        const lines = (): Array<{ steps: number[]; opacity: number[] }> => [...itemsByMark(view)]
          .map(([, items]) => items as Array<{ datum: Json; opacity?: number; mark?: { marktype: string } }>)
          .filter((items) => items.length > 0 && items[0]!.mark?.marktype === 'line' && items.every((i) => i.datum.head === undefined && typeof i.datum.step === 'number'))
          .map((items) => ({ steps: items.map((i) => i.datum.step as number), opacity: [...new Set(items.map((i) => i.opacity ?? 1))] }));
        assert.deepEqual(lines().map((l) => l.opacity), [[1]], `${chart}: one line layer drawn, at full opacity, while following the latest`);
        view.signal(SCRUB_SIGNAL, 17);
        await view.runAsync();
        const scrubbed = lines();
        assert.equal(scrubbed.length, 2, `${chart}: the faded whole and the part up to step 17`);
        assert.deepEqual(scrubbed[0]!.opacity, [FADED_OPACITY], `${chart}: the whole line is faded`);
        assert.equal(Math.max(...scrubbed[0]!.steps), 30);
        assert.deepEqual(scrubbed[1]!.opacity, [1]);
        assert.deepEqual([...scrubbed[1]!.steps].sort((a, b) => a - b), [0, 0, 10, 15], `${chart}: drawn again up to step 17`);
        view.signal(SCRUB_SIGNAL, -1);
        await view.runAsync();
        assert.deepEqual(lines().map((l) => l.opacity), [[1]], `${chart}: back to the latest, nothing faded`);
      } finally {
        view.finalize();
      }
    }
  });

  it('labels the surface\'s colour legend only once there is a surface (no "NaN" before)', async () => {
    const view = await panelView(specs().paths!);
    try {
      const labels = (): string[] => {
        const out: string[] = [];
        const visit = (n: { marktype?: string; role?: string; items?: unknown[]; text?: unknown }): void => {
          if (n.marktype === 'text' && n.role === 'legend-label') for (const i of (n.items ?? []) as Array<{ text?: unknown }>) out.push(String(i.text));
          for (const i of (n.items ?? []) as Array<{ items?: unknown[] }>) visit(i as never);
        };
        visit((view.scenegraph() as unknown as { root: never }).root);
        return out.filter((t) => t !== '');
      };
      await view.runAsync();
      assert.deepEqual(labels(), [], 'no surface yet: no label');
      view.insert(HEATMAP_SOURCE, [{ url: '', x0: -2, x1: 2, y0: -1, y1: 3, lo: -2, hi: 3 }]);
      await view.runAsync();
      assert.ok(labels().length >= 2 && labels().every((t) => t !== 'NaN'), labels().join(', '));
    } finally {
      view.finalize();
    }
  });

  it('cuts the paths at the scrubbed step, keeping the start markers', async () => {
    const view = await panelView(specs().paths!);
    try {
      view.insert('points', [...[0, 10, 20, 30].map((s) => point(0, s, 10 - s / 10)), ...[0, 15, 25].map((s) => point(1, s, 8 - s / 10))]);
      await view.runAsync();
      const lineSteps = (): number[] => [...itemsByMark(view)].filter(([name]) => /marks$/.test(name))
        .flatMap(([, items]) => items).filter((i) => i.datum.head === undefined && typeof i.datum.step === 'number').map((i) => i.datum.step as number);
      assert.equal(Math.max(...lineSteps()), 30, 'the whole paths while following the latest');
      view.signal(SCRUB_SIGNAL, 12);
      await view.runAsync();
      const steps = lineSteps();
      assert.ok(steps.length > 0 && steps.every((s) => s <= 12), `only steps ≤ 12 drawn (${steps.join(', ')})`);
      assert.equal(steps.filter((s) => s === 0).length >= 2, true, 'the start markers stay');
    } finally {
      view.finalize();
    }
  });

  it('keeps the loss axis in whole decades while points stream, and caps it 3 decades above the highest start', async () => {
    const view = await panelView(specs().loss!);
    try {
      const y = (): number[] => (view.scale('y') as unknown as { domain(): number[] }).domain();
      // The steps the axis spans (its scale reaches a few pixels beyond them: room for the end markers).
      const x = (): number[] => [0, view.signal('stepHi') as number];
      view.insert('points', [point(0, 0, 12), point(0, 1, 3), point(1, 0, 9)]);
      await view.runAsync();
      assert.deepEqual(y(), [1, 100], 'losses 3…12: decades 1 to 100');
      const before = view.scale('y');
      view.insert('points', [point(0, 2, 2.5), point(1, 1, 7)]);
      await view.runAsync();
      assert.deepEqual(y(), [1, 100], 'points inside the decades leave the axis as it was');
      assert.equal(view.scale('y'), before);
      assert.deepEqual(x(), [0, 2], 'steps unknown: a 1–2–5 step above the data');
      view.signal(STEP_MAX_SIGNAL, 10_000);
      await view.runAsync();
      assert.deepEqual(x(), [0, 10_000], 'the experiment\'s steps once the panel says them');

      // A run diverging to 1e13: without a start the axis follows it; with the starts (12), it stops at 1e2 × 1e3.
      view.insert('points', [point(1, 2, 1e5), point(1, 3, 1e13)]);
      await view.runAsync();
      assert.deepEqual(y(), [1, 1e13]);
      view.signal(LOSS_START_SIGNAL, 12);
      await view.runAsync();
      assert.deepEqual(y(), [1, 1e5], 'three decades above the decade of the highest start');
      view.insert('points', [point(0, 3, 0.004)]);
      await view.runAsync();
      assert.deepEqual(y(), [1e-4, 1e5], 'a new low: the floor moves two decades at a time');
    } finally {
      view.finalize();
    }
  });

  it('keeps the learning rate and gradient norm axes on round values', async () => {
    const all = specs();
    const lr = await panelView(all.lr!);
    const grad = await panelView(all.gradNorm!);
    try {
      const rows = [point(0, 0, 30), point(0, 1, 0.2), point(1, 0, 4)];
      for (const v of [lr, grad]) {
        v.insert('points', rows);
        await v.runAsync();
      }
      assert.deepEqual((lr.scale('y') as unknown as { domain(): number[] }).domain(), [0, 0.02], 'η up to 0.02: [0, 0.02]');
      assert.deepEqual((grad.scale('y') as unknown as { domain(): number[] }).domain(), [0.01, 10], '‖∇J‖ 0.02…3: decades');
      grad.insert('points', [point(1, 1, 1e13)]);
      await grad.runAsync();
      assert.deepEqual((grad.scale('y') as unknown as { domain(): number[] }).domain(), [0.01, 1e12], 'a diverging run: the axis follows it');
      grad.signal(GRAD_START_SIGNAL, 3);
      await grad.runAsync();
      assert.deepEqual((grad.scale('y') as unknown as { domain(): number[] }).domain(), [0.01, 1e4], 'capped three decades above the highest start');
    } finally {
      lr.finalize();
      grad.finalize();
    }
  });
});
