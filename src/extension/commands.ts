/**
 * The command handlers (category "Optimizer Playground"). Loaded on first use, not at activation.
 * Every command that asks something also takes its answer as an argument, so the tests (and
 * keybindings) can run it without the pickers.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHART_FILES } from '../charts/names';
import { OPTIMIZERS, optimizerSpec } from '../engine/hyperparameters';
import { formatIssue, parseExperiment, validateExperiment } from '../engine/experiment';
import { PROBLEMS, getProblem } from '../engine/problems';
import type { PanelExperiment } from '../protocol';
import { checkPanelExperiment } from '../protocol';
import { toExperimentFile, toPanelExperiment } from './convert';
import {
  LOSS_TEMPLATE, compareLearningRateRuns, compareOptimizerRuns, defaultExperiment, demoRun, exportFolderName, parseLearningRates,
} from './defaults';
import { PlaygroundPanel, type PanelServices } from './panel';
import { lastOrigin, STATE_KEY } from './panelStorage';
import { loadPytorch } from '../pytorch/load';
import { exportPoints } from './results';
import { originOfExperimentFile } from './trust';
import { panelTuneSeeds, withLearningRateTune } from './panelTuning';
import { askCompareHow, tuneInPanel } from './tuneInPanel';

/** The experiment to start from: the current panel's, the last saved one, or Rosenbrock with Adam. */
function currentExperiment(s: PanelServices): PanelExperiment {
  if (PlaygroundPanel.current) return PlaygroundPanel.current.controller.experiment;
  const saved = checkPanelExperiment(s.context.workspaceState.get(STATE_KEY));
  return saved.ok ? saved.message : defaultExperiment();
}

export async function openPlayground(s: PanelServices, experiment?: PanelExperiment): Promise<PlaygroundPanel> {
  if (experiment) return PlaygroundPanel.showOrCreate(s, experiment, 'panel');
  if (PlaygroundPanel.current) {
    PlaygroundPanel.current.panel.reveal();
    return PlaygroundPanel.current;
  }
  return PlaygroundPanel.create(s, currentExperiment(s), { origin: lastOrigin(s.context) });
}

export async function openPreset(s: PanelServices, name?: string): Promise<PlaygroundPanel | undefined> {
  if (name === undefined) {
    const pick = await vscode.window.showQuickPick(
      PROBLEMS.map((p) => ({ label: p.title, description: `${p.dim} parameters${p.dataSize ? `, ${p.dataSize} examples` : ''}`, detail: p.description, name: p.name })),
      { title: 'Open Preset', placeHolder: 'A built-in loss to optimize', matchOnDetail: true },
    );
    if (!pick) return undefined;
    name = pick.name;
  }
  const problem = getProblem(name);
  if (!problem) throw new Error(`Open Preset: no preset named "${name}"`);
  const base = PlaygroundPanel.current?.controller.experiment;
  return PlaygroundPanel.showOrCreate(s, {
    ...defaultExperiment({ preset: problem.name }, base?.runs),
    ...(problem.dataSize > 0 ? { batchSize: 16 } : {}),
  }, 'panel');
}

async function documentFor(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  return vscode.window.activeTextEditor?.document;
}

export async function runLossInEditor(s: PanelServices, uri?: vscode.Uri, runs?: PanelExperiment['runs']): Promise<PlaygroundPanel | undefined> {
  const doc = await documentFor(uri);
  if (!doc || !['typescript', 'javascript'].includes(doc.languageId)) {
    void vscode.window.showWarningMessage('Run Loss in Active Editor: open a TypeScript file that exports a loss function first.');
    return undefined;
  }
  const base = currentExperiment(s);
  const experiment: PanelExperiment = { ...base, loss: { source: doc.getText() }, init: undefined, runs: runs ?? base.runs };
  delete (experiment as { init?: unknown }).init;
  const panel = PlaygroundPanel.current ?? PlaygroundPanel.create(s, experiment, { run: false });
  panel.bind(doc, experiment);
  panel.panel.reveal(undefined, true);
  return panel;
}

/**
 * How Compare Optimizers treats the runs a panel has: keep them and add the comparison's beside
 * them, or replace them (which "Undo" in the notification reverses). Asked only when there are runs.
 */
export type CompareMode = 'beside' | 'replace';
/** Whether Compare Optimizers tunes each optimizer's learning rate on the loss first, or runs them at their defaults. */
export type CompareHow = 'tuned' | 'defaults';

/** The experiment a comparison replaced, for its Undo. */
let replacedByCompare: { panel: PlaygroundPanel; experiment: PanelExperiment } | undefined;

export async function compareOptimizers(s: PanelServices, uri?: vscode.Uri, ids?: readonly string[], mode?: CompareMode,
  how?: CompareHow): Promise<PlaygroundPanel | undefined> {
  if (!ids) {
    const picks = await vscode.window.showQuickPick(
      OPTIMIZERS.map((o) => ({ label: o.name, description: o.id, detail: o.summary, id: o.id, picked: ['gd', 'momentum', 'adam'].includes(o.id) })),
      { title: 'Compare Optimizers', placeHolder: 'Optimizers to run side by side', canPickMany: true },
    );
    if (!picks || picks.length === 0) return undefined;
    ids = picks.map((p) => p.id);
    how ??= await askCompareHow();
    if (!how) return undefined;
  }
  const tuned = how === 'tuned';
  // On a stochastic loss (the current experiment's noise or mini-batches), each η is scored over seeds.
  const seeds = panelTuneSeeds(currentExperiment(s));
  const runs = compareOptimizerRuns(ids).map((r) => (tuned ? withLearningRateTune(r, seeds) : r));
  if (uri instanceof vscode.Uri) {
    const inEditor = await runLossInEditor(s, uri, runs.map(({ tune: _tune, ...r }) => r));
    if (tuned && inEditor) await tuneInPanel(inEditor, { ...inEditor.controller.experiment, runs }, `Tuning the learning rate of ${runs.length} optimizers`);
    return inEditor;
  }
  const current = PlaygroundPanel.current;
  const before = currentExperiment(s);
  if (current && before.runs.length > 0 && mode === undefined) {
    const pick = await vscode.window.showQuickPick([
      { label: 'Add beside the current runs', detail: `Keeps the ${before.runs.length} runs there are and adds ${runs.length}.`, mode: 'beside' as const },
      { label: 'Replace the current runs', detail: `The ${before.runs.length} runs there are go (Undo brings them back).`, mode: 'replace' as const },
    ], { title: 'Compare Optimizers', placeHolder: 'The panel has runs already' });
    if (!pick) return undefined;
    mode = pick.mode;
  }
  const next = { ...before, runs: mode === 'beside' ? [...before.runs, ...runs] : runs };
  const atDefaults = { ...next, runs: next.runs.map(({ tune: _tune, ...r }) => r) };
  const panel = PlaygroundPanel.showOrCreate(s, tuned ? atDefaults : next);
  if (current && mode !== 'beside' && before.runs.length > 0) {
    replacedByCompare = { panel, experiment: before };
    void vscode.window.showInformationMessage(`Compare Optimizers replaced the ${before.runs.length} earlier runs.`, 'Undo')
      .then((choice) => { if (choice === 'Undo') undoCompare(); });
  }
  if (tuned && !(await tuneInPanel(panel, next, `Tuning the learning rate of ${runs.length} optimizers`))) return panel;
  return withSweepProgress(panel, tuned ? 'Comparing tuned optimizers' : 'Comparing optimizers');
}

/** Puts back the runs the last Compare Optimizers replaced (its notification's Undo). */
export function undoCompare(): PanelExperiment | undefined {
  const replaced = replacedByCompare;
  replacedByCompare = undefined;
  if (!replaced || !PlaygroundPanel.panels().includes(replaced.panel)) return undefined;
  replaced.panel.setExperiment(replaced.experiment, {});
  return replaced.experiment;
}

export async function compareLearningRates(
  s: PanelServices, args?: { optimizer?: string; lrs?: readonly number[] },
): Promise<PlaygroundPanel | undefined> {
  let id = args?.optimizer;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      OPTIMIZERS.map((o) => ({ label: o.name, description: o.id, detail: o.summary, id: o.id })),
      { title: 'Compare Learning Rates (1/2)', placeHolder: 'Optimizer' },
    );
    if (!pick) return undefined;
    id = pick.id;
  }
  if (!optimizerSpec(id)) throw new Error(`Compare Learning Rates: unknown optimizer "${id}"`);
  let lrs = args?.lrs;
  if (!lrs) {
    const text = await vscode.window.showInputBox({
      title: 'Compare Learning Rates (2/2)', prompt: 'Learning rates, separated by commas', value: '0.001, 0.01, 0.1',
      validateInput: (t) => { const r = parseLearningRates(t); return r.ok ? undefined : r.error; },
    });
    if (text === undefined) return undefined;
    const parsed = parseLearningRates(text);
    if (!parsed.ok) return undefined;
    lrs = parsed.lrs;
  }
  const panel = PlaygroundPanel.showOrCreate(s, { ...currentExperiment(s), runs: compareLearningRateRuns(id, lrs) });
  return withSweepProgress(panel, `${optimizerSpec(id)?.name} at ${lrs.length} learning rates`);
}

/** Long sweeps report progress in a notification with a cancel button (cancel = Stop). */
function withSweepProgress(panel: PlaygroundPanel, title: string): PlaygroundPanel {
  const c = panel.controller;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let reported = 0;
    const previous = c.events.runEnded;
    c.events.runEnded = (ended, total) => {
      previous?.(ended, total);
      const pct = (100 * ended) / Math.max(1, total);
      progress.report({ increment: pct - reported, message: `${ended} of ${total} runs done` });
      reported = pct;
    };
    token.onCancellationRequested(() => c.stop());
    return c.whenIdle().finally(() => { c.events.runEnded = previous; });
  });
  return panel;
}

export function stop(): void {
  PlaygroundPanel.current?.controller.stop();
}

/**
 * Writes `points.csv` and `runs.json` (every exact point), `experiment.optim.json`, and the charts
 * as SVG and PNG (rendered by the webview) into a folder. Returns the files written.
 */
export async function exportResults(_s: PanelServices, folder?: vscode.Uri): Promise<string[] | undefined> {
  const panel = PlaygroundPanel.current;
  const store = panel?.controller.store;
  if (!panel || !store) {
    void vscode.window.showWarningMessage('Export Results: run an experiment in the Optimizer Playground first.');
    return undefined;
  }
  if (!(folder instanceof vscode.Uri)) {
    folder = await askExportFolder(panel.controller.experiment);
    if (!folder) return undefined;
  }
  const dir = folder.fsPath;
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, data: string | Buffer): Promise<void> => {
    await fs.writeFile(path.join(dir, name), data);
    written.push(name);
  };
  written.push(...await exportPoints(store, dir, panel.controller.running?.runs ?? []));
  await write('experiment.optim.json', JSON.stringify(toExperimentFile(panel.controller.experiment), null, 2) + '\n');
  for (const chart of await panel.requestCharts()) {
    // The same file names as the CLI's --out.
    if (chart.svg) await write(`${CHART_FILES[chart.name]}.svg`, chart.svg);
    if (chart.png) await write(`${CHART_FILES[chart.name]}.png`, Buffer.from(chart.png.slice(chart.png.indexOf(',') + 1), 'base64'));
  }
  void vscode.window.showInformationMessage(`Exported ${written.length} files to ${dir}`, 'Reveal').then((choice) => {
    if (choice === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', folder);
  });
  return written;
}

/**
 * One new folder for an export, named after the experiment and the time (`rosenbrock-2026-12-07-0612`),
 * in the workspace (or the home folder); the person may rename or move it in the dialog.
 */
async function askExportFolder(experiment: PanelExperiment): Promise<vscode.Uri | undefined> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  return vscode.window.showSaveDialog({
    title: 'Export Results: a new folder for the points, the experiment and the charts', saveLabel: 'Export into this folder',
    defaultUri: vscode.Uri.joinPath(base, exportFolderName(experiment, new Date())),
  });
}

export async function copyAsPyTorch(): Promise<string | undefined> {
  const panel = PlaygroundPanel.current;
  if (!panel) {
    void vscode.window.showWarningMessage('Copy as PyTorch: open the Optimizer Playground first.');
    return undefined;
  }
  const checked = validateExperiment(panel.controller.experiment);
  if (!checked.ok) {
    void vscode.window.showWarningMessage(`Copy as PyTorch: the experiment is not valid yet (${formatIssue(checked.issues[0])}).`);
    return undefined;
  }
  const init = checked.experiment.init ?? panel.controller.info?.init;
  const { script, untranslated } = loadPytorch().pytorchScript({ ...checked.experiment, ...(init ? { init: [...init] } : {}) }, panel.lossSource());
  await vscode.env.clipboard.writeText(script);
  const missed = untranslated.map((u) => `${u.construct} (line ${u.line}:${u.column})`);
  if (missed.length) void vscode.window.showWarningMessage(`Copied a PyTorch script; not translated from the loss: ${missed.join(', ')}.`);
  else void vscode.window.showInformationMessage('Copied a PyTorch script that reproduces the current runs to the clipboard.');
  return script;
}

export async function newLossFunction(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: LOSS_TEMPLATE });
  return vscode.window.showTextDocument(doc);
}

export async function openExperimentFile(s: PanelServices, uri?: vscode.Uri): Promise<PlaygroundPanel | undefined> {
  if (!(uri instanceof vscode.Uri)) {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.path.endsWith('.optim.json')) uri = active;
    else {
      const picked = await vscode.window.showOpenDialog({ filters: { 'Optimizer experiments': ['optim.json', 'json'] }, title: 'Open Experiment File' });
      if (!picked?.[0]) return undefined;
      uri = picked[0];
    }
  }
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const parsed = parseExperiment(text);
  if (!parsed.ok) {
    const msg = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    void vscode.window.showErrorMessage(`${path.basename(uri.fsPath)}: ${msg}`);
    s.output.error(`${uri.fsPath}: ${msg}`);
    return undefined;
  }
  const experiment = toPanelExperiment(parsed.experiment);
  // Code in an experiment file is the file's, not the panel's: it runs only in a trusted workspace.
  const origin = originOfExperimentFile(uri.fsPath, s.context.extensionUri.fsPath, parsed.experiment.loss);
  // Runs with a tune play as written while they are tuned, then the tuned comparison replaces them.
  const asWritten = { ...experiment, runs: experiment.runs.map(({ tune: _tune, ...r }) => r) };
  const tuned = experiment.runs.filter((r) => r.tune).length;
  const panel = PlaygroundPanel.current ?? PlaygroundPanel.create(s, asWritten, { run: false, origin });
  panel.setExperiment(asWritten, { origin, baseDir: path.dirname(uri.fsPath) });
  panel.panel.reveal(undefined, true);
  if (tuned > 0) void tuneInPanel(panel, experiment, `Tuning ${tuned} run${tuned === 1 ? '' : 's'} of ${path.basename(uri.fsPath)}`);
  return panel;
}

/** Adds a run (used by the commands of the panel's title bar, if any). */
export function addRun(id: string): void {
  const panel = PlaygroundPanel.current;
  if (!panel) return;
  const e = panel.controller.experiment;
  panel.setExperiment({ ...e, runs: [...e.runs, demoRun(id)] }, {});
}
