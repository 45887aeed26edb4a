import * as assert from 'node:assert/strict';
import { statusText } from '../../src/extension/statusText';

describe('status bar text', () => {
  it('says "Optimizing…" before the first rate, not "0.00 steps/s"', () => {
    assert.equal(statusText('running', 0).text, '$(sync~spin) Optimizing…');
    assert.equal(statusText('running', NaN).text, '$(sync~spin) Optimizing…');
  });

  it('gives the rate for people once there is one, and says paused and idle', () => {
    assert.equal(statusText('running', 12_345).text, '$(sync~spin) Optimizing 12.3k steps/s');
    assert.match(statusText('running', 12_345).tooltip, /12\.3k steps per second\. Click to stop\./);
    assert.equal(statusText('paused', 0).text, '$(debug-pause) Optimizer paused');
    assert.equal(statusText('idle', 0).text, '$(graph-line) Optimizer Playground');
  });
});
