/**
 * A run repeated over seeds (mini-batches, gradient noise: ChartOptions.seedGroups) drawn as a
 * group: on the loss chart its median loss per step with the inter-quartile band around it (the
 * seeds' own lines are not drawn), on the paths chart its median path (per step, the median of
 * each coordinate over the seeds) over every seed's path drawn faint (layers.ts `faintStroke`).
 * The rows are the seeds' own, relabelled by their group and aggregated per step by Vega, so the
 * band follows the points as they stream in.
 */
import { hasSeeds, IS_SEEDED, runColorEncoding } from './layers';
import { named, type ChartOptions, type Json } from './options';
import { RUN_LABELS_SIGNAL, SEED_GROUPS_SIGNAL } from './signals';

/** Opacity of the inter-quartile band. */
export const BAND_OPACITY = 0.3;

/** A filter leaving out the seeds' rows (their group is drawn instead), when some run has seeds. */
export function withoutSeeds(o: ChartOptions): Json[] {
  return hasSeeds(o) ? [{ filter: `!(${IS_SEEDED})` }] : [];
}

/** The seeds' rows under their group's label, aggregated per group and step by `ops` ([op, field, as]). */
function perGroupAndStep(ops: readonly (readonly [string, string, string])[]): Json[] {
  return [
    { filter: IS_SEEDED },
    { calculate: `${SEED_GROUPS_SIGNAL}[indexof(${RUN_LABELS_SIGNAL}, datum.label)]`, as: 'label' },
    { aggregate: ops.map(([op, field, as]) => ({ op, field, as })), groupby: ['label', 'step'] },
  ];
}

/**
 * The loss chart's group layers: the band from the first to the third quartile of the plotted
 * loss and the median line over it. `plotted`: the line's transform computing `plotLoss`.
 */
export function lossBandLayers(o: ChartOptions, x: Json, y: Json, plotted: readonly Json[]): Json[] {
  if (!hasSeeds(o)) return [];
  const transform = [...plotted, ...perGroupAndStep([['q1', 'plotLoss', 'q1'], ['median', 'plotLoss', 'median'], ['q3', 'plotLoss', 'q3']])];
  const order = { field: 'step', type: 'quantitative' };
  return [
    {
      data: named('points'), transform,
      // No `order` here: on an area it is the stack's order, and Vega-Lite would draw an area per step.
      mark: { type: 'area', clip: true, opacity: BAND_OPACITY, aria: false },
      encoding: { x, y: { ...y, field: 'q1' }, y2: { field: 'q3' }, color: runColorEncoding(o) },
    },
    {
      data: named('points'), transform,
      mark: { type: 'line', clip: true, strokeWidth: 2.2, aria: false },
      encoding: { x, y: { ...y, field: 'median' }, color: runColorEncoding(o), order,
        tooltip: [{ field: 'label', type: 'nominal', title: 'median over seeds' }, { field: 'step', type: 'quantitative', title: 'step' },
          { field: 'median', type: 'quantitative', title: 'median', format: '.6~g' }, { field: 'q1', type: 'quantitative', title: 'first quartile', format: '.6~g' },
          { field: 'q3', type: 'quantitative', title: 'third quartile', format: '.6~g' }] },
    },
  ];
}

/** The paths chart's median path of each group. `inPlane`: the paths' filter of plottable rows. */
export function medianPathLayers(o: ChartOptions, x: Json, y: Json, inPlane: Json): Json[] {
  if (!hasSeeds(o)) return [];
  return [{
    data: named('points'),
    transform: [inPlane, ...perGroupAndStep([['median', 'x', 'x'], ['median', 'y', 'y']])],
    mark: { type: 'line', clip: true, strokeWidth: 2.6, aria: false },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' },
      tooltip: [{ field: 'label', type: 'nominal', title: 'median path over seeds' }, { field: 'step', type: 'quantitative', title: 'step' }] },
  }];
}
