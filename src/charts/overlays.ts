/**
 * Overlay layers the charts' builders add to their own layers (specs/), for the live panel.
 *
 * The scrubber: one Vega signal, SCRUB_SIGNAL, shared by every chart, is the step shown (−1: the
 * latest point). Each chart gets a layer marking every run's point at that step (the last point
 * at or before it, so thinned runs still show one), drawn with the chart's own line's transform
 * and encodings; a per-step chart also gets a dashed rule at the step and its lines faded after
 * it (the whole line faint, the part up to the step drawn again over it); on the paths chart the
 * paths stop at the step. At −1 nothing is faded or cut, and the layer drawn again holds no rows.
 */
// specs/ builds the charts with these layers; its signal names are read when a chart is built.
import { RUN_LABELS_SIGNAL } from './specs/signals';
import { RUN_SHAPES, type ChartTheme } from './theme';

type Json = Record<string, unknown>;

/** The step shown on every chart; −1 follows the latest point. */
export const SCRUB_SIGNAL = 'scrubStep';

/** Opacity of a per-step chart's lines after the step shown. */
export const FADED_OPACITY = 0.25;

const TOOLTIP = [
  { field: 'label', type: 'nominal', title: 'run' },
  { field: 'step', type: 'quantitative', title: 'step' },
  { field: 'loss', type: 'quantitative', title: 'loss', format: '.6~g' },
  { field: 'params', type: 'nominal', title: 'params' },
];

/** Rows up to the step shown (every row when following the latest). */
const UP_TO_SCRUB = { filter: `${SCRUB_SIGNAL} < 0 || datum.step <= ${SCRUB_SIGNAL}` };

const markOf = (l: Json): Json => (typeof l.mark === 'string' ? { type: l.mark } : l.mark as Json);

/**
 * `layers` (a chart's own, `line` among them: the runs' line) with the scrubber's layers, and the
 * scrubber's signal. `casing`: the stroke channel of the runs' casings (the end markers are cased
 * like the paths). `drawsPoints(l)`: the layers that draw `points` rows (cut at the step on the
 * paths chart). Every added mark is clipped to the plot, so none grows the view.
 */
export function withScrubLayers(layers: readonly Json[], line: Json, theme: ChartTheme, casing: Json, drawsPoints: (l: Json) => boolean): { layers: Json[]; params: Json[] } {
  const enc = (line.encoding ?? {}) as Json;
  const x = enc.x as Json | undefined;
  const y = enc.y as Json | undefined;
  const perStep = x?.field === 'step';
  const own = (line.transform as Json[] | undefined) ?? [];
  const fields = [...new Set([x?.field, y?.field, 'step', 'loss', 'params'].filter((f): f is string => typeof f === 'string'))];
  const marker: Json = {
    data: line.data,
    transform: [
      ...own, UP_TO_SCRUB,
      // One row per run: its greatest step at or before the one shown, its fields copied up for the encodings.
      { aggregate: [{ op: 'argmax', field: 'step', as: 'head' }], groupby: ['label'] },
      ...fields.map((f) => ({ calculate: `datum.head[${JSON.stringify(f)}]`, as: f })),
      // The shape reads the label under another name: on `label` itself Vega-Lite would merge its
      // (hidden) legend with the colour's and warn of the conflict.
      { calculate: 'datum.label', as: 'endShape' },
    ],
    // Each run's end in its colour and a shape of its own, cased like the paths.
    mark: { type: 'point', filled: true, size: 90, strokeWidth: 1.5, opacity: 1, clip: true },
    encoding: {
      x, y, ...(enc.color ? { color: enc.color } : {}), stroke: casing, tooltip: TOOLTIP,
      shape: { field: 'endShape', type: 'nominal', scale: { domain: { expr: RUN_LABELS_SIGNAL }, range: [...RUN_SHAPES] }, legend: null },
    },
  };
  if (!perStep) {
    // The paths: every layer of the points stops at the step (the start markers, step 0, always pass).
    const cut = layers.map((l) => (drawsPoints(l) ? { ...l, transform: [...((l.transform as Json[] | undefined) ?? []), UP_TO_SCRUB] } : l));
    return { layers: [...cut, marker], params: [{ name: SCRUB_SIGNAL, value: -1 }] };
  }
  const faded = layers.map((l) => (l === line ? { ...l, mark: { ...markOf(l), opacity: { expr: `${SCRUB_SIGNAL} >= 0 ? ${FADED_OPACITY} : 1` } } } : l));
  const redrawn: Json = { ...line, transform: [...own, { filter: `${SCRUB_SIGNAL} >= 0 && datum.step <= ${SCRUB_SIGNAL}` }], mark: { ...markOf(line), aria: false } };
  const rule: Json = {
    data: { values: [{}] },
    transform: [{ filter: `${SCRUB_SIGNAL} >= 0` }, { calculate: SCRUB_SIGNAL, as: 'step' }],
    mark: { type: 'rule', strokeDash: [3, 3], strokeWidth: 1, color: theme.foreground, opacity: 0.6, clip: true },
    encoding: { x: { ...x, title: null } },
  };
  return { layers: [...faded, redrawn, rule, marker], params: [{ name: SCRUB_SIGNAL, value: -1 }] };
}
