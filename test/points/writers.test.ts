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

  /** A spilled store of `runs` (losses) with curvature: sharpness = loss + 10, preconditioned = loss + 20 for odd runs. */
  function curvatureStore(runs: readonly number[][]): PointStore {
    const store = new PointStore({ runs: runs.length, dim: 2, spillRoot: root, memoryBytes: 4096, curvature: true });
    runs.forEach((losses, run) => {
      for (let from = 0; from < losses.length; from += 100) {
        const loss = Float64Array.from(losses.slice(from, from + 100)), n = loss.length;
        store.append({
          run, fromStep: from, count: n, loss, gradNorm: loss.map((v) => 2 * v), lr: new Float64Array(n).fill(0.1),
          params: Float64Array.from([...loss].flatMap((v) => [v, -v])), sharpness: loss.map((v) => v + 10),
          ...(run % 2 === 1 ? { preconditionedSharpness: loss.map((v) => v + 20) } : {}),
        });
      }
    });
    return store;
  }

  it('--json points with curvature: the text the CLI wrote before the point store (num() per field), spilled or not', async () => {
    // The writer the CLI had (src/cli/output.ts before points were streamed from the store), as the reference.
    const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');
    const runs = [Array.from({ length: 1500 }, (_, i) => (i === 700 ? NaN : i === 701 ? Infinity : 1 / (i + 1))), [5, -0, 1e-300, NaN]];
    const store = curvatureStore(runs);
    assert.ok(store.spilledBytes > 0);
    for (let run = 0; run < runs.length; run++) {
      const out = sink();
      const writer = new ChunkedWriter(out.stream);
      await writePointsJson(writer, store, run);
      await writer.flush();
      const expected = runs[run]!.map((v, i) => `{"step":${i},"loss":${num(v)},"params":[${num(v)},${num(-v)}],"sharpness":${num(v + 10)}`
        + (run % 2 === 1 ? `,"preconditionedSharpness":${num(v + 20)}` : '') + '}');
      assert.equal(out.text(), `[${expected.join(',')}]`);
    }
    store.dispose();
  });

  it('points.csv with curvature: sharpness and preconditioned sharpness after the parameters, empty where a run has none', async () => {
    const runs = [[1, NaN, 3], [4, 5]];
    const store = curvatureStore(runs);
    const out = sink();
    await writePointsCsv(new ChunkedWriter(out.stream), store, runs.map((_, index) => ({ index, label: `r${index}` })));
    store.dispose();
    assert.equal(out.text(), [
      'run,label,step,loss,grad_norm,lr,p0,p1,sharpness,preconditioned_sharpness',
      '0,r0,0,1,2,0.1,1,-1,11,', '0,r0,1,NaN,NaN,0.1,NaN,NaN,NaN,', '0,r0,2,3,6,0.1,3,-3,13,',
      '1,r1,0,4,8,0.1,4,-4,14,24', '1,r1,1,5,10,0.1,5,-5,15,25',
    ].join('\n') + '\n');
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
