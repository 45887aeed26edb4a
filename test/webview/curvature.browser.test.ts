/**
 * Curvature in the panel (issue 14), in Chromium under the panel's CSP with dist/webview.js: the
 * walkthrough's first lesson with `"curvature": true` — gradient descent on Booth's function
 * (λmax = 18 everywhere) at η = 0.005, 0.05 and 0.15. The sharpness chart holds every point's
 * sharpness and its run's threshold 2/η, marks the too-large run's crossing at step 0, and that
 * run's card warns "η·λmax = 2.7 > 2" before its loss has blown up. Saves
 * test-results/curvature.png.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { PanelExperiment } from '../../src/protocol';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, settled as settledIn, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';

const experiment: PanelExperiment = {
  title: 'Gradient descent: too small, good, too large', loss: { preset: 'booth' }, steps: 60, seed: 0, curvature: true,
  runs: [
    { label: 'GD η=0.005', optimizer: 'gd', hyperparameters: { lr: 0.005 } },
    { label: 'GD η=0.05', optimizer: 'gd', hyperparameters: { lr: 0.05 } },
    { label: 'GD η=0.15', optimizer: 'gd', hyperparameters: { lr: 0.15 } },
  ],
};

describe('webview: sharpness and stability (curvature) in Chromium', function () {
  this.timeout(90_000);
  let server: PanelServer | undefined;
  let browser: ChromiumSession;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    assert.ok(existsSync(repoPath('dist/webview.js')), 'dist/webview.js is missing: run `npm run build` first');
    server = await servePanel({ nonce: 'curvaturenonce0123456' });
    browser = await chromiumSession();
    page = await openPanelPage(browser, server, {
      page: { viewport: { width: 1280, height: 1400 } },
      watch: (p) => {
        p.on('pageerror', (e) => errors.push(String(e)));
        p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      },
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const dispatch = (messages: unknown[]): Promise<void> => page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);
  const data = (chart: string, source: string): Promise<Array<Record<string, unknown>>> => page.evaluate(([c, s]) =>
    (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } }).__optimizerPlayground.data(c, s)
      .map((r) => ({ ...(r as object) })) as Array<Record<string, unknown>>, [chart, source] as const);

  it('plots each run\'s sharpness against its threshold, marks the crossing and warns on the run card', async () => {
    const scenario = buildScenario(experiment);
    await dispatch([scenario.init]);
    await settledIn(page);
    for (let i = 0; i < scenario.stream.length; i += 4) await dispatch(scenario.stream.slice(i, i + 4));
    await page.waitForFunction((n) => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } })
      .__optimizerPlayground.data('sharpness', 'points').length === n, scenario.totalPoints, { timeout: 60_000 });
    await settledIn(page);

    const rows = await data('sharpness', 'points');
    for (const r of rows) assert.ok(Math.abs((r.curvature as number) - 18) < 1e-9, `step ${String(r.step)}: sharpness ${String(r.curvature)}`);
    const threshold = (run: number): number[] => [...new Set(rows.filter((r) => r.run === run).map((r) => r.threshold as number))];
    assert.deepEqual(threshold(0).map((t) => Math.round(t * 1e9) / 1e9), [400]);
    assert.deepEqual(threshold(2).map((t) => Math.round(t * 1e9) / 1e9), [13.333333333]);
    const crossings = await data('sharpness', 'crossings');
    assert.deepEqual(crossings.map((c) => [c.run, c.step]), [[2, 0]]);

    const warnings = await page.$$eval('op-run-card .run-warning', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.match(warnings[0]!, /at step 0, η·λmax = 2\.7 > 2: gradient descent cannot settle here/);
    const card = await page.$$eval('op-run-card', (els) => els.findIndex((e) => e.querySelector('.run-warning') !== null));
    assert.equal(card, 2, 'the warning is on the η = 0.15 card');
    // The curve, the dashed threshold and the crossing are drawn (scenegraph), with the legend naming both series.
    const svg = await page.evaluate(() => (window as unknown as { __optimizerPlayground: { chart(n: string): { toSVG(): Promise<string> } } })
      .__optimizerPlayground.chart('sharpness').toSVG());
    assert.match(svg, /stroke-dasharray="6,4"/);
    assert.match(svg, /stability threshold/);

    // The formula view: the selected run's (the first's) condition with its values at the step shown.
    await page.waitForFunction(() => (document.querySelector('.stability-condition')?.textContent ?? '').includes('At step 60'), undefined, { timeout: 30_000 });
    const condition = await page.$eval('.stability-condition', (e) => e.textContent ?? '');
    assert.match(condition, /Stability on a quadratic: η·λmax < 2/);
    assert.match(condition, /At step 60: η = 0\.005, λmax = 18, threshold 400 — within the bound, by 382\./);

    // The paths chart: the Hessian's ellipse at the step shown, from the host's inspect reply (Booth: H = [[10, 8], [8, 10]], κ = 9).
    await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted
      .some((m) => m.type === 'request' && (m as { method?: string }).method === 'inspect'));
    const ask = (await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted))
      .filter((m) => m.type === 'request' && (m as { method?: string }).method === 'inspect').pop() as unknown as
      { requestId: number; params: { run: number; step: number } };
    const last = rows.filter((r) => r.run === ask.params.run).sort((a, b) => (b.step as number) - (a.step as number))[0]!;
    const at = JSON.parse(`[${String(last.params).slice(1, -1)}]`) as number[];
    await dispatch([{ type: 'reply', requestId: ask.requestId, method: 'inspect',
      result: { step: last.step, params: at, grad: [0, 0], lr: 0.005, state: {}, hessian: [10, 8, 8, 10] } }]);
    await page.waitForFunction(() => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } })
      .__optimizerPlayground.data('paths', 'ellipse').length > 0, undefined, { timeout: 30_000 });
    const ellipse = await data('paths', 'ellipse');
    assert.equal(ellipse.length, 49);
    assert.match(String(ellipse[0]!.label), /λ = 18, 2 on these axes; κ = 9/);
    // Its axes: 1/√2 along (1, −1) (the flat direction), 1/√18 along (1, 1), scaled to the window.
    const far = Math.max(...ellipse.map((e) => Math.hypot((e.x as number) - at[0]!, (e.y as number) - at[1]!)));
    const near = Math.min(...ellipse.map((e) => Math.hypot((e.x as number) - at[0]!, (e.y as number) - at[1]!)));
    assert.ok(Math.abs(far / near - 3) < 0.05, `axes ratio ${far / near}, expected √(18/2) = 3`);

    // The convergence-rate map (Booth is a quadratic: λ = 2, 18): every GD run a dot at β = 0 with its rate max |1 − ηλ|.
    const dots = await data('rateMap', 'rateDots');
    assert.deepEqual(dots.map((d) => [d.run, d.eta, d.beta]), [[0, 0.005, 0], [1, 0.05, 0], [2, 0.15, 0]]);
    assert.ok(Math.abs((dots[2]!.rate as number) - 1.7) < 1e-12, String(dots[2]!.rate));
    assert.equal((await data('rateMap', 'rateMap')).length, 60 * 34);
    assert.match(await page.$eval('#chart-summary-rateMap', (e) => e.textContent ?? ''), /Fastest: rate 0\.5 at η 0\.125, β 0\.25\./);
    // Each card: the closed-form rate max |1 − ηλᵢ| beside the one measured from its loss. Booth's start
    // (−8, −6) is off its minimum (1, 3) by (−9, −9), along the eigenvector of λ = 18 alone: the run
    // at η = 0.05 falls at |1 − 0.05·18| = 0.1 per step, faster than the closed form's slowest |1 − 0.05·2| = 0.9.
    const rates = await page.$$eval('op-run-card .run-rate', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    assert.equal(rates.length, 3, rates.join(' | '));
    assert.match(rates[1]!, /^Rate per step on this quadratic: ρ = 0\.9 in closed form \(its slowest direction\), 0\.1 measured from its loss\.$/);
    assert.match(rates[2]!, /ρ = 1\.7 in closed form.* — it diverges\.$/);
    mkdirSync(repoPath('test-results'), { recursive: true });
    await page.locator('.chart-ratemap').scrollIntoViewIfNeeded();
    await page.locator('.chart-ratemap').screenshot({ path: repoPath('test-results/curvature-rate-map.png') });

    mkdirSync(repoPath('test-results'), { recursive: true });
    await page.locator('.chart-sharpness').scrollIntoViewIfNeeded();
    await page.screenshot({ path: repoPath('test-results/curvature.png'), fullPage: true });
    await page.locator('op-run-card').nth(2).screenshot({ path: repoPath('test-results/curvature-card.png') });
    await page.locator('#formula-view').screenshot({ path: repoPath('test-results/curvature-formula.png') });
    await page.locator('.chart-paths').screenshot({ path: repoPath('test-results/curvature-ellipse.png') });
    assert.deepEqual(errors, []);
  });

  /** The selected run's η and β in the edit the panel posts next, after `act`. */
  const nextEdit = async (act: () => Promise<void>): Promise<{ optimizer: string; lr: unknown; momentum: unknown }> => {
    const before = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted.length);
    await act();
    await page.waitForFunction((n) => (window as unknown as { __probe: PageProbe }).__probe.posted.slice(n).some((m) => m.type === 'editExperiment'), before);
    const edit = (await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted)).slice(before).find((m) => m.type === 'editExperiment')!;
    const run = (edit.experiment as PanelExperiment).runs[0]!;
    return { optimizer: run.optimizer, lr: run.hyperparameters.lr, momentum: run.hyperparameters.momentum };
  };

  it('moves the selected run where the rate map is clicked, and from the keyboard', async () => {
    // A cell in the map's middle: its centre's η and β, rounded as the fields write them (3 digits).
    const cell = (await data('rateMap', 'rateMap')).find((c) => c.column === 20 && c.row === 10)!;
    const target = await page.evaluate(([eta, beta]) => {
      const view = (window as unknown as { __optimizerPlayground: { chart(n: string): { scale(n: string): (v: number) => number; origin(): number[]; container(): HTMLElement } } })
        .__optimizerPlayground.chart('rateMap');
      const rect = view.container().querySelector('canvas')!.getBoundingClientRect();
      const [ox, oy] = view.origin();
      return { x: rect.left + ox! + view.scale('x')(eta), y: rect.top + oy! + view.scale('y')(beta) };
    }, [cell.eta as number, cell.beta as number] as const);
    const clicked = await nextEdit(() => page.mouse.click(target.x, target.y));
    assert.deepEqual(clicked, { optimizer: 'momentum', lr: Number((cell.eta as number).toPrecision(3)), momentum: Number((cell.beta as number).toPrecision(3)) },
      'gradient descent moved above β = 0 becomes momentum, at the cell\'s η and β');
    // The keyboard: the map (focused by the click) has its cursor on the clicked cell; one cell right and one up, Enter.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-chart')), 'rateMap');
    await page.waitForFunction(() => (window as unknown as { __optimizerPlayground: { data(c: string, s: string): unknown[] } })
      .__optimizerPlayground.data('rateMap', 'rateCursor').length === 1, undefined, { timeout: 10_000 });
    assert.deepEqual((await data('rateMap', 'rateCursor')).map((c) => [c.column, c.row]), [[20, 10]], 'the cursor is on the clicked cell');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    // The cursor's row reaches the view through its changeset queue.
    await page.waitForFunction(() => JSON.stringify((window as unknown as { __optimizerPlayground: { data(c: string, s: string): Array<{ column: number; row: number }> } })
      .__optimizerPlayground.data('rateMap', 'rateCursor').map((c) => [c.column, c.row])) === '[[21,11]]', undefined, { timeout: 10_000 });
    const cursor = (await data('rateMap', 'rateCursor'))[0]!;
    assert.match(await page.$eval('.chart[data-chart="rateMap"]', (e) => e.getAttribute('aria-label') ?? ''), /^η 0\.07963, β 0\.33: rate [\d.]+ per step\. Enter moves the selected run here\.$/);
    const keyed = await nextEdit(() => page.keyboard.press('Enter'));
    assert.deepEqual(keyed, { optimizer: 'momentum', lr: Number((cursor.eta as number).toPrecision(3)), momentum: Number((cursor.beta as number).toPrecision(3)) });
    assert.deepEqual(errors, []);
  });
});
