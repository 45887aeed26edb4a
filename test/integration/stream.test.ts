import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { validateExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { RunnerEvent } from '../../src/engine/types';
import { validatePanelExperiment } from '../../src/extension/convert';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { fromWire, parseToWebview, type PanelExperiment, type ToWebview } from '../../src/protocol';
import { closeAllPanels } from './helpers';

const experiment: PanelExperiment = {
  loss: { preset: 'rosenbrock' }, init: [-1.5, 2], steps: 400, seed: 0,
  runs: [
    { label: 'Adam', optimizer: 'adam', hyperparameters: { lr: 0.05 } },
    { label: 'SGD momentum', optimizer: 'sgd', hyperparameters: { lr: 0.0005, momentum: 0.9 } },
    { label: 'RMSprop', optimizer: 'rmsprop', hyperparameters: { lr: 0.01 } },
  ],
};

describe('streaming a preset to the panel', function () {
  this.timeout(60_000);
  after(closeAllPanels);

  it('streams valid messages whose points are exactly the engine\'s', async () => {
    const posted: ToWebview[] = [];
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.open', { ...experiment, steps: 1 });
    await panel.controller.whenIdle();
    const listener = panel.onDidPost((m) => posted.push(JSON.parse(JSON.stringify(m)) as ToWebview));
    panel.setExperiment(experiment, {});
    await panel.controller.whenIdle();
    listener.dispose();

    for (const m of posted) {
      const parsed = parseToWebview(m);
      assert.ok(parsed.ok, `${m.type}: ${!parsed.ok && parsed.error}`);
    }
    const ends = posted.filter((m) => m.type === 'runEnd');
    assert.equal(ends.length, 3);
    const last = new Map<number, { step: number; loss: number; params: number[] }>();
    let count = 0;
    for (const m of posted) {
      if (m.type !== 'points') continue;
      for (const s of m.series) {
        count += s.steps.length;
        const i = s.steps.length - 1;
        last.set(s.run, { step: s.steps[i], loss: fromWire(s.loss)[i], params: fromWire(s.params).slice(i * s.dim, (i + 1) * s.dim) });
      }
    }
    assert.equal(count, 3 * 401, 'every step of every run, once');

    const checked = validatePanelExperiment(experiment, validateExperiment);
    assert.ok(checked.ok);
    const problem = getProblem('rosenbrock')!;
    const runner = new Runner(checked.experiment, problem.objective(), [-1.5, 2]);
    const final = new Map<number, { step: number; loss: number; params: number[] }>();
    while (!runner.finished) {
      for (const ev of runner.advance(100_000) as RunnerEvent[]) {
        if (ev.type !== 'points') continue;
        for (const b of ev.batches) {
          const i = b.count - 1;
          final.set(b.run, { step: b.fromStep + i, loss: b.loss[i], params: Array.from(b.params.subarray(i * 2, i * 2 + 2)) });
        }
      }
    }
    for (const run of [0, 1, 2]) assert.deepEqual(last.get(run), final.get(run), `run ${run}: final point`);
  });
});
