import * as assert from 'node:assert/strict';
import { ProgressBar } from '../../src/cli/progress';
import { grouped } from '../../src/cli/text';

/** A terminal-like stream that records what is written (the bar's only dependency). */
function terminal(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, columns: 100, text: '', write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('cli: progress bar', () => {
  it('draws on a terminal and erases itself at the end', () => {
    const tty = terminal(true);
    const bar = new ProgressBar(1000, tty);
    bar.update(1000);
    assert.match(tty.text, /^\r.*100%\s+1,000\/1,000 steps/);
    bar.clear();
    assert.ok(tty.text.endsWith('\r\x1b[K'), 'the line is erased');
  });

  it('draws nothing when stderr is a pipe or a file', () => {
    const pipe = terminal(false);
    const bar = new ProgressBar(1000, pipe);
    bar.update(500);
    bar.update(1000);
    bar.clear();
    assert.equal(pipe.text, '');
  });
});

describe('cli: counts', () => {
  it('group their thousands by commas, as en-US writes them, without loading locale data', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 384_000, 1_234_567, 1e9, -4_321, 99.6]) {
      assert.equal(grouped(n), Math.round(n).toLocaleString('en-US'), String(n));
    }
  });
});
