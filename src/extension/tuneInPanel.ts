/**
 * A panel's tuning in VS Code: the grid runs in sandbox processes (panelTuning.ts) while a
 * notification shows how many configurations are scored, with Cancel (the panel's Stop, and closing
 * the panel, cancel it too); then the panel shows the tuned comparison. A loss the workspace's trust
 * refuses is not tuned: the panel shows the experiment and its refusal instead.
 */
import * as vscode from 'vscode';
import { validateExperiment } from '../engine/experiment';
import type { PanelExperiment } from '../protocol';
import { startTuning } from '../snippet/tuning';
import type { PlaygroundPanel } from './panel';
import { panelTuneSeeds, startPanelTuning, tuningMessage, withLearningRateTune } from './panelTuning';
import { trustRefusal } from './trust';

/** Shortest time between two progress messages to the webview. */
const PROGRESS_MS = 100;

/** Asks how Compare Optimizers compares: tuned (first, the default) or at defaults. */
export async function askCompareHow(): Promise<'tuned' | 'defaults' | undefined> {
  const pick = await vscode.window.showQuickPick([
    { label: 'Tuned', description: 'fair', detail: 'Tunes each optimizer\'s learning rate on this loss first (the lowest mean loss over the run), then runs each at its best (its default run drawn faint).', how: 'tuned' as const },
    { label: 'At defaults', detail: 'Runs each optimizer at its default learning rate.', how: 'defaults' as const },
  ], { title: 'Compare Optimizers', placeHolder: 'Compare each optimizer tuned on this loss, or at its defaults?' });
  return pick?.how;
}

/** The run card's Tune: run `run` tuned (its own tune, else η over its optimizer's grid), the other runs as they are. */
export async function tuneRun(panel: PlaygroundPanel, run: number): Promise<boolean> {
  const e = panel.controller.experiment;
  const r = e.runs[run];
  if (!r || r.ghost) return false;
  const runs = e.runs.map((x, i) => (i === run ? withLearningRateTune(x, panelTuneSeeds(e)) : x));
  return tuneInPanel(panel, { ...e, runs }, `Tuning ${r.label ?? `run ${run + 1}`}`);
}

/**
 * Tunes `experiment` (its runs with a tune) for `panel` and shows the comparison there. Resolves
 * true once it is shown; false when refused, cancelled or stopped by the loss (its error shown in
 * the panel, as a run's would be).
 */
export async function tuneInPanel(panel: PlaygroundPanel, experiment: PanelExperiment, title: string): Promise<boolean> {
  if (trustRefusal(experiment.loss, panel.origin(), vscode.workspace.isTrusted)) {
    panel.setExperiment(experiment, {});
    return false;
  }
  panel.tuning?.cancel();
  const tuning = startPanelTuning(experiment, { validate: validateExperiment, start: startTuning, options: panel.startOptions() });
  if ('issues' in tuning) {
    panel.setExperiment(experiment, {});
    return false;
  }
  let cancelled = false;
  const cancel = (): void => { cancelled = true; tuning.session.cancel(); };
  // The webview's sensitivity chart fills in as scores arrive (at most every PROGRESS_MS).
  const show = (state: Parameters<typeof tuningMessage>[0]): void => panel.post(tuningMessage(state, tuning.done(), tuning.total, tuning.boards()));
  let shown = 0;
  show('running');
  tuning.onProgress(() => {
    if (Date.now() - shown < PROGRESS_MS) return;
    shown = Date.now();
    show('running');
  });
  panel.tuning = { cancel };
  const closed = panel.panel.onDidDispose(cancel);
  try {
    const comparison = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(cancel);
      let reported = 0;
      tuning.onProgress((done) => {
        const pct = (100 * done) / Math.max(1, tuning.total);
        progress.report({ increment: pct - reported, message: `${done} of ${tuning.total} configurations scored` });
        reported = pct;
      });
      return tuning.comparison;
    });
    show('done');
    panel.setExperiment(comparison, {});
    return true;
  } catch (e) {
    show(cancelled ? 'cancelled' : 'failed');
    if (!cancelled) void vscode.window.showErrorMessage(`Tuning stopped: ${e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e)}`);
    return false;
  } finally {
    closed.dispose();
    if (panel.tuning?.cancel === cancel) panel.tuning = undefined;
  }
}
