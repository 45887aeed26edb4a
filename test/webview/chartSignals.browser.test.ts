/**
 * The panel's charts keep their Vega views while what they are drawn for changes: the real
 * webview bundle (src/webview/main.ts, built here into this test's own folder, so that it needs no
 * `npm run build` and never races one) in Chromium under the panel's CSP (pageServer.ts). One run
 * streams; then a person's edit replaces it by four runs, the host starts them and sends a surface
 * over another window. No chart is embedded again (the runs, the window and its plot height are
 * signals set on the views shown: src/charts/specs/signals.ts `specSignals`), and the charts show the new
 * state: the legend's four labels in the palette's first four colours, each run's line in its
 * colour, the paths chart's axes over the new window.
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { heatmapBounds, surfaceGrid } from '../../src/charts';
import { getProblem } from '../../src/engine/problems';
import { toWire, type PanelExperiment, type ToWebview } from '../../src/protocol';
import { bundleWebview, openPanelPage, servePanel, settled, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';

const NONCE = 'signalsnonce0123456789';
const CHARTS = ['loss', 'paths', 'lr', 'gradNorm'] as const;

const oneRun: PanelExperiment = {
  title: 'Rosenbrock, one run', loss: { preset: 'rosenbrock' }, steps: 200, seed: 0,
  runs: [{ label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 } }],
};
const fourRuns: PanelExperiment = {
  ...oneRun, title: 'Rosenbrock, four runs', steps: 300,
  runs: [
    { label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 } },
    { label: 'SGD η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001 } },
    { label: 'SGD μ=0.9 η=0.0005', optimizer: 'sgd', hyperparameters: { lr: 0.0005, momentum: 0.9 } },
    { label: 'RMSprop η=0.01', optimizer: 'rmsprop', hyperparameters: { lr: 0.01 } },
  ],
};

/** The host's `surface` message for Rosenbrock over `domain` (60 × 60 grid, as the host's). */
function surfaceMessage(domain: { x: [number, number]; y: [number, number] }): ToWebview {
  const problem = getProblem('rosenbrock')!;
  const objective = problem.objective();
  const { xs, ys } = surfaceGrid(domain, 60);
  const values: number[] = [];
  for (const y of ys) for (const x of xs) values.push(objective.value(Float64Array.of(x, y), null));
  return { type: 'surface', surface: { dims: [0, 1], xs: [...xs], ys: [...ys], loss: toWire(values), at: [...problem.init],
    minima: problem.minima.map((m) => ({ params: [...m.params], loss: m.loss })) } };
}

interface Drawn {
  embeds: Record<string, number>;
  /** Legend entries of the loss chart: label and symbol stroke, in order. */
  legend: Array<{ label: string; color: string }>;
  /** The loss chart's run lines: label and stroke of each line item. */
  lines: Array<{ label: string; color: string }>;
  palette: string[];
  pathsX: number[];
  pathsY: number[];
  pathsWidth: number;
  pathsHeight: number;
}

/** What the charts show now, read from their Vega views (`__optimizerPlayground.chart`). */
function drawn(page: Page): Promise<Drawn> {
  return page.evaluate((charts) => {
    type Item = { items?: Node[]; datum?: Record<string, unknown>; stroke?: string; text?: string };
    type Node = { marktype?: string; name?: string; role?: string; items?: Item[] };
    interface V { scenegraph(): { root: Node }; scale(n: string): { domain(): number[] }; width(): number; height(): number }
    const dbg = (window as unknown as { __optimizerPlayground: { chart(n: string): V; stats(n: string): { embeds: number }; theme(): { palette: string[] } } }).__optimizerPlayground;
    const loss = dbg.chart('loss');
    const labels: string[] = [];
    const symbols: string[] = [];
    const lines: Array<{ label: string; color: string }> = [];
    const visit = (node: Node): void => {
      for (const item of node.items ?? []) {
        if (node.role === 'legend-label' && typeof item.text === 'string') labels.push(item.text);
        if (node.role === 'legend-symbol') symbols.push(String(item.stroke));
        if (node.marktype === 'line' && node.name === 'layer_0_marks' && item.datum) lines.push({ label: String(item.datum.label), color: String(item.stroke) });
        for (const child of item.items ?? []) visit(child);
      }
    };
    visit(loss.scenegraph().root);
    const paths = dbg.chart('paths');
    return {
      embeds: Object.fromEntries(charts.map((c) => [c, dbg.stats(c).embeds])),
      legend: labels.map((label, i) => ({ label, color: symbols[i] ?? '' })),
      lines,
      palette: [...dbg.theme().palette],
      pathsX: paths.scale('x').domain(), pathsY: paths.scale('y').domain(),
      pathsWidth: paths.width(), pathsHeight: paths.height(),
    };
  }, [...CHARTS]);
}

describe('panel charts: new runs and a new window are signals, not re-embeds (Chromium)', function () {
  this.timeout(120_000);
  let server: PanelServer | undefined;
  let browser: ChromiumSession | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    // The webview bundle as scripts/build.mjs makes it, into a folder beside this compiled test.
    const dir = join(__dirname, 'chart-signals-bundle');
    await bundleWebview(dir);
    server = await servePanel({ nonce: NONCE, bundleDir: dir });
    browser = await chromiumSession();
    page = await openPanelPage(browser, server, { watch: (p) => p.on('pageerror', (e) => pageErrors.push(String(e))) });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const dispatch = (messages: readonly unknown[]): Promise<void> => page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);

  it('keeps every view when one run becomes four and the surface window moves, and draws the new runs, colours and window', async () => {
    const first = buildScenario(oneRun, 40);
    await dispatch([first.init, ...first.stream]);
    await settled(page);
    const before = await drawn(page);
    assert.deepEqual(before.legend.map((e) => e.label), ['Adam η=0.05'], 'one run in the legend first');
    for (const c of CHARTS) assert.ok(before.embeds[c]! >= 1, `${c} was embedded`);

    // The person's edit, then what the host answers: the four runs start, streaming, and a surface over a wider, flatter window.
    await page.evaluate((exp) => (window as unknown as { __optimizerPlayground: { applyExperiment(e: unknown): void } }).__optimizerPlayground.applyExperiment(exp), fourRuns);
    const next = buildScenario(fourRuns, 40);
    const moved = { x: [-3, 3] as [number, number], y: [-1, 2] as [number, number] };
    const [runStart, ...rest] = next.stream;
    await dispatch([runStart, surfaceMessage(moved)]);
    for (let i = 0; i < rest.length; i += 4) await dispatch(rest.slice(i, i + 4));
    await page.waitForFunction((n) => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } })
      .__optimizerPlayground.data('loss', 'points').length === n, next.totalPoints, { timeout: 60_000 });
    await settled(page);
    const after = await drawn(page);

    assert.deepEqual(after.embeds, before.embeds, 'no chart was embedded again');
    const labels = fourRuns.runs.map((r) => r.label!);
    assert.deepEqual(after.legend, labels.map((label, i) => ({ label, color: after.palette[i] })), 'the legend: four labels in the palette\'s first four colours');
    assert.deepEqual([...new Set(after.lines.map((l) => l.label))].sort(), [...labels].sort(), 'a line per run');
    for (const line of after.lines) assert.equal(line.color, after.palette[labels.indexOf(line.label)], `${line.label} is drawn in its run's colour`);

    const grid = surfaceGrid(moved, 60);
    const b = heatmapBounds([...grid.xs], [...grid.ys]);
    const close = (a: ArrayLike<number>, e: ArrayLike<number>): boolean => a.length === e.length && Array.from(a).every((v, i) => Math.abs(v - e[i]!) < 1e-9);
    assert.ok(close(after.pathsX, [b.x0, b.x1]), `the paths chart's x axis spans the new window (${after.pathsX.join(', ')})`);
    assert.ok(close(after.pathsY, [b.y0, b.y1]), `and its y axis (${after.pathsY.join(', ')})`);
    // The plot keeps the window's aspect ratio (chartLayout.ts).
    const ratio = (b.y1 - b.y0) / (b.x1 - b.x0);
    assert.ok(Math.abs(after.pathsHeight / after.pathsWidth - ratio) < 0.02, `the plot keeps the window's aspect (${after.pathsWidth} × ${after.pathsHeight} for ${ratio})`);
    assert.ok(after.pathsHeight < before.pathsHeight, `a flatter window, a lower plot (${before.pathsHeight} → ${after.pathsHeight} px)`);
    assert.deepEqual(pageErrors, [], 'no page error');
  });
});
