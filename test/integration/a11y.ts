/**
 * The panel for everyone (issue 15) inside a real VS Code (code-server under headless Chromium):
 * the playground opened from the palette, then in each of VS Code's Light Modern, Dark Modern and
 * High Contrast themes (set in the user's settings, which VS Code applies at once) axe-core runs
 * inside the panel's webview and must find nothing; from the panel's first control, the scrubber
 * and every chart are reached within ten Tab presses. Screenshots: test-results/a11y-vscode-*.png.
 * Run by scripts/test-integration.mjs (browser stage).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { describeViolations, runAxe } from '../webview/axe';
import { playgroundFrame, runCommand } from './browser';

export interface A11yContext {
  readonly page: Page;
  readonly resultsDir: string;
  /** The code-server's folder (its user settings are `user-data/User/settings.json` there). */
  readonly server: { readonly base: string };
}

/** VS Code's themes and the class each puts on the webview's <body>. */
const THEMES = [['Default Light Modern', 'vscode-light'], ['Default Dark Modern', 'vscode-dark'], ['Default High Contrast', 'vscode-high-contrast']] as const;

const hook = (frame: Frame, f: string): Promise<unknown> => frame.evaluate(`(async (h) => { ${f} })(window.__optimizerPlayground)`);

async function waitFor(frame: Frame, what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await frame.waitForTimeout(200);
  }
}

export async function checkAccessibilityInVsCode({ page, resultsDir, server }: A11yContext): Promise<void> {
  await runCommand(page, 'Optimizer Playground: Open Playground');
  const frame = await playgroundFrame(page);
  await waitFor(frame, 'the charts, the editor and the update rule', async () => (await hook(frame,
    'await h.settled(); return h.editorLoaded() && !!document.querySelector(".formula-rule [data-sym]") && document.querySelector("op-app")?.dataset.state === "idle";')) === true, 120_000);

  const settingsFile = path.join(server.base, 'user-data/User/settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  const report: string[] = [];
  for (const [theme, bodyClass] of THEMES) {
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': theme }, null, 2));
    const inTheme = (): Promise<boolean> => frame.evaluate((c) => document.body.classList.contains(c), bodyClass);
    if (!(await waitFor(frame, 'the settings file read', inTheme, 20_000).then(() => true, () => false))) {
      // A file watcher slow to report the change: choose the theme as a person does.
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input').fill(theme.replace(/^Default /, ''));
      await page.waitForTimeout(500);
      await page.keyboard.press('Enter');
    }
    await waitFor(frame, `the ${theme} theme in the webview`, inTheme);
    // The charts are embedded again in the theme's colours.
    await hook(frame, 'await new Promise((r) => setTimeout(r, 300)); await h.settled();');
    const violations = await runAxe(frame);
    await page.screenshot({ path: path.join(resultsDir, `a11y-vscode-${bodyClass}.png`) });
    report.push(`${theme}: ${violations.length} axe violations`);
    assert.equal(violations.length, 0, `axe-core inside VS Code, ${theme}:\n${describeViolations(violations)}`);
  }

  // From the panel's first control (the skip link), Tab by Tab.
  await frame.focus('.skip-link');
  const seen: string[] = ['skip-link'];
  for (let i = 0; i < 12 && !seen.some((s) => s === 'table:gradNorm'); i++) {
    await page.keyboard.press('Tab');
    seen.push(await frame.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return 'body';
      if (e.classList.contains('scrubber')) return 'scrubber';
      if (e.classList.contains('chart-table-toggle')) return `table:${e.closest('section')?.querySelector('.chart')?.getAttribute('data-chart')}`;
      return `${e.tagName.toLowerCase()}:${e.getAttribute('aria-label') ?? e.textContent?.trim() ?? ''}`;
    }));
  }
  const at = (name: string): number => seen.indexOf(name) + 1;
  report.push(`tab order in VS Code: ${seen.map((s, i) => `${i + 1} ${s}`).join(', ')}`);
  for (const target of ['scrubber', 'table:loss', 'table:paths', 'table:lr', 'table:gradNorm']) {
    assert.ok(at(target) > 0 && at(target) <= 10, `${target} within ten Tab presses in VS Code: ${seen.join(', ')}`);
  }
  console.log(`  ${report.join('\n  ')}`);
}
