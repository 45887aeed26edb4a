/**
 * The page's boot script (src/extension/html.ts `BOOT_SCRIPT`) in a real browser (Debian's
 * Chromium through playwright-core), under the panel's own HTML and CSP: it says `ready` before the
 * panel's module has loaded and keeps the host's messages for it; and when the module cannot load,
 * the page says so instead of staying blank. Pages and modules are served by request routing, so
 * the module can arrive late or not at all.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { webviewHtml } from '../../src/extension/html';

const ORIGIN = 'http://panel.test';

interface Probe { posted: { type: string; level?: string; message?: string }[] }

describe('webview boot script (Chromium, panel CSP)', function () {
  this.timeout(60_000);
  let browser: ChromiumSession;

  before(async () => {
    browser = await chromiumSession();
  });
  after(async () => { await browser?.close(); });

  async function open(module: (page: Page) => Promise<unknown>): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const probe: Probe = { posted: [] };
      (window as unknown as { __probe: Probe }).__probe = probe;
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
        postMessage: (m: Probe['posted'][number]) => { probe.posted.push(m); }, getState: () => undefined, setState: () => undefined,
      });
    });
    const html = webviewHtml({ cspSource: ORIGIN, script: `${ORIGIN}/dist/webview.js`, styles: [], nonce: 'bootnonce' });
    await page.route(`${ORIGIN}/panel.html`, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await module(page);
    // Not waiting for `load`: that waits for the module, which the first test holds back.
    await page.goto(`${ORIGIN}/panel.html`, { waitUntil: 'commit' });
    return page;
  }

  it('says ready once before the panel module runs, and keeps the host messages for it', async () => {
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => { release = resolve; });
    // The module arrives only after the host's message was posted; it takes over what was kept.
    const page = await open((p) => p.route(`${ORIGIN}/dist/webview.js`, async (r) => {
      await arrived;
      await r.fulfill({ status: 200, contentType: 'text/javascript', body: 'const b = window.__opBoot; b.stop(); window.__kept = b.early.splice(0); window.__optimizerPlayground = {};' });
    }));
    await page.waitForFunction(() => (window as unknown as { __probe: Probe }).__probe.posted.length > 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __probe: Probe }).__probe.posted), [{ type: 'ready' }]);
    await page.evaluate(() => window.postMessage({ type: 'init', from: 'host' }, '*'));
    release();
    await page.waitForFunction(() => (window as unknown as { __kept?: unknown[] }).__kept !== undefined);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __kept: unknown[] }).__kept), [{ type: 'init', from: 'host' }]);
    // Once taken over, later messages are the module's, not kept.
    await page.evaluate(() => window.postMessage({ type: 'points' }, '*'));
    await page.waitForTimeout(50);
    assert.equal(await page.evaluate(() => (window as unknown as { __opBoot: { early: unknown[] } }).__opBoot.early.length), 0);
    await page.close();
  });

  it('says the panel could not load, and logs which file, when its module is missing', async () => {
    const page = await open((p) => p.route(`${ORIGIN}/dist/webview.js`, (r) => r.fulfill({ status: 404, body: '' })));
    await page.waitForSelector('#app .load-error');
    assert.match(await page.textContent('#app .load-error') ?? '', /could not load webview\.js.*open it again/);
    const logs = (await page.evaluate(() => (window as unknown as { __probe: Probe }).__probe.posted)).filter((m) => m.type === 'log');
    assert.equal(logs.length, 1);
    assert.match(logs[0].message ?? '', /could not load http:\/\/panel\.test\/dist\/webview\.js/);
    await page.close();
  });
});
