/**
 * `node out/bench/runListRender.js [--reps N] [--src DIR] [--profile FILE] [--trace FILE] [--only EDIT]`: what a structural
 * edit of the run list costs the panel's main thread, frame by frame. The webview bundle (built
 * here with esbuild into a private folder, from `DIR/src/webview/main.ts` with `--src`, e.g. an
 * older checkout for a before/after) runs in headless Chromium in the panel's own page
 * (test/webview/pageServer.ts). Each repetition starts from one run and makes the edits a person
 * makes: 1 → 4 runs (an applied experiment, as `npm run bench:vscode` does), add a run, remove
 * run 1, duplicate run 2, change run 3's optimizer; then, for comparison, a value edit (η typed
 * in a field), which builds nothing in the run list: the panel's own share of any edit.
 *
 * An edit is made at the start of an animation frame; that frame's main-thread time runs from
 * there to just after its paint (a task queued from the frame runs after rendering), and each
 * following frame's from its first rAF callback to after its paint, until the run list is
 * complete and idle. Printed per edit: the median over the repetitions of the busiest frame, of
 * the edit's own frame, and of the total over frames, with the frame count. Figures, not a test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import type { PanelExperiment } from '../src/protocol';
import { repoPath } from '../test/repoRoot';
import { bundleWebview, fakeVsCode, servePanel, settled } from '../test/webview/pageServer';
import { buildScenario, fourRuns } from '../test/webview/scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NONCE = 'benchnonce0123456789';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** One run none of `fourRuns` has, so 1 → 4 builds every card (the worst case for a kept card). */
const oneRun: PanelExperiment = {
  ...fourRuns, title: 'Rosenbrock, one run', steps: 100,
  runs: [{ label: 'Adagrad η=0.01', optimizer: 'adagrad', hyperparameters: { lr: 0.01 } }],
};
const fourRunsApplied: PanelExperiment = { ...fourRuns, steps: 100 };

/** Per edit: main-thread ms of each frame until the list is idle (the edit's frame first). */
type Frames = number[];

/**
 * Runs `edit` (an expression over `dbg`, the page's `__optimizerPlayground`, and `list`, the
 * `.run-list`) at the start of a frame and returns each frame's main-thread time until the run
 * list says it is complete (no `data-pending` on it) and one more frame passed.
 */
async function measureEdit(page: Page, edit: string): Promise<Frames> {
  return page.evaluate(async (source) => {
    const dbg = (window as unknown as { __optimizerPlayground: unknown }).__optimizerPlayground;
    const list = document.querySelector<HTMLElement>('.run-list')!;
    const run = new Function('dbg', 'list', source) as (d: unknown, l: HTMLElement) => void;
    const afterPaint = (): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(performance.now()), 0));
    const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
    // Quiet first: two frames with nothing else to do.
    await frame();
    await frame();
    const frames: number[] = [];
    await new Promise<void>((resolve) => {
      let quietFrames = 0;
      const next = (): void => {
        // Registered first thing, so this frame's callback runs before anything the edit scheduled for that frame.
        requestAnimationFrame(() => {
          const start = performance.now();
          const pending = list.hasAttribute('data-pending');
          void afterPaint().then((end) => {
            frames.push(end - start);
            quietFrames = pending || list.hasAttribute('data-pending') ? 0 : quietFrames + 1;
            if (quietFrames >= 1 || frames.length > 60) resolve();
            else next();
          });
        });
      };
      requestAnimationFrame(() => {
        const start = performance.now();
        next();
        run(dbg, list);
        void afterPaint().then((end) => frames.unshift(end - start));
      });
    });
    // The last frame measured was idle (the check above): drop it.
    return frames.slice(0, -1);
  }, edit);
}

/** [name, the edit, what a person does first (not measured)]. */
const EDITS: ReadonlyArray<readonly [string, string, string?]> = [
  ['1 → 4 runs (applied experiment)', `dbg.applyExperiment(${JSON.stringify(fourRunsApplied)})`],
  ['add a run (4 → 5)', `list.parentElement.querySelector('.add-run').click()`],
  ['remove run 1 (5 → 4)', `list.querySelector('.run-card[data-run="0"] vscode-toolbar-button[icon="trash"]').click()`],
  ['duplicate run 2 (4 → 5)', `list.querySelector('.run-card[data-run="1"] vscode-toolbar-button[icon="copy"]').click()`],
  // A select holds its options from when it is first focused (fields.ts selectField): focus it first, as a person does.
  ['change run 3\'s optimizer', `const s = list.querySelector('.run-card[data-run="2"] .run-optimizer'); s.value = 'adamw'; s.dispatchEvent(new Event('change'))`,
    `list.querySelector('.run-card[data-run="2"] .run-optimizer').focus()`],
  // For comparison: what any edit costs the panel besides the run list (validation, the update rule, the post).
  ['a value edit (run 1\'s η typed)', `const f = list.querySelector('vscode-textfield[data-path="runs[0].lr"]'); f.value = f.value === '0.002' ? '0.003' : '0.002'; f.dispatchEvent(new Event('input'))`],
];

interface TraceEvent { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }

/** Main-thread time by trace event name (inclusive), in ms: where the frames' time goes. */
function summarizeTrace(trace: { traceEvents: TraceEvent[] }, top = 16): string {
  const threads = new Map<string, string>();
  for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const by = new Map<string, { ms: number; count: number }>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || e.dur === undefined || threads.get(`${e.pid}:${e.tid}`) !== 'CrRendererMain') continue;
    const b = by.get(e.name) ?? { ms: 0, count: 0 };
    b.ms += e.dur / 1000;
    b.count++;
    by.set(e.name, b);
  }
  return `main thread by trace event (inclusive), the edits of one repetition:\n${[...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
    .map(([k, v]) => `  ${v.ms.toFixed(0).padStart(7)} ms ${String(v.count).padStart(5)}×  ${k}`).join('\n')}`;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Prints the run list's structural-edit frames (median of `reps`), from the repo's webview or `srcRoot`'s. */
export async function benchRunListRender(options: { reps?: number; srcRoot?: string; profile?: string; trace?: string; only?: string } = {}): Promise<void> {
  const reps = options.reps ?? 10;
  const srcRoot = options.srcRoot ?? repoPath();
  const dir = repoPath('out-bench-runlist', options.srcRoot ? 'other' : 'repo');
  await bundleWebview(dir, { srcRoot });
  const server = await servePanel({ nonce: NONCE, bundleDir: dir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const results = new Map<string, Frames[]>(EDITS.map(([name]) => [name, []]));
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await fakeVsCode(page);
    await page.goto(`${server.origin}/panel.html`);
    await page.waitForFunction(() => '__optimizerPlayground' in window);
    await page.evaluate((m) => window.postMessage(m, '*'), buildScenario(oneRun, 40).init);
    await settled(page);
    const cdp = options.profile ? await page.context().newCDPSession(page) : undefined;
    for (let rep = 0; rep < reps + 1; rep++) {
      // Back to one run (not measured), then the edits.
      await page.evaluate((exp) => (window as unknown as { __optimizerPlayground: { applyExperiment(e: unknown): void } }).__optimizerPlayground.applyExperiment(exp), oneRun);
      await page.waitForFunction(() => !document.querySelector('.run-list')?.hasAttribute('data-pending'));
      await page.waitForTimeout(200);
      if (options.only) {
        // Every edit before the one measured, unmeasured, so that it finds the runs it expects.
        for (const [name, edit] of EDITS) {
          if (name.includes(options.only)) break;
          await page.evaluate((source) => { new Function('dbg', 'list', source)((window as unknown as { __optimizerPlayground: unknown }).__optimizerPlayground, document.querySelector('.run-list')); }, edit);
          await page.waitForFunction(() => !document.querySelector('.run-list')?.hasAttribute('data-pending'));
          await page.waitForTimeout(100);
        }
      }
      if (options.trace && rep === reps) {
        await browser.startTracing(page, { path: options.trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] });
      }
      if (cdp && rep === reps) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      for (const [name, edit, prepare] of EDITS) {
        if (options.only && !name.includes(options.only)) continue;
        if (prepare) {
          await page.evaluate((source) => { new Function('dbg', 'list', source)((window as unknown as { __optimizerPlayground: unknown }).__optimizerPlayground, document.querySelector('.run-list')); }, prepare);
          await page.waitForTimeout(100);
        }
        const frames = await measureEdit(page, edit);
        // The first repetition warms up (code compiled, styles cached) and is left out.
        if (rep > 0 && !((cdp || options.trace) && rep === reps)) results.get(name)!.push(frames);
        await page.waitForTimeout(100);
      }
      if (cdp && rep === reps) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(options.profile!, JSON.stringify(profile));
      }
      if (options.trace && rep === reps) {
        await browser.stopTracing();
        console.log(summarizeTrace(JSON.parse(readFileSync(options.trace, 'utf8')) as { traceEvents: TraceEvent[] }));
      }
    }
    const cards = await page.locator('.run-card').count();
    if (cards !== 5 && !options.only) errors.push(`expected 5 cards after the edits, found ${cards}`);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`run list structural edits (${options.srcRoot ? srcRoot : 'this checkout'}), median of ${Math.max(1, reps - (options.profile ? 1 : 0))}, main-thread ms:`);
  for (const [name, all] of results) {
    if (all.length === 0) continue;
    const busiest = median(all.map((f) => Math.max(...f)));
    const first = median(all.map((f) => f[0]!));
    const total = median(all.map((f) => f.reduce((a, b) => a + b, 0)));
    const count = median(all.map((f) => f.length));
    console.log(`  ${name.padEnd(34)} busiest frame ${busiest.toFixed(1).padStart(6)}   edit's frame ${first.toFixed(1).padStart(6)}   total ${total.toFixed(1).padStart(6)} over ${count} frame(s)`);
  }
  if (errors.length > 0) console.log(`  page errors: ${errors.join(' | ')}`);
}

if (require.main === module) {
  const reps = Number(arg('--reps') ?? 10);
  const src = arg('--src');
  const profile = arg('--profile');
  const only = arg('--only');
  const trace = arg('--trace');
  benchRunListRender({ ...(trace ? { trace } : {}),  reps, ...(src ? { srcRoot: src } : {}), ...(profile ? { profile } : {}), ...(only ? { only } : {}) }).then(() => process.exit(0), (e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exit(1);
  });
}
