/**
 * The panel for everyone (issue 15) inside a real VS Code (code-server under headless Chromium):
 * the playground opened from the palette, then in each of VS Code's Light Modern, Dark Modern and
 * High Contrast themes (workbench.ts `setColorTheme`) axe-core runs inside the panel's webview and
 * must find nothing; from the panel's first control, the scrubber and every chart are reached within
 * ten Tab presses. Screenshots: test-results/a11y-vscode-*.png.
 * Run by scripts/test-integration.mjs (a11y stage), not by mocha.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describeViolations, runAxe } from '../webview/axe';
import { COLOR_THEMES, hook, playgroundFrame, runCommand, setColorTheme, waitFor, type ColorThemeKind } from './workbench';
import type { Page } from 'playwright-core';

export interface A11yContext {
  readonly page: Page;
  readonly resultsDir: string;
  readonly server: { readonly workspace: string };
}

interface Hook { settled(): Promise<void>; editorLoaded(): boolean }

export async function checkAccessibilityInVsCode({ page, resultsDir, server }: A11yContext): Promise<void> {
  await runCommand(page, 'Optimizer Playground: Open Playground');
  const frame = await playgroundFrame(page);
  await waitFor('the charts, the editor and the update rule', () => hook(frame, async (h: Hook) => {
    await h.settled();
    return h.editorLoaded() && !!document.querySelector('.formula-rule [data-sym]') && (document.querySelector('op-app') as HTMLElement | null)?.dataset.state === 'idle';
  }), 120_000);

  const report: string[] = [];
  for (const kind of ['light', 'dark', 'highContrast'] as ColorThemeKind[]) {
    const { id, webview } = COLOR_THEMES[kind];
    await setColorTheme(page, server.workspace, kind);
    // What the webview sees: VS Code's class for the theme's kind on its <body>.
    await waitFor(`the ${id} theme in the webview`, () => frame.evaluate((c) => document.body.classList.contains(c), webview), 30_000);
    // The charts are embedded again in the theme's colours.
    await hook(frame, async (h: Hook) => { await new Promise((r) => setTimeout(r, 300)); await h.settled(); });
    const violations = await runAxe(frame);
    await page.screenshot({ path: path.join(resultsDir, `a11y-vscode-${webview}.png`) });
    report.push(`${id}: ${violations.length} axe violations`);
    assert.equal(violations.length, 0, `axe-core inside VS Code, ${id}:\n${describeViolations(violations)}`);
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
