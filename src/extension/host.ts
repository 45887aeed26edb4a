/**
 * The heavy half of the extension host, bundled on its own (`dist/host.js`) and loaded by
 * extension.ts on the first command or panel revival — never at activation. It carries the
 * commands' bodies, the panel, its controller and the snippet session (with the TypeScript
 * compiler), which is what made a single bundle slow to load.
 */
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import { checkPanelExperiment } from '../protocol';
import * as commands from './commands';
import { defaultExperiment } from './defaults';
import { originOfUnknown } from './trust';
import * as panel from './panel';
import { lastOrigin, readSavedExperiment, STATE_KEY } from './panelStorage';

export { commands, panel };
/** Where compiled snippets are kept across reloads (extension.ts sets the extension's global storage). */
export { useCompileCache } from '../snippet/compileCache';

/** The panel serializer's body: revives a panel from its saved state (or the last experiment). */
export function revivePanel(webviewPanel: vscode.WebviewPanel, services: panel.PanelServices, state: unknown): void {
  const viewState = state as { experiment?: unknown; savedAt?: unknown; panelId?: unknown } | undefined | null;
  const panelId = typeof viewState?.panelId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(viewState.panelId) ? viewState.panelId : randomUUID();
  const fromView = checkPanelExperiment(viewState?.experiment);
  const saved = checkPanelExperiment(services.context.workspaceState.get(STATE_KEY));
  if (!fromView.ok && state !== undefined && state !== null) services.output.warn(`revived panel: its saved state was refused (${fromView.error})`);
  // The webview's state and the workspace state reach storage late; the copy the host wrote to disk
  // for this panel on its last edit wins when it is newer than the webview's.
  const onDisk = readSavedExperiment(services.context, panelId);
  const fromDisk = onDisk ? checkPanelExperiment(onDisk.experiment) : undefined;
  const viewSavedAt = typeof viewState?.savedAt === 'number' ? viewState.savedAt : -Infinity;
  const experiment = fromDisk?.ok && onDisk!.savedAt > viewSavedAt ? fromDisk.message
    : fromView.ok ? fromView.message : saved.ok ? saved.message : defaultExperiment();
  // Where its code came from, as saved with it (trust.ts); the panel's own copy on disk is the
  // same panel's record even when the webview's state was newer.
  const origin = fromDisk?.ok || fromView.ok ? onDisk?.origin : saved.ok ? lastOrigin(services.context) : 'panel';
  panel.PlaygroundPanel.revive(webviewPanel, services, experiment, panelId, origin ?? originOfUnknown(experiment.loss));
}
