/** Axis scales of the per-step charts: the step axis and the live log axes (Vega expressions over signals). */
import type { ChartOptions, Json } from './options';
import { LOSS_CEILING_DECADES, STEP_MAX_SIGNAL } from './signals';

/**
 * Vega expressions: the power of ten at or below / above `v` (> 0), written exactly (`1e-4`, not
 * `pow(10, -4)` = 0.00009999…); `every` decades apart (the live axis' floor moves two decades at
 * a time, so a loss falling over 12 decades changes the axis 6 times, not 12).
 */
export const decadeFloor = (v: string, every = 1): string => `toNumber('1e' + ${every} * floor(log(${v}) / LN10 / ${every} + 1e-9))`;
export const decadeCeil = (v: string): string => `toNumber('1e' + ceil(log(${v}) / LN10 - 1e-9))`;
/** Vega expression: the least of 1, 2, 5 × 10ᵏ at or above `v` (> 0). */
export const niceCeil = (v: string): string => {
  const e = decadeFloor(v);
  return `(${v} <= ${e} ? 1 : ${v} <= 2 * ${e} ? 2 : ${v} <= 5 * ${e} ? 5 : 10) * ${e}`;
};
/**
 * Vega expression: the top of a live log axis, LOSS_CEILING_DECADES above the decade at or above
 * `plotted` (the signal `signal` in plotted units); null while `signal` is unset or not > 0.
 */
export const ceilingAbove = (signal: string, plotted: string): string => `(isValid(${signal}) && isFinite(${plotted}) && ${plotted} > 0`
  + ` ? ${decadeCeil(plotted)} * ${10 ** LOSS_CEILING_DECADES} : null)`;
/** Vega expression: [min, max] of a field of every streamed row (NaN and null skipped). */
export const extentOf = (field: string): string => `extent(pluck(data('points'), '${field}'))`;

/** Pixels the panel's step axis reaches beyond its first and last step: room for a run's end marker there (marks are clipped to the plot). */
const STEP_PADDING = 9;

/**
 * The step axis: [0, STEP_MAX_SIGNAL] (the experiment's steps, the `steps` option, or live set by
 * the panel per run) and, live while that is unknown, [0, a 1–2–5 step above the data]; static
 * without `steps`, the data's.
 */
export function stepScale(o: ChartOptions): { scale?: Json; params: Json[] } {
  const steps = o.steps !== undefined && o.steps > 0 ? o.steps : null;
  if (!o.liveDomains) {
    if (steps === null) return { params: [] };
    return { scale: { domain: [0, { expr: STEP_MAX_SIGNAL }], nice: false, zero: true }, params: [{ name: STEP_MAX_SIGNAL, value: steps }] };
  }
  return {
    scale: { domain: [0, { expr: 'stepHi' }], nice: false, padding: STEP_PADDING },
    params: [
      { name: STEP_MAX_SIGNAL, value: steps },
      { name: 'stepExtent', expr: extentOf('step') },
      { name: 'stepHi', expr: `isValid(${STEP_MAX_SIGNAL}) && ${STEP_MAX_SIGNAL} > 0 ? ${STEP_MAX_SIGNAL}`
        + ` : isValid(stepExtent[1]) && stepExtent[1] > 0 ? ${niceCeil('stepExtent[1]')} : 10` },
    ],
  };
}

/**
 * A log value axis for streaming: [even decade below the least, decade above the greatest] of
 * `plot(extent)`, capped at `ceiling` (an expression) when that lies above the bottom.
 */
export function liveLogScale(prefix: string, field: string, plot: (v: string) => string, ceiling?: string): { domain: Json[]; params: Json[] } {
  // `ceiling`: a Vega expression of the top's cap in plotted units, null for none.
  const ext = `${prefix}Extent`;
  const lo = `${prefix}Lo`;
  const hi = `${prefix}Hi`;
  const top = `(isValid(${ext}[1]) && isFinite(${plot(`${ext}[1]`)}) && ${plot(`${ext}[1]`)} > 0 ? ${decadeCeil(plot(`${ext}[1]`))} : 10)`;
  const cap = `${prefix}Cap`;
  const capped = ceiling
    ? `max(${lo} * 10, isValid(${cap}) && ${cap} > ${lo} ? min(${top}, ${cap}) : ${top})`
    : `max(${lo} * 10, ${top})`;
  return {
    domain: [{ expr: lo }, { expr: hi }],
    params: [
      ...(ceiling ? [{ name: cap, expr: ceiling }] : []),
      { name: ext, expr: extentOf(field) },
      { name: lo, expr: `isValid(${ext}[0]) && isFinite(${plot(`${ext}[0]`)}) && ${plot(`${ext}[0]`)} > 0 ? ${decadeFloor(plot(`${ext}[0]`), 2)}`
        + ` : isValid(${ext}[1]) && ${plot(`${ext}[1]`)} > 0 ? ${decadeFloor(`${plot(`${ext}[1]`)} * 1e-6`)} : 1` },
      { name: hi, expr: capped },
    ],
  };
}
