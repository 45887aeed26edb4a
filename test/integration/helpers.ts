/** Shared by the integration tests: the running extension's API and waiting for its panel. */
import * as vscode from 'vscode';
import type { PlaygroundApi } from '../../src/extension/extension';
import type { PlaygroundPanel } from '../../src/extension/panel';

export const EXTENSION_ID = 'optimizer-playground.optimizer-playground';

export async function api(): Promise<PlaygroundApi> {
  const ext = vscode.extensions.getExtension<PlaygroundApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** The extension's own panel class (from its bundle, not a second copy). */
export async function panelClass(): Promise<typeof PlaygroundPanel> {
  return (await (await api()).panels()).PlaygroundPanel;
}

export async function currentPanel(): Promise<PlaygroundPanel> {
  const P = await panelClass();
  if (!P.current) throw new Error('no playground panel is open');
  return P.current;
}

export async function closeAllPanels(): Promise<void> {
  const P = await panelClass();
  for (const p of P.panels()) p.dispose();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
