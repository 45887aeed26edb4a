/**
 * The first screen of a narrow panel (issue 10, item 1), in the real panel bundle in Chromium under
 * its CSP: a panel beside a followed loss file at 1280×800 in code-server is a column about
 * 466 × 708 px. Both primary charts must be wholly on screen and usefully sized there, and the loss
 * axis' title (the longest, for a snippet whose minimum is unknown) whole. OP_WEBVIEW_DIR can point
 * it at an older build to show what it was.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumSession, type ChromiumSession } from '../chromium';
import type { PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';

const BUNDLE_DIR = process.env.OP_WEBVIEW_DIR;

/** A followed snippet (its minimum unknown: the loss axis says what it plots at length), three runs. */
const followed: PanelExperiment = {
  title: 'loss.ts', steps: 60, seed: 0,
  loss: { source: 'export default function loss([x, y]: number[]): number {\n  return (x - 1) ** 2 + 10 * (y + 2) ** 2;\n}\nexport const init = [3, 3];\n' },
  runs: [
    { label: 'Gradient descent η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001 } },
    { label: 'Momentum (classical form) η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001, momentum: 0.9 } },
    { label: 'Adam η=0.1', optimizer: 'adam', hyperparameters: { lr: 0.1 } },
  ],
};

type Item = { text?: unknown; limit?: number; font?: string; fontSize?: number; fontWeight?: string | number; fontStyle?: string };
type Node = Item & { role?: string; items?: Node[] };
type Hook = { __optimizerPlayground: { chart(c: string): { width(): number; height(): number; scenegraph(): { root: Node } }; data(c: string, source: string): unknown[] } };

describe('panel layout beside a followed file (Chromium, 466 × 708)', function () {
  this.timeout(60_000);
  let server: PanelServer;
  let browser: ChromiumSession;

  before(async () => {
    const dir = BUNDLE_DIR ?? repoPath('dist');
    assert.ok(existsSync(join(dir, 'webview.js')), `${join(dir, 'webview.js')} is missing: run \`npm run build\` first`);
    server = await servePanel({ nonce: 'layoutnonce0123456789', ...(BUNDLE_DIR ? { bundleDir: BUNDLE_DIR } : {}) });
    browser = await chromiumSession();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the loss and paths charts whole, the paths plot at least 240 px, the loss axis title uncut', async () => {
    const viewport = { width: 466, height: 708 };
    const page = await openPanelPage(browser, server, { page: { viewport, deviceScaleFactor: 1 } });
    const scenario = buildScenario(followed);
    await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, [scenario.init, ...scenario.stream]);
    // Both charts embedded and drawn (not the editor and formula view, which load after them: `settled` would wait for those too).
    await page.waitForFunction(() => ['loss', 'paths'].every((c) => ((window as unknown as Hook).__optimizerPlayground.data(c, 'points')?.length ?? 0) > 0));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    for (const chart of ['loss', 'paths']) {
      const box = await page.locator(`.chart[data-chart="${chart}"] canvas`).boundingBox();
      assert.ok(box, `${chart}: drawn`);
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
        `${chart}: wholly on the first screen (${JSON.stringify(box)})`);
    }
    const plot = await page.evaluate(() => { const v = (window as unknown as Hook).__optimizerPlayground.chart('paths'); return { width: v.width(), height: v.height() }; });
    assert.ok(plot.width >= 240 && plot.height >= 240, `the paths plot is ${plot.width}×${plot.height} px`);
    // Vega cuts a text longer than its limit with an ellipsis when it draws it: measure the title as drawn.
    const title = await page.evaluate(() => {
      const titles: Item[] = [];
      const visit = (n: Node): void => { if (n.role === 'axis-title') titles.push(...(n.items ?? [])); for (const i of n.items ?? []) visit(i); };
      visit((window as unknown as Hook).__optimizerPlayground.chart('loss').scenegraph().root);
      const t = titles.find((i) => String(i.text).startsWith('loss'));
      if (!t) return undefined;
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${t.fontStyle ?? 'normal'} ${t.fontWeight ?? 'normal'} ${t.fontSize ?? 11}px ${t.font ?? 'sans-serif'}`;
      return { text: String(t.text), width: context.measureText(String(t.text)).width, limit: t.limit ?? Infinity };
    });
    assert.ok(title, 'the loss axis has a title');
    assert.ok(title.width <= title.limit, `the loss axis title "${title.text}" (${Math.round(title.width)} px) fits its ${Math.round(title.limit)} px`);
  });
});
