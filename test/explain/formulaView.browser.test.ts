/**
 * The formula view (src/webview/formulaView.ts) in Chromium under the panel's Content-Security-Policy
 * (src/extension/html.ts): KaTeX renders the selected run's rule from the bundled stylesheet and
 * fonts, hovering a symbol shows its meaning and its value at the scrubbed step (values from the
 * engine's state, as the host's `inspect` reply carries them), and no CSP violation occurs.
 * Saves test-results/explain/formula-view.png. Needs dist/media/katex (`npm run build`) and /usr/bin/chromium.
 */
import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumSession, type ChromiumSession } from '../chromium';
import { defaultHyperparameters } from '../../src/engine/hyperparameters';
import { createOptimizer } from '../../src/engine/optimizers';
import { getProblem } from '../../src/engine/problems';
import { applyUpdates, type ChainState } from '../../src/engine/transforms';
import { contentSecurityPolicy } from '../../src/extension/html';
import { formatSymbolValue } from '../../src/explain/symbolValues';
import { repoPath } from '../repoRoot';

const NONCE = 'formulanonce0123456789';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.woff': 'font/woff' };

/** Adam on Rosenbrock for `steps` updates: the reply the host would send for that step. */
function adamValues(steps: number) {
  const hyper = { ...defaultHyperparameters('adam'), lr: 0.05 };
  const opt = createOptimizer({ label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: hyper }, 300);
  const objective = getProblem('rosenbrock')!.objective();
  const params = Float64Array.of(-1.5, 2), grad = new Float64Array(2);
  const chain = opt.transform.init(params) as ChainState;
  let gradUsed: number[] = [], prevParams: number[] = [];
  for (let t = 0; t < steps; t++) {
    objective.valueAndGrad(params, grad, null);
    gradUsed = Array.from(grad);
    prevParams = Array.from(params);
    opt.transform.update(grad, chain, params);
    applyUpdates(params, grad);
  }
  objective.valueAndGrad(params, grad, null);
  const state: Record<string, Record<string, number | boolean | number[]>> = {};
  for (const { name, state: s } of chain) {
    state[name] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : v]));
  }
  return { hyper, values: { step: steps, params: Array.from(params), grad: Array.from(grad), gradUsed, prevParams, lr: opt.learningRate(steps), state } };
}

describe('explain: formula view in Chromium under the panel CSP', function () {
  this.timeout(90_000);
  let server: Server;
  let browser: ChromiumSession;
  let page: Page;
  const problems: string[] = [];

  before(async function () {
    assert.ok(existsSync(repoPath('dist/media/katex/katex.min.css')), 'dist/media/katex is missing: run `npm run build` first');
    const bundle = await esbuild.build({
      entryPoints: [repoPath('test/explain/fixtures/formulaViewPage.ts')], bundle: true, platform: 'browser', format: 'iife',
      target: 'es2022', write: false, logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].text;
    let origin = '';
    server = await new Promise<Server>((resolve) => {
      const s = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path === '/page.html') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(`<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(origin, NONCE)}">
<link rel="stylesheet" href="${origin}/dist/media/katex/katex.min.css">
<link rel="stylesheet" href="${origin}/media/panel.css">
<link rel="stylesheet" href="${origin}/test/explain/fixtures/formulaView.css">
</head><body class="vscode-dark"><div id="app"></div><script nonce="${NONCE}" src="${origin}/formula.js"></script></body></html>`);
          return;
        }
        if (path === '/favicon.ico') {
          res.writeHead(204);
          res.end();
          return;
        }
        if (path === '/formula.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(script);
          return;
        }
        const rel = decodeURIComponent(path).replace(/^\/+/, '');
        const file = join(repoPath(), rel);
        if (!(rel.startsWith('dist/media/katex/') || rel === 'media/panel.css' || rel === 'test/explain/fixtures/formulaView.css') || rel.includes('..') || !existsSync(file)) {
          res.writeHead(404);
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
      });
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromiumSession();
    page = await browser.newPage({ viewport: { width: 900, height: 1100 }, deviceScaleFactor: 1 });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => { w.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} ${e.sample}`); });
    });
    await page.goto(`${origin}/page.html`);
    await page.waitForFunction(() => '__formula' in window);
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('renders Adam\'s rule, asks for the values of the selected step, and shows them on hover', async () => {
    const { hyper, values } = adamValues(12);
    await page.evaluate(([h]) => {
      (window as unknown as { __formula: { view: { select(r: number, s: number, spec: unknown): void } } }).__formula.view
        .select(0, 12, { optimizer: 'adam', hyperparameters: h, label: 'Adam η=0.05' });
    }, [hyper] as const);
    await page.waitForFunction(() => (window as unknown as { __formula: { requests: unknown[] } }).__formula.requests.length === 1);
    const requests = await page.evaluate(() => (window as unknown as { __formula: { requests: unknown[] } }).__formula.requests);
    assert.deepEqual(requests, [{ run: 0, step: 12 }]);
    await page.evaluate((v) => { (window as unknown as { __formula: { view: { setValues(v: unknown): void } } }).__formula.view.setValues(v); }, values);

    assert.ok(await page.locator('.formula-rule .katex').count() >= 6, 'each line rendered by KaTeX');
    const fontOk = await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px KaTeX_Main'); });
    assert.ok(fontOk, 'KaTeX fonts load from dist/media/katex');

    const mhat = page.locator('.formula-rule [data-sym="mhat"]').first();
    await mhat.hover();
    const detail = await page.locator('.formula-detail').textContent();
    const bc1 = 1 - 0.9 ** 12;
    const expected = (values.state.scaleByAdam.mu as number[])[0] / bc1;
    assert.match(detail ?? '', /m̂ₜ: Bias-corrected first moment/);
    assert.ok((detail ?? '').includes(String(Number(expected.toPrecision(4)))), `detail "${detail}" should show m̂₀ ≈ ${expected}`);
    assert.equal(await page.locator('.formula-values tr.formula-active').getAttribute('data-sym'), 'mhat');
    const bcCell = await page.locator('.formula-values tr[data-sym="bc1"] .formula-value').textContent();
    assert.equal(bcCell, String(Number(bc1.toPrecision(4))));
    // gₜ: the gradient update t used (at θₜ₋₁; no clipping or weight decay in this run).
    const gCell = await page.locator('.formula-values tr[data-sym="g"] .formula-value').textContent();
    assert.equal(gCell, formatSymbolValue(values.gradUsed));
    const title = await page.locator('.formula-rule [data-sym="step"]').first().getAttribute('title');
    assert.match(title ?? '', /effective per-parameter step.*Value: \[/);

    mkdirSync(repoPath('test-results', 'explain'), { recursive: true });
    await page.locator('.formula-view').screenshot({ path: repoPath('test-results', 'explain', 'formula-view.png') });
  });

  it('shows each formula once: typeset for the eye, its words for screen readers only', async () => {
    const lines = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.formula-rule .formula-line')].map((math) => {
      const words = math.nextElementSibling as HTMLElement;
      const box = words.getBoundingClientRect(), shown = math.getBoundingClientRect();
      return { words: words.textContent ?? '', className: words.className, area: box.width * box.height, mathHeight: shown.height, hidden: math.getAttribute('aria-hidden') };
    }));
    assert.ok(lines.length >= 6, `Adam's rule has ${lines.length} lines`);
    for (const l of lines) {
      assert.ok(l.mathHeight > 10, `${l.words}: the typeset line is shown`);
      assert.ok(l.area <= 1, `${l.words}: its words take ${l.area} px² on screen (${l.className})`);
      assert.equal(l.hidden, 'true', `${l.words}: the typeset line is hidden from screen readers (they read the words)`);
    }
    // What a screen reader gets: each line's words, once.
    const aria = await page.locator('.formula-rule').ariaSnapshot();
    for (const l of lines) {
      const words = l.words.replace(/\s+/g, ' ');
      assert.equal(aria.split(words).length - 1, 1, `"${words}" once in the accessibility tree:\n${aria}`);
    }
  });

  it('ignores a reply for another step and follows the next selection', async () => {
    const { hyper, values } = adamValues(3);
    const before = await page.locator('.formula-values tr[data-sym="bc1"] .formula-value').textContent();
    await page.evaluate((v) => { (window as unknown as { __formula: { view: { setValues(v: unknown): void } } }).__formula.view.setValues(v); }, values);
    assert.equal(await page.locator('.formula-values tr[data-sym="bc1"] .formula-value').textContent(), before, 'stale reply ignored');
    await page.evaluate(([h]) => {
      (window as unknown as { __formula: { view: { select(r: number, s: number, spec: unknown): void } } }).__formula.view
        .select(1, 3, { optimizer: 'momentum', hyperparameters: { ...h, momentum: 0.9 }, label: 'Momentum' });
    }, [hyper] as const);
    assert.match(await page.locator('.formula-title').textContent() ?? '', /Momentum/);
    assert.equal(await page.locator('.formula-block-title').count(), 2, 'the classical form and PyTorch\'s');
  });

  it('puts a rule shown before back instead of typesetting it again, with its symbols working', async () => {
    type Formula = { __formula: { view: { select(r: number, s: number, spec: unknown): void } } };
    const select = (run: number, optimizer: string, label: string): Promise<void> => page.evaluate(([r, o, l]) => {
      (window as unknown as Formula).__formula.view.select(r as number, 3, { optimizer: o, hyperparameters: { lr: 0.05 }, label: l });
    }, [run, optimizer, label] as const);
    await select(0, 'adam', 'Adam η=0.05');
    // Mark the nodes KaTeX made for Adam's rule, show another rule, then Adam's again.
    const marked = await page.evaluate(() => {
      const lines = [...document.querySelectorAll<HTMLElement>('.formula-rule .formula-line')];
      lines.forEach((e, i) => { (e as unknown as { __mark: number }).__mark = i + 1; });
      return lines.length;
    });
    assert.ok(marked >= 2, `Adam's rule has ${marked} lines`);
    await select(1, 'rmsprop', 'RMSprop');
    assert.match(await page.locator('.formula-title').textContent() ?? '', /RMSprop/);
    // RMSprop's own lines are typeset (a line with the same TeX as one of Adam's may be Adam's node).
    assert.ok(await page.evaluate(() => [...document.querySelectorAll('.formula-rule .formula-line')].some((e) => !(e as unknown as { __mark?: number }).__mark)),
      'RMSprop\'s rule has lines of its own');
    await select(0, 'adam', 'Adam η=0.05');
    const again = await page.evaluate(() => [...document.querySelectorAll('.formula-rule .formula-line')].map((e) => (e as unknown as { __mark?: number }).__mark ?? 0));
    assert.deepEqual(again, Array.from({ length: marked }, (_, i) => i + 1), 'the same nodes, in order');
    // The symbols in the nodes put back still explain themselves.
    await page.locator('.formula-rule [data-sym="mhat"]').first().hover();
    assert.match(await page.locator('.formula-detail').textContent() ?? '', /m̂ₜ: Bias-corrected first moment/);
    assert.equal(await page.locator('.formula-values tr.formula-active').getAttribute('data-sym'), 'mhat');
    assert.equal(await page.locator('.formula-rule .formula-active').count() > 0, true);
  });

  it('caused no CSP violation, console error or failed request', async () => {
    const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
  });
});
