import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { api, closeAllPanels, panelClass, waitFor, workspaceFile } from './helpers';

/** The line on which the test harness trusts the workspace through the notification's action, as a person would. */
const GRANT_TRUST_LINE = '::grant-workspace-trust-through-the-action::';

/** A loss the workspace brought inline in an experiment file: it must not run until the workspace is trusted. */
const FILE_CODE = 'export default function loss([x, y]: number[]): number {\n  return (x - 2) ** 2 + (y + 1) ** 2;\n}\nexport const init = [0, 0];\n';

/** Writes `inline.optim.json` into the workspace: an experiment whose loss is code (`loss.source`). */
function inlineExperimentFile(): vscode.Uri {
  const uri = workspaceFile('inline.optim.json');
  fs.writeFileSync(uri.fsPath, JSON.stringify({ title: 'Inline code', loss: { source: FILE_CODE }, steps: 30, runs: [{ optimizer: 'adam', lr: 0.1 }] }));
  return uri;
}

/** The panel showed the file's code and did not run it, saying why. */
async function assertShownNotRun(panel: PlaygroundPanel, what: string): Promise<void> {
  await panel.controller.whenIdle();
  assert.equal(panel.controller.store, undefined, `${what}: nothing ran`);
  assert.equal(panel.controller.errors[0]?.kind, 'trust', `${what}: the panel says why (${JSON.stringify(panel.controller.errors)})`);
  assert.match(panel.controller.errors[0]!.message, /does not trust: it is shown, not run/);
  assert.equal(panel.origin(), 'workspaceFile', `${what}: the code is the workspace's`);
}

// Runs only in a workspace VS Code does not trust (see index.ts).
describe('Workspace Trust (untrusted workspace)', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('the workspace is not trusted and the extension is active (limited support)', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'rosenbrock');
    assert.ok(panel);
  });

  it('a loss file from the workspace does not run (Run Loss in Active Editor, the CodeLens\'s ▶ Optimize and Compare optimizers)', async () => {
    const uri = workspaceFile('loss.ts');
    await vscode.window.showTextDocument(uri);
    for (const [command, args] of [['runLossInEditor', [uri]], ['compareOptimizers', [uri, ['adam', 'sgd']]]] as const) {
      const panel = await vscode.commands.executeCommand<PlaygroundPanel>(`optimizerPlayground.${command}`, ...args);
      await assertShownNotRun(panel, command);
    }
  });

  it('an experiment file naming a workspace loss file does not run either', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', workspaceFile('quadratic.optim.json'));
    await panel.controller.whenIdle();
    assert.equal(panel.controller.errors[0]?.kind, 'trust');
  });

  it('Open Experiment File (palette, explorer menu) shows a file\'s inline loss.source and does not run it', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', inlineExperimentFile());
    await assertShownNotRun(panel, 'Open Experiment File');
    assert.deepEqual(panel.controller.experiment.loss, { source: FILE_CODE }, 'the code is shown in the panel');
  });

  it('… nor when the file was opened in an editor (vscode.open) and the command takes it from there', async () => {
    await vscode.commands.executeCommand('vscode.open', inlineExperimentFile());
    await waitFor('the editor', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('inline.optim.json') ? true : undefined));
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile');
    await assertShownNotRun(panel, 'vscode.open, then Open Experiment File');
  });

  it('the origin follows the code: an edit in the panel, Compare Optimizers, Open in Editor', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', inlineExperimentFile());
    await assertShownNotRun(panel, 'opened');
    panel.receive({ type: 'editExperiment', experiment: { ...panel.controller.experiment, loss: { source: `${FILE_CODE}// edited in the panel\n` } } });
    await new Promise((r) => setTimeout(r, 400)); // the edit's debounce
    await assertShownNotRun(panel, 'edited in the panel');
    await vscode.commands.executeCommand('optimizerPlayground.compareOptimizers', undefined, ['adam', 'sgd'], 'replace');
    await assertShownNotRun(panel, 'Compare Optimizers on it');
    assert.equal(panel.controller.experiment.runs.length, 2);
    panel.receive({ type: 'openInEditor' });
    await waitFor('the loss in an editor', () => (panel.boundDocument ? true : undefined));
    assert.ok(panel.boundDocument?.isUntitled, 'an untitled copy of the code');
    await assertShownNotRun(panel, 'Open in Editor');
  });

  it('a revived panel (window reload) keeps its code\'s origin and does not run it', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', inlineExperimentFile());
    await assertShownNotRun(panel, 'opened');
    const state = { experiment: panel.controller.experiment, panelId: panel.id, savedAt: Date.now() };
    panel.dispose();
    const webviewPanel = vscode.window.createWebviewPanel('optimizerPlayground.panel', 'Optimizer Playground', vscode.ViewColumn.One, { enableScripts: true });
    await (await api()).revive(webviewPanel, state);
    const revived = (await panelClass()).current!;
    assert.equal(revived.id, state.panelId);
    await assertShownNotRun(revived, 'revived');
  });

  it('presets, the panel\'s own snippets and the walkthrough\'s experiments still run', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'rosenbrock');
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.ok(panel.controller.store!.runs[0].count > 1);
    panel.setExperiment({ ...panel.controller.experiment, loss: { source: 'export default function loss([x, y]: number[]): number { return x * x + y * y; }\nexport const init = [1, 1];' } }, { origin: 'panel' });
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.equal(panel.controller.store!.dim, 2);
    await vscode.commands.executeCommand('optimizerPlayground.openWalkthroughExperiment', '04-momentum-ravine');
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.equal(panel.origin(), 'extension');
    assert.ok(panel.controller.store!.runs[0].count > 1);
  });

  // Last: it trusts the workspace. The harness (scripts/test-integration.mjs) plays the person:
  // on the line below it clicks the notification's action, then "Trust" in VS Code's trust editor.
  it('the refusal offers one action, "Trust this workspace to run its loss"; once trusted, the loss runs', async function () {
    this.timeout(120_000);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openExperimentFile', inlineExperimentFile());
    await assertShownNotRun(panel, 'opened');
    const granted = new Promise<void>((resolve) => { vscode.workspace.onDidGrantWorkspaceTrust(() => resolve()); });
    console.log(GRANT_TRUST_LINE);
    await granted;
    assert.equal(vscode.workspace.isTrusted, true);
    await waitFor('the loss to run', () => ((panel.controller.store?.runs[0]?.count ?? 0) > 1 ? true : undefined), 60_000);
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.equal(panel.controller.store!.runs[0]!.count, 31, 'every step of the file\'s loss ran');
  });
});
