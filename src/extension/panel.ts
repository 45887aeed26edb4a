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
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateExperiment } from '../engine/experiment';
import { getProblem } from '../engine/problems';
import {
  answer, gradientFallbackDiagnostic, HOST_METHODS, parseFromWebview, PreferencesSchema, Requests, runErrorDiagnostic, WEBVIEW_METHODS, type FollowedFile, type FromWebview, type FromWebviewOf,
  type PanelError, type PanelExperiment, type Preferences, type RenderedChart, type ToWebview, type ToWebviewOf,
} from '../protocol';
import { pruneSpillFolders } from '../points/store';
import * as v from 'valibot';
import { prewarmWorker, startExperiment } from '../snippet/session';
import { PlaygroundController } from './controller';
import { webviewHtml } from './html';
import { originOfUnknown, parseOrigin, type LossOrigin } from './trust';
import { documentOrigin, markDocumentOrigin, offerWorkspaceTrust } from './trustHost';

export const VIEW_TYPE = 'optimizerPlayground.panel';
export const STATE_KEY = 'optimizerPlayground.lastExperiment';
/** Where the last experiment's loss code came from (trust.ts), saved beside it. */
export const ORIGIN_KEY = 'optimizerPlayground.lastExperimentOrigin';

/** The latest experiment of any panel, with when it was saved (newest wins on revival) and where its code came from. */
export interface SavedExperiment { readonly experiment: unknown; readonly savedAt: number; readonly origin?: LossOrigin }

/**
 * Where a panel's latest experiment is kept on disk: one file per panel (its id travels in the
 * webview's state), so that two panels revive as two different experiments. Ids are generated
 * here (UUIDs), but a revived state could carry anything: only `[A-Za-z0-9-]` reaches a path.
 */
/**
 * The latest compiled Vega spec of each chart (`compiledChart` messages), kept across panels and
 * windows in the extension's global state and written into each new panel's page: a chart whose
 * Vega-Lite spec is the same again is embedded without Vega-Lite's compile (100–130 ms of a new
 * panel's start). The key is Vega-Lite's version and the spec, so a changed spec or an updated
 * Vega-Lite simply misses.
 */
const COMPILED_CHARTS_KEY = 'optimizerPlayground.compiledCharts';
type CompiledCharts = Record<string, { readonly key: string; readonly spec: Readonly<Record<string, unknown>> }>;

function compiledCharts(context: vscode.ExtensionContext): CompiledCharts {
  const kept = context.globalState.get<unknown>(COMPILED_CHARTS_KEY);
  return kept && typeof kept === 'object' && !Array.isArray(kept) ? kept as CompiledCharts : {};
}

function rememberCompiledChart(context: vscode.ExtensionContext, m: FromWebviewOf<'compiledChart'>): void {
  if (compiledCharts(context)[m.chart]?.key === m.key) return;
  void context.globalState.update(COMPILED_CHARTS_KEY, { ...compiledCharts(context), [m.chart]: { key: m.key, spec: m.spec } });
}

/** Where long runs' exact points spill to files (src/points), in the extension's own storage. */
function pointStorage(context: vscode.ExtensionContext): string {
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'points');
}

function savedExperimentFile(context: vscode.ExtensionContext, panelId: string): string {
  const safe = panelId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'panel';
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'panels', `${safe}.json`);
}

function writeSavedExperiment(context: vscode.ExtensionContext, panelId: string, experiment: unknown, origin: LossOrigin): void {
  const file = savedExperimentFile(context, panelId);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ experiment, savedAt: Date.now(), origin } satisfies SavedExperiment));
  } catch { /* the workspace state still has it */ }
}

/** The experiment a panel last saved on disk, or undefined. */
export function readSavedExperiment(context: vscode.ExtensionContext, panelId: string): SavedExperiment | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(savedExperimentFile(context, panelId), 'utf8')) as Partial<SavedExperiment>;
    const origin = parseOrigin(saved.origin);
    return typeof saved.savedAt === 'number' ? { experiment: saved.experiment, savedAt: saved.savedAt, ...(origin ? { origin } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

/** Where the last saved experiment's code came from (an experiment saved without it: see originOfUnknown). */
export function lastOrigin(context: vscode.ExtensionContext): LossOrigin {
  return parseOrigin(context.workspaceState.get(ORIGIN_KEY)) ?? originOfUnknown(context.workspaceState.get<PanelExperiment>(STATE_KEY)?.loss);
}

/**
 * Forgets copies not written for 30 days. Not on dispose: VS Code may dispose panels while the
 * window reloads, exactly when the copy is needed.
 */
function pruneSavedExperiments(context: vscode.ExtensionContext): void {
  const dir = path.dirname(savedExperimentFile(context, 'x'));
  try {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (Date.now() - fs.statSync(file).mtimeMs > 30 * 24 * 3600_000) fs.rmSync(file, { force: true });
    }
  } catch { /* no copies yet */ }
}

/** The webview's files besides dist/webview.js, relative to the extension (those that exist). */
interface WebviewFiles { readonly styles: string[]; readonly fonts: string[]; readonly preload: string[] }
let webviewFilesCache: { root: string; files: WebviewFiles } | undefined;

/**
 * Which stylesheets, fonts and preloaded chunks the panel's page lists: looked up on disk once per
 * extension folder (they change only with a new build), not for every panel.
 */
function webviewFiles(root: string): WebviewFiles {
  if (webviewFilesCache?.root === root) return webviewFilesCache.files;
  const existing = (rels: string[]): string[] => rels.filter((rel) => fs.existsSync(path.join(root, rel)));
  let preload: string[] = [];
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'webview-preload.json'), 'utf8')) as { chunks?: unknown };
    if (Array.isArray(manifest.chunks)) preload = manifest.chunks.filter((c): c is string => typeof c === 'string').map((c) => `dist/${c}`);
  } catch { /* no manifest: the chunks load after dist/webview.js, a little later */ }
  const files = {
    styles: existing(['dist/media/codicons/codicon.css', 'dist/media/katex/katex.min.css', 'media/panel.css', 'dist/webview.css']),
    fonts: existing(['dist/media/codicons/codicon.ttf', 'dist/media/katex/fonts/KaTeX_Main-Regular.woff2', 'dist/media/katex/fonts/KaTeX_Math-Italic.woff2']),
    preload,
  };
  webviewFilesCache = { root, files };
  return files;
}

/** The webview's options: scripts on, resources only from the extension's dist/ and media/. */
function webviewOptions(services: PanelServices): vscode.WebviewOptions {
  const ext = services.context.extensionUri;
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'media')] };
}

/** Shared by every panel: created once in `activate`. */
export interface PanelServices {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly diagnostics: vscode.DiagnosticCollection;
  readonly statusBar: vscode.StatusBarItem;
}

/** The person's choices for every panel (the playback speed), kept per user. */
const PREFERENCES_KEY = 'optimizerPlayground.preferences';

function preferences(context: vscode.ExtensionContext): Preferences {
  const r = v.safeParse(PreferencesSchema, context.globalState.get(PREFERENCES_KEY));
  return r.success ? r.output : {};
}

export class PlaygroundPanel {
  /** The panel commands act on (the last one created or focused). */
  static current: PlaygroundPanel | undefined;
  private static readonly all = new Set<PlaygroundPanel>();

  readonly controller: PlaygroundController;
  /** Every message posted to the webview, when recording (the integration tests turn it on). */
  readonly posted: ToWebview[] = [];
  recording = false;
  private readonly postListeners = new Set<(m: ToWebview) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private bound?: vscode.TextDocument;
  private baseDir?: string;
  /** The host's requests to the webview (renderCharts) and its answers to the webview's (inspect). */
  // (Rendering every chart of a panel still starting takes a few seconds on a busy machine.)
  private readonly requests = new Requests<typeof WEBVIEW_METHODS>((m) => this.post(m), 30_000);
  private readonly answerRequest = answer<typeof HOST_METHODS>({ inspect: ({ run, step }) => this.controller.inspect(run, step) }, (m) => this.post(m));

  /**
   * Opens a new panel on `experiment`, whose code came from `origin` (the panel's by default): in
   * the active editor group when no text editor is visible (the Welcome page, nothing open: the
   * panel gets the whole width, its charts the first screen), beside the editor otherwise, so that
   * the file being worked on stays in view.
   */
  static create(services: PanelServices, experiment: PanelExperiment, options: { run?: boolean; origin?: LossOrigin } = {}): PlaygroundPanel {
    const column = vscode.window.visibleTextEditors.length === 0 ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Optimizer Playground', column, webviewOptions(services));
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
    panel.webview.options = webviewOptions(services);
    const p = new PlaygroundPanel(panel, services, experiment, panelId, origin);
    p.controller.run();
    return p;
  }

  /** Identifies the panel across window reloads (kept in the webview's state; names its file on disk). */
  readonly id: string;

  /** Where the loss's code came from, when no document is bound (trust.ts: it stays through edits). */
  private lossOrigin: LossOrigin;
  /** Where the bound document's code came from. */
  private boundOrigin: LossOrigin = 'workspaceFile';
  /** Whether the refusal's trust action was offered since the experiment was last set by a command. */
  private trustOffered = false;

  private constructor(readonly panel: vscode.WebviewPanel, private readonly services: PanelServices, experiment: PanelExperiment, id: string,
    origin: LossOrigin) {
    this.id = id;
    this.lossOrigin = origin;
    PlaygroundPanel.current = this;
    PlaygroundPanel.all.add(this);
    this.controller = new PlaygroundController(experiment, {
      start: startExperiment,
      validate: validateExperiment,
      post: (m) => this.post(m),
      log: (line) => services.output.warn(line),
      startOptions: () => ({
        ...(this.baseDir ? { baseDir: this.baseDir } : {}),
        allowFiles: vscode.workspace.isTrusted,
      }),
      trust: () => ({ origin: this.origin(), trusted: vscode.workspace.isTrusted }),
      pointStorage: pointStorage(services.context),
    });
    this.controller.events.status = (state, sps) => this.showStatus(state, sps);
    // Once the first run is over and the webview has started (so as not to compete with its start-up
    // for the CPU): a spare sandbox worker, and the compiler worker loading TypeScript, for the
    // snippet edits to come.
    this.controller.events.idle = () => {
      this.controller.events.idle = undefined;
      void this.whenReady().then(() => setTimeout(() => void prewarmWorker(), 2000).unref());
    };
    this.controller.events.errors = (errors) => {
      this.showDiagnostics(errors);
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
        if (!e.webviewPanel.visible) this.ready = false; // its page is gone; it says `ready` again when shown
      }),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.bound && e.document === this.bound && e.contentChanges.length > 0) this.onBoundDocumentEdited();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.controller.run()),
    );
    this.save();
  }

  /** Where the code the panel runs came from (trust.ts). */
  origin(): LossOrigin {
    return this.bound ? this.boundOrigin : this.lossOrigin;
  }

  private html(): string {
    const files = webviewFiles(this.services.context.extensionUri.fsPath);
    const uri = (rel: string): string => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.services.context.extensionUri, ...rel.split('/'))).toString();
    return webviewHtml({
      cspSource: this.panel.webview.cspSource,
      script: uri('dist/webview.js'),
      preload: files.preload.map(uri),
      fonts: files.fonts.map(uri),
      styles: files.styles.map(uri),
      // The webview embeds its loss chart from this while the `init` snapshot is on its way.
      initial: {
        experiment: this.controller.experiment, panelId: this.id, compiledCharts: compiledCharts(this.services.context),
        preferences: preferences(this.services.context),
        // The tests' view of the panel (src/webview/testHooks.ts), never in a user's panel.
        ...(this.services.context.extensionMode !== vscode.ExtensionMode.Production ? { testHooks: true } : {}),
      },
    });
  }

  /** Runtime errors of the runs shown (a run that threw) and a finite-differences fallback, as the followed file's diagnostics. */
  private runErrors: PanelError[] = [];

  /** Posts to the webview once it said `ready` (earlier messages are superseded by the `init` snapshot). */
  post(message: ToWebview): void {
    if (message.type === 'runStart') {
      const fallback = gradientFallbackDiagnostic(message.info.gradient);
      this.runErrors = fallback ? [{ kind: 'runtime', message: fallback.message, diagnostics: [fallback] }] : [];
      this.showDiagnostics(this.controller.errors);
    }
    if (message.type === 'runEnd' && message.status === 'error' && message.message) {
      const at = runErrorDiagnostic(message.message);
      this.runErrors.push({ kind: 'runtime', message: message.message, ...(at ? { diagnostics: [at] } : {}) });
      this.showDiagnostics(this.controller.errors);
    }
    if (this.recording) this.posted.push(message);
    for (const l of this.postListeners) l(message);
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** Listens to every message the host posts (tests and the benchmark). */
  onDidPost(listener: (m: ToWebview) => void): vscode.Disposable {
    this.postListeners.add(listener);
    return new vscode.Disposable(() => this.postListeners.delete(listener));
  }

  /** Resolves once the webview said `ready`. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

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
      ...(this.followed() ? { following: this.followed() } : {}),
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
        this.ready = true;
        void this.panel.webview.postMessage(this.snapshot());
        if (this.recording) this.posted.push(this.snapshot());
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'editExperiment':
        this.setExperiment(m.experiment, { fromWebview: true });
        return;
      case 'run': c.run(); return;
      case 'reset': c.reset(); return;
      case 'stop': c.stop(); return;
      case 'scrub': c.scrub(m.step, m.run); return;
      case 'pickDims': c.pickDims(m.dims); return;
      case 'request': await this.answerRequest(m); return;
      case 'reply': this.requests.settle(m); return;
      case 'openInEditor': await this.openInEditor(); return;
      case 'export': await vscode.commands.executeCommand('optimizerPlayground.exportResults'); return;
      case 'copyAsPyTorch': await vscode.commands.executeCommand('optimizerPlayground.copyAsPyTorch'); return;
      case 'stopFollowing': this.stopFollowing(); return;
      case 'setPreferences': await this.services.context.globalState.update(PREFERENCES_KEY, { ...preferences(this.services.context), ...m.preferences }); return;
      case 'compiledChart': rememberCompiledChart(this.services.context, m); return;
      case 'log': this.services.output[m.level === 'info' ? 'info' : m.level === 'warn' ? 'warn' : 'error'](`webview: ${m.message}`); return;
    }
  }

  /**
   * Replaces the experiment and re-runs: after the debounce for the person's edits, at once for
   * commands. Saved in the workspace state on every change (the webview keeps it in its own state).
   */
  setExperiment(experiment: PanelExperiment, o: { fromWebview?: boolean; origin?: LossOrigin; baseDir?: string }): void {
    if (o.origin !== undefined) {
      // A command replaced the experiment: its code is of that origin now (else the origin stays).
      this.unbind();
      this.lossOrigin = o.origin;
      this.trustOffered = false;
    }
    if (o.baseDir !== undefined) this.baseDir = o.baseDir;
    if (o.fromWebview) {
      this.controller.edit(experiment);
    } else {
      this.controller.experiment = experiment;
      this.post({ type: 'experiment', experiment, ...(this.followed() ? { following: this.followed() } : {}) });
      this.controller.run();
    }
    this.save();
  }

  /** Binds the panel to an editor document: its text is the loss, re-run on every edit. */
  bind(document: vscode.TextDocument, experiment: PanelExperiment): void {
    this.unbind();
    this.bound = document;
    this.boundOrigin = documentOrigin(document);
    this.baseDir = document.isUntitled ? undefined : path.dirname(document.fileName);
    this.setExperiment({ ...experiment, loss: { source: document.getText() } }, {});
  }

  get boundDocument(): vscode.TextDocument | undefined { return this.bound; }

  private unbind(): void {
    if (this.bound) this.services.diagnostics.delete(this.bound.uri);
    this.bound = undefined;
  }

  private onBoundDocumentEdited(): void {
    if (!this.bound) return;
    const experiment = { ...this.controller.experiment, loss: { source: this.bound.getText() } };
    this.post({ type: 'experiment', experiment, following: this.followed() });
    this.controller.edit(experiment);
    this.save();
  }

  /** The loss's TypeScript: the snippet, the preset's source, or the bound document's text. */
  lossSource(): string | undefined {
    const loss = this.controller.experiment.loss;
    if (this.bound) return this.bound.getText();
    if ('source' in loss) return loss.source;
    if ('preset' in loss) return getProblem(loss.preset)?.source;
    return undefined;
  }

  private async openInEditor(): Promise<void> {
    if (this.bound) {
      await vscode.window.showTextDocument(this.bound, vscode.ViewColumn.One);
      return;
    }
    const loss = this.controller.experiment.loss;
    if ('file' in loss) {
      const file = path.resolve(this.baseDir ?? '', loss.file);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      this.bind(doc, this.controller.experiment);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: this.lossSource() ?? '' });
    markDocumentOrigin(doc, this.origin());
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    this.bind(doc, this.controller.experiment);
  }

  /** Asks the webview to render its charts (SVG and PNG); empty when it cannot (no webview, no reply). */
  async requestCharts(): Promise<readonly RenderedChart[]> {
    if (!this.ready) return [];
    return this.requests.request('renderCharts', {}).then((r) => r.charts, (e: unknown) => {
      this.services.output.warn(`the charts could not be rendered for export: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    });
  }

  /** The followed document as the webview names it. */
  private followed(): FollowedFile | undefined {
    if (!this.bound) return undefined;
    return { name: path.basename(this.bound.fileName), path: vscode.workspace.asRelativePath(this.bound.uri) };
  }

  /** Stops following the editor document: the panel keeps its code as its own snippet. */
  private stopFollowing(): void {
    if (!this.bound) return;
    this.unbind();
    this.post({ type: 'experiment', experiment: this.controller.experiment });
    this.save();
  }

  private showStatus(state: string, sps: number): void {
    if (PlaygroundPanel.current !== this) return;
    const bar = this.services.statusBar;
    if (state === 'idle') {
      bar.text = '$(graph-line) Optimizer Playground';
      bar.tooltip = 'Optimizer Playground: idle';
    } else {
      const rate = sps >= 1e6 ? `${(sps / 1e6).toFixed(1)}M` : sps >= 1e3 ? `${(sps / 1e3).toFixed(1)}k` : String(sps);
      bar.text = state === 'running' ? `$(sync~spin) Optimizing ${rate} steps/s` : '$(debug-pause) Optimizer paused';
      bar.tooltip = `Optimizer Playground: ${state}${state === 'running' ? `, ${rate} steps per second` : ''}. Click to stop.`;
    }
    bar.command = state === 'idle' ? 'optimizerPlayground.open' : 'optimizerPlayground.stop';
    bar.show();
  }

  /** Compile and runtime errors of a bound document appear as editor diagnostics too. */
  private showDiagnostics(errors: readonly PanelError[]): void {
    if (!this.bound) return;
    const diags: vscode.Diagnostic[] = [];
    for (const e of [...errors, ...this.runErrors]) {
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
    this.services.diagnostics.set(this.bound.uri, diags);
  }

  private save(): void {
    const experiment = this.controller.experiment;
    void this.services.context.workspaceState.update(STATE_KEY, experiment);
    void this.services.context.workspaceState.update(ORIGIN_KEY, this.origin());
    // Also on disk at once: VS Code flushes webview state and workspace state to storage later, so a
    // reload right after an edit could revive an older experiment (seen in code-server).
    writeSavedExperiment(this.services.context, this.id, experiment, this.origin());
  }

  /** Every open panel (tests). */
  static panels(): readonly PlaygroundPanel[] { return [...PlaygroundPanel.all]; }

  dispose(): void {
    PlaygroundPanel.all.delete(this);
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = [...PlaygroundPanel.all].pop();
    this.unbind();
    this.requests.dispose();
    this.controller.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    if (PlaygroundPanel.all.size === 0) {
      this.services.statusBar.hide();
      void vscode.commands.executeCommand('setContext', 'optimizerPlayground.panelOpen', false);
    }
  }
}
