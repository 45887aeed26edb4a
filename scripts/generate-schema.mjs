/* global process, console */
// Regenerates schemas/optim.schema.json from the engine's registries (src/engine/schema.ts), with
// the explanations room's Markdown (formulas) for hovers (src/explain/registry.ts).
// Bundles the TypeScript modules in memory with esbuild, so it needs no prior compile.
// Usage: npm run schema            (writes the file)
//        npm run schema -- --check (exits 1 when the committed file is out of date)
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = await build({
  stdin: {
    contents: "export * from './src/engine/schema';\nexport { hyperparameterMarkdown, optimizerMarkdown } from './src/explain/registry';\n",
    resolveDir: root, loader: 'ts', sourcefile: 'generate-schema-entry.ts',
  },
  bundle: true, write: false, format: 'cjs', platform: 'neutral', target: 'es2022', logLevel: 'error',
});
const module = { exports: {} };
new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
const { experimentJsonSchemaText, SCHEMA_PATH, hyperparameterMarkdown, optimizerMarkdown } = module.exports;
const target = join(root, SCHEMA_PATH);
const text = experimentJsonSchemaText({ hyperparameterMarkdown, optimizerMarkdown });
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
  if (current !== text) {
    console.error(`${SCHEMA_PATH} is out of date: run npm run schema`);
    process.exit(1);
  }
  console.log(`${SCHEMA_PATH} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${SCHEMA_PATH} (${text.length} bytes)`);
}
