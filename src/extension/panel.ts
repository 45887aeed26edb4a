/**
 * The playground panel: one webview panel, its controller, and the wiring between them and VS Code
 * (theme, visibility, the bound editor document, diagnostics, the status bar, saved state).
 *
 * Follows VS Code's webview guidance: the HTML is set once; the webview posts `ready` and only then
 * does the host post, starting with a full `init` snapshot; no `retainContextWhenHidden` — a panel
 * shown again reloads and says `ready` again, and gets a fresh snapshot; every listener belongs to
 * the panel's own disposables; messages are validated both ways (invalid ones are logged, dropped).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateExperiment } from '../engine/experiment';
import { getProblem } from '../engine/problems';
import {
  answer, HOST_METHODS, parseFromWebview, type FromWebview, type PanelExperiment, type RenderedChart, type ToWebview, type ToWebviewOf,
} from '../protocol';
import { pruneSpillFolders } from '../points/store';
import { prewarmWorker, startExperiment } from '../snippet/session';
import type { StartOptions } from '../snippet/types';
import { PlaygroundController } from './controller';
import { FollowedDocument, showLossInEditor } from './followedDocument';
import { tuneRun } from './tuneInPanel';
import { pageHtml, webviewOptions } from './panelPage';
import { showStatus } from './panelStatus';
import {
  compiledCharts, lastOrigin, pointStorage, preferences, pruneSavedExperiments, rememberCompiledChart, saveExperiment, updatePreferences,
} from './panelStorage';
import { originOfUnknown, type LossOrigin } from './trust';
import { offerWorkspaceTrust } from './trustHost';
import { WebviewConnection } from './webviewConnection';

export const VIEW_TYPE = 'optimizerPlayground.panel';

/** Shared by every panel: created once in `activate`. */
export interface PanelServices {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly diagnostics: vscode.DiagnosticCollection;
  readonly statusBar: vscode.StatusBarItem;
}

export class PlaygroundPanel {
  /** The panel commands act on (the last one created or focused). */
  static current: PlaygroundPanel | undefined;
  private static readonly all = new Set<PlaygroundPanel>();

  readonly controller: PlaygroundController;
  /** The tuning under way for this panel (tuneInPanel.ts); Stop cancels it. */
  tuning: { cancel(): void } | undefined;
  /** The last tuning's scores, for a page that says `ready` after they were sent. */
  private lastTuning: ToWebviewOf<'tuning'> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private baseDir?: string;
  /** The host's answers to the webview's requests (inspect). */
  private readonly answerRequest = answer<typeof HOST_METHODS>({ inspect: ({ run, step }) => this.controller.inspect(run, step) }, (m) => this.post(m));

  /**
   * Opens a new panel on `experiment`, whose code came from `origin` (the panel's by default): in
   * the active editor group when no text editor is visible (the Welcome page, nothing open: the
   * panel gets the whole width, its charts the first screen), beside the editor otherwise, so that
   * the file being worked on stays in view.
   */
  static create(services: PanelServices, experiment: PanelExperiment, options: { run?: boolean; origin?: LossOrigin } = {}): PlaygroundPanel {
    const column = vscode.window.visibleTextEditors.length === 0 ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Optimizer Playground', column, webviewOptions(services.context));
    pruneSavedExperiments(services.context);
    pruneSpillFolders(pointStorage(services.context));
    const p = new PlaygroundPanel(panel, services, experiment, randomUUID(), options.origin ?? 'panel');
    if (options.run !== false) p.controller.run();
    return p;
  }

  /**
   * The panel for commands: the current one, or a new one on `experiment`. `origin` is where the
   * experiment's code came from; undefined when the command kept the loss of the panel (or of
   * the last experiment, `lastOrigin`), whose origin then stays.
   */
  static showOrCreate(services: PanelServices, experiment: PanelExperiment, origin?: LossOrigin): PlaygroundPanel {
    const current = PlaygroundPanel.current;
    if (current) {
      current.panel.reveal(undefined, true);
      current.setExperiment(experiment, origin ? { origin } : {});
      return current;
    }
    return PlaygroundPanel.create(services, experiment, { origin: origin ?? lastOrigin(services.context) });
  }

  /** Revives a panel after a window reload (WebviewPanelSerializer), its code of `origin` as when it was saved. */
  static revive(panel: vscode.WebviewPanel, services: PanelServices, experiment: PanelExperiment, panelId: string = randomUUID(),
    origin: LossOrigin = originOfUnknown(experiment.loss)): PlaygroundPanel {
    panel.webview.options = webviewOptions(services.context);
    const p = new PlaygroundPanel(panel, services, experiment, panelId, origin);
    p.controller.run();
    return p;
  }

  /** Identifies the panel across window reloads (kept in the webview's state; names its file on disk). */
  readonly id: string;

  private readonly connection: WebviewConnection;
  /** The editor document whose text is the loss, when one is followed. */
  private readonly following: FollowedDocument;
  /** Where the loss's code came from, when no document is bound (trust.ts: it stays through edits). */
  private lossOrigin: LossOrigin;
  /** Whether the refusal's trust action was offered since the experiment was last set by a command. */
  private trustOffered = false;

  private constructor(readonly panel: vscode.WebviewPanel, private readonly services: PanelServices, experiment: PanelExperiment, id: string,
    origin: LossOrigin) {
    this.id = id;
    this.lossOrigin = origin;
    this.following = new FollowedDocument(services.diagnostics);
    this.connection = new WebviewConnection(panel.webview);
    PlaygroundPanel.current = this;
    PlaygroundPanel.all.add(this);
    this.controller = new PlaygroundController(experiment, {
      start: startExperiment,
      validate: validateExperiment,
      post: (m) => this.post(m),
      log: (line) => services.output.warn(line),
      startOptions: () => this.startOptions(),
      trust: () => ({ origin: this.origin(), trusted: vscode.workspace.isTrusted }),
      pointStorage: pointStorage(services.context),
    });
    this.controller.events.status = (state, sps) => this.showStatus(state, sps);
    // Once the first run is over and the webview has started (so as not to compete with its start-up
    // for the CPU): two spare sandbox workers (Compare Optimizers… → Tuned starts two sessions at
    // once: the runs at their defaults and the tuning), and the compiler worker loading TypeScript,
    // for the snippet edits to come.
    this.controller.events.idle = () => {
      this.controller.events.idle = undefined;
      void this.whenReady().then(() => setTimeout(() => void prewarmWorker(undefined, { spares: 2 }), 2000).unref());
    };
    this.controller.events.errors = (errors) => {
      this.following.showErrors(errors);
      if (errors.some((e) => e.kind === 'trust') && !this.trustOffered) {
        this.trustOffered = true;
        void offerWorkspaceTrust();
      }
    };
    panel.webview.html = this.html();
    void vscode.commands.executeCommand('setContext', 'optimizerPlayground.panelOpen', true);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) PlaygroundPanel.current = this;
        if (!e.webviewPanel.visible) this.connection.closed();
      }),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.following.document && e.contentChanges.length > 0) this.onBoundDocumentEdited();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.controller.run()),
    );
    this.save();
  }

  /** Options of the panel's sandbox sessions: where loss files are, whether files may be read (Workspace Trust). */
  startOptions(): StartOptions {
    return { ...(this.baseDir ? { baseDir: this.baseDir } : {}), allowFiles: vscode.workspace.isTrusted };
  }

  /** Where the code the panel runs came from (trust.ts). */
  origin(): LossOrigin {
    return this.following.document ? this.following.origin : this.lossOrigin;
  }

  private html(): string {
    // The webview embeds its loss chart from `initial` while the `init` snapshot is on its way.
    return pageHtml(this.panel.webview, this.services.context.extensionUri, {
      experiment: this.controller.experiment, panelId: this.id, compiledCharts: compiledCharts(this.services.context),
      preferences: preferences(this.services.context),
      // The tests' view of the panel (src/webview/testHooks.ts), never in a user's panel.
      ...(this.services.context.extensionMode !== vscode.ExtensionMode.Production ? { testHooks: true } : {}),
    });
  }

  /** Posts to the webview once it said `ready` (earlier messages are superseded by the `init` snapshot). */
  post(message: ToWebview): void {
    this.following.notice(message, this.controller.errors);
    if (message.type === 'tuning') this.lastTuning = message;
    this.connection.post(message);
  }

  /** Listens to every message the host posts (tests and the benchmark). */
  onDidPost(listener: (m: ToWebview) => void): vscode.Disposable { return this.connection.onDidPost(listener); }

  /** Resolves once the webview said `ready`. */
  whenReady(): Promise<void> { return this.connection.whenReady(); }

  /** The full snapshot the webview renders from. */
  snapshot(): ToWebviewOf<'init'> {
    const c = this.controller;
    return {
      type: 'init',
      experiment: c.experiment,
      state: c.state,
      results: c.results,
      points: c.store?.snapshot() ?? [],
      ...(c.info ? { info: c.info } : {}),
      ...(c.surface ? { surface: c.surface } : {}),
      errors: c.errors,
      ...(this.following.name() ? { following: this.following.name() } : {}),
      trusted: vscode.workspace.isTrusted,
      preferences: preferences(this.services.context),
    };
  }

  /** Handles one message from the webview (also the tests' way to act as the person). */
  receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.services.output.warn(`ignored a message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch((e: unknown) => {
      this.services.output.error(`${parsed.message.type}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    });
  }

  private async handle(m: FromWebview): Promise<void> {
    const c = this.controller;
    switch (m.type) {
      case 'ready':
        this.connection.opened(this.snapshot());
        // A page new since (a panel still starting, shown again) gets the tuning's scores too.
        if (this.lastTuning) this.connection.post(this.lastTuning);
        return;
      case 'editExperiment':
        this.setExperiment(m.experiment, { fromWebview: true });
        return;
      case 'run': c.run(); return;
      case 'reset': c.reset(); return;
      case 'stop': this.tuning?.cancel(); c.stop(); return;
      case 'tuneRun': await tuneRun(this, m.run); return;
      case 'scrub': c.scrub(m.step, m.run); return;
      case 'pickDims': c.pickDims(m.dims); return;
      case 'request': await this.answerRequest(m); return;
      case 'reply': this.connection.requests.settle(m); return;
      case 'openInEditor': await this.openInEditor(); return;
      case 'export': await vscode.commands.executeCommand('optimizerPlayground.exportResults'); return;
      case 'copyAsPyTorch': await vscode.commands.executeCommand('optimizerPlayground.copyAsPyTorch'); return;
      case 'stopFollowing': this.stopFollowing(); return;
      case 'setPreferences': await updatePreferences(this.services.context, m.preferences); return;
      case 'compiledChart': rememberCompiledChart(this.services.context, m); return;
      case 'log': this.services.output[m.level === 'info' ? 'info' : m.level === 'warn' ? 'warn' : 'error'](`webview: ${m.message}`); return;
    }
  }

  /**
   * Replaces the experiment and re-runs: after the debounce for the person's edits, at once for
   * commands. Saved in the workspace state on every change (the webview keeps it in its own state).
   */
  setExperiment(experiment: PanelExperiment, o: { fromWebview?: boolean; origin?: LossOrigin; baseDir?: string }): void {
    // A command's experiment replaces what a tuning under way would show.
    if (!o.fromWebview) this.tuning?.cancel();
    if (o.origin !== undefined) {
      // A command replaced the experiment: its code is of that origin now (else the origin stays).
      this.following.stop();
      this.lossOrigin = o.origin;
      this.trustOffered = false;
    }
    if (o.baseDir !== undefined) this.baseDir = o.baseDir;
    if (o.fromWebview) {
      this.controller.edit(experiment);
    } else {
      this.controller.experiment = experiment;
      this.post({ type: 'experiment', experiment, ...(this.following.name() ? { following: this.following.name() } : {}) });
      this.controller.run();
    }
    this.save();
  }

  /** Binds the panel to an editor document: its text is the loss, re-run on every edit. */
  bind(document: vscode.TextDocument, experiment: PanelExperiment): void {
    this.following.follow(document);
    this.baseDir = document.isUntitled ? undefined : path.dirname(document.fileName);
    this.setExperiment({ ...experiment, loss: { source: document.getText() } }, {});
  }

  get boundDocument(): vscode.TextDocument | undefined { return this.following.document; }

  private onBoundDocumentEdited(): void {
    const bound = this.following.document;
    if (!bound) return;
    const experiment = { ...this.controller.experiment, loss: { source: bound.getText() } };
    this.post({ type: 'experiment', experiment, following: this.following.name() });
    this.controller.edit(experiment);
    this.save();
  }

  /** The loss's TypeScript: the snippet, the preset's source, or the bound document's text. */
  lossSource(): string | undefined {
    const loss = this.controller.experiment.loss;
    if (this.following.document) return this.following.document.getText();
    if ('source' in loss) return loss.source;
    if ('preset' in loss) return getProblem(loss.preset)?.source;
    return undefined;
  }

  /** Shows the loss's code in an editor (the followed document, the loss file, or a new untitled one) and follows it. */
  private async openInEditor(): Promise<void> {
    const shown = await showLossInEditor(this.following.document, this.controller.experiment.loss, this.baseDir, this.lossSource() ?? '', this.origin());
    if (shown !== this.following.document) this.bind(shown, this.controller.experiment);
  }

  /** Asks the webview to render its charts (SVG and PNG); empty when it cannot (no webview, no reply). */
  async requestCharts(): Promise<readonly RenderedChart[]> {
    if (!this.connection.isReady) return [];
    return this.connection.requests.request('renderCharts', {}).then((r) => r.charts, (e: unknown) => {
      this.services.output.warn(`the charts could not be rendered for export: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    });
  }

  /** Stops following the editor document: the panel keeps its code as its own snippet. */
  private stopFollowing(): void {
    if (!this.following.document) return;
    this.following.stop();
    this.post({ type: 'experiment', experiment: this.controller.experiment });
    this.save();
  }

  private showStatus(state: string, sps: number): void {
    if (PlaygroundPanel.current === this) showStatus(this.services.statusBar, state, sps);
  }

  private save(): void {
    saveExperiment(this.services.context, this.id, this.controller.experiment, this.origin());
  }

  /** Every open panel (tests). */
  static panels(): readonly PlaygroundPanel[] { return [...PlaygroundPanel.all]; }

  dispose(): void {
    PlaygroundPanel.all.delete(this);
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = [...PlaygroundPanel.all].pop();
    this.following.stop();
    this.connection.dispose();
    this.controller.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    if (PlaygroundPanel.all.size === 0) {
      this.services.statusBar.hide();
      void vscode.commands.executeCommand('setContext', 'optimizerPlayground.panelOpen', false);
    }
  }
}
