/**
 * `node out/bench/webviewStartup.js [--runs N] [--profile FILE]`: the panel's own share of
 * "command → first plotted point", outside VS Code. In VS Code (bench/vscode.ts) the panel's code
 * can only start once VS Code's webview frame (`fake.html`) is up, 1.3 s after the command in
 * code-server here (1 s of it is Chromium's service-worker activation delay, see the bench's
 * `serviceWorker` figures); this measures what comes after, which is ours.
 *
 * The webview bundle is built as scripts/build.mjs builds it for a release (minified ES module and
 * chunks, with the same preload list: scripts/webview-preload.mjs) into a private folder, and served
 * with the panel's own HTML and CSP (test/webview/pageServer.ts), the experiment "Open Playground"
 * writes into the page (src/extension/defaults.ts) and a fake VS Code API that answers the boot
 * script's `ready` as the host does: the `init` snapshot at once, then the run's points every 33 ms
 * (the controller's flush interval), computed by the real engine (test/webview/scenario.ts).
 *
 * Prints, for the first (cold: nothing cached) and the median of the other (warm) page loads, the
 * panel's marks in ms after navigation start: `op:script` (the module runs), `op:init` (the host's
 * snapshot applied), `op:ready`, `op:forms` (the settings' forms built), `op:embed-start:loss`, `op:vega-loaded:loss`, `op:embedded:loss`,
 * `op:plotted:loss` (the first point drawn) and `op:started` (the other charts, the editor and the
 * formula view are up). With `--profile`, a CDP CPU profile of one warm load up to the first plotted
 * point is written to FILE and its most expensive functions (self time) are printed; with `--trace FILE`,
 * a Chrome trace of the last load; with OP_MARKS=1 in the environment, every mark of every load.
 * Figures, not a test.
 */
import { writeFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { repoPath } from '../test/repoRoot';
import { bundleWebview, fakeVsCode, servePanel } from '../test/webview/pageServer';
import { buildScenario } from '../test/webview/scenario';
import { defaultExperiment } from '../src/extension/defaults';
import type { ToWebview } from '../src/protocol';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NONCE = 'benchnonce0123456789';
const MARKS = ['op:boot-ready', 'op:script', 'op:init', 'op:ready', 'op:forms', 'op:embed-start:loss', 'op:vega-loaded:loss', 'op:compiled:loss', 'op:embedded:loss', 'op:plotted:loss', 'op:started'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** After `fakeVsCode`: the host's side of the start, answering the boot script's `ready`. */
async function fakeHost(page: Page, messages: readonly ToWebview[]): Promise<void> {
  await page.addInitScript((all) => {
    const w = window as unknown as { acquireVsCodeApi: () => { postMessage(m: { type: string }): void } };
    const acquire = w.acquireVsCodeApi;
    let answered = false;
    w.acquireVsCodeApi = () => {
      const api = acquire();
      const post = api.postMessage.bind(api);
      api.postMessage = (m) => {
        post(m);
        if (m.type !== 'ready' || answered) return;
        answered = true;
        const [init, ...stream] = all;
        setTimeout(() => {
          window.postMessage(init, '*');
          stream.forEach((s, i) => setTimeout(() => window.postMessage(s, '*'), 33 * (i + 1)));
        }, 0);
      };
      return api;
    };
  }, messages as unknown[]);
}

async function marksOf(page: Page): Promise<Record<string, number>> {
  await page.waitForFunction(() => performance.getEntriesByName('op:started').length > 0, undefined, { timeout: 60_000 });
  return page.evaluate((names) => Object.fromEntries(names.flatMap((n) => {
    const m = performance.getEntriesByName(n)[0];
    return m ? [[n, Math.round(m.startTime)]] : [];
  })), MARKS);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

function topSelf(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, n: number): string[] {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-1)[0]}:${f.lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + t);
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${(us / 1000).toFixed(1)} ms ${k}`);
}

export async function benchWebviewStartup(runs = 7): Promise<Record<string, unknown>> {
  const dir = repoPath('out-bench-startup');
  const { preload } = await bundleWebview(dir);
  const experiment = defaultExperiment();
  const scenario = buildScenario(experiment, 100, { host: true });
  const messages = [scenario.init, ...scenario.stream];
  const server = await servePanel({ nonce: NONCE, bundleDir: dir, initial: { experiment, panelId: 'bench' }, preload });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, deviceScaleFactor: 1 });
  const loads: Record<string, number>[] = [];
  let profileTop: string[] | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await fakeVsCode(page);
      await fakeHost(page, messages);
      const profileFile = i === runs - 1 ? arg('--profile') : undefined;
      const cdp = profileFile ? await context.newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const traceFile = i === runs - 1 ? arg('--trace') : undefined;
      if (traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing', 'v8.execute', 'disabled-by-default-v8.cpu_profiler'] });
      await page.goto(`${server.origin}/panel.html`);
      const marks = await marksOf(page);
      if (process.env.OP_MARKS) console.log(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${Math.round(m.startTime)} ${m.name}`).join('\n')));
      if (traceFile) await browser.stopTracing();
      if (cdp && profileFile) {
        const { profile } = await cdp.send('Profiler.stop') as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number } };
        writeFileSync(profileFile, JSON.stringify(profile));
        profileTop = topSelf(profile, 25);
      }
      if (errors.length > 0) throw new Error(`the panel failed to start: ${errors.join('; ')}`);
      if (marks['op:plotted:loss'] === undefined) throw new Error('no point was plotted');
      loads.push(marks);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const warm = loads.slice(1);
  const summary = Object.fromEntries(MARKS.map((m) => [m, { cold: loads[0]?.[m], warmMedian: median(warm.map((l) => l[m]!).filter((v) => v !== undefined)) }]));
  return { runs, marksMsAfterNavigation: summary, warmPlotted: warm.map((l) => l['op:plotted:loss']), ...(profileTop ? { profileTopSelf: profileTop } : {}) };
}

if (require.main === module) {
  benchWebviewStartup(Number(arg('--runs') ?? 7)).then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
