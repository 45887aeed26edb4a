/**
 * Hostile suite, memory: bombs inside built-ins end the sandbox process only — the host (this
 * process) stays alive and small, the session says "ran out of memory", the next session works —
 * and typed arrays, which live outside the V8 heap limit, are refused before a byte is touched.
 */
import * as assert from 'node:assert/strict';
import { startExperiment } from '../../src/snippet/session';
import { experiment as validated } from '../engine/helpers';
import { assertHostWorks, runError, runSnippet, type Outcome } from './hostileHelpers';

/** A loss whose body is `body` (x is the one parameter), with a start point. */
const loss = (body: string, prelude = ''): string => `${prelude}\nexport default function loss([x]: number[]): number {\n${body}\n}\nexport const init = [1];\n`;

/** Heap bombs: each grows the V8 heap until the process's limit (48 MB here) ends it. */
const HEAP_BOMBS: readonly (readonly [string, string])[] = [
  ['new Array(1e8).fill(0)', loss('  const a = new Array(1e8).fill(0);\n  return x + a.length;')],
  ['a Map that keeps growing', loss('  for (let i = 0; ; i++) grown.set(i, x);', 'const grown = new Map<number, number>();')],
  ['Array.from({ length: 1e9 })', loss('  return Array.from({ length: 1e9 }).length + x;')],
  ['strings joined without end', loss('  let s = "ab"; const keep: string[] = [];\n  for (;;) { s = s + s.slice(0, 1e6) + x; keep.push(s); }')],
];

/** The host stayed alive and small, the error is a memory error naming the limit. */
function assertMemoryError(o: Outcome, limitMb: number): void {
  assert.equal(o.error?.kind, 'memory', `${o.error?.kind}: ${o.error?.message}`);
  assert.match(o.error?.message ?? '', new RegExp(`^the loss ran out of memory: .*\\b${limitMb} MB`));
  assert.ok(o.hostGrowthMb < 100, `the host grew by ${Math.round(o.hostGrowthMb)} MB`);
}

describe('hostile: memory bombs', function () {
  this.timeout(120_000);

  for (const [name, source] of HEAP_BOMBS) {
    it(`${name}: the sandbox process ends, the host stays alive and small, the next session works`, async () => {
      const o = await runSnippet(source, { memoryLimitMb: 48, deadlineMs: 60_000 });
      assertMemoryError(o, 48);
      await assertHostWorks();
    });
  }

  const REFUSED = /^the loss threw at line \d+, column \d+: RangeError: the loss allocated more than 24 MB of typed arrays in one evaluation, the sandbox's limit at params \[1\]$/;
  const TYPED_BOMBS: readonly (readonly [string, string])[] = [
    ['new Float64Array(2.7e8).fill(1)', loss('  return new Float64Array(2.7e8).fill(1)[0] + x;')],
    ['a typed array copied from an array-like', loss('  return new Float64Array({ length: 2.7e8 } as ArrayLike<number>)[0] + x;')],
    ['Float64Array.from an array-like', loss('  return Float64Array.from({ length: 2.7e8 } as ArrayLike<number>)[0] + x;')],
    ['the constructor reached through an instance', loss('  const C = (new Float64Array(1) as any).constructor;\n  return new C(2.7e8)[0] + x;')],
    ['a subclass', loss('  return new Big(2.7e8)[0] + x;', 'class Big extends Float64Array {}')],
    ['a resizable ArrayBuffer', loss('  const b = new (ArrayBuffer as any)(8, { maxByteLength: 2 ** 32 });\n  return b.byteLength + x;')],
    ['a length given as a string', loss('  return new Uint8Array("2000000000" as any)[0] + x;')],
    ['many small arrays in one evaluation', loss('  const keep: Float64Array[] = [];\n  for (;;) keep.push(new Float64Array(1e5).fill(x));')],
  ];
  for (const [name, source] of TYPED_BOMBS) {
    it(`refuses ${name} past the evaluation's budget, before allocating it`, async () => {
      const o = await runSnippet(source, { memoryLimitMb: 48 });
      assert.match(runError(o), REFUSED);
      assert.ok(o.hostGrowthMb < 100, `the host grew by ${Math.round(o.hostGrowthMb)} MB`);
    });
  }

  it('reads an array-like\'s length once: a getter that answers differently the second time gets its first answer', async () => {
    const o = await runSnippet(loss('  let asked = 0;\n  const tricky = { get length() { return asked++ === 0 ? 2 : 2.7e8; } };\n  return new Float64Array(tricky as ArrayLike<number>).length + asked * 10 + x;'),
      { memoryLimitMb: 48 }, { steps: 1 });
    assert.equal(o.end()?.status, 'completed');
    assert.equal(o.events.flatMap((e) => (e.type === 'points' ? Array.from(e.batches[0].loss) : []))[0], 13);
  });

  it('an ArrayBuffer cannot be transferred into a larger one', async () => {
    const o = await runSnippet(loss('  return (typeof (ArrayBuffer.prototype as any).transfer) === "undefined" ? x : NaN;'), {}, { steps: 1 });
    assert.equal(o.end()?.status, 'completed');
  });

  it('the host\'s own memory is never counted as the loss\'s: the host growing by 1.1 GB mid-run changes nothing', async () => {
    const session = startExperiment(validated({ loss: { source: loss('  return x * x;') }, steps: 5_000_000, tolerance: 1e-300, runs: [{ optimizer: 'sgd', lr: 1e-9 }] }));
    let hoard: Buffer | undefined;
    session.onEvent((e) => { if (e.type === 'points' && !hoard) hoard = Buffer.alloc(1100 * 1024 * 1024, 1); });
    await session.done;
    assert.ok(hoard && hoard[hoard.length - 1] === 1);
    hoard = undefined;
    session.cancel();
  });

  it('a deep recursion ends the run with its RangeError, nothing more', async () => {
    const o = await runSnippet(loss('  return down(0) + x;', 'function down(n: number): number { return down(n + 1) + 1; }'));
    assert.match(runError(o), /^the loss threw at line 1, column \d+: RangeError: Maximum call stack size exceeded at params \[1\]$/);
  });
});
