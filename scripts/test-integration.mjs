#!/usr/bin/env node
// Runs the extension in a REAL VS Code: code-server 4.100.3 (VS Code 1.100.3 with a Node extension
// host) driven by headless Chromium through playwright-core. See ../shared/notes/vscode-testing.md.
//
//   node scripts/test-integration.mjs [--out DIR] [--only suite,untrusted,browser,a11y,explain,vsix] [--bench]
//
// suite     the mocha suite (compiled test/integration/**/*.test.js) inside the extension host,
//           loaded with the extensionDevelopmentPath/extensionTestsPath payload; exit code from
//           window.codeAutomationExit
// untrusted the same suite's Workspace Trust part, in a workspace VS Code does not trust
// browser    drives the panel as a person (out/test/integration/browser.js), then Compare Optimizers… → Tuned in the
//           same window (out/test/integration/tuned.js), screenshots in test-results/;
//           then a new user's first screen at 1280×800 and 1920×1080 (out/test/integration/firstScreen.js)
// a11y      axe-core inside the panel in Light, Dark and High Contrast, and the tab order (out/test/integration/a11y.js);
//           not in the default set (CI's 15-minute budget): `--only a11y`. The Chromium unit tests run axe on every npm test.
// explain    hovers (light and dark) and the Getting Started walkthrough, screenshots in test-results/explain/
// vsix       packages the extension (vsce), installs the .vsix into code-server, opens the panel, runs
// --bench    instead of tests: out/bench/vscode.js (command → first point, frame times, activation)
//
// Each code-server gets a free loopback port and fresh user-data/extensions dirs; every process this
// script started is stopped (by its process group) before it exits. Exit status: 0 when all passed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const outDir = resolve(root, opt('--out', 'out'));
const bench = args.includes('--bench');
const only = new Set((opt('--only', bench ? 'bench' : 'suite,untrusted,browser,explain,vsix')).split(','));
const codeServer = join(root, '.vscode-test/code-server/node_modules/.bin/code-server');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

if (!existsSync(codeServer)) {
  const r = spawnSync('bash', [join(root, 'scripts/install-code-server.sh')], { stdio: 'inherit' });
  if (r.status !== 0) { console.error('could not install code-server (scripts/install-code-server.sh failed)'); process.exit(1); }
}
if (!existsSync(join(root, 'dist/extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first'); process.exit(1);
}

const started = [];
function stopAll() {
  for (const p of started.splice(0)) {
    try { process.kill(-p.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(130); });

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** A workspace folder with a loss file and an experiment file, fresh for each code-server. */
function makeWorkspace(base) {
  const ws = join(base, 'workspace');
  mkdirSync(ws, { recursive: true });
  const fixtures = join(root, 'test/fixtures/integration');
  if (existsSync(fixtures)) cpSync(fixtures, ws, { recursive: true });
  else {
    writeFileSync(join(ws, 'loss.ts'), 'export default function loss([x, y]: number[]): number {\n  return (x - 1) ** 2 + 10 * (y + 2) ** 2;\n}\nexport const init = [3, 3];\n');
    writeFileSync(join(ws, 'broken.ts'), 'export default function loss([x, y]: number[]): number {\n  return x +* y;\n}\n');
    writeFileSync(join(ws, 'quadratic.optim.json'), JSON.stringify({ title: 'Quadratic', loss: { file: 'loss.ts' }, steps: 50, runs: [{ optimizer: 'adam', lr: 0.1 }] }, null, 2));
  }
  return ws;
}

/** Starts code-server; resolves when it listens. */
async function startCodeServer({ trusted = true, extensionsDir, env = {}, welcome = false } = {}) {
  const base = mkdtempSync(join(tmpdir(), 'optim-cs-'));
  const port = await freePort();
  const userData = join(base, 'user-data');
  const exts = extensionsDir ?? join(base, 'extensions');
  mkdirSync(userData, { recursive: true });
  mkdirSync(exts, { recursive: true });
  // No welcome page, no trust prompt on startup (trust is decided by --disable-workspace-trust or not).
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({
    // A new user's VS Code opens the Welcome page (the first-screen check wants it).
    ...(welcome ? {} : { 'workbench.startupEditor': 'none' }), 'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open', 'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false, 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false,
  }));
  const workspace = makeWorkspace(base);
  const csArgs = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', exts, '--user-data-dir', userData,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', ...(trusted ? ['--disable-workspace-trust'] : []), workspace];
  const child = spawn(codeServer, csArgs, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.push(child);
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/.test(log)) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port, workspace, base, exts, child, url: `http://127.0.0.1:${port}`, log: () => log,
    stop() { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } started.splice(started.indexOf(child), 1); rmSync(base, { recursive: true, force: true }); },
  };
}

let chromium;
async function launchBrowser() {
  ({ chromium } = await import('playwright-core'));
  return chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The workbench URL for a folder, with an extension development payload. */
function workbenchUrl(server, { tests, grep, welcome = false } = {}) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${root}`], ...(welcome ? [] : [['skipWelcome', 'true']])];
  if (tests) payload.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${server.port}${tests}`]);
  void grep;
  return `${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Printed by the untrusted suite's last test (test/integration/trust.test.ts) when it wants the workspace trusted. */
const GRANT_TRUST_LINE = '::grant-workspace-trust-through-the-action::';

/**
 * Trusts the workspace as a person would: the extension's notification action "Trust this
 * workspace to run its loss", then "Trust" in VS Code's Workspace Trust editor it opens.
 */
async function grantTrustThroughTheAction(page, name) {
  try {
    await page.locator('.notification-toast .monaco-button', { hasText: 'Trust this workspace to run its loss' }).first().click({ timeout: 30_000 });
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click({ timeout: 30_000 });
  } catch (e) {
    await page.screenshot({ path: join(resultsDir, `${name}-grant-trust.png`) }).catch(() => {});
    console.error(`${name}: could not trust the workspace through the action: ${e?.message ?? e}`);
  }
}

/** Runs the mocha suite inside the extension host; resolves with its exit code. */
async function runSuite(browser, { trusted, name }) {
  const server = await startCodeServer({ trusted, env: { OPTIM_TEST_TRUST: trusted ? 'trusted' : 'untrusted' } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let exitCode;
  const exited = new Promise((res) => { exitCode = res; });
  // The workbench forwards the extension host's console here; print mocha's lines (printf-style
  // arguments substituted) from the suite's first line on, not the workbench's own chatter.
  let printing = false;
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const parts = Array.isArray(logArgs) ? [...logArgs] : [logArgs];
    let first = typeof parts[0] === 'string' ? parts.shift() : '';
    first = first.replace(/%[sdifoOc]/g, () => (parts.length ? String(parts.shift()) : ''));
    const line = [first, ...parts.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(' ').trimEnd();
    if (line.startsWith('integration suite:')) printing = true;
    if (line === GRANT_TRUST_LINE) void grantTrustThroughTheAction(page, name);
    if (!printing || /workbench\.js|^OverlayWebview|^InstantiationService|^\[lifecycle\]/.test(line)) return;
    (type === 'error' ? process.stderr : process.stdout).write(line + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => exitCode(code));
  const tests = join(outDir, 'test/integration/index');
  console.log(`\n▶ ${name}: code-server on :${server.port}${trusted ? '' : ' (workspace NOT trusted)'}`);
  await page.goto(workbenchUrl(server, { tests }));
  const timeout = new Promise((res) => setTimeout(() => res('timeout'), 240_000));
  const code = await Promise.race([exited, timeout]);
  if (code === 'timeout') {
    await page.screenshot({ path: join(resultsDir, `${name}-timeout.png`) }).catch(() => {});
    console.error(`${name}: no codeAutomationExit within 240 s\n${server.log().slice(-4000)}`);
  }
  await page.close();
  server.stop();
  return code === 'timeout' ? 1 : code;
}

/** Opens the workbench with the extension loaded (no tests) and hands the page to `fn`. */
async function withWorkbench(browser, name, fn, { extensionsDir, development = true, welcome = false, viewport = { width: 1500, height: 950 } } = {}) {
  const server = await startCodeServer({ extensionsDir, welcome });
  const page = await browser.newPage({ viewport });
  console.log(`\n▶ ${name}: code-server on :${server.port}`);
  const url = development ? workbenchUrl(server, { welcome }) : `${server.url}/?folder=${encodeURIComponent(server.workspace)}`;
  try {
    // (A busy machine loads the workbench slowly.)
    await page.goto(url, { timeout: 120_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await fn({ page, server, resultsDir });
    console.log(`  ✔ ${name}`);
    return 0;
  } catch (e) {
    await page.screenshot({ path: join(resultsDir, `${name}-failure.png`) }).catch(() => {});
    console.error(`  ✘ ${name}: ${e?.stack ?? e}`);
    return 1;
  } finally {
    await page.close();
    server.stop();
  }
}

async function loadModule(rel) {
  const file = join(outDir, rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: compile the tests first (npm run compile-tests)`);
  return import(pathToFileURL(file).href);
}

const browser = await launchBrowser();
const failures = [];
try {
  if (only.has('suite') && (await runSuite(browser, { trusted: true, name: 'suite' })) !== 0) failures.push('suite');
  if (only.has('untrusted') && (await runSuite(browser, { trusted: false, name: 'untrusted' })) !== 0) failures.push('untrusted');
  if (only.has('browser')) {
    const { drivePanelAsAPerson } = await loadModule('test/integration/browser.js');
    const { compareTunedAsAPerson } = await loadModule('test/integration/tuned.js');
    // The tuned comparison reuses the panel and code-server the person's drive leaves.
    const drive = async (ctx) => { await drivePanelAsAPerson(ctx); await compareTunedAsAPerson(ctx); };
    if ((await withWorkbench(browser, 'browser', drive)) !== 0) failures.push('browser');
    // A new user's first screen (fresh profile, Welcome page open) at laptop and desktop sizes.
    const { checkFirstScreen } = await loadModule('test/integration/firstScreen.js');
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
      const name = `first-screen-${viewport.width}x${viewport.height}`;
      if ((await withWorkbench(browser, name, (ctx) => checkFirstScreen(ctx, viewport), { welcome: true, viewport })) !== 0) failures.push(name);
    }
  }
  if (only.has('a11y')) {
    // axe-core inside the panel in VS Code's light, dark and high-contrast themes; the tab order.
    const { checkAccessibilityInVsCode } = await loadModule('test/integration/a11y.js');
    if ((await withWorkbench(browser, 'a11y', checkAccessibilityInVsCode)) !== 0) failures.push('a11y');
  }
  if (only.has('explain')) {
    const { screenshotHovers, screenshotWalkthrough } = await loadModule('test/explain/hover.browser.js');
    const explain = async (ctx) => { await screenshotHovers(ctx); await screenshotWalkthrough(ctx); };
    if ((await withWorkbench(browser, 'explain', explain)) !== 0) failures.push('explain');
  }
  if (only.has('vsix')) {
    console.log('\n▶ vsix: npm run package');
    const pkg = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const vsix = join(root, 'optimizer-playground.vsix');
    if (pkg.status !== 0 || !existsSync(vsix)) failures.push('vsix (package)');
    else {
      const { statSync } = await import('node:fs');
      const size = statSync(vsix).size;
      console.log(`  .vsix: ${(size / 1e6).toFixed(2)} MB`);
      if (size >= 5e6) failures.push(`vsix (size ${(size / 1e6).toFixed(2)} MB ≥ 5 MB)`);
      const exts = mkdtempSync(join(tmpdir(), 'optim-vsix-'));
      const inst = spawnSync(codeServer, ['--extensions-dir', exts, '--install-extension', vsix], { encoding: 'utf8' });
      console.log(`  ${(inst.stdout + inst.stderr).trim().split('\n').pop()}`);
      if (inst.status !== 0) failures.push('vsix (install)');
      else {
        const { runPackagedExtension } = await loadModule('test/integration/browser.js');
        if ((await withWorkbench(browser, 'vsix', runPackagedExtension, { extensionsDir: exts, development: false })) !== 0) failures.push('vsix');
      }
      rmSync(exts, { recursive: true, force: true });
    }
  }
  if (only.has('bench')) {
    const { benchVscode } = await loadModule('bench/vscode.js');
    if ((await withWorkbench(browser, 'bench', benchVscode)) !== 0) failures.push('bench');
  }
} finally {
  await browser.close();
  stopAll();
}
if (failures.length) { console.error(`\nFAILED: ${failures.join(', ')}`); process.exit(1); }
console.log('\nall passed');
process.exit(0); // a child's pipe or a stopped server's handle must not keep CI waiting
