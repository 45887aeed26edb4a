#!/usr/bin/env node
// `npm test`: every check a change must pass, stopping at the first failing step: build,
// type-check (compiling the tests is the type-check of src/, test/ and bench/), lint, the committed
// JSON Schema and formula images are current, unit tests, then the tests inside a real VS Code
// (code-server + headless Chromium). Prints each stage's output and time, and ends with one line
// "tests: N passed, M failed".
//
//   node scripts/test.mjs [--unit]      --unit: everything but the tests in VS Code
//
// Stages that do not depend on each other run side by side (most of them keep one core busy; the
// machine has two): the five checks of the sources, then the unit tests in two processes, Chromium's
// and the others. A group's first stage prints its output as it comes, the others theirs whole when
// they end. When OPTIM_WAIT_FOR is set (by .ci/run while it installs python3-torch in the
// background), the unit tests outside Chromium start once that file exists; it holds the
// installer's exit status.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BROWSER_TESTS = 'out/test/**/*.browser.test.js';
const SECOND_GROUP = [BROWSER_TESTS, 'out/test/snippet/hostileFiles.test.js', 'out/test/snippet/hostileHang.test.js'];
const steps = [
  [
    ['build', 'node', ['scripts/build.mjs']],
    ['type-check and compile tests', 'npx', ['tsc', '-p', 'tsconfig.test.json']],
    ['type-check the webview', 'npx', ['tsc', '-p', 'src/webview']],
    ['lint', 'npx', ['eslint', 'src', 'test']],
    ['schema is current', 'node', ['scripts/generate-schema.mjs', '--check']],
  ],
  // The unit tests (.mocharc.cjs) in two processes side by side: those that drive Chromium with two
  // hostile-input files (which need no torch), and the others; the two take about as long.
  [
    ['unit tests', 'npx', ['mocha', ...SECOND_GROUP.flatMap((g) => ['--ignore', g])], { waitFor: process.env.OPTIM_WAIT_FOR }],
    ['unit tests in Chromium, hostile files and hangs', 'npx', ['mocha', ...SECOND_GROUP]],
  ],
  [['tests in VS Code', 'node', ['scripts/test-integration.mjs']]],
];
if (process.argv.includes('--unit')) steps.pop();

let passed = 0;
let failed = 0;
/** Each stage's failures as mocha reports them ("N failing" to the end of its output), repeated last so a log's tail names them. */
const failures = [];
function count(text) {
  for (const line of text.split('\n')) {
    const p = /^\s*(\d+) passing\b/.exec(line);
    const f = /^\s*(\d+) failing\b/.exec(line);
    // The browser stages of test-integration.mjs report one line each, indented by two spaces:
    // "  ✔ browser" / "  ✘ browser: …" (mocha's own tests are indented further and counted by "N passing").
    if (/^ {2}✔ [\w-]+$/.test(line)) passed += 1;
    if (/^ {2}✘ [\w-]+:/.test(line)) failed += 1;
    if (p) passed += Number(p[1]);
    if (f) failed += Number(f[1]);
  }
}

const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Waits until `file` exists (written by .ci/run when the background install ended); fails unless it holds 0. */
async function waitForFile(file) {
  const t0 = Date.now();
  if (!existsSync(file)) console.log(`(waiting for ${file})`);
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 1000));
  const status = readFileSync(file, 'utf8').trim();
  if (Date.now() - t0 > 1000) console.log(`(waited ${seconds(t0)} for ${file})`);
  return status === '0' ? 0 : 1;
}

/** Runs one stage; `live`: print its output as it comes, otherwise all at once when it ends (the first stage of a group is live). */
async function run([name, cmd, args, { waitFor } = {}], live) {
  const header = `\n━━ ${name}: ${cmd} ${args.join(' ')}`;
  if (live) console.log(header);
  if (waitFor && (await waitForFile(waitFor)) !== 0) {
    console.error(`${waitFor} says the installation this stage needs failed`);
    return 1;
  }
  const t0 = Date.now();
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { if (live) process.stdout.write(c); else out += c; count(c.toString()); });
  child.stderr.on('data', (c) => { if (live) process.stderr.write(c); else out += c; count(c.toString()); });
  let all = '';
  child.stdout.on('data', (c) => { all += c; });
  child.stderr.on('data', (c) => { all += c; });
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (!live) process.stdout.write(`${header}\n${out}`);
  const failing = /^\s*\d+ failing\b[\s\S]*/m.exec(all);
  if (code !== 0) failures.push(`━━ ${name}:\n${failing ? failing[0].slice(0, 20_000) : all.slice(-4000)}`);
  console.log(`━━ ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`}, ${seconds(t0)}`);
  return code;
}

const t0 = Date.now();
let status = 0;
for (const group of steps) {
  const codes = await Promise.all(group.map((stage, i) => run(stage, i === 0)));
  const bad = group.filter((_, i) => codes[i] !== 0).map(([name]) => name);
  if (bad.length) {
    console.error(`\n✗ ${bad.join(', ')} failed`);
    status = 1;
    break;
  }
}
if (failures.length) console.log(`\n━━ what failed, again:\n${failures.join('\n')}`);
if (status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed (${seconds(t0)})`);
process.exit(status);
