/**
 * What every chart spec builder takes (ChartOptions) and the JSON pieces they are built of.
 *
 * The charts are Vega-Lite 6 specs: pure functions of a theme and a few options; the data comes by
 * name (see ../rows.ts), so one spec serves the live panel (rows streamed in with changesets) and
 * the CLI (rows inlined with `withDatasets`). A run's colour is its label's position in `runs`
 * within the theme's palette, the same in every chart.
 */
import type { ChartTheme } from '../theme';

/** What every chart needs. */
export interface ChartOptions {
  readonly theme: ChartTheme;
  /** Run labels in run order: the colour legend's domain. */
  readonly runs: readonly string[];
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  /**
   * Hover tooltips on every point (default true). Static renderings (the CLI's SVG files) turn
   * it off: an invisible symbol per step and a Voronoi layer only add bytes to a file.
   */
  readonly interactive?: boolean;
  /**
   * The experiment's step count: the step axis is fixed at [0, steps] instead of following the
   * data, so that a streamed point never changes the axis (which re-encodes every mark).
   */
  readonly steps?: number;
  /**
   * Axis domains for streaming (the live panel). A data-driven domain changes with nearly every
   * streamed batch, and a changed scale makes Vega encode every item of every mark again (each
   * through the expression interpreter, under the panel's CSP) and repaint the whole plot. With
   * `liveDomains`, a per-step chart's value axis is computed from the data by signals rounded
   * outwards (whole decades on log scales, 1–2–5 steps on linear ones), so it changes only a few
   * times in a whole run; the step axis likewise when `steps` is unknown.
   */
  readonly liveDomains?: boolean;
  /** The live panel's scrubber layers (overlays.ts): the step shown marked on every run, later steps faded or cut. */
  readonly scrubber?: boolean;
  /** Labels of reference runs, drawn faint and dotted (a tuned comparison's runs at their defaults). */
  readonly faintRuns?: readonly string[];
  /**
   * For each run, the position in the palette of its colour (default its own position): a tuned
   * comparison's run as written takes its tuned run's colour.
   */
  readonly colorOf?: readonly number[];
  /**
   * For each run, the label of the run whose seeds it is one of (that run's own label for itself),
   * or null: the loss chart draws each such group as its median over seeds with the inter-quartile
   * band, the paths chart its median path with every seed's path faint (seeds.ts).
   */
  readonly seedGroups?: readonly (string | null)[];
}

export type Json = Record<string, unknown>;

/**
 * A named data source. Rows arrive typed (numbers are numbers), so Vega-Lite's automatic parsing
 * (a `toNumber` formula per quantitative field, run on every streamed row) is turned off.
 */
export function named(name: string): Json {
  return { name, format: { parse: null } };
}
