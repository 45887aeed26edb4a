/**
 * The panel for everyone (issue 15), in the real webview bundle under its CSP in Chromium, in VS
 * Code's Light, Dark and High Contrast colours (test/webview/fixtures/vscode-theme.css): axe-core
 * finds no violation; the panel works from the keyboard alone (tab order, one tab stop per
 * toolbar and for the update rule, run cards, the loss editor does not trap Tab, focus kept when a
 * control disables); the charts have names, text alternatives and data tables that follow the
 * runs; run endings are announced once; paths stand out from the surface at ≥ 3:1 measured on the
 * rendered chart; reduced motion starts the playback at "instant". Screenshots go to
 * test-results/a11y-*.png.
 *
 * Needs `npm run build` first (dist/webview.js) and /usr/bin/chromium.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { describeViolations, runAxe } from './axe';
import { fakeVsCode, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario, type Scenario } from './scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NONCE = 'testnonce0123456789';
export const THEMES = [['Light', 'vscode-light'], ['Dark', 'vscode-dark'], ['High Contrast', 'vscode-high-contrast']] as const;

/** Three runs on Rosenbrock, the last one diverging (its card shows the reason). */
export const a11yExperiment: PanelExperiment = {
  title: 'Rosenbrock: three runs', loss: { preset: 'rosenbrock' }, steps: 200, seed: 0,
  runs: [
    { label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 } },
    { label: 'SGD μ=0.9 η=0.0005', optimizer: 'sgd', hyperparameters: { lr: 0.0005, momentum: 0.9 } },
    { label: 'SGD η=0.1', optimizer: 'sgd', hyperparameters: { lr: 0.1 } },
  ],
};

type Hooks = { __optimizerPlayground: { settled(): Promise<void>; editorLoaded(): boolean; state(): { view: { selectedRun: number } } }; __probe: PageProbe };

describe('the panel for everyone: axe, keyboard, screen readers, contrast, motion (Chromium)', function () {
  this.timeout(120_000);
  let server: PanelServer | undefined;
  let browser: Browser;
  let scenario: Scenario;

  before(async function () {
    assert.ok(existsSync(repoPath('dist/webview.js')), 'dist/webview.js is missing: run `npm run build` first');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(repoPath('test-results'), { recursive: true });
    server = await servePanel({ nonce: NONCE });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    scenario = buildScenario(a11yExperiment);
    assert.ok(scenario.stream.some((m) => m.type === 'runEnd' && m.status === 'diverged'), 'the scenario has a diverging run');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A panel in `theme` that has received the scenario's runs and drawn them, editor and update rule loaded. */
  async function openPanel(theme: string, o: { reducedMotion?: boolean; stream?: boolean; height?: number } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: o.height ?? 1000 }, deviceScaleFactor: 1, reducedMotion: o.reducedMotion ? 'reduce' : 'no-preference' });
    await fakeVsCode(page, undefined, theme);
    await page.goto(`${server!.origin}/panel.html`);
    await page.waitForFunction(() => (window as unknown as Hooks).__probe.posted.some((m) => m.type === 'ready'));
    await page.evaluate((m) => window.postMessage(m, '*'), scenario.init);
    if (o.stream !== false) await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario.stream);
    await settled(page);
    await page.waitForFunction(() => (window as unknown as Hooks).__optimizerPlayground.editorLoaded() && !!document.querySelector('.formula-rule [data-sym]'));
    await settled(page);
    return page;
  }

  for (const [name, theme] of THEMES) {
    it(`has no axe-core violation in ${name}`, async () => {
      // Tall enough for every card to be on screen: axe measures contrast only where it can see the colours.
      const page = await openPanel(theme, { height: 3600 });
      try {
        // With the states that show messages: a refused value in place, and an error above the charts.
        await page.locator('vscode-textfield[data-path="runs[0].lr"] input').fill('-1');
        await page.waitForSelector('.field.invalid .field-message:not([hidden])');
        await page.evaluate(() => window.postMessage({ type: 'error', errors: [{ kind: 'compile', message: "Cannot find name 'y2'.",
          diagnostics: [{ line: 2, column: 10, message: "Cannot find name 'y2'.", severity: 'error' }] }] }, '*'));
        await page.waitForSelector('.error-banner');
        const violations = await runAxe(page);
        await page.screenshot({ path: repoPath(`test-results/a11y-${theme}.png`) });
        assert.equal(violations.length, 0, `axe-core in ${name}:\n${describeViolations(violations)}`);
      } finally {
        await page.close();
      }
    });
  }

  for (const [name, theme] of THEMES) {
    it(`draws the paths at ≥ 3:1 against every colour of the surface in ${name} (measured on the rendered chart)`, async () => {
      const page = await openPanel(theme, { stream: false });
      try {
        // The surface alone (no run has a point yet), as the screen shows it: the plot's pixels.
        await page.waitForFunction(() => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } }).__optimizerPlayground.data('paths', 'heatmap').length === 1);
        await settled(page);
        const plot = await page.evaluate(() => {
          const view = (window as unknown as { __optimizerPlayground: { chart(n: string): { origin(): number[]; width(): number; height(): number; container(): HTMLElement } } }).__optimizerPlayground.chart('paths');
          const rect = view.container().querySelector('canvas')!.getBoundingClientRect();
          const [ox, oy] = view.origin();
          return { x: rect.left + ox! + 2, y: rect.top + oy! + 2, width: view.width() - 4, height: view.height() - 4 };
        });
        const png = (await page.screenshot({ clip: plot })).toString('base64');
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario.stream);
        await settled(page);
        // Each run's path and casing colours, as drawn (the paths chart's scenegraph: lines 2.2 px over casings 4.5 px).
        const strokes = await page.evaluate(() => {
          type Node = { marktype?: string; items?: Node[]; stroke?: string; strokeWidth?: number; datum?: { label?: string } };
          const view = (window as unknown as { __optimizerPlayground: { chart(n: string): { scenegraph(): { root: Node } } } }).__optimizerPlayground.chart('paths');
          const out: Record<string, { path?: string; casing?: string }> = {};
          const visit = (node: Node): void => {
            for (const item of node.items ?? []) {
              const label = item.datum?.label;
              if (node.marktype === 'line' && label && item.stroke) {
                if (item.strokeWidth === 4.5) (out[label] ??= {}).casing = item.stroke;
                else if (item.strokeWidth === 2.2) (out[label] ??= {}).path = item.stroke;
              }
              visit(item);
            }
          };
          visit(view.scenegraph().root);
          return out;
        });
        const runs = Object.entries(strokes);
        assert.equal(runs.length, a11yExperiment.runs.length, `every run's path and casing: ${JSON.stringify(strokes)}`);
        const figures = await page.evaluate(async ([image, colours]) => {
          const img = new Image();
          img.src = `data:image/png;base64,${image}`;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = img.width;
          canvas.height = img.height;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(img, 0, 0);
          const px = ctx.getImageData(0, 0, img.width, img.height).data;
          const lum = (r: number, g: number, b: number): number => {
            const f = (v: number): number => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const ofCss = (css: string): number => {
            ctx.fillStyle = css;
            const hex = ctx.fillStyle as string;
            return lum(parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16));
          };
          const ratio = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          const surface: number[] = [];
          for (let i = 0; i < px.length; i += 4) surface.push(lum(px[i]!, px[i + 1]!, px[i + 2]!));
          const pct = (xs: number[], q: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };
          return (colours as Array<[string, { path: string; casing: string }]>).map(([label, c]) => {
            const lp = ofCss(c.path);
            const lc = ofCss(c.casing);
            const separated = surface.map((ls) => Math.max(ratio(lp, ls), ratio(lc, ls)));
            const bare = surface.map((ls) => ratio(lp, ls));
            return { label, path: c.path, casing: c.casing, pathCasing: ratio(lp, lc), min: Math.min(...separated), p1: pct(separated, 0.01), median: pct(separated, 0.5),
              bareP2: pct(bare, 0.02), bareP98: pct(bare, 0.98), pixels: surface.length };
          });
        }, [png, runs] as const);
        await page.locator('.chart-card.chart-paths').screenshot({ path: repoPath(`test-results/a11y-paths-${theme}.png`) });
        for (const f of figures) {
          console.log(`      ${name}: ${f.label} ${f.path} cased ${f.casing}: path/casing ${f.pathCasing.toFixed(2)}:1; against the surface (${f.pixels} px) min ${f.min.toFixed(2)}, 1st pct ${f.p1.toFixed(2)}, median ${f.median.toFixed(2)} (path alone 2nd–98th pct ${f.bareP2.toFixed(2)}–${f.bareP98.toFixed(2)})`);
          assert.ok(f.pathCasing >= 3, `${name}: ${f.label}'s path ${f.path} against its casing ${f.casing}: ${f.pathCasing.toFixed(2)}:1`);
          assert.ok(f.p1 >= 3, `${name}: ${f.label} against the surface, path or casing: 1st percentile ${f.p1.toFixed(2)}:1`);
        }
      } finally {
        await page.close();
      }
    });
  }

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
        assert.deepEqual(await page.$$eval('.chart[data-chart]', (es) => es.map((e) => [e.getAttribute('aria-label'), e.getAttribute('aria-describedby')])), [
          ['Loss by step, log scale', 'chart-summary-loss'], ['Paths over the loss surface', 'chart-summary-paths'],
          ['Learning rate by step', 'chart-summary-lr'], ['Gradient norm by step, log scale', 'chart-summary-gradNorm'],
        ]);
        // Half of the stream: every run is still running.
        const half = scenario.stream.filter((m) => m.type !== 'runEnd' && !(m.type === 'status' && m.state === 'idle'));
        await page.evaluate((ms) => { for (const m of ms.slice(0, Math.floor(ms.length / 2))) window.postMessage(m, '*'); }, half);
        await settled(page);
        await page.waitForFunction(() => /running, at step \d+/.test(document.querySelector('#chart-summary-loss')?.textContent ?? ''));
        assert.doesNotMatch(await summary('loss'), /completed|diverged/);
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario.stream);
        await settled(page);
        const end = scenario.stream.filter((m) => m.type === 'runEnd') as Array<{ run: number; status: string; steps: number }>;
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
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario.stream);
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

describe('the panel and reduced motion (Chromium)', function () {
  this.timeout(120_000);
  let server: PanelServer | undefined;
  let browser: Browser;

  before(async () => {
    // No playback speed saved: the panel chooses one.
    server = await servePanel({ nonce: NONCE, initial: { preferences: {} } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function speedWith(reducedMotion: 'reduce' | 'no-preference'): Promise<{ speed: string; playing: boolean; shown: string; spin: string }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, reducedMotion });
    try {
      await fakeVsCode(page);
      await page.goto(`${server!.origin}/panel.html`);
      await page.waitForFunction(() => (window as unknown as Hooks).__probe.posted.some((m) => m.type === 'ready'));
      const scenario = buildScenario(a11yExperiment);
      await page.evaluate((m) => window.postMessage(m, '*'), scenario.init);
      await page.waitForSelector('.speed-select');
      // The status line's spinning icon while the host runs.
      await page.evaluate(() => window.postMessage({ type: 'status', state: 'running', stepsPerSecond: 100 }, '*'));
      await page.waitForSelector('.status-text .codicon-modifier-spin');
      return await page.evaluate(() => {
        const s = (window as unknown as { __optimizerPlayground: { state(): { playback: { speed: string; playing: boolean } } } }).__optimizerPlayground.state();
        return { speed: s.playback.speed, playing: s.playback.playing, shown: (document.querySelector('.speed-select') as HTMLElement & { value: string }).value,
          spin: getComputedStyle(document.querySelector('.status-text .codicon-modifier-spin')!).animationDuration };
      });
    } finally {
      await page.close();
    }
  }

  it('starts the playback at "instant" and stops spinning when the person asked for reduced motion', async () => {
    const reduced = await speedWith('reduce');
    assert.deepEqual({ speed: reduced.speed, playing: reduced.playing, shown: reduced.shown }, { speed: 'instant', playing: false, shown: 'instant' });
    assert.ok(parseFloat(reduced.spin) < 0.001, `no spinning: animation ${reduced.spin}`);
    const moving = await speedWith('no-preference');
    assert.equal(moving.speed, 'normal', 'otherwise the runs play');
    assert.ok(parseFloat(moving.spin) > 0.1, `the icon spins otherwise: ${moving.spin}`);
  });
});

/** What has the focus, as a person would name it: `button:Play`, `scrubber`, `table:loss`, `select:Playback speed`… */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return 'body';
    if (e.classList.contains('skip-link')) return 'skip-link';
    if (e.classList.contains('scrubber')) return 'scrubber';
    if (e.classList.contains('chart-table-toggle')) return `table:${e.closest('section')?.querySelector('.chart')?.getAttribute('data-chart')}`;
    if (e.classList.contains('formula-rule')) return 'update-rule';
    const name = e.getAttribute('aria-label') ?? (e as { label?: string }).label ?? e.textContent?.trim() ?? '';
    const kind = e.tagName === 'VSCODE-BUTTON' || e.tagName === 'VSCODE-TOOLBAR-BUTTON' ? 'button' : e.tagName === 'VSCODE-SINGLE-SELECT' ? 'select' : e.tagName.toLowerCase();
    return `${kind}:${name}`;
  });
}
