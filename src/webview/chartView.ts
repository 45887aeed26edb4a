/**
 * One chart of the panel: a Vega-Lite spec embedded with vega-embed into an element, and the
 * queue that streams rows into its named data sources.
 *
 * The spec is embedded once per change of its structure (theme, layers); a spec that differs from
 * the one shown only in its value signals (runs, window, steps, loss floor: `specSignals` in
 * src/charts/specs.ts) and its plot size keeps the view and sets those in its next update. Rows go
 * in as changesets through a `ChangesetQueue`, so at most one `runAsync` is in flight per view.
 * Embedding follows the strict CSP: Vega's expression interpreter instead of `new Function`
 * (`ast: true`), no stylesheet injected by vega-embed or vega-tooltip (their rules live in
 * media/panel.css), the canvas renderer, no action menu.
 */
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import {
  GRAD_START_SIGNAL, HEATMAP_SOURCE, HEATMAP_STYLE_SIGNAL, HOVER_SIGNAL, LOSS_START_SIGNAL, specSignals, type ContourRow, type SpecSignals, type SurfaceRow,
} from '../charts';
import { onNextFrame } from './dom';
import { ChangesetQueue, reconcileReplace, type SourceChange } from './changesetQueue';
import { heatmapRow, type HeatmapStyle } from './heatmap';

type Vega = typeof import('vega', { with: { 'resolution-mode': 'import' } });
type Embed = typeof import('vega-embed', { with: { 'resolution-mode': 'import' } });
type Interpreter = typeof import('vega-interpreter', { with: { 'resolution-mode': 'import' } });
type VegaLite = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });

interface Libraries {
  readonly vega: Vega;
  readonly embed: Embed['default'];
  readonly expressionInterpreter: Interpreter['expressionInterpreter'];
  readonly compile: VegaLite['compile'];
  readonly vegaLiteVersion: string;
}

let libraries: Promise<Libraries> | undefined;

/** Loads Vega, vega-embed and the expression interpreter once (they are ESM; the bundle inlines them). */
export function loadVega(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-embed'), import('vega-interpreter'), import('vega-lite')])
    .then(([vega, embed, interp, vl]) => ({ vega, embed: embed.default, expressionInterpreter: interp.expressionInterpreter, compile: vl.compile, vegaLiteVersion: vl.version }));
  return libraries;
}

/**
 * Vega specs compiled by earlier panels (the host keeps the latest of each chart and writes them
 * into the page: src/extension/panel.ts), by key: Vega-Lite's version and the spec's structure
 * (`specSignals`: without its values and size). An embed whose structure has one uses it, with its
 * own values and size written in (`withValues`), instead of compiling.
 */
const compiledSpecs = new Map<string, unknown>();

/** Takes the page's `compiledCharts` (`{ [chart]: { key, spec } }`); anything else in it is ignored. */
export function seedCompiledSpecs(charts: unknown): void {
  if (!charts || typeof charts !== 'object') return;
  for (const entry of Object.values(charts as Record<string, unknown>)) {
    const e = entry as { key?: unknown; spec?: unknown } | null;
    if (e && typeof e.key === 'string' && e.spec && typeof e.spec === 'object' && !Array.isArray(e.spec)) compiledSpecs.set(e.key, e.spec);
  }
}

/** The key of a compiled Vega spec: Vega-Lite's version and the structure it was compiled from. */
function compiledKey(vegaLiteVersion: string, parts: SpecSignals): string {
  return `${vegaLiteVersion}\n${parts.structure}`;
}

/**
 * A copy of a compiled spec with `parts`' values and size: each value signal is a top-level Vega
 * signal with a `value`, and the plot size is the spec's `width` and `height` (as Vega-Lite
 * compiles the panel's specs; test/charts/specSignals.test.ts).
 */
function withValues(compiled: unknown, parts: SpecSignals): unknown {
  const spec = structuredClone(compiled) as { width?: number; height?: number; signals?: Array<{ name: string; value?: unknown }> };
  if (parts.width !== undefined) spec.width = parts.width;
  if (parts.height !== undefined) spec.height = parts.height;
  for (const signal of spec.signals ?? []) if (parts.values.has(signal.name)) signal.value = parts.values.get(signal.name);
  return spec;
}

export type Row = Record<string, unknown>;

/**
 * Schedules queue flushes: one view per animation frame, round-robin, so that a burst of
 * messages costs each frame at most one view's dataflow run and render (the heavy, synchronous
 * part of `runAsync`), instead of all four views in one long frame.
 */
const frameQueue: Array<() => void> = [];
let frameRequested = false;
function runNextFlush(): void {
  frameRequested = false;
  const next = frameQueue.shift();
  next?.();
  if (frameQueue.length > 0) requestFrame();
}
function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  onNextFrame(runNextFlush);
}
const frameScheduler = (flush: () => void): void => {
  frameQueue.push(flush);
  requestFrame();
};

/**
 * Most point rows one update inserts: each row is encoded by several marks (through the
 * expression interpreter), so a burst — the host catching up with a fast run — is spread over a
 * few frames instead of making one long one. (400 left 1–3 frames over 100 ms in
 * bench/webviewStream.ts's four-run stream, 200 none in three runs, with the same total update time.)
 */
const MAX_ROWS_PER_UPDATE = 200;

/** Shortest time between two updates of one view while points stream (about 6 per second). */
const MIN_UPDATE_INTERVAL_MS = 160;

export class ChartView {
  private view: View | undefined;
  private queue: ChangesetQueue<Row> | undefined;
  private generation = 0;
  private embedding: Promise<void> = Promise.resolve();
  private signals = new Map<string, unknown>();
  /** Time spent in `runAsync` for changesets (debug hook, benchmarks). */
  private runTimes = { total: 0, max: 0, slow: [] as string[] };
  /** Called with the Vega view after each embed (event listeners are attached there). */
  onEmbed: ((view: View) => void) | undefined;
  /** Called with each spec this view compiled (its key and the Vega spec): the panel hands them to the host to keep. */
  onCompiled: ((key: string, vegaSpec: Readonly<Record<string, unknown>>) => void) | undefined;
  /** Called when embedding or a changeset fails. */
  onError: ((message: string) => void) | undefined;

  constructor(readonly name: string, readonly element: HTMLElement) {
    // Hover layers switch on when the pointer first comes over the chart (see `setSignal`).
    element.addEventListener('pointerenter', () => {
      if (this.pointerCame) return;
      this.pointerCame = true;
      this.applyHover();
    });
  }

  /** The panel's wish for HOVER_SIGNAL (false while streaming). */
  private hoverWanted: unknown = true;
  /** The pointer came over this chart since the hover layers were last switched off. */
  private pointerCame = false;

  get currentView(): View | undefined {
    return this.view;
  }

  /**
   * Embeds `spec` (replacing the chart shown), then loads `data` (all rows known so far, by
   * source). Embeds are serialised: a newer call supersedes a pending older one.
   */
  embed(spec: TopLevelSpec, data: () => ReadonlyMap<string, readonly Row[]>): Promise<void> {
    const generation = ++this.generation;
    const parts = specSignals(spec);
    const json = parts.structure;
    this.takeValues(parts);
    this.embedding = this.embedding.then(async () => {
      if (generation !== this.generation) return;
      const view = this.view;
      const queue = this.queue;
      if (view && queue && json === this.embeddedSpec) {
        // The same structure again (new runs, window, steps or size, or nothing changed in this
        // chart): keep the view, set the new values (takeValues) and bring its rows up to date in
        // one update; unchanged rows stay (see applyChanges), nothing is compiled.
        performance.mark(`op:embed-reused:${this.name}`);
        this.reuses++;
        this.load(view, queue, data(), true);
        await queue.whenIdle();
        return;
      }
      if (this.embeddedSpec !== undefined) this.changes.push(specChange(this.embeddedSpec, json));
      // A re-embed (a layout change, maybe while points stream) waits for a frame, like the
      // updates, so that four charts re-embedded together are four frames, not one long one.
      // (A chart's first embed goes at once: the panel orders those itself.)
      const nextFrame = async (): Promise<boolean> => {
        if (view) await new Promise<void>((resolve) => frameScheduler(resolve));
        return generation === this.generation;
      };
      if (!(await nextFrame())) return;
      this.embeddedSpec = undefined;
      performance.mark(`op:embed-start:${this.name}`);
      const { vega, embed, expressionInterpreter, compile, vegaLiteVersion } = await loadVega();
      performance.mark(`op:vega-loaded:${this.name}`);
      // Vega-Lite → Vega here (unless an earlier panel compiled this very spec), and the Vega view
      // in a later frame when this is a re-embed: the two halves of an embed are each tens of
      // milliseconds, together one long frame.
      let vegaSpec: unknown;
      try {
        const key = compiledKey(vegaLiteVersion, parts);
        const kept = compiledSpecs.get(key);
        if (kept !== undefined) {
          vegaSpec = withValues(kept, parts);
          this.fromCache++;
        } else {
          vegaSpec = compile(spec as never).spec;
          compiledSpecs.set(key, vegaSpec);
          this.onCompiled?.(key, vegaSpec as Record<string, unknown>);
        }
        performance.mark(`op:compiled:${this.name}`);
      } catch (e) {
        this.onError?.(`${this.name} chart: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (!(await nextFrame())) return;
      this.queue?.dispose();
      this.queue = undefined;
      this.view?.finalize();
      this.view = undefined;
      try {
        const result = await embed(this.element, vegaSpec as never, {
          mode: 'vega',
          renderer: 'canvas',
          actions: false,
          ast: true,
          expr: expressionInterpreter,
          defaultStyle: false,
          tooltip: { disableDefaultStyle: true, theme: 'custom' },
          logLevel: vega.Error,
        });
        if (generation !== this.generation) {
          result.finalize();
          return;
        }
        const view = result.view;
        this.view = view;
        this.embeddedSpec = json;
        performance.mark(`op:embedded:${this.name}`);
        this.embeds++;
        const queue = new ChangesetQueue<Row>((changes) => this.applyChanges(vega, view, changes), (flush) => this.scheduleFlush(flush),
          (source) => (source === 'points' ? MAX_ROWS_PER_UPDATE : Infinity));
        this.queue = queue;
        for (const [name, value] of this.signals) this.trySignal(view, name, value);
        this.layoutDue = false;
        this.axes = '';
        this.surfaceRows = [];
        this.contourRows = [];
        this.heatmapDrawn = undefined;
        this.load(view, queue, data(), false);
        this.onEmbed?.(view);
        await queue.whenIdle();
      } catch (e) {
        this.onError?.(`${this.name} chart: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return this.embedding;
  }

  /**
   * Takes a spec's value signals and size (`specSignals`) as the latest wishes for them: a value
   * that differs from the previous spec's is set like `setSignal` (on the view shown, in its next
   * update, and on every later embed), the size on the next update. The first spec's values are
   * the compiled spec's own (a value set by `setSignal` before stays: the panel's step count).
   */
  private takeValues(parts: SpecSignals): void {
    const given = this.givenValues;
    this.givenValues = parts.values;
    this.size = { width: parts.width, height: parts.height };
    if (!given) return;
    for (const [name, value] of parts.values) {
      if (JSON.stringify(given.get(name)) === JSON.stringify(value)) continue;
      this.putSignal(name, value);
      // The legend's entries, the axes' domains or a title change the layout.
      this.layoutDue = true;
    }
    this.queue?.touch();
  }
  /** The value signals of the spec given last (undefined before the first). */
  private givenValues: ReadonlyMap<string, unknown> | undefined;
  /** The plot size of the spec given last. */
  private size: { width?: number; height?: number } = {};
  /** The view is to be laid out again after its next update (a value signal or the size changed). */
  private layoutDue = false;

  /**
   * At most one update per view every MIN_UPDATE_INTERVAL_MS: each update costs time in
   * proportion to the rows the view holds, so fewer, larger changesets keep streaming cheap
   * (rows pushed meanwhile coalesce in the queue).
   */
  private scheduleFlush(flush: () => void): void {
    const wait = this.lastFlush + MIN_UPDATE_INTERVAL_MS - performance.now();
    const go = (): void => frameScheduler(() => {
      this.lastFlush = performance.now();
      flush();
    });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }
  private lastFlush = -Infinity;
  /** Points were drawn once (a mark for the benchmark). */
  private plotted = false;
  /** Times a spec was embedded (debug hook: layout changes, never per batch). */
  private embeds = 0;
  /** Times an embed was asked for with the spec already shown (the view was kept). */
  private reuses = 0;
  /** The spec shown (JSON), while its view is. */
  private embeddedSpec: string | undefined;
  /** What changed in the spec at each re-embed, briefly (debug hook: why a chart was embedded again). */
  private readonly changes: string[] = [];

  private hasData(view: View, source: string): boolean {
    try {
      view.data(source);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Queues the rows of `data` this view takes (each source's replacing what it holds, when
   * `replace`: a view kept for the same spec) and puts the runs' starts they give.
   */
  private load(view: View, queue: ChangesetQueue<Row>, data: ReadonlyMap<string, readonly Row[]>, replace: boolean): void {
    this.starts.clear();
    for (const [source, rows] of data) {
      this.noteRows(source, rows);
      if (!this.accepts(view, source)) continue;
      if (replace) queue.clear(source);
      if (rows.length > 0) queue.insert(source, rows);
    }
    this.putStarts();
  }

  /** Whether changes to `source` concern this view: its own data, or the surface its heatmap image is drawn from. */
  private accepts(view: View, source: string): boolean {
    return this.hasData(view, source) || this.heldForImage(view, source);
  }

  /** `source` is one the view's heatmap image is drawn from, kept here (surfaceRows, contourRows), not in its dataflow. */
  private heldForImage(view: View, source: string): boolean {
    return IMAGE_SOURCES.has(source) && !this.hasData(view, source) && this.hasData(view, HEATMAP_SOURCE);
  }

  private async applyChanges(vega: Vega, view: View, changes: ReadonlyMap<string, SourceChange<Row>>): Promise<void> {
    for (const [name, value] of this.signals) this.trySignal(view, name, value);
    const { width, height } = this.size;
    if (width !== undefined && view.width() !== width) {
      view.width(width);
      this.layoutDue = true;
    }
    if (height !== undefined && view.height() !== height) {
      view.height(height);
      this.layoutDue = true;
    }
    for (const [source, change] of changes) {
      if (this.heldForImage(view, source)) {
        // Kept here, drawn into the heatmap image below; never in the dataflow.
        const held = (source === 'surface' ? this.surfaceRows : this.contourRows) as unknown as Row[];
        let rows = change.clear ? [] : change.remove.length > 0 ? held.filter((r) => !change.remove.some((p) => p(r))) : [...held];
        rows = rows.concat(change.insert);
        if (source === 'surface') this.surfaceRows = rows as unknown as SurfaceRow[];
        else this.contourRows = rows as unknown as ContourRow[];
        continue;
      }
      if (!this.hasData(view, source)) continue;
      const cs = vega.changeset();
      if ((change.remove.length > 0 || change.clear) && change.insert.length > 0 && source === 'points') {
        // A run's rows replaced by a thinner set (mostly a subset), or every row sent again: drop only what went.
        const r = reconcileReplace(view.data(source) as Row[], change.clear ? [() => true] : change.remove, change.insert, pointKey, samePoint);
        if (r.remove.length > 0) cs.remove(r.remove);
        if (r.insert.length > 0) cs.insert(r.insert);
      } else if (change.clear) {
        cs.remove(() => true);
        if (change.insert.length > 0) cs.insert(change.insert);
      } else {
        if (change.remove.length > 0) cs.remove((t: object) => change.remove.some((p) => p(t as Row)));
        if (change.insert.length > 0) cs.insert(change.insert);
      }
      view.change(source, cs);
    }
    const t0 = performance.now();
    // The size, the legend or a title changed (new values): this run lays the view out again.
    const laidOut = this.layoutDue;
    this.layoutDue = false;
    if (laidOut) view.resize();
    await view.runAsync();
    const axes = axisKey(view);
    if (axes !== this.axes) {
      // An axis changed (its labels may be wider): lay the view out again (the specs do not on every update).
      this.axes = axes;
      if (!laidOut) {
        view.resize();
        await view.runAsync();
      }
    }
    if ((changes.has('surface') || changes.has('contours')) && this.hasData(view, HEATMAP_SOURCE)) {
      // In a frame of its own: this update may have moved the window (every mark encoded again).
      this.heatmapPending = new Promise<void>((resolve) => frameScheduler(() => resolve(this.drawHeatmap(vega, view))));
    }
    const ms = performance.now() - t0;
    if (!this.plotted && this.data('points').length > 0) {
      this.plotted = true;
      performance.mark(`op:plotted:${this.name}`);
    }
    this.runTimes.total += ms;
    this.runTimes.max = Math.max(this.runTimes.max, ms);
    if (ms > 50 && this.runTimes.slow.length < 20) {
      const rows = [...changes].map(([s, c]) => `${s}${c.clear ? ' cleared' : ''} +${c.insert.length}${c.remove.length > 0 ? ` −(${c.remove.length})` : ''}`).join(', ');
      this.runTimes.slow.push(`${Math.round(ms)} ms: ${rows || 'signals'}`);
    }
  }

  /**
   * Draws the heatmap image (surface and contours, heatmap.ts) and queues it into the `heatmap`
   * source, unless the surface and contours are the ones already drawn (the host sends the same
   * surface again with each run). The image arrives in a later update (it is encoded
   * asynchronously); a newer surface supersedes an image still being made.
   */
  private drawHeatmap(vega: Vega, view: View): Promise<void> {
    if (view !== this.view) return Promise.resolve();
    const surface = this.surfaceRows;
    const contours = this.contourRows;
    const drawn = this.heatmapDrawn;
    if (drawn && sameRows(drawn.surface, surface, SURFACE_FIELDS) && sameRows(drawn.contours, contours, CONTOUR_FIELDS)) return Promise.resolve();
    this.heatmapDrawn = { surface, contours };
    let style: HeatmapStyle | undefined;
    try {
      style = view.signal(HEATMAP_STYLE_SIGNAL) as HeatmapStyle;
    } catch {
      style = undefined;
    }
    const scheme = style ? vega.scheme(style.scheme) as unknown : undefined;
    const queue = this.queue;
    const drawing = ++this.heatmapDrawing;
    const made = style && typeof scheme === 'function'
      ? heatmapRow(surface, contours, style, scheme as (t: number) => string, view.width(), view.height())
      : Promise.resolve(undefined);
    return made.then((row) => {
      if (drawing !== this.heatmapDrawing || queue !== this.queue || !queue) return;
      queue.clear(HEATMAP_SOURCE);
      if (row) queue.insert(HEATMAP_SOURCE, [row as unknown as Row]);
    }, (e: unknown) => this.onError?.(`${this.name} chart: the heatmap image failed: ${e instanceof Error ? e.message : String(e)}`));
  }
  private heatmapDrawing = 0;
  /** The heatmap image being made (settled() waits for it). */
  private heatmapPending: Promise<void> = Promise.resolve();

  /** The axes' domains at the last layout (`axisKey`). */
  private axes = '';

  /** Surface and contour rows of the heatmap image, and the ones last drawn. */
  private surfaceRows: SurfaceRow[] = [];
  private contourRows: ContourRow[] = [];
  private heatmapDrawn: { surface: readonly SurfaceRow[]; contours: readonly ContourRow[] } | undefined;

  /**
   * Step-0 rows give the runs' starting losses and gradient norms: the loss and gradient-norm
   * charts' ceilings (LOSS_START_SIGNAL, GRAD_START_SIGNAL).
   */
  private noteRows(source: string, rows: readonly Row[]): void {
    if (source !== 'points') return;
    for (const r of rows) {
      if (r.step !== 0 || typeof r.run !== 'number') continue;
      if (typeof r.loss === 'number') this.starts.loss.set(r.run, r.loss);
      if (typeof r.gradNorm === 'number') this.starts.gradNorm.set(r.run, r.gradNorm);
    }
  }

  /** The highest start of each field into its signal (null: none yet). */
  private putStarts(): void {
    const highest = (m: Map<number, number>): number | null => {
      let top = -Infinity;
      for (const v of m.values()) if (Number.isFinite(v) && v > top) top = v;
      return top === -Infinity ? null : top;
    };
    this.putSignal(LOSS_START_SIGNAL, highest(this.starts.loss));
    this.putSignal(GRAD_START_SIGNAL, highest(this.starts.gradNorm));
  }

  /** Starting loss and gradient norm of each run whose step-0 row was given. */
  private readonly starts = { loss: new Map<number, number>(), gradNorm: new Map<number, number>(), clear(): void { this.loss.clear(); this.gradNorm.clear(); } };

  insert(source: string, rows: readonly Row[]): void {
    if (source === 'points' && rows.some((r) => r.step === 0)) {
      this.noteRows(source, rows);
      this.putStarts();
    }
    this.queue?.insert(source, rows);
  }

  remove(source: string, predicate: (row: Row) => boolean): void {
    this.queue?.remove(source, predicate);
  }

  clear(source: string): void {
    if (source === 'points') {
      this.starts.clear();
      this.putStarts();
    }
    this.queue?.clear(source);
  }

  /**
   * Sets a signal now and after every later embed (the scrubbed step).
   *
   * HOVER_SIGNAL is deferred: switching the hover layers on builds a Voronoi diagram and encodes
   * a hover point with its tooltip for every row — a few hundred milliseconds for 4 × 600 rows —
   * so a chart turns them on when the pointer first comes over it, not when a stream ends (a
   * long frame then would freeze VS Code's window, which shares the webview's thread).
   */
  setSignal(name: string, value: unknown): void {
    if (name === HOVER_SIGNAL) {
      this.hoverWanted = value;
      if (value === false) this.pointerCame = this.element.matches(':hover');
      this.applyHover();
      return;
    }
    this.putSignal(name, value);
  }

  private applyHover(): void {
    this.putSignal(HOVER_SIGNAL, this.hoverWanted !== false && this.pointerCame);
  }

  private putSignal(name: string, value: unknown): void {
    if (this.signals.get(name) === value) return;
    this.signals.set(name, value);
    // Applied by the queue before its next run, so it never overlaps a run in flight.
    this.queue?.touch();
  }

  private trySignal(view: View, name: string, value: unknown): boolean {
    try {
      view.signal(name, value);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves when the embed and every queued change have been applied. */
  async settled(): Promise<void> {
    await this.embedding;
    await this.queue?.whenIdle();
    // A surface applied just now has its image still being encoded: wait for it and its update.
    await this.heatmapPending;
    await this.queue?.whenIdle();
  }

  /** Rows currently in a data source of the view (the debug hook and tests read these). */
  data(source: string): Row[] {
    if (this.view && this.heldForImage(this.view, source)) {
      return [...(source === 'surface' ? this.surfaceRows : this.contourRows)] as unknown as Row[];
    }
    if (!this.view || !this.hasData(this.view, source)) return [];
    return this.view.data(source) as Row[];
  }

  /** Embeds that used a spec compiled by an earlier panel (debug hook). */
  private fromCache = 0;

  stats(): { embeds: number; reuses: number; fromCache: number; respecs: string[]; applications: number; rowsApplied: number; runMsTotal: number; runMsMax: number; slow: string[] } {
    return { embeds: this.embeds, reuses: this.reuses, fromCache: this.fromCache, respecs: this.changes.slice(-5), applications: this.queue?.applications ?? 0, rowsApplied: this.queue?.rowsApplied ?? 0,
      runMsTotal: Math.round(this.runTimes.total), runMsMax: Math.round(this.runTimes.max), slow: [...this.runTimes.slow] };
  }

  /** Starts the update times afresh (a benchmark measures one stream, not the embed's first load). */
  resetStats(): void {
    this.runTimes = { total: 0, max: 0, slow: [] };
  }

  finalize(): void {
    this.generation++;
    this.embeddedSpec = undefined;
    this.queue?.dispose();
    this.view?.finalize();
    this.view = undefined;
  }
}

/** A point row's identity: its run and step. */
export const pointKey = (r: Row): string => `${String(r.run)}:${String(r.step)}`;
/** Two rows of one run and step show the same thing (the plotted coordinates and the label may change). */
export const samePoint = (a: Row, b: Row): boolean => Object.is(a.loss, b.loss) && Object.is(a.x, b.x) && Object.is(a.y, b.y) && a.label === b.label;

/** Sources a heatmap image is drawn from (not in the dataflow of a chart that has the image). */
const IMAGE_SOURCES = new Set(['surface', 'contours']);
const SURFACE_FIELDS = ['x', 'y', 'loss'] as const;
const CONTOUR_FIELDS = ['contour', 'order', 'x', 'y'] as const;

/** Same rows, field by field (a surface sent again is equal, not identical). */
function sameRows<T extends object>(a: readonly T[], b: readonly T[], fields: readonly (keyof T)[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) for (const f of fields) if (!Object.is(a[i]![f], b[i]![f])) return false;
  return true;
}

/** The x, y (and heatmap legend's) domains of a view, as text: what its axis and legend labels depend on. */
export function axisKey(view: View): string {
  const domain = (name: string): string => {
    try {
      return JSON.stringify((view.scale(name) as unknown as { domain(): unknown }).domain());
    } catch {
      return '';
    }
  };
  return `${domain('x')} ${domain('y')} ${domain('fill')}`;
}

/** Where two spec JSONs first differ, with a little context (for the debug hook). */
function specChange(before: string, after: string): string {
  let i = 0;
  while (i < before.length && i < after.length && before[i] === after[i]) i++;
  return `…${before.slice(Math.max(0, i - 40), i + 40)}… → …${after.slice(Math.max(0, i - 40), i + 40)}…`;
}
