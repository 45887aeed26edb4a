/**
 * The formula view's place in the panel: loaded after the charts (startup.ts), it shows the
 * selected run's update rule and, once the playback stands still, its values at the step shown,
 * asked of the host (`inspect`); non-finite values arrive as such (∞, NaN) and are shown as such.
 */
import { fromWire, fromWireNumber, type InspectResult, type WireNumber } from '../protocol';
import type { HostChannel } from './channel';
import { runLabel } from './experimentDraft';
import type { FormulaValues, FormulaView } from './formulaView';
import { stabilityLines, type CurvatureSample } from './stabilityCondition';
import type { PanelState } from './state';
import type { Store } from './store';

/** The host's reply as the formula view reads it: every wire number back to a float64. */
export function formulaValues(r: InspectResult): FormulaValues {
  const column = (c: readonly WireNumber[] | undefined): number[] | undefined => (c ? fromWire(c) : undefined);
  const state: Record<string, Record<string, number | boolean | number[]>> = {};
  for (const [name, fields] of Object.entries(r.state)) {
    state[name] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'boolean' ? v : Array.isArray(v) ? fromWire(v) : fromWireNumber(v as WireNumber)]));
  }
  return {
    step: r.step, params: fromWire(r.params), grad: fromWire(r.grad), lr: fromWireNumber(r.lr), state: state as FormulaValues['state'],
    ...(r.gradUsed ? { gradUsed: column(r.gradUsed) } : {}), ...(r.prevParams ? { prevParams: column(r.prevParams) } : {}),
    ...(r.gradAtPrev ? { gradAtPrev: column(r.gradAtPrev) } : {}),
  };
}

/**
 * `curvatureAt`: a run's learning rate and bounded curvature at a step, from the points the panel
 * holds (experiments with curvature), for the stability condition under the rule.
 */
export async function loadFormula(host: HTMLElement, store: Store<PanelState>, channel: HostChannel,
  curvatureAt?: (run: number, step: number) => CurvatureSample | undefined,
  onInspect?: (run: number, reply: InspectResult) => void): Promise<FormulaView> {
  const { attachFormulaView } = await import('./formulaView.js');
  const view = attachFormulaView({ slot: host, request: (run, step) => channel.request('inspect', { run, step }).then((r) => {
    onInspect?.(run, r);
    return formulaValues(r);
  }) });
  const stability = document.createElement('div');
  stability.className = 'stability-condition';
  stability.setAttribute('aria-live', 'polite');
  host.append(stability);
  const showStability = (): void => {
    const s = store.state;
    const exp = s.experiment;
    const run = exp && exp.runs.length > 0 ? Math.min(s.view.selectedRun, exp.runs.length - 1) : -1;
    const r = exp?.runs[run];
    const lines = r && exp?.curvature ? stabilityLines(r, curvatureAt?.(run, s.playback.step)) : [];
    if (stability.textContent === lines.join('')) return;
    stability.replaceChildren(...lines.map((line) => Object.assign(document.createElement('div'), { textContent: line })));
    stability.hidden = lines.length === 0;
  };
  store.watch((s) => [s.experiment, s.view.selectedRun, s.playback.step, s.playback.received], showStability);
  showStability();
  const show = (): void => {
    const s = store.state;
    const exp = s.experiment;
    if (!exp || exp.runs.length === 0) return;
    const run = Math.min(s.view.selectedRun, exp.runs.length - 1);
    const r = exp.runs[run]!;
    try {
      view.select(run, s.playback.step, { optimizer: r.optimizer, hyperparameters: r.hyperparameters, label: runLabel(exp, run), schedule: r.schedule as never, clip: r.clip });
    } catch (e) {
      channel.log('warn', `formula view: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  // While the runs play, the rule follows the run; its values follow the step once the playback stands still.
  store.watch((s) => [s.experiment, s.view.selectedRun, s.playback.playing ? -1 : s.playback.step], show);
  show();
  return view;
}
