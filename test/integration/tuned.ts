/**
 * Compare Optimizers… → Tuned in a real VS Code (code-server under headless Chromium), as a person
 * picks it from the palette: the three optimizers it offers, "Tuned", "Replace the current runs".
 * The webview's sensitivity chart must fill in (every grid point of every optimizer, from the
 * host's `tuning` messages), then the panel must play each optimizer at its tuned η beside its run
 * as written (a ghost, in its colour), every run streamed into the loss chart. Runs in the browser
 * stage's workbench after drivePanelAsAPerson (no code-server of its own): a tuning of 3 × 33
 * configurations of 300 steps, a few seconds. Saves test-results/browser-tuned.png.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { PanelExperiment } from '../../src/protocol';
import type { WorkbenchContext } from './browser';
import { hook as panelHook, playgroundFrame, runCommand, waitFor } from './workbench';

interface Hook {
  experiment(): PanelExperiment;
  data(chart: string, source: string): Record<string, unknown>[];
  settled(): Promise<unknown>;
}
const hook = <T, A = undefined>(frame: Frame, f: (h: Hook, arg: A) => T | Promise<T>, arg?: A): Promise<T> => panelHook<T, Hook, A>(frame, f, arg);

/** Accepts the open quick pick's row that reads `label` (typed into its filter first when it is not the focused row). */
async function pick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name').getByText(label, { exact: true }) }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

export async function compareTunedAsAPerson({ page, resultsDir }: WorkbenchContext): Promise<void> {
  await runCommand(page, 'Optimizer Playground: Compare Optimizers…');
  // The optimizers: gradient descent, momentum and Adam come picked; Enter accepts them.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Adam' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await pick(page, 'Tuned');
  await pick(page, 'Replace the current runs');

  const frame = await playgroundFrame(page);
  // The sensitivity chart fills in: every grid point of the three optimizers (32 η each), once the tuning is done.
  const points = await waitFor('the sensitivity chart filled in', () => frame.evaluate(async () => {
    const card = document.querySelector('op-tuning') as unknown as { settled(): Promise<void>; rows(c: string): { kind: string; run: number }[] } | null;
    if (!card || !/Tuned:/.test(document.querySelector('op-tuning .tuning-progress')?.textContent ?? '')) return 0;
    await card.settled();
    return card.rows('sensitivity').filter((r) => r.kind === 'point').length;
  }), 120_000);
  assert.equal(points, 3 * 32, 'a point per η per optimizer');

  // The tuned comparison: each optimizer at its tuned η, then each as written (a ghost of its run, by index).
  const compared = await waitFor('the tuned comparison', () => hook(frame, (h) => {
    const e = h.experiment();
    return e?.runs.length === 6 && e.runs.slice(3).every((r) => r.ghost) ? e : (undefined as unknown as PanelExperiment);
  }), 60_000);
  assert.deepEqual(compared.runs.map((r) => r.optimizer), ['gd', 'momentum', 'adam', 'gd', 'momentum', 'adam']);
  assert.deepEqual(compared.runs.slice(3).map((r) => r.ghostOf), [0, 1, 2], 'each run as written is its tuned run\'s ghost');
  for (let i = 0; i < 3; i++) {
    assert.notEqual(compared.runs[i]!.hyperparameters.lr, compared.runs[i + 3]!.hyperparameters.lr, `${compared.runs[i]!.optimizer}: tuned η differs from the one as written`);
  }
  const steps = compared.steps;
  await waitFor('all six runs in the loss chart', () => hook(frame, async (h, n) => {
    await h.settled();
    const rows = h.data('loss', 'points');
    return new Set(rows.map((r) => r.run)).size === 6 && rows.length === n;
  }, 6 * (steps + 1)), 90_000);
  await frame.evaluate(() => document.querySelector('op-tuning .chart-tuning')?.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(resultsDir, 'browser-tuned.png') });
  console.log(`  tuned: ${points} sensitivity points; η ${compared.runs.slice(0, 3).map((r) => `${r.optimizer} ${r.hyperparameters.lr}`).join(', ')}`);
}
