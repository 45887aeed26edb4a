import { strict as assert } from 'node:assert';
import { validateExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { Experiment, RunnerEvent } from '../../src/engine/types';
import { PlaygroundController } from '../../src/extension/controller';
import { validatePanelExperiment } from '../../src/extension/convert';
import { fromWire, parseToWebview, type PanelExperiment, type ToWebview, type ToWebviewOf } from '../../src/protocol';
import { startExperiment } from '../../src/snippet/session';

const experiment: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, steps: 150, seed: 0,
  runs: [
    { label: 'Adam', optimizer: 'adam', hyperparameters: { lr: 0.05 } },
    { label: 'SGD momentum', optimizer: 'sgd', hyperparameters: { lr: 0.0005, momentum: 0.9 } },
  ],
};

/** Every message the controller posts, each checked against the protocol. */
function controller(e: PanelExperiment): { c: PlaygroundController; posted: ToWebview[]; logs: string[] } {
  const posted: ToWebview[] = [];
  const logs: string[] = [];
  const c = new PlaygroundController(e, {
    start: startExperiment, validate: validateExperiment, debounceMs: 20,
    post: (m) => {
      const parsed = parseToWebview(JSON.parse(JSON.stringify(m)));
      assert.ok(parsed.ok, `invalid ${m.type} message: ${!parsed.ok && parsed.error}`);
      posted.push(m);
    },
    log: (l) => logs.push(l),
  });
  return { c, posted, logs };
}

/** The engine, in this process: every point of every run. */
function engineRun(e: Experiment): { loss: number[]; params: number[] }[] {
  const problem = getProblem((e.loss as { preset: string }).preset)!;
  const runner = new Runner(e, problem.objective(), e.init ?? problem.init);
  const out = e.runs.map(() => ({ loss: [] as number[], params: [] as number[] }));
  while (!runner.finished) {
    for (const ev of runner.advance(10_000) as RunnerEvent[]) {
      if (ev.type !== 'points') continue;
      for (const b of ev.batches) {
        out[b.run].loss.push(...b.loss.subarray(0, b.count));
        out[b.run].params.push(...b.params.subarray(0, b.count * 2));
      }
    }
  }
  return out;
}

describe('panel controller (real snippet worker)', function () {
  this.timeout(20000);

  it('streams a preset to completion; the points are the engine\'s, exactly', async () => {
    const { c, posted } = controller(experiment);
    c.run();
    await c.whenIdle();
    const types = posted.map((m) => m.type);
    assert.ok(types.indexOf('runStart') < types.indexOf('points'));
    assert.equal(types.filter((t) => t === 'runEnd').length, 2);
    assert.equal(posted.filter((m) => m.type === 'status').pop()?.type === 'status' && c.state, 'idle');
    const streamed = [0, 1].map(() => ({ steps: [] as number[], loss: [] as number[], params: [] as number[] }));
    for (const m of posted.filter((x): x is ToWebviewOf<'points'> => x.type === 'points')) {
      for (const s of m.series) {
        streamed[s.run].steps.push(...s.steps);
        streamed[s.run].loss.push(...fromWire(s.loss));
        streamed[s.run].params.push(...fromWire(s.params));
      }
    }
    const checked = validatePanelExperiment(experiment, validateExperiment);
    assert.ok(checked.ok);
    const expected = engineRun(checked.experiment);
    for (const run of [0, 1]) {
      assert.deepEqual(streamed[run].steps, Array.from({ length: 151 }, (_, i) => i), `run ${run}: every step from 0 to 150`);
      assert.deepEqual(streamed[run].loss, expected[run].loss, `run ${run}: losses`);
      assert.deepEqual(streamed[run].params, expected[run].params, `run ${run}: parameters`);
    }
    assert.equal(c.store?.runs[0].count, 151, 'exact points kept for export');
    // The surface is computed beside the runs and may arrive after them (a loaded machine).
    while (!posted.some((m) => m.type === 'surface')) await new Promise((r) => setTimeout(r, 5));
    const surface = posted.find((m) => m.type === 'surface');
    assert.ok(surface && surface.type === 'surface' && surface.surface.xs.length === 64);
    c.dispose();
  });

  it('widens the surface of a loss without a domain to take in the runs\' paths, once they ended', async () => {
    // Momentum overshoots the valley's floor (y = -2) to y ≈ -3.5, out of the window around the start [3, 3] ([-3, 9]).
    const { c, posted } = controller({
      loss: { source: 'export default function loss([x, y]: number[]): number {\n  return (x - 1) ** 2 + 10 * (y + 2) ** 2;\n}\nexport const init = [3, 3];\n' },
      steps: 300, seed: 0, runs: [{ label: 'Momentum', optimizer: 'momentum', hyperparameters: { lr: 0.001, momentum: 0.9 } }],
    });
    c.run();
    await c.whenIdle();
    const surfaces = posted.filter((m): m is ToWebviewOf<'surface'> => m.type === 'surface').map((m) => m.surface);
    const ys = (c.store!.runs[0].count > 0 ? Array.from({ length: c.store!.runs[0].count }, (_, step) => c.store!.paramsAt(0, step)[1]!) : []);
    const least = Math.min(...ys);
    assert.ok(least < surfaces[0]!.ys[0]!, `the path (down to y = ${least}) left the first surface (from y = ${surfaces[0]!.ys[0]})`);
    assert.equal(surfaces.length, 2, 'one surface more, widened');
    const last = surfaces[1]!;
    assert.ok(last.ys[0]! < least && last.ys[last.ys.length - 1]! >= 3, `the widened surface [${last.ys[0]}, ${last.ys[last.ys.length - 1]}] takes in the path`);
    assert.equal(c.surface, last);
    c.dispose();
  });

  it('an edit that does not compile keeps the last results and shows the error', async () => {
    const { c, posted } = controller(experiment);
    c.run();
    await c.whenIdle();
    const before = c.store;
    posted.length = 0;
    c.edit({ ...experiment, loss: { source: 'export default function loss([x, y]: number[]): number {\n  return x +* y;\n}\n' } });
    await c.whenIdle();
    assert.equal(c.store, before, 'results kept');
    assert.ok(!posted.some((m) => m.type === 'runStart'), 'no new run started');
    const err = posted.find((m) => m.type === 'error');
    assert.ok(err && err.type === 'error' && err.errors.length > 0);
    assert.equal(err.errors[0].kind, 'compile');
    assert.equal(err.errors[0].diagnostics?.[0].line, 2, JSON.stringify(err.errors[0]));
    c.dispose();
  });

  it('an invalid hyperparameter is refused with its field path, before anything runs', async () => {
    const { c, posted } = controller({ ...experiment, runs: [{ label: 'x', optimizer: 'adam', hyperparameters: { lr: -1 } }] });
    c.run();
    await c.whenIdle();
    const err = posted.find((m) => m.type === 'error');
    assert.ok(err && err.type === 'error');
    assert.equal(err.errors[0].kind, 'validation');
    assert.equal(err.errors[0].path, 'runs[0].lr');
    c.dispose();
  });

  it('edits in quick succession run once, with the last one', async () => {
    const { c, posted } = controller(experiment);
    for (const steps of [10, 20, 30]) c.edit({ ...experiment, steps });
    await c.whenIdle();
    assert.equal(posted.filter((m) => m.type === 'runStart').length, 1);
    assert.equal(c.store?.runs[0].count, 31);
    c.dispose();
  });

  it('says it is running from the moment a session starts, before the loss compiled', async () => {
    const { c, posted } = controller(experiment);
    c.run();
    // Synchronously: the session is only pending (compiling, the worker starting).
    assert.equal(c.state, 'running');
    assert.deepEqual(posted.filter((m) => m.type === 'status').map((m) => m.type === 'status' && m.state), ['running']);
    assert.ok(!posted.some((m) => m.type === 'runStart'), 'before the run started');
    await c.whenIdle();
    assert.equal(c.state, 'idle');
    c.dispose();
  });

  it('answers the formula view with non-finite values as wire numbers, not as nulls the webview refuses', async () => {
    // A loss that overflows at its start: its gradient there is infinite.
    const source = 'export default function loss([x, y]: number[]): number {\n  return Math.exp(1000 * x * x) + y * y;\n}\nexport const init = [1, 1];\n';
    const { c } = controller({ ...experiment, loss: { source }, runs: [{ label: 'GD', optimizer: 'gd', hyperparameters: { lr: 0.1 } }], steps: 5 });
    c.run();
    await c.whenIdle();
    const result = await c.inspect(0, 0);
    const parsed = parseToWebview({ type: 'reply', requestId: 1, method: 'inspect', result });
    assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
    const grad = fromWire(result.grad);
    assert.ok(grad.some((x) => !Number.isFinite(x)), `the gradient at the start is not finite: ${JSON.stringify(result.grad)}`);
    c.dispose();
  });
});
