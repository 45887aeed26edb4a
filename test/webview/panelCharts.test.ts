import * as assert from 'node:assert/strict';
import { defaultDarkTheme } from '../../src/charts/theme';
import { lossChart } from '../../src/charts/specs';
import { panelChartSpecs, plotWidth, SCRUB_SIGNAL, withScrubber } from '../../src/webview/panelCharts';

type Json = Record<string, unknown>;
const surface = { domain: { x: [-2, 2] as [number, number], y: [-1, 3] as [number, number] }, resolution: 40, axisTitles: ['θ₀', 'θ₁'] as [string, string] };

describe('webview/panelCharts', () => {
  it('adds the scrubber signal, a per-run marker layer and a step rule to a per-step chart', () => {
    const spec = withScrubber(lossChart({ theme: defaultDarkTheme, runs: ['a', 'b'] }), defaultDarkTheme) as unknown as Json;
    const params = spec.params as Json[];
    assert.deepEqual(params.find((p) => p.name === SCRUB_SIGNAL), { name: SCRUB_SIGNAL, value: -1 });
    const layers = spec.layer as Json[];
    const marker = layers[layers.length - 1]!;
    const transform = marker.transform as Json[];
    assert.deepEqual(transform.slice(-3)[0], { filter: `${SCRUB_SIGNAL} < 0 || datum.step <= ${SCRUB_SIGNAL}` });
    const line = layers[0]!;
    assert.deepEqual((marker.encoding as Json).y, (line.encoding as Json).y, 'the marker uses the line\'s y (plotLoss)');
    const rule = layers[layers.length - 2]!;
    assert.equal((rule.mark as Json).type, 'rule');
    assert.deepEqual(spec.autosize, { type: 'pad', resize: true });
    for (const l of layers) assert.equal((l.mark as Json).clip, true, 'every mark is clipped to the plot');
  });

  it('builds four specs that Vega-Lite compiles, each reading the named sources', async () => {
    const vl = await import('vega-lite');
    const specs = panelChartSpecs({ theme: defaultDarkTheme, runs: ['Adam', 'SGD'], width: 600, lossFloor: 0, surface });
    assert.deepEqual(Object.keys(specs).sort(), ['gradNorm', 'loss', 'lr', 'paths']);
    for (const [name, spec] of Object.entries(specs)) {
      const compiled = vl.compile(spec as never).spec as { data: Array<{ name: string }>; signals?: Array<{ name: string }> };
      const sources = compiled.data.map((d) => d.name);
      assert.ok(sources.includes('points'), `${name} reads points`);
      assert.ok((compiled.signals ?? []).some((s) => s.name === SCRUB_SIGNAL), `${name} has the scrub signal`);
      if (name === 'paths') for (const s of ['surface', 'contours', 'minima']) assert.ok(sources.includes(s), `paths reads ${s}`);
    }
  });

  it('has no paths chart without a surface, and sizes plots from the space available', () => {
    assert.equal(panelChartSpecs({ theme: defaultDarkTheme, runs: [], width: 500 }).paths, undefined);
    assert.equal(plotWidth(500, 'bottom'), 420);
    assert.equal(plotWidth(100, 'right'), 160, 'never narrower than 160 px');
  });
});
