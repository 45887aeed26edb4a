/**
 * `npm run bench:vscode`: the extension in a real VS Code (code-server under headless Chromium,
 * started by scripts/test-integration.mjs --bench). Figures, not tests — they vary with the machine:
 *
 * - command → first plotted point: from Enter on "Open Playground" in the command palette to the
 *   first row in the webview's loss chart (a fresh panel each time; median of 5, the first one cold);
 *   and our part of it, from the webview's document (its response, after the service worker's wait
 *   that every webview here pays) to the loss chart's first points, beside the Markdown preview's
 *   own part (its document to its content);
 * - frame times while 4 runs × 10,000 steps stream into the charts: the longest frame and the frame
 *   rate, in the webview and in the workbench around it (requestAnimationFrame gaps);
 * - activation: what `activate()` reported in the extension's log, and VS Code's own figure from
 *   "Developer: Show Running Extensions".
 * Targets (issue 4): first point < 500 ms, no frame > 100 ms while streaming, activation < 50 ms.
 *
 * `serviceWorker`: for two warm runs (ours and the Markdown preview's), from a Chrome trace, how long
 * the webview's content frame (`fake.html`) waited for VS Code's webview service worker to activate.
 * Every webview in code-server registers that worker anew (its script URL carries the webview's id)
 * for one shared scope, so the new worker replaces the previous webview's; Chromium then activates it
 * one second after the old one has gone idle (`ServiceWorkerRegistration::ActivateWaitingVersion`,
 * `delay`), and no webview content can load before that.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { playgroundFrame, runCommand } from '../test/integration/browser';

interface BenchContext {
  readonly page: Page;
  readonly resultsDir: string;
  readonly server: { readonly base: string; readonly workspace: string };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Installs a requestAnimationFrame recorder in a frame (`window.__frames`). */
const RECORD_FRAMES = `(() => {
  const w = window; w.__frames = []; w.__recording = true;
  const tick = (t) => { if (w.__recording) { w.__frames.push(t); requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => { window.__recording = false; return window.__frames; })()`;

/** Frame statistics; `longest`: the five longest frames, each with when it began (ms after the first frame). */
function frameStats(ts: readonly number[]): { frames: number; fps: number; longestMs: number; over50: number; over100: number; longest: string[] } {
  let longest = 0, over50 = 0, over100 = 0;
  const all: [number, number][] = [];
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i] - ts[i - 1];
    longest = Math.max(longest, d);
    if (d > 50) over50++;
    if (d > 100) over100++;
    all.push([d, ts[i - 1] - ts[0]]);
  }
  const span = ts.length > 1 ? ts[ts.length - 1] - ts[0] : 0;
  const top = all.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([d, at]) => `${Math.round(d)} ms at ${Math.round(at)} ms`);
  return { frames: ts.length, fps: span > 0 ? ((ts.length - 1) * 1000) / span : 0, longestMs: longest, over50, over100, longest: top };
}

/** When each frame's document started, and the webview's marks (see src/webview/main.ts), in ms after `t0`. */
const TIMELINE = `(() => {
  const o = performance.timeOrigin;
  const doc = location.pathname.split('/').pop() || location.pathname;
  const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('op:')).map((m) => [m.name, o + m.startTime]);
  const nav = performance.getEntriesByType('navigation')[0];
  const navs = nav ? [[doc + ' responseEnd', o + nav.responseEnd], [doc + ' DOMContentLoaded', o + nav.domContentLoadedEventEnd]] : [];
  const res = performance.getEntriesByType('resource').flatMap((r) => {
    const n = doc + ' → ' + r.name.split('?')[0].split('/').slice(-1)[0];
    return [[n + ' start', o + r.startTime], [n + ' end', o + r.responseEnd]];
  });
  return [[doc + ' (document)', o], ...navs, ...res, ...marks];
})()`;

/** When a frame's document arrived (its navigation's response end), ms after its time origin. */
const DOCUMENT_AT = `(performance.getEntriesByType('navigation')[0]?.responseEnd ?? 0)`;

/** Polls every frame until `test` (JS evaluated in the frame) is true; the frame, and ms since `t0`. */
async function waitForFrame(page: Page, t0: number, test: string, what: string): Promise<{ frame: Frame; total: number }> {
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.evaluate(test).catch(() => false)) return { frame, total: Date.now() - t0 };
    }
    if (Date.now() - t0 > 60_000) throw new Error(`${what} within 60 s`);
    await page.waitForTimeout(5);
  }
}

/** Every frame's TIMELINE entries from `t0` on (ms after it), those whose name matches `keep`. */
async function timelineSince(page: Page, t0: number, keep: RegExp = /./): Promise<Record<string, number>> {
  const timeline: Record<string, number> = {};
  for (const g of page.frames()) {
    const entries = await g.evaluate(TIMELINE).catch(() => []) as [string, number][];
    for (const [name, at] of entries) if (at >= t0 - 1000 && keep.test(name)) timeline[name] = Math.round(at - t0);
  }
  return timeline;
}

async function firstPointMs(page: Page): Promise<{ total: number; ours: number; timeline: Record<string, number> }> {
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(500);
  const t0 = await runCommand(page, 'Optimizer Playground: Open Playground');
  const { frame, total } = await waitForFrame(page, t0,
    '!!window.__optimizerPlayground && window.__optimizerPlayground.data("loss", "points").length > 0', 'no point plotted');
  const timeline = await timelineSince(page, t0);
  // Our part: from the webview's own document (its response, after code-server held the frame's
  // navigation for its service worker, which every webview waits for) to the loss chart's first points.
  const ours = await frame.evaluate(`(performance.getEntriesByName('op:plotted:loss')[0]?.startTime ?? NaN) - ${DOCUMENT_AT}`) as number;
  // Let the panel finish loading before it is closed: a webview closed while its resources are
  // still being fetched leaves the service worker waiting 30 s for them, and VS Code's next webview with it.
  await frame.evaluate('window.__optimizerPlayground.settled()').catch(() => undefined);
  return { total, ours: Math.round(ours), timeline };
}

/**
 * Four optimizers × 10,000 steps on Rosenbrock (the tolerance is tiny so that none stops early),
 * applied as if typed into the panel; the stream is measured from the edit to Idle again.
 */
const STREAM_EXPERIMENT = {
  title: 'Four optimizers × 10,000 steps', loss: { preset: 'rosenbrock' }, steps: 10_000, seed: 0, tolerance: 1e-300,
  runs: [
    { label: 'Adam η=0.05', optimizer: 'adam', hyperparameters: { lr: 0.05 }, enabled: true },
    { label: 'SGD μ=0.9 η=0.001', optimizer: 'sgd', hyperparameters: { lr: 0.001, momentum: 0.9 }, enabled: true },
    { label: 'RMSprop η=0.01', optimizer: 'rmsprop', hyperparameters: { lr: 0.01 }, enabled: true },
    { label: 'Adagrad η=0.5', optimizer: 'adagrad', hyperparameters: { lr: 0.5 }, enabled: true },
  ],
};

/**
 * With the panel open: from Enter on a preset in "Open Preset…" to the new experiment's first
 * plotted point (the webview is there already; the host re-runs and streams).
 */
async function presetInOpenPanelMs(page: Page, frame: Frame, preset: string): Promise<number> {
  await runCommand(page, 'Optimizer Playground: Open Preset…');
  // The preset quick pick: retried, since Enter on the palette sometimes lands before the command's pick opens.
  const input = page.locator('.quick-input-widget input[placeholder="A built-in loss to optimize"] >> visible=true');
  if (!(await input.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    await page.keyboard.press('Escape');
    return presetInOpenPanelMs(page, frame, preset);
  }
  await input.fill(preset);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: preset }).first().waitFor({ timeout: 15_000 });
  // The new run is plotted when the chart's start (step 0) is the new problem's, not the old one's.
  const startLoss = `(() => { const r = window.__optimizerPlayground.data('loss', 'points').find((p) => p.step === 0); return r ? r.loss : null; })()`;
  const before = await frame.evaluate(startLoss) as number | null;
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  for (;;) {
    const now = await frame.evaluate(startLoss) as number | null;
    if (now !== null && now !== before) return Date.now() - t0;
    if (Date.now() - t0 > 60_000) throw new Error(`no point of ${preset} plotted within 60 s`);
    await page.waitForTimeout(5);
  }
}

/**
 * The same measure for VS Code's own Markdown preview (a built-in extension's webview): the floor
 * any webview pays here before its first script runs (the webview's iframes, its service worker,
 * fetching through the workbench), for comparison with ours.
 */
async function markdownPreviewMs(page: Page, workspace: string): Promise<{ total: number; document: number; timeline: Record<string, number> }> {
  fs.writeFileSync(path.join(workspace, 'baseline.md'), '# Baseline\n\nA paragraph for the preview.\n');
  await runCommand(page, 'View: Close All Editors');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('baseline.md');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'baseline.md' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
  const t0 = await runCommand(page, 'Markdown: Open Preview to the Side');
  const { frame, total } = await waitForFrame(page, t0, '!!document.querySelector(".markdown-body h1")', 'the Markdown preview did not render');
  // Its part, as ours: from its document to its content (seen by the poll, so a little late).
  const own = await frame.evaluate(`performance.now() - ${DOCUMENT_AT}`) as number;
  return { total, document: Math.round(own), timeline: await timelineSince(page, t0, /fake|index\.js|\(document\)/) };
}

async function streamFrames(page: Page, frame: Frame): Promise<Record<string, unknown>> {
  const hookEval = <T>(js: string): Promise<T> => frame.evaluate(js) as Promise<T>;
  // The host's state (the status may say "Playing" after the host is done).
  const idle = async (): Promise<boolean> => (await hookEval<string>('document.querySelector(".status-text")?.dataset.state ?? ""')) === 'idle';
  while (!(await idle())) await page.waitForTimeout(20);
  await hookEval('window.__optimizerPlayground.settled()');
  await hookEval('window.__optimizerPlayground.resetStats()');
  await frame.evaluate(RECORD_FRAMES);
  await page.evaluate(RECORD_FRAMES);
  const trace = process.env.OP_TRACE_STREAM ? page.context().browser() : null;
  if (trace) await trace.startTracing(page, { path: process.env.OP_TRACE_STREAM, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler'] });
  const t0 = Date.now();
  await hookEval(`performance.mark('op:stream-start'); window.__optimizerPlayground.applyExperiment(${JSON.stringify(STREAM_EXPERIMENT)})`);
  // Streaming began when the scrubber went past the old 300 steps, and is over at Idle again.
  const maxStep = (): Promise<number> => hookEval<number>('Number(document.querySelector(".scrubber")?.max ?? 0)');
  while ((await maxStep()) <= 300) {
    if (Date.now() - t0 > 60_000) throw new Error('the 10,000-step runs did not start within 60 s');
    await page.waitForTimeout(20);
  }
  while (!(await idle())) {
    if (Date.now() - t0 > 300_000) throw new Error('still running after 300 s');
    await page.waitForTimeout(20);
  }
  await hookEval('window.__optimizerPlayground.settled()');
  if (trace) await trace.stopTracing();
  const plotted = await hookEval<number>('window.__optimizerPlayground.pointCount()');
  const streamMs = Date.now() - t0;
  const webview = frameStats(await frame.evaluate(STOP_FRAMES) as number[]);
  const workbench = frameStats(await page.evaluate(STOP_FRAMES) as number[]);
  const charts = await hookEval<Record<string, unknown>>('Object.fromEntries(["loss", "paths", "lr", "gradNorm"].map((c) => [c, window.__optimizerPlayground.stats(c)]))');
  const displayed = await hookEval<number>('window.__optimizerPlayground.displayCount()');
  return { streamMs, pointsReceived: plotted, rowsDisplayed: displayed, webview, workbench, charts };
}

function activationFromLog(base: string): number | undefined {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Optimizer Playground.log' || /Optimizer Playground/.test(e.name)) found.push(p);
    }
  };
  try { walk(base); } catch { return undefined; }
  for (const f of found) {
    const m = /activated in ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8'));
    if (m) return Number(m[1]);
  }
  return undefined;
}

const SW_CATEGORIES = ['ServiceWorker', 'navigation', 'loading'];

interface ServiceWorkerWait {
  /** `fake.html`'s navigation held until the worker activated ("Wait until finished SW activation"), ms. */
  readonly fakeHtmlWaitMs: number | undefined;
  /** From the new worker's "activating" to its activate event being dispatched, ms (Chromium's 1 s delay). */
  readonly activatingToActivateEventMs: number | undefined;
}

/** The service-worker wait of the webview opened while the trace ran (see the header). */
function serviceWorkerWait(trace: Buffer): ServiceWorkerWait {
  type Ev = { name: string; ts: number; args?: Record<string, unknown> };
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: Ev[] }).traceEvents.sort((a, b) => a.ts - b.ts);
  const info = (e: Ev): string => JSON.stringify(e.args ?? {});
  const held = events.find((e) => e.name === 'ServiceWorkerControlleeRequestHandler::ContinueWithRegistration' && /Wait until finished SW activation/.test(info(e)));
  const forwarded = held && events.find((e) => e.ts > held.ts && e.name === 'ServiceWorkerControlleeRequestHandler::ContinueWithActivatedVersion');
  const activating = events.find((e) => e.name === 'ServiceWorkerVersion::SetStatus' && /"activating"/.test(info(e)));
  const activate = activating && events.find((e) => e.ts > activating.ts && e.name === 'ServiceWorkerVersion::Request' && /Activate/.test(info(e)));
  const ms = (a?: Ev, b?: Ev): number | undefined => (a && b ? Math.round((b.ts - a.ts) / 1000) : undefined);
  return { fakeHtmlWaitMs: ms(held, forwarded), activatingToActivateEventMs: ms(activating, activate) };
}

async function vscodeActivation(page: Page): Promise<string | undefined> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'optimizer-playground' }).first();
  const ok = await row.waitFor({ timeout: 15_000 }).then(() => true, () => false);
  if (!ok) return undefined;
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  return /(\d+)\s*ms/.exec(text)?.[0] ?? text;
}

export async function benchVscode({ page, resultsDir, server }: BenchContext): Promise<void> {
  const runs: { total: number; ours: number; timeline: Record<string, number> }[] = [];
  const browser = page.context().browser()!;
  const serviceWorker: Record<string, ServiceWorkerWait> = {};
  for (let i = 0; i < 5; i++) {
    const trace = process.env.OP_TRACE && i === 3;
    if (trace) await browser.startTracing(page, { path: process.env.OP_TRACE, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing', 'loading', 'navigation', 'disabled-by-default-v8.cpu_profiler'] });
    else if (i === 2) await browser.startTracing(page, { categories: SW_CATEGORIES });
    runs.push(await firstPointMs(page));
    if (trace) await browser.stopTracing();
    else if (i === 2) serviceWorker.playground = serviceWorkerWait(await browser.stopTracing());
  }
  const times = runs.map((r) => r.total);
  const markdown: { total: number; document: number; timeline: Record<string, number> }[] = [];
  for (let i = 0; i < 3; i++) {
    if (i === 2) await browser.startTracing(page, { categories: SW_CATEGORIES });
    markdown.push(await markdownPreviewMs(page, server.workspace));
    if (i === 2) serviceWorker.markdownPreview = serviceWorkerWait(await browser.stopTracing());
  }
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Optimizer Playground: Open Playground');
  const frame = await playgroundFrame(page);
  await frame.evaluate('window.__optimizerPlayground.settled()');
  const inOpenPanel: number[] = [];
  for (const preset of ['Beale', 'Himmelblau', 'Booth', 'Rosenbrock', 'Beale']) inOpenPanel.push(await presetInOpenPanelMs(page, frame, preset));
  const streaming = await streamFrames(page, frame);
  const activationMs = activationFromLog(server.base);
  const vscodeFigure = await vscodeActivation(page);
  await page.screenshot({ path: path.join(resultsDir, 'bench-running-extensions.png') });
  // The figures issue 10 asks for, as ratios from this one run: a warm open (every run but the
  // first, cold one) against VS Code's own Markdown preview in the same window; our part (webview
  // document → first chart) against its 300 ms budget and against the preview's (document → content);
  // the longest frame while streaming against 100 ms.
  const warm = median(times.slice(1));
  const markdownMedian = median(markdown.map((m) => m.total));
  const oursMedian = median(runs.slice(1).map((r) => r.ours));
  const longestFrame = (streaming.webview as { longestMs: number }).longestMs;
  const markdownDocumentMedian = median(markdown.map((m) => m.document));
  const ratios = {
    warmOpenVsMarkdownPreview: Number((warm / markdownMedian).toFixed(2)),
    webviewDocumentToFirstChartVs300ms: Number((oursMedian / 300).toFixed(2)),
    webviewDocumentToFirstChartVsMarkdownPreviews: Number((oursMedian / markdownDocumentMedian).toFixed(2)),
    longestStreamingFrameVs100ms: Number((longestFrame / 100).toFixed(2)),
    warmOpenMs: warm, markdownPreviewMs: markdownMedian, webviewDocumentToFirstChartMs: oursMedian, markdownPreviewDocumentToContentMs: markdownDocumentMedian, longestStreamingFrameMs: Math.round(longestFrame),
    loadAverage1min: Number(os.loadavg()[0].toFixed(1)), cores: os.cpus().length,
  };
  const result = {
    ratios,
    // `plotted`: when the loss chart's first points were drawn (the webview's own mark, relative to the
    // Enter on the command); `median`/`all`: when this driver saw them (polling every frame, later).
    firstPointMs: { plotted: { median: median(runs.map((r) => r.timeline['op:plotted:loss'] ?? NaN)), all: runs.map((r) => r.timeline['op:plotted:loss']) },
      median: median(times), cold: times[0], all: times,
      timelines: runs.map((r) => Object.fromEntries(Object.entries(r.timeline).sort((a, b) => a[1] - b[1]))) },
    presetInOpenPanelMs: { median: median(inOpenPanel), all: inOpenPanel },
    markdownPreviewBaselineMs: { median: median(markdown.map((m) => m.total)), all: markdown.map((m) => m.total), documentToContent: markdown.map((m) => m.document),
      timelines: markdown.map((m) => m.timeline) },
    serviceWorker,
    loadAverage: os.loadavg()[0],
    streaming4x10k: streaming,
    activation: { activateMs: activationMs, vscodeRunningExtensions: vscodeFigure },
  };
  const dir = path.join(resultsDir, '..', 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'vscode.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}
