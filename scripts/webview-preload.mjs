/**
 * The chunks the panel's HTML lists as `<link rel="modulepreload">` (src/extension/html.ts), from an
 * esbuild metafile of the webview build: those `entry` imports statically (transitively), Vega's
 * among them (src/webview/vegaLibraries.ts). The dynamically imported chunks stay out: Vega-Lite's
 * (the first chart needs it only when the host kept no compiled spec for it), CodeMirror's and
 * KaTeX's (they load after the first point). Used by scripts/build.mjs (dist/webview-preload.json)
 * and bench/webviewStartup.ts.
 *
 * @param {Record<string, {imports: {path: string, kind: string}[], entryPoint?: string}>} outputs metafile.outputs
 * @param {string} entry the entry's output path as the metafile names it (e.g. 'dist/webview.js')
 * @returns {string[]} output paths, in the order found
 */
export function preloadChunks(outputs, entry) {
  const seen = new Set();
  const visit = (file) => {
    for (const i of outputs[file]?.imports ?? []) {
      if (i.kind !== 'import-statement' || seen.has(i.path)) continue;
      seen.add(i.path);
      visit(i.path);
    }
  };
  visit(entry);
  return [...seen];
}
