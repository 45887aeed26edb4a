/**
 * The compiled-chart cache in Chromium (dist/webview.js under the panel CSP): a panel posts each
 * chart's compiled Vega spec (`compiledChart`); a later panel whose page carries them
 * (`compiledCharts`, written by the host: src/extension/panel.ts) embeds those charts without
 * compiling, draws the same points, and posts nothing to keep. The key is the spec's structure
 * (src/charts/specs/signals.ts `specSignals`), so a kept spec serves other runs and sizes with their own
 * values written in; a key of another Vega-Lite version is not used. A panel that compiles nothing
 * does not download Vega-Lite.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { parseFromWebview, type PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { fakeVsCode, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';

const NONCE = 'cachenonce0123456789';

const experiment: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, steps: 120, seed: 0,
  runs: [{ label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 } }],
};

type Debug = { __optimizerPlayground: { stats(c: string): { embeds: number; fromCache: number }; data(c: string, s: string): unknown[] } };

describe('webview: charts compiled by an earlier panel', function () {
  this.timeout(90_000);
  let browser: ChromiumSession;
  const servers: PanelServer[] = [];

  before(async () => {
    assert.ok(existsSync(repoPath('dist/webview.js')), 'dist/webview.js is missing: run `npm run build` first');
    browser = await chromiumSession();
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  /** A panel whose page carries `compiledCharts`, fed the scenario's messages until every chart is drawn. */
  async function panel(compiledCharts?: unknown, exp = experiment): Promise<{ page: Page; posted: PageProbe['posted']; errors: string[]; chunks: string[] }> {
    const scenario = buildScenario(exp);
    const server = await servePanel({ nonce: NONCE, initial: { experiment: exp, panelId: 'cache-test', ...(compiledCharts ? { compiledCharts } : {}) } });
    servers.push(server);
    const page = await browser.newPage({ viewport: { width: 1440, height: 1300 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const chunks: string[] = [];
    page.on('request', (r) => { const m = /\/dist\/(chunks\/[^?/]+\.js)/.exec(r.url()); if (m) chunks.push(m[1]!); });
    await fakeVsCode(page);
    await page.goto(`${server.origin}/panel.html`);
    await page.waitForFunction(() => '__optimizerPlayground' in window);
    await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, [scenario.init, ...scenario.stream]);
    await page.waitForFunction((n) => (window as unknown as Debug).__optimizerPlayground.data('loss', 'points').length === n, scenario.totalPoints);
    await settled(page);
    const posted = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted);
    return { page, posted, errors, chunks };
  }

  /** The chunks among `chunks` that hold Vega-Lite (the only ones with its version string in them). */
  const vegaLiteChunks = (chunks: readonly string[]): string[] => {
    const version = (JSON.parse(readFileSync(repoPath('node_modules/vega-lite/package.json'), 'utf8')) as { version: string }).version;
    return chunks.filter((c) => readFileSync(repoPath('dist', c), 'utf8').includes(`"${version}"`));
  };

  const stats = (page: Page): Promise<Record<string, { embeds: number; fromCache: number }>> => page.evaluate(() =>
    Object.fromEntries(['loss', 'paths', 'lr', 'gradNorm'].map((c) => [c, (window as unknown as Debug).__optimizerPlayground.stats(c)])));

  it('a later panel embeds every chart from the specs the first one compiled, and draws the same points', async () => {
    const first = await panel();
    const compiled = first.posted.filter((m) => m.type === 'compiledChart');
    assert.deepEqual(compiled.map((m) => m.chart).sort(), ['gradNorm', 'loss', 'lr', 'paths'], 'one compiled spec per chart');
    for (const m of compiled) assert.ok(parseFromWebview(m).ok, `the host accepts ${String(m.chart)}'s: ${JSON.stringify(parseFromWebview(m))}`);
    assert.deepEqual(Object.values(await stats(first.page)).map((s) => s.fromCache), [0, 0, 0, 0]);

    // What the host writes into the next panel's page: the latest of each chart.
    const kept = Object.fromEntries(compiled.map((m) => [m.chart as string, { key: m.key, spec: m.spec }]));
    const second = await panel(kept);
    assert.deepEqual(Object.values(await stats(second.page)).map((s) => [s.embeds, s.fromCache]), [[1, 1], [1, 1], [1, 1], [1, 1]],
      'each chart embedded once, from the kept spec');
    assert.equal(second.posted.filter((m) => m.type === 'compiledChart').length, 0, 'nothing compiled, nothing to keep');
    assert.equal(vegaLiteChunks(first.chunks).length, 1, `the first panel, compiling, loaded Vega-Lite (${first.chunks.join(', ')})`);
    assert.deepEqual(vegaLiteChunks(second.chunks), [], 'the second panel never downloaded Vega-Lite');
    for (const c of ['loss', 'paths', 'lr', 'gradNorm']) {
      const rows = (p: Page): Promise<number> => p.evaluate((name) => (window as unknown as Debug).__optimizerPlayground.data(name, 'points').length, c);
      assert.equal(await rows(second.page), await rows(first.page), `${c}: the same rows`);
    }
    const canvases = (p: Page): Promise<number> => p.evaluate(() => document.querySelectorAll('.chart canvas').length);
    assert.equal(await canvases(second.page), 4);
    assert.deepEqual([...first.errors, ...second.errors], []);
  });

  it('a kept spec serves other runs with their own labels; one of another Vega-Lite version is not used', async () => {
    const first = await panel();
    const loss = first.posted.find((m) => m.type === 'compiledChart' && m.chart === 'loss')!;
    const twoRuns: PanelExperiment = { ...experiment, runs: [...experiment.runs, { label: 'SGD η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001 } }] };
    const second = await panel({ loss: { key: loss.key, spec: loss.spec } }, twoRuns);
    assert.equal((await stats(second.page)).loss.fromCache, 1, 'the same structure: taken from the kept spec');
    assert.ok(!second.posted.some((m) => m.type === 'compiledChart' && m.chart === 'loss'), 'the loss chart was not compiled');
    const legend = await second.page.evaluate(() => {
      type Node = { marktype?: string; role?: string; items?: Node[]; text?: string };
      const labels: string[] = [];
      const visit = (n: Node): void => { if (n.marktype === 'text' && n.role === 'legend-label') for (const i of n.items ?? []) labels.push(String(i.text)); for (const i of n.items ?? []) visit(i); };
      visit((window as unknown as { __optimizerPlayground: { chart(c: string): { scenegraph(): { root: Node } } } }).__optimizerPlayground.chart('loss').scenegraph().root);
      return labels;
    });
    assert.deepEqual(legend, ['Adam η=0.05', 'SGD η=0.001'], 'this panel\'s runs in the legend, not the kept spec\'s');
    const third = await panel({ loss: { key: String(loss.key).replace(/^[^\n]*/, '0.0.1'), spec: loss.spec } });
    assert.equal((await stats(third.page)).loss.fromCache, 0, 'another Vega-Lite version: compiled again');
    assert.ok(third.posted.some((m) => m.type === 'compiledChart' && m.chart === 'loss'), 'and posted to keep');
  });
});
