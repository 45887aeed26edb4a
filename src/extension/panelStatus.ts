/**
 * What a panel shows outside its webview: the status bar item (what the optimizer is doing, and a
 * click to stop it) and a followed file's diagnostics (compile, type and runtime errors, and a
 * finite-differences fallback, at their line and column).
 */
import * as vscode from 'vscode';
import type { PanelError } from '../protocol';
import { statusText } from './statusText';

export function showStatus(bar: vscode.StatusBarItem, state: string, stepsPerSecond: number): void {
  const { text, tooltip } = statusText(state, stepsPerSecond);
  bar.text = text;
  bar.tooltip = tooltip;
  bar.command = state === 'idle' ? 'optimizerPlayground.open' : 'optimizerPlayground.stop';
  bar.show();
}

/** Sets `uri`'s diagnostics to `errors`: each at its line and column, one without a position at the file's start. */
export function showDiagnostics(collection: vscode.DiagnosticCollection, uri: vscode.Uri, errors: readonly PanelError[]): void {
  const diags: vscode.Diagnostic[] = [];
  for (const e of errors) {
    for (const d of e.diagnostics ?? []) {
      const range = new vscode.Range(d.line - 1, d.column - 1, (d.endLine ?? d.line) - 1, (d.endColumn ?? d.column + 1) - 1);
      const diag = new vscode.Diagnostic(range, d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
      diag.source = 'Optimizer Playground';
      diags.push(diag);
    }
    if (!e.diagnostics?.length && e.kind !== 'validation') {
      const diag = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), e.message, vscode.DiagnosticSeverity.Error);
      diag.source = 'Optimizer Playground';
      diags.push(diag);
    }
  }
  collection.set(uri, diags);
}
