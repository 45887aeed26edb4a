/**
 * Applies queued changes to one embedded Vega view: rows into its data sources as changesets,
 * the signals and plot size the chart view wants, a layout when an axis or a size changed, and the
 * heatmap image (heatmap.ts) when the surface changed, in the same update. The surface and contour
 * rows of a chart with a heatmap image never enter its dataflow: they are kept here and drawn into
 * the image.
 */
import type { View } from 'vega' with { 'resolution-mode': 'import' };
import { HEATMAP_SOURCE, HEATMAP_STYLE_SIGNAL, type ContourRow, type SurfaceRow } from '../charts';
import { reconcileReplace, type SourceChange } from './changesetQueue';
import { heatmapRow, type HeatmapStyle } from './heatmap';
import type { Libraries } from './vegaTypes';

export type Row = Record<string, unknown>;

/** A point row's identity: its run and step. */
export const pointKey = (r: Row): string => `${String(r.run)}:${String(r.step)}`;
/** Two rows of one run and step show the same thing (the plotted coordinates and the label may change). */
export const samePoint = (a: Row, b: Row): boolean => Object.is(a.loss, b.loss) && Object.is(a.x, b.x) && Object.is(a.y, b.y) && a.label === b.label;

/** Sources a heatmap image is drawn from (not in the dataflow of a chart that has the image). */
const IMAGE_SOURCES = new Set(['surface', 'contours']);
const SURFACE_FIELDS = ['x', 'y', 'loss'] as const;
const CONTOUR_FIELDS = ['contour', 'order', 'x', 'y'] as const;

export class ViewUpdater {
  /** The view is to be laid out again after its next update. */
  layoutDue = false;
  private axes = '';
  private surfaceRows: SurfaceRow[] = [];
  private contourRows: ContourRow[] = [];
  private heatmapDrawn: { surface: readonly SurfaceRow[]; contours: readonly ContourRow[] } | undefined;
  /** Whether the view has been given a heatmap image. */
  heatmapShown = false;

  /** Signal values set on the view, and the names it has no signal of (each set, or tried, once). */
  private readonly signalsSet = new Map<string, unknown>();
  private readonly signalsMissing = new Set<string>();

  /**
   * @param requestUpdate asks the chart view for another update (in a later frame): an axis that
   *   changed is laid out there, not in the update that changed it (two dataflow runs and renders in one frame).
   */
  constructor(private readonly libs: Libraries, readonly view: View, private readonly onError: (message: string) => void, private readonly requestUpdate: () => void = () => undefined) {}

  hasData(source: string): boolean {
    try {
      this.view.data(source);
      return true;
    } catch {
      return false;
    }
  }

  /** `source` is one the view's heatmap image is drawn from, kept here, not in its dataflow. */
  heldForImage(source: string): boolean {
    return IMAGE_SOURCES.has(source) && !this.hasData(source) && this.hasData(HEATMAP_SOURCE);
  }

  /** Whether changes to `source` concern this view. */
  accepts(source: string): boolean {
    return this.hasData(source) || this.heldForImage(source);
  }

  /** Rows in a source of the view (or held for its image). */
  rows(source: string): Row[] {
    if (this.heldForImage(source)) return [...(source === 'surface' ? this.surfaceRows : this.contourRows)] as unknown as Row[];
    return this.hasData(source) ? this.view.data(source) as Row[] : [];
  }

  /** What the last update did (the benchmarks print the slow ones): rows inserted, and whether it laid the view out. */
  lastUpdate = '';

  /** One update: signals, size, rows, a run of the dataflow, a layout when due. */
  async apply(changes: ReadonlyMap<string, SourceChange<Row>>, signals: ReadonlyMap<string, unknown>, size: { width?: number; height?: number }): Promise<void> {
    const view = this.view;
    for (const [name, value] of signals) {
      if (this.signalsMissing.has(name) || (this.signalsSet.has(name) && this.signalsSet.get(name) === value)) continue;
      if (trySignal(view, name, value)) this.signalsSet.set(name, value);
      else this.signalsMissing.add(name);
    }
    if (size.width !== undefined && view.width() !== size.width) {
      view.width(size.width);
      this.layoutDue = true;
    }
    if (size.height !== undefined && view.height() !== size.height) {
      view.height(size.height);
      this.layoutDue = true;
    }
    for (const [source, change] of changes) this.change(source, change);
    if ((changes.has('surface') || changes.has('contours')) && this.hasData(HEATMAP_SOURCE)) this.drawHeatmap();
    const laidOut = this.layoutDue;
    this.layoutDue = false;
    if (laidOut) view.resize();
    await view.runAsync();
    const axes = axisKey(view);
    const axesChanged = axes !== this.axes && !laidOut;
    this.axes = axes;
    if (axesChanged) {
      // An axis changed (its labels may be wider): the view is laid out again in the next update
      // (not on every update, and not in this one: its dataflow run and render took this frame).
      this.layoutDue = true;
      this.requestUpdate();
    }
    this.lastUpdate = `${[...changes].map(([source, c]) => `${source} ${c.clear ? 'clear ' : ''}${c.remove.length > 0 ? '−… ' : ''}+${c.insert.length}`).join(', ') || 'signals'}`
      + `${laidOut ? ', laid out' : ''}${axesChanged ? ', axes changed (layout next)' : ''}`;
  }

  private change(source: string, change: SourceChange<Row>): void {
    if (this.heldForImage(source)) {
      const held = (source === 'surface' ? this.surfaceRows : this.contourRows) as unknown as Row[];
      let rows = change.clear ? [] : change.remove.length > 0 ? held.filter((r) => !change.remove.some((p) => p(r))) : [...held];
      rows = rows.concat(change.insert);
      if (source === 'surface') this.surfaceRows = rows as unknown as SurfaceRow[];
      else this.contourRows = rows as unknown as ContourRow[];
      return;
    }
    if (!this.hasData(source)) return;
    const cs = this.libs.vega.changeset();
    if ((change.remove.length > 0 || change.clear) && change.insert.length > 0 && source === 'points') {
      // A run's rows replaced by a thinner set (mostly a subset), or every row sent again: drop only what went.
      const r = reconcileReplace(this.view.data(source) as Row[], change.clear ? [() => true] : change.remove, change.insert, pointKey, samePoint);
      if (r.remove.length > 0) cs.remove(r.remove);
      if (r.insert.length > 0) cs.insert(r.insert);
    } else if (change.clear) {
      cs.remove(() => true);
      if (change.insert.length > 0) cs.insert(change.insert);
    } else {
      if (change.remove.length > 0) cs.remove((t: object) => change.remove.some((p) => p(t as Row)));
      if (change.insert.length > 0) cs.insert(change.insert);
    }
    this.view.change(source, cs);
  }

  /**
   * Draws the heatmap image (surface and contours, at the view's plot size) into the view's
   * `heatmap` source, unless the surface and contours are the ones already drawn (the host sends
   * the same surface with each run).
   */
  private drawHeatmap(): void {
    const surface = this.surfaceRows;
    const contours = this.contourRows;
    const drawn = this.heatmapDrawn;
    if (drawn && sameRows(drawn.surface, surface, SURFACE_FIELDS) && sameRows(drawn.contours, contours, CONTOUR_FIELDS)) return;
    this.heatmapDrawn = { surface, contours };
    let style: HeatmapStyle | undefined;
    try {
      style = this.view.signal(HEATMAP_STYLE_SIGNAL) as HeatmapStyle;
    } catch {
      style = undefined;
    }
    const whole = style ? this.libs.vega.scheme(style.scheme) as unknown : undefined;
    const [e0, e1] = style?.schemeExtent ?? [0, 1];
    const scheme = typeof whole === 'function' ? (t: number): string => (whole as (t: number) => string)(e0 + t * (e1 - e0)) : undefined;
    let row: Row | undefined;
    try {
      row = style && scheme ? heatmapRow(surface, contours, style, scheme, this.view.width(), this.view.height()) as unknown as Row | undefined : undefined;
    } catch (e) {
      this.onError(`the heatmap image failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.view.change(HEATMAP_SOURCE, this.libs.vega.changeset().remove(() => true).insert(row ? [row] : []));
    this.heatmapShown = row !== undefined;
  }
}

export function trySignal(view: View, name: string, value: unknown): boolean {
  try {
    view.signal(name, value);
    return true;
  } catch {
    return false;
  }
}

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
