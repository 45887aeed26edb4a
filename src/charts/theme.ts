/**
 * Colours and type for every chart. The webview builds a theme from VS Code's `--vscode-*`
 * variables; the CLI uses the defaults below. A theme only changes how a spec looks, never
 * which marks it has.
 */
import { contrastRatio } from './contrast';

export interface ChartTheme {
  /** Text, axes and legend labels. */
  readonly foreground: string;
  /** Chart background ('transparent' lets the panel's own colour through). */
  readonly background: string;
  /** Grid lines and axis domain. */
  readonly gridColor: string;
  /** CSS font family. */
  readonly font: string;
  /** Base font size in px; titles are a little larger. */
  readonly fontSize: number;
  /** One colour per run, in run order (cycled when there are more runs than colours). */
  readonly palette: readonly string[];
  /** Vega sequential colour scheme for the loss surface heatmap (e.g. 'viridis'). */
  readonly scheme: string;
  /**
   * The part of `scheme` the surface uses ([0, 1]: all of it). A theme keeps its surface in a band
   * of luminance its path casing stands out from (dark themes: the scheme's dark end).
   */
  readonly schemeExtent: readonly [number, number];
  /** Colour of contour lines drawn over the heatmap. */
  readonly contourColor: string;
  /** Colour of markers that are not a run's own (known minima). */
  readonly accent: string;
  /**
   * The casing drawn under every path and end marker: the colour that stands out from every colour
   * of the surface (`pathCasingOf` takes the other of black and white for a run colour too close to it).
   */
  readonly pathCasing: string;
  /** Opacity of the surface's heatmap (below 1 mutes it, so the paths over it stand out). */
  readonly surfaceOpacity: number;
}

/** Tableau 10, the palette most plotting tools default to; readable on light and dark. */
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export const defaultLightTheme: ChartTheme = {
  foreground: '#333333',
  background: '#ffffff',
  gridColor: '#e4e4e4',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, sans-serif',
  fontSize: 11,
  palette: TABLEAU10,
  scheme: 'viridis',
  schemeExtent: [0, 1],
  contourColor: 'rgba(255,255,255,0.55)',
  accent: '#d62728',
  pathCasing: '#ffffff',
  surfaceOpacity: 1,
};

export const defaultDarkTheme: ChartTheme = {
  foreground: '#cccccc',
  background: '#1e1e1e',
  gridColor: '#3c3c3c',
  font: defaultLightTheme.font,
  fontSize: 11,
  palette: ['#5b9bd5', '#ffa94d', '#ff6b6b', '#63e6be', '#8ce99a', '#ffe066', '#da77f2', '#ffa8a8', '#c0a080', '#ced4da'],
  scheme: 'magma',
  schemeExtent: [0, 1],
  contourColor: 'rgba(255,255,255,0.45)',
  accent: '#ff6b6b',
  pathCasing: '#000000',
  surfaceOpacity: 1,
};

/** Vega-Lite `config` block for a theme. */
export function themeConfig(theme: ChartTheme): Record<string, unknown> {
  const text = { labelColor: theme.foreground, titleColor: theme.foreground, labelFont: theme.font, titleFont: theme.font,
    labelFontSize: theme.fontSize, titleFontSize: theme.fontSize + 1 };
  return {
    background: theme.background,
    font: theme.font,
    view: { stroke: theme.gridColor },
    axis: { ...text, gridColor: theme.gridColor, domainColor: theme.gridColor, tickColor: theme.gridColor, titleFontWeight: 'normal' },
    legend: { ...text, titleFontWeight: 'normal', symbolStrokeWidth: 2 },
    title: { color: theme.foreground, font: theme.font, fontSize: theme.fontSize + 2, fontWeight: 'normal', anchor: 'start' },
    text: { color: theme.foreground, font: theme.font, fontSize: theme.fontSize },
    line: { strokeWidth: 1.6 },
  };
}

/** Shapes of the runs' markers, in run order (each run's end is told apart by shape as well as colour). */
export const RUN_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'wedge', 'stroke'] as const;

/** Contrast a path needs against its casing (WCAG 1.4.11, graphics: 3:1). */
export const PATH_CONTRAST = 3;

/**
 * The casing of a path (and its end marker) of colour `color`: the theme's `pathCasing`, unless the
 * colour is too close to it (under 3:1), then the opposite of black and white — such a colour is far
 * from `pathCasing` and so from the surface it stands out from.
 */
export function pathCasingOf(theme: ChartTheme, color: string): string {
  if (!(contrastRatio(color, theme.pathCasing) < PATH_CONTRAST)) return theme.pathCasing;
  return contrastRatio(theme.pathCasing, '#000000') < contrastRatio(theme.pathCasing, '#ffffff') ? '#ffffff' : '#000000';
}

/** The colour of run `index` in a theme's palette. */
export function runColor(theme: ChartTheme, index: number): string {
  return theme.palette[index % theme.palette.length] ?? '#888888';
}

/** What colorPositions and seedGroups read of a run (the panel's PanelRun). */
export interface RunKin { readonly optimizer: string; readonly ghost?: boolean; readonly ghostOf?: number; readonly seedOf?: number }

/**
 * The run `r` (at `i`) is drawn with: a tuned comparison's run as written (`ghost`, `ghostOf`) or a
 * repeat over another seed (`seedOf`) goes with its tuned run while that run is still there with the
 * same optimizer (a run removed or changed since leaves it on its own).
 */
function kinOf(runs: readonly RunKin[], r: RunKin): number | undefined {
  const of = r.ghost ? r.ghostOf : r.seedOf;
  const tuned = of === undefined ? undefined : runs[of];
  return tuned && !tuned.ghost && tuned.seedOf === undefined && tuned.optimizer === r.optimizer ? of : undefined;
}

/** The palette position of each run's colour: its own, or its tuned run's for a ghost or a repeat over seeds (kinOf). */
export function colorPositions(runs: readonly RunKin[]): number[] {
  return runs.map((r, i) => kinOf(runs, r) ?? i);
}

/**
 * Each run's seed group (ChartOptions.seedGroups): the label of the run whose seeds it is one of (a
 * repeat's tuned run, or the tuned run itself when it has repeats), else null.
 */
export function seedGroups(runs: readonly RunKin[], labelOf: (run: number) => string): (string | null)[] {
  const groups = runs.map((r) => (r.ghost ? undefined : kinOf(runs, r)));
  return runs.map((_, i) => {
    const g = groups[i] ?? (groups.includes(i) ? i : undefined);
    return g === undefined ? null : labelOf(g);
  });
}
