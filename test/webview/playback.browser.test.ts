/**
 * Runs a person can watch (issue 10, item 2), in the real panel bundle in Chromium: the host's
 * points arrive at once, and the panel plays them back — still playing seconds later at the
 * default speed, Pause holds the step shown, Step shows the next point, Replay starts from step
 * 0, the scrubber works during and after, the status says "step k / N", the speed chosen is
 * remembered (posted to the host), and a person who asked for reduced motion starts at "instant".
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import type { PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { fakeVsCode, servePanel, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';


const experiment: PanelExperiment = {
  title: 'Rosenbrock', loss: { preset: 'rosenbrock' }, steps: 300, seed: 0,
  runs: [
    { label: 'GD η=0.001', optimizer: 'gd', hyperparameters: { lr: 0.001 } },
    { label: 'Adam η=0.1', optimizer: 'adam', hyperparameters: { lr: 0.1 } },
  ],
};

type Playback = { step: number; received: number; playing: boolean; ended: boolean; speed: string };
const playback = (page: Page): Promise<Playback> => page.evaluate(() =>
  (window as unknown as { __optimizerPlayground: { state(): { playback: Playback } } }).__optimizerPlayground.state().playback);
const label = (page: Page): Promise<string> => page.locator('.scrub-label').textContent().then((t) => t ?? '');
const status = (page: Page): Promise<string> => page.locator('.status-text').textContent().then((t) => (t ?? '').replace(/\s+/g, ' ').trim());
const lossRows = (page: Page): Promise<number> => page.evaluate(() =>
  (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } }).__optimizerPlayground.data('loss', 'points').length);

describe('playback: runs a person can watch (Chromium)', function () {
  this.timeout(120_000);
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

  /** A panel with the person's saved preferences (none: a new user), fed every point of the experiment at once. */
  async function open(preferences: Record<string, unknown>, options: { reducedMotion?: 'reduce' } = {}): Promise<Page> {
    const server = await servePanel({ nonce: 'playnonce0123456789', initial: { preferences } });
    servers.push(server);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, ...options });
    await fakeVsCode(page);
    await page.goto(`${server.origin}/panel.html`);
    await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.some((m) => m.type === 'ready'));
    const scenario = buildScenario(experiment);
    await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, [scenario.init, ...scenario.stream]);
    await page.waitForFunction(() => (window as unknown as { __optimizerPlayground?: { state(): { playback: Playback } } })
      .__optimizerPlayground?.state().playback.received === 300);
    return page;
  }

  it('plays a new user\'s runs over seconds, not at once, with "step k / N" as it goes, then ends at the last step', async () => {
    const page = await open({});
    await page.waitForTimeout(1500);
    const early = await playback(page);
    assert.equal(early.speed, 'normal');
    assert.ok(early.playing && early.step > 0 && early.step < 300, `playing, partway (step ${early.step})`);
    assert.match(await label(page), new RegExp(`^step \\d+ / 300$`));
    // The host is idle (every point came at once): the status says the runs are playing, and where, not "Idle".
    assert.match(await status(page), /^Playing · step \d+ \/ 300$/);
    assert.equal(await page.locator('.status-text [role="status"]').textContent(), 'Playing', 'the live region says only the state, not every step');
    assert.ok(await lossRows(page) < 2 * 301, 'only the steps played are drawn');
    await page.waitForFunction(() => (window as unknown as { __optimizerPlayground: { state(): { playback: Playback } } })
      .__optimizerPlayground.state().playback.ended, undefined, { timeout: 30_000 });
    assert.equal(await label(page), 'step 300 / 300');
    assert.equal(await status(page), 'Idle');
    await page.waitForFunction((n) => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } })
      .__optimizerPlayground.data('loss', 'points').length === n, 2 * 301);
    await page.close();
  });

  it('Pause holds the step shown; Step shows the next point; the scrubber moves it; Replay starts again from step 0', async () => {
    const page = await open({ playbackSpeed: 'slow' });
    await page.waitForTimeout(600);
    await page.locator('.play-button').click();
    const paused = await playback(page);
    assert.equal(paused.playing, false, 'paused');
    await page.waitForTimeout(700);
    assert.equal((await playback(page)).step, paused.step, 'the step holds while paused');
    await page.locator('.step-button').click();
    const stepped = await playback(page);
    assert.equal(stepped.step, paused.step + 1, 'Step: the next point (every step is a point in a 300-step run)');
    assert.equal(await label(page), `step ${stepped.step} / 300`);
    assert.equal(await status(page), `Paused · step ${stepped.step} / 300`);
    await page.locator('.scrubber').evaluate((e) => {
      const input = e as HTMLInputElement;
      input.value = '7';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    assert.equal((await playback(page)).step, 7, 'the scrubber shows step 7');
    await page.locator('.replay-button').click();
    const replayed = await playback(page);
    assert.ok(replayed.playing && replayed.step < 7, `Replay plays from step 0 (step ${replayed.step})`);
    await page.close();
  });

  it('remembers the speed chosen for every panel (the host keeps it), and starts at "instant" for reduced motion', async () => {
    const page = await open({});
    await page.evaluate(() => (window as unknown as { __optimizerPlayground: { setSpeed(s: string): void } }).__optimizerPlayground.setSpeed('fast'));
    const posted = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted);
    assert.deepEqual(posted.filter((m) => m.type === 'setPreferences').pop(), { type: 'setPreferences', preferences: { playbackSpeed: 'fast' } });
    await page.close();
    const reduced = await open({}, { reducedMotion: 'reduce' });
    const p = await playback(reduced);
    assert.equal(p.speed, 'instant');
    assert.equal(p.step, 300, 'every point shown as it came');
    await reduced.close();
  });
});
