/**
 * Gradients that are not exact say so where the eye is (issue 10, item 5): a loss whose gradient
 * falls back to central finite differences shows the reason and the line above its code, and a
 * warning at that line in the panel's editor; an exact gradient shows neither. In the real panel
 * bundle in Chromium under its CSP.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import type { PanelExperiment, ToWebview } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';


const source = 'export default function loss([x, y]: number[]): number {\n  const r = Math.abs(x) + y * y;\n  return r;\n}\nexport const init = [1, 1];\n';
const experiment: PanelExperiment = {
  title: 'Abs', loss: { source }, steps: 50, seed: 0,
  runs: [{ label: 'GD', optimizer: 'gd', hyperparameters: { lr: 0.05 } }],
};

describe('the finite-differences fallback in the panel (Chromium)', function () {
  this.timeout(120_000);
  let server: PanelServer;
  let browser: ChromiumSession;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(join(repoPath('dist'), 'webview.js')), 'dist/webview.js is missing: run `npm run build` first');
    server = await servePanel({ nonce: 'gradnote0123456789ab' });
    browser = await chromiumSession();
    page = await openPanelPage(browser, server, { page: { viewport: { width: 1400, height: 1000 } } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const send = (messages: readonly unknown[]): Promise<void> => page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);

  it('says why the gradient is not exact, with its line, above the code and as a warning at that line', async () => {
    const scenario = buildScenario({ ...experiment, loss: { preset: 'rosenbrock' } });
    const init = scenario.init as Extract<ToWebview, { type: 'init' }>;
    const gradient = { mode: 'finite-differences' as const, reason: '`Math.abs` is not differentiable at 0', line: 2, column: 13 };
    await send([{ ...init, experiment, info: { ...init.info!, init: [1, 1], domain: undefined, gradient } }]);
    await page.waitForSelector('.gradient-note', { timeout: 30_000 });
    const note = await page.locator('.gradient-note').textContent() ?? '';
    assert.match(note, /finite differences, not exact: `Math\.abs` is not differentiable at 0 \(line 2, column 13\)/);
    await page.waitForSelector('.cm-lintRange-warning', { timeout: 30_000 });
    const marked = await page.evaluate(() => {
      const mark = document.querySelector('.cm-lintRange-warning');
      const line = mark?.closest('.cm-line');
      if (!mark || !line) return { line: 0, column: 0 };
      const before = document.createRange();
      before.setStart(line, 0);
      before.setEndBefore(mark);
      return { line: [...document.querySelectorAll('.cm-content .cm-line')].indexOf(line) + 1, column: before.toString().length + 1 };
    });
    assert.deepEqual(marked, { line: 2, column: 13 }, 'at line 2, column 13');
  });

  it('shows neither once the gradient is exact', async () => {
    const results = [{ run: 0, label: 'GD', status: 'running' as const, steps: 0 }];
    await send([{ type: 'runStart', results, info: { dim: 2, init: [1, 1], dataSize: 0, gradient: { mode: 'autodiff' } } }]);
    await page.waitForSelector('.gradient-note', { state: 'detached', timeout: 30_000 });
    await page.waitForSelector('.cm-lintRange-warning', { state: 'detached', timeout: 30_000 });
  });
});
