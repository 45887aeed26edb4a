import * as assert from 'node:assert/strict';
import { parseViewState } from '../../src/webview/viewState';

describe('webview/viewState', () => {
  it('restores saved view state', () => {
    const v = { dims: [2, 0], selectedRun: 1, collapsed: { formula: true } };
    assert.deepEqual(parseViewState(v), v);
  });

  it('does not restore a scrubbed step: a revived panel shows the latest step', () => {
    assert.equal('scrub' in parseViewState({ scrub: 29, dims: [0, 1], selectedRun: 0, collapsed: {} }), false);
  });

  it('falls back field by field on anything malformed', () => {
    assert.deepEqual(parseViewState(undefined), { dims: [0, 1], selectedRun: 0, collapsed: {} });
    assert.deepEqual(parseViewState({ dims: [1, 1], selectedRun: -2, collapsed: { a: 'yes', b: false } }),
      { dims: [0, 1], selectedRun: 0, collapsed: { b: false } });
    assert.deepEqual(parseViewState({ dims: [0, 1, 2] }).dims, [0, 1]);
  });
});
