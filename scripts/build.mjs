// Bundles the extension host, the CLI, the snippet's sandbox processes and the webview with esbuild,
// and copies the webview's stylesheets and fonts into dist/media. `--watch` rebuilds on change.
// The extension host is three bundles, so that activation loads only a few kilobytes:
// dist/extension.js (activation and registrations), dist/host.js (commands, panel, controller,
// snippet session with the TypeScript compiler: required on first use) and dist/explainHost.js
// (hovers with MathJax: required on the first hover). extension.js requires the other two by a
// computed path (`require(path.join(__dirname, 'host.js'))`), which esbuild leaves unbundled.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webviewDefines } from './webview-build.mjs';
import { preloadChunks } from './webview-preload.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minify: production, logLevel: 'warning' };
/**
 * Writes dist/webview-preload.json: the chunks the panel's HTML preloads (scripts/webview-preload.mjs).
 */
const preloadManifest = {
  name: 'webview-preload',
  setup(build) {
    build.onEnd((result) => {
      const outputs = result.metafile?.outputs;
      if (!outputs || !outputs['dist/webview.js']) return;
      const chunks = preloadChunks(outputs, 'dist/webview.js').map((p) => p.replace(/^dist\//, ''));
      writeFileSync(join(root, 'dist/webview-preload.json'), JSON.stringify({ chunks }, null, 2) + '\n');
    });
  },
};

const entries = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/extension/host.ts'], outfile: 'dist/host.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/extension/explainHost.ts'], outfile: 'dist/explainHost.js', external: ['vscode'] },
  // The TypeScript compiler (3.5 MB), bundled once for its two users: the snippet compiler, required by the compiler
  // process (dist/compilerMain.js), and the PyTorch export (src/pytorch/load.ts).
  { ...node, entryPoints: ['src/pytorch/bundle.ts'], outfile: 'dist/compile.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The sandbox processes (src/snippet/launch.ts): the loss's, and the compiler's.
  { ...node, entryPoints: ['src/snippet/sandboxMain.ts'], outfile: 'dist/sandboxMain.js' },
  { ...node, entryPoints: ['src/snippet/compilerMain.ts'], outfile: 'dist/compilerMain.js' },
  // The compiler's startup snapshot (src/snippet/compilerSnapshot.ts, with TypeScript; minified: a smaller heap to
  // restore) and what builds it after the bundles (.cjs: not in the .vsix, whose runtime is VS Code's).
  { ...node, entryPoints: ['src/snippet/compilerSnapshot.ts'], outfile: 'dist/compilerSnapshot.cjs', minify: true, sourcemap: false },
  { ...node, entryPoints: ['src/snippet/compilerSnapshotBuild.ts'], outfile: 'dist/compilerSnapshotBuild.cjs' },
  // The webview: an ES module split into chunks, so that what the first plotted point needs (the
  // panel, Vega) loads first and CodeMirror and KaTeX (dynamic imports) after it. Chunks go to
  // dist/chunks/ and are imported relative to dist/webview.js (they inherit its CSP nonce).
  { bundle: true, platform: 'browser', target: 'es2022', format: 'esm', splitting: true, sourcemap: true, minify: production, logLevel: 'warning',
    entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'dist', chunkNames: 'chunks/[name]-[hash]', metafile: true,
    define: webviewDefines(root), plugins: [preloadManifest] },
].filter((e) => existsSync(join(root, Array.isArray(e.entryPoints) ? e.entryPoints[0] : Object.values(e.entryPoints)[0])));

// Stylesheets and fonts the webview loads from the extension's own folder (no CDN, no injected <style>).
const assets = [
  ['node_modules/katex/dist/katex.min.css', 'dist/media/katex/katex.min.css'],
  ['node_modules/katex/dist/fonts', 'dist/media/katex/fonts'],
  ['node_modules/@vscode/codicons/dist/codicon.css', 'dist/media/codicons/codicon.css'],
  ['node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/media/codicons/codicon.ttf'],
];
mkdirSync(join(root, 'dist/media'), { recursive: true });
// TypeScript's ES library declarations, against which dist/compile.js type-checks snippets
// (src/snippet/program.ts): the compiler reads only the extension's own folder.
const tsLib = join(root, 'node_modules/typescript/lib');
mkdirSync(join(root, 'dist/lib'), { recursive: true });
for (const f of readdirSync(tsLib)) {
  if (/^lib\.(es5|es20\d\d|esnext|decorators)(\.[\w-]+)*\.d\.ts$/.test(f)) cpSync(join(tsLib, f), join(root, 'dist/lib', f));
}
// Chunk names carry a content hash: drop the previous build's.
rmSync(join(root, 'dist/chunks'), { recursive: true, force: true });
for (const [from, to] of assets) {
  if (existsSync(join(root, from))) cpSync(join(root, from), join(root, to), { recursive: true });
}

process.chdir(root);
if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
  // The compiler's startup snapshot, for this Node (launch.ts uses it only on the runtime and flags it was built for).
  if (existsSync(join(root, 'dist/compilerSnapshotBuild.cjs'))) spawnSync(process.execPath, [join(root, 'dist/compilerSnapshotBuild.cjs')], { stdio: 'inherit' });
}
