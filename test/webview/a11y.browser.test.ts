/**
 * The panel for everyone (issue 15), in Chromium in VS Code's Light, Dark and High Contrast colours
 * (a11yPanel.ts): axe-core finds no violation (with a refused value and an error shown too); every
 * path stands out from the loss surface at ≥ 3:1, measured on the rendered chart's pixels; reduced
 * motion starts the playback at "instant" and stops the spinning icon. The keyboard and screen
 * readers: keyboard.browser.test.ts. Screenshots: test-results/a11y-*.png.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { repoPath } from '../repoRoot';
import { describeViolations, runAxe } from './axe';
import { a11yExperiment, startA11yPanels, THEMES, type A11yPanels } from './a11yPanel';
import { settled } from './pageServer';

describe('the panel for everyone: axe-core and contrast in three themes (Chromium)', function () {
  this.timeout(120_000);
  let panels: A11yPanels;
  const scenario = (): A11yPanels['scenario'] => panels.scenario;
  const openPanel = (theme: string, o?: Parameters<A11yPanels['open']>[1]): Promise<Page> => panels.open(theme, o);
  before(async () => { panels = await startA11yPanels(); });
  after(async () => { await panels?.close(); });

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
        await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario().stream);
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

});

describe('the panel and reduced motion (Chromium)', function () {
  this.timeout(120_000);
  let panels: A11yPanels;
  // No playback speed saved: the panel chooses one.
  before(async () => { panels = await startA11yPanels({ preferences: {} }); });
  after(async () => { await panels?.close(); });

  async function speedWith(reducedMotion: 'reduce' | 'no-preference'): Promise<{ speed: string; playing: boolean; shown: string; spin: string }> {
    const page = await panels.blank('vscode-dark', reducedMotion);
    try {
      await page.evaluate((m) => window.postMessage(m, '*'), panels.scenario.init);
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
