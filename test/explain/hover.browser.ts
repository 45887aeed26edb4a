/**
 * Hovers as a person sees them, in a real VS Code (code-server) under headless Chromium: opens a
 * Python file that creates `torch.optim.Adam(...)`, a Markdown file with LaTeX and prose, and an
 * experiment file with every optimizer; moves the mouse over `Adam`, `lr`, `weight_decay`,
 * `\hat{m}_t`, Adam and η in prose and every optimizer's name; checks that the hover shows the
 * formula image (the SVG `data:` image has loaded and has a size) beside its words and that the
 * image holding the θ update line ends inside the hover's visible box (measured; figures in
 * test-results/explain/hover-update-lines.json), in the light and the dark theme, and saves
 * screenshots to test-results/explain/.
 * Not a mocha test: it drives the workbench from outside. Call it with a workbench page, e.g. from
 * scripts/test-integration.mjs's `withWorkbench(browser, 'hovers', screenshotHovers)`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { openFile as openFromQuickOpen, setColorTheme } from '../integration/workbench';

export interface HoverContext {
  readonly page: Page;
  readonly resultsDir: string;
  readonly server: { readonly workspace: string };
}

const PYTHON = 'import torch\n\nmodel = torch.nn.Linear(2, 1)\nopt = torch.optim.Adam(model.parameters(), lr=0.1, betas=(0.9, 0.999), weight_decay=0.01)\n';
const MARKDOWN = '# Bias correction\n\n$$\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^t}$$\n\nAdam divides the step by √v̂ₜ; its learning rate η is 0.001 by default.\n';
/** One run per optimizer, each on its own line, so that every optimizer's hover can be measured. */
const EVERY_OPTIMIZER = `{\n  "loss": { "preset": "rosenbrock" },\n  "runs": [\n${OPTIMIZERS.map((o) => `    { "optimizer": "${o.id}" }`).join(',\n')}\n  ]\n}\n`;
/** Words of every optimizer's θ update line (the line a hover must show before it scrolls). */
const UPDATE_LINE = 'θₜ = θₜ₋₁';

/** Shows file `name`: its tab when it is open, otherwise from Quick Open. */
async function openFile(page: Page, name: string, marker: string): Promise<void> {
  await page.keyboard.press('Escape');
  const tab = page.locator('.tabs-container .tab', { hasText: name }).first();
  if (await tab.count() > 0) {
    await tab.click();
    await page.locator('.monaco-editor .view-line', { hasText: marker }).first().waitFor({ timeout: 30_000 });
    return;
  }
  await openFromQuickOpen(page, name, marker);
}

/** The screen box of the first occurrence of `needle` in the editor line that contains it. */
async function textBox(page: Page, needle: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.evaluate((n) => {
    for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
      const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
      const at = text.indexOf(n);
      if (at < 0) continue;
      // Walk the text nodes to the needle's first and last characters.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let offset = 0, started = false;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent?.length ?? 0;
        if (!started && at < offset + len) { range.setStart(node, at - offset); started = true; }
        if (started && at + n.length <= offset + len) { range.setEnd(node, at + n.length - offset); break; }
        offset += len;
      }
      const r = range.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return undefined;
  }, needle);
  if (!box) throw new Error(`"${needle}" is not in the editor`);
  return box;
}

/** Where the formula image holding the θ update line sits in the hover's scrollable box (page pixels). */
export interface UpdateLinePosition {
  /** The hover's visible height: what shows before it scrolls. */
  readonly visibleHeight: number;
  /** The bottom of the image with the update line, from the top of the visible box. */
  readonly updateLineBottom: number;
  /** Every image's alt text, to say which one was measured. */
  readonly alts: readonly string[];
}

/** Measures where the image whose alt text holds `needle` ends inside the hover's visible box. */
async function updateLinePosition(hover: Locator, needle: string): Promise<UpdateLinePosition | undefined> {
  return hover.evaluate((root, n) => {
    // The hover's scrollable viewport: VS Code's scrollable element around the Markdown.
    const viewport = root.querySelector('.monaco-scrollable-element') ?? root;
    const box = viewport.getBoundingClientRect();
    const images = [...root.querySelectorAll('img')];
    const image = images.find((i) => i.alt.includes(n));
    if (!image) return undefined;
    return { visibleHeight: box.height, updateLineBottom: image.getBoundingClientRect().bottom - box.top, alts: images.map((i) => i.alt) };
  }, needle);
}

/**
 * Checks that the hover shows the θ update line before it scrolls: the formula image that holds
 * it ends inside the hover's visible box.
 */
function assertUpdateLineVisible(what: string, at: UpdateLinePosition | undefined): void {
  assert.ok(at, `${what}: no formula image with "${UPDATE_LINE}" in its alt text`);
  assert.ok(at.updateLineBottom <= at.visibleHeight + 0.5,
    `${what}: the θ update line ends ${at.updateLineBottom.toFixed(0)} px down a hover that shows ${at.visibleHeight.toFixed(0)} px before it scrolls`);
}

/** Hovers `target` until our hover (with `expect` in its text) shows; checks its formula image; saves a screenshot. */
async function hoverAndShoot(page: Page, needle: string, expect: RegExp, file: string | undefined, minWidth = 100): Promise<{ text: string; update?: UpdateLinePosition }> {
  const hover = page.locator('.monaco-hover:visible', { hasText: expect }).first();
  for (let attempt = 0; attempt < 5; attempt++) {
    const box = await textBox(page, needle);
    await page.mouse.move(box.x - 30, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    if (await hover.waitFor({ state: 'visible', timeout: 6000 }).then(() => true, () => false)) break;
  }
  await hover.waitFor({ state: 'visible', timeout: 5000 });
  const images = hover.locator('img[src^="data:image/svg+xml;base64,"]');
  await images.first().waitFor({ state: 'visible', timeout: 10_000 });
  const measure = (): Promise<{ w: number; h: number; alt: string }[]> => images.evaluateAll((es) => es.map((e) => {
    const img = e as HTMLImageElement;
    return { w: img.complete ? img.naturalWidth : 0, h: img.complete ? img.naturalHeight : 0, alt: img.alt };
  }));
  let sizes = await measure();
  for (let i = 0; i < 50 && !(sizes.every((x) => x.w > 0) && sizes.some((x) => x.w > minWidth)); i++) {
    await page.waitForTimeout(100); // images decode asynchronously
    sizes = await measure();
  }
  assert.ok(sizes.every((s) => s.w > 0 && s.h > 0 && s.alt.length > 0), `every formula image loaded and has alt text: ${JSON.stringify(sizes)}`);
  assert.ok(sizes.some((s) => s.w > minWidth), `a formula wider than ${minWidth} px: ${JSON.stringify(sizes.map((s) => [s.w, s.h]))}`);
  const update = await updateLinePosition(hover, UPDATE_LINE);
  const hb = await hover.boundingBox();
  const tb = await textBox(page, needle);
  if (hb && file) {
    const x = Math.max(0, Math.min(hb.x, tb.x) - 20), y = Math.max(0, Math.min(hb.y, tb.y) - 20);
    const clip = { x, y, width: Math.max(hb.x + hb.width, tb.x + tb.width) - x + 20, height: Math.max(hb.y + hb.height, tb.y + tb.height) - y + 20 };
    await page.screenshot({ path: file, clip });
  }
  const text = (await hover.textContent()) ?? '';
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  return { text, update };
}

export async function screenshotHovers({ page, resultsDir, server }: HoverContext): Promise<void> {
  const out = path.join(resultsDir, 'explain');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(server.workspace, 'train_adam.py'), PYTHON);
  fs.writeFileSync(path.join(server.workspace, 'bias_correction.md'), MARKDOWN);
  fs.writeFileSync(path.join(server.workspace, 'every_optimizer.optim.json'), EVERY_OPTIMIZER);
  const theme = async (): Promise<string> => ((await page.evaluate(() => document.querySelector('.monaco-workbench')?.classList.contains('vs-dark'))) ? 'dark' : 'light');
  const measured: Record<string, UpdateLinePosition | undefined> = {};

  for (const pass of [0, 1]) {
    const kind = await theme();
    await openFile(page, 'train_adam.py', 'torch.optim');
    const adam = await hoverAndShoot(page, 'Adam', /Momentum on the gradient/, path.join(out, `hover-adam-${kind}.png`));
    assert.match(adam.text, /Open Adam in the Optimizer Playground/);
    assert.match(adam.text, /0\.001/, 'the default lr from the registry');
    assert.equal(adam.text.split('torch.optim.Adam').length - 1, 1, `the class is named once: ${adam.text.slice(0, 120)}`);
    assertUpdateLineVisible(`Adam (${kind})`, measured[`adam-${kind}`] = adam.update);
    const lr = await hoverAndShoot(page, 'lr=', /Learning rate η/, path.join(out, `hover-lr-${kind}.png`));
    assert.match(lr.text, /of Adam/);
    assertUpdateLineVisible(`lr (${kind})`, measured[`lr-${kind}`] = lr.update);
    if (pass === 0) {
      // Inside a code span a backslash escape is shown as typed: the name must read as written.
      const wd = await hoverAndShoot(page, 'weight_decay=', /Default/, path.join(out, `hover-weight-decay-${kind}.png`));
      assert.match(wd.text, /^weight_decay of Adam/, wd.text.slice(0, 120));
      assert.doesNotMatch(wd.text, /\\_/, 'no Markdown escape shows');
      await openFile(page, 'bias_correction.md', 'Bias correction');
      const md = await hoverAndShoot(page, 'hat{m}', /Bias-corrected first moment/, path.join(out, `hover-mhat-${kind}.png`), 10);
      assert.match(md.text, /Appears in/);
      const mdAdam = await hoverAndShoot(page, 'Adam', /Momentum on the gradient/, path.join(out, `hover-markdown-adam-${kind}.png`));
      assertUpdateLineVisible(`Adam in Markdown (${kind})`, measured[`markdown-adam-${kind}`] = mdAdam.update);
      const eta = await hoverAndShoot(page, 'η', /The learning rate/, path.join(out, `hover-markdown-eta-${kind}.png`), 5);
      assert.match(eta.text, /Hyperparameter lr/);
      // Every optimizer's hover, from an experiment file: the update line before the fold.
      await openFile(page, 'every_optimizer.optim.json', 'rosenbrock');
      for (const o of OPTIMIZERS) {
        const h = await hoverAndShoot(page, `"${o.id}"`, /Open .* in the Optimizer Playground/, path.join(out, `hover-optimizer-${o.id}-${kind}.png`));
        measured[`${o.id}-${kind}`] = h.update;
      }
      for (const o of OPTIMIZERS) assertUpdateLineVisible(`${o.id} (${kind})`, measured[`${o.id}-${kind}`]);
      await setColorTheme(page, server.workspace, kind === 'dark' ? 'light' : 'dark');
      await page.waitForTimeout(500);
      assert.notEqual(await theme(), kind, 'the theme changed');
    }
  }
  fs.writeFileSync(path.join(out, 'hover-update-lines.json'), JSON.stringify(measured, null, 2));
}

/**
 * The Getting Started walkthrough in the workbench: opens it from the palette, checks its seven
 * steps, shows a step's page (with its pre-rendered formula image) and presses its button, which
 * must open the playground panel on that step's experiment. Screenshots to test-results/explain/.
 */
export async function screenshotWalkthrough({ page, resultsDir }: HoverContext): Promise<void> {
  const out = path.join(resultsDir, 'explain');
  fs.mkdirSync(out, { recursive: true });
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().waitFor();
  await page.keyboard.press('Enter');
  const ours = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Learn Optimizers' }).first();
  await ours.waitFor({ timeout: 30_000 });
  await ours.click();
  const steps = page.locator('.getting-started-step');
  await page.waitForFunction(() => document.querySelectorAll('.getting-started-step').length >= 7, undefined, { timeout: 30_000 });
  assert.equal(await steps.count(), 7);
  await steps.nth(4).click(); // Adam and its bias correction
  await page.waitForTimeout(2500);
  await page.screenshot({ path: path.join(out, 'walkthrough.png') });
  const button = steps.nth(4).locator('.button-link, a.button-link, .monaco-button', { hasText: 'Open the experiment' }).first();
  await button.click();
  await page.locator('.tab', { hasText: /Optimizer Playground|Playground/ }).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(8000);
  await page.screenshot({ path: path.join(out, 'walkthrough-experiment.png') });
}
