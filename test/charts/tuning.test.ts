import * as assert from 'node:assert/strict';
import {
  defaultDarkTheme, defaultLightTheme, phaseDiagram, phaseRows, plotShift, sensitivityChart, sensitivityRows, withTuningData,
  type TuningChartInput,
} from '../../src/charts';
import { renderSvg } from '../../src/cli/render';

/** Two runs tuned over η (4 values) × β (3 values), some cells diverged, some (NaN) not scored yet. */
const inputs: TuningChartInput[] = [
  { run: 0, label: 'Momentum', grid: [[1e-3, 1e-2, 1e-1, 1], [0, 0.5, 0.9]],
    scores: [5, 4, 3, 2, 1, 0.5, 0.3, 0.2, Infinity, Infinity, Infinity, Infinity], best: 7, default: { value: 0.01, score: 1 } },
  { run: 2, label: 'SGD', grid: [[1e-3, 1e-2, 1e-1, 1], [0, 0.5, 0.9]],
    scores: [6, NaN, 5, 4, 3, 2, Infinity, 1.5, Infinity, NaN, NaN, NaN], best: 7 },
];

/** The `<path>`s of Vega's SVG groups of one mark type (as in specs.test.ts). */
function countMarks(svg: string, type: string): number {
  let count = 0;
  for (const m of svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs'))) count += ((m[1] ?? '').match(/<(path|line)\b/g) ?? []).length;
  return count;
}

describe('charts: tuning', () => {
  it('sensitivity rows: the profile over the second hyperparameter, diverged where every scored cell diverged, pending cells skipped', () => {
    const rows = sensitivityRows(inputs);
    const points = (run: number) => rows.filter((r) => r.run === run && r.kind === 'point').map((r) => [r.value, r.score, r.diverged]);
    assert.deepEqual(points(0), [[1e-3, 3, false], [1e-2, 0.5, false], [1e-1, 0.2, false], [1, null, true]]);
    assert.deepEqual(points(2), [[1e-3, 5, false], [1e-2, 2, false], [1e-1, 1.5, false]], 'η = 1 has no scored cell yet');
    assert.deepEqual(rows.filter((r) => r.kind === 'best').map((r) => [r.run, r.value, r.score]), [[0, 0.1, 0.2], [2, 0.1, 1.5]]);
    assert.deepEqual(rows.filter((r) => r.kind === 'default').map((r) => [r.run, r.value, r.score]), [[0, 0.01, 1]]);
  });

  it('scores ≤ 0 are shifted above 0 on a log axis, never on a linear one', () => {
    const negative: TuningChartInput[] = [{ run: 0, label: 'a', grid: [[1, 2]], scores: [-3, 1], best: 0 }];
    const shift = plotShift(negative, true);
    assert.ok(shift < -3 && shift > -3.000001);
    const rows = sensitivityRows(negative);
    assert.ok(rows.every((r) => r.plotScore === null || r.plotScore > 0));
    assert.equal(plotShift(negative, false), 0);
    assert.equal(plotShift(inputs, true), 0);
  });

  it('phase rows: one per scored cell, diverged and best marked, values named by 3 significant digits', () => {
    const rows = phaseRows(inputs);
    assert.equal(rows.length, 12 + 8);
    const best = rows.filter((r) => r.best);
    assert.deepEqual(best.map((r) => [r.label, r.x, r.y]), [['Momentum', '0.1', '0.5'], ['SGD', '0.1', '0.5']]);
    assert.equal(rows.filter((r) => r.diverged).length, 4 + 2);
  });

  for (const theme of [defaultLightTheme, defaultDarkTheme]) {
    it(`the sensitivity chart (${theme === defaultLightTheme ? 'light' : 'dark'}) draws a line per run, a cross per diverged point, a ring per best, a diamond per default`, async () => {
      const spec = sensitivityChart({ theme, runs: ['Momentum', 'SGD'], axisTitles: ['learning rate η'], scoreTitle: 'final loss', logScore: true, logValues: true,
        interactive: false, description: 'final loss against η' });
      const svg = await renderSvg(withTuningData(spec, { sensitivity: sensitivityRows(inputs) }));
      assert.equal(countMarks(svg, 'line'), 2, 'one line per run');
      // Symbols: the lines' 6 point markers, 1 diverged cross, 1 default diamond, 2 best rings.
      assert.equal(countMarks(svg, 'symbol'), 6 + 1 + 1 + 2);
      assert.match(svg, /learning rate η \(log scale\)/);
    });
  }

  it('the phase diagram draws a cell per scored grid point for each run with two hyperparameters', async () => {
    const spec = phaseDiagram({ theme: defaultLightTheme, runs: ['Momentum', 'SGD'], axisTitles: ['η', 'β'], scoreTitle: 'final loss', logScore: true,
      logValues: true, interactive: false, xValues: inputs[0].grid[0], yValues: inputs[0].grid[1] });
    const svg = await renderSvg(withTuningData(spec, { phase: phaseRows(inputs) }));
    // Rects: the finite cells (8 + 6), the grey diverged cells (4 + 2), the best outlines (1 + 1).
    assert.equal(countMarks(svg, 'rect'), 14 + 6 + 2);
    assert.equal((svg.match(/>×</g) ?? []).length, 6, 'diverged cells crossed');
  });
});
