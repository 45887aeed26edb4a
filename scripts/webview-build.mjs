/**
 * What every build of the webview bundle shares (scripts/build.mjs for dist/, test/webview/pageServer.ts
 * for the browser tests and benches): constants written into the bundle with esbuild's `define`.
 * VEGA_LITE_VERSION keys the compiled specs the host keeps (src/webview/compiledSpecs.ts), so that a
 * panel can use them without loading Vega-Lite (src/webview/vegaLibraries.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the repository (its node_modules) @returns {Record<string, string>} esbuild `define` */
export function webviewDefines(root) {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules/vega-lite/package.json'), 'utf8'));
  return { VEGA_LITE_VERSION: JSON.stringify(version) };
}
