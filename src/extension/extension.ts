/**
 * Activation: registers commands, the panel serializer, the CodeLens provider and the status bar
 * item — and nothing heavier. The panel, the engine and the snippet worker load on first use
 * (`import()` inside the handlers), so activation stays well under 50 ms.
 */
import * as vscode from 'vscode';
import { LossCodeLensProvider } from './codelens';
import { registerExplanations } from './explanations';
import type { PanelServices } from './panel';

const VIEW_TYPE = 'optimizerPlayground.panel';

/**
 * Loads a module on first use. `require` with literal paths (not `import()`): the host runs as
 * CommonJS, esbuild bundles these lazily (the module's body runs on first call), and tsc's output
 * for the tests resolves them without file extensions.
 */
function load<T>(name: 'commands' | 'panel' | 'protocol' | 'defaults'): T {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (name) {
    case 'commands': return require('./commands') as T;
    case 'panel': return require('./panel') as T;
    case 'protocol': return require('../protocol') as T;
    case 'defaults': return require('./defaults') as T;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** What `activate` returns: used by the integration tests and the benchmark. */
export interface PlaygroundApi {
  /** Milliseconds `activate` took. */
  readonly activationMs: number;
  /** The panel module (loaded on demand): `PlaygroundPanel.current`, `.panels()`. */
  panels(): Promise<typeof import('./panel')>;
}

export function activate(context: vscode.ExtensionContext): PlaygroundApi {
  const t0 = performance.now();
  const output = vscode.window.createOutputChannel('Optimizer Playground', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('optimizerPlayground');
  const statusBar = vscode.window.createStatusBarItem('optimizerPlayground.status', vscode.StatusBarAlignment.Left, 10);
  statusBar.name = 'Optimizer Playground';
  context.subscriptions.push(output, diagnostics, statusBar);
  const services: PanelServices = { context, output, diagnostics, statusBar };

  const commands = async (): Promise<typeof import('./commands')> => load<typeof import('./commands')>('commands');
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
  register('compareOptimizers', async (uri?: vscode.Uri, ids?: readonly string[]) => (await commands()).compareOptimizers(services, uri, ids));
  register('compareLearningRates', async (args?: { optimizer?: string; lrs?: readonly number[] }) => (await commands()).compareLearningRates(services, args));
  register('stop', async () => (await commands()).stop());
  register('exportResults', async (folder?: vscode.Uri) => (await commands()).exportResults(services, folder));
  register('newLossFunction', async () => (await commands()).newLossFunction());
  register('openExperimentFile', async (uri?: vscode.Uri) => (await commands()).openExperimentFile(services, uri));
  register('copyAsPyTorch', async () => (await commands()).copyAsPyTorch());

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const { PlaygroundPanel, STATE_KEY } = load<typeof import('./panel')>('panel');
        const { checkPanelExperiment } = load<typeof import('../protocol')>('protocol');
        const { defaultExperiment } = load<typeof import('./defaults')>('defaults');
        const fromView = checkPanelExperiment((state as { experiment?: unknown } | undefined)?.experiment);
        const saved = checkPanelExperiment(context.workspaceState.get(STATE_KEY));
        if (!fromView.ok && state !== undefined && state !== null) output.warn(`revived panel: its saved state was refused (${fromView.error})`);
        const experiment = fromView.ok ? fromView.message : saved.ok ? saved.message : defaultExperiment();
        PlaygroundPanel.revive(panel, services, experiment);
      },
    }),
    vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'typescriptreact' }], new LossCodeLensProvider()),
  );

  // Hovers over optimizer names and symbols, and the walkthrough's commands (src/extension/explanations.ts).
  registerExplanations(context);

  const activationMs = performance.now() - t0;
  output.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, panels: async () => load<typeof import('./panel')>('panel') };
}

export function deactivate(): void {
  // Panels, sessions and listeners are disposed with their subscriptions.
}
