/** The loss chart: loss per step, log scale, one line per run; diverged runs marked where and why. */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { formatNumber } from '../rows';
import { faintStroke, hoverLayer, LINE_WIDTH, LOG_AXIS, overlaid, rowAria, runColorEncoding, STEP_AXIS, topLevel } from './layers';
import { named, type ChartOptions, type Json } from './options';
import { ceilingAbove, extentOf, liveLogScale, stepScale } from './scales';
import { lossBandLayers, withoutSeeds } from './seeds';
import { LOSS_CEILING_SIGNAL, LOSS_FLOOR_SIGNAL, LOSS_START_SIGNAL, LOSS_TITLE_SIGNAL } from './signals';

export interface LossChartOptions extends ChartOptions {
  /**
   * The lowest loss there is or will be (a known minimum, or the data's own minimum). When it is
   * above 0 the chart plots the loss itself on a log scale. When it is ≤ 0 the chart plots
   * `loss − floor + ε` (ε = max(1e-12, 1e-9·|floor|)) and says so on the axis title. When it is
   * undefined (a snippet whose minimum is unknown while points stream in) the chart finds the
   * minimum of the data itself and shifts only when some loss is ≤ 0.
   */
  readonly lossFloor?: number;
  /**
   * Top of the loss axis. A diverging run climbs to 1e12 × its start and would flatten every
   * other curve; with a ceiling its line leaves the plot at the top (its divergence marker stays).
   */
  readonly lossCeiling?: number;
}

/** A y axis' title written across the top of the plot, from its left edge, held to the plot's width. */
const TITLE_ACROSS_THE_TOP = { titleAngle: 0, titleAlign: 'left', titleBaseline: 'bottom', titleX: 0, titleY: -8, titleLimit: { expr: 'width' } };

/** Marks where runs diverged: a dashed rule at the step and a cross at the top, with the reason. */
function divergenceLayers(o: ChartOptions, x: Json): Json[] {
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'run' },
    { field: 'step', type: 'quantitative', title: 'diverged at step' },
    { field: 'message', type: 'nominal', title: 'why' },
  ];
  return [
    {
      data: named('events'),
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2, clip: true },
      encoding: { x, color: runColorEncoding(o), tooltip },
    },
    {
      data: named('events'),
      mark: { type: 'point', shape: 'cross', filled: true, size: 90, angle: 45, clip: true },
      encoding: { x, y: { value: 6 }, color: runColorEncoding(o), tooltip },
    },
  ];
}

/** The loss axis title for a floor: it says what is plotted. */
function lossTitle(floor: number | undefined): string {
  if (floor === undefined) return 'loss (log scale; loss − min + ε when some loss ≤ 0)';
  if (floor > 0) return 'loss (log scale)';
  const eps = Math.max(1e-12, 1e-9 * Math.abs(floor));
  return floor === 0 ? `loss + ε (log scale, ε = ${formatNumber(eps)})`
    : `loss − min + ε (log scale, min = ${formatNumber(floor)}, ε = ${formatNumber(eps)})`;
}

/**
 * `lossFloor` → the transform computing `plotLoss`, the axis title that says what it is, and
 * `plot(v)`: the same map as a Vega expression of a loss `v` (for the live axis domain).
 *
 * Live, the shift is one signal, `lossShift`, from LOSS_FLOOR_SIGNAL (0 above a floor > 0,
 * floor − ε at or below 0) or, with no floor known, from the data's least loss: it changes only
 * with the floor or while some loss is ≤ 0 and falling, so streamed points do not rewrite every
 * row (a joinaggregate would, on each new minimum), and a new floor is a signal update.
 */
function lossTransform(floor: number | undefined, live: boolean): { transform: Json[]; title: string; plot: (v: string) => string; params: Json[] } {
  const finite = { filter: 'isValid(datum.loss) && isFinite(datum.loss)' };
  const positive = { filter: 'datum.plotLoss > 0' };
  const title = lossTitle(floor);
  if (live) {
    const shift = 'lossShift';
    const f = LOSS_FLOOR_SIGNAL;
    return {
      transform: [finite, { calculate: `datum.loss - ${shift}`, as: 'plotLoss' }, positive],
      title, plot: (v) => `(${v} - ${shift})`,
      params: [
        { name: f, value: floor ?? null },
        { name: LOSS_TITLE_SIGNAL, value: title },
        { name: 'lossMinExtent', expr: extentOf('loss') },
        { name: shift, expr: `isValid(${f}) && isFinite(${f}) ? (${f} > 0 ? 0 : ${f} - max(1e-12, 1e-9 * abs(${f})))`
          + ' : isValid(lossMinExtent[0]) && isFinite(lossMinExtent[0]) && lossMinExtent[0] <= 0'
          + ' ? lossMinExtent[0] - max(1e-12, 1e-9 * abs(lossMinExtent[0])) : 0' },
      ],
    };
  }
  if (floor === undefined) {
    return {
      transform: [
        finite,
        { joinaggregate: [{ op: 'min', field: 'loss', as: 'minLoss' }] },
        { calculate: 'datum.minLoss > 0 ? datum.loss : datum.loss - datum.minLoss + max(1e-12, 1e-9 * abs(datum.minLoss))', as: 'plotLoss' },
        positive,
      ],
      title, plot: (v) => v, params: [],
    };
  }
  if (floor > 0) return { transform: [finite, { calculate: 'datum.loss', as: 'plotLoss' }, positive], title, plot: (v) => v, params: [] };
  const eps = Math.max(1e-12, 1e-9 * Math.abs(floor));
  return {
    transform: [finite, { calculate: `datum.loss - (${floor}) + ${eps}`, as: 'plotLoss' }, positive],
    title, plot: (v) => `(${v} - (${floor}) + ${eps})`, params: [],
  };
}

/** Loss per step, log scale, one line per run; diverged runs marked where and why. */
export function lossChart(o: LossChartOptions): TopLevelSpec {
  const W = LINE_WIDTH;
  const live = o.liveDomains === true;
  const { transform, title, plot, params: shiftParams } = lossTransform(o.lossFloor, live);
  const steps = stepScale(o);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS, ...(steps.scale ? { scale: steps.scale } : {}) };
  const ceiling = o.lossCeiling !== undefined && Number.isFinite(o.lossCeiling) && o.lossCeiling > 0 ? o.lossCeiling : undefined;
  // Live: capped LOSS_CEILING_DECADES above the highest start (a signal), and at LOSS_CEILING_SIGNAL when set.
  const fromStart = ceilingAbove(LOSS_START_SIGNAL, plot(LOSS_START_SIGNAL));
  const c = LOSS_CEILING_SIGNAL;
  const cap = `(isValid(${c}) && isFinite(${c}) && ${c} > 0 ? min(${c}, isValid(${fromStart}) ? ${fromStart} : ${c}) : ${fromStart})`;
  const liveScale = live ? liveLogScale('loss', 'loss', plot, cap) : undefined;
  // Live, the title is LOSS_TITLE_SIGNAL: Vega-Lite 6 passes an ExprRef axis title through as a
  // Vega signal title (not in its JSON schema; test/charts/specs.test.ts checks the compiled axis).
  // Live, the title reads across the top of the plot (held to its width) rather than up its side: the
  // panel's loss plot is short, and a title along it (as long as 'loss − min + ε (log scale, …)') was cut.
  const y = { field: 'plotLoss', type: 'quantitative', title: live ? 'loss' : title,
    axis: live ? { ...LOG_AXIS, title: { expr: LOSS_TITLE_SIGNAL }, ...TITLE_ACROSS_THE_TOP } : LOG_AXIS,
    scale: { type: 'log', ...(liveScale ? { domain: liveScale.domain } : ceiling !== undefined ? { domainMax: ceiling } : {}) } };
  const params = live
    ? [...steps.params, ...shiftParams, { name: LOSS_START_SIGNAL, value: null }, { name: c, value: ceiling ?? null }, ...(liveScale?.params ?? [])]
    : steps.params;
  const line: Json = {
    data: named('points'),
    transform: [...transform, ...withoutSeeds(o)],
    mark: { type: 'line', clip: true, ...rowAria(o) },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' }, ...faintStroke(true) },
  };
  const body = overlaid(o, [...lossBandLayers(o, x, y, transform), line, ...hoverLayer(o, 'lossHover', x, y, transform), ...divergenceLayers(o, x)], line, params);
  return topLevel(o, W, 280, { layer: body.layer }, body.params);
}
