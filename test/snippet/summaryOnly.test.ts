/**
 * Summaries instead of points (StartOptions.summaryOnly): the sandbox process folds each run's
 * points with the fold the CLI uses (engine/runSummary.ts) and sends the summaries; they must be
 * the very numbers folding the streamed points gives. And the streamed points themselves: the
 * runner's lent batches, gathered per run between flushes (batches.ts).
 */
import * as assert from 'node:assert/strict';
import { experiment } from '../engine/helpers';
import { RunSummary, type RunSummaryData, type RunSummaryEntry } from '../../src/engine/runSummary';
import type { PointBatch, RunnerEvent } from '../../src/engine/types';
import { PendingPoints } from '../../src/snippet/batches';
import { startExperiment } from '../../src/snippet/session';

function batch(run: number, fromStep: number, values: readonly number[], dim = 1): PointBatch {
  const loss = Float64Array.from(values);
  return { run, fromStep, count: values.length, loss, params: Float64Array.from(values.flatMap((v) => Array(dim).fill(v) as number[])), gradNorm: loss.map((v) => -v), lr: loss.map((v) => 2 * v) };
}

describe('summaries instead of points (StartOptions.summaryOnly)', function () {
  this.timeout(30_000);

  it('a run\'s summary from the sandbox is, bit for bit, what folding its streamed points gives; no points are sent', async () => {
    // A quadratic with curvature (λ = 1, 50): crossings, measured and closed-form rates; runs that complete, converge and diverge.
    const e = experiment({
      loss: { preset: 'ill-conditioned-quadratic' }, steps: 400, curvature: true,
      runs: [{ optimizer: 'adam', lr: 0.1 }, { optimizer: 'sgd', lr: 0.035 }, { optimizer: 'sgd', lr: 0.05 }, { optimizer: 'sgd', lr: 0.01, enabled: false }],
    });
    const streamed = startExperiment(e);
    const summarised = startExperiment(e, { summaryOnly: true });
    const order: string[] = [];
    const received = new Map<number, RunSummaryEntry>();
    summarised.onEvent((ev: RunnerEvent) => order.push(ev.type === 'runEnd' ? `end ${ev.run} at ${ev.steps}` : ev.type));
    summarised.onSummary((s) => {
      assert.ok(s.count >= (received.get(s.run)?.count ?? 0));
      received.set(s.run, s);
      order.push(`summary ${s.run} of ${s.count}`);
    });
    const info = await streamed.info;
    const folded = e.runs.map((spec) => new RunSummary(spec, info.dim, true, info.curvature?.quadratic));
    streamed.onEvent((ev) => { if (ev.type === 'points') for (const b of ev.batches) folded[b.run]?.note(b); });
    await Promise.all([streamed.done, summarised.done]);
    streamed.cancel();
    summarised.cancel();
    assert.ok(!order.includes('points'), order.join(', '));
    assert.deepEqual([...received.keys()].sort(), [0, 1, 2]);
    for (const [run, { run: _run, ...summary }] of received) {
      const expected: RunSummaryData = (folded[run] as RunSummary).data();
      assert.deepEqual(summary, expected, `run ${run}`);
      // Each run's last summary comes before its end, which names its last step.
      const last = order.lastIndexOf(`summary ${run} of ${summary.count}`);
      assert.ok(last >= 0 && last < order.indexOf(`end ${run} at ${summary.count - 1}`), order.join(', '));
    }
    assert.ok(received.get(0)?.convergenceRate?.measured !== undefined && received.get(2)?.firstCrossing?.step === 0);
  });

  it('streamed points: each lent batch copied once into its run\'s columns, one batch per run and flush, earlier flushes untouched', () => {
    const pending = new PendingPoints(2);
    assert.equal(pending.empty, true);
    const lent = batch(0, 0, [1, 2, 3], 2);
    pending.append(lent);
    pending.append(batch(1, 0, [7], 2));
    lent.loss.fill(0);  // the runner refills its buffers: what was gathered keeps its copy
    pending.append(batch(0, 3, [4, 5], 2));
    assert.equal(pending.bytes, (5 * 5 + 1 * 5) * 8);
    const first = pending.take().batches;
    assert.deepEqual(first.map((b) => [b.run, b.fromStep, b.count, [...b.loss]]), [[0, 0, 5, [1, 2, 3, 4, 5]], [1, 0, 1, [7]]]);
    assert.deepEqual([...(first[0] as PointBatch).params], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    assert.deepEqual([...(first[0] as PointBatch).lr], [2, 4, 6, 8, 10]);
    assert.equal(pending.empty, true);
    // The next flush's columns are new: the batches taken before stay as they were sent.
    pending.append(batch(0, 5, Array.from({ length: 3000 }, (_, k) => k), 2));
    pending.append(batch(0, 4000, [9], 2));  // not contiguous: a batch of its own
    const second = pending.take().batches;
    assert.deepEqual(second.map((b) => [b.fromStep, b.count]), [[5, 3000], [4000, 1]]);
    assert.equal(second[0]?.loss[2999], 2999);
    assert.deepEqual([...(first[0] as PointBatch).loss], [1, 2, 3, 4, 5]);
  });
});
