/**
 * A best tuned value at an end of its grid is said (src/engine/tuneEdges.ts): the comparison may not
 * be fair to that run until the grid is widened. Scores are made up per grid point, so each case
 * puts the best where it wants it; the plans are the engine's own (tuningPlans).
 */
import * as assert from 'node:assert/strict';
import { bestOnGridEdge, gridEdgeNote } from '../../src/engine/tuneEdges';
import { tuningPlans, type TuningPlan, type TuningResult } from '../../src/engine/tuning';
import { experiment } from './helpers';

/** A result whose best is grid point `bestPoint` (−1: none finite). */
function resultAt(plan: TuningPlan, bestPoint: number): TuningResult {
  return {
    run: plan.run, label: 'Adam', parameters: plan.axes.map((a) => a.tunable.name), grid: plan.axes.map((a) => a.values),
    objective: 'finalLoss', values: [], best: bestPoint < 0 ? null : { hyperparameters: {}, objective: 0 },
    default: { hyperparameters: {}, objective: 1 }, bestPoint,
  };
}

describe('tuning: a best value at the end of its grid', () => {
  const [lrOnly] = tuningPlans(experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { lr: { min: 1e-4, max: 1, count: 5 } } }] }));
  const [two] = tuningPlans(experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { lr: [0.1, 0.01, 0.001], beta1: [0, 0.5, 0.9] } }] }));

  it('says the largest η of a log grid, and nothing for a best inside it', () => {
    assert.deepEqual(bestOnGridEdge(lrOnly, resultAt(lrOnly, 4)), [{ name: 'lr', symbol: 'η', value: 1, end: 'largest' }]);
    assert.equal(gridEdgeNote(lrOnly, resultAt(lrOnly, 4)), 'Adam: the best η = 1 is the largest on its grid; a better one may lie beyond it (widen the grid)');
    assert.deepEqual(bestOnGridEdge(lrOnly, resultAt(lrOnly, 0)).map((e) => [e.value, e.end]), [[1e-4, 'smallest']]);
    for (const inside of [1, 2, 3]) assert.equal(gridEdgeNote(lrOnly, resultAt(lrOnly, inside)), undefined, `point ${inside}`);
    assert.equal(gridEdgeNote(lrOnly, resultAt(lrOnly, -1)), undefined, 'no finite score: no best to speak of');
  });

  it('reads each axis of a two-hyperparameter grid, row-major, and a list written in descending order by value', () => {
    // Point 2 is lr = 0.1 (the list's first, its largest value), beta1 = 0.9 (the last, its largest).
    assert.deepEqual(bestOnGridEdge(two, resultAt(two, 2)).map((e) => [e.name, e.value, e.end]), [['lr', 0.1, 'largest'], ['beta1', 0.9, 'largest']]);
    // Point 4: both in the middle of their lists.
    assert.deepEqual(bestOnGridEdge(two, resultAt(two, 4)), []);
    // Point 6: lr = 0.001 (the list's last, its smallest), beta1 = 0 (its smallest).
    assert.match(gridEdgeNote(two, resultAt(two, 6)) ?? '', /^Adam: the best η = 0\.001 is the smallest on its grid, and β₁ = 0 is the smallest on its grid;/);
  });
});
