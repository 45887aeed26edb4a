import * as assert from 'node:assert/strict';
import { chartRun, CHART_TEXTS, endingWords, formatValue, stepChartText, tableSteps, type ChartFacts, type ChartPoint } from '../../src/webview/chartText';

/** Two runs: Adam ends at step 4, SGD diverges at step 2 (its last finite point is step 1). */
function facts(step: number): ChartFacts {
  const points: Record<number, ChartPoint[]> = {
    0: [0, 1, 2, 3, 4].map((s) => ({ step: s, loss: 10 / (s + 1), gradNorm: 1 / (s + 1), lr: 0.05, params: [s, -s] })),
    1: [0, 1].map((s) => ({ step: s, loss: 10 * (s + 1), gradNorm: 5, lr: 0.1, params: [s * 10, 1] })),
  };
  const results = [{ label: 'Adam η=0.05', status: 'completed' as const, steps: 4 },
    { label: 'SGD η=0.1', status: 'diverged' as const, steps: 2, message: 'diverged at step 2: the loss became Infinity' }];
  return {
    runs: [chartRun(0, { optimizer: 'adam', hyperparameters: { lr: 0.05 } }, results[0], step), chartRun(1, { optimizer: 'sgd', hyperparameters: { lr: 0.1 } }, results[1], step)],
    step, totalSteps: 4, axes: [{ index: 0, name: 'θ₀' }, { index: 1, name: 'θ₁' }],
    pointAt: (run, at) => [...(points[run] ?? [])].reverse().find((p) => p.step <= at),
  };
}

describe('chart texts (what a screen reader reads for each chart)', () => {
  it('tells each run\'s optimizer, η, status and value at the step shown', () => {
    const text = CHART_TEXTS.loss.describe(facts(4)).summary;
    assert.equal(text, 'Loss, 2 runs, step 4 of 4. Adam η=0.05: completed after 4 steps, loss 2 at step 4. '
      + 'SGD η=0.1: diverged at step 2: the loss became Infinity, loss 20 at step 1.');
  });

  it('says a run is running until the playback reaches its end', () => {
    const text = CHART_TEXTS.gradNorm.describe(facts(1)).summary;
    assert.match(text, /^Gradient norm, 2 runs, step 1 of 4\. Adam η=0\.05: running, at step 1, ‖∇J‖ 0\.5 at step 1\. SGD η=0\.1: running, at step 1/);
  });

  it('names the optimizer when the label does not', () => {
    const f = facts(4);
    const renamed: ChartFacts = { ...f, runs: [{ ...f.runs[0]!, label: 'my run' }] };
    assert.match(CHART_TEXTS.loss.describe(renamed).summary, /my run \(Adam, η 0\.05\): completed/);
  });

  it('gives the data as a table: a row per sampled step, a column per run', () => {
    const table = stepChartText({ title: 'Loss', quantity: 'loss', value: (p) => p.loss }).call(undefined, facts(4)).table;
    assert.deepEqual(table.columns, ['step', 'Adam η=0.05', 'SGD η=0.1']);
    assert.deepEqual(table.rows.map((r) => r[0]), ['0', '1', '2', '3', '4']);
    assert.deepEqual(table.rows[3], ['3', '2.5', '20 (step 1)']);
    assert.deepEqual(CHART_TEXTS.paths.describe(facts(4)).table.rows[4], ['4', '(4, -4)', '(10, 1)']);
  });

  it('samples about ten steps of a long run, the step shown last', () => {
    assert.deepEqual(tableSteps(0), [0]);
    assert.deepEqual(tableSteps(1000), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.deepEqual(tableSteps(37).slice(-2), [36, 37]);
  });

  it('words endings and numbers once', () => {
    assert.equal(endingWords({ status: 'diverged', steps: 3, message: 'diverged at step 3: x' }), 'diverged at step 3: x');
    assert.equal(endingWords({ status: 'error', steps: 3, message: 'boom' }), 'stopped by an error at step 3 (boom)');
    assert.equal(formatValue(0.000012346), '1.235e-5');
    assert.equal(formatValue(123.456), '123.5');
    assert.equal(formatValue(null), '—');
    assert.equal(formatValue(Infinity), 'Infinity');
  });

  it('says the band of a run repeated over seeds: its median and inter-quartile range at the step shown', () => {
    // Five seeds of one run, final losses 1, 2, 4, 8 and ∞ (one diverged); the loss chart's band is over the finite four.
    const finals = [1, 2, 4, 8, Infinity];
    const base = facts(4);
    const f: ChartFacts = {
      ...base, seedGroups: [{ label: 'Adam η=0.05', runs: [0, 2, 3, 4, 5] }],
      pointAt: (run, at) => (run === 1 ? base.pointAt(run, at) : { step: Math.min(at, 4), loss: finals[[0, 2, 3, 4, 5].indexOf(run)]!, gradNorm: 1, lr: 0.05, params: [0, 0] }),
    };
    assert.match(CHART_TEXTS.loss.describe(f).summary,
      /Adam η=0\.05 over 5 seeds: median loss 3 at step 4, inter-quartile range 1\.75 to 5 \(the band\), 1 seed without a finite loss\./);
    assert.doesNotMatch(CHART_TEXTS.loss.describe(base).summary, /seeds/, 'no band, no words of one');
  });
});
