/**
 * Entry point of the playground webview (bundled to dist/webview.js, loaded by nonce).
 * Builds the panel into `#app`, attaches the message listener, then says `ready`: the host
 * answers with the `init` snapshot (a host that posted first would leave a blank panel).
 */
// Vega, Vega-Lite and vega-embed are imported here statically, so that they download with this
// module (in parallel chunks), not after it: the first plotted point needs them. chartView.ts
// imports them again dynamically, which then resolves at once. CodeMirror and KaTeX stay behind
// dynamic imports (editorSlot.ts, panel.ts) and load after the first point.
import 'vega';
import 'vega-embed';
import 'vega-interpreter';
import { Panel } from './panel';
import { vscodeApi } from './vscodeApi';

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
  window.addEventListener('error', (event) => api.postMessage({ type: 'log', level: 'error', message: `webview: ${event.message} at ${event.filename}:${event.lineno}:${event.colno}` }));
  window.addEventListener('unhandledrejection', (event) => api.postMessage({ type: 'log', level: 'error', message: `webview: unhandled rejection: ${String(event.reason)}` }));
  (window as unknown as Record<string, unknown>).__optimizerPlayground = panel.debug();
  api.postMessage({ type: 'ready' });
  performance.mark('op:ready');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
