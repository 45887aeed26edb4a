/**
 * The panel page the accessibility tests drive in Chromium (a11y.browser.test.ts, keyboard.browser.test.ts),
 * opened as panel.browser.test.ts opens it (pageServer.ts `openPanelPage`):
 * the real webview bundle under its CSP, a fake VS Code API and one of VS Code's themes
 * (test/webview/fixtures/vscode-theme.css), fed an experiment the engine computed: three runs on
 * Rosenbrock, the last one diverging.
 *
 * Needs `npm run build` first (dist/webview.js) and /usr/bin/chromium.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromiumSession } from '../chromium';
import type { PanelExperiment } from '../../src/protocol';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario, type Scenario } from './scenario';

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

export type Hooks = { __optimizerPlayground: { settled(): Promise<void>; editorLoaded(): boolean; state(): { view: { selectedRun: number } } }; __probe: PageProbe };

export interface A11yPanels {
  readonly scenario: Scenario;
  /** A panel in `theme` that has received the scenario (`stream: false`: its `init` only) and drawn it, editor and update rule loaded. */
  open(theme: string, o?: { reducedMotion?: boolean; stream?: boolean; height?: number }): Promise<Page>;
  /** A page with the panel and nothing sent to it yet. */
  blank(theme: string, reducedMotion: 'reduce' | 'no-preference'): Promise<Page>;
  close(): Promise<void>;
}

/** A page server and a browser; `initial`: what the host writes into the page (servePanel). */
export async function startA11yPanels(initial?: unknown): Promise<A11yPanels> {
  assert.ok(existsSync(repoPath('dist/webview.js')), 'dist/webview.js is missing: run `npm run build` first');
  mkdirSync(repoPath('test-results'), { recursive: true });
  const server: PanelServer = await servePanel({ nonce: NONCE, initial });
  const browser = await chromiumSession();
  const scenario = buildScenario(a11yExperiment);
  assert.ok(scenario.stream.some((m) => m.type === 'runEnd' && m.status === 'diverged'), 'the scenario has a diverging run');
  const blank = (theme: string, reducedMotion: 'reduce' | 'no-preference', height = 1000): Promise<Page> =>
    openPanelPage(browser, server, { theme, page: { viewport: { width: 1440, height }, reducedMotion } });
  return {
    scenario,
    blank: (theme, reducedMotion) => blank(theme, reducedMotion),
    async open(theme, o = {}) {
      const page = await blank(theme, o.reducedMotion ? 'reduce' : 'no-preference', o.height);
      await page.evaluate((m) => window.postMessage(m, '*'), scenario.init);
      if (o.stream !== false) await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, scenario.stream);
      await settled(page);
      await page.waitForFunction(() => (window as unknown as Hooks).__optimizerPlayground.editorLoaded() && !!document.querySelector('.formula-rule [data-sym]'));
      await settled(page);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
/** What has the focus, as a person would name it: `button:Play`, `scrubber`, `table:loss`, `select:Playback speed`… */
export async function focusedName(page: Page): Promise<string> {
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

