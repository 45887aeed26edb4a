// Pre-renders the formulas the walkthrough's pages show into media/walkthrough/formulas/*.svg
// (MathJax, glyphs embedded). Walkthrough pages show them as <img>, which has no theme colour, so
// they are drawn in a mid-grey that reads on light and dark backgrounds alike.
// Usage: node scripts/render-formulas.mjs           (run after changing a formula in src/explain/)
//        node scripts/render-formulas.mjs --check   (exits 1 when a committed SVG is out of date)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MID_GREY = '#808080';

const tmp = mkdtempSync(join(tmpdir(), 'render-formulas-'));
const bundle = join(tmp, 'explain.cjs');
await esbuild.build({
  stdin: {
    contents: "export { texToSvg, themedSvg } from './src/extension/explainSvg';\nexport { formulaByKey } from './src/explain/registry';\n",
    resolveDir: root, loader: 'ts', sourcefile: 'render-formulas-entry.ts',
  },
  bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const { texToSvg, themedSvg, formulaByKey } = createRequire(import.meta.url)(bundle);
rmSync(tmp, { recursive: true, force: true });

const gathered = (equations) => equations.length === 1
  ? equations[0].tex
  : `\\begin{gathered}${equations.map((e) => e.tex).join(' \\\\ ')}\\end{gathered}`;
const rule = (key) => {
  const f = formulaByKey(key);
  if (!f) throw new Error(`render-formulas: no formula "${key}" in the registry`);
  return f.equations;
};

const images = {
  gd: gathered(rule('optimizer:gd')),
  momentum: gathered(rule('optimizer:momentum')),
  adam: gathered(rule('optimizer:adam').filter((e) => !e.text.startsWith('AMSGrad'))),
  adamStep: rule('optimizer:adam').at(-1).tex,
  weightDecayCoupled: gathered(rule('tweak:weightDecayCoupled')),
  weightDecayDecoupled: gathered(rule('tweak:weightDecayDecoupled')),
};

const out = join(root, 'media', 'walkthrough', 'formulas');
const check = process.argv.includes('--check');
const stale = [];
mkdirSync(out, { recursive: true });
for (const [name, tex] of Object.entries(images)) {
  const file = join(out, `${name}.svg`);
  const svg = themedSvg(texToSvg(tex), MID_GREY) + '\n';
  if (!check) writeFileSync(file, svg);
  else if (!existsSync(file) || readFileSync(file, 'utf8') !== svg) stale.push(file);
}
if (stale.length > 0) {
  process.stderr.write(`render-formulas: out of date (run node scripts/render-formulas.mjs): ${stale.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`render-formulas: ${Object.keys(images).length} SVGs ${check ? 'up to date' : 'written'} in ${out}\n`);
