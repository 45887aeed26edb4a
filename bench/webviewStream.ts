/**
 * `node out/bench/webviewStream.js [--profile FILE] [--runs N] [--steps-per-tick N]`: the panel's
 * frames while 4 runs × 10,000 steps stream in, outside VS Code. The webview bundle
 * (src/webview/main.ts, built here with esbuild into a private folder so parallel builds of dist/
 * do not interfere) runs in headless Chromium in a page with the panel's own HTML and CSP and a
 * fake `acquireVsCodeApi` (test/webview/pageServer.ts, as the browser test). The host's messages
 * come from the real engine through the host's display thinning (test/webview/scenario.ts with
 * `host: true`) and are posted by a timer in the page every `flushMs` (33 ms, the controller's
 * flush interval), each carrying `--steps-per-tick` runner steps.
 *
 * Prints the longest requestAnimationFrame gap, frames over 50 and 100 ms, long tasks, each
 * chart's longest update, and (with --profile) the functions with the most self and total time
 * from a CDP CPU profile, written to FILE (open it in Chromium's devtools). Figures, not a test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoPath } from '../test/repoRoot';
import { fakeVsCode, servePanel, settled, type PageProbe } from '../test/webview/pageServer';
import { buildScenario, fourRuns as experiment } from '../test/webview/scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NONCE = 'benchnonce0123456789';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Bundles the webview as scripts/build.mjs does (an ES module and its chunks), into `dir`. */
async function bundle(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  await esbuild.build({ bundle: true, platform: 'browser', target: 'es2022', format: 'esm', splitting: true, sourcemap: true,
    minify: !process.argv.includes('--readable'), logLevel: 'warning', entryPoints: { webview: repoPath('src/webview/main.ts') }, outdir: dir,
    chunkNames: 'chunks/[name]-[hash]' });
  return join(dir, 'webview.js');
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self and total milliseconds per function (total counted once per stack, recursion included once). */
function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000));
  const key = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!;
    const k = key(n);
    let t = self.get(id) ?? 0;
    selfBy.set(k, (selfBy.get(k) ?? 0) + t);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    for (const c of n.children ?? []) t += walk(c, onStack);
    if (fresh) {
      onStack.delete(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + t);
    }
    return t;
  };
  const root = profile.nodes[0]!;
  walk(root.id, new Set());
  const fmt = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n');
  return `self time:\n${fmt(selfBy)}\ntotal time:\n${fmt(totalBy)}`;
}

interface TraceEvent { name: string; ph: string; dur?: number; tid: number; pid: number; ts: number; args?: { name?: string } }

/** Main-thread time by event name (complete events, self time not separated), in ms. */
function summarizeTrace(trace: { traceEvents: TraceEvent[] }, top = 20): string {
  const threads = new Map<string, string>();
  for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const by = new Map<string, number>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? '?';
    if (thread !== 'CrRendererMain') continue;
    by.set(e.name, (by.get(e.name) ?? 0) + e.dur / 1000);
  }
  return `main thread, by trace event (inclusive):\n${[...by].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n')}`;
}

async function main(): Promise<void> {
  const dir = repoPath('out-bench-webview');
  mkdirSync(dir, { recursive: true });
  const script = await bundle(dir);
  const server = await servePanel({ nonce: NONCE, bundleDir: dirname(script) });
  const origin = server.origin;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const repeats = Number(arg('--runs') ?? 1);
  const stepsPerTick = Number(arg('--steps-per-tick') ?? 200);
  const scenario = buildScenario(experiment, stepsPerTick, { host: true });
  const width = Number(arg('--width') ?? 1200);
  try {
    for (let rep = 0; rep < repeats; rep++) {
      const page = await browser.newPage({ viewport: { width, height: 1000 }, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await fakeVsCode(page);
      await page.goto(`${origin}/panel.html`);
      await page.waitForFunction(() => '__optimizerPlayground' in window);
      await page.evaluate((m) => window.postMessage(m, '*'), scenario.init);
      await settled(page);
      await page.waitForTimeout(500);
      const profileFile = arg('--profile');
      const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const traceFile = arg('--trace');
      if (traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'cc', 'gpu', 'v8.execute'] });
      const t0 = Date.now();
      const result = await page.evaluate(async ({ stream, flushMs }) => {
        const w = window as unknown as { __probe: PageProbe; __optimizerPlayground: Record<string, (...a: unknown[]) => unknown> };
        w.__probe.longTasks.length = 0;
        w.__optimizerPlayground.resetStats!();
        const frames: number[] = [];
        let recording = true;
        const tick = (t: number): void => { if (recording) { frames.push(t); requestAnimationFrame(tick); } };
        requestAnimationFrame(tick);
        for (const m of stream) {
          window.postMessage(m, '*');
          await new Promise((r) => setTimeout(r, flushMs));
        }
        while (document.querySelector('.panel')?.getAttribute('data-state') !== 'idle') await new Promise((r) => setTimeout(r, 20));
        await w.__optimizerPlayground.settled!();
        await new Promise((r) => setTimeout(r, 300));
        recording = false;
        const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
        const charts = Object.fromEntries(['loss', 'paths', 'lr', 'gradNorm'].map((c) => [c, w.__optimizerPlayground.stats!(c)]));
        return { gaps, longTasks: [...w.__probe.longTasks], charts, displayed: w.__optimizerPlayground.displayCount!() as number };
      }, { stream: scenario.stream, flushMs: 33 });
      const ms = Date.now() - t0;
      if (traceFile) {
        await browser.stopTracing();
        console.log(summarizeTrace(JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] }));
      }
      if (cdp && profileFile) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(profileFile, JSON.stringify(profile));
        console.log(summarize(profile as unknown as Profile));
      }
      const gaps = result.gaps;
      const span = gaps.reduce((a, b) => a + b, 0);
      const longest = Math.max(...gaps);
      console.log(`run ${rep + 1}: ${scenario.stream.length} messages, ${[...scenario.pointsPerRun.values()].join(' + ')} points sent, ${result.displayed} rows shown, ${ms} ms; `
        + `frames: longest ${longest.toFixed(0)} ms, ${gaps.filter((g) => g > 50).length} > 50 ms, ${gaps.filter((g) => g > 100).length} > 100 ms, ${(gaps.length * 1000 / span).toFixed(1)} fps; `
        + `long tasks (top 5) ${result.longTasks.sort((a, b) => b - a).slice(0, 5).join(', ') || 'none'}`);
      console.log(`  update ms (max/total/count): ${Object.entries(result.charts).map(([c, s]) => { const x = s as { runMsMax: number; runMsTotal: number; applications: number }; return `${c} ${x.runMsMax}/${x.runMsTotal}/${x.applications}`; }).join(', ')}`);
      for (const [c, x] of Object.entries(result.charts)) {
        const slow = (x as { slow?: string[] }).slow ?? [];
        if (slow.length > 0) console.log(`  ${c} updates over 50 ms: ${slow.join('; ')}`);
      }
      if (errors.length > 0) console.log(`  page errors: ${errors.join(' | ')}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
