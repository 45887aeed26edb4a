/**
 * The first screen a new user gets, in a real VS Code (code-server, a fresh profile whose Welcome
 * page is open) at laptop and desktop sizes: F1 → "Open Playground" must show the loss chart and
 * the paths chart wholly on screen, and the default runs must still be playing two seconds after
 * the first point is drawn; the same beside a followed loss file. "On screen" is measured as a
 * person sees it: each chart's box, clipped by every iframe around the webview and the window.
 * Screenshots in the light and the dark theme go to test-results/first-screen-*.png.
 * Run by scripts/test-integration.mjs (the browser stage), not by mocha.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { currentColorTheme, hook, openFile, playgroundFrame, runCommand, setColorTheme, waitFor } from './workbench';

export interface FirstScreenContext {
  readonly page: Page;
  readonly resultsDir: string;
  readonly server: { readonly workspace: string };
}

interface Box { x: number; y: number; width: number; height: number }

function intersect(a: Box, b: Box): Box {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const r = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return { x, y, width: Math.max(0, r - x), height: Math.max(0, bottom - y) };
}

/** The share of the element's box (0…1) a person sees: clipped by each iframe up the chain and by the window. */
async function visibleShare(page: Page, frame: Frame, selector: string): Promise<{ share: number; box: Box | null }> {
  const el = await frame.$(selector);
  const box = el ? await el.boundingBox() : null;
  if (!box || box.width === 0 || box.height === 0) return { share: 0, box };
  let seen: Box = box;
  for (let f: Frame | null = frame; f && f.parentFrame(); f = f.parentFrame()) {
    const host = await f.frameElement();
    const hostBox = await host.boundingBox();
    if (!hostBox) return { share: 0, box };
    seen = intersect(seen, hostBox);
  }
  const viewport = page.viewportSize()!;
  seen = intersect(seen, { x: 0, y: 0, width: viewport.width, height: viewport.height });
  return { share: (seen.width * seen.height) / (box.width * box.height), box };
}

interface Playback { step: number; received: number; playing: boolean; ended: boolean }
interface Hook { data(chart: string, source: string): unknown[]; state(): { playback: Playback }; settled(): Promise<void> }
const points = (frame: Frame): Promise<boolean> => hook(frame, (h: Hook) => h.data('loss', 'points').length > 0);
const playback = (frame: Frame): Promise<Playback> => hook(frame, (h: Hook) => h.state().playback);

/** Both primary charts wholly visible (after their views are drawn). */
async function assertChartsOnScreen(page: Page, frame: Frame, where: string): Promise<string> {
  await waitFor('the paths chart drawn', () => frame.evaluate(() => !!document.querySelector('.chart[data-chart="paths"] canvas')));
  const out: string[] = [];
  for (const chart of ['loss', 'paths']) {
    const { share, box } = await visibleShare(page, frame, `.chart[data-chart="${chart}"] canvas`);
    assert.ok(share > 0.995, `${where}: the ${chart} chart is wholly on screen (${Math.round(share * 100)} % of ${JSON.stringify(box)})`);
    out.push(`${chart} ${Math.round(box!.width)}×${Math.round(box!.height)} at (${Math.round(box!.x)}, ${Math.round(box!.y)})`);
  }
  return out.join(', ');
}

/** Open Playground from the palette, again if the palette was closed before the command ran (at most three times). */
async function openPlayground(page: Page): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Optimizer Playground: Open Playground');
    try {
      return await playgroundFrame(page, attempt < 3 ? 20_000 : 60_000);
    } catch (e) {
      if (attempt >= 3) throw e;
      console.log(`  (no panel ${attempt === 1 ? 'after the first' : 'after the second'} Open Playground: the palette was closed before it ran; again)`);
    }
  }
}

/** One size: the Welcome page, Open Playground, the charts on screen and playing; light and dark screenshots; beside a followed file. */
export async function checkFirstScreen({ page, resultsDir, server }: FirstScreenContext, size: { width: number; height: number }): Promise<void> {
  const tag = `${size.width}x${size.height}`;
  await page.setViewportSize(size);
  // A fresh profile opens the Welcome page; should the workbench not have shown it yet, open it as a person would.
  const welcome = page.locator('.tab', { hasText: 'Welcome' }).first();
  if (!(await welcome.waitFor({ timeout: 30_000 }).then(() => true, () => false))) {
    await runCommand(page, 'Help: Welcome');
    await welcome.waitFor({ timeout: 30_000 });
  }
  // The Welcome page takes the focus once its content has loaded, which closes a command palette
  // opened before (the command is then never run): wait for its content, and as a person would,
  // run the command again if no panel came.
  await page.locator('.gettingStartedContainer').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
  const frame = await openPlayground(page);
  // The first point drawn, then two seconds: the default runs are still playing.
  await waitFor('the first point', () => points(frame));
  const first = Date.now();
  await new Promise((r) => setTimeout(r, Math.max(0, first + 2000 - Date.now())));
  const at2s = await playback(frame);
  await new Promise((r) => setTimeout(r, 400));
  const later = await playback(frame);
  assert.ok(at2s.playing && later.step > at2s.step, `${tag}: still playing two seconds after the first point (step ${at2s.step} → ${later.step} of ${at2s.received})`);
  console.log(`  ${tag}, Welcome page open: ${await assertChartsOnScreen(page, frame, `${tag} beside Welcome`)}; playing at step ${at2s.step} two seconds after the first point`);
  await waitFor('the playback at its end', () => playback(frame).then((p) => p.ended), 60_000);
  // The theme a fresh profile starts with (Light Modern in a browser), then the other one.
  const initial = await currentColorTheme(page);
  const other = initial === 'dark' ? 'light' : 'dark';
  await page.screenshot({ path: path.join(resultsDir, `first-screen-${tag}-${initial}.png`) });
  await setColorTheme(page, server.workspace, other);
  await waitFor(`the panel in the ${other} theme`, () => frame.evaluate((c) => document.body.classList.contains(c), `vscode-${other}`), 30_000);
  await hook(frame, (h: Hook) => h.settled());
  await assertChartsOnScreen(page, frame, `${tag}, ${other}`);
  await page.screenshot({ path: path.join(resultsDir, `first-screen-${tag}-${other}.png`) });

  // Beside a followed loss file: the file in one column, the panel beside it.
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'loss.ts', 'export default function');
  await runCommand(page, 'Optimizer Playground: Run Loss in Active Editor');
  const beside = await playgroundFrame(page);
  await waitFor('points of the followed file', () => points(beside));
  assert.ok(await page.locator('.monaco-editor .view-line', { hasText: 'export default function' }).first().isVisible(), `${tag}: the followed file stays in view`);
  console.log(`  ${tag}, beside loss.ts: ${await assertChartsOnScreen(page, beside, `${tag} beside a followed file`)}`);
  await beside.locator('.follow-bar').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(resultsDir, `first-screen-${tag}-beside-file.png`) });
}
