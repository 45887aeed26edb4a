/**
 * The panel's state as the host's messages and the person's edits change it: registers for the
 * host's state messages (init, experiment, runStart, runEnd, status, error, surface) and keeps the
 * store in step; `edit` is the one way an edit made in the panel reaches the store, the saved
 * state and the host.
 */
import { checkPanelExperiment, type FromWebview, type PanelExperiment, type RunResult } from '../protocol';
import type { HostChannel } from './channel';
import { reconcileRunIds } from './runIds';
import type { PanelState, Refusal } from './state';
import type { Store } from './store';
import type { ViewState } from './viewState';

/** What the webview keeps with VS Code's `setState`. */
export interface SavedState {
  getState(): unknown;
  setState(state: unknown): void;
}

export class PanelModel {
  constructor(private readonly store: Store<PanelState>, private readonly channel: HostChannel, private readonly saved: SavedState,
    private readonly panelId: string | undefined) {
    channel.on('init', (m) => {
      performance.mark('op:init');
      this.showExperiment(m.experiment);
      store.update({
        initialized: true, info: m.info, surface: m.surface, results: m.results, hostState: m.state, errors: m.errors,
        trusted: m.trusted, following: m.following,
      });
    });
    channel.on('experiment', (m) => {
      this.showExperiment(m.experiment);
      store.update({ following: m.following });
    });
    channel.on('runStart', (m) => store.update({ info: m.info, results: m.results }));
    channel.on('points', (m) => store.update((s) => ({ results: withSteps(s.results, m.series) })));
    channel.on('runEnd', (m) => store.update((s) => {
      const ended = { status: m.status, steps: m.steps, ...(m.message !== undefined ? { message: m.message } : {}) };
      const known = s.results.some((r) => r.run === m.run);
      return {
        results: known ? s.results.map((r) => (r.run === m.run ? { ...r, ...ended } : r))
          : [...s.results, { run: m.run, label: s.experiment?.runs[m.run]?.label ?? `run ${m.run + 1}`, ...ended }],
      };
    }));
    channel.on('status', (m) => store.update({ hostState: m.state, stepsPerSecond: m.stepsPerSecond }));
    channel.on('error', (m) => store.update({ errors: m.errors }));
    channel.on('surface', (m) => store.update({ surface: m.surface }));
  }

  /** The experiment saved by this webview or written into its page, shown before the host's `init`. */
  restore(page: unknown): void {
    const saved = this.saved.getState() as { experiment?: unknown } | undefined;
    const revived = saved?.experiment !== undefined ? checkPanelExperiment(saved.experiment) : undefined;
    const initial = revived?.ok ? revived : page !== undefined ? checkPanelExperiment(page) : undefined;
    if (initial?.ok) this.showExperiment(initial.message);
  }

  /** Shows an experiment from the host (or saved state): runs it still has keep their ids. */
  private showExperiment(exp: PanelExperiment): void {
    const s = this.store.state;
    if (s.experiment !== undefined && JSON.stringify(s.experiment) === JSON.stringify(exp)) return;
    const runIds = reconcileRunIds(s.experiment?.runs ?? [], s.runIds, exp.runs);
    // Refusals of runs that are gone go with them; the others stay with their run.
    const refused = new Map([...s.refused].filter(([key]) => !key.startsWith('run:') || runIds.some((id) => key.startsWith(`run:${id}.`))));
    this.store.update({ experiment: exp, runIds, refused });
    this.save();
  }

  /**
   * Applies an edit made in the panel: shown at once, saved, and posted to the host unless some
   * field's text is refused (the host then keeps the last experiment that was whole). `runIds`:
   * the ids after a structural edit of the runs (else they stay by position).
   */
  edit(next: PanelExperiment, runIds?: readonly string[]): void {
    const s = this.store.state;
    this.store.update({ experiment: next, runIds: runIds ?? reconcileRunIds(s.experiment?.runs ?? [], s.runIds, next.runs) });
    this.save();
    if (this.store.state.refused.size === 0) this.channel.post({ type: 'editExperiment', experiment: next });
  }

  post(message: FromWebview): void {
    this.channel.post(message);
  }

  log(level: 'error' | 'warn' | 'info', message: string): void {
    this.channel.log(level, message);
  }

  /** A field's text is refused as typed (with the reason), or accepted again (undefined). */
  refuse(key: string, refusal: Refusal | undefined): void {
    const refused = new Map(this.store.state.refused);
    if (refusal) refused.set(key, refusal);
    else refused.delete(key);
    this.store.update({ refused });
  }

  /** Changes what the person looks at, and keeps it. */
  setView(patch: Partial<ViewState>): void {
    this.store.update((s) => ({ view: { ...s.view, ...patch } }));
    this.save();
  }

  private save(): void {
    const s = this.store.state;
    this.saved.setState({ experiment: s.experiment, view: s.view, savedAt: Date.now(), ...(this.panelId ? { panelId: this.panelId } : {}) });
  }
}

/** Results with each streamed run's step count advanced to its latest point. */
function withSteps(results: readonly RunResult[], series: readonly { run: number; steps: readonly number[] }[]): readonly RunResult[] {
  let out = results;
  for (const s of series) {
    const last = s.steps[s.steps.length - 1];
    if (last === undefined) continue;
    out = out.map((r) => (r.run === s.run && r.steps !== last ? { ...r, steps: last } : r));
  }
  return out;
}
