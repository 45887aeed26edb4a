import * as assert from 'node:assert/strict';
import { lossDecorHeight, panelLayout, PATHS_DECOR_HEIGHT, WIDE_MIN } from '../../src/webview/chartLayout';

/**
 * The loss and paths charts fit the first screen: their plots plus what the layout allows for axes,
 * titles and legends, one above the other or side by side, stay within the panel's height below
 * its toolbar and playback bar (`chrome`).
 */
function primaryHeight(width: number, height: number, chrome: number, runs = 3): number {
  const l = panelLayout(width, height, chrome, 1, runs);
  const loss = l.charts.loss.height + lossDecorHeight(runs);
  const paths = l.charts.paths.height + PATHS_DECOR_HEIGHT;
  return chrome + (l.sideBySide ? Math.max(loss, paths) : loss + paths);
}

describe('webview/chartLayout', () => {
  // Panel sizes a new user gets in code-server: beside the Welcome page or a followed file at
  // 1280×800 (a ~490 px column; the toolbar and playback bar ~97 px), the whole editor area at 1280×800 and 1920×1080, beside a file at 1920.
  const sizes: Array<[number, number, string]> = [[490, 690, '1280×800 beside Welcome'], [466, 708, '1280×800 beside a followed file'], [620, 690, 'a wider column'], [980, 700, '1280×800, whole editor area'],
    [960, 980, '1920×1080 beside a file'], [1620, 980, '1920×1080, whole editor area']];

  for (const [w, h, what] of sizes) {
    it(`puts the loss and paths charts on the first screen at ${w}×${h} (${what})`, () => {
      assert.ok(primaryHeight(w, h, 96) <= h, `${primaryHeight(w, h, 96)} px of ${h}`);
      const l = panelLayout(w, h, 96);
      assert.ok(l.charts.paths.width >= 140 && l.charts.paths.height >= 140, 'a paths plot one can read');
      assert.ok(l.charts.loss.width >= 160, 'a loss plot one can read');
    });
  }

  it('gives a narrow column\'s first screen to the charts: a paths plot of 240 px and more beside a followed file, with four runs too', () => {
    for (const runs of [3, 4]) {
      const l = panelLayout(466, 708, 97, 1, runs);
      assert.ok(primaryHeight(466, 708, 97, runs) <= 708, `${primaryHeight(466, 708, 97, runs)} px of 708 with ${runs} runs`);
      assert.ok(l.charts.paths.width >= 240 && l.charts.paths.height >= 240, JSON.stringify(l.charts.paths));
      assert.equal(l.stickyCharts, false, 'the charts scroll with the settings: held at the top they would leave them no room');
    }
    assert.equal(panelLayout(490, 1400, 97).stickyCharts, true, 'a tall column holds the charts at its top while the settings scroll');
  });

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
