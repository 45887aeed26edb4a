/**
 * The panel's four charts: the specs of src/charts with the step scrubber added.
 *
 * The scrubber is one Vega signal, `scrubStep`, shared by every chart. Each chart gets a layer
 * marking every run's point at the scrubbed step (the last point at or before it, so downsampled
 * runs still show one), drawn with the same transform and encodings as the chart's own line, and
 * the per-step charts get a vertical rule at that step and their lines faded after it (the
 * whole line faint, the part up to the step drawn again over it). `scrubStep = -1` means "follow
 * the latest point": the markers sit at the head of each run, the rule is hidden and nothing is
 * faded (the layer drawn again holds no rows, so streaming costs nothing more).
 * Pure functions of specs (JSON), so they are tested under Node.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { gradNormChart, learningRateChart, lossChart, pathsChart, type ChartTheme } from '../charts';
import type { Domain } from '../engine/types';

export const SCRUB_SIGNAL = 'scrubStep';

type Json = Record<string, unknown>;

/** Names of the panel's charts, also the file-name stems of exported charts. */
export type ChartName = 'loss' | 'paths' | 'lr' | 'gradNorm';

const TOOLTIP = [
  { field: 'label', type: 'nominal', title: 'run' },
  { field: 'step', type: 'quantitative', title: 'step' },
  { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
  { field: 'params', type: 'nominal', title: 'params' },
];

/** The first line layer drawing `points`: the run's line whose transform and encodings the marker reuses. */
function mainLayer(layers: readonly Json[]): Json | undefined {
  return layers.find((l) => drawsPoints(l) && (typeof l.mark === 'string' ? l.mark : (l.mark as { type?: string } | undefined)?.type) === 'line');
}

/** Opacity of a per-step chart's lines after the scrubbed step. */
export const FADED_OPACITY = 0.25;

/** The scrubber's filter: rows up to the scrubbed step (every row when following the latest). */
const UP_TO_SCRUB = { filter: `${SCRUB_SIGNAL} < 0 || datum.step <= ${SCRUB_SIGNAL}` };

/**
 * `spec` with the scrubber's signal, its per-run markers and (for per-step charts) its rule; on
 * the paths chart (x is not the step) the paths themselves stop at the scrubbed step.
 *
 * A marker is each run's row with the greatest step at or before the scrubbed one: an `argmax`
 * aggregate per run, whose output is one row per run (only those are encoded on an update), its
 * fields copied up for the encodings.
 */
export function withScrubber(spec: TopLevelSpec, theme: ChartTheme): TopLevelSpec {
  const s = spec as unknown as Json;
  const layers = (s.layer as Json[] | undefined) ?? [];
  const line = mainLayer(layers);
  if (!line) return spec;
  const enc = (line.encoding ?? {}) as Json;
  const x = enc.x as Json | undefined;
  const y = enc.y as Json | undefined;
  const perStep = x?.field === 'step';
  const fields = [...new Set([x?.field, y?.field, 'step', 'loss', 'params'].filter((f): f is string => typeof f === 'string'))];
  const added: Json[] = [{
    data: line.data,
    transform: [
      ...((line.transform as Json[] | undefined) ?? []),
      UP_TO_SCRUB,
      { aggregate: [{ op: 'argmax', field: 'step', as: 'head' }], groupby: ['label'] },
      ...fields.map((f) => ({ calculate: `datum.head[${JSON.stringify(f)}]`, as: f })),
    ],
    mark: { type: 'point', filled: true, size: 64, stroke: theme.foreground, strokeWidth: 1, clip: true },
    encoding: {
      x, y,
      ...(enc.color ? { color: enc.color } : {}),
      tooltip: TOOLTIP,
    },
  }];
  if (x && perStep) {
    added.unshift({
      data: { values: [{}] },
      transform: [{ filter: `${SCRUB_SIGNAL} >= 0` }, { calculate: SCRUB_SIGNAL, as: 'step' }],
      mark: { type: 'rule', strokeDash: [3, 3], strokeWidth: 1, color: theme.foreground, opacity: 0.6, clip: true },
      encoding: { x: { ...x, title: null } },
    });
    // The part up to the scrubbed step, over the faded whole: rows only while scrubbed.
    added.unshift({
      ...line,
      transform: [...((line.transform as Json[] | undefined) ?? []), { filter: `${SCRUB_SIGNAL} >= 0 && datum.step <= ${SCRUB_SIGNAL}` }],
      mark: { ...(typeof line.mark === 'string' ? { type: line.mark } : line.mark as Json), aria: false },
    });
  }
  // Every layer of the points is cut (paths, halos, hover points); the start markers (step 0) always pass the filter.
  const cut = perStep
    ? layers.map((l) => (l === line ? { ...l, mark: { ...(typeof l.mark === 'string' ? { type: l.mark } : l.mark as Json), opacity: { expr: `${SCRUB_SIGNAL} >= 0 ? ${FADED_OPACITY} : 1` } } } : l))
    : layers.map((l) => (drawsPoints(l) ? { ...l, transform: [...((l.transform as Json[] | undefined) ?? []), UP_TO_SCRUB] } : l));
  const params = [...((s.params as Json[] | undefined) ?? []), { name: SCRUB_SIGNAL, value: -1 }];
  // Axis label widths change with the axes' domains: the chart view lays the view out again when
  // a domain changed (chartView.ts, `view.resize()`), not on every streamed update (each layout
  // measures every axis and legend). Every mark of the specs is clipped to the plot
  // (src/charts/specs.ts), the ones added here too, so no mark grows the view.
  return { ...s, autosize: { type: 'pad', resize: false }, params, layer: [...cut, ...added] } as unknown as TopLevelSpec;
}

/** A layer of the `points` source. */
function drawsPoints(l: Json): boolean {
  return (l.data as { name?: string } | undefined)?.name === 'points';
}

export interface PanelChartOptions {
  readonly theme: ChartTheme;
  /** Run labels in run order (the colour legend). */
  readonly runs: readonly string[];
  /** Width available to one chart, in CSS pixels. */
  readonly width: number;
  /** The known minimum loss (presets), for the log scale's floor. */
  readonly lossFloor?: number;
  /**
   * The experiment's step count: the step axes span [0, steps] (nothing moves while points
   * stream). A value signal (STEP_MAX_SIGNAL), as the panel's `setSignal` also sets it.
   */
  readonly steps?: number;
  /**
   * A fixed top for the loss axis (plotted units). Without it the axis still stops
   * LOSS_CEILING_DECADES above the highest starting loss (the `lossStart` signal, which the chart
   * view keeps from the streamed step-0 rows: chartView.ts).
   */
  readonly lossCeiling?: number;
  /** The paths chart's window and resolution; no paths chart without them. */
  readonly surface?: { readonly domain: Domain; readonly resolution: number; readonly axisTitles: readonly [string, string] };
}

/**
 * Vega-Lite plot width from the space available: vega-lite's width is the plot area, so the
 * axis titles, labels and padding (about 80 px, 140 px with the heatmap's colour legend) come off.
 */
export function plotWidth(available: number, legend: 'bottom' | 'right'): number {
  return Math.max(160, Math.floor(available - (legend === 'right' ? 140 : 80)));
}

/**
 * The four specs, with the scrubber. What they are drawn for — the runs, the paths window and its
 * plot height (the window's aspect ratio), the steps, the loss floor and ceiling, the width — is
 * carried as value signals and the plot size (src/charts/specs.ts `specSignals`): specs for other
 * runs or another window have the same structure, and the chart view sets the new values on the
 * view it shows instead of embedding it again (chartView.ts).
 */
export function panelChartSpecs(o: PanelChartOptions): Partial<Record<ChartName, TopLevelSpec>> {
  const base = { theme: o.theme, runs: o.runs, liveDomains: true, ...(o.steps !== undefined ? { steps: o.steps } : {}) };
  const w = plotWidth(o.width, 'bottom');
  const specs: Partial<Record<ChartName, TopLevelSpec>> = {
    loss: withScrubber(lossChart({ ...base, width: w, height: 220, lossFloor: o.lossFloor, lossCeiling: o.lossCeiling, title: 'Loss' }), o.theme),
    lr: withScrubber(learningRateChart({ ...base, width: w, height: 120, title: 'Learning rate' }), o.theme),
    gradNorm: withScrubber(gradNormChart({ ...base, width: w, height: 120, title: 'Gradient norm' }), o.theme),
  };
  if (o.surface) {
    const { domain, resolution, axisTitles } = o.surface;
    const pw = Math.min(plotWidth(o.width, 'right'), 560);
    const ratio = (domain.y[1] - domain.y[0]) / (domain.x[1] - domain.x[0]);
    const ph = Math.round(Math.max(180, Math.min(pw * (Number.isFinite(ratio) && ratio > 0 ? ratio : 1), 420)));
    specs.paths = withScrubber(pathsChart({ ...base, domain, resolution, axisTitles, width: pw, height: ph, surfaceImage: true,
      title: 'Paths over the loss surface' }), o.theme);
  }
  return specs;
}
