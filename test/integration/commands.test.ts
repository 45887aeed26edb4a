import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlaygroundPanel } from '../../src/extension/panel';
import { api, closeAllPanels, currentPanel, panelClass, waitFor, workspaceFile } from './helpers';

const run = <T>(id: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(`optimizerPlayground.${id}`, ...args);

describe('commands', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('activates quickly and contributes every command in its category', async () => {
    const a = await api();
    assert.ok(a.activationMs < 1000, `activate took ${a.activationMs} ms`);
    const all = await vscode.commands.getCommands(true);
    for (const id of ['open', 'openPreset', 'runLossInEditor', 'compareOptimizers', 'compareLearningRates', 'stop',
      'exportResults', 'newLossFunction', 'openExperimentFile', 'copyAsPyTorch']) {
      assert.ok(all.includes(`optimizerPlayground.${id}`), id);
    }
  });

  it('Open Playground opens the panel and its webview says ready', async () => {
    const panel = await run<PlaygroundPanel>('open');
    assert.ok(panel, 'a panel');
    assert.equal((await currentPanel()), panel);
    assert.equal(panel.panel.viewType, 'optimizerPlayground.panel');
    await waitFor('the webview to say ready', async () => (await Promise.race([panel.whenReady().then(() => true), new Promise((r) => setTimeout(r, 200))])) || undefined, 30_000);
    await panel.controller.whenIdle();
    assert.ok(panel.controller.store && panel.controller.store.runs[0].count > 1, 'it ran');
  });

  it('Open Preset… opens the named preset', async () => {
    const panel = await run<PlaygroundPanel>('openPreset', 'himmelblau');
    assert.deepEqual(panel.controller.experiment.loss, { preset: 'himmelblau' });
    await panel.controller.whenIdle();
    assert.equal(panel.controller.results.every((r) => r.status !== 'running'), true);
  });

  it('Compare Optimizers… runs one run per optimizer', async () => {
    const panel = await run<PlaygroundPanel>('compareOptimizers', undefined, ['gd', 'momentum', 'adam']);
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), ['gd', 'momentum', 'adam']);
    await panel.controller.whenIdle();
    assert.equal(panel.controller.store?.runs.length, 3);
  });

  it('Compare Optimizers… beside the runs there are keeps them; replacing them can be undone', async () => {
    const panel = await run<PlaygroundPanel>('openPreset', 'booth');
    await panel.controller.whenIdle();
    const before = panel.controller.experiment.runs.map((r) => r.optimizer);
    assert.ok(before.length > 0);
    await run<PlaygroundPanel>('compareOptimizers', undefined, ['rmsprop'], 'beside');
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), [...before, 'rmsprop'], 'added beside');
    await panel.controller.whenIdle();
    await run<PlaygroundPanel>('compareOptimizers', undefined, ['lion'], 'replace');
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), ['lion'], 'replaced');
    await panel.controller.whenIdle();
    await run('undoCompare');
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), [...before, 'rmsprop'], 'Undo brings the runs back');
    await panel.controller.whenIdle();
  });

  it('Compare Optimizers… asks before it touches the runs there are (its first choice keeps them)', async () => {
    const panel = await run<PlaygroundPanel>('openPreset', 'booth');
    await panel.controller.whenIdle();
    const before = panel.controller.experiment.runs.map((r) => r.optimizer);
    let answered = false;
    const compared = run<PlaygroundPanel>('compareOptimizers', undefined, ['rmsprop']).then((p) => { answered = true; return p; });
    // The person takes the quick pick's first choice, "Add beside the current runs", once it shows.
    await waitFor('the question answered', async () => {
      if (!answered) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return answered || undefined;
    });
    await compared;
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.optimizer), [...before, 'rmsprop'], 'asked, and kept the runs there were');
    await panel.controller.whenIdle();
  });

  it('Compare Learning Rates… runs one optimizer at each rate', async () => {
    const panel = await run<PlaygroundPanel>('compareLearningRates', { optimizer: 'sgd', lrs: [0.0001, 0.001] });
    assert.deepEqual(panel.controller.experiment.runs.map((r) => r.hyperparameters.lr), [0.0001, 0.001]);
    await panel.controller.whenIdle();
    assert.equal(panel.controller.results.length, 2);
  });

  it('Run Loss in Active Editor binds the panel to the document and re-runs on every edit', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('loss.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    const panel = await run<PlaygroundPanel>('runLossInEditor');
    assert.equal(panel.boundDocument, doc);
    await panel.controller.whenIdle();
    const first = panel.controller.store!;
    assert.equal(first.dim, 2);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '// edited\n'));
    await waitFor('a re-run after the edit', () => (panel.controller.store !== first ? true : undefined));
    assert.match(JSON.stringify(panel.controller.experiment.loss), /edited/);
    await panel.controller.whenIdle();
    // The edited loss's compile is kept in the extension's storage, for a reopened panel or a reload.
    const compiled = path.join((await api()).compileCacheDirectory, 'compiled');
    const kept = fs.existsSync(compiled) ? fs.readdirSync(compiled).filter((f) => f.endsWith('.json')) : [];
    assert.ok(kept.some((f) => fs.readFileSync(path.join(compiled, f), 'utf8').includes('// edited')), `no compile of the edited loss in ${compiled}: ${kept.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('New Loss Function opens a TypeScript template that runs', async () => {
    const editor = await run<vscode.TextEditor>('newLossFunction');
    assert.equal(editor.document.languageId, 'typescript');
    assert.match(editor.document.getText(), /export default function loss/);
    const panel = await run<PlaygroundPanel>('runLossInEditor', editor.document.uri);
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    assert.ok(panel.controller.results.every((r) => r.status === 'completed' || r.status === 'converged'), JSON.stringify(panel.controller.results));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Open Experiment File loads a *.optim.json with a loss file beside it', async () => {
    const panel = await run<PlaygroundPanel>('openExperimentFile', workspaceFile('quadratic.optim.json'));
    assert.equal(panel.controller.experiment.steps, 50);
    await panel.controller.whenIdle();
    assert.deepEqual(panel.controller.errors, []);
    const r = panel.controller.store!.runs[0];
    assert.equal(r.count, 51);
  });

  it('Stop stops a long run, keeping its results', async () => {
    const P = await panelClass();
    const panel = await run<PlaygroundPanel>('open', {
      // A tolerance no gradient reaches: the run cannot converge before Stop, however fast the sandbox steps it.
      loss: { preset: 'rosenbrock' }, steps: 5_000_000, seed: 0, tolerance: 1e-300, runs: [{ label: 'Adam', optimizer: 'adam', hyperparameters: { lr: 0.001 } }],
    });
    assert.equal(P.current, panel);
    // (A busy machine may take many seconds to start the snippet worker.)
    await waitFor('points', () => ((panel.controller.store?.runs[0].count ?? 0) > 10 ? true : undefined), 50_000);
    await run('stop');
    await panel.controller.whenIdle();
    const r = panel.controller.store!.runs[0];
    assert.equal(r.status, 'cancelled');
    assert.ok(r.count > 10 && r.count < 5_000_001);
  });

  it('Export Results… writes every exact point, the experiment and the charts', async () => {
    const panel = await run<PlaygroundPanel>('openPreset', 'booth');
    await panel.controller.whenIdle();
    await panel.whenReady();
    await new Promise((r) => setTimeout(r, 1000)); // let the webview draw what it was sent
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optim-export-'));
    const written = await run<string[]>('exportResults', vscode.Uri.file(dir));
    assert.ok(written.includes('points.csv') && written.includes('runs.json') && written.includes('experiment.optim.json'), written.join());
    const csv = fs.readFileSync(path.join(dir, 'points.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length - 1, panel.controller.store!.totalPoints);
    assert.ok(written.includes('loss.svg') && written.includes('loss.png'), `charts rendered by the webview: ${written.join(', ')}`);
    assert.match(fs.readFileSync(path.join(dir, 'loss.svg'), 'utf8'), /<svg/);
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'loss.png')).subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
    const exp = JSON.parse(fs.readFileSync(path.join(dir, 'experiment.optim.json'), 'utf8'));
    assert.deepEqual(exp.loss, { preset: 'booth' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Export Results… asks for one new folder, named after the experiment and the time, and writes into it alone', async () => {
    const panel = await run<PlaygroundPanel>('openPreset', 'booth');
    await panel.controller.whenIdle();
    await panel.whenReady();
    const root = workspaceFile('').fsPath;
    const entries = new Set(fs.readdirSync(root));
    let written: string[] | undefined;
    let done = false;
    const exported = run<string[] | undefined>('exportResults').then((w) => { written = w; done = true; });
    // The save dialog opens on the suggested folder; the person accepts it.
    await waitFor('the export', async () => {
      if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return done || undefined;
    }, 40_000);
    await exported;
    const added = fs.readdirSync(root).filter((e) => !entries.has(e));
    assert.equal(added.length, 1, `one new entry in the workspace: ${added.join(', ')}`);
    assert.match(added[0]!, /^booth-\d{4}-\d\d-\d\d-\d{4}$/, 'named after the experiment and the time');
    const folder = path.join(root, added[0]!);
    assert.ok(fs.statSync(folder).isDirectory());
    assert.deepEqual(fs.readdirSync(folder).sort(), [...(written ?? [])].sort(), 'every file written is in that folder');
    assert.ok(written?.includes('points.csv'), String(written));
    assert.ok(written?.includes('learning-rate.svg') && written.includes('gradient-norm.svg'), `the CLI's chart file names: ${String(written)}`);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('Copy as PyTorch puts a torch.optim script on the clipboard', async () => {
    await run<PlaygroundPanel>('compareOptimizers', undefined, ['adam', 'sgd']);
    const script = await run<string>('copyAsPyTorch');
    assert.match(script, /torch\.optim\.Adam\(/);
    assert.match(script, /torch\.optim\.SGD\(/);
    assert.equal(await vscode.env.clipboard.readText(), script);
  });
});

describe('compiled charts kept for the next panel', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('the host keeps each chart\'s compiled Vega spec from the webview and writes it into the next panel\'s page', async () => {
    type Kept = Record<string, { key: string; spec: Record<string, unknown> }>;
    const first = await run<PlaygroundPanel>('openPreset', 'booth');
    const context = (first as unknown as { services: { context: vscode.ExtensionContext } }).services.context;
    await first.whenReady();
    // The real webview compiles its charts and posts them; the host keeps the latest of each.
    const kept = await waitFor('the loss chart\'s compiled spec', () => {
      const k = context.globalState.get<Kept>('optimizerPlayground.compiledCharts');
      return k?.loss && k.paths ? k : undefined;
    }, 30_000);
    assert.match(kept.loss.key, /^\d+\.\d+\.\d+\n\{/, 'Vega-Lite\'s version, then the Vega-Lite spec');
    assert.ok(Array.isArray(kept.loss.spec.marks), 'a Vega spec');
    first.dispose();
    const second = await run<PlaygroundPanel>('openPreset', 'booth');
    const page = second.panel.webview.html;
    const initial = JSON.parse(/<script type="application\/json" id="op-initial">([\s\S]*?)<\/script>/.exec(page)![1]!) as { compiledCharts: Kept };
    assert.equal(initial.compiledCharts.loss!.key, context.globalState.get<Kept>('optimizerPlayground.compiledCharts')!.loss!.key);
    assert.deepEqual(Object.keys(initial.compiledCharts).sort(), Object.keys(context.globalState.get<Kept>('optimizerPlayground.compiledCharts')!).sort());
  });
});

describe('two panels across a window reload', function () {
  this.timeout(60_000);
  afterEach(closeAllPanels);

  it('each panel revives with its own latest experiment, even when its webview state is older', async () => {
    const P = await panelClass();
    // What is saved and revived is the host's, so the test does not wait for the webviews' pages to
    // load: the second panel hides the first in the same group, and a page that code-server is slow
    // to load (or reloads when shown again) only made the test time out.
    const a = await run<PlaygroundPanel>('openPreset', 'himmelblau');
    // A second panel beside the first (commands reuse the current one).
    const b = P.create((a as unknown as { services: Parameters<typeof P.create>[0] }).services, { ...a.controller.experiment, loss: { preset: 'beale' } });
    assert.notEqual(a.id, b.id);
    // Edits from each webview: saved at once, per panel.
    a.receive({ type: 'editExperiment', experiment: { ...a.controller.experiment, steps: 123 } });
    b.receive({ type: 'editExperiment', experiment: { ...b.controller.experiment, steps: 77 } });
    const ids = [a.id, b.id];
    // As after a reload: new webview panels whose (late) webview state still has the old experiments.
    const stale = [a, b].map((p) => ({ panelId: p.id, experiment: { ...p.controller.experiment, steps: 5 }, savedAt: 0 }));
    a.dispose();
    b.dispose();
    const revived: PlaygroundPanel[] = [];
    for (const state of stale) {
      const webviewPanel = vscode.window.createWebviewPanel('optimizerPlayground.panel', 'Optimizer Playground', vscode.ViewColumn.One, {});
      await (await api()).revive(webviewPanel, state);
      revived.push(P.current!);
    }
    assert.deepEqual(revived.map((p) => p.id), ids, 'the same ids');
    assert.deepEqual(revived.map((p) => [p.controller.experiment.loss, p.controller.experiment.steps]),
      [[{ preset: 'himmelblau' }, 123], [{ preset: 'beale' }, 77]]);
  });
});
