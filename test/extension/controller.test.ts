import { strict as assert } from 'node:assert';
import { validateExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { Experiment, RunnerEvent } from '../../src/engine/types';
import { PlaygroundController } from '../../src/extension/controller';
import { validatePanelExperiment } from '../../src/extension/convert';
import { fromWire, parseToWebview, type PanelExperiment, type PointsMessage, type ToWebview } from '../../src/protocol';
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
    for (const m of posted.filter((x): x is PointsMessage => x.type === 'points')) {
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
    const surface = posted.find((m) => m.type === 'surface');
    assert.ok(surface && surface.type === 'surface' && surface.surface.xs.length === 64);
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

  it('pause holds the display where it stands; step shows one more point', async () => {
    const { c, posted } = controller({ ...experiment, steps: 2000 });
    c.run();
    while (!posted.some((m) => m.type === 'runStart')) await new Promise((r) => setTimeout(r, 5));
    c.pause();
    const shown = c.store!.runs.map((r) => r.shown);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(c.store!.runs.map((r) => r.shown), shown, 'nothing more shown while paused');
    assert.equal(c.state, 'paused');
    await new Promise((r) => setTimeout(r, 300));
    c.step(1);
    assert.deepEqual(c.store!.runs.map((r) => r.shown), shown.map((s, i) => Math.min(s + 1, c.store!.runs[i].count)));
    c.run();
    await c.whenIdle();
    assert.equal(c.store!.runs[0].shown, 2001);
    c.dispose();
  });
});
