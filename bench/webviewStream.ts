/**
 * `node out/bench/webviewStream.js [--profile FILE] [--trace FILE] [--runs N] [--steps-per-tick N] [--no-edit] [--curvature] [--src DIR]`:
 * the panel's frames while 4 runs × 10,000 steps stream in, outside VS Code. The webview bundle
 * (src/webview/main.ts, built here with esbuild into `webview-bundle` beside this compiled script,
 * so that builds of dist/ or from other out dirs do not interfere) runs in headless Chromium in a
 * page with the panel's own HTML and CSP and a fake `acquireVsCodeApi`
 * (test/webview/pageServer.ts, as the browser test). The host's messages come from the real engine
 * through the host's display thinning (test/webview/scenario.ts with `host: true`) and are posted
 * by a timer in the page every `flushMs` (33 ms, the controller's flush interval), each carrying
 * `--steps-per-tick` runner steps.
 *
 * As `npm run bench:vscode` does, the panel first shows one run (streamed, idle); the measured
 * stream starts with the person's edit to the four runs (`applyExperiment`), then the host's
 * `runStart` and, while the points stream, surfaces over a few other windows (the host follows the
 * paths): each chart's embeds during the stream are printed (layout changes that re-embedded it,
 * with what changed). `--no-edit`: the four runs from the panel's first `init`, no new window.
 * `--src DIR`: the webview of another checkout (e.g. main's, to compare before and after a change).
 *
 * Prints the longest requestAnimationFrame gap, frames over 50 and 100 ms, long tasks, each
 * chart's longest update (and those over 50 ms, with what they did), and (with --profile) the
 * functions with the most self and total time from a CDP CPU profile, written to FILE (open it in
 * Chromium's devtools); with --trace FILE, the main thread's time by trace event and its longest
 * tasks by CPU time beside their wall time (on a loaded machine the wall time is mostly waiting
 * for a core). Figures, not a test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { surfaceGrid } from '../src/charts';
import { getProblem } from '../src/engine/problems';
import { toWire, type PanelExperiment, type ToWebview } from '../src/protocol';
import { bundleWebview, fakeVsCode, servePanel, settled, type PageProbe } from '../test/webview/pageServer';
import { buildScenario, fourRuns } from '../test/webview/scenario';

/** `--curvature`: the four runs with `"curvature": true` (every point's sharpness streams, and the sharpness chart). */
const curvature = process.argv.includes('--curvature');
const experiment: PanelExperiment = curvature ? { ...fourRuns, curvature: true } : fourRuns;
/** The charts whose updates are reported: the per-step charts, and the sharpness chart with `--curvature`. */
const REPORTED_CHARTS = ['loss', 'paths', 'lr', 'gradNorm', ...(curvature ? ['sharpness'] : [])];

/** The experiment the panel shows before the edit: the first of the four runs, 300 steps. */
const oneRun: PanelExperiment = { ...experiment, title: 'Rosenbrock, one run', steps: 300, runs: experiment.runs.slice(0, 1) };

/**
 * The host's `surface` messages while the four runs stream: Rosenbrock over its own window scaled
 * about its centre by each factor (as the host widens and narrows the window to follow the paths).
 */
function movingSurfaces(factors: readonly number[]): ToWebview[] {
  const problem = getProblem('rosenbrock')!;
  const objective = problem.objective();
  const scaled = (r: readonly [number, number], f: number): [number, number] => {
    const mid = (r[0] + r[1]) / 2;
    const half = ((r[1] - r[0]) / 2) * f;
    return [mid - half, mid + half];
  };
  return factors.map((f, k) => {
    // Alternately scale x and y as well as both, so the plot's aspect ratio (its height) changes too.
    const domain = { x: scaled(problem.domain.x, k % 2 === 0 ? f : 1), y: scaled(problem.domain.y, f) };
    const { xs, ys } = surfaceGrid(domain, 60);
    const values: number[] = [];
    for (const y of ys) for (const x of xs) values.push(objective.value(Float64Array.of(x, y), null));
    return { type: 'surface', surface: { dims: [0, 1], xs: [...xs], ys: [...ys], loss: toWire(values), at: [...problem.init],
      minima: problem.minima.map((m) => ({ params: [...m.params], loss: m.loss })) } };
  });
}

/** `stream` with `extra` messages spread evenly among its `points` messages. */
function interleave(stream: readonly ToWebview[], extra: readonly ToWebview[]): ToWebview[] {
  const points = stream.map((m, i) => (m.type === 'points' ? i : -1)).filter((i) => i >= 0);
  const at = new Map(extra.map((m, k) => [points[Math.floor(((k + 1) * points.length) / (extra.length + 1))] ?? stream.length, m]));
  return stream.flatMap((m, i) => (at.has(i) ? [at.get(i)!, m] : [m]));
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NONCE = 'benchnonce0123456789';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
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

interface TraceEvent { name: string; ph: string; dur?: number; tdur?: number; tid: number; pid: number; ts: number; args?: { name?: string } }

/**
 * The page's main-thread tasks by CPU time (the trace's thread duration) beside their wall time: on a
 * loaded machine a task's wall time counts the time other processes held the core, its CPU time is
 * the page's own work.
 */
function tasksByCpu(trace: { traceEvents: TraceEvent[] }): string {
  const threads = new Map<string, string>();
  for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const count = new Map<string, number>();
  for (const e of trace.traceEvents) {
    const t = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && threads.get(t) === 'CrRendererMain') count.set(t, (count.get(t) ?? 0) + 1);
  }
  const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  const tasks = trace.traceEvents.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.name === 'ThreadControllerImpl::RunTask' && e.dur !== undefined);
  const ms = (us: number | undefined): string => ((us ?? 0) / 1000).toFixed(0);
  const byCpu = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0));
  const byWall = [...tasks].sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  return `main-thread tasks: ${tasks.length}; longest by CPU ${byCpu.slice(0, 6).map((e) => `${ms(e.tdur)} (wall ${ms(e.dur)})`).join(', ')} ms; `
    + `by wall ${byWall.slice(0, 6).map((e) => `${ms(e.dur)} (CPU ${ms(e.tdur)})`).join(', ')} ms; `
    + `CPU > 50 ms: ${tasks.filter((e) => (e.tdur ?? 0) > 50_000).length}, > 100 ms: ${tasks.filter((e) => (e.tdur ?? 0) > 100_000).length}`;
}

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
  const dir = join(__dirname, 'webview-bundle');
  const srcRoot = arg('--src');
  await bundleWebview(dir, { minify: !process.argv.includes('--readable'), ...(srcRoot ? { srcRoot } : {}) });
  const server = await servePanel({ nonce: NONCE, bundleDir: dir });
  const origin = server.origin;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const repeats = Number(arg('--runs') ?? 1);
  const stepsPerTick = Number(arg('--steps-per-tick') ?? 200);
  const edit = !process.argv.includes('--no-edit');
  const scenario = buildScenario(experiment, stepsPerTick, { host: true });
  const before = edit ? buildScenario(oneRun, 40) : undefined;
  // The init: one run (then its stream) before the edit; or the four runs.
  const opening: ToWebview[] = before ? [before.init, ...before.stream] : [scenario.init];
  // The stream: the edit's runStart first, then the points with the host's new surfaces among them.
  const stream = edit ? interleave(scenario.stream, movingSurfaces([1.1, 2.2, 0.45, 1])) : scenario.stream;
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
      await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, opening);
      await settled(page);
      await page.waitForTimeout(500);
      // The stream goes into the page first: deserializing it (megabytes) is a long task of its own, not the panel's.
      await page.evaluate((s) => { (window as unknown as { __benchStream: unknown }).__benchStream = s; }, stream);
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
      const result = await page.evaluate(async ({ flushMs, edited, names }) => {
        const w = window as unknown as { __probe: PageProbe; __optimizerPlayground: Record<string, (...a: unknown[]) => unknown>; __benchStream: unknown[] };
        const stream = w.__benchStream;
        const embeds = (): number[] => names.map((c) => (w.__optimizerPlayground.stats!(c) as { embeds: number } | undefined)?.embeds ?? 0);
        w.__probe.longTasks.length = 0;
        w.__optimizerPlayground.resetStats!();
        const embedsBefore = embeds();
        const frames: number[] = [];
        let recording = true;
        const tick = (t: number): void => { if (recording) { frames.push(t); requestAnimationFrame(tick); } };
        requestAnimationFrame(tick);
        // The person's edit (the panel posts it; the host's answer is the stream).
        const editStart = performance.now();
        if (edited) w.__optimizerPlayground.applyExperiment!(edited);
        const editMs = performance.now() - editStart;
        for (const m of stream) {
          window.postMessage(m, '*');
          await new Promise((r) => setTimeout(r, flushMs));
        }
        while (document.querySelector('.panel')?.getAttribute('data-state') !== 'idle') await new Promise((r) => setTimeout(r, 20));
        await w.__optimizerPlayground.settled!();
        await new Promise((r) => setTimeout(r, 300));
        recording = false;
        const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
        const charts = Object.fromEntries(names.map((c) => [c, w.__optimizerPlayground.stats!(c)]));
        const after = embeds();
        const reEmbeds = Object.fromEntries(names.map((c, i) => [c, after[i]! - embedsBefore[i]!]));
        return { gaps, longTasks: [...w.__probe.longTasks], charts, reEmbeds, editMs, displayed: w.__optimizerPlayground.displayCount!() as number };
      }, { flushMs: 33, edited: edit ? experiment : undefined, names: REPORTED_CHARTS });
      const ms = Date.now() - t0;
      if (traceFile) {
        await browser.stopTracing();
        const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] };
        console.log(summarizeTrace(trace));
        console.log(tasksByCpu(trace));
      }
      if (cdp && profileFile) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(profileFile, JSON.stringify(profile));
        console.log(summarize(profile as unknown as Profile));
      }
      const gaps = result.gaps;
      const span = gaps.reduce((a, b) => a + b, 0);
      const longest = Math.max(...gaps);
      console.log(`run ${rep + 1}: ${stream.length} messages, ${[...scenario.pointsPerRun.values()].join(' + ')} points sent, ${result.displayed} rows shown, ${ms} ms; `
        + `frames: longest ${longest.toFixed(0)} ms, ${gaps.filter((g) => g > 50).length} > 50 ms, ${gaps.filter((g) => g > 100).length} > 100 ms, ${(gaps.length * 1000 / span).toFixed(1)} fps; `
        + `long tasks (top 5) ${result.longTasks.sort((a, b) => b - a).slice(0, 5).join(', ') || 'none'}`);
      console.log(`  update ms (max/total/count): ${Object.entries(result.charts).map(([c, s]) => { const x = s as { runMsMax: number; runMsTotal: number; applications: number }; return `${c} ${x.runMsMax}/${x.runMsTotal}/${x.applications}`; }).join(', ')}`);
      console.log(`  embeds during the stream: ${Object.entries(result.reEmbeds).map(([c, n]) => `${c} ${n}`).join(', ')}`
        + `${edit ? `; the edit itself (applyExperiment, synchronous) ${result.editMs.toFixed(0)} ms` : ''}`);
      for (const [c, x] of Object.entries(result.charts)) {
        const n = result.reEmbeds[c] ?? 0;
        const respecs = (x as { respecs?: string[] }).respecs ?? [];
        if (n > 0) console.log(`  ${c} re-embedded for: ${respecs.slice(-n).join(' | ')}`);
      }
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
