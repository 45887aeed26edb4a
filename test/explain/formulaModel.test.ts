// The formula view's model renders with KaTeX (as the panel does, `\htmlData` trusted and nothing
// else), and every symbol the view lists is hoverable (`data-sym`) in the rendered rule.
import * as assert from 'node:assert/strict';
import katex from 'katex';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { SCHEDULES } from '../../src/engine/schedules';
import type { ScheduleSpec } from '../../src/engine/types';
import { formulaModel, KATEX_OPTIONS } from '../../src/explain/formulaModel';

function renderAll(id: string, schedule?: ScheduleSpec, clip?: { norm: number } | { value: number }): string {
  const model = formulaModel(id, schedule, clip);
  return model.blocks.flatMap((b) => b.lines.map((l) => {
    const html = katex.renderToString(l.tex, KATEX_OPTIONS);
    assert.doesNotMatch(html, /katex-error/, `${id}: KaTeX refused ${l.tex}`);
    return html;
  })).join('\n');
}

describe('explain: formula view model (KaTeX)', () => {
  it('renders every optimizer\'s rule with a data-sym for each listed symbol', () => {
    for (const o of OPTIMIZERS) {
      const html = renderAll(o.id);
      const model = formulaModel(o.id);
      assert.ok(model.symbols.length >= 3, `${o.id}: few symbols`);
      for (const s of model.symbols) assert.ok(html.includes(`data-sym="${s.key}"`), `${o.id}: symbol ${s.key} is not hoverable`);
    }
  });

  it('adds the schedule and the clipping rules when the run has them', () => {
    for (const s of SCHEDULES) {
      const spec = { type: s.type, steps: 100, stepSize: 10, gamma: 0.9, warmup: 10 } as unknown as ScheduleSpec;
      renderAll('adam', spec, { norm: 1 });
      const titles = formulaModel('adam', spec, { norm: 1 }).blocks.map((b) => b.title);
      assert.equal(titles.length, s.type === 'constant' ? 2 : 3, `${s.type}: ${titles.join(' | ')}`);
    }
    assert.match(formulaModel('sgd', undefined, { value: 0.5 }).blocks[0].title, /by value/);
  });

  it('shows classical momentum beside PyTorch\'s, with the equivalence note', () => {
    const m = formulaModel('momentum');
    assert.equal(m.blocks.length, 2);
    assert.match(m.blocks[1].note ?? '', /constant η/);
  });

  it('trusts \\htmlData only', () => {
    assert.equal(KATEX_OPTIONS.trust({ command: '\\htmlData' }), true);
    assert.equal(KATEX_OPTIONS.trust({ command: '\\href' }), false);
    assert.match(katex.renderToString('\\href{https://example.com}{x}', KATEX_OPTIONS), /katex-error|<span class="mord/);
    assert.doesNotMatch(katex.renderToString('\\href{https://example.com}{x}', KATEX_OPTIONS), /<a /);
  });
});
