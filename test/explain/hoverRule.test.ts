// The hover rule: which words, in which contexts, are explained — and which are left alone.
import * as assert from 'node:assert/strict';
import { findHoverTargetInLines, hoverLanguage, type HoverLanguage, type HoverTarget } from '../../src/explain/hoverRule';
import { canonicalTex, findSymbols, symbolAt } from '../../src/explain/latexSymbols';

/** Hover at the first `|` in `text` (removed): lines split on \n. */
function at(text: string, language: HoverLanguage): HoverTarget | undefined {
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l.includes('|'));
  assert.ok(row >= 0, 'test text needs a | cursor');
  const character = lines[row].indexOf('|');
  lines[row] = lines[row].replace('|', '');
  return findHoverTargetInLines(lines, row, character, language);
}

function expectOptimizer(text: string, language: HoverLanguage, id: string): void {
  const t = at(text, language);
  assert.equal(t?.kind, 'optimizer', `${language}: ${JSON.stringify(text)} should hover as optimizer, got ${JSON.stringify(t)}`);
  assert.equal(t.kind === 'optimizer' && t.id, id);
}
function expectHyper(text: string, language: HoverLanguage, name: string, optimizerId?: string, index?: 0 | 1): void {
  const t = at(text, language);
  assert.equal(t?.kind, 'hyperparameter', `${language}: ${JSON.stringify(text)} should hover as hyperparameter, got ${JSON.stringify(t)}`);
  if (t.kind !== 'hyperparameter') return;
  assert.equal(t.name, name);
  assert.equal(t.optimizerId, optimizerId, `${JSON.stringify(text)}: optimizer context`);
  assert.equal(t.index, index);
}
function expectNothing(text: string, language: HoverLanguage): void {
  const t = at(text, language);
  assert.equal(t, undefined, `${language}: ${JSON.stringify(text)} should not hover, got ${JSON.stringify(t)}`);
}

describe('explain: hover rule — Python', () => {
  it('optimizer names used as optimizers', () => {
    expectOptimizer('opt = torch.optim.Ad|am(model.parameters(), lr=1e-3)', 'python', 'adam');
    expectOptimizer('opt = optim.|SGD(params, lr=0.1, momentum=0.9)', 'python', 'sgd');
    expectOptimizer('opt = tf.keras.optimizers.RMS|prop()', 'python', 'rmsprop');
    expectOptimizer('tx = optax.adam|w(1e-3)', 'python', 'adamw');
    expectOptimizer('model.compile(optimizer="na|dam", loss="mse")', 'python', 'nadam');
    expectOptimizer('from torch.optim import Ada|grad, SGD', 'python', 'adagrad');
    expectOptimizer('opt = Li|on(params)', 'python', 'lion');
  });
  it('hyperparameters as keyword arguments near an optimizer', () => {
    expectHyper('opt = torch.optim.Adam(params, l|r=1e-3)', 'python', 'lr', 'adam');
    expectHyper('opt = torch.optim.Adam(\n    params,\n    be|tas=(0.9, 0.999),\n)', 'python', 'betas', 'adam');
    expectHyper('opt = optim.RMSprop(params,\n  alp|ha=0.9)', 'python', 'alpha', 'rmsprop');
    expectHyper('tx = optax.adam(learning_rate=1e-3, b|1=0.8)', 'python', 'betas', 'adam', 0);
    expectHyper('opt = torch.optim.SGD(params, lr=0.1, momen|tum=0.9, nesterov=True)', 'python', 'momentum', 'sgd');
    expectHyper('config = {"weight_de|cay": 0.01}\noptimizer = make(config)', 'python', 'weightDecay', undefined);
  });
  it('leaves other uses alone', () => {
    expectNothing('al|pha = 0.3  # blending factor\nimage = blend(a, b, alpha)', 'python');
    expectNothing('for l|r in rates:\n    print(lr)', 'python');
    expectNothing('if a|lpha == 0.5: pass  # optimizer', 'python');
    expectNothing('name = "ad|am"', 'python');
    expectNothing('adam_results = ru|n()', 'python');
    expectNothing('print(a|dam)', 'python');
    expectNothing('x = self.ad|am(3)', 'python');
  });
  it('LaTeX in comments', () => {
    const t = at('# the step is eta / (sqrt(\\hat{v}|_t) + eps)', 'python');
    assert.equal(t?.kind === 'symbol' && t.key, 'vhat');
    expectNothing('s = "\\hat{v}|_t"', 'python');
  });
});

describe('explain: hover rule — TypeScript and JavaScript', () => {
  it('optimizer names', () => {
    expectOptimizer('const opt = new Ad|amW({ lr: 1e-3 });', 'typescript', 'adamw');
    expectOptimizer('const run = { optimizer: \'rms|prop\', lr: 0.01 };', 'typescript', 'rmsprop');
    expectOptimizer('const opt = tf.train.ada|delta(1.0);', 'javascript', 'adadelta');
    expectOptimizer('import { ad|amax } from "optax-js/optimizers";', 'typescript', 'adamax');
  });
  it('hyperparameters as object keys near an optimizer', () => {
    expectHyper('const run = {\n  optimizer: "adam",\n  learningR|ate: 0.1,\n};', 'typescript', 'lr', 'adam');
    expectHyper('const opt = new SGD({ weightDec|ay: 1e-4 });', 'typescript', 'weightDecay', 'sgd');
    expectHyper('const opt = tf.train.rmsprop(0.1);\nconst opts = { e|psilon: 1e-7 };', 'javascript', 'eps', 'rmsprop');
    expectHyper('const opt = Lion(params, { be|ta2: 0.99 });', 'typescript', 'betas', 'lion', 1);
  });
  it('leaves other uses alone', () => {
    expectNothing('const al|pha = 0.5; // colour blending', 'typescript');
    expectNothing('ctx.globalAl|pha = 0.5;', 'javascript');
    expectNothing('function draw(ep|s: number) { return eps; }', 'typescript');
    expectNothing('const adam = ru|ns[0];', 'typescript');
    expectNothing('const x = a|dam;', 'typescript');
    expectNothing('if (m|omentum === 0) {}', 'typescript');
  });
  it('LaTeX in comments', () => {
    const t = at('/** bias correction: $1 - \\beta_1|^t$ */', 'typescript');
    assert.equal(t?.kind === 'symbol' && t.key, 'bc1');
    const u = at(' * where \\nabla_\\theta J(\\the|ta) is the gradient', 'typescript');
    assert.equal(u?.kind === 'symbol' && u.key, 'gradJ');
  });
});

describe('explain: hover rule — *.optim.json', () => {
  const file = '{\n  "runs": [\n    { "optimizer": "adam", "lr": 0.1, "betas": [0.9, 0.99] },\n    { "optimizer": "rmsprop",\n      "alpha": 0.9 }\n  ]\n}';
  const cursor = (needle: string, offset = 1): string => {
    const i = file.indexOf(needle);
    return file.slice(0, i + offset) + '|' + file.slice(i + offset);
  };
  it('the optimizer value and hyperparameter keys', () => {
    expectOptimizer(cursor('adam"'), 'json', 'adam');
    expectHyper(cursor('"lr"', 2), 'json', 'lr', 'adam');
    expectHyper(cursor('"betas"', 2), 'json', 'betas', 'adam');
    expectHyper(cursor('"alpha"', 2), 'json', 'alpha', 'rmsprop');
    expectOptimizer('{ "optimizer": "g|d" }', 'json', 'gd');
  });
  it('schedule types and clipping kinds', () => {
    const cosine = at('{ "schedule": { "type": "cos|ine", "steps": 200 } }', 'json');
    assert.deepEqual(cosine && cosine.kind === 'formula' && cosine.key, 'schedule:cosine');
    const clip = at('{ "clip": { "no|rm": 1 } }', 'json');
    assert.deepEqual(clip && clip.kind === 'formula' && clip.key, 'clip:norm');
    expectNothing('{ "loss": { "type": "cos|ine" } }'.replace('"type"', '"kind"'), 'json');
    expectNothing('{ "extra": { "no|rm": 1 } }', 'json');
  });
  it('leaves other keys and values alone', () => {
    expectNothing(cursor('"runs"', 2), 'json');
    expectNothing('{ "title": "ad|am at three rates" }', 'json');
    expectNothing('{ "label": "lr 0.1", "note": "l|r" }', 'json');
  });
});

describe('explain: hover rule — Markdown and LaTeX symbols', () => {
  it('explains known symbols in the spellings of a course text', () => {
    const seed = '$$\\theta_{t+1} = \\theta_t - \\frac{\\eta}{\\sqrt{\\hat{v_t}} + \\epsilon} \\hat{m_t}$$';
    const cases: [string, string][] = [['\\hat{m_t}', 'mhat'], ['\\hat{v_t}', 'vhat'], ['\\epsilon', 'eps'], ['\\eta', 'eta']];
    for (const [needle, key] of cases) {
      const col = seed.indexOf(needle) + 2;
      assert.equal(symbolAt(seed, col)?.key, key, `${needle} at column ${col}`);
    }
    const t = at('$$m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) \\nabla_{\\theta} J(\\th|eta)$$', 'markdown');
    assert.equal(t?.kind === 'symbol' && t.key, 'gradJ');
    const u = at('$$\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^{|t}}$$', 'markdown');
    assert.equal(u?.kind === 'symbol' && u.key, 'bc1');
  });
  it('equal spellings have one canonical form', () => {
    assert.equal(canonicalTex('\\hat{m}_t'), canonicalTex('\\hat m_t'));
    assert.equal(canonicalTex('\\nabla_{\\theta} J(\\theta)'), canonicalTex('\\nabla_\\theta J( \\theta )'));
    assert.equal(canonicalTex('\\beta_1^{t}'), canonicalTex('\\beta_1^t'));
  });
  it('does not match inside longer names or plain prose', () => {
    const keys = findSymbols('\\beta_10 and \\etaX').map((m) => m.key);
    assert.ok(!keys.includes('beta1') && !keys.includes('eta'), `found ${keys.join(', ')}`);
    expectNothing('The learning r|ate and momentum matter; use adam(...) in code.', 'markdown');
    expectNothing('plain t|ext with m t', 'markdown');
  });
});

describe('explain: hover rule — Markdown prose and code', () => {
  it('optimizer names wherever prose writes them, any case', () => {
    expectOptimizer('# Ad|am', 'markdown', 'adam');
    expectOptimizer('Compare R|MSprop with AdamW.', 'markdown', 'rmsprop');
    expectOptimizer('Compare RMSprop with Ada|mW.', 'markdown', 'adamw');
    expectOptimizer('Mini-batch Gradient Descent (G|D) computes', 'markdown', 'gd');
    expectOptimizer('the `torch.optim.S|GD` class', 'markdown', 'sgd');
  });
  it('symbols written in Unicode: η, β₁, m̂ₜ, ∇θJ(θ)', () => {
    const sym = (text: string): string | undefined => { const t = at(text, 'markdown'); return t?.kind === 'symbol' ? t.key : undefined; };
    assert.equal(sym('a learning rate |η of 0.001'), 'eta');
    assert.equal(sym('decay rates β|₁ = 0.9'), 'beta1');
    assert.equal(sym('the corrected m̂|ₜ'), 'mhat');
    assert.equal(sym('the gradient ∇θJ|(θ)'), 'gradJ');
    assert.equal(sym('|λ pulls θ to 0'), 'wd');
    assert.equal(sym('Adagrad\'s η̃|ₜ'), undefined, 'η with a tilde is another symbol');
    assert.equal(sym('the word ζη|ta'), undefined, 'inside a longer word');
  });
  it('hyperparameters in a code span or as a keyword, in the nearest optimizer\'s meaning', () => {
    expectHyper('Adam\'s `weight_d|ecay` is L2.', 'markdown', 'weightDecay', 'adam');
    expectHyper('With SGD:\n\nset `mom|entum` to 0.9', 'markdown', 'momentum', 'sgd');
    expectHyper('RMSprop uses al|pha=0.99', 'markdown', 'alpha', 'rmsprop');
    expectHyper('Tune the optimizer: `l|r`', 'markdown', 'lr', undefined);
  });
  it('fenced code blocks follow their language\'s rule', () => {
    expectOptimizer('Text\n```python\nopt = torch.optim.Ad|am(p, lr=1e-3)\n```', 'markdown', 'adam');
    expectHyper('```python\nopt = torch.optim.Adam(p, l|r=1e-3)\n```', 'markdown', 'lr', 'adam');
    expectHyper('```json\n{ "optimizer": "sgd", "moment|um": 0.9 }\n```', 'markdown', 'momentum', 'sgd');
    expectNothing('```python\nadam = 3  # not a call\nprint(ad|am)\n```', 'markdown');
    expectOptimizer('```\ncode\n```\nProse about Ad|am again.', 'markdown', 'adam');
  });
  it('leaves plain prose words alone', () => {
    expectNothing('The plain word al|pha is not explained, nor l|r.', 'markdown');
    expectNothing('Adam, with a learning r|ate', 'markdown');
    expectNothing('```python\nx = 1\n``|`', 'markdown');
  });
});

describe('explain: hover languages', () => {
  it('maps VS Code language ids and *.optim.json', () => {
    assert.equal(hoverLanguage('json', '/x/a.optim.json'), 'json');
    assert.equal(hoverLanguage('json', '/x/package.json'), undefined);
    assert.equal(hoverLanguage('typescriptreact', 'a.tsx'), 'typescript');
    assert.equal(hoverLanguage('python', 'a.py'), 'python');
    assert.equal(hoverLanguage('markdown', 'a.md'), 'markdown');
    assert.equal(hoverLanguage('rust', 'a.rs'), undefined);
  });
});
