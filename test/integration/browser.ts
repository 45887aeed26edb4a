/**
 * The panel driven as a person would, in a real VS Code (code-server) under headless Chromium:
 * command palette → "Open Playground" → choose Rosenbrock → Adam and SGD with momentum → Run; the
 * charts must hold the streamed points (read from the Vega views in the webview frame through the
 * panel's debug hook) and they must be the engine's; a screenshot goes to test-results/. Then the
 * window reloads and the serializer must revive the panel with the same runs.
 * Run by scripts/test-integration.mjs (not by mocha: it drives the browser from outside VS Code).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { validateExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { RunnerEvent } from '../../src/engine/types';
import { validatePanelExperiment } from '../../src/extension/convert';
import type { PanelExperiment } from '../../src/protocol';
import { hook as panelHook, playgroundFrame, runCommand, waitFor } from './workbench';

export interface WorkbenchContext {
  readonly page: Page;
  readonly resultsDir: string;
}

interface Hook {
  experiment(): PanelExperiment;
  data(chart: string, source: string): Record<string, unknown>[];
  settled(): Promise<unknown>;
  pointCount(): number;
}
// Where bench/vscode.ts and older callers import them from.
export { playgroundFrame, runCommand };

/** Evaluates `f` in the webview with the panel's debug hook; `arg` is passed as JSON (closures do not travel). */
const hook = <T, A = undefined>(frame: Frame, f: (h: Hook, arg: A) => T | Promise<T>, arg?: A): Promise<T> => panelHook<T, Hook, A>(frame, f, arg);

/** Picks an option of a VS Code single-select by its visible text. */
async function choose(frame: Frame, selectCss: string, optionText: string): Promise<void> {
  const select = frame.locator(selectCss).first();
  await select.click();
  const option = frame.locator(`${selectCss} li.option, ${selectCss} .option`, { hasText: optionText }).first();
  if (await option.count()) await option.click();
  else {
    await frame.page().keyboard.type(optionText);
    await frame.page().keyboard.press('Enter');
  }
}

/** The final loss of each run, from the engine in this process. */
function engineFinalLoss(e: PanelExperiment): number[] {
  const checked = validatePanelExperiment(e, validateExperiment);
  if (!checked.ok) throw new Error(`the panel's experiment is invalid: ${JSON.stringify(checked.issues)}`);
  const problem = getProblem('rosenbrock')!;
  const runner = new Runner(checked.experiment, problem.objective(), checked.experiment.init ?? problem.init);
  const last: number[] = [];
  while (!runner.finished) {
    for (const ev of runner.advance(100_000) as RunnerEvent[]) {
      if (ev.type === 'points') for (const b of ev.batches) last[b.run] = b.loss[b.count - 1];
    }
  }
  return last;
}

export async function drivePanelAsAPerson({ page, resultsDir }: WorkbenchContext): Promise<void> {
  await runCommand(page, 'Optimizer Playground: Open Playground');
  let frame = await playgroundFrame(page);

  // Rosenbrock, then exactly Adam and SGD with momentum 0.9.
  await choose(frame, 'vscode-single-select.loss-select, .loss-select vscode-single-select', 'Rosenbrock');
  await waitFor('the Rosenbrock preset', () => hook(frame, (h) => JSON.stringify(h.experiment()?.loss) === '{"preset":"rosenbrock"}'));
  for (let n = await hook(frame, (h) => h.experiment()?.runs.length ?? 0); n > 0; n--) {
    await frame.locator('.run-card').first().locator('vscode-toolbar-button[title="Remove run"]').click();
  }
  await waitFor('an empty run list', () => hook(frame, (h) => h.experiment()?.runs.length === 0));
  await frame.locator('vscode-button.add-run').click();   // Adam (the first optimizer not in the list)
  await frame.locator('vscode-button.add-run').click();   // SGD
  await waitFor('two runs', () => hook(frame, (h) => h.experiment()?.runs.map((r) => r.optimizer).join() === 'adam,sgd'));
  await frame.locator('vscode-textfield[data-path="runs[1].momentum"]').locator('input').fill('0.9');
  await frame.locator('vscode-textfield[data-path="runs[0].lr"]').locator('input').fill('0.05');
  await frame.locator('vscode-textfield[data-path="runs[1].lr"]').locator('input').fill('0.0005');
  await waitFor('momentum 0.9', () => hook(frame, (h) => h.experiment()?.runs[1]?.hyperparameters.momentum === 0.9));
  // The edits re-run the experiment; once the host is idle, run it once more from the toolbar.
  await waitFor('the host idle', () => frame.evaluate(() => document.querySelector('.status-text')?.getAttribute('data-state') === 'idle'));
  await frame.locator('.toolbar vscode-button.run-button').click();

  const experiment = await hook(frame, (h) => h.experiment());
  const steps = experiment.steps;
  // The charts may still show the experiment before the edits (the host re-runs only after the last
  // edit's pause): wait for the two runs' points, every one.
  await waitFor('every streamed point in the charts', () =>
    hook(frame, async (h, n) => { await h.settled(); const rows = h.data('loss', 'points'); return rows.length === n && rows.every((r) => (r.run as number) < 2); }, 2 * (steps + 1)), 90_000);
  const rows = await hook(frame, (h) => h.data('loss', 'points')) as { run: number; step: number; loss: number }[];
  assert.equal(rows.length, 2 * (steps + 1), 'one row per step per run in the loss chart');
  const expected = engineFinalLoss(experiment);
  for (const run of [0, 1]) {
    const last = rows.filter((r) => r.run === run).sort((a, b) => a.step - b.step).pop()!;
    assert.equal(last.step, steps);
    assert.equal(last.loss, expected[run], `run ${run}: the chart's last loss is the engine's`);
  }
  // The paths chart is embedded again when the surface arrives (a layout change): wait for it to settle.
  const paths = await waitFor('the paths chart', () =>
    hook(frame, async (h, n) => { await h.settled(); const k = h.data('paths', 'points').length; return k === n ? k : 0; }, 2 * (steps + 1)), 30_000)
    .catch(async () => hook(frame, (h) => h.data('paths', 'points').length));
  assert.equal(paths, 2 * (steps + 1), 'the paths chart holds the same points');
  const surface = await hook(frame, (h) => h.data('paths', 'surface').length);
  assert.ok(surface > 0, 'the loss surface is drawn under the paths');
  // The loss editor (loaded after the first plotted point) is styled: gutter beside the code, and
  // the first line of code at the top of the box (unstyled, the lines stacked under the gutter).
  const editor = await frame.evaluate(() => {
    const gutters = document.querySelector('.loss-editor .cm-gutters');
    const box = document.querySelector('.loss-editor')?.getBoundingClientRect();
    const line = document.querySelector('.loss-editor .cm-line')?.getBoundingClientRect();
    return { gutters: gutters ? getComputedStyle(gutters).display : null, offset: box && line ? line.top - box.top : null };
  });
  assert.equal(editor.gutters, 'flex', 'CodeMirror\'s styles apply to the loss editor');
  assert.ok(editor.offset !== null && editor.offset < 20, `the first line of code is at the top of the editor (${editor.offset} px down)`);
  await frame.evaluate(() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; }); });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(resultsDir, 'browser.png') });
  console.log(`  charts: ${rows.length} loss rows, ${paths} path rows, ${surface} surface cells; final losses ${expected.map((x) => x.toExponential(3)).join(', ')}`);

  // Reload the window: the serializer revives the panel with its runs and settings.
  await page.reload();
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  frame = await playgroundFrame(page, 90_000);
  const revived: PanelExperiment = await waitFor("the revived experiment", () => hook(frame, (h) => {
    const e = h.experiment();
    return e?.runs.length === 2 ? e : (undefined as unknown as PanelExperiment);
  }));
  assert.deepEqual(revived.runs.map((r) => [r.optimizer, r.hyperparameters.momentum ?? null]), [['adam', experiment.runs[0].hyperparameters.momentum ?? null], ['sgd', 0.9]]);
  assert.deepEqual(revived.loss, { preset: 'rosenbrock' });
  await waitFor('points after the revival', () => hook(frame, async (h) => { await h.settled(); return h.data('loss', 'points').length > 0; }));
  await page.screenshot({ path: path.join(resultsDir, 'browser-revived.png') });
}

/**
 * The packaged extension (installed from the .vsix): the panel opens and runs. A user's panel has
 * no test hooks, so this reads what a person sees: the loss picked, the loss chart drawn, and the
 * playback at the last step of the runs.
 */
export async function runPackagedExtension({ page, resultsDir }: WorkbenchContext): Promise<void> {
  await runCommand(page, 'Optimizer Playground: Open Preset…');
  // The preset quick pick opens once the extension activated: wait for its placeholder, then type.
  const input = page.locator('.quick-input-widget input[placeholder="A built-in loss to optimize"]');
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  await input.fill('Himmelblau');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Himmelblau' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  let frame: Frame | undefined;
  const end = Date.now() + 60_000;
  while (!frame) {
    for (const f of page.frames()) {
      if (await f.evaluate(() => !!document.querySelector('op-app')).catch(() => false)) frame = f;
    }
    if (!frame && Date.now() > end) throw new Error('the playground webview did not appear');
    if (!frame) await page.waitForTimeout(200);
  }
  const f = frame;
  assert.equal(await f.evaluate(() => '__optimizerPlayground' in window), false, 'no test hooks in a user\'s panel');
  await waitFor('the Himmelblau preset', () => f.evaluate(() =>
    (document.querySelector('.loss-select vscode-single-select') as (HTMLElement & { value?: string }) | null)?.value === 'preset:himmelblau'));
  await waitFor('the loss chart drawn', () => f.evaluate(() => !!document.querySelector('.chart[data-chart="loss"] canvas')));
  const label = await waitFor('the playback at the last step', () => f.evaluate(() => {
    const m = /^step ([\d,]+) \/ ([\d,]+)$/.exec(document.querySelector('.scrub-label')?.textContent ?? '');
    return m && m[1] === m[2] && m[1] !== '0' ? m[0] : '';
  }), 90_000);
  console.log(`  vsix: ${label}`);
  await page.screenshot({ path: path.join(resultsDir, 'vsix.png') });
}
