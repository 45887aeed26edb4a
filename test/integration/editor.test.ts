import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { closeAllPanels, waitFor, workspaceFile } from './helpers';

describe('in the editor', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('a TypeScript file exporting a loss gets "▶ Optimize | Compare optimizers"', async () => {
    const uri = workspaceFile('loss.ts');
    await vscode.window.showTextDocument(uri);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l && l.some((x) => x.command?.command.startsWith('optimizerPlayground.')) ? l : undefined;
    });
    const ours = lenses.filter((l) => l.command?.command.startsWith('optimizerPlayground.'));
    assert.deepEqual(ours.map((l) => l.command?.title), ['▶ Optimize', 'Compare optimizers']);
    assert.equal(ours[0].range.start.line, 0);
    assert.equal(ours[0].command?.command, 'optimizerPlayground.runLossInEditor');
  });

  it('a loss that does not compile gets editor diagnostics at its line and column', async () => {
    const uri = workspaceFile('broken.ts');
    await vscode.window.showTextDocument(uri);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.runLossInEditor', uri);
    await panel.controller.whenIdle();
    assert.equal(panel.controller.errors[0]?.kind, 'compile', JSON.stringify(panel.controller.errors));
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Optimizer Playground');
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diags[0].range.start.line, 1, 'line 2 of the file');
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
  });

  it('a loss that throws while it runs gets an editor diagnostic at the line and column of the throw', async () => {
    const uri = workspaceFile('throws.ts');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('export default function loss([x, y]: number[]): number {\n  if (x < 0.999) throw new Error(\'too far left\');\n  return x * x + y * y;\n}\nexport const init = [1, 1];\n'));
    await vscode.window.showTextDocument(uri);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.runLossInEditor', uri);
    await panel.controller.whenIdle();
    assert.ok(panel.controller.results.some((r) => r.status === 'error'), JSON.stringify(panel.controller.results));
    const diags = await waitFor('a runtime diagnostic', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Optimizer Playground' && /too far left/.test(x.message));
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diags[0]!.range.start.line, 1, 'line 2 of the file, where it threw');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a loss whose gradient falls back to finite differences gets a warning at the construct, with the reason', async () => {
    const uri = workspaceFile('noisy.ts');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('export default function loss([x, y]: number[]): number {\n  const jitter = 1e-9 * Math.random();\n  return x * x + y * y + jitter;\n}\nexport const init = [1, 1];\n'));
    await vscode.window.showTextDocument(uri);
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.runLossInEditor', uri);
    await panel.controller.whenIdle();
    assert.equal(panel.controller.info?.gradient.mode, 'finite-differences', JSON.stringify(panel.controller.info?.gradient));
    const diags = await waitFor('the fallback warning', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Optimizer Playground');
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diags[0]!.range.start.line, 1, 'line 2, where Math.random is');
    assert.match(diags[0]!.message, /finite differences, not exact: `Math\.random` is not differentiable/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('Open in Editor opens the panel\'s snippet as a TypeScript document', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'rosenbrock');
    await panel.controller.whenIdle();
    panel.receive({ type: 'openInEditor' });
    const doc = await waitFor('the document', () => panel.boundDocument);
    assert.equal(doc.languageId, 'typescript');
    assert.match(doc.getText(), /export default function loss/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('messages that do not follow the protocol are ignored', async () => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel>('optimizerPlayground.openPreset', 'booth');
    await panel.controller.whenIdle();
    const before = panel.controller.experiment;
    panel.receive({ type: 'editExperiment', experiment: { ...before, steps: 'many' } });
    panel.receive({ type: 'rm -rf' });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(panel.controller.experiment, before);
  });
});
