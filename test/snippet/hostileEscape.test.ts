/**
 * Hostile suite, escapes: a loss that reaches an object of the sandbox process's own realm (the
 * errors Node's stack formatter throws when the stack is full, the process's `Error`) must get no
 * further — no code generation, no stack-trace hook, no `process` — and a process that did get
 * out of the `vm` context must find files, processes, workers, the network and the host closed.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchPlan } from '../../src/snippet/launch';
import { repoPath } from '../repoRoot';
import { assertHostWorks, experimentOn, runCli, runError, runSnippet } from './hostileHelpers';

/** The escape: fill the stack, then ask a new Error for its stack; Node's formatter overflows in the host realm. */
const LEAK = `let leaked: any = null;
function probe(): void {
  try { const s = new Error('x').stack; } catch (r: any) { if (!(r instanceof RangeError)) leaked = r; }
}
function deep(n: number): number {
  let v = 0;
  try { v = deep(n + 1) + 1; } catch (e) { v = 0; }
  if (!leaked) probe();
  return v;
}
`;

describe('hostile: escapes from the vm context', function () {
  this.timeout(60_000);

  it('the issue\'s escape through the CLI reaches no `process`: the run says code generation is disallowed, nothing is written', () => {
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'escape-')), 'escaped.txt');
    const esc = readFileSync(repoPath('test', 'fixtures', 'hostile', 'escape-repro.ts'), 'utf8')
      .replace("throw new Error('ESCAPED pid=' + p.pid);", `p.mainModule.require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n    throw new Error('ESCAPED pid=' + p.pid);`);
    const r = runCli({ 'esc.ts': esc, 'x.optim.json': experimentOn('esc.ts') }, ['run', 'x.optim.json', '--summary']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /ESCAPED/);
    assert.match(r.stdout, /^SGD η=0\.1: the loss threw at line 18, column \d+: EvalError: Code generation from strings disallowed for this context at params \[1, 1\]$/m);
    assert.equal(existsSync(marker), false);
  });

  it('a leaked built-in of the process cannot compile code (the Function constructor of its realm)', async () => {
    const o = await runSnippet(`${LEAK}export default function loss([x]: number[]): number {
  for (let k = 0; k < 20 && !leaked; k++) deep(0);
  if (!leaked) throw new Error('nothing leaked');
  return leaked.constructor.constructor('return process')().pid;
}
export const init = [1];`);
    assert.match(runError(o), /: EvalError: Code generation from strings disallowed for this context at params \[1\]$/);
  });

  it('a leaked object of the process cannot install a stack-trace hook nor change any of the process\'s built-ins (they are locked)', async () => {
    const o = await runSnippet(`${LEAK}export default function loss([x]: number[]): number {
  for (let k = 0; k < 20 && !leaked; k++) deep(0);
  if (!leaked) throw new Error('nothing leaked');
  let HostObjectPrototype = leaked;
  while (Object.getPrototypeOf(HostObjectPrototype) !== null) HostObjectPrototype = Object.getPrototypeOf(HostObjectPrototype);
  const HostObject = HostObjectPrototype.constructor;
  const HostArrayPrototype = Object.getPrototypeOf(HostObject.keys({ a: 1 }));
  const attempts: [any, string][] = [[HostObjectPrototype, 'then'], [HostObjectPrototype, 'toString'], [HostArrayPrototype, 'map'],
    [HostArrayPrototype, 'push'], [HostObject, 'keys']];
  const changed: string[] = [];
  const fake = (): number => 0;
  for (const [target, name] of attempts) {
    try { target[name] = fake; } catch (e) { /* refused */ }
    try { Object.defineProperty(target, name, { value: fake }); } catch (e) { /* refused */ }
    if (target[name] === fake) changed.push(name);
  }
  const HostError = Object.getPrototypeOf(Object.getPrototypeOf(leaked)).constructor;
  let hook = 'installed';
  try { HostError.prepareStackTrace = (_e: unknown, sites: any[]) => sites.map((s) => typeof s.getThis()).join(); } catch (e: any) { hook = e.message; }
  throw new Error('changed: [' + changed.join() + '] host realm: ' + (HostArrayPrototype !== Array.prototype) + '; hook: ' + hook);
}
export const init = [1];`);
    assert.match(runError(o), /: Error: changed: \[\] host realm: true; hook: Cannot (assign to read only property 'prepareStackTrace'|add property prepareStackTrace, object is not extensible)/);
  });

  it('replacing globalThis.Error cannot get around the stack-hook lock', async () => {
    const o = await runSnippet(`export default function loss([x]: number[]): number {
  (globalThis as any).Error = { prepareStackTrace: (_e: unknown, sites: any[]) => sites.map((s) => s.getFileName()) };
  return x;
}
export const init = [1];`);
    assert.match(runError(o), /^the loss threw at line 2, column \d+: TypeError: Cannot assign to read only property 'Error' of object '\[object global\]' at params \[1\]$/);
    const defined = await runSnippet(`export default function loss([x]: number[]): number {
  Object.defineProperty(globalThis, 'Error', { value: { prepareStackTrace: () => 'hooked' } });
  return x;
}
export const init = [1];`);
    assert.match(runError(defined), /^the loss threw at line 2, column \d+: TypeError: Cannot redefine property: Error at params \[1\]$/);
  });

  it('a stack shows the snippet\'s own frames only: no path of the process', async () => {
    const o = await runSnippet(`function inner(): string { return String(new Error('x').stack); }
export default function loss([x]: number[]): number {
  throw new Error('stack=' + inner().split('\\n').join('|'));
}
export const init = [1];`);
    assert.match(runError(o), /^the loss threw at line 3, column \d+: Error: stack=\| {4}at loss-snippet\.js:\d+:\d+\| {4}at loss-snippet\.js:\d+:\d+ at params \[1\]$/);
  });

  it('the RangeError of a stack overflow cannot compile code either, and a rejected Proxy never reaches the process', async () => {
    const o = await runSnippet(`function down(n: number): number { return down(n + 1) + 1; }
export default function loss([x]: number[]): number {
  void Promise.reject(new Proxy({}, { get() { while (true) { /* spin */ } } }));
  try { down(0); } catch (e: any) { return e.constructor.constructor('return 1')(); }
  return x;
}
export const init = [1];`);
    assert.match(runError(o), /: EvalError: Code generation from strings disallowed for this context at params \[1\]$/);
    await assertHostWorks();
  });

  it('a process that got out of the vm finds files, processes, workers, the network, the environment and the host closed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'escaped-'));
    const forbidden = path.join(dir, 'written.txt');
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const plan = launchPlan('sandbox', 256, 0);
    // The probe is loaded from out/ (its own compiled sources), the one thing it may read besides.
    const execArgv = plan.execArgv.map((a) => (a.startsWith('--allow-fs-read=') ? `--allow-fs-read=${repoPath('out')}` : a));
    const probe = async (layers: 'both' | 'permission model only'): Promise<Record<string, string>> => {
      const child = spawn(plan.execPath, [...execArgv, path.join(__dirname, 'fixtures', 'escapedProcess.js'), forbidden, '/etc/hostname', String(port), layers],
        { env: plan.env, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      await new Promise((resolve) => child.on('close', resolve));
      return JSON.parse(out) as Record<string, string>;
    };
    const both = await probe('both'), permissionOnly = await probe('permission model only');
    server.close();
    const withProcessOnly = {
      'process.binding': 'refused: process.binding is undefined',
      'process.mainModule.require': 'refused: Cannot read properties of undefined (reading \'require\')',
      'process.getBuiltinModule': 'refused: process.getBuiltinModule is undefined',
      'process.dlopen': 'refused: process.dlopen is undefined',
      'process.kill of the host': 'refused: process.kill is undefined',
      'process.env': 'allowed: {}',
      'fetch': 'refused: fetch is undefined',
    };
    assert.deepEqual(both, {
      ...withProcessOnly,
      'read a file outside the extension': 'refused: ERR_SANDBOX_REFUSED',
      'read /proc/self/environ': 'refused: ERR_SANDBOX_REFUSED',
      'write a file': 'refused: ERR_SANDBOX_REFUSED',
      'start a child process': 'refused: ERR_SANDBOX_REFUSED',
      'start a worker': 'refused: workers.Worker is not a constructor',
      'connect to a local port': 'refused: ERR_SANDBOX_REFUSED',
      'listen on a port': 'refused: ERR_SANDBOX_REFUSED',
    });
    // Each layer holds on its own: Node's permission model without the process's own refusals.
    assert.deepEqual(permissionOnly, {
      ...withProcessOnly,
      'read a file outside the extension': 'refused: ERR_ACCESS_DENIED',
      'read /proc/self/environ': 'refused: ERR_ACCESS_DENIED',
      'write a file': 'refused: ERR_ACCESS_DENIED',
      'start a child process': 'refused: ERR_ACCESS_DENIED',
      'start a worker': 'refused: ERR_ACCESS_DENIED',
      'connect to a local port': 'refused: ERR_SANDBOX_REFUSED',
      'listen on a port': 'refused: ERR_SANDBOX_REFUSED',
    });
    assert.equal(existsSync(forbidden), false);
  });
});
