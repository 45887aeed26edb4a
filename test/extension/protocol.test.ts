import { strict as assert } from 'node:assert';
import {
  answer, CHART_NAMES, checkPanelExperiment, fromWire, HOST_METHODS, parseFromWebview, parseToWebview, Requests, toExperimentFile, toWire, type PanelExperiment,
  type ReplyMessage, type RequestMessage,
} from '../../src/protocol';
import { validateExperiment } from '../../src/engine/experiment';

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
      { type: 'ready' }, { type: 'editExperiment', experiment }, { type: 'run' }, { type: 'reset' }, { type: 'stop' }, { type: 'scrub', step: 3 },
      { type: 'pickDims', dims: [0, 2] }, { type: 'openInEditor' }, { type: 'export' }, { type: 'copyAsPyTorch' }, { type: 'stopFollowing' },
      { type: 'setPreferences', preferences: { playbackSpeed: 'fast' } },
      { type: 'request', requestId: 1, method: 'inspect', params: { run: 0, step: 10 } },
      { type: 'reply', requestId: 2, method: 'renderCharts', result: { charts: [{ name: 'loss', svg: '<svg/>', png: 'data:image/png;base64,AAAA' }] } },
      { type: 'reply', requestId: 3, method: 'renderCharts', error: 'no charts yet' },
      { type: 'log', level: 'error', message: 'boom' },
      { type: 'compiledChart', chart: 'loss', key: '6.4.1\n{"mark":"line"}', spec: { $schema: 'https://vega.github.io/schema/vega/v6.json', marks: [] } },
    ];
    for (const m of messages) assert.deepEqual(parseFromWebview(m), { ok: true, message: m }, m.type);
  });

  it('refuses malformed messages and names the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ type: 'launchMissiles' }, /unknown message type "launchMissiles"/],
      [{ type: 'scrub', step: 1.5 }, /scrub message: step: expected an integer, got 1.5/],
      [{ type: 'editExperiment', experiment: { ...experiment, steps: -1 } }, /experiment\.steps: expected an integer ≥ 0, got -1/],
      [{ type: 'editExperiment', experiment: { ...experiment, runs: [{ ...experiment.runs[0], hyperparameters: { lr: 'fast' } }] } },
        /experiment\.runs\[0\]\.hyperparameters\.lr: .*got "fast"/],
      [{ type: 'editExperiment', experiment: { ...experiment, loss: { preset: 'a', source: 'b' } } }, /experiment\.loss: expected exactly one of/],
      [{ type: 'pickDims', dims: [1, 1] }, /two different parameters/],
      [{ type: 'request', requestId: 1, method: 'inspect', params: { run: -1, step: 0 } }, /params\.run: expected an integer ≥ 0/],
      [{ type: 'request', requestId: 1, method: 'formatDisk', params: {} }, /request message: method/],
      [{ type: 'reply', requestId: 1, method: 'renderCharts', result: { charts: [{ name: '../../etc/passwd' }] } }, new RegExp(`charts\\[0\\]\\.name: expected \\(${CHART_NAMES.map((n) => `"${n}"`).join(' \\| ')}\\), got "\\.\\./\\.\\./etc/passwd"`)],
      [{ type: 'reply', requestId: 1, method: 'renderCharts', result: { charts: [{ name: 'loss', png: 'javascript:alert(1)' }] } }, /png: expected a data:image\/png/],
      [{ type: 'reply', requestId: 1, method: 'renderCharts' }, /expected a result or an error/],
      [{ type: 'setPreferences', preferences: { playbackSpeed: 'ludicrous' } }, /preferences\.playbackSpeed/],
      [{ type: 'compiledChart', chart: 'pie', key: 'k', spec: {} }, /chart: .*got "pie"/],
      [{ type: 'compiledChart', chart: 'loss', key: 7, spec: {} }, /key: expected a string, got 7/],
      [{ type: 'compiledChart', chart: 'loss', key: 'k', spec: [] }, /spec: expected a Vega spec \(an object\), got an array/],
      [{ type: 'compiledChart', chart: 'loss', key: 'k', spec: { marks: 'x'.repeat(1_000_001) } }, /spec: expected at most 1000000 characters/],
    ];
    for (const [m, re] of bad) {
      const r = parseFromWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m).slice(0, 200));
      if (!r.ok) assert.match(r.error, re);
    }
  });

  it('carries tuning, gradient noise, curvature and automatic labels through to the file the engine validates', () => {
    const tuned: PanelExperiment = {
      ...experiment, noise: 0.1, curvature: true, tune: { lr: { min: 1e-4, max: 1, count: 5 }, objective: 'finalLoss' },
      runs: [
        { optimizer: 'adam', hyperparameters: {} },
        { label: 'mine', optimizer: 'sgd', hyperparameters: { lr: 0.01 }, tune: { momentum: [0, 0.5, 0.9], objective: { stepsTo: 0.01 }, seeds: 3 } },
      ],
    };
    const parsed = parseFromWebview({ type: 'editExperiment', experiment: tuned });
    assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
    const file = toExperimentFile(tuned);
    assert.deepEqual({ noise: file.noise, curvature: file.curvature, tune: file.tune }, { noise: 0.1, curvature: true, tune: tuned.tune });
    const runs = file.runs as Record<string, unknown>[];
    assert.equal('label' in runs[0]!, false, 'an automatic label stays absent');
    assert.deepEqual(runs[1]!.tune, tuned.runs[1]!.tune);
    const { curvature: _curvature, ...withoutCurvature } = file;
    const valid = validateExperiment(withoutCurvature);
    assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.issues));
    if (valid.ok) {
      assert.equal(valid.experiment.noise, 0.1);
      assert.deepEqual(valid.experiment.runs.map((r) => r.tune !== undefined), [true, true]);
    }
    const bad = parseFromWebview({ type: 'editExperiment', experiment: { ...tuned, tune: { lr: { min: 'small' } } } });
    assert.ok(!bad.ok && /experiment\.tune/.test(bad.error), !bad.ok ? bad.error : 'refused');
  });

  it('checks streamed point columns against their length and dimension', () => {
    const series = { run: 0, steps: [0, 1], dim: 2, params: [1, 2, 3, 4], loss: [5, null], gradNorm: [1, 'Infinity'], lr: [0.1, 0.1], replace: false };
    assert.equal(parseToWebview({ type: 'points', series: [series] }).ok, true);
    const r = parseToWebview({ type: 'points', series: [{ ...series, params: [1, 2, 3] }] });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /series\[0\]\.params: expected 4 values, got 3/);
    const junk = parseToWebview({ type: 'points', series: [{ ...series, loss: [5, 'lots'] }] });
    assert.equal(junk.ok, false);
    if (!junk.ok) assert.match(junk.error, /series\[0\]\.loss\[1\]: expected a finite number, null, "Infinity" or "-Infinity", got "lots"/);
  });

  it('accepts a full init snapshot', () => {
    const init = {
      type: 'init', experiment, state: 'idle', results: [{ run: 0, label: 'Adam', status: 'completed', steps: 200 }],
      points: [], errors: [{ kind: 'compile', message: 'x', diagnostics: [{ line: 2, column: 5, message: 'x', severity: 'error' }] }],
      info: { dim: 2, init: [0, 0], dataSize: 0, gradient: { mode: 'analytic' } }, trusted: true, preferences: { playbackSpeed: 'slow' },
      following: { name: 'ravine.ts', path: 'src/ravine.ts' },
      surface: { dims: [0, 1], xs: [0, 1], ys: [0, 1, 2], loss: [1, 2, 3, 4, 5, null], at: [0, 0] },
    };
    assert.deepEqual(parseToWebview(init), { ok: true, message: init });
  });

  it('carries non-finite numbers as null (NaN) and "Infinity"/"-Infinity", and back', () => {
    assert.deepEqual(toWire(new Float64Array([1, Infinity, NaN, -Infinity])), [1, 'Infinity', null, '-Infinity']);
    const back = fromWire([1, 'Infinity', null, '-Infinity']);
    assert.equal(back[0], 1);
    assert.equal(back[1], Infinity);
    assert.ok(Number.isNaN(back[2]));
    assert.equal(back[3], -Infinity);
    assert.equal(checkPanelExperiment(experiment).ok, true);
    assert.equal(checkPanelExperiment({ ...experiment, runs: 'none' }).ok, false);
  });

  it('requests are answered through one helper: the reply settles its request, an error rejects it', async () => {
    const toHost: RequestMessage<typeof HOST_METHODS>[] = [];
    const requests = new Requests<typeof HOST_METHODS>((m) => toHost.push(m), 1000);
    const replies: ReplyMessage<typeof HOST_METHODS>[] = [];
    const handle = answer<typeof HOST_METHODS>({
      inspect: ({ run, step }) => {
        if (run > 0) throw new Error(`no run ${run}`);
        return { step, params: [1, 'Infinity'], grad: [null, 0], lr: 0.1, state: {} };
      },
    }, (m) => replies.push(m));
    const ok = requests.request('inspect', { run: 0, step: 7 });
    const failed = requests.request('inspect', { run: 3, step: 7 });
    for (const m of toHost) {
      const parsed = parseFromWebview(m);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      await handle(m);
    }
    for (const r of replies) {
      assert.ok(parseToWebview(r).ok, JSON.stringify(r));
      requests.settle(r);
    }
    assert.deepEqual((await ok).params, [1, 'Infinity']);
    await assert.rejects(failed, /no run 3/);
    await assert.rejects(new Requests<typeof HOST_METHODS>(() => undefined, 10).request('inspect', { run: 0, step: 0 }), /no reply within 10 ms/);
  });
});
