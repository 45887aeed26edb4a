import { strict as assert } from 'node:assert';
import { checkPanelExperiment, fromWire, parseFromWebview, parseToWebview, toWire, type PanelExperiment } from '../../src/protocol';

const experiment: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, init: [-1.5, 2], steps: 200, seed: 0,
  runs: [
    { label: 'Adam', optimizer: 'adam', hyperparameters: { lr: 0.1, betas: [0.9, 0.999], amsgrad: false }, enabled: true },
    { label: 'SGD', optimizer: 'sgd', hyperparameters: { lr: 0.001, momentum: 0.9 }, schedule: { type: 'cosine', steps: 200, warmup: 10 }, clip: { norm: 1 } },
  ],
};

describe('protocol', () => {
  it('accepts every well-formed message from the webview', () => {
    const messages = [
      { type: 'ready' }, { type: 'editExperiment', experiment }, { type: 'run' }, { type: 'pause' }, { type: 'step', count: 5 },
      { type: 'reset' }, { type: 'stop' }, { type: 'scrub', step: 3 }, { type: 'setInit', init: [0, 1] },
      { type: 'pickDims', dims: [0, 2] }, { type: 'openInEditor' }, { type: 'export' }, { type: 'copyAsPyTorch' },
      { type: 'requestInspect', requestId: 1, run: 0, step: 10 },
      { type: 'charts', requestId: 2, charts: [{ name: 'loss', svg: '<svg/>', png: 'data:image/png;base64,AAAA' }] },
      { type: 'log', level: 'error', message: 'boom' },
      { type: 'compiledChart', chart: 'loss', key: '6.4.1\n{"mark":"line"}', spec: { $schema: 'https://vega.github.io/schema/vega/v6.json', marks: [] } },
    ];
    for (const m of messages) assert.deepEqual(parseFromWebview(m), { ok: true, message: m }, m.type);
  });

  it('refuses malformed messages and names the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ type: 'launchMissiles' }, /unknown message type "launchMissiles"/],
      [{ type: 'step', count: 0 }, /count: expected an integer ≥ 1/],
      [{ type: 'editExperiment', experiment: { ...experiment, steps: -1 } }, /experiment\.steps: expected an integer ≥ 0, got -1/],
      [{ type: 'editExperiment', experiment: { ...experiment, runs: [{ ...experiment.runs[0], hyperparameters: { lr: 'fast' } }] } },
        /experiment\.runs\[0\]\.hyperparameters\.lr: expected a finite number, got "fast"/],
      [{ type: 'editExperiment', experiment: { ...experiment, loss: { preset: 'a', source: 'b' } } }, /experiment\.loss: expected exactly one of/],
      [{ type: 'pickDims', dims: [1, 1] }, /two different parameters/],
      [{ type: 'charts', requestId: 1, charts: [{ name: '../../etc/passwd' }] }, /charts\[0\]\.name: expected a file-name stem/],
      [{ type: 'charts', requestId: 1, charts: [{ name: 'x', png: 'javascript:alert(1)' }] }, /png: expected a data:image\/png/],
      [{ type: 'compiledChart', chart: 'pie', key: 'k', spec: {} }, /chart: expected one of loss, paths, lr, gradNorm, got "pie"/],
      [{ type: 'compiledChart', chart: 'loss', key: 7, spec: {} }, /key: expected a string, got 7/],
      [{ type: 'compiledChart', chart: 'loss', key: 'k', spec: [] }, /spec: expected a Vega spec \(an object\), got an array/],
      [{ type: 'compiledChart', chart: 'loss', key: 'k', spec: { marks: 'x'.repeat(1_000_001) } }, /spec: \d+ characters, more than the 1000000 kept/],
    ];
    for (const [m, re] of bad) {
      const r = parseFromWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.error, re);
    }
  });

  it('checks streamed point columns against their length and dimension', () => {
    const series = { run: 0, steps: [0, 1], dim: 2, params: [1, 2, 3, 4], loss: [5, null], gradNorm: [1, 1], lr: [0.1, 0.1], replace: false };
    assert.equal(parseToWebview({ type: 'points', series: [series] }).ok, true);
    const r = parseToWebview({ type: 'points', series: [{ ...series, params: [1, 2, 3] }] });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /series\[0\]\.params: expected 4 values, got 3/);
  });

  it('accepts a full init snapshot', () => {
    const init = {
      type: 'init', experiment, theme: 'dark', state: 'idle', results: [{ run: 0, label: 'Adam', status: 'completed', steps: 200 }],
      points: [], errors: [{ kind: 'compile', message: 'x', diagnostics: [{ line: 2, column: 5, message: 'x', severity: 'error' }] }],
      info: { dim: 2, init: [0, 0], dataSize: 0, gradient: { mode: 'analytic' } }, trusted: true,
      surface: { dims: [0, 1], xs: [0, 1], ys: [0, 1, 2], loss: [1, 2, 3, 4, 5, null], at: [0, 0] },
    };
    assert.deepEqual(parseToWebview(init), { ok: true, message: init });
  });

  it('carries non-finite numbers as null and back', () => {
    assert.deepEqual(toWire(new Float64Array([1, Infinity, NaN, -Infinity])), [1, null, null, null]);
    assert.ok(Number.isNaN(fromWire([null])[0]));
    assert.equal(checkPanelExperiment(experiment).ok, true);
    assert.equal(checkPanelExperiment({ ...experiment, runs: 'none' }).ok, false);
  });
});
