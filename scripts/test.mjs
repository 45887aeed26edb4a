#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, stopping at the first failing stage:
// build, type-check, lint, the committed JSON Schema and formula images are current, unit tests,
// then the tests inside a real VS Code (code-server + headless Chromium). Prints each stage's
// output as it comes and ends with one line "tests: N passed, M failed".
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stages = [
  ['build', 'node', ['scripts/build.mjs']],
  ['type-check', 'npx', ['tsc', '-p', '.', '--noEmit']],
  ['type-check the webview', 'npx', ['tsc', '-p', 'src/webview']],
  ['lint', 'npx', ['eslint', 'src', 'test']],
  ['schema is current', 'node', ['scripts/generate-schema.mjs', '--check']],
  ['compile tests', 'npx', ['tsc', '-p', 'tsconfig.test.json']],
  ['unit tests', 'npx', ['mocha', '--config', '.mocharc.json']],
  ['tests in VS Code', 'node', ['scripts/test-integration.mjs']],
];
if (process.argv.includes('--unit')) stages.pop();

let passed = 0;
let failed = 0;
function run([name, cmd, args]) {
  return new Promise((resolve) => {
    console.log(`\n━━ ${name}: ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const count = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        const p = /^\s*(\d+) passing\b/.exec(line);
        const f = /^\s*(\d+) failing\b/.exec(line);
        // The browser stages of test-integration.mjs report one line each, indented by two spaces:
        // "  ✔ browser" / "  ✘ browser: …" (mocha's own tests are indented further and counted by "N passing").
        if (/^ {2}✔ [\w-]+$/.test(line)) passed += 1;
        if (/^ {2}✘ [\w-]+:/.test(line)) failed += 1;
        if (p) passed += Number(p[1]);
        if (f) failed += Number(f[1]);
      }
    };
    child.stdout.on('data', (c) => { process.stdout.write(c); count(c); });
    child.stderr.on('data', (c) => { process.stderr.write(c); count(c); });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let status = 0;
for (const stage of stages) {
  const code = await run(stage);
  if (code !== 0) {
    console.error(`\n✗ ${stage[0]} failed (exit ${code})`);
    status = 1;
    break;
  }
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(status);
