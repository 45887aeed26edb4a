/**
 * The named signals and data sources the chart specs share with the panel, and `specSignals`, which
 * cuts a spec into its structure and the values a kept view can take as signal updates.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { Json } from './options';

/**
 * The signal that turns the hover layers on and off without re-embedding (default true). A hover
 * layer finds the point nearest the pointer through a Voronoi diagram of every point it holds,
 * rebuilt on each data change: while points stream in, the panel sets it to false (the layer then
 * holds no rows) and back to true once the runs stop.
 */
export const HOVER_SIGNAL = 'hoverOn';

/**
 * The signal holding the highest starting loss of the runs shown (step-0 rows), in the live
 * panel's loss chart. The loss axis stops three decades above it (rounded up to a decade, in the
 * chart's plotted units): a run that climbs further — towards the 10¹² × start at which the
 * runner calls it diverged — leaves the plot at the top and its divergence marker stays, instead
 * of flattening every other curve. null (no run started): no ceiling from it.
 */
export const LOSS_START_SIGNAL = 'lossStart';

/**
 * The signal holding the experiment's step count in the live panel (null: unknown): the step
 * axes span [0, stepMax], set once per run, instead of following the streamed data.
 */
export const STEP_MAX_SIGNAL = 'stepMax';

/**
 * The signal holding the highest starting gradient norm of the runs shown, in the live panel's
 * gradient-norm chart: its axis stops LOSS_CEILING_DECADES above it, as the loss axis does.
 */
export const GRAD_START_SIGNAL = 'gradNormStart';

/** Decades between the highest starting loss and the top of the live loss axis. */
export const LOSS_CEILING_DECADES = 3;

/**
 * Signals holding what a spec is drawn for (its runs, its window, its steps, its loss floor and
 * ceiling) rather than how it is drawn. A spec carries each one as a top-level param with its
 * `value`, so a static rendering (the CLI) draws with those values baked in, while the live panel
 * keeps a view whose spec differs from the new one only in these values and in its plot size
 * (`specSignals`) and sets them on it: a new run, a new window or a new step count is then a
 * signal update in the chart's next changeset, not a re-embed (compile, parse, first render).
 */
/** Run labels in run order: the colour scale's domain (its range is the theme's palette, cycled). */
export const RUN_LABELS_SIGNAL = 'runLabels';
/** The colour of each run (and its casing under a path), by position: the colour scale's range (ChartOptions.colorOf). */
export const RUN_COLORS_SIGNAL = 'runColors';
export const RUN_CASINGS_SIGNAL = 'runCasings';
/** Columns of the colour legend (as many as fit the plot's width). */
export const LEGEND_COLUMNS_SIGNAL = 'legendColumns';
/** The paths chart's plotted window: [x₀, x₁] and [y₀, y₁] in parameter units. */
export const WINDOW_X_SIGNAL = 'windowX';
export const WINDOW_Y_SIGNAL = 'windowY';
/** Cells per axis of the surface grid (the static heatmap's rectangle size is the window over it). */
export const SURFACE_CELLS_SIGNAL = 'surfaceCells';
/** The live loss chart's known least loss (null: unknown, found in the data), see LossChartOptions.lossFloor. */
export const LOSS_FLOOR_SIGNAL = 'lossFloor';
/** The live loss chart's fixed top (plotted units; null: none), see LossChartOptions.lossCeiling. */
export const LOSS_CEILING_SIGNAL = 'lossCeiling';
/** The live loss chart's axis title (it says how the loss is shifted, which follows the floor). */
export const LOSS_TITLE_SIGNAL = 'lossTitle';

/** Labels of the runs drawn faint and dotted (ChartOptions.faintRuns). */
export const FAINT_RUNS_SIGNAL = 'faintRuns';
/** Labels of the runs drawn as seeds of a group, and each run's group label by position (ChartOptions.seedGroups). */
export const SEEDED_RUNS_SIGNAL = 'seededRuns';
export const SEED_GROUPS_SIGNAL = 'seedGroups';
/** With seeds, the runs the colour legend lists: all but a group's repeats (the group is listed once, under its run's label). */
export const LEGEND_RUNS_SIGNAL = 'legendRuns';

/** Every signal a spec carries the value of (see above); STEP_MAX_SIGNAL is one. */
export const VALUE_SIGNALS: ReadonlySet<string> = new Set([
  RUN_LABELS_SIGNAL, RUN_COLORS_SIGNAL, RUN_CASINGS_SIGNAL, FAINT_RUNS_SIGNAL, SEEDED_RUNS_SIGNAL, SEED_GROUPS_SIGNAL, LEGEND_RUNS_SIGNAL, LEGEND_COLUMNS_SIGNAL, WINDOW_X_SIGNAL, WINDOW_Y_SIGNAL, SURFACE_CELLS_SIGNAL,
  STEP_MAX_SIGNAL, LOSS_FLOOR_SIGNAL, LOSS_CEILING_SIGNAL, LOSS_TITLE_SIGNAL,
]);

/** A spec cut into its structure and the values a kept view can take as signals and sizes. */
export interface SpecSignals {
  /**
   * The spec as JSON without the VALUE_SIGNALS' values and without its top-level width and
   * height: two specs with the same structure compile to the same Vega dataflow, up to signal
   * values and the plot size.
   */
  readonly structure: string;
  /** The VALUE_SIGNALS the spec declares, with their values. */
  readonly values: ReadonlyMap<string, unknown>;
  readonly width?: number;
  readonly height?: number;
}

/** Cuts `spec` into its structure and its signal values and size (see SpecSignals). */
export function specSignals(spec: TopLevelSpec): SpecSignals {
  const { width, height, params, ...rest } = spec as unknown as Json & { width?: unknown; height?: unknown; params?: Json[] };
  const values = new Map<string, unknown>();
  const kept = params?.map((p) => {
    if (typeof p.name !== 'string' || !VALUE_SIGNALS.has(p.name) || !('value' in p)) return p;
    values.set(p.name, p.value);
    const { value: _value, ...declared } = p;
    return declared;
  });
  return {
    structure: JSON.stringify({ ...rest, ...(kept ? { params: kept } : {}) }),
    values,
    ...(typeof width === 'number' ? { width } : {}),
    ...(typeof height === 'number' ? { height } : {}),
  };
}

/**
 * The named data of the heatmap image: one row, `url` (the image), `x0`, `x1`, `y0`, `y1` (where
 * it goes, data coordinates) and `lo`, `hi` (its least and greatest ℓ, for the colour legend).
 * See heatmap.ts.
 */
export const HEATMAP_SOURCE = 'heatmap';

/** The signal telling the panel how to draw the heatmap image: `{ scheme, contourColor, contourWidth }`. */
export const HEATMAP_STYLE_SIGNAL = 'heatmapStyle';
