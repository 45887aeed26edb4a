/**
 * The editor document a panel follows: its text is the panel's loss (re-run on every edit), and
 * the panel's compile errors, its runs' runtime errors and a finite-differences fallback appear on
 * it as diagnostics.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gradientFallbackDiagnostic, runErrorDiagnostic, type FollowedFile, type PanelError, type PanelExperiment, type ToWebview } from '../protocol';
import { showDiagnostics } from './panelStatus';
import type { LossOrigin } from './trust';
import { documentOrigin, markDocumentOrigin } from './trustHost';

export class FollowedDocument {
  private followed?: vscode.TextDocument;
  /** Where the followed document's code came from (trust.ts). */
  private followedOrigin: LossOrigin = 'workspaceFile';
  /** Runtime errors of the runs shown (a run that threw) and a finite-differences fallback. */
  private runErrors: PanelError[] = [];

  constructor(private readonly diagnostics: vscode.DiagnosticCollection) {}

  get document(): vscode.TextDocument | undefined { return this.followed; }
  get origin(): LossOrigin { return this.followedOrigin; }

  follow(document: vscode.TextDocument): void {
    this.stop();
    this.followed = document;
    this.followedOrigin = documentOrigin(document);
  }

  /** Stops following; the document's diagnostics go. */
  stop(): void {
    if (this.followed) this.diagnostics.delete(this.followed.uri);
    this.followed = undefined;
  }

  /** The followed document as the webview names it. */
  name(): FollowedFile | undefined {
    if (!this.followed) return undefined;
    return { name: path.basename(this.followed.fileName), path: vscode.workspace.asRelativePath(this.followed.uri) };
  }

  /** Reads the run errors a message to the webview tells of (the fallback on runStart, a run's error on runEnd); `errors` are the panel's own. */
  notice(message: ToWebview, errors: readonly PanelError[]): void {
    if (message.type === 'runStart') {
      const fallback = gradientFallbackDiagnostic(message.info.gradient);
      this.runErrors = fallback ? [{ kind: 'runtime', message: fallback.message, diagnostics: [fallback] }] : [];
      this.showErrors(errors);
    }
    if (message.type === 'runEnd' && message.status === 'error' && message.message) {
      const at = runErrorDiagnostic(message.message);
      this.runErrors.push({ kind: 'runtime', message: message.message, ...(at ? { diagnostics: [at] } : {}) });
      this.showErrors(errors);
    }
  }

  /** The panel's errors and its runs' errors as the followed document's diagnostics. */
  showErrors(errors: readonly PanelError[]): void {
    if (this.followed) showDiagnostics(this.diagnostics, this.followed.uri, [...errors, ...this.runErrors]);
  }
}

/**
 * Shows a loss's code in the first editor column: the followed document, the loss's file (relative
 * to `baseDir`), or a new untitled TypeScript document holding `source` and marked with its code's
 * `origin`. Returns the document shown.
 */
export async function showLossInEditor(followed: vscode.TextDocument | undefined, loss: PanelExperiment['loss'], baseDir: string | undefined,
  source: string, origin: LossOrigin): Promise<vscode.TextDocument> {
  const doc = followed
    ?? ('file' in loss ? await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(baseDir ?? '', loss.file)))
      : await vscode.workspace.openTextDocument({ language: 'typescript', content: source }));
  if (!followed && !('file' in loss)) markDocumentOrigin(doc, origin);
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  return doc;
}
