/**
 * State that never goes stale, edits never lost (issue 10, item 4), in the real panel bundle in
 * Chromium under its CSP: each test is one bug a person met, checked as they would see it.
 * It reads the panel through the DOM and the test hooks both the old and the new panel have
 * (chart, data, experiment, settled), so OP_WEBVIEW_DIR can point it at an older build to show
 * the bug there.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import type { PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';

const BUNDLE_DIR = process.env.OP_WEBVIEW_DIR;

const rosenbrock: PanelExperiment = {
  title: 'Rosenbrock', loss: { preset: 'rosenbrock' }, steps: 300, seed: 0,
  runs: [{ label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 } }],
};

type Hook = { __optimizerPlayground: { chart(c: string): { signal(n: string): unknown }; experiment(): PanelExperiment } };

describe('panel state that never goes stale, edits never lost (Chromium)', function () {
  this.timeout(120_000);
  let server: PanelServer;
  /** The same page playing the runs back at the "fast" speed, as a person sees them (not "instant"). */
  let playingServer: PanelServer;
  let browser: ChromiumSession;

  before(async () => {
    const dir = BUNDLE_DIR ?? repoPath('dist');
    assert.ok(existsSync(join(dir, 'webview.js')), `${join(dir, 'webview.js')} is missing: run \`npm run build\` first`);
    server = await servePanel({ nonce: 'stalenonce0123456789', ...(BUNDLE_DIR ? { bundleDir: BUNDLE_DIR } : {}) });
    playingServer = await servePanel({ nonce: 'stalenonce0123456789', initial: { preferences: { playbackSpeed: 'fast' } }, ...(BUNDLE_DIR ? { bundleDir: BUNDLE_DIR } : {}) });
    browser = await chromiumSession();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await playingServer?.close();
  });

  const open = (state?: unknown, o: { playing?: boolean } = {}): Promise<Page> =>
    openPanelPage(browser, o.playing ? playingServer : server, { state, page: { viewport: { width: 1400, height: 1000 } } });
  const send = (page: Page, messages: readonly unknown[]): Promise<void> => page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);
  const scrubSignal = (page: Page): Promise<unknown> => page.evaluate(() => (window as unknown as Hook).__optimizerPlayground.chart('loss').signal('scrubStep'));
  const edits = async (page: Page): Promise<PanelExperiment[]> => (await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted))
    .filter((m) => m.type === 'editExperiment').map((m) => m.experiment as PanelExperiment);

  it('1. scrubbed to step 29, a new experiment shows its latest step: the charts are not left faded at the old step', async () => {
    const page = await open(undefined, { playing: true });
    const first = buildScenario(rosenbrock);
    await send(page, [first.init, ...first.stream]);
    await settled(page);
    // The person drags the scrubber to step 29.
    await page.locator('.scrubber').evaluate((e) => {
      const input = e as HTMLInputElement;
      input.value = '29';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => /step 29 \//.test(document.querySelector('.scrub-label')?.textContent ?? ''));
    await settled(page);
    assert.equal(await scrubSignal(page), 29, 'the charts show step 29');
    // Another preset: the host answers with the new experiment and its run.
    const beale = buildScenario({ ...rosenbrock, title: 'Beale', loss: { preset: 'beale' } });
    await send(page, [{ type: 'experiment', experiment: { ...rosenbrock, loss: { preset: 'beale' } } }, ...beale.stream]);
    await page.waitForFunction(() => /step 300 \/ 300/.test(document.querySelector('.scrub-label')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await settled(page);
    assert.equal(await scrubSignal(page), -1, 'the charts follow the latest step, as the scrubber says');
    await page.close();
  });

  it('1. a reload shows the latest step, not the step scrubbed to before it', async () => {
    const page = await open({ experiment: rosenbrock, view: { scrub: 29, dims: [0, 1], selectedRun: 0, collapsed: {} } }, { playing: true });
    const scenario = buildScenario(rosenbrock);
    const series = scenario.stream.flatMap((m) => (m.type === 'points' ? m.series : []));
    await send(page, [{ ...scenario.init, state: 'idle', points: series, results: [{ run: 0, label: 'Adam η=0.05', status: 'completed', steps: 300 }] }]);
    await page.waitForFunction(() => /step 300 \/ 300/.test(document.querySelector('.scrub-label')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await settled(page);
    assert.equal(await scrubSignal(page), -1, 'the revived charts are not faded at step 29');
    await page.close();
  });

  it('2. typing 0.000001 key by key into lr, while the host streams, keeps every character (no text rewritten under the cursor)', async () => {
    const page = await open();
    const scenario = buildScenario(rosenbrock);
    await send(page, [scenario.init, ...scenario.stream]);
    await settled(page);
    const field = page.locator('vscode-textfield[data-path="runs[0].lr"]');
    await field.locator('input').click();
    await page.keyboard.press('Control+A');
    const again = buildScenario({ ...rosenbrock, runs: [{ ...rosenbrock.runs[0]!, hyperparameters: { lr: 0.000001 } }] });
    // The panel writes 1e-6 as "1e-6": once the text means 1e-6 it must stay as typed.
    for (const [k, key] of [...'0.000001'].entries()) {
      await page.keyboard.type(key);
      // The host answers each accepted edit with a new run while the person types.
      await send(page, again.stream.slice(k * 3, k * 3 + 3));
      await page.waitForTimeout(120);
    }
    assert.equal(await field.evaluate((e) => (e as HTMLInputElement).value), '0.000001', 'the text as typed');
    await page.waitForTimeout(200);
    assert.equal((await edits(page)).pop()?.runs[0]?.hyperparameters.lr, 0.000001);
    await page.close();
  });

  it('3. following a file, the panel\'s editor is read-only under a bar that names the file and offers to stop', async () => {
    const page = await open();
    const scenario = buildScenario(rosenbrock);
    const snippet = 'export default function loss([x, y]: number[]): number {\n  return (x - 1) ** 2 + 10 * (y + 2) ** 2;\n}\n';
    const following = { ...rosenbrock, loss: { source: snippet } };
    await send(page, [{ ...scenario.init, experiment: following, following: { name: 'ravine.ts', path: 'ravine.ts' }, boundDocument: 'ravine.ts' }]);
    await page.waitForSelector('.cm-content', { timeout: 30_000 });
    assert.match(await page.locator('.follow-bar').textContent({ timeout: 10_000 }) ?? '', /Following\s+ravine\.ts/);
    const before = (await edits(page)).length;
    await page.locator('.cm-content').click();
    await page.keyboard.type('// lost?');
    await page.waitForTimeout(400);
    assert.ok(!(await page.locator('.cm-content').textContent())?.includes('// lost?'), 'nothing typed here (it would be lost at the next file edit)');
    assert.equal((await edits(page)).length, before, 'no edit posted');
    await page.locator('.follow-bar vscode-button').click();
    await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.some((m) => m.type === 'stopFollowing'));
    await page.close();
  });

  it('4. undo in the panel\'s editor never changes the problem: a preset switch starts a fresh history', async () => {
    const page = await open();
    const scenario = buildScenario(rosenbrock);
    await send(page, [scenario.init, ...scenario.stream]);
    await page.waitForSelector('.cm-content', { timeout: 30_000 });
    await settled(page);
    // Type in Rosenbrock's code (it becomes the panel's own snippet), then switch to Beale.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('// mine');
    await page.waitForTimeout(300);
    await page.evaluate(() => {
      const select = document.querySelector('.loss-select vscode-single-select') as HTMLElement & { value: string };
      select.value = 'preset:beale';
      select.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => /Beale/.test(document.querySelector('.cm-content')?.textContent ?? '') || /beale/i.test(document.querySelector('.cm-content')?.textContent ?? ''));
    await page.locator('.cm-content').click();
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Control+Z');
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(300);
    const held = await page.evaluate(() => (window as unknown as Hook).__optimizerPlayground.experiment());
    assert.deepEqual(held.loss, { preset: 'beale' }, 'still Beale after undo');
    assert.deepEqual((await edits(page)).pop()?.loss, { preset: 'beale' }, 'no edit brought Rosenbrock back');
    await page.close();
  });
});
