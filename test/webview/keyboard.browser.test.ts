/**
 * The panel from the keyboard alone and with a screen reader (issue 15), in Chromium (a11yPanel.ts):
 * the tab order reaches the scrubber and every chart within ten presses; toolbars and the update
 * rule are one tab stop with the arrow keys inside; focus is handed on when a button disables and
 * kept when Run becomes Stop; moving into a run card selects it; Tab leaves the loss editor (Ctrl+M
 * makes it indent); each chart is named and described per run as the runs finish, its data a
 * table on request; each run's ending is announced once.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { repoPath } from '../repoRoot';
import { a11yExperiment, focusedName, startA11yPanels, type A11yPanels, type Hooks } from './a11yPanel';
import { settled, type PageProbe } from './pageServer';

describe('the panel from the keyboard and with a screen reader (Chromium)', function () {
  this.timeout(120_000);
  let panels: A11yPanels;
  const openPanel = (theme: string, o?: Parameters<A11yPanels['open']>[1]): Promise<Page> => panels.open(theme, o);
  before(async () => { panels = await startA11yPanels(); });
  after(async () => { await panels?.close(); });

  describe('from the keyboard alone', () => {
    let page: Page;
    before(async () => { page = await openPanel('vscode-dark'); });
    after(async () => { await page?.close(); });

    const posted = (): Promise<PageProbe['posted']> => page.evaluate(() => (window as unknown as Hooks).__probe.posted);
    /** Presses Tab from the top of the page until `done(name)` holds; returns the names of the elements focused, in order. */
    async function tabUntil(done: (name: string) => boolean, max = 40): Promise<string[]> {
      await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
      const seen: string[] = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        seen.push(await focusedName(page));
        if (done(seen[seen.length - 1]!)) break;
      }
      return seen;
    }

    it('reaches the scrubber and every chart within ten Tab presses', async () => {
      const seen = await tabUntil((n) => n.startsWith('table:gradNorm'));
      console.log(`      tab order: ${seen.map((n, i) => `${i + 1} ${n}`).join(', ')}`);
      const at = (prefix: string): number => seen.findIndex((n) => n.startsWith(prefix)) + 1;
      assert.ok(at('skip-link') === 1, 'the skip link comes first');
      assert.ok(at('scrubber') > 0 && at('scrubber') <= 10, `the scrubber at press ${at('scrubber')}`);
      for (const chart of ['loss', 'paths', 'lr', 'gradNorm']) assert.ok(at(`table:${chart}`) > 0 && at(`table:${chart}`) <= 10, `the ${chart} chart's table button at press ${at(`table:${chart}`)}: ${seen.join(', ')}`);
      assert.equal(new Set(seen).size, seen.length, 'no control twice');
    });

    it('moves with the arrow keys inside a toolbar and keeps the focus when a button disables', async () => {
      await page.evaluate(() => (window as unknown as { __optimizerPlayground: { setSpeed(s: string): void } }).__optimizerPlayground.setSpeed('normal'));
      await page.locator('.play-button').focus();
      assert.equal(await focusedName(page), 'button:Play');
      await page.keyboard.press('ArrowRight');
      // Step is disabled at the last step: the arrow skips it.
      assert.equal(await focusedName(page), 'button:Replay');
      await page.keyboard.press('ArrowRight');
      assert.equal(await focusedName(page), 'button:Play', 'the arrows wrap around');
      // Step, one step before the end: Step disables and the focus goes to its neighbour, not the page.
      const last = await page.evaluate(() => (window as unknown as { __optimizerPlayground: { state(): { playback: { received: number } } } }).__optimizerPlayground.state().playback.received);
      await page.evaluate((n) => (window as unknown as { __optimizerPlayground: { scrubTo(s: number): void } }).__optimizerPlayground.scrubTo(n), last - 1);
      await page.waitForFunction(() => !document.querySelector('.step-button')?.hasAttribute('disabled'));
      await page.locator('.step-button').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('.step-button')?.hasAttribute('disabled'));
      await page.waitForFunction(() => document.activeElement?.classList.contains('replay-button') === true);
      // Play becomes Pause on the same button, with the focus.
      await page.locator('.play-button').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('.play-button')?.textContent?.trim() === 'Pause');
      assert.equal(await focusedName(page), 'button:Pause');
      await page.keyboard.press('Enter');
      assert.equal(await focusedName(page), 'button:Play');
      await page.evaluate(() => (window as unknown as { __optimizerPlayground: { setSpeed(s: string): void } }).__optimizerPlayground.setSpeed('instant'));
    });

    it('keeps the focus on Run when it becomes Stop and back', async () => {
      await page.locator('.run-button').focus();
      const before = (await posted()).length;
      await page.keyboard.press('Enter');
      assert.ok((await posted()).slice(before).some((m) => m.type === 'run'), 'Enter ran the experiment');
      await page.evaluate(() => window.postMessage({ type: 'status', state: 'running', stepsPerSecond: 100 }, '*'));
      await page.waitForFunction(() => document.querySelector('.stop-button') !== null);
      assert.equal(await focusedName(page), 'button:Stop');
      await page.evaluate(() => window.postMessage({ type: 'status', state: 'idle', stepsPerSecond: 0 }, '*'));
      await page.waitForFunction(() => document.querySelector('.run-button') !== null);
      assert.equal(await focusedName(page), 'button:Run again');
    });

    it('goes through the update rule\'s symbols with the arrow keys, one tab stop', async () => {
      await page.locator('.formula-rule').focus();
      const detail = (): Promise<string> => page.locator('.formula-detail').innerText();
      const first = await detail();
      await page.keyboard.press('ArrowRight');
      const second = await detail();
      assert.notEqual(second, first, 'the arrow moved to the next symbol');
      assert.match(second, /: .+/, `a symbol's meaning: ${second}`);
      assert.equal(await page.locator('.formula-rule .formula-active').count() > 0, true, 'the symbol is marked');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.closest('.formula-rule') ?? null), null, 'Tab leaves the rule');
      assert.equal(await page.locator('.formula-rule [tabindex]').count(), 0, 'no symbol is a tab stop of its own');
    });

    it('selects a run card (and its update rule) by moving into it', async () => {
      await page.locator('op-run-card[data-run="0"] vscode-textfield[data-path="runs[0].label"]').focus();
      await page.waitForFunction(() => (window as unknown as Hooks).__optimizerPlayground.state().view.selectedRun === 0);
      // Tab on through the first card until the focus is in the second.
      for (let i = 0; i < 40 && !(await page.evaluate(() => !!document.activeElement?.closest('op-run-card[data-run="1"]'))); i++) await page.keyboard.press('Tab');
      await page.waitForFunction(() => (window as unknown as Hooks).__optimizerPlayground.state().view.selectedRun === 1);
      await page.waitForFunction(() => document.querySelector('.formula-run')?.textContent === 'SGD μ=0.9 η=0.0005');
      assert.equal(await page.locator('op-run-card[data-run="1"]').getAttribute('aria-current'), 'true');
    });

    it('lets Tab leave the loss editor, and Ctrl+M makes Tab indent', async () => {
      const source = await page.locator('.cm-content').innerText();
      const before = (await posted()).length;
      await page.locator('.cm-content').focus();
      const hint = page.locator('.loss-editor-keys');
      assert.match(await hint.innerText(), /Tab moves the focus on\. Ctrl\+M: Tab indents/);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.closest('.loss-editor') ?? null), null, 'Tab left the editor');
      assert.equal(await page.locator('.cm-content').innerText(), source, 'the loss is unchanged');
      assert.equal((await posted()).slice(before).filter((m) => m.type === 'editExperiment').length, 0, 'nothing was edited');
      await page.locator('.cm-content').focus();
      await page.keyboard.press('Control+m');
      assert.match(await hint.innerText(), /^Tab indents\./);
      await page.keyboard.press('Tab');
      assert.notEqual(await page.locator('.cm-content').innerText(), source, 'Tab indented');
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.loss-editor')), 'the focus stayed in the editor');
      await page.keyboard.press('Control+z');
      await page.keyboard.press('Control+m');
      assert.match(await hint.innerText(), /^Tab moves the focus on/);
    });
  });

  describe('for screen readers', () => {
    it('names each chart, describes its runs as they finish and shows its data as a table', async () => {
      const page = await openPanel('vscode-dark', { stream: false });
      try {
        const summary = (chart: string): Promise<string> => page.locator(`#chart-summary-${chart}`).evaluate((e) => e.textContent ?? '');
        // The charts shown (the sharpness chart and the rate map wait, hidden, for curvature and a quadratic).
        assert.deepEqual(await page.$$eval('.chart-card:not([hidden]) .chart[data-chart]', (es) => es.map((e) => [e.getAttribute('aria-label'), e.getAttribute('aria-describedby')])), [
          ['Loss by step, log scale', 'chart-summary-loss'], ['Paths over the loss surface', 'chart-summary-paths'],
          ['Learning rate by step', 'chart-summary-lr'], ['Gradient norm by step, log scale', 'chart-summary-gradNorm'],
        ]);
        // Half of the stream: every run is still running.
        const half = panels.scenario.stream.filter((m) => m.type !== 'runEnd' && !(m.type === 'status' && m.state === 'idle'));
        await page.evaluate((ms) => { for (const m of ms.slice(0, Math.floor(ms.length / 2))) window.postMessage(m, '*'); }, half);
        await settled(page);
        await page.waitForFunction(() => /running, at step \d+/.test(document.querySelector('#chart-summary-loss')?.textContent ?? ''));
        assert.doesNotMatch(await summary('loss'), /completed|diverged/);
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, panels.scenario.stream);
        await settled(page);
        const end = panels.scenario.stream.filter((m) => m.type === 'runEnd') as Array<{ run: number; status: string; steps: number }>;
        const diverged = end.find((m) => m.status === 'diverged')!;
        await page.waitForFunction((n) => (document.querySelector('#chart-summary-loss')?.textContent ?? '').includes(`diverged at step ${n}`), diverged.steps);
        const loss = await summary('loss');
        assert.match(loss, /^Loss, 3 runs, step 200 of 200\./);
        assert.match(loss, /Adam η=0\.05: completed after 200 steps, loss [\d.e-]+ at step 200\./);
        assert.match(loss, new RegExp(`SGD η=0\\.1: diverged at step ${diverged.steps}\\b.*, loss .+ at step \\d+\\.`));
        assert.match(await summary('paths'), /^Paths over the loss surface in \(θ₀, θ₁\), 3 runs.*Adam η=0\.05: completed after 200 steps, from \(-1\.5, 2\) to \(/);
        assert.match(await summary('lr'), /Adam η=0\.05: completed after 200 steps, η 0\.05 at step 200/);
        // The data on request: a table of the loss by step, one column per run.
        await page.locator('op-chart-alt[data-chart], .chart-loss .chart-table-toggle').first().focus();
        await page.keyboard.press('Enter');
        const table = page.locator('#chart-table-loss');
        await table.waitFor();
        assert.equal(await page.locator('.chart-loss .chart-table-toggle').getAttribute('aria-expanded'), 'true');
        assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['step', ...a11yExperiment.runs.map((r) => r.label)]);
        const rows = await table.locator('tbody tr').count();
        assert.ok(rows >= 10 && rows <= 12, `about ten steps (${rows} rows)`);
        assert.equal(await table.locator('tbody tr').first().locator('th').innerText(), '0');
        await page.screenshot({ path: repoPath('test-results/a11y-table.png') });
        await page.keyboard.press('Enter');
        await table.waitFor({ state: 'detached' });
      } finally {
        await page.close();
      }
    });

    it('announces each run\'s ending once, a divergence included, and not again on replay', async () => {
      const page = await openPanel('vscode-dark', { stream: false });
      try {
        await page.evaluate(() => {
          const region = document.querySelector('op-announcer [role="status"]')!;
          const said: string[] = [];
          (window as unknown as { __said: string[] }).__said = said;
          new MutationObserver(() => { if (region.textContent) said.push(region.textContent); }).observe(region, { childList: true, subtree: true, characterData: true });
        });
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, panels.scenario.stream);
        await settled(page);
        await page.waitForFunction(() => (window as unknown as { __said: string[] }).__said.join(' ').includes('All 3 runs have ended.'));
        await page.evaluate(() => (window as unknown as { __optimizerPlayground: { setSpeed(s: string): void } }).__optimizerPlayground.setSpeed('fast'));
        await page.locator('.replay-button').click();
        await page.waitForFunction(() => document.querySelector('op-app')?.getAttribute('data-playback') === 'ended', undefined, { timeout: 20_000 });
        await page.waitForTimeout(500);
        const said = (await page.evaluate(() => (window as unknown as { __said: string[] }).__said)).join(' ');
        console.log(`      announced: ${said}`);
        assert.equal(said.match(/diverged at step/g)?.length, 1, `one divergence, said once: ${said}`);
        assert.match(said, /SGD η=0\.1 diverged at step \d+: .+\./);
        assert.equal(said.match(/Adam η=0\.05 completed after 200 steps, final loss [\d.e-]+\./g)?.length, 1);
      } finally {
        await page.close();
      }
    });
  });
});
