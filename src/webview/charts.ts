/**
 * The panel's charts as a whole: their views (chartView.ts), the points received (pointStore.ts)
 * and what of them is shown. Registers for the host's point messages; shows every row up to the
 * playback's step (playback.ts) — rows enter the views as the step passes them, and a step moved
 * back while paused fades (or cuts) what lies after it through the scrubber's signal. A chart is
 * embedded again only when its spec's structure changed (theme, layout mode); runs, windows and
 * sizes are set on the views shown.
 */
import { colorPositions, seedGroups, HOVER_SIGNAL, SCRUB_SIGNAL, STEP_MAX_SIGNAL, type ChartTheme } from '../charts';
import { CHART_NAMES, type ChartName, type InspectResult, type RenderedChart } from '../protocol';
import type { HostChannel } from './channel';
import { ChartView, type Row } from './chartView';
import { renderCharts } from './chartExport';
import { curvatureEllipse, startPointAt, SurfaceRows, surfaceLayout } from './chartsSurface';
import { engineLabels } from './experimentDraft';
import type { PanelModel } from './model';
import { panelChartSpecs } from './panelCharts';
import { observeThemeChanges, readChartTheme } from './panelTheme';
import type { PlaybackClock } from './playback';
import { PointStore } from './pointStore';
import { presetOf } from './problemForm';
import type { PanelState } from './state';
import type { Store } from './store';
import { runStability } from '../engine/curvature/ofRun';
import type { RunSpec } from '../engine/types';

type RunSpecPart = Pick<RunSpec, 'optimizer' | 'hyperparameters'>;
import { attachSurfaceInteraction } from './surfaceInteraction';
import { rateMapEigenvalues, rateMapReach, rateMapRunDots, RateMapView, rateNotes } from './rateMapView';

export class Charts {
  readonly views = new Map<ChartName, ChartView>();
  theme: ChartTheme = readChartTheme();
  /** The largest step shown (−1: none): every run's rows up to it are in the views. */
  private revealed = -1;
  /** Rows of each run in the views (a run's rows may arrive after another's have passed the step). */
  private readonly inViews = new Map<number, number>();
  private eventsKey = '';
  private readonly specKeys = new Map<ChartName, string>();
  /** Charts that may be embedded now (startup.ts lets them in one by one). */
  private readonly allowed = new Set<ChartName>(['loss']);
  private readonly surfaceRows = new SurfaceRows();
  /** The convergence-rate map's cells, cursor and moves (a quadratic loss, curvature on). */
  private rateMap: RateMapView | undefined;
  /** Called once the loss chart has first drawn points (startup.ts). */
  onFirstPlot: (() => void) | undefined;

  constructor(private readonly store: Store<PanelState>, channel: HostChannel, private readonly model: PanelModel, clock: PlaybackClock,
    readonly points: PointStore) {
    channel.on('init', (m) => {
      this.restart();
      for (const s of m.points) this.points.add(s);
      for (const r of m.results) if (r.status !== 'running') this.points.finish(r.run);
      this.clearViews();
      clock.received(this.points.maxStep());
      this.relayout();
      this.reveal();
    });
    channel.on('runStart', () => {
      this.restart();
      this.clearViews();
      this.relayout();
      this.reveal();
    });
    channel.on('points', (m) => {
      for (const s of m.series) {
        const delta = this.points.add(s);
        if (delta.replace) this.reshow(s.run);
      }
      clock.received(this.points.maxStep());
      this.reveal();
    });
    channel.on('runEnd', (m) => {
      this.points.finish(m.run);
      this.reveal();
    });
    store.watch((s) => s.playback, () => this.reveal());
    // The Hessian's ellipse is of the step shown while paused (showCurvature): it goes when the runs play on.
    store.watch((s) => s.playback.playing, (playing) => { if (playing) this.views.get('paths')?.clear('ellipse'); });
    store.watch((s) => [s.experiment, s.surface, s.layout, s.info, s.results.length] as const, () => this.relayout());
    store.watch((s) => s.surface, () => { if (!this.relayout().has('paths')) this.loadSurface(); });
    store.watch((s) => s.hostState === 'running' || (s.playback.playing && s.playback.step < s.playback.received),
      (busy) => this.setSignal(HOVER_SIGNAL, !busy));
    observeThemeChanges(() => {
      this.theme = readChartTheme();
      this.relayout();
    });
  }

  /** The chart elements (the charts area renders them). */
  attach(elements: Readonly<Record<ChartName, HTMLElement>>): void {
    for (const name of CHART_NAMES) {
      const view = new ChartView(name, elements[name]);
      view.onError = (m) => this.model.log('error', m);
      view.onCompiled = (key, spec) => this.model.post({ type: 'compiledChart', chart: name, key, spec });
      if (name === 'loss') view.onPlotted = () => this.onFirstPlot?.();
      if (name === 'paths') view.onEmbed = (v, libs) => attachSurfaceInteraction(v, libs, { surface: () => this.store.state.surface, clicked: (x, y) => this.setStart(x, y) });
      if (name === 'rateMap') {
        const map = new RateMapView(this.store, this.model, view);
        this.rateMap = map;
        view.onEmbed = (v) => map.attach(v);
      }
      this.views.set(name, view);
    }
    this.relayout();
  }

  /** Lets `name` be embedded (start-up order: the loss chart first). */
  allow(name: ChartName): void {
    this.allowed.add(name);
    this.relayout();
  }

  /** Forgets the points (a new run of the experiment began). */
  private restart(): void {
    const s = this.store.state;
    this.points.reset((r) => this.labelOf(r), (r) => this.specOf(r));
    this.points.expectSteps(s.experiment?.steps);
    this.points.setDims(s.surface?.dims ?? s.view.dims);
    this.revealed = -1;
    this.inViews.clear();
    this.eventsKey = '';
    this.setSignal(STEP_MAX_SIGNAL, s.experiment && s.experiment.steps > 0 ? s.experiment.steps : null);
    this.setSignal(SCRUB_SIGNAL, -1);
  }

  private clearViews(): void {
    for (const v of this.views.values()) {
      v.clear('points');
      v.clear('events');
      v.clear('crossings');
      v.clear('ellipse');
    }
  }

  /** Rows enter the views up to the step shown; a step before them (paused) fades what follows. */
  private reveal(): void {
    const p = this.store.state.playback;
    if (p.step < this.revealed && p.playing) {
      // Playing on from a step scrubbed back to: what followed it is shown again as it plays.
      const step = p.step;
      for (const v of this.views.values()) v.remove('points', (r) => (r.step as number) > step);
      for (const run of this.inViews.keys()) this.inViews.set(run, this.points.countUpTo(run, step));
      this.revealed = step;
    }
    this.revealed = Math.max(this.revealed, p.step);
    const rows: Row[] = [];
    for (const run of this.points.runIndices()) {
      const from = this.inViews.get(run) ?? 0;
      const next = this.points.rowsFrom(run, from, this.revealed) as unknown as Row[];
      if (next.length === 0) continue;
      this.inViews.set(run, from + next.length);
      for (const r of next) rows.push(r);
    }
    if (rows.length > 0) for (const v of this.views.values()) v.insert('points', rows);
    this.setSignal(SCRUB_SIGNAL, p.step < this.revealed ? p.step : -1);
    this.showEvents();
  }

  /** Divergence markers of the runs whose divergence is shown, and where runs crossed their stability thresholds. */
  private showEvents(): void {
    const rows = this.points.eventRows(this.store.state.results).filter((e) => e.step <= this.revealed) as unknown as Row[];
    const crossings = this.points.crossingRows(this.revealed) as unknown as Row[];
    const s = this.store.state;
    const shownEnds = s.results.map((r) => (r.status !== 'running' && this.revealed >= r.steps ? r.steps : -1));
    const key = JSON.stringify([rows.map((r) => [r.run, r.step]), crossings.map((r) => [r.run, r.step]), s.info?.quadratic ? [s.experiment, shownEnds] : 0]);
    if (key === this.eventsKey) return;
    this.store.update({ rates: rateNotes(s, (run) => this.points.lossesOf(run), this.revealed) });
    this.eventsKey = key;
    const first = new Map<number, string>();
    for (const c of crossings) if (!first.has(c.run as number)) first.set(c.run as number, c.message as string);
    this.store.update({ crossings: first });
    for (const v of this.views.values()) {
      v.clear('events');
      v.insert('events', rows);
      v.clear('crossings');
      v.insert('crossings', crossings);
    }
  }

  /** A run's rows were thinned again: the views take its new rows up to the step shown. */
  private reshow(run: number): void {
    const rows = this.points.rowsIn(-1, this.revealed, run) as unknown as Row[];
    this.inViews.set(run, rows.length);
    for (const v of this.views.values()) {
      v.remove('points', (r) => r.run === run);
      v.insert('points', rows);
    }
  }

  private setSignal(name: string, value: unknown): void {
    for (const v of this.views.values()) v.setSignal(name, value);
  }

  /** A run's optimizer and hyperparameters (its stability threshold), when the experiment asks for curvature. */
  private specOf(run: number): RunSpecPart | undefined {
    const e = this.store.state.experiment;
    const r = e?.curvature ? e.runs[run] : undefined;
    if (!r) return undefined;
    const spec = { optimizer: r.optimizer, hyperparameters: r.hyperparameters };
    try {
      runStability(spec);  // a draft's hyperparameter of the wrong kind: no threshold rather than a broken chart
      return spec;
    } catch {
      return undefined;
    }
  }

  /**
   * The Hessian's ellipse on the paths chart at the point an inspect reply is about (the selected
   * run at the step shown), its longest axis about a sixth of the plotted window; cleared without a Hessian.
   */
  showCurvature(run: number, reply: InspectResult): void {
    const view = this.views.get('paths');
    if (!view) return;
    view.clear('ellipse');
    view.insert('ellipse', curvatureEllipse(this.store.state, run, reply));
  }

  private labelOf(run: number): string {
    const s = this.store.state;
    return s.results.find((r) => r.run === run)?.label ?? labels(s)[run] ?? `run ${run + 1}`;
  }

  /**
   * Embeds each allowed chart whose spec changed and returns those embedded (they load every row
   * shown themselves); the others get the new values on their views.
   */
  relayout(): Set<ChartName> {
    const embedded = new Set<ChartName>();
    const s = this.store.state;
    if (!s.experiment || this.views.size === 0) return embedded;
    const problem = presetOf(s.experiment);
    const dots = rateMapRunDots(s, (r) => this.labelOf(r));
    const reach = rateMapReach(s, dots);
    const specs = panelChartSpecs({
      theme: this.theme, runs: s.results.length > 0 ? [...s.results].sort((a, b) => a.run - b.run).map((r) => r.label) : labels(s),
      faintRuns: s.experiment.runs.flatMap((r, i) => (r.ghost ? [this.labelOf(i)] : [])), colorOf: colorPositions(s.experiment.runs),
      seedGroups: seedGroups(s.experiment.runs, (r) => this.labelOf(r)),
      layout: s.layout, steps: s.experiment.steps, surface: s.initialized ? surfaceLayout(s) : undefined,
      lossFloor: problem && problem.minima.length > 0 ? Math.min(...problem.minima.map((m) => m.loss)) : undefined,
      curvature: s.experiment.curvature === true,
      ...(reach !== undefined ? { rateMap: { etaMax: reach } } : {}),
    });
    this.points.setDims(s.surface?.dims ?? s.view.dims);
    for (const name of CHART_NAMES) {
      if (!this.allowed.has(name)) continue;
      const view = this.views.get(name)!;
      const spec = specs[name];
      const key = spec ? JSON.stringify(spec) : '';
      if (this.specKeys.get(name) === key) {
        if (name === 'rateMap' && spec) { view.clear('rateDots'); view.insert('rateDots', dots as unknown as Row[]); }
        continue;
      }
      this.specKeys.set(name, key);
      if (!spec) {
        view.finalize();
        continue;
      }
      embedded.add(name);
      view.setSignal(SCRUB_SIGNAL, this.store.state.playback.step < this.revealed ? this.store.state.playback.step : -1);
      void view.embed(spec, () => new Map<string, readonly Row[]>([
        // In step order: a view given many rows at once takes them over a few updates (chartView.ts), every run advancing together.
        ['points', this.points.runIndices().flatMap((run) => this.points.rowsFrom(run, 0, this.revealed).slice(0, this.inViews.get(run) ?? 0))
          .sort((a, b) => a.step - b.step) as unknown as Row[]],
        ['events', this.points.eventRows(this.store.state.results).filter((e) => e.step <= this.revealed) as unknown as Row[]],
        ['crossings', this.points.crossingRows(this.revealed) as unknown as Row[]],
        ...(name === 'paths' ? this.surfaceRows.of(this.store.state.surface) : []),
        ...(name === 'rateMap' ? this.rateMapRows(reach, dots) : []),
      ]));
    }
    return embedded;
  }

  private rateMapRows(reach: number | undefined, dots: readonly unknown[]): Array<[string, readonly Row[]]> {
    const eigenvalues = rateMapEigenvalues(this.store.state);
    if (!this.rateMap || !eigenvalues || reach === undefined) return [];
    return [['rateMap', this.rateMap.cellRows(eigenvalues, reach)], ['rateDots', dots as Row[]], ['rateCursor', this.rateMap.cursorRows()]];
  }

  private loadSurface(): void {
    const view = this.views.get('paths');
    if (!view) return;
    for (const [source, rows] of this.surfaceRows.of(this.store.state.surface)) {
      view.clear(source);
      view.insert(source, rows);
    }
  }

  /** A click on the surface sets the start point there (other coordinates stay). */
  private setStart(x: number, y: number): void {
    const edited = startPointAt(this.store.state, x, y);
    if (edited) this.model.edit(edited);
  }

  /** Every chart as SVG and PNG (Export Results). */
  render(): Promise<RenderedChart[]> {
    return renderCharts(this.views, (m) => this.model.log('warn', m));
  }

  /** Resolves when every chart has applied what it was given. */
  async settled(): Promise<void> {
    await Promise.all([...this.views.values()].map((v) => v.settled()));
  }
}

/** The engine's labels of the experiment's runs (validated once per experiment). */
let labelCache: { experiment: unknown; labels: readonly string[] } | undefined;
function labels(s: PanelState): readonly string[] {
  if (!s.experiment) return [];
  if (labelCache?.experiment !== s.experiment) labelCache = { experiment: s.experiment, labels: engineLabels(s.experiment) };
  return labelCache.labels;
}
