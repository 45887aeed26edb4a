/**
 * Issue 12, finding 5: a valid 90 KB loss compiles well within the compiler's deadline. Its shape
 * — a loop that assigns a chain of locals against the order of their dependencies — made the
 * forward-mode activity analysis sweep the loss once per link: quadratic, 15–20 s of CPU, the
 * compiler worker's whole deadline (COMPILE_DEADLINE_MS, 20 s), where it now takes about 3 s.
 *
 * The bound is the product's own deadline, halved, on this process's CPU time (which other
 * processes on the machine do not inflate much); how compile time grows with the size is measured
 * by bench/compileSize.ts (11 to 90 KB), not here.
 */
import * as assert from 'node:assert/strict';
import { largeLoss } from '../../bench/compileSize';
import { compileSnippet } from '../../src/snippet/compile';
import { COMPILE_DEADLINE_MS, compileOffThread } from '../../src/snippet/compiler';

describe('a large loss', function () {
  this.timeout(120_000);

  it('90 KB of valid TypeScript compiles, with its forward-mode gradient, well within the compiler\'s deadline', () => {
    const source = largeLoss('chain', 90_000);
    assert.ok(source.length >= 90_000);
    compileSnippet(largeLoss('chain', 2_000));  // the compiler's code loaded and warm
    const before = process.cpuUsage();
    const r = compileSnippet(source);
    const used = process.cpuUsage(before);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const cpuMs = (used.user + used.system) / 1000;
    assert.ok(cpuMs < COMPILE_DEADLINE_MS / 2, `${cpuMs.toFixed(0)} ms of CPU`);
    assert.equal(r.fastPath, 'forward');
  });

  it('a statement nested 4,000 deep compiles in the compiler worker', async () => {
    // TypeScript's parser and emitter recurse once per level: the worker's default 4 MB stack
    // failed with "the snippet compiler failed: Maximum call stack size exceeded". (A sum of
    // 3,500 terms in one statement is as deep — the tape makes each `+` a call — but takes
    // seconds to check.)
    const source = `export default ([x, y]: number[]): number => ${'('.repeat(4000)}x - 1${')'.repeat(4000)} ** 2 + y * y;\n`;
    const r = await compileOffThread(source);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.fastPath, 'straight-line');
  });

  it('a snippet too deep even to parse is refused with a message, not a stack overflow', () => {
    const source = `export default ([x]: number[]): number => ${'('.repeat(200_000)}x${')'.repeat(200_000)};\n`;
    const r = compileSnippet(source);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'compile');
    assert.match(r.error.message, /^the loss does not compile: line 1, column 1: the snippet nests too deeply to compile: split it/);
  });
});
