/** Per-step line charts of one point field: the learning rate and the gradient norm. */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { hoverLayer, LINE_WIDTH, LOG_AXIS, overlaid, rowAria, runColorEncoding, STEP_AXIS, topLevel } from './layers';
import { named, type ChartOptions, type Json } from './options';
import { ceilingAbove, extentOf, liveLogScale, niceCeil, stepScale } from './scales';
import { GRAD_START_SIGNAL } from './signals';

/** A per-step line chart of one point field (learning rate, gradient norm). */
function stepChart(o: ChartOptions, field: 'lr' | 'gradNorm', title: string, log: boolean, hover: string): TopLevelSpec {
  const W = LINE_WIDTH;
  const transform = [{ filter: `isValid(datum.${field}) && isFinite(datum.${field})${log ? ` && datum.${field} > 0` : ''}` }];
  const steps = stepScale(o);
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS, ...(steps.scale ? { scale: steps.scale } : {}) };
  const params: Json[] = [...steps.params];
  let scale: Json | undefined = log ? { type: 'log' } : undefined;
  if (o.liveDomains && log) {
    // The gradient norm: capped LOSS_CEILING_DECADES above the highest start, like the loss.
    const s = liveLogScale(field, field, (v) => v, ceilingAbove(GRAD_START_SIGNAL, GRAD_START_SIGNAL));
    scale = { type: 'log', domain: s.domain };
    params.push({ name: GRAD_START_SIGNAL, value: null }, ...s.params);
  } else if (o.liveDomains) {
    // Linear (the learning rate): from 0 (or a 1–2–5 step below a negative least) to a 1–2–5 step above the greatest.
    const ext = `${field}Extent`;
    params.push(
      { name: ext, expr: extentOf(field) },
      { name: `${field}Hi`, expr: `isValid(${ext}[1]) && isFinite(${ext}[1]) && ${ext}[1] > 0 ? ${niceCeil(`${ext}[1]`)} : 1` },
      { name: `${field}Lo`, expr: `isValid(${ext}[0]) && isFinite(${ext}[0]) && ${ext}[0] < 0 ? -(${niceCeil(`(-${ext}[0])`)}) : 0` },
    );
    scale = { domain: [{ expr: `${field}Lo` }, { expr: `${field}Hi` }], nice: false, zero: false };
  }
  const y = { field, type: 'quantitative', title, ...(scale ? { scale } : {}), ...(log ? { axis: LOG_AXIS } : { axis: { format: '~g' } }) };
  const line: Json = {
    data: named('points'),
    transform,
    // A learning rate holds for a whole step; a gradient norm is a sample.
    mark: { type: 'line', clip: true, ...rowAria(o), interpolate: field === 'lr' ? 'step-after' : 'linear' },
    encoding: { x, y, color: runColorEncoding(o), order: { field: 'step', type: 'quantitative' } },
  };
  const body = overlaid(o, [line, ...hoverLayer(o, hover, x, y, transform)], line, params);
  return topLevel(o, W, 180, { layer: body.layer }, body.params);
}

/** The learning rate each update used (the schedule's value), per step. */
export function learningRateChart(o: ChartOptions): TopLevelSpec {
  return stepChart(o, 'lr', 'learning rate η', false, 'lrHover');
}

/** The gradient's global norm at each step, log scale. */
export function gradNormChart(o: ChartOptions): TopLevelSpec {
  return stepChart(o, 'gradNorm', 'gradient norm ‖∇J‖ (log scale)', true, 'gradHover');
}
