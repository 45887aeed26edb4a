/**
 * Entry point of the playground webview (bundled to dist/webview.js, loaded by nonce): builds the
 * store, the host channel and the panel's parts, mounts the root component into `#app`, and hands
 * it the host's messages. The page's boot script (src/extension/html.ts) said `ready` before this
 * module loaded and kept the host's answer, which is applied first; without a boot script (tests),
 * this says `ready`.
 */
// Vega downloads with this module, in parallel chunks (vegaLibraries.ts imports it statically): the
// first plotted point needs it. Vega-Lite, CodeMirror and KaTeX stay behind dynamic imports
// (vegaLibraries.ts, editorSlot.ts, formula.ts): Vega-Lite loads when a spec must be compiled (not
// when the host kept it compiled), the others after the first point.
import { PageDataSchema, check, gradientFallbackDiagnostic, runErrorDiagnostic, type PageData } from '../protocol';
import './app';
import type { App } from './app';
import { HostChannel } from './channel';
import { Charts } from './charts';
import { seedCompiledSpecs } from './compiledSpecs';
import { EditorSlot } from './editorSlot';
import { loadFormula } from './formula';
import { PanelModel } from './model';
import { initialSpeed, PlaybackClock } from './playback';
import { PointStore } from './pointStore';
import { initialState } from './state';
import { Startup } from './startup';
import { Store } from './store';
import { parseViewState } from './viewState';
import { boot, vscodeApi } from './vscodeApi';

function start(): void {
  // Marks for `npm run bench:vscode` (command → first plotted point, broken down).
  performance.mark('op:script');
  const api = vscodeApi();
  const page = pageData();
  seedCompiledSpecs(page.compiledCharts);
  const saved = api.getState() as { view?: unknown; panelId?: unknown } | undefined;
  // Which panel this is, for the host's per-panel copy of the experiment (revival after a reload).
  const panelId = typeof saved?.panelId === 'string' ? saved.panelId : page.panelId;

  const store = new Store(initialState(parseViewState(saved?.view), initialSpeed(page.preferences?.playbackSpeed)));
  const channel = new HostChannel((m) => api.postMessage(m));
  const model = new PanelModel(store, channel, { getState: () => api.getState(), setState: (s) => api.setState(s) }, panelId);
  const points = new PointStore();
  const clock = new PlaybackClock(store, channel, (after) => points.nextStep(after), (saved as { experiment?: unknown } | undefined)?.experiment !== undefined);
  const charts = new Charts(store, channel, model, clock, points);
  const editorHost = document.createElement('div');
  editorHost.className = 'loss-editor';
  const editor = new EditorSlot(editorHost, (source) => {
    const exp = store.state.experiment;
    if (!exp || 'file' in exp.loss || store.state.following) return;
    model.edit({ ...exp, loss: { source } });
  }, cspNonce());
  // Compile, type and runtime errors at their line and column in the loss's editor; a finite-differences
  // fallback as a warning where its cause is.
  store.watch((s) => [s.errors, s.results, s.info?.gradient] as const, ([errors, results, gradient]) => editor.setMarks([
    ...errors.flatMap((e) => e.diagnostics ?? []),
    ...(gradient ? [gradientFallbackDiagnostic(gradient)].filter((d) => d !== undefined) : []),
    ...results.flatMap((r) => (r.status === 'error' && r.message ? [runErrorDiagnostic(r.message)].filter((d) => d !== undefined) : [])),
  ]));
  const formulaHost = document.createElement('div');
  formulaHost.className = 'formula-slot';
  formulaHost.id = 'formula-view';

  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  // vscode-elements' icons look for the codicon stylesheet by this id.
  const codicons = document.querySelector<HTMLLinkElement>('link[rel="stylesheet"][href*="codicon"]');
  if (codicons && !codicons.id) codicons.id = 'vscode-codicon-stylesheet';
  const app = document.createElement('op-app') as App;
  app.parts = { store, model, clock, charts, channel, editor, editorHost, formulaHost, theme: () => charts.theme };
  root.appendChild(app);
  store.watch((s) => [s.surface, s.info, s.experiment?.runs.length], () => app.measure());
  // The loss chart can be embedded now, from the experiment saved or in the page, while the host's snapshot is on its way.
  model.restore(page.experiment);
  const startup = new Startup({
    store, charts, log: (level, m) => channel.log(level, m),
    loadEditor: () => editor.load(),
    loadFormula: () => loadFormula(formulaHost, store, channel, (run, step) => charts.points.curvatureAt(run, step), (run, r) => charts.showCurvature(run, r)).then(() => undefined),
  });
  channel.answer({ renderCharts: async () => {
    await startup.chartsEmbedded();
    return { charts: await charts.render() };
  } });
  if (page.testHooks) void import('./testHooks.js').then(({ installTestHooks }) => installTestHooks({ store, channel, model, charts, clock, editor, startup }));

  window.addEventListener('message', (event: MessageEvent) => channel.receive(event.data));
  window.addEventListener('error', (event) => channel.log('error', `webview: ${event.message} at ${event.filename}:${event.lineno}:${event.colno}`));
  window.addEventListener('unhandledrejection', (event) => channel.log('error', `webview: unhandled rejection: ${String(event.reason)}`));
  // The boot script said `ready` already and kept what the host sent since (the `init` snapshot): take over, then apply those.
  const early = boot();
  if (early) {
    early.stop();
    for (const m of early.early.splice(0)) channel.receive(m);
  } else {
    api.postMessage({ type: 'ready' });
  }
  performance.mark('op:ready');
}

/** What the host wrote into the page (`<script type="application/json" id="op-initial">`). */
function pageData(): PageData {
  const text = document.getElementById('op-initial')?.textContent;
  if (!text) return {};
  try {
    const parsed = check(PageDataSchema, JSON.parse(text) as unknown, 'page');
    return parsed.ok ? parsed.message : {};
  } catch {
    return {};
  }
}

/** The CSP nonce the host published for libraries that mount `<style>` elements. */
function cspNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? document.getElementById('app')?.dataset.nonce ?? undefined;
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
