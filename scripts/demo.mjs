// `npm run demo` (after `npm run build`): runs every experiment in examples/ with the CLI,
// writes its data, charts and SVGs to demo-output/<name>/, and prints a summary table per
// experiment. The examples retell the seed: gradient descent and its two tweaks against Adam on
// the simple problem, Adam at several learning rates, and a loss written in TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm run build` first (or `npm run demo`, which builds).');
  process.exit(1);
}

// The story in order (gradient descent, its tweaks, Adam, a loss of your own, a fair comparison on it); any other example follows alphabetically.
const order = ['gd-tweaks', 'adam-learning-rates', 'snippet-ravine', 'fair-comparison'];
const names = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.optim.json'))
  .map((f) => f.slice(0, -'.optim.json'.length))
  .sort((a, b) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1) || a.localeCompare(b));

let failed = 0;
const svgs = [];
for (const name of names) {
  const file = join('examples', `${name}.optim.json`);
  const out = join('demo-output', name);
  console.log(`\n━━ ${file} → ${out}/`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, 'run', file, '--summary', '--out', out], { cwd: root, encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) {
    failed++;
    process.stderr.write(result.stderr ?? '');
    console.log(`✗ ${name}: exit status ${result.status}`);
    continue;
  }
  const written = readdirSync(join(root, out)).filter((f) => f.endsWith('.svg'));
  svgs.push(...written.map((f) => relative(root, join(root, out, f))));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; ${written.length} charts: ${written.join(', ')})`);
}

// One line per experiment, from the runs.json each run wrote: which run got lowest, which diverged.
const rows = [['experiment', 'runs', 'lowest final loss', 'by', 'diverged']];
for (const name of names) {
  const file = join(root, 'demo-output', name, 'runs.json');
  if (!existsSync(file)) continue;
  const runs = JSON.parse(readFileSync(file, 'utf8')).runs;
  const finite = runs.filter((r) => r.status !== 'diverged' && typeof r.finalLoss === 'number');
  const best = finite.reduce((a, r) => (a && a.finalLoss <= r.finalLoss ? a : r), undefined);
  const diverged = runs.filter((r) => r.status === 'diverged').map((r) => r.label);
  rows.push([name, String(runs.length), best ? (Math.abs(best.finalLoss) < 1e-3 ? best.finalLoss.toExponential(3) : best.finalLoss.toPrecision(4)) : '—', best?.label ?? '—', diverged.join(', ') || '—']);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log('\nSummary');
rows.forEach((r, i) => {
  console.log(r.map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
});

console.log(`\n${names.length - failed} of ${names.length} experiments ran. Charts:`);
for (const svg of svgs) console.log(`  ${svg}`);
process.exit(failed ? 1 : 0);
