/**
 * The panel's charts: the specs of src/charts, live (streamed domains, the scrubber's overlay) and
 * sized by the panel's layout (chartLayout.ts), without titles (each chart's card has its heading).
 * Pure, so they are tested under Node.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { gradNormChart, learningRateChart, lossChart, pathsChart, rateMapChart, sharpnessChart, type ChartTheme } from '../charts';
import type { Domain } from '../engine/types';
import type { ChartName } from '../protocol';
import type { PanelLayout } from './chartLayout';
import { CHART_TEXTS } from './chartText';

export interface PanelChartOptions {
  readonly theme: ChartTheme;
  /** Run labels in run order (the colour legend). */
  readonly runs: readonly string[];
  /** Labels of reference runs drawn faint in the loss and paths charts (a tuned comparison's runs at their defaults). */
  readonly faintRuns?: readonly string[];
  /** Each run's colour, as a palette position (a ghost takes its tuned run's): ChartOptions.colorOf. */
  readonly colorOf?: readonly number[];
  /** Each run's seed group (ChartOptions.seedGroups): the loss chart's band, the paths chart's median path. */
  readonly seedGroups?: readonly (string | null)[];
  readonly layout: PanelLayout;
  /** The known minimum loss (presets), for the log scale's floor. */
  readonly lossFloor?: number;
  /** A fixed top for the loss axis (plotted units). */
  readonly lossCeiling?: number;
  /** The experiment's step count: the step axes span [0, steps]. */
  readonly steps?: number;
  /** The paths chart's window and resolution; no paths chart without them. */
  readonly surface?: { readonly domain: Domain; readonly resolution: number; readonly axisTitles: readonly [string, string] };
  /** The experiment asks for curvature: the sharpness chart. */
  readonly curvature?: boolean;
  /** The loss is a quadratic (curvature on): the convergence-rate map, η up to `etaMax`. */
  readonly rateMap?: { readonly etaMax: number };
}

/** The specs of the charts there are (no paths chart without a surface). */
export function panelChartSpecs(o: PanelChartOptions): Partial<Record<ChartName, TopLevelSpec>> {
  const base = { theme: o.theme, runs: o.runs, faintRuns: o.faintRuns ?? [], ...(o.colorOf ? { colorOf: o.colorOf } : {}), ...(o.seedGroups ? { seedGroups: o.seedGroups } : {}), liveDomains: true, scrubber: true, ...(o.steps !== undefined ? { steps: o.steps } : {}) };
  const size = o.layout.charts;
  const specs: Partial<Record<ChartName, TopLevelSpec>> = {
    loss: lossChart({ ...base, ...size.loss, lossFloor: o.lossFloor, lossCeiling: o.lossCeiling }),
    lr: learningRateChart({ ...base, ...size.lr }),
    gradNorm: gradNormChart({ ...base, ...size.gradNorm }),
    ...(o.curvature ? { sharpness: sharpnessChart({ ...base, ...size.sharpness }) } : {}),
    ...(o.rateMap ? { rateMap: rateMapChart({ theme: o.theme, runs: o.runs, ...(o.colorOf ? { colorOf: o.colorOf } : {}), ...size.rateMap, etaMax: o.rateMap.etaMax }) } : {}),
  };
  if (o.surface) {
    const { domain, resolution, axisTitles } = o.surface;
    specs.paths = pathsChart({ ...base, ...size.paths, domain, resolution, axisTitles, surfaceImage: true,
      heatmapLegend: o.layout.heatmapLegend === 'right' });
  }
  // Each chart's accessible name (Vega puts a spec's description on its element as aria-label).
  for (const name of Object.keys(specs) as ChartName[]) specs[name] = { ...specs[name]!, description: CHART_TEXTS[name].name } as TopLevelSpec;
  return specs;
}
