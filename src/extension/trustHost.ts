/**
 * Workspace Trust's VS Code side (the rules are in trust.ts): the origin of editor documents the
 * extension opens with a loss's code, and the one action offered when a loss is refused.
 */
import * as vscode from 'vscode';
import { TRUST_ACTION, UNTRUSTED_NOTICE, type LossOrigin } from './trust';

/** Untitled documents the extension opened with code of a known origin ("Open in Editor"). */
const documentOrigins = new WeakMap<vscode.TextDocument, LossOrigin>();

/** Records that `document` holds code of `origin` (an untitled copy of a file's code stays a file's). */
export function markDocumentOrigin(document: vscode.TextDocument, origin: LossOrigin): void {
  documentOrigins.set(document, origin);
}

/** Where a bound document's code comes from: a file on disk is a file's; an untitled one is the user's unless marked. */
export function documentOrigin(document: vscode.TextDocument): LossOrigin {
  if (!document.isUntitled) return 'workspaceFile';
  return documentOrigins.get(document) ?? 'untitled';
}

/** Commands that show VS Code's Workspace Trust editor, in order of preference. */
const MANAGE_TRUST_COMMANDS = ['workbench.trust.manage', 'workbench.action.manageTrust'];

/** Opens VS Code's Workspace Trust editor, where the user can trust the workspace. */
export async function manageWorkspaceTrust(): Promise<void> {
  const known = new Set(await vscode.commands.getCommands(true));
  const command = MANAGE_TRUST_COMMANDS.find((c) => known.has(c));
  if (command) await vscode.commands.executeCommand(command);
}

/**
 * Says why the loss did not run, with the one action "Trust this workspace to run its loss"
 * (VS Code's trust editor; once the workspace is trusted the panel runs the loss). Resolves with
 * whether the person took the action.
 */
export async function offerWorkspaceTrust(): Promise<boolean> {
  const picked = await vscode.window.showWarningMessage(UNTRUSTED_NOTICE, TRUST_ACTION);
  if (picked !== TRUST_ACTION) return false;
  await manageWorkspaceTrust();
  return true;
}
