/**
 * The playground webview's HTML: a strict Content-Security-Policy (`default-src 'none'`, scripts by
 * nonce, no 'unsafe-eval', styles, fonts and images only from the extension's own folders), the
 * bundled `dist/webview.js` (an ES module: its lazily loaded chunks in `dist/chunks/` are imported by
 * it, and inherit its nonce), and the stylesheets the panel needs. Pure: the caller turns file paths
 * into webview URIs (`webview.asWebviewUri`), so this is testable without VS Code.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the origin the webview loads the extension's resources from. */
  readonly cspSource: string;
  /** Webview URI of `dist/webview.js`. */
  readonly script: string;
  /** Webview URIs of the chunks `dist/webview.js` imports statically (dist/webview-preload.json), fetched alongside it. */
  readonly preload?: readonly string[];
  /**
   * Webview URIs of fonts to fetch at once rather than when first used (the icons, KaTeX's main
   * fonts): a webview closed while a resource is still loading leaves VS Code's webview service
   * worker waiting 30 s for it, and the next webview's start with it.
   */
  readonly fonts?: readonly string[];
  /** Webview URIs of the stylesheets, in cascade order (codicons, panel, …). */
  readonly styles: readonly string[];
  /**
   * Stylesheets and fonts the first chart does not need (KaTeX's): listed in an
   * inert `<template id="op-later">` that the webview puts into the page once the loss chart has
   * drawn its first points (src/webview/startup.ts), so that they do not share the first moments'
   * downloads with the panel's modules (code-server relays every resource through its window).
   */
  readonly later?: { readonly styles?: readonly string[]; readonly fonts?: readonly string[] };
  /** A fresh nonce per HTML (tests pass a fixed one). */
  readonly nonce?: string;
  /**
   * Data the page can use before the host's first message (the experiment to show, so the loss
   * chart can be embedded at once): JSON in a `<script type="application/json">`, which is data,
   * not code — the CSP does not run it.
   */
  readonly initial?: unknown;
}

/** 128 random bits, base64 — a fresh one each time the HTML is set. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64').replace(/[+/=]/g, '');
}

/**
 * The CSP. `style-src` also admits the nonce so that CodeMirror (`EditorView.cspNonce`) and other
 * libraries that mount `<style>` elements can do so with the nonce published in
 * `<meta name="csp-nonce">`; no 'unsafe-inline', no 'unsafe-eval' (Vega runs with its AST
 * interpreter).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `worker-src 'none'`,
    `connect-src 'none'`,
  ].join('; ') + ';';
}

/** JSON that cannot end its `<script>` element early (`</script>`, `<!--`). */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The page's first script (inline, by nonce, before the stylesheets so that it does not wait for
 * them): it takes the VS Code API, says `ready` and keeps the
 * host's messages until `dist/webview.js` has loaded and takes them over (src/webview/main.ts).
 * Saying `ready` while the panel's modules still download lets the host's `init` snapshot travel
 * meanwhile, instead of after them: the webview shares its thread with VS Code's own window, which
 * relays the messages, and the panel's start keeps that thread busy.
 */
export const BOOT_SCRIPT = `(() => {
  const api = acquireVsCodeApi();
  const early = [];
  const keep = (event) => early.push(event.data);
  window.addEventListener('message', keep);
  window.__opBoot = { api, early, stop: () => window.removeEventListener('message', keep) };
  api.postMessage({ type: 'ready' });
  performance.mark('op:boot-ready');
  // A module or stylesheet of the panel that does not load would leave a blank page: say so instead.
  window.addEventListener('error', (event) => {
    const el = event.target;
    if (!el || (el.tagName !== 'SCRIPT' && el.tagName !== 'LINK') || window.__optimizerPlayground) return;
    const url = el.src || el.href || '';
    api.postMessage({ type: 'log', level: 'error', message: 'webview: could not load ' + url });
    const app = document.getElementById('app');
    if (!app || el.tagName !== 'SCRIPT') return;
    const note = document.createElement('p');
    note.className = 'load-error';
    note.textContent = 'The Optimizer Playground panel could not load ' + url.split('/').pop() + '. Close the panel and open it again; if this persists, reinstall the extension (see the "Optimizer Playground" output).';
    app.replaceChildren(note);
  }, true);
})();`;

/** The whole document. The body holds only the mount point; `dist/webview.js` builds the panel. */
export function webviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  const font = (href: string): string => `  <link rel="preload" as="font" crossorigin href="${escapeAttr(href)}">`;
  const style = (href: string): string => `  <link rel="stylesheet" href="${escapeAttr(href)}">`;
  const links = [
    ...(o.preload ?? []).map((href) => `  <link rel="modulepreload" nonce="${nonce}" href="${escapeAttr(href)}">`),
    ...(o.fonts ?? []).map(font),
    ...o.styles.map(style),
  ].join('\n');
  const later = [...(o.later?.fonts ?? []).map(font), ...(o.later?.styles ?? []).map(style)];
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta name="csp-nonce" content="${nonce}">
  <script nonce="${nonce}">${BOOT_SCRIPT}</script>
${links}
  <title>Optimizer Playground</title>
</head>
<body>
  <div id="app" data-nonce="${nonce}"></div>
${later.length > 0 ? `  <template id="op-later">\n${later.join('\n')}\n  </template>\n` : ''}${o.initial !== undefined ? `  <script type="application/json" id="op-initial">${scriptJson(o.initial)}</script>\n` : ''}  <script type="module" nonce="${nonce}" src="${escapeAttr(o.script)}"></script>
</body>
</html>`;
}
