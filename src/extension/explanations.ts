/**
 * Registers the explanations: hovers over optimizer and hyperparameter names and LaTeX symbols
 * (TypeScript, JavaScript, Python, Markdown, *.optim.json), the command a hover links to, and the
 * command the walkthrough's buttons use. Registration only: the registry, the hover rule and
 * MathJax load on the first hover (hoverProvider.ts, bundled on its own as `dist/explainHost.js`
 * from explainHost.ts), so this costs well under 5 ms and adds nothing heavy to `dist/extension.js`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Where a hover can appear. `*.optim.json` by pattern, whatever language VS Code gives it. */
export const HOVER_SELECTOR: vscode.DocumentSelector = [
  { language: 'typescript' }, { language: 'typescriptreact' },
  { language: 'javascript' }, { language: 'javascriptreact' },
  { language: 'python' }, { language: 'markdown' },
  { pattern: '**/*.optim.json' },
];

/** Opens the playground with one optimizer (hover links): `[{ optimizer: 'adam' }]`. */
export const OPEN_WITH_OPTIMIZER = 'optimizerPlayground.openWithOptimizer';
/** Opens a walkthrough experiment by file name (`examples/walkthrough/NAME.optim.json`): `["01-learning-rate"]`. */
export const OPEN_WALKTHROUGH_EXPERIMENT = 'optimizerPlayground.openWalkthroughExperiment';

/** Context key prefix set when walkthrough step N's experiment was opened (`…walkthroughStep1`). */
export const WALKTHROUGH_STEP_CONTEXT = 'optimizerPlayground.walkthroughStep';

export function registerExplanations(context: vscode.ExtensionContext): void {
  let provider: vscode.HoverProvider | undefined;
  const lazyProvider: vscode.HoverProvider = {
    provideHover(document, position, token) {
      if (!provider) {
        // A computed path, so esbuild does not bundle it into extension.js: `explainHost.js` beside
        // this file's bundle (dist/) or its tsc output.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ExplanationHoverProvider } = require(path.join(__dirname, 'explainHost.js')) as typeof import('./explainHost');
        provider = new ExplanationHoverProvider();
      }
      return provider.provideHover(document, position, token);
    },
  };
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, lazyProvider),
    vscode.commands.registerCommand(OPEN_WITH_OPTIMIZER, async (arg?: { optimizer?: unknown } | string) => {
      const optimizer = typeof arg === 'string' ? arg : arg?.optimizer;
      if (typeof optimizer !== 'string') {
        throw new Error(`${OPEN_WITH_OPTIMIZER}: expected { optimizer: "<id>" }, got ${JSON.stringify(arg)}`);
      }
      // The host's Compare Optimizers with one id: the current loss, one run of that optimizer.
      return vscode.commands.executeCommand('optimizerPlayground.compareOptimizers', undefined, [optimizer]);
    }),
    vscode.commands.registerCommand(OPEN_WALKTHROUGH_EXPERIMENT, async (name?: unknown) => {
      if (typeof name !== 'string' || !/^[\w-]+$/.test(name)) {
        throw new Error(`${OPEN_WALKTHROUGH_EXPERIMENT}: expected a walkthrough experiment name such as "01-learning-rate", got ${JSON.stringify(name)}`);
      }
      const uri = vscode.Uri.joinPath(context.extensionUri, 'examples', 'walkthrough', `${name}.optim.json`);
      const opened = await vscode.commands.executeCommand('optimizerPlayground.openExperimentFile', uri);
      // Checks off this step only (its completionEvents is onContext:<this key>); all steps share the command.
      const step = /^(\d+)-/.exec(name);
      if (opened && step) void vscode.commands.executeCommand('setContext', `${WALKTHROUGH_STEP_CONTEXT}${Number(step[1])}`, true);
      return opened;
    }),
  );
}
