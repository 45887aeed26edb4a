/** Inlining a chart's named data (files and the CLI), and the names of the sources the charts read. */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { ChartData } from '../rows';
import { HEATMAP_SOURCE } from './signals';

/** A copy of `spec` with its named data inlined (top-level `datasets`), for files and the CLI. */
export function withDatasets(spec: TopLevelSpec, data: ChartData): TopLevelSpec {
  const datasets: Record<string, readonly object[]> = {
    points: data.points ?? [], surface: data.surface ?? [], contours: data.contours ?? [],
    minima: data.minima ?? [], events: data.events ?? [],
    ...(data.crossings ? { crossings: data.crossings } : {}),
  };
  return { ...spec, datasets } as unknown as TopLevelSpec;
}

/** Names of the data sources the charts read, for a webview that resets them. */
export const DATA_SOURCES = ['points', 'surface', 'contours', 'minima', 'events', HEATMAP_SOURCE, 'crossings', 'ellipse'] as const;
