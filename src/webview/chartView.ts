/**
 * One chart of the panel: a Vega-Lite spec compiled and embedded as a Vega view into an element,
 * and the queue that streams rows into its named data sources.
 *
 * The spec is embedded once per change of its structure (theme, layers); a spec that differs from
 * the one shown only in its value signals (`specSignals` in src/charts/specs/signals.ts) and its plot size
 * keeps the view and sets those in its next update. Rows go in as changesets through a
 * `ChangesetQueue`, at most one update in flight, at most one update per view every
 * MIN_UPDATE_INTERVAL_MS (longer after a slow update), one view per frame (frames.ts). Embedding
 * follows the strict CSP: Vega's expression interpreter (`ast: true`), no stylesheet injected
 * (media/panel.css has the rules), the canvas renderer, no action menu.
 */
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { HOVER_SIGNAL, specSignals, type SpecSignals } from '../charts';
import { ChangesetQueue } from './changesetQueue';
import { RunStarts } from './runStarts';
import { compiledKey, keepSpec, keptSpec, withValues } from './compiledSpecs';
import { frameOfItsOwn, inAFrameOfItsOwn } from './frames';
import { embedVega, loadVega, loadVegaLite, type Libraries } from './vegaLibraries';
import { trySignal, ViewUpdater, type Row } from './viewUpdater';

export type { Row } from './viewUpdater';

/** Most point rows one update inserts: a burst is spread over a few frames instead of one long one. */
const MAX_ROWS_PER_UPDATE = 200;
/** Shortest time between two updates of one view (each costs time in proportion to the rows it holds). */
const MIN_UPDATE_INTERVAL_MS = 100;
/**
 * A view waits at least this many times its last update's duration before the next, and at most
 * MAX_UPDATE_INTERVAL_MS: on a busy machine (or a slow chart) the views' updates take a bounded share
 * of the thread, which the webview shares with VS Code's window, instead of every frame of it.
 */
const UPDATE_COST_FACTOR = 5;
const MAX_UPDATE_INTERVAL_MS = 400;
/** Updates longer than this are listed in `stats().slow`. */
const SLOW_UPDATE_MS = 50;

export class ChartView {
  private updater: ViewUpdater | undefined;
  private queue: ChangesetQueue<Row> | undefined;
  private generation = 0;
  private embedding: Promise<void> = Promise.resolve();
  private readonly signals = new Map<string, unknown>();
  /** The structure shown (specSignals), while its view is. */
  private embeddedStructure: string | undefined;
  /** The value signals of the spec given last, and its plot size. */
  private givenValues: ReadonlyMap<string, unknown> | undefined;
  private size: { width?: number; height?: number } = {};
  private lastFlush = -Infinity;
  /** How long the last update took (ms, wall clock: it grows when the machine is busy). */
  private lastRunMs = 0;
  /** The runs' starts (the ceilings of the loss and gradient-norm axes). */
  private readonly starts = new RunStarts();
  /** The hover layers switch on when the pointer first comes over the chart (see `setSignal`). */
  private hoverWanted: unknown = true;
  private pointerCame = false;
  private plotted = false;
  private readonly counts = { embeds: 0, reuses: 0, fromCache: 0, runMsTotal: 0, runMsMax: 0 };
  /** Updates over SLOW_UPDATE_MS since the last `resetStats`, with what they did (the benchmarks print them). */
  private slow: string[] = [];
  /** Called with the Vega view after each embed (the surface's interactions attach there). */
  onEmbed: ((view: View, libs: Libraries) => void) | undefined;
  /** Called with each spec this view compiled: the panel hands them to the host to keep. */
  onCompiled: ((key: string, vegaSpec: Readonly<Record<string, unknown>>) => void) | undefined;
  onError: ((message: string) => void) | undefined;
  /** Called once, when the view has first drawn points. */
  onPlotted: (() => void) | undefined;

  constructor(readonly name: string, readonly element: HTMLElement) {
    element.addEventListener('pointerenter', () => {
      if (this.pointerCame) return;
      this.pointerCame = true;
      this.putSignal(HOVER_SIGNAL, this.hoverWanted !== false);
    });
  }

  get currentView(): View | undefined {
    return this.updater?.view;
  }

  /** Embeds `spec` (or sets its values on the view shown, when only they changed), then loads `data()`. */
  embed(spec: TopLevelSpec, data: () => ReadonlyMap<string, readonly Row[]>): Promise<void> {
    const generation = ++this.generation;
    const parts = specSignals(spec);
    this.takeValues(parts);
    this.embedding = this.embedding.then(async () => {
      if (generation !== this.generation) return;
      if (this.updater && this.queue && parts.structure === this.embeddedStructure) {
        this.counts.reuses++;
        this.load(data(), true);
        await this.queue.whenIdle();
        return;
      }
      // A re-embed waits for a frame of its own, like the updates (four charts re-embedded: four frames).
      const again = this.updater !== undefined;
      if (again) await frameOfItsOwn();
      if (generation !== this.generation) return;
      performance.mark(`op:embed-start:${this.name}`);
      const libs = await loadVega();
      let vegaSpec: unknown;
      try {
        vegaSpec = await this.compile(libs, spec, parts);
      } catch (e) {
        this.onError?.(`${this.name} chart: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (again) await frameOfItsOwn();
      if (generation !== this.generation) return;
      this.teardown();
      try {
        const view = await embedVega(libs, this.element, vegaSpec);
        if (generation !== this.generation) {
          view.finalize();
          return;
        }
        const updater = new ViewUpdater(libs, view, (m) => this.onError?.(`${this.name} chart: ${m}`), () => this.queue?.touch());
        this.updater = updater;
        this.embeddedStructure = parts.structure;
        performance.mark(`op:embedded:${this.name}`);
        this.counts.embeds++;
        this.queue = new ChangesetQueue<Row>((changes) => this.run(updater, changes), (flush) => this.scheduleFlush(flush),
          (source) => (source === 'points' ? MAX_ROWS_PER_UPDATE : Infinity));
        for (const [name, value] of this.signals) trySignal(view, name, value);
        this.load(data(), false);
        this.onEmbed?.(view, libs);
        await this.queue.whenIdle();
      } catch (e) {
        this.onError?.(`${this.name} chart: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return this.embedding;
  }

  /** Vega-Lite → Vega, unless an earlier panel compiled this structure (then Vega-Lite is not even loaded). */
  private async compile(libs: Libraries, spec: TopLevelSpec, parts: SpecSignals): Promise<unknown> {
    const key = compiledKey(libs.vegaLiteVersion, parts);
    const kept = keptSpec(key);
    if (kept !== undefined) {
      this.counts.fromCache++;
      return withValues(kept, parts);
    }
    const compile = await loadVegaLite();
    const vegaSpec = compile(spec as never).spec;
    keepSpec(key, vegaSpec);
    this.onCompiled?.(key, vegaSpec as Record<string, unknown>);
    performance.mark(`op:compiled:${this.name}`);
    return vegaSpec;
  }

  private async run(updater: ViewUpdater, changes: Parameters<ViewUpdater['apply']>[0]): Promise<void> {
    const t0 = performance.now();
    await updater.apply(changes, this.signals, this.size);
    const ms = performance.now() - t0;
    this.lastRunMs = ms;
    // For bench:vscode's timeline: when the surface's image first reached the view.
    if (updater.heatmapShown && !performance.getEntriesByName(`op:heatmap:${this.name}`).length) performance.mark(`op:heatmap:${this.name}`);
    if (!this.plotted && updater.rows('points').length > 0) {
      this.plotted = true;
      performance.mark(`op:plotted:${this.name}`);
      this.onPlotted?.();
    }
    this.counts.runMsTotal += ms;
    this.counts.runMsMax = Math.max(this.counts.runMsMax, ms);
    if (ms > SLOW_UPDATE_MS && this.slow.length < 40) this.slow.push(`${ms.toFixed(0)} ms (${updater.lastUpdate})`);
  }

  /** A spec's value signals and size become the latest wishes (set in the next update, kept for later embeds). */
  private takeValues(parts: SpecSignals): void {
    const given = this.givenValues;
    this.givenValues = parts.values;
    this.size = { width: parts.width, height: parts.height };
    if (!given) return;
    for (const [name, value] of parts.values) {
      if (JSON.stringify(given.get(name)) === JSON.stringify(value)) continue;
      this.putSignal(name, value);
      if (this.updater) this.updater.layoutDue = true;
    }
    this.queue?.touch();
  }

  private scheduleFlush(flush: () => void): void {
    const interval = Math.min(MAX_UPDATE_INTERVAL_MS, Math.max(MIN_UPDATE_INTERVAL_MS, UPDATE_COST_FACTOR * this.lastRunMs));
    const wait = this.lastFlush + interval - performance.now();
    const go = (): void => inAFrameOfItsOwn(() => {
      this.lastFlush = performance.now();
      flush();
    });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }

  /** Queues `data`'s rows (each source replacing what it holds, when `replace`), and the runs' starts they give. */
  private load(data: ReadonlyMap<string, readonly Row[]>, replace: boolean): void {
    this.starts.clear();
    for (const [source, rows] of data) {
      if (source === 'points') this.starts.note(rows);
      if (!this.updater?.accepts(source)) continue;
      if (replace) this.queue?.clear(source);
      if (rows.length > 0) this.queue?.insert(source, rows);
    }
    this.putStarts();
  }

  private putStarts(): void {
    for (const [name, value] of this.starts.signals()) this.putSignal(name, value);
  }

  insert(source: string, rows: readonly Row[]): void {
    if (source === 'points' && rows.some((r) => r.step === 0)) {
      this.starts.note(rows);
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
   * Sets a signal now and after every later embed. HOVER_SIGNAL is deferred: switching the hover
   * layers on builds a Voronoi diagram of every row (hundreds of milliseconds for thousands), so a
   * chart turns them on when the pointer first comes over it, not when a stream ends.
   */
  setSignal(name: string, value: unknown): void {
    if (name !== HOVER_SIGNAL) {
      this.putSignal(name, value);
      return;
    }
    this.hoverWanted = value;
    if (value === false) this.pointerCame = this.element.matches(':hover');
    this.putSignal(HOVER_SIGNAL, this.hoverWanted !== false && this.pointerCame);
  }

  private putSignal(name: string, value: unknown): void {
    if (this.signals.get(name) === value) return;
    this.signals.set(name, value);
    // Applied by the queue before its next run, so it never overlaps a run in flight.
    this.queue?.touch();
  }

  /** Resolves when the view is embedded (rows may still be on their way while the runs play). */
  embedded(): Promise<void> {
    return this.embedding;
  }

  /** Resolves when the embed and every queued change are applied. */
  async settled(): Promise<void> {
    await this.embedding;
    await this.queue?.whenIdle();
  }

  /** Rows currently in a data source of the view. */
  data(source: string): Row[] {
    return this.updater?.rows(source) ?? [];
  }

  stats(): { embeds: number; reuses: number; fromCache: number; applications: number; rowsApplied: number; runMsTotal: number; runMsMax: number; slow: string[] } {
    return { ...this.counts, slow: [...this.slow], runMsTotal: Math.round(this.counts.runMsTotal), runMsMax: Math.round(this.counts.runMsMax),
      applications: this.queue?.applications ?? 0, rowsApplied: this.queue?.rowsApplied ?? 0 };
  }

  /** Starts the update times afresh (a benchmark measures one stream, not the embed's first load). */
  resetStats(): void {
    this.counts.runMsTotal = 0;
    this.counts.runMsMax = 0;
    this.slow = [];
  }

  private teardown(): void {
    this.queue?.dispose();
    this.queue = undefined;
    this.updater?.view.finalize();
    this.updater = undefined;
    this.embeddedStructure = undefined;
  }

  finalize(): void {
    this.generation++;
    this.teardown();
  }
}
