/**
 * The run list in the real panel (the webview bundle in Chromium, test/webview/pageServer.ts):
 * structural edits — an applied experiment, duplicate, remove, a run's optimizer, enable/disable,
 * add — show the right cards, each with its optimizer and every hyperparameter (defaults marked)
 * under the right field paths `runs[i]…`; the cards are keyed by run (Lit's `repeat`), so a card
 * stays the same element as long as its run is there (its focus, text and refused value stay,
 * under its new path if it moved).
 *
 * The bundle is dist/webview.js (`npm run build`), or the folder in OP_WEBVIEW_DIR (a private
 * build: `webview.js` and its `chunks/`); Chromium at /usr/bin/chromium or CHROMIUM_PATH.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { OPTIMIZERS, optimizerSpec } from '../../src/engine/hyperparameters';
import type { PanelExperiment } from '../../src/protocol';
import { duplicateRun, removeRun, runLabel, setOptimizer, toggleRun } from '../../src/webview/experimentDraft';
import { formatNumber } from '../../src/webview/fieldValidation';
import { repoPath } from '../repoRoot';
import { fakeVsCode, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario, fourRuns } from './scenario';

const NONCE = 'runlistnonce0123456789';
const BUNDLE_DIR = process.env.OP_WEBVIEW_DIR;

const oneRun: PanelExperiment = {
  ...fourRuns, title: 'one run', steps: 50,
  runs: [{ label: 'Adagrad η=0.01', optimizer: 'adagrad', hyperparameters: { lr: 0.01 } }],
};
const four: PanelExperiment = { ...fourRuns, steps: 50 };

/** What a card shows, read from the page. */
interface CardState {
  run: number;
  hidden: boolean;
  optimizer: string;
  enabled: boolean;
  disabledLook: boolean;
  /** Text of every text field and state of every checkbox, by `data-path`. */
  fields: Record<string, string | boolean>;
  /** Paths whose "default" mark shows. */
  defaults: string[];
}

/** What the cards of `exp` must show (sweep fields empty). */
function expected(exp: PanelExperiment): Array<Omit<CardState, 'hidden'>> {
  return exp.runs.map((run, i) => {
    const fields: Record<string, string | boolean> = { [`runs[${i}].label`]: runLabel(exp, i) };
    const defaults: string[] = [];
    for (const spec of optimizerSpec(run.optimizer)!.hyperparameters) {
      const own = run.hyperparameters[spec.name];
      const value = own ?? spec.default;
      const path = `runs[${i}].${spec.name}`;
      if (spec.kind === 'boolean') fields[path] = value === true;
      else if (spec.kind === 'betas') {
        const pair = value as readonly [number, number];
        fields[`${path}[0]`] = formatNumber(pair[0]);
        fields[`${path}[1]`] = formatNumber(pair[1]);
      } else fields[path] = formatNumber(value as number);
      // Marked while the value is the default, set or not (as experimentDraft runHyperparameters says).
      if (JSON.stringify(value) === JSON.stringify(spec.default)) defaults.push(spec.kind === 'betas' ? `${path}[0]` : path);
    }
    fields[`runs[${i}].sweep`] = '';
    return { run: i, optimizer: run.optimizer, enabled: run.enabled !== false, disabledLook: run.enabled === false, fields, defaults: defaults.sort() };
  });
}

describe('run list in Chromium: structural edits keep unchanged cards and every field path right', function () {
  this.timeout(60_000);
  let server: PanelServer | undefined;
  let browser: ChromiumSession;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    const dir = BUNDLE_DIR ?? repoPath('dist');
    assert.ok(existsSync(join(dir, 'webview.js')), `${join(dir, 'webview.js')} is missing: run \`npm run build\` first (or set OP_WEBVIEW_DIR)`);
    server = await servePanel({ nonce: NONCE, ...(BUNDLE_DIR ? { bundleDir: BUNDLE_DIR } : {}) });
    browser = await chromiumSession();
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await fakeVsCode(page);
    await page.goto(`${server.origin}/panel.html`);
    await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.some((m) => m.type === 'ready'));
    await page.evaluate((m) => window.postMessage(m, '*'), buildScenario(oneRun, 50).init);
    await settled(page);
    await complete();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Resolves once the panel has rendered what it was given (Lit renders in a microtask; the hook waits a frame). */
  const complete = (): Promise<void> => settled(page);

  const cards = (): Promise<CardState[]> => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.run-list .run-card')].map((card) => {
    const fields: Record<string, string | boolean> = {};
    const defaults: string[] = [];
    for (const e of card.querySelectorAll<HTMLElement & { value: string; checked: boolean }>('[data-path]')) {
      const path = e.getAttribute('data-path')!;
      fields[path] = e.tagName === 'VSCODE-CHECKBOX' ? e.checked : e.value;
      const mark = e.closest('.field')?.querySelector<HTMLElement>('.field-suffix');
      if (mark && !mark.hidden) defaults.push(path);
    }
    return {
      run: Number(card.dataset.run), hidden: card.hidden,
      optimizer: card.querySelector<HTMLElement & { value: string }>('.run-optimizer')!.value,
      enabled: card.querySelector<HTMLElement & { checked: boolean }>('.run-header > vscode-checkbox')!.checked,
      disabledLook: card.classList.contains('disabled'),
      fields, defaults: defaults.sort(),
    };
  }));

  /** Asserts the cards show `exp` and the panel holds it. */
  async function assertShows(exp: PanelExperiment, what: string): Promise<void> {
    await complete();
    const shown = await cards();
    assert.ok(shown.every((c) => !c.hidden), `${what}: every card shown`);
    assert.deepEqual(shown.map(({ hidden: _, ...c }) => c), expected(exp), `${what}: the cards`);
    const held = await page.evaluate(() => (window as unknown as { __optimizerPlayground: { experiment(): PanelExperiment } }).__optimizerPlayground.experiment());
    assert.deepEqual(held.runs, exp.runs, `${what}: the panel's experiment`);
  }

  /** Tags every card element with its position now; `tags()` reads them back (undefined: a new element). */
  const tag = (): Promise<void> => page.evaluate(() => {
    document.querySelectorAll('.run-list .run-card').forEach((c, k) => { (c as unknown as { __tag: number }).__tag = k; });
  });
  const tags = (): Promise<Array<number | null>> => page.evaluate(() => [...document.querySelectorAll('.run-list .run-card')]
    .map((c) => (c as unknown as { __tag?: number }).__tag ?? null));

  const lastPosted = async (): Promise<PanelExperiment> => {
    const posted = (await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted)).filter((m) => m.type === 'editExperiment');
    return posted[posted.length - 1]!.experiment as PanelExperiment;
  };

  let exp = oneRun;

  it('shows 1 run, then the 4 of an experiment from the host, each with its optimizer and every hyperparameter (defaults marked)', async () => {
    await assertShows(oneRun, 'one run');
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'experiment', experiment: four });
    exp = four;
    await assertShows(exp, '1 → 4 runs');
  });

  it('duplicates run 2: the new card after it, the others the same elements, the focus where it was', async () => {
    await tag();
    const button = page.locator('.run-card[data-run="1"] vscode-toolbar-button[icon="copy"]');
    await button.click();
    exp = duplicateRun(exp, 1);
    await assertShows(exp, 'after duplicating run 2');
    assert.deepEqual(await tags(), [0, 1, null, 2, 3], 'the duplicate is new; every other card is the element it was');
    assert.ok(await page.evaluate(() => document.activeElement?.closest('.run-card')?.getAttribute('data-run') === '1'
      && document.activeElement.getAttribute('icon') === 'copy'), 'the focus stays on the button that was pressed');
    assert.deepEqual((await lastPosted()).runs, exp.runs, 'the edit was posted');
  });

  it('removes run 1: the cards after it move up with their field paths', async () => {
    await tag();
    await page.locator('.run-card[data-run="0"] vscode-toolbar-button[icon="trash"]').click();
    exp = removeRun(exp, 0);
    await assertShows(exp, 'after removing run 1');
    assert.deepEqual(await tags(), [1, 2, 3, 4], 'the remaining cards are the elements they were');
    assert.ok(await page.evaluate(() => document.activeElement?.closest('.run-card')?.getAttribute('data-run') === '0'
      && document.activeElement.getAttribute('icon') === 'trash'), 'the focus goes to the same button of the card now in its place');
    assert.deepEqual((await lastPosted()).runs, exp.runs);
  });

  it('changes run 3\'s optimizer: the same card shows the new optimizer\'s hyperparameters, the focus stays on its select', async () => {
    await tag();
    await page.evaluate(async () => {
      const select = document.querySelector<HTMLElement & { value: string }>('.run-card[data-run="2"] .run-optimizer')!;
      select.focus();
      await new Promise((resolve) => setTimeout(resolve, 0));
      select.value = 'adamw';
      select.dispatchEvent(new Event('change'));
    });
    exp = setOptimizer(exp, 2, 'adamw');
    await assertShows(exp, 'after changing run 3\'s optimizer');
    assert.deepEqual(await tags(), [0, 1, 2, 3], 'every card is the element it was (keyed by its run)');
    assert.ok(await page.evaluate(() => document.activeElement === document.querySelector('.run-card[data-run="2"] .run-optimizer')),
      'the focus is on the optimizer select of the card');
  });

  it('disables and enables a run in place', async () => {
    await tag();
    await page.locator('.run-card[data-run="3"] .run-header > vscode-checkbox').click();
    exp = toggleRun(exp, 3, false);
    await assertShows(exp, 'after disabling run 4');
    assert.deepEqual(await tags(), [0, 1, 2, 3], 'disabling builds nothing');
    assert.equal((await lastPosted()).runs[3]!.enabled, false);
    await page.locator('.run-card[data-run="3"] .run-header > vscode-checkbox').click();
    exp = toggleRun(exp, 3, true);
    await assertShows(exp, 'after enabling run 4 again');
    assert.deepEqual(await tags(), [0, 1, 2, 3]);
  });

  it('lists every optimizer when a person opens a card\'s optimizer dropdown, and takes the one picked', async () => {
    await tag();
    const select = page.locator('.run-card[data-run="1"] .run-optimizer');
    await select.click();
    const options = select.locator('li[role="option"]');
    await page.waitForFunction(() => document.querySelector('.run-card[data-run="1"] .run-optimizer')?.hasAttribute('open'));
    assert.deepEqual(await options.allTextContents().then((t) => t.map((x) => x.trim())), OPTIMIZERS.map((o) => o.name), 'every optimizer, in the registry\'s order');
    await options.filter({ hasText: /^\s*RMSprop\s*$/ }).click();
    exp = setOptimizer(exp, 1, 'rmsprop');
    await assertShows(exp, 'after picking RMSprop for run 2');
    assert.deepEqual(await tags(), [0, 1, 2, 3]);
    await page.waitForTimeout(300);
    assert.deepEqual(pageErrors, [], 'no page error');
  });

  it('takes an optimizer chosen with the keyboard (focus, Enter, ↓, Enter) and keeps the focus on the select', async () => {
    await tag();
    const before = exp.runs[0]!.optimizer;
    const following = OPTIMIZERS[OPTIMIZERS.findIndex((o) => o.id === before) + 1]!.id;
    await page.locator('.run-card[data-run="0"] .run-optimizer').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    exp = setOptimizer(exp, 0, following);
    await assertShows(exp, `after choosing ${following} for run 1 with the keyboard`);
    assert.deepEqual(await tags(), [0, 1, 2, 3]);
    await page.waitForFunction(() => document.activeElement === document.querySelector('.run-card[data-run="0"] .run-optimizer'));
    assert.deepEqual(pageErrors, [], 'no page error');
  });

  it('keeps a refused value refused in place, with the reason, in a card that is kept and moves', async () => {
    const messages = (): Promise<Record<string, string>> => page.evaluate(() => (window as unknown as { __optimizerPlayground: { fieldMessages(): Record<string, string> } })
      .__optimizerPlayground.fieldMessages());
    await page.locator('vscode-textfield[data-path="runs[1].lr"] input').fill('-1');
    await page.waitForFunction(() => document.querySelector('vscode-textfield[data-path="runs[1].lr"]')?.hasAttribute('invalid'));
    assert.match((await messages())['runs[1].lr'] ?? '', /lr must be a number ≥ 0, got -1/);

    await tag();
    await page.locator('.add-run').click();
    await complete();
    assert.equal((await tags()).length, 5);
    assert.deepEqual((await tags()).slice(0, 4), [0, 1, 2, 3], 'adding a run keeps the cards there');
    const refused = page.locator('.run-card[data-run="1"] vscode-textfield[data-path="runs[1].lr"]');
    assert.equal(await refused.evaluate((e) => (e as HTMLInputElement).value), '-1', 'the refused text stays');
    assert.equal(await refused.evaluate((e) => e.hasAttribute('invalid')), true);
    assert.match(await page.locator('.run-card[data-run="1"] .field.invalid .field-message').first().textContent() ?? '', /lr must be a number ≥ 0, got -1/);

    await page.locator('.run-card[data-run="0"] vscode-toolbar-button[icon="trash"]').click();
    await complete();
    assert.deepEqual(await tags(), [1, 2, 3, null], 'the cards moved up');
    const moved = page.locator('.run-card[data-run="0"] vscode-textfield[data-path="runs[0].lr"]');
    assert.equal(await moved.evaluate((e) => (e as HTMLInputElement).value), '-1');
    assert.equal(await moved.evaluate((e) => e.hasAttribute('invalid')), true);
    const shown = await messages();
    assert.match(shown['runs[0].lr'] ?? '', /lr must be a number ≥ 0, got -1/, 'the reason follows the field to its new path');
    assert.equal(shown['runs[1].lr'], undefined, 'and is not left at the old one');

    await moved.locator('input').fill('0.02');
    await page.waitForFunction(() => !document.querySelector('vscode-textfield[data-path="runs[0].lr"]')?.hasAttribute('invalid'));
    const posted = await lastPosted();
    assert.equal(posted.runs.length, 4);
    assert.equal(posted.runs[0]!.hyperparameters.lr, 0.02, 'the edit lands on the run the card now stands for');
    assert.deepEqual(await messages(), {});
    assert.deepEqual(pageErrors, [], 'no page error');
  });
});
