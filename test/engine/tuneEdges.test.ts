/**
 * A best tuned value at an end of its grid is said (src/engine/tuneEdges.ts): the comparison may not
 * be fair to that run until the grid is widened. The grids are the engine's own (tuningPlans), the
 * best point is put where each case wants it.
 */
import * as assert from 'node:assert/strict';
import { gridEdgeNote, gridEdges } from '../../src/engine/tuneEdges';
import { tuningPlans, type TuningPlan } from '../../src/engine/tuning';
import { experiment } from './helpers';

const grid = (plan: TuningPlan): number[][] => plan.axes.map((a) => [...a.values]);

describe('tuning: a best value at the end of its grid', () => {
  const [lrOnly] = tuningPlans(experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { lr: { min: 1e-4, max: 1, count: 5 } } }] }));
  const [two] = tuningPlans(experiment({ loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', tune: { lr: [0.1, 0.01, 0.001], beta1: [0, 0.5, 0.9] } }] }));

  it('says the largest η of a log grid, and nothing for a best inside it', () => {
    assert.deepEqual(gridEdges(grid(lrOnly), 4), [{ axis: 0, value: 1, end: 'largest' }]);
    assert.equal(gridEdgeNote('Adam', ['η'], gridEdges(grid(lrOnly), 4)), 'Adam: the best η = 1 is the largest on its grid; a better one may lie beyond it (widen the grid)');
    assert.deepEqual(gridEdges(grid(lrOnly), 0).map((e) => [e.value, e.end]), [[1e-4, 'smallest']]);
    for (const inside of [1, 2, 3]) assert.equal(gridEdgeNote('Adam', ['η'], gridEdges(grid(lrOnly), inside)), undefined, `point ${inside}`);
    assert.deepEqual(gridEdges(grid(lrOnly), -1), [], 'no finite score: no best to speak of');
    assert.deepEqual(gridEdges([[0.01, 0.1]], 1), [], 'two values are nothing but ends');
  });

  it('reads each axis of a two-hyperparameter grid, row-major, and a list written in descending order by value', () => {
    // Point 2 is lr = 0.1 (the list's first, its largest value), beta1 = 0.9 (the last, its largest).
    assert.deepEqual(gridEdges(grid(two), 2).map((e) => [e.axis, e.value, e.end]), [[0, 0.1, 'largest'], [1, 0.9, 'largest']]);
    // Point 4: both in the middle of their lists.
    assert.deepEqual(gridEdges(grid(two), 4), []);
    // Point 6: lr = 0.001 (the list's last, its smallest), beta1 = 0 (its smallest).
    assert.match(gridEdgeNote('Adam', ['η', 'β₁'], gridEdges(grid(two), 6)) ?? '', /^Adam: the best η = 0\.001 is the smallest on its grid, and β₁ = 0 is the smallest on its grid;/);
  });
});
