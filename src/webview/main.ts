/**
 * Entry point of the playground webview (bundled to dist/webview.js, loaded by nonce).
 * Builds the panel into `#app` and attaches the message listener. The page's boot script
 * (src/extension/html.ts) said `ready` before this module loaded and kept the host's answer, the
 * `init` snapshot, which is applied first; without a boot script (tests), this says `ready`.
 */
// Vega, Vega-Lite and vega-embed are imported here statically, so that they download with this
// module (in parallel chunks), not after it: the first plotted point needs them. chartView.ts
// imports them again dynamically, which then resolves at once. CodeMirror and KaTeX stay behind
// dynamic imports (editorSlot.ts, panel.ts) and load after the first point.
import 'vega';
import 'vega-embed';
import 'vega-interpreter';
import { Panel } from './panel';
import { boot, vscodeApi } from './vscodeApi';

function start(): void {
  // Marks for `npm run bench:vscode` (command → first plotted point, broken down).
  performance.mark('op:script');
  const api = vscodeApi();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  // vscode-elements' icons look for the codicon stylesheet by this id.
  const codicons = document.querySelector<HTMLLinkElement>('link[rel="stylesheet"][href*="codicon"]');
  if (codicons && !codicons.id) codicons.id = 'vscode-codicon-stylesheet';
  const panel = new Panel(root, {
    post: (m) => api.postMessage(m),
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
  });
  window.addEventListener('message', (event: MessageEvent) => panel.receive(event.data));
  // The boot script said `ready` already and kept what the host sent since (the `init` snapshot):
  // take over, then apply those first.
  const early = boot();
  if (early) {
    early.stop();
    for (const m of early.early.splice(0)) panel.receive(m);
  }
  window.addEventListener('error', (event) => api.postMessage({ type: 'log', level: 'error', message: `webview: ${event.message} at ${event.filename}:${event.lineno}:${event.colno}` }));
  window.addEventListener('unhandledrejection', (event) => api.postMessage({ type: 'log', level: 'error', message: `webview: unhandled rejection: ${String(event.reason)}` }));
  (window as unknown as Record<string, unknown>).__optimizerPlayground = panel.debug();
  if (!early) api.postMessage({ type: 'ready' });
  performance.mark('op:ready');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
