/**
 * The playground panel: builds the page, keeps the webview's view state, applies the host's
 * messages and posts the person's edits.
 *
 * The host owns run state (the experiment, results, points); the panel owns only view state —
 * the scrubbed step, the plotted coordinates, collapsed sections — kept with `setState` so a
 * revived panel looks the same. Every edit posts the whole experiment (`editExperiment`); the
 * host debounces and re-runs. Charts are embedded once per layout change (runs, dimensions,
 * theme, size) and fed streamed points as changesets (see chartView.ts).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import { contourRows, heatmapBounds, HOVER_SIGNAL, minimumRows, STEP_MAX_SIGNAL, surfaceRows, type ChartTheme } from '../charts';
import { runColor } from '../charts/theme';
import {
  checkPanelExperiment, fromWire, parseToWebview, type FromWebview, type LossInfo, type PanelError, type PanelExperiment,
  type PlaybackState, type RenderedChart, type RunResult, type SurfaceData, type ToWebview,
} from '../protocol';
import { ChartView, seedCompiledSpecs, type Row } from './chartView';
import { clear, codicon, h, onNextFrame } from './dom';
import { engineLabels, placeIssues, setField, validateDraft } from './experimentDraft';
import { FieldRegistry } from './fields';
import type { FormulaView } from './formulaView';
import { EditorSlot } from './editorSlot';
import { formatNumber } from './fieldValidation';
import type { SnippetMark } from './lossEditor';
import { panelChartSpecs, SCRUB_SIGNAL, type ChartName } from './panelCharts';
import { observeThemeChanges, readChartTheme } from './panelTheme';
import { PointStore } from './pointStore';
import { lossShape, presetOf, ProblemForm, thetaName } from './problemForm';
import { RunList } from './runList';
import { parseViewState, type ViewState } from './viewState';

export interface PanelHost {
  post(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Hooks a formula view can register (src/webview/formulaView.ts mounts into `formulaSlot`). */
export interface FormulaSlot {
  readonly element: HTMLElement;
}

const CHARTS: readonly ChartName[] = ['loss', 'paths', 'lr', 'gradNorm'];

export class Panel {
  private experiment: PanelExperiment | undefined;
  private readonly panelId: string | undefined;
  private info: LossInfo | undefined;
  private surface: SurfaceData | undefined;
  private results: RunResult[] = [];
  private playback: PlaybackState = 'idle';
  private stepsPerSecond = 0;
  private errors: PanelError[] = [];
  private trusted = true;
  private boundDocument: string | undefined;
  private view: ViewState;
  private theme: ChartTheme;
  private readonly points = new PointStore();
  private readonly fields = new FieldRegistry();
  private readonly charts = new Map<ChartName, ChartView>();
  private layoutKey = '';
  /** The host's `init` arrived (before it, only the loss chart is embedded: see `startUp`). */
  private initialized = false;
  /** The spec each chart was last embedded with (JSON): a chart is embedded again only when its own spec changed. */
  private readonly chartKeys = new Map<ChartName, string>();
  /** Specs of charts waiting for the first plotted point (the start-up order, see `startUp`). */
  private readonly deferredCharts = new Map<ChartName, () => void>();
  /** The first plotted point was shown: the other charts, the editor and the formula view may load. */
  private started = false;
  /** The start-up's work (other charts, editor, formula view), once it began. */
  private startup: Promise<void> | undefined;
  private startWaiters: (() => void)[] = [];
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  /** Surface rows by surface message (computing contours is not free: once per surface, for the paths chart only). */
  private surfaceRowsCache: { surface: SurfaceData; rows: Array<[string, readonly Row[]]> } | undefined;
  private chartWidth = 0;
  private scrubPostTimer: ReturnType<typeof setTimeout> | undefined;
  private editor!: EditorSlot;
  private problemForm!: ProblemForm;
  private runList!: RunList;
  /** The forms were built (showForms). */
  private formsShown = false;
  private formsTimer: ReturnType<typeof setTimeout> | undefined;

  // Elements that change.
  private readonly root: HTMLElement;
  private statusText!: HTMLElement;
  private runButton!: HTMLElement;
  private pauseButton!: HTMLElement;
  private stepButton!: HTMLElement;
  private scrubber!: HTMLInputElement;
  private scrubLabel!: HTMLElement;
  private liveButton!: HTMLElement;
  private errorBanner!: HTMLElement;
  private generalIssues!: HTMLElement;
  private editorNote!: HTMLElement;
  private dimsPicker!: HTMLElement;
  private chartsArea!: HTMLElement;
  private pathsCard!: HTMLElement;
  readonly formulaSlot: FormulaSlot;
  private formula: FormulaView | undefined;
  /** Called when the selected run or its step changes (the formula view listens). */
  onSelection: ((run: number, step: number) => void) | undefined;
  /** Messages the panel could not use, newest last (debug hook). */
  readonly refused: string[] = [];

  constructor(root: HTMLElement, private readonly host: PanelHost) {
    this.root = root;
    const saved = host.getState() as { view?: unknown; experiment?: unknown; panelId?: unknown } | undefined;
    const page = initialData();
    seedCompiledSpecs(page?.compiledCharts);
    // Which panel this is, for the host's per-panel copy of the experiment (revival after a reload).
    this.panelId = typeof saved?.panelId === 'string' ? saved.panelId : typeof page?.panelId === 'string' ? page.panelId : undefined;
    this.view = parseViewState(saved?.view);
    this.theme = readChartTheme();
    this.formulaSlot = { element: h('div', { class: 'formula-slot', id: 'formula-view' }) };
    this.build();
    // The experiment to show before the host's `init`: the webview's own state (a panel shown again,
    // or revived), else the one the host wrote into the page.
    const revived = saved?.experiment !== undefined ? checkPanelExperiment(saved.experiment) : undefined;
    const initial = revived?.ok ? revived : page?.experiment !== undefined ? checkPanelExperiment(page.experiment) : undefined;
    if (initial?.ok) {
      this.setExperiment(initial.message, true);
      // The loss chart can be embedded now, while the host's snapshot is on its way.
      this.relayout();
    }
  }

  /**
   * Start-up order, so that the first point is plotted as early as it can be: the loss chart is
   * embedded first (even before `init`, from the experiment in the page); once it has drawn its
   * first points (or after `START_FALLBACK_MS`, when there are none to draw), the other charts are
   * embedded one after another, then CodeMirror and the formula view (KaTeX) are loaded. Before
   * that, the loss's code shows as plain text in the editor's place.
   */
  private startUp(): void {
    if (this.started) return;
    this.started = true;
    clearTimeout(this.startTimer);
    performance.mark('op:start-rest');
    this.showForms();
    for (const w of this.startWaiters.splice(0)) w();
    this.startup = (async () => {
      for (const name of CHARTS) {
        const embed = this.deferredCharts.get(name);
        if (!embed) continue;
        this.deferredCharts.delete(name);
        embed();
        // One chart per task: each embed compiles and runs a view (tens of ms), and the frames
        // in between keep the panel and VS Code responsive.
        await this.charts.get(name)!.settled();
        await nextTask();
      }
      await this.editor.load().catch((e: unknown) => this.log('error', `the loss editor could not load: ${e instanceof Error ? e.message : String(e)}`));
      await nextTask();
      try {
        const { attachFormulaView } = await import('./formulaView.js');
        this.formula = attachFormulaView({ slot: this.formulaSlot.element, events: this.root, post: (m) => this.host.post(m) });
        this.showFormula();
      } catch (e) {
        this.log('warn', `the formula view could not start: ${e instanceof Error ? e.message : String(e)}`);
      }
      performance.mark('op:started');
    })();
  }

  /** Resolves when the start-up is over (at once before `init`: it cannot start without one). */
  private async startedUp(): Promise<void> {
    if (this.initialized && !this.started) await new Promise<void>((resolve) => this.startWaiters.push(resolve));
    await this.startup;
  }

  /** Starts the rest once the loss chart shows points (called after every change that may have drawn some). */
  private checkStarted(): void {
    if (this.started || this.points.pointCount === 0) return;
    const loss = this.charts.get('loss')!;
    if (this.chartKeys.has('loss')) void loss.settled().then(() => { if (loss.data('points').length > 0) this.startUp(); });
  }

  // ───────────────────────────── building the page ─────────────────────────────

  private build(): void {
    const button = (icon: string, label: string, title: string, onClick: () => void, secondary = true): HTMLElement =>
      h('vscode-button', { icon, secondary, title, onclick: onClick }, label);
    this.runButton = button('play', 'Run', 'Run the experiment from the start (or resume)', () => this.host.post({ type: 'run' }), false);
    this.pauseButton = button('debug-pause', 'Pause', 'Pause streaming', () => this.host.post({ type: 'pause' }));
    this.stepButton = button('debug-step-over', 'Step', 'Show one more step (while paused)', () => this.host.post({ type: 'step', count: 1 }));
    const reset = button('debug-restart', 'Reset', 'Stop and clear the results', () => this.host.post({ type: 'reset' }));
    this.statusText = h('span', { class: 'status-text', role: 'status' });
    const toolbar = h('header', { class: 'toolbar' },
      h('div', { class: 'toolbar-group' }, this.runButton, this.pauseButton, this.stepButton, reset),
      this.statusText,
      h('div', { class: 'toolbar-group toolbar-end' },
        button('go-to-file', 'Open in Editor', 'Open the loss as a TypeScript document', () => this.host.post({ type: 'openInEditor' })),
        button('export', 'Export…', 'Export points (CSV, JSON), the experiment and the charts', () => this.host.post({ type: 'export' })),
        button('copy', 'Copy as PyTorch', 'Copy an equivalent torch.optim script', () => this.host.post({ type: 'copyAsPyTorch' }))));

    // Settings column.
    this.editorNote = h('div', { class: 'editor-note' });
    this.editorNote.hidden = true;
    const editorHost = h('div', { class: 'loss-editor' });
    this.editor = new EditorSlot(editorHost, (source) => this.onEditorEdit(source), cspNonce());
    this.problemForm = new ProblemForm({
      fields: this.fields,
      experiment: () => this.experiment!,
      edit: (next, rebuild) => this.edit(next, rebuild ? 'problem' : 'none'),
      info: () => this.info,
      editorSource: () => this.editor.source,
      boundDocument: () => this.boundDocument,
    }, (source) => {
      if (source !== undefined) this.editor.setSource(source);
    });
    this.runList = new RunList({
      fields: this.fields,
      experiment: () => this.experiment!,
      edit: (next, rebuild) => this.edit(next, rebuild ? 'runs' : 'none'),
      runColor: (i) => runColor(this.theme, i),
      result: (i) => this.results.find((r) => r.run === i),
      selected: () => this.view.selectedRun,
      select: (i) => this.selectRun(i),
    });
    this.generalIssues = h('div', { class: 'general-issues', role: 'alert' });
    this.generalIssues.hidden = true;
    const settings = h('div', { class: 'settings' },
      this.section('loss', 'Loss function', h('div', {}, this.problemForm.picker, this.editorNote, editorHost)),
      this.section('problem', 'Start point and steps', this.problemForm.element),
      this.section('runs', 'Runs', h('div', {}, this.generalIssues, this.runList.element)),
      this.section('formula', 'Update rule', this.formulaSlot.element));

    // Charts column.
    this.scrubber = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'scrubber', 'aria-label': 'Step shown on every chart' });
    this.scrubber.addEventListener('input', () => this.scrubTo(Number(this.scrubber.value)));
    this.scrubLabel = h('span', { class: 'scrub-label' });
    this.liveButton = h('vscode-button', { secondary: true, icon: 'debug-continue', title: 'Follow the latest step', class: 'live-button',
      onclick: () => this.scrubTo(-1) }, 'Latest');
    this.errorBanner = h('div', { class: 'error-banner', role: 'alert' });
    this.errorBanner.hidden = true;
    this.dimsPicker = h('div', { class: 'dims-picker' });
    this.pathsCard = h('div', { class: 'chart-card chart-paths' }, this.dimsPicker);
    const cards: Record<ChartName, HTMLElement> = {
      loss: h('div', { class: 'chart-card chart-loss' }),
      paths: this.pathsCard,
      lr: h('div', { class: 'chart-card chart-lr' }),
      gradNorm: h('div', { class: 'chart-card chart-gradnorm' }),
    };
    for (const name of CHARTS) {
      const el = h('div', { class: 'chart', 'data-chart': name });
      cards[name].appendChild(el);
      const chart = new ChartView(name, el);
      chart.onError = (m) => this.log('error', m);
      // The host keeps each chart's latest compiled spec for later panels (chartView.ts seedCompiledSpecs).
      chart.onCompiled = (key, spec) => this.host.post({ type: 'compiledChart', chart: name, key, spec });
      if (name === 'paths') chart.onEmbed = (view) => this.attachSurfaceClick(view);
      this.charts.set(name, chart);
    }
    this.chartsArea = h('div', { class: 'chart-grid' }, cards.loss, cards.paths, cards.lr, cards.gradNorm);
    const charts = h('div', { class: 'charts' },
      h('div', { class: 'scrub-row' }, codicon('history'), this.scrubber, this.scrubLabel, this.liveButton),
      this.errorBanner, this.chartsArea);

    this.root.classList.add('panel');
    this.root.append(toolbar, h('main', { class: 'layout' }, settings, charts));
    this.updateToolbar();
    this.updateScrubber();

    new ResizeObserver(() => this.onResize()).observe(this.chartsArea);
    observeThemeChanges(() => this.onThemeChange());
  }

  private section(id: string, title: string, content: HTMLElement): HTMLElement {
    const c = h('vscode-collapsible', { heading: title, class: `section section-${id}`, 'data-section': id });
    c.open = !this.view.collapsed[id];
    c.appendChild(content);
    c.addEventListener('vsc-collapsible-toggle', () => {
      this.view = { ...this.view, collapsed: { ...this.view.collapsed, [id]: !c.open } };
      this.saveState();
    });
    return c;
  }

  // ───────────────────────────── host messages ─────────────────────────────

  /** Applies a message from the host, after checking it against the protocol. */
  receive(raw: unknown): void {
    const parsed = parseToWebview(raw);
    if (!parsed.ok) {
      this.refused.push(parsed.error);
      this.log('warn', `refused a message from the host: ${parsed.error}`);
      return;
    }
    try {
      this.apply(parsed.message);
    } catch (e) {
      this.log('error', `applying a ${parsed.message.type} message failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  private apply(m: ToWebview): void {
    switch (m.type) {
      case 'init': {
        performance.mark('op:init');
        const shapeBefore = this.experiment ? JSON.stringify(lossShape(this.experiment, this.info)) : '';
        this.trusted = m.trusted;
        this.boundDocument = m.boundDocument;
        this.info = m.info;
        this.surface = m.surface;
        this.results = [...m.results];
        this.playback = m.state;
        this.errors = [...m.errors];
        // The page may show this experiment already (the host's page data, the saved state): the
        // forms are rebuilt only when it differs, or when the loss's shape (a snippet's dimension,
        // its start) is only known now; rebuilding costs time before the first point.
        this.setExperiment(m.experiment, JSON.stringify(lossShape(m.experiment, this.info)) !== shapeBefore);
        this.runList.updateStatus();
        this.updateStepAxis();
        this.points.reset((r) => this.labelOf(r));
        this.points.setDims(this.surface?.dims ?? this.view.dims);
        for (const s of m.points) this.points.add(s);
        for (const r of this.results) if (r.status !== 'running') this.points.finish(r.run);
        this.showErrors();
        this.updateToolbar();
        // A revived panel gets its points here (the scrubber's range too).
        this.updateScrubber();
        this.updateHover();
        this.initialized = true;
        const embedded = this.relayout();
        this.reloadRows(embedded);
        this.checkStarted();
        this.startTimer ??= setTimeout(() => this.startUp(), START_FALLBACK_MS);
        break;
      }
      case 'experiment':
        this.boundDocument = m.boundDocument;
        this.setExperiment(m.experiment, false);
        break;
      case 'runStart': {
        const shapeBefore = this.experiment ? JSON.stringify(lossShape(this.experiment, this.info)) : '';
        this.info = m.info;
        this.results = [...m.results];
        this.points.reset((r) => this.labelOf(r));
        this.updateStepAxis();
        if (this.view.scrub >= 0) this.view = { ...this.view, scrub: -1 };
        this.runList.updateStatus();
        this.updateHover(true);
        const embedded = this.relayout();
        for (const [name, c] of this.charts) {
          if (embedded.has(name)) continue;
          c.clear('points');
          c.clear('events');
        }
        // Rebuild the start-point fields only when the loss's shape changed (a snippet's dimension or
        // default start): a re-run follows every edit, and rebuilding would steal the focus mid-typing.
        if (this.experiment && JSON.stringify(lossShape(this.experiment, this.info)) !== shapeBefore) this.problemForm.render();
        this.updateScrubber();
        break;
      }
      case 'points': {
        for (const s of m.series) {
          const delta = this.points.add(s);
          for (const c of this.charts.values()) {
            if (delta.replace) c.remove('points', (row) => row.run === s.run);
            c.insert('points', delta.rows as unknown as Row[]);
          }
          const r = this.results.find((x) => x.run === s.run);
          const last = s.steps[s.steps.length - 1];
          if (r && last !== undefined) this.results = this.results.map((x) => (x === r ? { ...x, steps: last } : x));
        }
        this.updateScrubber();
        this.runList.updateStatus();
        this.checkStarted();
        break;
      }
      case 'runEnd': {
        const known = this.results.some((r) => r.run === m.run);
        const ended: RunResult = { run: m.run, label: this.labelOf(m.run), status: m.status, steps: m.steps, message: m.message };
        this.results = known ? this.results.map((r) => (r.run === m.run ? { ...r, status: m.status, steps: m.steps, message: m.message } : r)) : [...this.results, ended];
        const tail = this.points.finish(m.run).rows as unknown as Row[];
        const events = this.points.eventRows(this.results) as unknown as Row[];
        for (const c of this.charts.values()) {
          c.insert('points', tail);
          c.clear('events');
          c.insert('events', events);
        }
        this.runList.updateStatus();
        break;
      }
      case 'status': {
        const was = this.playback;
        this.playback = m.state;
        this.stepsPerSecond = m.stepsPerSecond;
        this.updateToolbar();
        this.updateHover();
        // The formula view's values follow the latest step once streaming stops.
        if (was === 'running' && m.state !== 'running') this.showFormula();
        break;
      }
      case 'error':
        this.errors = [...m.errors];
        this.showErrors();
        break;
      case 'surface':
        this.surface = m.surface;
        if (!this.relayout().has('paths')) this.loadSurfaceRows();
        break;
      case 'theme':
        this.onThemeChange();
        break;
      case 'inspect':
        // The formula view asks and listens for these itself (see formulaView.ts).
        this.root.dispatchEvent(new CustomEvent('op-inspect', { detail: m }));
        break;
      case 'requestCharts':
        void this.renderCharts().then((charts) => this.host.post({ type: 'charts', requestId: m.requestId, charts }));
        break;
    }
  }

  private labelOf(run: number): string {
    return this.results.find((r) => r.run === run)?.label ?? this.experimentLabels()[run] ?? `run ${run + 1}`;
  }

  /** `engineLabels` of the current experiment (validating it once per experiment, not per row). */
  private experimentLabels(): readonly string[] {
    const exp = this.experiment;
    if (!exp) return [];
    if (this.labelCache?.experiment !== exp) this.labelCache = { experiment: exp, labels: engineLabels(exp) };
    return this.labelCache.labels;
  }
  private labelCache: { experiment: PanelExperiment; labels: readonly string[] } | undefined;

  // ───────────────────────────── editing ─────────────────────────────

  /** Shows an experiment from the host (or saved state); `force` rebuilds even when unchanged. */
  private setExperiment(exp: PanelExperiment, force: boolean): void {
    const same = this.experiment !== undefined && JSON.stringify(this.experiment) === JSON.stringify(exp);
    if (same && !force) return;
    this.experiment = exp;
    if (!this.formsShown) {
      // The forms come after the loss chart (showForms).
      this.saveState();
      return;
    }
    this.syncEditor();
    this.problemForm.render();
    this.runList.render();
    this.validate();
    this.saveState();
    this.showFormulaSoon();
  }

  /**
   * Builds the settings' forms (the loss's code, start point and steps, the run cards) for the
   * experiment shown. At start-up they wait for the loss chart: building them (dozens of web
   * components, whose first renders are queued before anything else) took 150–400 ms before the
   * chart could even start to embed. They are built once the chart has drawn its first points, or
   * FORMS_FALLBACK_MS after it was embedded when no points come; every later change renders them
   * at once (setExperiment, edit).
   */
  private showForms(): void {
    if (this.formsShown || !this.experiment) return;
    this.formsShown = true;
    clearTimeout(this.formsTimer);
    this.syncEditor();
    this.problemForm.render();
    this.runList.render();
    this.runList.updateStatus();
    this.showErrors();
    this.showFormula();
    performance.mark('op:forms');
  }

  /** Applies an edit made in the panel and posts the experiment; `rerender` rebuilds a section whose structure changed. */
  private edit(next: PanelExperiment, rerender: 'none' | 'runs' | 'problem'): void {
    this.experiment = next;
    if (rerender === 'runs') this.runList.render();
    else this.runList.syncValues();
    if (rerender === 'problem') {
      this.syncEditor();
      this.problemForm.render();
    }
    this.validate();
    this.saveState();
    if (rerender === 'none') this.showFormula();
    else this.showFormulaSoon();
    if (this.fields.refused.size === 0) this.host.post({ type: 'editExperiment', experiment: next });
  }

  private onEditorEdit(source: string): void {
    if (!this.experiment) return;
    if ('file' in this.experiment.loss) return;
    const wasPreset = 'preset' in this.experiment.loss;
    this.edit({ ...this.experiment, loss: { source } }, wasPreset ? 'problem' : 'none');
  }

  /** Shows the loss's code in the editor: the preset's source, the snippet, or a note for a file. */
  private syncEditor(): void {
    const exp = this.experiment;
    if (!exp) return;
    const loss = exp.loss;
    if ('preset' in loss) {
      const problem = presetOf(exp);
      if (problem) this.editor.setSource(problem.source);
      this.editor.setReadOnly(false);
      this.editorNote.hidden = true;
    } else if ('source' in loss) {
      this.editor.setSource(loss.source);
      this.editor.setReadOnly(false);
      this.editorNote.hidden = true;
    } else {
      this.editor.setReadOnly(true);
      this.editorNote.textContent = `This panel runs ${loss.file}${this.boundDocument ? ` (${this.boundDocument})` : ''}: edit the file in its editor, or use Open in Editor.`;
      this.editorNote.hidden = false;
    }
  }

  /** Checks the experiment with the engine's validator and shows each issue on its field. */
  private validate(): void {
    if (!this.experiment) return;
    const local = validateDraft(this.experiment);
    const host = this.errors.filter((e) => e.kind === 'validation' && e.path !== undefined).map((e) => ({ path: e.path!, message: e.message }));
    const { byField, general } = placeIssues([...local, ...host], this.fields.paths());
    this.fields.setHost(byField);
    clear(this.generalIssues);
    const seen = new Set<string>();
    for (const issue of general) {
      const text = issue.path ? `${issue.path}: ${issue.message}` : issue.message;
      if (seen.has(text)) continue;
      seen.add(text);
      this.generalIssues.appendChild(h('div', { class: 'issue' }, codicon('error'), h('span', {}, text)));
    }
    this.generalIssues.hidden = seen.size === 0;
  }

  private showErrors(): void {
    clear(this.errorBanner);
    const marks: SnippetMark[] = [];
    const shown = this.errors.filter((e) => e.kind !== 'validation' || e.path === undefined);
    if (!this.trusted && this.experiment && 'file' in this.experiment.loss && !shown.some((e) => e.kind === 'trust')) {
      shown.push({ kind: 'trust', message: 'This workspace is not trusted: loss files from it do not run. Presets and the panel\'s own snippets still do.' });
    }
    for (const e of shown) {
      for (const d of e.diagnostics ?? []) marks.push(d);
      const where = e.diagnostics?.[0] ? ` (line ${e.diagnostics[0].line}, column ${e.diagnostics[0].column})` : '';
      this.errorBanner.appendChild(h('div', { class: `error-item kind-${e.kind}` },
        codicon(e.kind === 'trust' ? 'shield' : e.kind === 'compile' || e.kind === 'exports' ? 'error' : 'warning'),
        h('span', { class: 'error-kind' }, KIND_TITLE[e.kind] ?? e.kind),
        h('span', { class: 'error-message' }, e.message + where)));
    }
    if (shown.length > 0 && this.points.pointCount > 0) {
      this.errorBanner.appendChild(h('div', { class: 'error-footnote' }, 'The charts show the last run that worked.'));
    }
    this.errorBanner.hidden = shown.length === 0;
    this.editor.setMarks(marks);
    this.validate();
  }

  // ───────────────────────────── toolbar and scrubber ─────────────────────────────

  private updateToolbar(): void {
    const running = this.playback === 'running';
    const paused = this.playback === 'paused';
    this.runButton.textContent = paused ? 'Resume' : 'Run';
    this.runButton.setAttribute('icon', paused ? 'debug-continue' : 'play');
    (this.runButton as HTMLElement & { disabled: boolean }).disabled = running;
    (this.pauseButton as HTMLElement & { disabled: boolean }).disabled = !running;
    (this.stepButton as HTMLElement & { disabled: boolean }).disabled = !paused;
    const speed = running && this.stepsPerSecond > 0 ? ` · ${formatRate(this.stepsPerSecond)} steps/s` : '';
    const text = `${this.playback === 'idle' ? 'Idle' : running ? 'Running' : 'Paused'}${speed}`;
    // The speed changes a few times a second while running: only the text then, not a new spinning icon.
    if (this.statusText.dataset.state === this.playback && this.statusText.lastElementChild) {
      if (this.statusText.lastElementChild.textContent !== text) this.statusText.lastElementChild.textContent = text;
    } else {
      clear(this.statusText);
      const icon = running ? codicon('loading', 'codicon-modifier-spin') : paused ? codicon('debug-pause') : codicon('circle-large-outline');
      this.statusText.append(icon, h('span', {}, text));
      this.statusText.dataset.state = this.playback;
    }
    this.root.dataset.state = this.playback;
  }

  private updateScrubber(): void {
    const max = this.points.maxStep();
    const live = this.view.scrub < 0;
    const step = live ? max : Math.min(this.view.scrub, max);
    // Called on every streamed batch: touch the DOM only for what changed.
    if (this.scrubber.max !== String(max)) this.scrubber.max = String(max);
    if (this.scrubber.value !== String(step)) this.scrubber.value = String(step);
    if (this.scrubber.disabled !== (max === 0)) this.scrubber.disabled = max === 0;
    const label = `step ${STEP_FORMAT.format(step)} / ${STEP_FORMAT.format(max)}`;
    if (this.scrubLabel.textContent !== label) this.scrubLabel.textContent = label;
    if (this.liveButton.hidden !== live) this.liveButton.hidden = live;
  }

  /**
   * Hover tooltips only while nothing streams (`streaming`: a run is starting): the hover layers'
   * Voronoi diagrams, rebuilt on every update, were most of a streamed update's time. Switched by
   * a signal, so the charts are not embedded again.
   */
  private updateHover(streaming = this.playback === 'running'): void {
    for (const c of this.charts.values()) c.setSignal(HOVER_SIGNAL, !streaming);
  }

  /**
   * The step axes span the experiment's steps: a signal set once per run, so streamed points never
   * change the axes (a domain following the data re-encoded every mark on every update).
   */
  private updateStepAxis(): void {
    const steps = this.experiment?.steps;
    // Rows of a run of known length are thinned in fixed step buckets: final as they stream.
    this.points.expectSteps(steps);
    for (const c of this.charts.values()) c.setSignal(STEP_MAX_SIGNAL, steps !== undefined && steps > 0 ? steps : null);
  }

  /** Moves the step shown on every chart; -1 (or the last step) follows the latest point. */
  scrubTo(step: number): void {
    const max = this.points.maxStep();
    const scrub = step < 0 || (step >= max && this.playback === 'running') ? -1 : step;
    this.view = { ...this.view, scrub };
    for (const c of this.charts.values()) c.setSignal(SCRUB_SIGNAL, scrub);
    this.updateScrubber();
    this.saveState();
    const shown = scrub < 0 ? max : scrub;
    this.showFormula();
    // The host recomputes the surface slice through the scrubbed point (more than two parameters).
    clearTimeout(this.scrubPostTimer);
    this.scrubPostTimer = setTimeout(() => this.host.post({ type: 'scrub', step: shown, run: this.view.selectedRun }), 120);
  }

  // ───────────────────────────── charts ─────────────────────────────

  private surfaceLayout(): { domain: { x: [number, number]; y: [number, number] }; resolution: number; axisTitles: [string, string] } | undefined {
    const s = this.surface;
    const dim = this.experiment ? lossShape(this.experiment, this.info).dim : 0;
    if (!s || dim < 2 || s.xs.length < 2 || s.ys.length < 2) return undefined;
    // The grid's cells, half a cell beyond its first and last points: the window the heatmap image covers.
    const b = heatmapBounds(s.xs, s.ys);
    const domain = { x: [b.x0, b.x1] as [number, number], y: [b.y0, b.y1] as [number, number] };
    return { domain, resolution: s.xs.length, axisTitles: [thetaName(s.dims[0]), thetaName(s.dims[1])] };
  }

  /**
   * Embeds each chart whose spec changed (run labels, dimensions, surface window, theme, width) and
   * returns the names of those it embedded (they load every known row themselves). Before the
   * host's `init` only the loss chart (a revived panel knows its experiment, but not yet its
   * results, surface or size); before the first plotted point, the other charts wait (`startUp`).
   */
  private relayout(): Set<ChartName> {
    const embedded = new Set<ChartName>();
    if (!this.experiment) return embedded;
    const width = Math.max(320, Math.floor(this.chartsArea.clientWidth || 640));
    const runs = this.runLabels();
    const surface = this.initialized ? this.surfaceLayout() : undefined;
    const problem = presetOf(this.experiment);
    const lossFloor = problem && problem.minima.length > 0 ? Math.min(...problem.minima.map((m) => m.loss)) : undefined;
    const wide = width >= 900;
    const chartWidth = wide ? Math.floor((width - 16) / 2) : width;
    const key = JSON.stringify({ runs, surface, lossFloor, chartWidth, theme: this.theme });
    if (key === this.layoutKey) return embedded;
    this.layoutKey = key;
    this.chartWidth = chartWidth;
    this.chartsArea.classList.toggle('two-columns', wide);
    const specs = panelChartSpecs({ theme: this.theme, runs, width: chartWidth, lossFloor, surface });
    this.pathsCard.hidden = this.initialized && !specs.paths;
    if (this.initialized) {
      this.renderDimsPicker();
      this.points.setDims(this.surface?.dims ?? this.view.dims);
    }
    for (const name of CHARTS) {
      if (!this.initialized && name !== 'loss') continue;
      const chart = this.charts.get(name)!;
      const spec = specs[name];
      const specKey = spec ? JSON.stringify(spec) : '';
      if (this.chartKeys.get(name) === specKey) continue;
      this.chartKeys.set(name, specKey);
      this.deferredCharts.delete(name);
      if (!spec) {
        chart.finalize();
        continue;
      }
      embedded.add(name);
      const embed = (): void => {
        chart.setSignal(SCRUB_SIGNAL, this.view.scrub);
        // Rows as they are when the embed runs (it may wait for the start-up).
        const rows = (): Map<string, readonly Row[]> => new Map<string, readonly Row[]>([
          ['points', this.points.allRows() as unknown as Row[]],
          ['events', this.points.eventRows(this.results) as unknown as Row[]],
          ...(name === 'paths' ? this.surfaceData() : []),
        ]);
        void chart.embed(spec, rows).then(() => {
          if (name !== 'loss') return;
          this.checkStarted();
          if (!this.formsShown) this.formsTimer ??= setTimeout(() => this.showForms(), FORMS_FALLBACK_MS);
        });
      };
      // Re-embeds are spread over frames by the chart views themselves (chartView.ts); first embeds
      // wait for the start-up order (startUp).
      if (!this.started && name !== 'loss') this.deferredCharts.set(name, embed);
      else embed();
    }
    return embedded;
  }

  private runLabels(): string[] {
    if (this.results.length > 0) return [...this.results].sort((a, b) => a.run - b.run).map((r) => r.label);
    return [...this.experimentLabels()];
  }

  /** Loads every row known into the charts that were not embedded just now (an `init`). */
  private reloadRows(embedded: ReadonlySet<ChartName>): void {
    const points = this.points.allRows() as unknown as Row[];
    const events = this.points.eventRows(this.results) as unknown as Row[];
    for (const [name, c] of this.charts) {
      if (embedded.has(name)) continue;
      c.clear('points');
      c.insert('points', points);
      c.clear('events');
      c.insert('events', events);
    }
    if (!embedded.has('paths')) this.loadSurfaceRows();
  }

  private surfaceData(): Array<[string, readonly Row[]]> {
    const s = this.surface;
    if (!s) return [];
    if (this.surfaceRowsCache?.surface !== s) {
      const values = this.surfaceValues(s);
      this.surfaceRowsCache = {
        surface: s,
        rows: [
          ['surface', surfaceRows(s.xs, s.ys, values) as unknown as Row[]],
          ['contours', contourRows(s.xs, s.ys, values) as unknown as Row[]],
          ['minima', minimumRows(s.minima ?? [], s.dims) as unknown as Row[]],
        ],
      };
    }
    return this.surfaceRowsCache.rows;
  }

  private loadSurfaceRows(): void {
    const chart = this.charts.get('paths')!;
    for (const [source, rows] of this.surfaceData()) {
      chart.clear(source);
      chart.insert(source, rows);
    }
  }

  /** For more than two parameters: which two are on the surface chart's axes. */
  private renderDimsPicker(): void {
    clear(this.dimsPicker);
    const dim = this.experiment ? lossShape(this.experiment, this.info).dim : 0;
    this.dimsPicker.hidden = dim <= 2;
    if (dim <= 2) return;
    const dims = this.surface?.dims ?? this.view.dims;
    const pick = (axis: 0 | 1): HTMLElement => {
      const select = document.createElement('vscode-single-select');
      for (let i = 0; i < Math.min(dim, 200); i++) {
        const o = h('vscode-option', { value: String(i) }, `θ${i}`);
        if (i === dims[axis]) o.setAttribute('selected', '');
        select.appendChild(o);
      }
      select.value = String(dims[axis]);
      select.setAttribute('aria-label', axis === 0 ? 'Horizontal axis parameter' : 'Vertical axis parameter');
      select.addEventListener('change', () => {
        const next: [number, number] = [dims[0], dims[1]];
        next[axis] = Number(select.value);
        if (next[0] === next[1]) next[1 - axis] = dims[axis];
        this.view = { ...this.view, dims: next };
        this.saveState();
        this.host.post({ type: 'pickDims', dims: next });
      });
      return select;
    };
    this.dimsPicker.append(h('span', { class: 'dims-label' }, 'Axes'), pick(0), h('span', { class: 'dims-sep' }, '×'), pick(1),
      h('span', { class: 'dims-hint' }, 'other coordinates fixed at the scrubbed point'));
  }

  /** A click on the surface sets the start point there (other coordinates stay as they are). */
  /**
   * The surface chart's own interactions: a click sets the start point there; hovering the
   * heatmap (where no path or marker is) shows the plotted coordinates and the loss of the nearest
   * grid point of the surface, in the charts' tooltip.
   */
  private attachSurfaceClick(view: View): void {
    view.addEventListener('click', (event) => {
      if (!this.experiment) return;
      const at = this.surfacePoint(view, event as MouseEvent);
      if (!at) return;
      const shape = lossShape(this.experiment, this.info);
      const init = [...(this.experiment.init ?? shape.init)];
      const [dx, dy] = this.surface?.dims ?? this.view.dims;
      init[dx] = round(at.x);
      init[dy] = round(at.y);
      this.edit(setField(this.experiment, 'init', init), 'problem');
    });
    type Tooltip = (handler: unknown, event: Event, item: unknown, value: unknown) => void;
    const show = (event: Event, value: Record<string, string> | null): void => {
      // The view's tooltip handler (vega-tooltip's, set by vega-embed), called as Vega calls it.
      (view as unknown as { tooltip(): Tooltip }).tooltip().call(view, undefined, event, null, value);
    };
    let shown = false;
    view.addEventListener('pointermove', (event, item) => {
      // A path's point, start or minimum near the pointer has its own tooltip. (The paths' hover layer
      // offers the nearest point wherever the pointer is; it is only "near" within HOVER_NEAR_PX.)
      if (item && (item as { tooltip?: unknown }).tooltip != null && this.nearPointer(view, event as MouseEvent, item)) return;
      const value = this.surfaceTooltip(view, event as MouseEvent);
      if (value || shown) show(event, value);
      shown = value !== null;
    });
    view.container()?.addEventListener('pointerleave', (event) => {
      if (shown) show(event, null);
      shown = false;
    });
  }

  /** Whether the row of a scenegraph item (a point, or the hover layer's Voronoi cell of one) is drawn within HOVER_NEAR_PX of the pointer. */
  private nearPointer(view: View, ev: MouseEvent, item: unknown): boolean {
    const d = (item as { datum?: Record<string, unknown> }).datum;
    const row = d && typeof d.datum === 'object' && d.datum !== null ? d.datum as Record<string, unknown> : d;
    const at = this.surfacePoint(view, ev);
    if (!row || !at || typeof row.x !== 'number' || typeof row.y !== 'number') return true;
    const sx = view.scale('x') as unknown as (v: number) => number;
    const sy = view.scale('y') as unknown as (v: number) => number;
    return Math.hypot(sx(row.x) - sx(at.x), sy(row.y) - sy(at.y)) <= HOVER_NEAR_PX;
  }

  /** The plotted coordinates under the pointer, if it is inside the plot. */
  private surfacePoint(view: View, ev: MouseEvent): { x: number; y: number } | undefined {
    const canvas = (view.container() ?? this.charts.get('paths')!.element).querySelector('canvas');
    if (!canvas) return undefined;
    const rect = canvas.getBoundingClientRect();
    const [ox, oy] = view.origin();
    const px = ev.clientX - rect.left - ox;
    const py = ev.clientY - rect.top - oy;
    if (px < 0 || py < 0 || px > view.width() || py > view.height()) return undefined;
    const x = (view.scale('x') as unknown as { invert(v: number): number }).invert(px);
    const y = (view.scale('y') as unknown as { invert(v: number): number }).invert(py);
    return { x, y };
  }

  /** The heatmap's tooltip at the pointer: θ's there and the loss of the surface's nearest grid point. */
  private surfaceTooltip(view: View, ev: MouseEvent): Record<string, string> | null {
    const s = this.surface;
    const at = this.surfacePoint(view, ev);
    if (!s || !at || s.xs.length < 2 || s.ys.length < 2) return null;
    const nearest = (grid: readonly number[], v: number): number => {
      const step = (grid[grid.length - 1]! - grid[0]!) / (grid.length - 1);
      return Math.min(grid.length - 1, Math.max(0, Math.round((v - grid[0]!) / step)));
    };
    const i = nearest(s.xs, at.x);
    const j = nearest(s.ys, at.y);
    const values = this.surfaceValues(s);
    const loss = values[j * s.xs.length + i];
    const [dx, dy] = s.dims;
    return {
      [thetaName(dx)]: String(Number(at.x.toPrecision(4))),
      [thetaName(dy)]: String(Number(at.y.toPrecision(4))),
      [`loss at (${Number(s.xs[i]!.toPrecision(4))}, ${Number(s.ys[j]!.toPrecision(4))})`]:
        loss !== undefined && Number.isFinite(loss) ? String(Number(loss.toPrecision(6))) : 'not finite',
    };
  }

  private surfaceValues(s: SurfaceData): ArrayLike<number> {
    if (this.surfaceValuesCache?.surface !== s) this.surfaceValuesCache = { surface: s, values: fromWire(s.loss) };
    return this.surfaceValuesCache.values;
  }
  private surfaceValuesCache: { surface: SurfaceData; values: ArrayLike<number> } | undefined;

  private onResize(): void {
    const w = this.chartsArea.clientWidth;
    const wide = w >= 900;
    const next = wide ? Math.floor((w - 16) / 2) : w;
    if (Math.abs(next - this.chartWidth) < 24) return;
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.relayout(), 150);
  }
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;

  private onThemeChange(): void {
    this.theme = readChartTheme();
    this.runList.updateStatus();
    this.relayout();
  }

  /** Renders every chart for Export Results (SVG and PNG). */
  private async renderCharts(): Promise<RenderedChart[]> {
    const out: RenderedChart[] = [];
    await this.startedUp();
    for (const [name, chart] of this.charts) {
      await chart.settled();
      const view = chart.currentView;
      if (!view) continue;
      try {
        const svg = await view.toSVG();
        const png = await view.toImageURL('png', 2);
        out.push({ name, svg, png });
      } catch (e) {
        this.log('warn', `rendering the ${name} chart for export failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out;
  }

  // ───────────────────────────── state, logs, debug ─────────────────────────────

  private saveState(): void {
    this.host.setState({ experiment: this.experiment, view: this.view, savedAt: Date.now(), ...(this.panelId ? { panelId: this.panelId } : {}) });
  }

  private log(level: 'error' | 'warn' | 'info', message: string): void {
    this.host.post({ type: 'log', level, message });
  }

  /** Selects a run (the formula view shows its update rule). */
  selectRun(run: number): void {
    this.view = { ...this.view, selectedRun: run };
    this.saveState();
    this.runList.markSelected(run);
    this.showFormula();
  }

  /** The formula view follows the selected run at the scrubbed step. */
  /**
   * The update rule a frame after a structural edit: the cards the run list builds and the rule
   * KaTeX builds again (with the layout of its new DOM, 35–55 ms: bench/runListRender.ts) then do
   * not share one frame.
   */
  private showFormulaSoon(): void {
    this.formulaFrame ??= onNextFrame(() => {
      this.formulaFrame = undefined;
      this.showFormula();
    });
  }
  private formulaFrame: { cancel(): void } | undefined;

  private showFormula(): void {
    this.formulaFrame?.cancel();
    this.formulaFrame = undefined;
    const exp = this.experiment;
    if (!exp || !this.formula || exp.runs.length === 0) return;
    const run = Math.min(this.view.selectedRun, exp.runs.length - 1);
    const r = exp.runs[run]!;
    const step = this.view.scrub < 0 ? this.points.maxStep() : this.view.scrub;
    try {
      this.formula.select(run, step, { optimizer: r.optimizer, hyperparameters: r.hyperparameters, label: r.label, schedule: r.schedule, clip: r.clip });
    } catch (e) {
      this.log('warn', `formula view: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.onSelection?.(run, step);
  }

  /** For the browser test and for debugging in devtools: `window.__optimizerPlayground`. */
  debug(): Record<string, unknown> {
    return {
      experiment: () => this.experiment,
      view: () => this.view,
      chart: (name: ChartName) => this.charts.get(name)?.currentView,
      data: (name: ChartName, source: string) => this.charts.get(name)?.data(source) ?? [],
      stats: (name: ChartName) => this.charts.get(name)?.stats(),
      resetStats: () => { for (const c of this.charts.values()) c.resetStats(); },
      settled: async () => {
        await this.startedUp();
        await Promise.all([...this.charts.values()].map((c) => c.settled()));
        await this.runList.complete();
        // A structural edit's update rule comes a frame later (showFormulaSoon).
        await new Promise<void>((resolve) => onNextFrame(resolve));
        await document.fonts.ready;
      },
      editorLoaded: () => this.editor.loaded,
      /** Applies an experiment as if the person had edited the panel (benchmarks). */
      applyExperiment: (exp: PanelExperiment) => {
        const checked = checkPanelExperiment(exp);
        if (!checked.ok) throw new Error(checked.error);
        this.edit(checked.message, 'problem');
        this.runList.render();
      },
      fieldMessages: () => this.fields.messages(),
      refused: this.refused,
      scrubTo: (step: number) => this.scrubTo(step),
      pointCount: () => this.points.pointCount,
      displayCount: () => this.points.displayCount,
      theme: () => this.theme,
    };
  }
}

/** When the first point does not come (an error, nothing to run), the rest of the panel loads after this long. */
const START_FALLBACK_MS = 1200;

/** On the surface chart, a path's point is "under" the pointer within this distance; farther, the heatmap's tooltip shows. */
const HOVER_NEAR_PX = 16;

/** When the loss chart, embedded, has no points to draw yet, the forms are built after this long (showForms). */
const FORMS_FALLBACK_MS = 150;

/** Resolves in a later task (lets the browser paint and handle input in between). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** What the host wrote into the page (`<script type="application/json" id="op-initial">`): the experiment and the panel's id. */
function initialData(): { experiment?: unknown; panelId?: unknown; compiledCharts?: unknown } | undefined {
  const text = document.getElementById('op-initial')?.textContent;
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as unknown;
    return data && typeof data === 'object' ? data as { experiment?: unknown; panelId?: unknown; compiledCharts?: unknown } : undefined;
  } catch {
    return undefined;
  }
}

/** Step counts with thousands separators (one formatter: `toLocaleString` builds one per call). */
const STEP_FORMAT = new Intl.NumberFormat('en-US');

const KIND_TITLE: Record<string, string> = {
  compile: 'Compile error', exports: 'Loss exports', runtime: 'Runtime error', timeout: 'Timeout', memory: 'Out of memory',
  trust: 'Restricted mode', io: 'File error', validation: 'Invalid experiment', internal: 'Internal error',
};

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e4 ? `${Math.round(r / 1e3)}k` : String(Math.round(r));
}

/** Rounds a clicked coordinate to 3 significant decimals of the window, so the start point reads well. */
function round(v: number): number {
  return Number(formatNumber(Number(v.toPrecision(3))));
}

/** The CSP nonce the host published for libraries that mount `<style>` elements. */
function cspNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content
    ?? document.getElementById('app')?.dataset.nonce ?? undefined;
}
