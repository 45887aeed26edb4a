import * as assert from 'node:assert/strict';
import { panelLayout, WIDE_MIN } from '../../src/webview/chartLayout';

/**
 * The loss and paths charts fit the first screen: their plots plus what the layout allows for axes,
 * titles and legends, one above the other or side by side, stay within the panel's height below
 * its toolbar and playback bar (`chrome`).
 */
function primaryHeight(width: number, height: number, chrome: number): number {
  const l = panelLayout(width, height, chrome);
  const loss = l.charts.loss.height + 96;
  const paths = l.charts.paths.height + 78;
  return chrome + (l.sideBySide ? Math.max(loss, paths) : loss + paths);
}

describe('webview/chartLayout', () => {
  // Panel sizes a new user gets in code-server: beside the Welcome page or a followed file at
  // 1280×800 (a ~490 px column), the whole editor area at 1280×800 and 1920×1080, beside a file at 1920.
  const sizes: Array<[number, number, string]> = [[490, 690, '1280×800 beside Welcome'], [620, 690, 'a wider column'], [980, 700, '1280×800, whole editor area'],
    [960, 980, '1920×1080 beside a file'], [1620, 980, '1920×1080, whole editor area']];

  for (const [w, h, what] of sizes) {
    it(`puts the loss and paths charts on the first screen at ${w}×${h} (${what})`, () => {
      assert.ok(primaryHeight(w, h, 96) <= h, `${primaryHeight(w, h, 96)} px of ${h}`);
      const l = panelLayout(w, h, 96);
      assert.ok(l.charts.paths.width >= 140 && l.charts.paths.height >= 140, 'a paths plot one can read');
      assert.ok(l.charts.loss.width >= 160, 'a loss plot one can read');
    });
  }

  it('is wide (settings in a side column) from WIDE_MIN px, narrow below', () => {
    assert.equal(panelLayout(WIDE_MIN, 800, 90).mode, 'wide');
    assert.equal(panelLayout(WIDE_MIN - 1, 800, 90).mode, 'narrow');
  });

  it('keeps the paths plot in its window\'s aspect', () => {
    const tall = panelLayout(1600, 1000, 90, 2).charts.paths;
    const flat = panelLayout(1600, 1000, 90, 0.5).charts.paths;
    assert.ok(Math.abs(tall.height / tall.width - 2) < 0.05, JSON.stringify(tall));
    assert.ok(Math.abs(flat.height / flat.width - 0.5) < 0.05, JSON.stringify(flat));
  });
});
