/**
 * The panel's Vega (src/webview/vegaRuntime.ts, a part of the `vega` package) parses every chart
 * the panel draws: Vega's parser refuses a spec with a transform it does not have ("Unrecognized
 * transform type"), so a chart that came to use one left out would fail here, not in a user's panel.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { defaultDarkTheme, phaseDiagram, sensitivityChart } from '../../src/charts';
import { panelLayout } from '../../src/webview/chartLayout';
import { panelChartSpecs } from '../../src/webview/panelCharts';
import { repoPath } from '../repoRoot';

interface Runtime { parse(spec: unknown, config?: unknown, options?: unknown): unknown; transforms: Record<string, unknown> }

describe('webview/vegaRuntime (the panel\'s part of Vega)', function () {
  this.timeout(20_000);
  let runtime: Runtime;
  let dir: string;

  before(async () => {
    // As the webview's bundle takes it: an ES module with its dependencies.
    const esbuild = await import('esbuild');
    dir = mkdtempSync(join(tmpdir(), 'op-vega-runtime-'));
    const file = join(dir, 'vegaRuntime.mjs');
    await esbuild.build({ entryPoints: [repoPath('src/webview/vegaRuntime.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: file,
      nodePaths: [repoPath('node_modules')], mainFields: ['module', 'main'], logLevel: 'warning' });
    runtime = await import(pathToFileURL(file).href) as Runtime;
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('parses every chart of the panel, compiled by Vega-Lite, and leaves out the transforms none uses (bundles it, compiles eight charts: seconds)', async () => {
    const vl = await import('vega-lite');
    const runs = ['Adam', 'SGD'];
    const specs: Array<[string, TopLevelSpec]> = Object.entries(panelChartSpecs({
      theme: defaultDarkTheme, runs, layout: panelLayout(600, 900, 90), lossFloor: 0, steps: 300, curvature: true,
      rateMap: { etaMax: 2 }, surface: { domain: { x: [-2, 2], y: [-1, 3] }, resolution: 40, axisTitles: ['θ₀', 'θ₁'] },
    })) as Array<[string, TopLevelSpec]>;
    const tuning = { theme: defaultDarkTheme, runs, axisTitles: ['learning rate η', 'momentum β'], scoreTitle: 'final loss', logScore: true, logValues: true };
    specs.push(['sensitivity', sensitivityChart(tuning)], ['phase', phaseDiagram({ ...tuning, xValues: [0.01, 0.1], yValues: [0, 0.9] })]);
    assert.deepEqual(specs.map(([name]) => name).sort(), ['gradNorm', 'loss', 'lr', 'paths', 'phase', 'rateMap', 'sensitivity', 'sharpness']);
    for (const [name, spec] of specs) {
      const compiled = vl.compile(spec as never).spec;
      assert.doesNotThrow(() => runtime.parse(compiled, undefined, { ast: true }), `the ${name} chart parses`);
    }
    for (const type of ['geoshape', 'force', 'wordcloud', 'treemap', 'loess']) assert.equal(runtime.transforms[type], undefined, `no ${type} transform`);
    for (const type of ['filter', 'aggregate', 'stack', 'voronoi', 'mark', 'axisticks']) assert.ok(runtime.transforms[type], `the ${type} transform`);
  });
});
