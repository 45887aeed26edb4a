/**
 * The panel page served over HTTP for Chromium (test/webview/panel.browser.test.ts and
 * bench/webviewStream.ts): `/panel.html` is the panel's own HTML and Content-Security-Policy
 * (src/extension/html.ts `webviewHtml`) with VS Code's dark theme fixture and the panel's
 * stylesheets; besides it only the repo's dist/, media/ and test fixtures are served (nothing
 * else). With `bundleDir` the webview script and its chunks come from that folder (a private
 * build, so parallel builds of dist/ do not interfere) instead of dist/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { webviewHtml } from '../../src/extension/html';
import type { ChromiumSession } from '../chromium';
import { repoPath } from '../repoRoot';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.html': 'text/html', '.map': 'application/json' };
const REPO_FILES = ['dist/', 'media/', 'test/webview/fixtures/'];

/**
 * Bundles the webview as scripts/build.mjs does for a release (an ES module with its chunks) into
 * `dir`, from `srcRoot`'s src/webview/main.ts (default: this repository; another checkout lets a
 * bench measure older code). For `servePanel({ bundleDir: dir, preload })`: returns the chunks the
 * release's page would preload (scripts/webview-preload.mjs), relative to `dir`. Used by the
 * browser tests and benches that must not depend on (or race with) a build of dist/.
 */
export async function bundleWebview(dir: string, options: { srcRoot?: string; minify?: boolean } = {}): Promise<{ script: string; preload: string[] }> {
  const esbuild = await import('esbuild');
  const { preloadChunks } = await import(pathToFileURL(repoPath('scripts/webview-preload.mjs')).href) as {
    preloadChunks(outputs: Record<string, unknown>, entry: string): string[];
  };
  const { webviewDefines } = await import(pathToFileURL(repoPath('scripts/webview-build.mjs')).href) as { webviewDefines(root: string): Record<string, string> };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await esbuild.build({ bundle: true, platform: 'browser', target: 'es2022', format: 'esm', splitting: true, sourcemap: true,
    minify: options.minify ?? true, logLevel: 'warning', entryPoints: { webview: join(options.srcRoot ?? repoPath(), 'src/webview/main.ts') },
    outdir: dir, chunkNames: 'chunks/[name]-[hash]', metafile: true, nodePaths: [repoPath('node_modules')], define: webviewDefines(repoPath()) });
  const outputs = result.metafile.outputs;
  const script = join(dir, 'webview.js');
  const entry = Object.keys(outputs).find((k) => resolve(k) === script);
  if (!entry) throw new Error('the webview build has no webview.js');
  return { script, preload: preloadChunks(outputs, entry).map((p) => relative(dir, resolve(p))) };
}

export interface PanelServer {
  /** `http://127.0.0.1:PORT`; the page is at `${origin}/panel.html`. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function servePanel(options: {
  nonce: string; bundleDir?: string;
  /** What the host writes into the page (src/extension/panel.ts): the experiment shown before `init`. */
  initial?: unknown;
  /** Chunks to preload, relative to the bundle's folder (dist/webview-preload.json's `chunks`). */
  preload?: readonly string[];
}): Promise<PanelServer> {
  const root = repoPath();
  const { nonce, bundleDir } = options;
  let origin = '';
  const base = (): string => `${origin}/${bundleDir ? '' : 'dist/'}`;
  const html = (): string => webviewHtml({
    cspSource: origin, script: `${base()}webview.js`, nonce,
    // The tests read the panel through its test hooks (src/webview/testHooks.ts), which the page turns
    // on; points show as they arrive unless a test asks for a playback speed.
    initial: { preferences: { playbackSpeed: 'instant' }, ...(options.initial as Record<string, unknown> | undefined), testHooks: true },
    ...(options.preload ? { preload: options.preload.map((c) => base() + c) } : {}),
    styles: [`${origin}/test/webview/fixtures/vscode-theme.css`, `${origin}/dist/media/codicons/codicon.css`, `${origin}/media/panel.css`],
    // As the extension's page (src/extension/panelPage.ts): KaTeX's stylesheet and fonts after the first chart.
    later: { styles: [`${origin}/dist/media/katex/katex.min.css`], fonts: [`${origin}/dist/media/katex/fonts/KaTeX_Main-Regular.woff2`] },
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/panel.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html());
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const own = bundleDir !== undefined && (rel.startsWith('webview.js') || rel.startsWith('chunks/'));
    const file = own ? join(bundleDir, rel) : join(root, rel);
    if (!(own || REPO_FILES.some((p) => rel.startsWith(p))) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Resolves once the panel in `page` has applied every message and drawn its charts (`__optimizerPlayground.settled()`). */
export function settled(page: Page): Promise<void> {
  return page.evaluate(async () => {
    await (window as unknown as { __optimizerPlayground: { settled(): Promise<void> } }).__optimizerPlayground.settled();
  });
}

/** What the fake VS Code API records in the page (`window.__probe`). */
export interface PageProbe {
  posted: Array<{ type: string; [k: string]: unknown }>;
  violations: string[];
  errors: string[];
  /** Durations of long tasks (> 50 ms), in ms. */
  longTasks: number[];
}

/**
 * Before `page` loads: a fake `acquireVsCodeApi` recording what the panel posts (its `getState`
 * starts with `state`: a revived panel), CSP violations and long tasks into `window.__probe`, and
 * the theme class VS Code puts on <body> (`themeClass`, before the page's scripts run, as VS Code does). Init scripts are not subject to the CSP.
 */
export async function fakeVsCode(page: Page, state?: unknown, themeClass = 'vscode-dark'): Promise<void> {
  await page.addInitScript(([saved, theme]) => {
    const w = window as unknown as { __probe: PageProbe; acquireVsCodeApi: () => unknown };
    const probe: PageProbe = { posted: [], violations: [], errors: [], longTasks: [] };
    w.__probe = probe;
    let state: unknown = saved ?? undefined;
    w.acquireVsCodeApi = () => ({
      postMessage: (m: { type: string }) => { probe.posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => state,
      setState: (s: unknown) => { state = s; },
    });
    document.addEventListener('securitypolicyviolation', (e) => {
      probe.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) probe.longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
    } catch { /* no long task timing */ }
    // VS Code writes the theme's class on <body> before the page's scripts run: add it as soon as <body> exists.
    const setTheme = (): boolean => { if (!document.body) return false; document.body.classList.add(theme); return true; };
    if (!setTheme()) {
      const watch = new MutationObserver(() => { if (setTheme()) watch.disconnect(); });
      watch.observe(document, { childList: true, subtree: true });
    }
  }, [state ?? null, themeClass] as const);
}

/**
 * A page of the panel served by `server`, under the fake VS Code API (`fakeVsCode`: `state` is what
 * a revived panel's `getState` returns, `theme` the class VS Code puts on <body>), once the panel
 * said `ready`. `watch` sees the page before it loads (to collect console errors); `page` options
 * are Playwright's (default: 1440×1300 at scale 1).
 */
export async function openPanelPage(browser: ChromiumSession, server: PanelServer, o: {
  state?: unknown; theme?: string; page?: BrowserContextOptions; watch?: (page: Page) => void;
} = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1300 }, deviceScaleFactor: 1, ...o.page });
  o.watch?.(page);
  await fakeVsCode(page, o.state, o.theme);
  await page.goto(`${server.origin}/panel.html`);
  await page.waitForFunction(() => (window as unknown as { __probe: PageProbe }).__probe.posted.some((m) => m.type === 'ready'));
  return page;
}
