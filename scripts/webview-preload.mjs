/**
 * The chunks the panel's HTML lists as `<link rel="modulepreload">` (src/extension/html.ts), from an
 * esbuild metafile of the webview build: those `entry` imports statically (transitively), and Vega's,
 * which main.ts imports statically and vegaLibraries.ts dynamically — the dynamic imports resolve to
 * tiny re-export chunks that the first embed would otherwise wait for. Vega-Lite's chunk (the largest)
 * stays out: the first chart needs it only when the host kept no compiled spec for it. CodeMirror's
 * and KaTeX's chunks stay out too: they load after the first point. Used by scripts/build.mjs (dist/webview-preload.json)
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
  for (const i of outputs[entry]?.imports ?? []) {
    if (i.kind === 'dynamic-import' && /node_modules\/vega(?!-lite\/)/.test(outputs[i.path]?.entryPoint ?? '') && !seen.has(i.path)) {
      seen.add(i.path);
      visit(i.path);
    }
  }
  return [...seen];
}
