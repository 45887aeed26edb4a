import { strict as assert } from 'node:assert';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import { validateExperiment } from '../../src/engine/experiment';
import { toExperimentFile, toPanelExperiment, validatePanelExperiment } from '../../src/extension/convert';
import { exportedLossLine } from '../../src/extension/lossExport';
import { compareLearningRateRuns, defaultExperiment, exportFolderName, parseLearningRates } from '../../src/extension/defaults';
import { contentSecurityPolicy, webviewHtml } from '../../src/extension/html';
import { trustRefusal } from '../../src/extension/trust';
import type { PanelExperiment } from '../../src/protocol';

const experiment: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, steps: 100, seed: 0,
  runs: [
    { label: 'Adam', optimizer: 'adam', hyperparameters: { lr: 0.1 } },
    { label: 'SGD', optimizer: 'sgd', hyperparameters: { lr: 0.001, momentum: 0.9 }, enabled: false, schedule: { type: 'cosine', steps: 100, warmup: 10 }, clip: { norm: 1 } },
  ],
};

describe('webview HTML', () => {
  it('has a strict CSP: nothing by default, scripts by nonce only, no eval, no inline styles', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-abc';/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|https?:\/\/(?!x\.vscode-cdn\.net)/);
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', script: 'https://x/dist/webview.js', styles: ['https://x/media/panel.css'], nonce: 'abc' });
    assert.match(html, /<script type="module" nonce="abc" src="https:\/\/x\/dist\/webview.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/media\/panel.css">/);
    // Two scripts, both by nonce: the inline boot script (says ready, keeps early messages) and the module.
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.match(s, /nonce="abc"/);
    assert.ok(html.indexOf('acquireVsCodeApi') < html.indexOf('type="module"'), 'the boot script comes first');
    assert.doesNotMatch(html, /<style|style="/);
  });

  it('preloads the entry chunks by nonce and carries the initial experiment as inert JSON that cannot close its element', () => {
    const initial = { experiment: { title: '</script><script>alert(1)</script> <!-- \u2028', loss: { preset: 'rosenbrock' } } };
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', script: 'https://x/dist/webview.js', preload: ['https://x/dist/chunks/a.js'], styles: [], nonce: 'abc', initial });
    assert.match(html, /<link rel="modulepreload" nonce="abc" href="https:\/\/x\/dist\/chunks\/a.js">/);
    const m = /<script type="application\/json" id="op-initial">([^]*?)<\/script>/.exec(html);
    assert.ok(m, 'the JSON element is there');
    assert.doesNotMatch(m[1], /<|\u2028/);
    assert.deepEqual(JSON.parse(m[1]), initial);
    // The executable scripts are the boot script and the module; the JSON is data.
    assert.equal((html.match(/<script(?! type="application\/json")/g) ?? []).length, 2);
  });
});

describe('webview HTML, what loads later', () => {
  it('lists the stylesheets and fonts for later in an inert template, not among what the page fetches first', () => {
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', script: 'https://x/dist/webview.js', styles: ['https://x/media/panel.css'], nonce: 'abc',
      later: { styles: ['https://x/katex.min.css'], fonts: ['https://x/KaTeX_Main.woff2'] } });
    const template = /<template id="op-later">([^]*?)<\/template>/.exec(html);
    assert.ok(template, 'the template is there');
    assert.match(template[1], /<link rel="stylesheet" href="https:\/\/x\/katex.min.css">/);
    assert.match(template[1], /<link rel="preload" as="font" crossorigin href="https:\/\/x\/KaTeX_Main.woff2">/);
    const outside = html.replace(template[0], '');
    assert.doesNotMatch(outside, /katex|KaTeX/);
    assert.match(outside, /<link rel="stylesheet" href="https:\/\/x\/media\/panel.css">/);
  });
});

describe('experiments between panel and engine', () => {
  it('writes the panel experiment in file form and validates it with the engine, keeping enabled', () => {
    const file = toExperimentFile(experiment) as { runs: Record<string, unknown>[] };
    assert.deepEqual(file.runs[0], { optimizer: 'adam', label: 'Adam', lr: 0.1 });
    assert.equal(file.runs[1].enabled, false);
    const r = validatePanelExperiment(experiment, validateExperiment);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    if (r.ok) {
      assert.equal(r.experiment.runs[0].hyperparameters.eps, 1e-8, 'defaults filled from the registry');
      assert.equal(r.experiment.runs[1].enabled, false);
      const back = toPanelExperiment(r.experiment);
      assert.equal(back.runs[1].enabled, false);
      assert.equal(back.runs[1].hyperparameters.momentum, 0.9);
    }
  });

  it('returns the engine\'s issues with their paths', () => {
    const r = validatePanelExperiment({ ...experiment, runs: [{ label: 'x', optimizer: 'adam', hyperparameters: { lr: -1 } }] }, validateExperiment);
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.issues.some((i) => i.path === 'runs[0].lr'), JSON.stringify(r.issues));
  });
});

describe('commands\' helpers', () => {
  it('parses learning rates and names the bad one', () => {
    assert.deepEqual(parseLearningRates('0.001, 0.01 0.1'), { ok: true, lrs: [0.001, 0.01, 0.1] });
    assert.deepEqual(parseLearningRates('0.1, fast'), { ok: false, error: 'learning rate 2 must be a number ≥ 0, got "fast"' });
    assert.deepEqual(compareLearningRateRuns('adam', [0.1, 1]).map((r) => r.hyperparameters.lr), [0.1, 1]);
  });

  it('opens on an experiment that tells the story: in Rosenbrock\'s valley GD crawls, momentum gets far further, Adam takes its own way', () => {
    const exp = defaultExperiment();
    assert.deepEqual(exp.runs.map((r) => r.optimizer), ['gd', 'momentum', 'adam']);
    const checked = validatePanelExperiment(exp, validateExperiment);
    assert.ok(checked.ok);
    const problem = getProblem('rosenbrock')!;
    const runner = new Runner(checked.experiment, problem.objective(), problem.init);
    const final: number[] = [];
    while (!runner.finished) {
      for (const ev of runner.advance(10_000)) if (ev.type === 'points') for (const b of ev.batches) final[b.run] = b.loss[b.count - 1]!;
    }
    const [gd, momentum, adam] = final as [number, number, number];
    assert.ok(gd > 1, `GD still far up the valley after ${exp.steps} steps (${gd})`);
    assert.ok(momentum < gd / 10 && momentum < adam, `momentum furthest down (${momentum} vs GD ${gd}, Adam ${adam})`);
    assert.ok(adam < gd, `Adam ahead of GD (${adam} vs ${gd})`);
  });

  it('names an export\'s one new folder after the experiment and the time', () => {
    const at = new Date(2026, 11, 7, 6, 5);
    assert.equal(exportFolderName({ ...defaultExperiment(), title: 'Adam at three rates!' }, at), 'adam-at-three-rates-2026-12-07-0605');
    assert.equal(exportFolderName(defaultExperiment(), at), 'rosenbrock-2026-12-07-0605');
    assert.equal(exportFolderName({ ...defaultExperiment(), loss: { file: 'src/ravine.ts' } }, at), 'ravine-2026-12-07-0605');
  });

  it('finds the exported loss for the CodeLens', () => {
    assert.equal(exportedLossLine('// x\n\nexport default function loss(p: number[]) { return 0; }'), 2);
    assert.equal(exportedLossLine('export const loss = (p: number[]) => 0;'), 0);
    assert.equal(exportedLossLine('function loss() {}\nexport const init = [1];'), -1);
  });

  it('refuses workspace loss files in an untrusted workspace, not presets or panel snippets', () => {
    assert.equal(trustRefusal({ file: 'loss.ts' }, 'panel', false)?.kind, 'trust');
    assert.equal(trustRefusal({ source: 'x' }, 'workspaceFile', false)?.kind, 'trust');
    assert.equal(trustRefusal({ preset: 'rosenbrock' }, 'panel', false), undefined);
    assert.equal(trustRefusal({ source: 'x' }, 'panel', false), undefined);
    assert.equal(trustRefusal({ source: 'x' }, 'untitled', false), undefined);
    assert.equal(trustRefusal({ file: 'loss.ts' }, 'panel', true), undefined);
  });
});
