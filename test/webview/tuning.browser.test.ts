/**
 * The tuning card (issue 13 item 4) in the real panel bundle in Chromium under its CSP: the host's
 * `tuning` messages (built by the host's own `tuningMessage` from a plan's scores) fill the
 * sensitivity chart in as grid points finish, the best is ringed and said in the text alternative,
 * and the keyboard (focus, arrows, Enter) runs a configuration: the run's η becomes that grid value.
 * The scores are inputs chosen here (a valley in log η, gradient descent diverging at the top):
 * what is checked is what the panel makes of them. Saves test-results/tuning.png.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { sensitivityRows } from '../../src/charts/tuning';
import { validateExperiment } from '../../src/engine/experiment';
import { PlanScores, tuningPlans } from '../../src/engine/tuning';
import { validatePanelExperiment } from '../../src/extension/convert';
import { tuningMessage } from '../../src/extension/panelTuning';
import type { PanelExperiment } from '../../src/protocol';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { repoPath } from '../repoRoot';
import { openPanelPage, servePanel, settled, type PageProbe, type PanelServer } from './pageServer';
import { buildScenario } from './scenario';
import { chartInput } from '../../src/webview/tuningModel';

const experiment: PanelExperiment = {
  title: 'Tuned comparison', loss: { preset: 'rosenbrock' }, steps: 40, seed: 0,
  runs: [
    { optimizer: 'gd', hyperparameters: { lr: 0.001 }, tune: { lr: { min: 1e-5, max: 1, count: 11 } } },
    { optimizer: 'adam', hyperparameters: {}, tune: { lr: { min: 1e-4, max: 1, count: 9 } } },
  ],
};

/** The score given to a configuration: a valley around η = `best`, +∞ from `diverges` up. */
const score = (lr: number, best: number, diverges: number): number => (lr >= diverges ? Infinity : 0.01 + (Math.log10(lr) - Math.log10(best)) ** 2);

describe('webview: the tuning card in Chromium', function () {
  this.timeout(90_000);
  let server: PanelServer;
  let browser: ChromiumSession;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(repoPath('dist/webview.js')), 'dist/webview.js is missing: run `npm run build` first');
    server = await servePanel({ nonce: 'tuningnonce0123456789' });
    browser = await chromiumSession();
    page = await openPanelPage(browser, server);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const send = (messages: readonly unknown[]): Promise<void> => page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, messages);
  const rows = (): Promise<Array<Record<string, unknown>>> => page.evaluate(async () => {
    const card = document.querySelector('op-tuning') as unknown as { settled(): Promise<void>; rows(c: string): object[] };
    await card.settled();
    return card.rows('sensitivity').map((r) => ({ ...r })) as Array<Record<string, unknown>>;
  });

  it('fills the sensitivity chart in as scores arrive, rings each best, and Enter runs that η; a run card\'s Tune asks the host (one panel page, ~7 s: init, two tuning messages, a keyboard edit)', async () => {
    const scenario = buildScenario({ ...experiment, runs: experiment.runs.map(({ tune: _t, ...r }) => r) });
    await send([scenario.init]);
    await settled(page);
    const checked = validatePanelExperiment(experiment, validateExperiment);
    assert.ok(checked.ok);
    const plans = tuningPlans(checked.experiment);
    const boards = plans.map((p) => new PlanScores(p));
    const fill = (upTo: number): void => boards.forEach((b, k) => {
      const [best, diverges] = k === 0 ? [0.01, 0.1] : [0.03, 10];
      for (let p = -1; p < Math.min(upTo, b.plan.points); p++) b.set(p, 0, score(p < 0 ? 0.001 : b.plan.axes[0].values[p], best, diverges));
    });
    const total = plans.reduce((n, p) => n + p.points + 1, 0);

    fill(4);
    await send([tuningMessage('running', 10, total, boards)]);
    await page.waitForSelector('op-tuning .chart-tuning');
    assert.match(await page.locator('op-tuning .tuning-progress').textContent() ?? '', new RegExp(`Tuning: 10 of ${total} configurations scored`));
    assert.equal(await page.locator('op-tuning .cancel-tuning').count(), 1);
    const partial = await rows();
    assert.equal(partial.filter((r) => r.kind === 'point').length, 8, 'four points of each run so far');

    fill(Infinity);
    const done = tuningMessage('done', total, total, boards);
    await send([done]);
    await page.waitForFunction(() => /Tuned:/.test(document.querySelector('op-tuning .tuning-progress')?.textContent ?? ''));
    const all = await rows();
    const expected = sensitivityRows(done.runs.map(chartInput), true);
    assert.equal(all.length, expected.length);
    const best = all.filter((r) => r.kind === 'best').map((r) => [r.label, r.value]);
    assert.deepEqual(best, boards.map((b) => [done.runs[boards.indexOf(b)].label, b.plan.axes[0].values[b.bestPoint()]]));
    assert.equal(all.filter((r) => r.kind === 'point' && r.diverged).length, plans[0].axes[0].values.filter((v) => v >= 0.1).length, 'gradient descent diverged from η = 0.1 up');
    assert.equal(await page.locator('op-tuning .cancel-tuning').count(), 0);
    const summary = await page.locator('#tuning-summary').textContent() ?? '';
    assert.match(summary, /Gradient descent: best lr 0\.01 → 0\.01/);

    // The keyboard: focused, the cursor starts at gradient descent's best; → is the next η; Enter runs it.
    const chart = page.locator('op-tuning .tuning-chart[data-chart="sensitivity"]');
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    const gd = plans[0].axes[0].values;
    const next = gd[gd.indexOf(0.01) + 1];
    assert.match(await chart.getAttribute('aria-label') ?? '', new RegExp(`^Gradient descent, lr ${String(next).replace('.', '\\.')}: final loss`));
    await page.keyboard.press('Enter');
    const edit = await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.filter((m) => m.type === 'editExperiment').pop());
    const posted = await edit.jsonValue() as unknown as { experiment: PanelExperiment };
    assert.equal(posted.experiment.runs[0].hyperparameters.lr, next);
    assert.equal(posted.experiment.runs[1].hyperparameters.lr, undefined, 'the other run is as it was');

    // A run card's Tune control asks the host to tune that run.
    await page.locator('op-run-card[data-run="1"] vscode-toolbar-button[data-control="tune"]').click();
    await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.some((m) => m.type === 'tuneRun' && m.run === 1));

    mkdirSync(repoPath('test-results'), { recursive: true });
    await page.locator('op-tuning .chart-tuning').screenshot({ path: repoPath('test-results/tuning.png') });
  });

  it('says a best at the end of its grid under the chart, and no such note when every best is inside its grid (same page, ~1 s)', async () => {
    assert.equal(await page.locator('op-tuning .tuning-edge').count(), 0, 'the first test\'s bests (η 0.01 and 0.03) lie inside their grids');
    const checked = validatePanelExperiment(experiment, validateExperiment);
    assert.ok(checked.ok);
    const boards = tuningPlans(checked.experiment).map((p) => new PlanScores(p));
    // Adam's valley now lies at η = 10, beyond its grid's largest value 1; gradient descent's stays inside.
    boards.forEach((b, k) => {
      const [best, diverges] = k === 0 ? [0.01, 0.1] : [10, Infinity];
      for (let p = -1; p < b.plan.points; p++) b.set(p, 0, score(p < 0 ? 0.001 : b.plan.axes[0].values[p], best, diverges));
    });
    const total = boards.reduce((n, b) => n + b.plan.points + 1, 0);
    await send([tuningMessage('done', total, total, boards)]);
    await page.waitForSelector('op-tuning .tuning-edge');
    const notes = await page.locator('op-tuning .tuning-edge').allTextContents();
    assert.deepEqual(notes.map((n) => n.trim()), ['Adam: the best learning rate η = 1 is the largest on its grid; a better one may lie beyond it (widen the grid)']);
  });

  it('in a narrow panel (470 px, beside the Welcome page) the tuning card comes right after the loss and paths charts, before the settings (same page, ~1 s)', async () => {
    await page.setViewportSize({ width: 470, height: 708 });
    try {
      await page.waitForSelector('.panel[data-mode="narrow"]');
      await page.waitForSelector('op-tuning .chart-tuning');
      const top = async (selector: string): Promise<number> => (await page.locator(selector).first().boundingBox())!.y;
      const [card, settings, primary] = [await top('op-tuning .chart-tuning'), await top('aside.settings'), await top('.chart-grid.primary')];
      assert.ok(primary < card && card < settings, `primary charts (${primary}) < tuning card (${card}) < settings (${settings})`);
      const below = (await page.locator('.chart-grid.primary').boundingBox())!;
      assert.ok(card - (below.y + below.height) < 24, `the card follows the primary charts (${card} vs ${below.y + below.height})`);
      mkdirSync(repoPath('test-results'), { recursive: true });
      await page.screenshot({ path: repoPath('test-results/tuning-narrow.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1440, height: 1300 });
    }
  });

  it('a run repeated over seeds (gradient noise) shows its median loss with the inter-quartile band and its median path, listed once (same page, ~2 s)', async () => {
    const runs = [
      { optimizer: 'adam', hyperparameters: { lr: 0.18 } }, { optimizer: 'gd', hyperparameters: { lr: 0.001 } },
      ...[1, 2, 3, 4].map((s) => ({ optimizer: 'adam', hyperparameters: { lr: 0.18 }, label: `Adam η=0.18 (seed ${s + 1})`, seed: s, seedOf: 0 })),
    ];
    const noisy: PanelExperiment = { title: 'Noisy Rosenbrock', loss: { preset: 'rosenbrock' }, steps: 60, seed: 0, noise: 20, runs };
    const scenario = buildScenario(noisy);
    await send([scenario.init, ...scenario.stream]);
    await settled(page);
    type Node = { marktype?: string; role?: string; items?: Node[]; datum?: Record<string, unknown>; text?: string };
    const drawn = await page.evaluate(() => {
      const h = (window as unknown as { __optimizerPlayground: { chart(c: string): { scenegraph(): { root: Node } } } }).__optimizerPlayground;
      const count = (chart: string): { areas: number; medians: number; legend: string[] } => {
        const out = { areas: 0, medians: 0, legend: [] as string[] };
        const visit = (n: Node): void => {
          for (const c of n.items ?? []) {
            if (n.marktype === 'area' && c.datum?.label === 'Adam η=0.18') out.areas++;
            if (n.marktype === 'line' && c.datum && 'median' in c.datum) out.medians++;
            if (n.marktype === 'line' && c.datum && c.datum.label === 'Adam η=0.18' && !('run' in c.datum) && chart === 'paths') out.medians++;
            if (n.role === 'legend-label' && typeof c.text === 'string') out.legend.push(c.text);
            visit(c);
          }
        };
        visit(h.chart(chart).scenegraph().root);
        return out;
      };
      return { loss: count('loss'), paths: count('paths') };
    });
    assert.ok(drawn.loss.areas > 50, `the band: a point per step (${drawn.loss.areas})`);
    assert.ok(drawn.loss.medians > 50, `the median line (${drawn.loss.medians})`);
    assert.ok(drawn.paths.medians > 50, `the median path (${drawn.paths.medians})`);
    assert.deepEqual(drawn.loss.legend, ['Adam η=0.18', 'Gradient descent η=0.001'], 'the group listed once');
    mkdirSync(repoPath('test-results'), { recursive: true });
    await page.locator('.chart-grid.primary').screenshot({ path: repoPath('test-results/tuning-seeds.png') });
  });

  it('a tuning that ends before its chart is embedded shows every score (same page, ~1 s)', async () => {
    const three: PanelExperiment = { ...experiment, runs: [...experiment.runs, { optimizer: 'momentum', hyperparameters: { lr: 0.001 }, tune: { lr: [0.001, 0.01] } }] };
    await send([buildScenario({ ...three, runs: three.runs.map(({ tune: _t, ...r }) => r) }).init]);
    await settled(page);
    const checked = validatePanelExperiment(three, validateExperiment);
    assert.ok(checked.ok);
    const boards = tuningPlans(checked.experiment).map((p) => new PlanScores(p));
    const total = boards.reduce((n, b) => n + b.plan.points + 1, 0);
    const first = tuningMessage('running', 0, total, boards);
    boards.forEach((b) => { for (let p = -1; p < b.plan.points; p++) b.set(p, 0, 1 + p); });
    // The first message (nothing scored: a new chart, three runs) and the last (all scored) in one go, as a fast tuning sends them.
    await send([first, tuningMessage('done', total, total, boards)]);
    await page.waitForFunction(() => /Tuned:/.test(document.querySelector('op-tuning .tuning-progress')?.textContent ?? ''));
    const points = (await rows()).filter((r) => r.kind === 'point').length;
    assert.equal(points, boards.reduce((n, b) => n + b.plan.points, 0), 'a point per grid point of every run');
  });

  it('a click on a phase-diagram cell (η × momentum) runs that configuration (same page, ~2 s)', async () => {
    const two: PanelExperiment = {
      title: 'Phase diagram', loss: { preset: 'rosenbrock' }, steps: 40, seed: 0,
      runs: [{ optimizer: 'momentum', hyperparameters: { lr: 0.001, momentum: 0.9 }, tune: { lr: [0.0001, 0.001, 0.01], momentum: [0, 0.5, 0.9] } }],
    };
    await send([buildScenario({ ...two, runs: two.runs.map(({ tune: _t, ...r }) => r) }).init]);
    await settled(page);
    const checked = validatePanelExperiment(two, validateExperiment);
    assert.ok(checked.ok);
    const board = new PlanScores(tuningPlans(checked.experiment)[0]!);
    // Scores: best at (η 0.001, momentum 0.9); the largest η diverges at momentum 0.9.
    for (let p = -1; p < board.plan.points; p++) board.set(p, 0, p === 8 ? Infinity : p === 5 ? 0.01 : 1 + p);
    const posted = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.posted.length);
    await send([tuningMessage('done', board.plan.points + 1, board.plan.points + 1, [board])]);
    await page.waitForSelector('op-tuning .tuning-chart[data-chart="phase"] canvas');
    // Both charts drawn (the sensitivity chart above may still change height, moving the diagram), then in view.
    await page.evaluate(() => (document.querySelector('op-tuning') as unknown as { settled(): Promise<void> }).settled());
    await page.locator('op-tuning .tuning-chart[data-chart="phase"]').scrollIntoViewIfNeeded();
    // The cell (η 0.01, momentum 0.5), found in the phase diagram's scenegraph, its centre in page pixels.
    const target = await page.waitForFunction(() => {
      type Item = { x?: number; y?: number; width?: number; height?: number; datum?: Record<string, unknown>; items?: Item[]; marktype?: string };
      const card = document.querySelector('op-tuning') as unknown as { chartView(c: string): { scenegraph(): { root: Item }; origin(): number[]; container(): HTMLElement } | undefined };
      const view = card.chartView('phase');
      if (!view) return undefined;
      const rect = view.container().querySelector('canvas')!.getBoundingClientRect();
      const [ox, oy] = view.origin();
      let found: { x: number; y: number } | undefined;
      const visit = (node: Item, dx: number, dy: number): void => {
        for (const item of node.items ?? []) {
          const d = item.datum;
          if (node.marktype === 'rect' && d && d.x === '0.01' && d.y === '0.5' && typeof item.width === 'number' && item.width > 0) {
            found ??= { x: rect.left + ox! + dx + item.x! + item.width / 2, y: rect.top + oy! + dy + item.y! + item.height! / 2 };
          }
          if (node.marktype === 'group') visit(item, dx + (item.x ?? 0), dy + (item.y ?? 0));
          else visit(item, dx, dy);
        }
      };
      visit(view.scenegraph().root, 0, 0);
      return found;
    });
    const { x, y } = await target.jsonValue() as { x: number; y: number };
    await page.mouse.click(x, y);
    // The edit the click makes (not one the page may post as the new experiment settles in).
    const edit = await page.waitForFunction((n) => (window as unknown as { __probe: PageProbe }).__probe.posted.slice(n)
      .filter((m) => m.type === 'editExperiment' && (m.experiment as PanelExperiment).runs[0]?.hyperparameters.momentum === 0.5).pop(), posted, { timeout: 5_000 });
    const run = (await edit.jsonValue() as unknown as { experiment: PanelExperiment }).experiment.runs[0]!;
    assert.deepEqual([run.optimizer, run.hyperparameters.lr, run.hyperparameters.momentum], ['momentum', 0.01, 0.5]);
  });
});
