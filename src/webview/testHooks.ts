/**
 * What the tests and benchmarks read of a panel (`window.__optimizerPlayground`): installed only
 * when the page says so (the host sets `testHooks` outside production, the test pages always),
 * never in a user's panel. It reads the panel's parts; the panel does not know it exists.
 */
import type { ChartName, PanelExperiment } from '../protocol';
import { checkPanelExperiment } from '../protocol';
import type { HostChannel } from './channel';
import type { Charts } from './charts';
import type { EditorSlot } from './editorSlot';
import type { PanelModel } from './model';
import type { PlaybackClock } from './playback';
import type { Startup } from './startup';
import type { PanelState } from './state';
import type { Store } from './store';
import { placedIssues } from './validation';

export interface TestedParts {
  readonly store: Store<PanelState>;
  readonly channel: HostChannel;
  readonly model: PanelModel;
  readonly charts: Charts;
  readonly clock: PlaybackClock;
  readonly editor: EditorSlot;
  readonly startup: Startup;
}

export function installTestHooks(p: TestedParts): void {
  const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  (window as unknown as Record<string, unknown>).__optimizerPlayground = {
    experiment: (): PanelExperiment | undefined => p.store.state.experiment,
    state: (): PanelState => p.store.state,
    chart: (name: ChartName) => p.charts.views.get(name)?.currentView,
    data: (name: ChartName, source: string) => p.charts.views.get(name)?.data(source) ?? [],
    stats: (name: ChartName) => p.charts.views.get(name)?.stats(),
    resetStats: () => { for (const v of p.charts.views.values()) v.resetStats(); },
    settled: async () => {
      await p.startup.finished();
      await p.charts.settled();
      await frame();
      await document.fonts.ready;
    },
    editorLoaded: () => p.editor.loaded,
    /** Applies an experiment as if the person had edited the panel (benchmarks). */
    applyExperiment: (exp: PanelExperiment) => {
      const checked = checkPanelExperiment(exp);
      if (!checked.ok) throw new Error(checked.error);
      p.model.edit(checked.message);
    },
    /** Every field message shown, by field path. */
    fieldMessages: () => {
      const s = p.store.state;
      const out: Record<string, string> = Object.fromEntries(placedIssues(s).byField);
      for (const [key, r] of s.refused) out[pathOf(key, s)] = r.message;
      return out;
    },
    refused: p.channel.refused,
    scrubTo: (step: number) => (step < 0 ? p.clock.scrubTo(p.store.state.playback.received) : p.clock.scrubTo(step)),
    setSpeed: (speed: 'slow' | 'normal' | 'fast' | 'instant') => p.clock.setSpeed(speed),
    pointCount: () => p.charts.points.pointCount,
    displayCount: () => p.charts.points.displayCount,
    theme: () => p.charts.theme,
  };
}

/** A refusal key as the field path it stands for now (`run:<id>.lr` → `runs[i].lr`). */
function pathOf(key: string, s: PanelState): string {
  const m = /^run:([^.]+)\.(.*)$/.exec(key);
  if (!m) return key;
  return `runs[${s.runIds.indexOf(m[1]!)}].${m[2]}`;
}
