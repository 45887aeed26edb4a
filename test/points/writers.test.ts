import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { PointStore } from '../../src/points/store';
import { ChunkedWriter, csvText, writePointsCsv, writePointsJson } from '../../src/points/writers';

/** A stream that keeps what is written. */
function sink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { parts.push(chunk.toString()); done(); } });
  return { stream, text: () => parts.join('') };
}

function storeOf(root: string, runs: readonly number[][], memoryBytes?: number): PointStore {
  // Each run: its losses; gradNorm = 2·loss, lr = 0.1, params = [loss, −loss].
  const store = new PointStore({ runs: runs.length, dim: 2, spillRoot: root, ...(memoryBytes !== undefined ? { memoryBytes } : {}) });
  runs.forEach((losses, run) => {
    const n = losses.length;
    const loss = Float64Array.from(losses);
    store.append({
      run, fromStep: 0, count: n, loss, gradNorm: loss.map((v) => 2 * v), lr: new Float64Array(n).fill(0.1),
      params: Float64Array.from(losses.flatMap((v) => [v, -v])),
    });
  });
  return store;
}

describe('points: writers', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'point-writers-test-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('points.csv has every point, numbers as String(v) writes them (NaN, ±Infinity included)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.double(), { maxLength: 300 }), { minLength: 1, maxLength: 3 }), async (runs) => {
      const store = storeOf(root, runs, 4096);
      const out = sink();
      await writePointsCsv(new ChunkedWriter(out.stream), store, runs.map((_, index) => ({ index, label: `run ${index}` })));
      store.dispose();
      const expected = ['run,label,step,loss,grad_norm,lr,p0,p1'];
      runs.forEach((losses, run) => losses.forEach((v, step) => expected.push(`${run},run ${run},${step},${v},${2 * v},0.1,${v},${-v}`)));
      assert.equal(out.text(), expected.join('\n') + '\n');
    }), { numRuns: 40 });
  });

  it('the points array of --json: every point, non-finite as null, gradNorm and lr on request', async () => {
    const runs = [[3, 2, NaN, Infinity, 1e-300, -0.5]];
    for (const withRates of [false, true]) {
      const store = storeOf(root, runs);
      const out = sink();
      const writer = new ChunkedWriter(out.stream);
      await writePointsJson(writer, store, 0, withRates);
      await writer.flush();
      store.dispose();
      const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
      assert.deepEqual(JSON.parse(out.text()), runs[0]!.map((v, step) => ({
        step, loss: finite(v), ...(withRates ? { gradNorm: finite(2 * v), lr: 0.1 } : {}), params: [finite(v), finite(-v)],
      })));
    }
  });

  it('a label a spreadsheet would read as a formula stays text', () => {
    for (const label of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      const cell = csvText(label);
      assert.match(cell, /^"'/, `${JSON.stringify(label)} → ${cell}`);
      assert.equal(cell.slice(2, -1).replace(/""/g, '"'), label, 'and keeps its text after the apostrophe');
    }
    assert.equal(csvText('Adam η=0.1'), 'Adam η=0.1');
    assert.equal(csvText('a,b'), '"a,b"');
    assert.equal(csvText('say "hi"'), '"say ""hi"""');
  });
});
