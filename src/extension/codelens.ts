/**
 * "▶ Optimize | Compare optimizers" above a TypeScript file's exported loss (`export default
 * function`, `export function loss`, `export const loss`). A text scan, not a compile: it must stay
 * cheap enough to run on every keystroke in every TypeScript file.
 */
import * as vscode from 'vscode';
import { exportedLossLine } from './lossExport';

export class LossCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const line = exportedLossLine(document.getText());
    if (line < 0) return [];
    const range = new vscode.Range(line, 0, line, 0);
    return [
      new vscode.CodeLens(range, { title: '▶ Optimize', command: 'optimizerPlayground.runLossInEditor', arguments: [document.uri], tooltip: 'Run this loss in the Optimizer Playground' }),
      new vscode.CodeLens(range, { title: 'Compare optimizers', command: 'optimizerPlayground.compareOptimizers', arguments: [document.uri], tooltip: 'Run several optimizers on this loss' }),
    ];
  }
}
