import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { closeAllPanels, workspaceFile } from './helpers';

// Runs only in a workspace VS Code does not trust (see index.ts).
describe('Workspace Trust (untrusted workspace)', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('the workspace is not trusted and the extension is active (limited support)', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'rosenbrock');
    assert.ok(panel);
  });

  it('a loss file from the workspace does not run, and the panel says why', async () => {
    const uri = workspaceFile('loss.ts');
    await vscode.window.showTextDocument(uri);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.runLossInEditor', uri);
    await panel.controller.whenIdle();
    assert.equal(panel.controller.store, undefined, 'nothing ran');
    assert.equal(panel.controller.errors[0]?.kind, 'trust');
    assert.match(panel.controller.errors[0].message, /not trusted/);
  });

  it('an experiment file naming a workspace loss file does not run either', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', workspaceFile('quadratic.optim.json'));
    await panel.controller.whenIdle();
    assert.equal(panel.controller.errors[0]?.kind, 'trust');
  });

  it('presets and the panel\'s own snippets still run', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'rosenbrock');
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.ok(panel.controller.store!.runs[0].count > 1);
    panel.setExperiment({ ...panel.controller.experiment, loss: { source: 'export default function loss([x, y]: number[]): number { return x * x + y * y; }\nexport const init = [1, 1];' } }, { origin: 'panel' });
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.equal(panel.controller.store!.dim, 2);
  });
});
