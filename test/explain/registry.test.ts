// The formula registry is complete (every optimizer, schedule, tweak), consistent with the
// hyperparameter registry, and its hover content carries the registry's defaults.
import * as assert from 'node:assert/strict';
import { OPTIMIZERS } from '../../src/engine/hyperparameters';
import { SCHEDULES } from '../../src/engine/schedules';
import { hoverMarkdown, hyperparameterHover, openCommandLink, optimizerHover, symbolHover } from '../../src/explain/hoverContent';
import {
  explainHyperparameter, FORMULAS, formatValue, formulaByKey, HYPERPARAMETER_ALIASES, hyperparameterMarkdown, LIMITATIONS, OPTIMIZER_FORMULAS,
  SCHEDULE_FORMULAS, SYMBOLS, symbolFor,
} from '../../src/explain/registry';
import { annotatedTex, plainTex } from '../../src/explain/tex';

const stubImage = (tex: string, alt: string): string => `<img alt="${alt}" tex="${tex.length}">`;

describe('explain: registry completeness', () => {
  it('has a formula with reference code for every optimizer, in registry order', () => {
    assert.deepEqual(OPTIMIZER_FORMULAS.map((f) => f.id), OPTIMIZERS.map((o) => o.id));
    for (const f of OPTIMIZER_FORMULAS) {
      assert.ok(f.reference, `${f.id}: no reference code`);
      assert.ok(f.equations.length > 0 && f.whenToUse && f.pitfalls.length > 0 && f.paper, `${f.id}: incomplete entry`);
      for (const e of f.equations) assert.ok(e.text.length > 0, `${f.id}: an equation without words`);
    }
  });

  it('has a formula for every schedule type and both clipping kinds, and the tweaks', () => {
    assert.deepEqual(SCHEDULE_FORMULAS.map((f) => f.id).sort(), SCHEDULES.map((s) => s.type).sort());
    for (const key of ['clip:norm', 'clip:value', 'tweak:weightDecayCoupled', 'tweak:weightDecayDecoupled', 'tweak:momentum', 'tweak:nesterov']) {
      assert.ok(formulaByKey(key), `missing ${key}`);
    }
  });

  it('names a symbol for every numeric hyperparameter in its optimizer\'s formula', () => {
    for (const o of OPTIMIZERS) {
      for (const h of o.hyperparameters) {
        if (h.kind === 'boolean') continue;
        if (h.kind === 'betas') {
          assert.ok(symbolFor(o.id, 'betas', 0) && symbolFor(o.id, 'betas', 1), `${o.id}: β₁ and β₂ should appear in its formula`);
        } else {
          assert.ok(symbolFor(o.id, h.name), `${o.id}: no symbol for "${h.name}" in its formula`);
        }
      }
    }
  });

  it('links symbols only to hyperparameters that exist', () => {
    const names = new Set(OPTIMIZERS.flatMap((o) => o.hyperparameters.map((h) => h.name)));
    for (const s of SYMBOLS.values()) {
      if (s.hyperparameter) assert.ok(names.has(s.hyperparameter.name), `symbol ${s.key} → unknown hyperparameter ${s.hyperparameter.name}`);
    }
  });

  it('gives each of the four limitations of plain gradient descent an answer that exists', () => {
    assert.equal(LIMITATIONS.length, 4);
    for (const l of LIMITATIONS) {
      assert.ok(l.answeredBy.length > 0, `${l.id}: no answer`);
      for (const key of l.answeredBy) assert.ok(formulaByKey(key), `${l.id}: answeredBy "${key}" is not in the registry`);
    }
  });

  it('states the conventions: bias correction with β^t, ε outside the root, classical momentum beside PyTorch\'s', () => {
    const adam = formulaByKey('optimizer:adam')!;
    const tex = adam.equations.map((e) => plainTex(e.tex)).join(' ');
    assert.match(tex, /1-\\beta_1\^t/);
    assert.match(tex, /1-\\beta_2\^t/);
    assert.match(tex, /\\sqrt\{\{\\hat\{v\}_t\}\}\+\{\\epsilon\}/, 'ε outside the root of v̂');
    const momentum = formulaByKey('optimizer:momentum')!;
    assert.ok(momentum.alternative && /constant η/.test(momentum.alternative.note));
    assert.ok(formulaByKey('optimizer:sgd')!.conventions.some((c) => /first gradient/.test(c)));
    assert.ok(formulaByKey('optimizer:rmsprop')!.conventions.some((c) => /outside the square root/.test(c)));
  });

  it('marks symbols for the panel: \\htmlData in annotated LaTeX, none left in plain LaTeX', () => {
    for (const f of FORMULAS) {
      for (const e of f.equations) {
        assert.ok(!plainTex(e.tex).includes('\\sym'), `${f.id}: \\sym left in plain LaTeX`);
        assert.ok(!annotatedTex(e.tex).includes('\\sym'), `${f.id}: \\sym left in annotated LaTeX`);
        assert.ok(!e.tex.includes('⟨'), `${f.id}: unexpanded short-hand in ${e.tex}`);
      }
    }
    assert.match(annotatedTex(formulaByKey("optimizer:adam")!.equations.at(-1)!.tex), /\\htmlData\{sym=mhat\}/);
  });
});

describe('explain: hyperparameter explanations come from the hyperparameter registry', () => {
  it('reads defaults, not copies', () => {
    for (const o of OPTIMIZERS) {
      for (const h of o.hyperparameters) {
        const e = explainHyperparameter(h.name, o.id);
        assert.ok(e, `${o.id}.${h.name}`);
        assert.equal(e.optimizer.id, o.id);
        assert.equal(e.defaultText, formatValue(h.default));
      }
    }
    assert.equal(explainHyperparameter('beta2', 'lion')?.defaultText, formatValue((OPTIMIZERS.find((o) => o.id === 'lion')!.hyperparameters.find((h) => h.name === 'betas')!.default as readonly number[])[1]));
  });
  it('maps aliases from PyTorch, optax and Keras', () => {
    assert.equal(explainHyperparameter('learning_rate')?.spec.name, 'lr');
    assert.equal(explainHyperparameter('weight_decay', 'adamw')?.spec.description, OPTIMIZERS.find((o) => o.id === 'adamw')!.hyperparameters.find((h) => h.name === 'weightDecay')!.description);
    assert.equal(explainHyperparameter('epsilon')?.spec.name, 'eps');
    assert.equal(explainHyperparameter('b1')?.index, 0);
    assert.equal(explainHyperparameter('alpha')?.optimizer.id, 'rmsprop');
    assert.equal(explainHyperparameter('rho', 'adam')?.optimizer.id, 'adadelta', 'falls back to an optimizer that has it');
    assert.equal(explainHyperparameter('foo'), undefined);
  });
  it('writes richer schema descriptions for each hyperparameter', () => {
    const md = hyperparameterMarkdown('adam', 'eps');
    assert.ok(md && md.includes('Default: `1e-8`') && md.includes('√v̂ₜ + ε'), md);
    assert.equal(hyperparameterMarkdown('sgd', 'betas'), undefined);
  });
});

describe('explain: hover Markdown', () => {
  it('optimizer: formula image with words, defaults, paper and a command link', () => {
    const md = optimizerHover('adam', stubImage);
    assert.ok(md.includes('θₜ = θₜ₋₁ − η / (√v̂ₜ + ε) · m̂ₜ" tex='), 'the rule in words as the image\'s alt text, unescaped');
    for (const alt of md.matchAll(/<img alt="([^"]*)"/g)) assert.doesNotMatch(alt[1], /[[\]\\`]/, 'alt text that cannot end the image syntax');
    assert.ok(md.includes('`lr` = `0.001`'), 'lr default from the registry');
    assert.ok(md.includes('`betas` = `[0.9, 0.999]`'));
    assert.ok(md.includes('https://arxiv.org/abs/1412.6980'));
    const link = /\(command:optimizerPlayground\.openWithOptimizer\?([^)]+)\)/.exec(md);
    assert.ok(link, 'command link');
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ optimizer: 'adam' }]);
    assert.equal(openCommandLink('sgd'), `command:optimizerPlayground.openWithOptimizer?${encodeURIComponent('[{"optimizer":"sgd"}]')}`);
  });
  it('gradient descent lists its four limitations and what answers each', () => {
    const md = optimizerHover('gd', stubImage);
    for (const l of LIMITATIONS) assert.ok(md.includes(l.title), l.title);
    assert.ok(md.includes('Adam') && md.includes('Momentum'), md);
  });
  it('momentum shows the classical form beside PyTorch\'s', () => {
    const md = optimizerHover('momentum', stubImage);
    assert.ok(md.includes('PyTorch') && md.includes('mₜ = η·bₜ'), md);
  });
  it('hyperparameter: meaning for its optimizer, default, symbol', () => {
    const md = hyperparameterHover('alpha', 'rmsprop', stubImage)!;
    assert.ok(md.includes('of **RMSprop**') && md.includes('`0.99`') && md.includes('α'), md);
    const beta2 = hyperparameterHover('b2', 'adam', stubImage)!;
    assert.ok(beta2.includes('element 1 of `betas`') && beta2.includes('`0.999`'), beta2);
  });
  it('schedule and clipping rules', () => {
    const md = hoverMarkdown({ kind: 'formula', key: 'schedule:oneCycle', start: 0, end: 1 }, stubImage)!;
    assert.ok(md.includes('OneCycleLR') && md.includes('arxiv.org/abs/1708.07120'), md);
    assert.ok(hoverMarkdown({ kind: 'formula', key: 'clip:norm', start: 0, end: 1 }, stubImage)!.includes('10⁻⁶'));
  });
  it('hyperparameter: the word reads as written, no Markdown escape inside a code span', () => {
    const md = hyperparameterHover('weight_decay', 'adam', stubImage)!;
    assert.ok(md.startsWith('**`weight_decay`** of **Adam**'), md.slice(0, 80));
    // Every hover of every alias and optimizer: a backslash inside a code span is shown as typed.
    const hovers = [
      ...OPTIMIZERS.map((o) => optimizerHover(o.id, stubImage)),
      ...Object.keys(HYPERPARAMETER_ALIASES).flatMap((w) => [hyperparameterHover(w, undefined, stubImage)!, ...OPTIMIZERS.map((o) => hyperparameterHover(w, o.id, stubImage)!)]),
    ];
    for (const h of hovers) {
      for (const span of h.replace(/<img[^>]*>/g, '').matchAll(/(`+)(.+?)\1/g)) assert.doesNotMatch(span[2], /\\/, `escape shown in ${span[0]}`);
    }
  });
  it('optimizer: the name and the PyTorch class once each', () => {
    for (const o of OPTIMIZERS) {
      const first = optimizerHover(o.id, stubImage).split('\n')[0];
      assert.ok(first.startsWith(`**${o.name}**`), `${o.id}: ${first}`);
      assert.equal(first.replace(/`[^`]*`/g, '').split(o.name).length - 1, 1, `${o.id}: the name once (besides the class) in ${first}`);
      assert.equal(first.split('torch.optim.').length - 1, o.torchClass ? 1 : 0, `${o.id}: the class once in ${first}`);
    }
  });
  it('the rule comes right after the first paragraph, in one image that holds the θ update line', () => {
    const hovers: [string, string][] = [
      ...OPTIMIZERS.map((o): [string, string] => [o.id, optimizerHover(o.id, stubImage)]),
      ...OPTIMIZERS.flatMap((o) => o.hyperparameters.map((h): [string, string] => [`${h.name} of ${o.id}`, hyperparameterHover(h.torchName, o.id, stubImage)!])),
    ];
    for (const [what, md] of hovers) {
      const lines = md.split('\n');
      assert.equal(lines[1], '', `${what}: one paragraph before the rule`);
      assert.match(lines[2], /^<img alt="[^"]*θₜ = θₜ₋₁/, `${what}: the rule with its update line third: ${lines[2]}`);
    }
  });
  it('symbol: meaning and where it appears', () => {
    const md = symbolHover('mhat', stubImage)!;
    assert.ok(md.includes('Bias-corrected first moment') && md.includes('Adam') && md.includes('RAdam'), md);
    assert.equal(hoverMarkdown({ kind: 'symbol', key: 'nope', start: 0, end: 1 }, stubImage), undefined);
  });
});
