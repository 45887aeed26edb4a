/**
 * Activation: registers commands, the panel serializer, the CodeLens provider and the status bar
 * item — and nothing heavier. This file is its own small bundle (`dist/extension.js`); the panel,
 * the commands' bodies, the engine and the snippet session (with the TypeScript compiler) live in
 * `dist/host.js` (src/extension/host.ts), loaded on first use, and the hovers' MathJax in
 * `dist/explainHost.js` (explanations.ts), loaded on the first hover. So VS Code loads and
 * activates the extension well under 50 ms.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LossCodeLensProvider } from './codelens';
import { registerExplanations } from './explanations';
import type { PanelServices } from './panel';

const VIEW_TYPE = 'optimizerPlayground.panel';

type Host = typeof import('./host');
let host: Host | undefined;
/**
 * Where the host keeps compiled snippets and V8's code cache of the TypeScript compiler
 * (src/snippet/compileCache.ts), in the extension's global storage: a reopened panel, a window
 * reload or a tune run again skips compiling a loss compiled before.
 */
let compileCacheDirectory: string | undefined;

/**
 * The heavy half (src/extension/host.ts), loaded once on first use. A computed path, so esbuild
 * leaves the `require` alone instead of bundling host.ts into this file: `dist/host.js` beside
 * `dist/extension.js` (and `host.js` beside `extension.js` in tsc's output).
 */
function loadHost(): Host {
  if (!host) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    host = require(path.join(__dirname, 'host.js')) as Host;
    host.useCompileCache(compileCacheDirectory);
  }
  return host;
}

/** What `activate` returns: used by the integration tests and the benchmark. */
export interface PlaygroundApi {
  /** Milliseconds `activate` took. */
  readonly activationMs: number;
  /** The panel module (loaded on demand): `PlaygroundPanel.current`, `.panels()`. */
  panels(): Promise<typeof import('./panel')>;
  /** Revives a webview panel as the serializer does after a window reload (the integration tests). */
  revive(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  /** Where compiled snippets are kept (in the extension's global storage). */
  readonly compileCacheDirectory: string;
}

export function activate(context: vscode.ExtensionContext): PlaygroundApi {
  const t0 = performance.now();
  const cacheDirectory = path.join(context.globalStorageUri.fsPath, 'compile-cache');
  compileCacheDirectory = cacheDirectory;
  const output = vscode.window.createOutputChannel('Optimizer Playground', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('optimizerPlayground');
  const statusBar = vscode.window.createStatusBarItem('optimizerPlayground.status', vscode.StatusBarAlignment.Left, 10);
  statusBar.name = 'Optimizer Playground';
  context.subscriptions.push(output, diagnostics, statusBar);
  const services: PanelServices = { context, output, diagnostics, statusBar };

  const commands = async (): Promise<Host['commands']> => loadHost().commands;
  const register = (id: string, handler: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(`optimizerPlayground.${id}`, async (...args: unknown[]) => {
      try {
        return await (handler as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        output.error(`${id}: ${e instanceof Error ? e.stack ?? message : message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }));
  };
  register('open', async (experiment?: never) => (await commands()).openPlayground(services, experiment));
  register('openPreset', async (name?: string) => (await commands()).openPreset(services, name));
  register('runLossInEditor', async (uri?: vscode.Uri) => (await commands()).runLossInEditor(services, uri));
  register('compareOptimizers', async (uri?: vscode.Uri, ids?: readonly string[], mode?: 'beside' | 'replace', how?: 'tuned' | 'defaults') => (await commands()).compareOptimizers(services, uri, ids, mode, how));
  // Not in the palette: the Undo of Compare Optimizers' notification (and the tests).
  register('undoCompare', async () => (await commands()).undoCompare());
  register('compareLearningRates', async (args?: { optimizer?: string; lrs?: readonly number[] }) => (await commands()).compareLearningRates(services, args));
  register('stop', async () => (await commands()).stop());
  register('exportResults', async (folder?: vscode.Uri) => (await commands()).exportResults(services, folder));
  register('newLossFunction', async () => (await commands()).newLossFunction());
  register('openExperimentFile', async (uri?: vscode.Uri) => (await commands()).openExperimentFile(services, uri));
  register('copyAsPyTorch', async () => (await commands()).copyAsPyTorch());

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        loadHost().revivePanel(panel, services, state);
      },
    }),
    vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'typescriptreact' }], new LossCodeLensProvider()),
  );

  // Hovers over optimizer names and symbols, and the walkthrough's commands (src/extension/explanations.ts).
  registerExplanations(context);

  const activationMs = performance.now() - t0;
  output.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, compileCacheDirectory: cacheDirectory, panels: async () => loadHost().panel, revive: async (panel, state) => loadHost().revivePanel(panel, services, state) };
}

export function deactivate(): void {
  // Panels, sessions and listeners are disposed with their subscriptions.
}
