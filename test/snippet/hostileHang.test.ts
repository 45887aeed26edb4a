/**
 * Hostile suite, hangs and lies: a loss that never returns — in its body, a getter, a Proxy trap,
 * a coercion, a regular expression, its module's top level — is stopped at its deadline with the
 * params it was evaluated at; what a loss throws or returns is described without running any of
 * its code (a thrown Proxy's traps never run, a getter never runs) and in one line of bounded
 * length, so it can neither hang the host nor write lines of its own into the output.
 */
import * as assert from 'node:assert/strict';
import { assertHostWorks, runError, runSnippet } from './hostileHelpers';

const loss = (body: string, prelude = ''): string => `${prelude}\nexport default function loss([x]: number[]): number {\n${body}\n}\nexport const init = [1];\n`;
const SPIN = 'while (true) { /* spin */ }';

describe('hostile: hangs, getters, proxies and coercions', function () {
  this.timeout(60_000);

  // Each hangs once the first update moved x from 1 to 0.99 (SGD, lr 0.01, gradient 1): the runs are
  // going (the probe's points before the run, 10% away from the start, do not hang).
  const HANGS: readonly (readonly [string, string])[] = [
    ['a loop in the loss', loss(`  if (x < 1 && x > 0.98) ${SPIN}\n  return x;`)],
    ['a getter the loss reads', loss(`  return x < 1 && x > 0.98 ? x + trap.value : x;`, `const trap = { get value(): number { ${SPIN} } };`)],
    ['a Proxy trap the loss triggers', loss('  return x < 1 && x > 0.98 ? x + (trap as any).anything : x;', `const trap = new Proxy({}, { get() { ${SPIN} } });`)],
    ['a coercion (Symbol.toPrimitive)', loss('  return x < 1 && x > 0.98 ? x + (trap as any) : x;', `const trap = { [Symbol.toPrimitive]() { ${SPIN} } };`)],
    ['a catastrophic regular expression', loss('  return x < 1 && x > 0.98 && /^(a+)+$/.test("a".repeat(40) + "!") ? 0 : x;')],
  ];
  for (const [name, source] of HANGS) {
    it(`stops ${name} at the deadline and names the params`, async () => {
      const o = await runSnippet(source, { deadlineMs: 400 });
      assert.equal(o.error?.kind, 'timeout');
      assert.equal(o.error?.message, 'the loss did not return within 400 ms (at params [0.99])');
      assert.equal(o.end()?.status, 'error');
      assert.equal(o.end()?.message, o.error?.message);
      assert.ok(o.ms < 15_000, `stopped after ${Math.round(o.ms)} ms`);
    });
  }

  it('stops a fast loss that hangs after many steps (fast mode: not every evaluation reads the clock) and names its params', async () => {
    const o = await runSnippet(loss(`  if (++calls > 50000) ${SPIN}\n  return x;`, 'let calls = 0;'), { deadlineMs: 400 },
      { steps: 1_000_000, runs: [{ optimizer: 'sgd', lr: 1e-9 }] });
    assert.equal(o.error?.kind, 'timeout');
    assert.match(o.error?.message ?? '', /^the loss did not return within 400 ms \(at params \[0\.999\d*\]\)$/);
    assert.equal(o.end()?.status, 'error');
    assert.ok((o.end()?.steps ?? 0) > 20_000, `stopped at step ${o.end()?.steps}`);
  });

  it('stops a loss that hangs at the start point before any run starts', async () => {
    const o = await runSnippet(loss(`  ${SPIN}`), { deadlineMs: 400 });
    assert.deepEqual(o.error, { kind: 'timeout', message: 'the loss did not return within 400 ms (at params [1])' });
    assert.deepEqual(o.events, []);
  });

  it('stops a snippet whose top level never finishes (a loop, an export\'s getter)', async () => {
    for (const source of [`${SPIN}\nexport default ([x]: number[]) => x;\nexport const init = [1];`,
      `export default ([x]: number[]) => x;\nexport const init = new Proxy([1], { get() { ${SPIN} } });`]) {
      const o = await runSnippet(source, { deadlineMs: 400 });
      assert.deepEqual(o.error, { kind: 'timeout', message: 'the snippet did not finish loading within 400 ms' });
    }
    await assertHostWorks();
  });

  it('a slow loss whose steps outlast the deadline while each evaluation does not still runs (each evaluation has the deadline)', async () => {
    // 40 ms per evaluation, a deadline of 1 s: a loaded machine may stall an evaluation by a few
    // hundred milliseconds (the deadline is wall time), never by 960; a step (a gradient by finite differences) and the probe's
    // evaluations take well over the deadline in all.
    const o = await runSnippet(`export default function loss([x, y]: number[]): number {\n  const t = Date.now();\n  while (Date.now() - t < 40) { /* slow */ }\n  return x * x + y * y + Math.random() * 0;\n}\nexport const init = [1, 1];`,
      { deadlineMs: 1000 }, { steps: 1 });
    assert.equal(o.error, undefined, o.error?.message);
    assert.equal(o.end()?.status, 'completed');
  });

  it('a thrown Proxy is described without running its traps', async () => {
    const o = await runSnippet(loss(`  throw new Proxy(new Error('fake'), { get() { ${SPIN} }, getPrototypeOf() { ${SPIN} }, ownKeys() { ${SPIN} }, getOwnPropertyDescriptor() { ${SPIN} } });`),
      { deadlineMs: 400 });
    assert.equal(runError(o), 'the loss threw a Proxy at params [1]');
  });

  it('a thrown error\'s getters never run: its name and message are read only when they are plain values', async () => {
    const o = await runSnippet(loss(`  const e = new TypeError('plain');\n  Object.defineProperty(e, 'message', { get() { ${SPIN} } });\n  Object.defineProperty(e, 'name', { get() { ${SPIN} } });\n  throw e;`),
      { deadlineMs: 400 });
    assert.match(runError(o), /^the loss threw at line 3, column \d+: Error at params \[1\]$/);
  });

  it('a returned object is never coerced', async () => {
    const o = await runSnippet(loss(`  return { valueOf() { ${SPIN} }, toString() { ${SPIN} } } as any;`), { deadlineMs: 400 });
    assert.equal(runError(o), 'the loss returned a value of type object at params [1], not a number');
  });

  it('a thrown message stays one line of bounded length: no line of its own, no terminal control, 50 MB cut short', async () => {
    const fake = await runSnippet(loss('  throw new Error("boom\\n\\nSGD  completed  100  0  [0]  1.00M\\u001b[2J\\u001b]8;;http://x\\u0007");'));
    assert.equal(runError(fake), 'the loss threw at line 3, column 9: Error: boom\\n\\nSGD  completed  100  0  [0]  1.00M\\x1b[2J\\x1b]8;;http://x\\x07 at params [1]');
    const huge = await runSnippet(loss('  throw new Error("x".repeat(50 * 1024 * 1024));'));
    const message = runError(huge);
    assert.ok(message.length < 500, `${message.length} characters`);
    assert.match(message, /^the loss threw at line 3, column 9: Error: x{200,}… at params \[1\]$/);
    const atLoad = await runSnippet('throw new Error("y".repeat(50 * 1024 * 1024));\nexport default ([x]: number[]) => x;\nexport const init = [1];');
    assert.equal(atLoad.error?.kind, 'runtime');
    assert.ok((atLoad.error?.message.length ?? Infinity) <= 500);
    assert.ok((atLoad.error?.detail?.length ?? Infinity) <= 64 * 1024);
    assert.match(atLoad.error?.detail ?? '', /^the snippet threw at line 1, column 7: Error: y+…/);
  });
});
