/**
 * The playback bar: play or pause, one step, replay, the speed (remembered for every panel), the
 * scrubber shared by every chart, and where the playback stands: "step k / N".
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, type TemplateResult } from 'lit';
import { PLAYBACK_SPEEDS, type PlaybackSpeed } from '../protocol';
import type { PlaybackClock } from './playback';
import { RovingButtons } from './rovingFocus';
import { selectField } from './selects';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';

/** Step counts with thousands separators. */
const STEP_FORMAT = new Intl.NumberFormat('en-US');

/** Where the playback stands: "step k / N" (N: the experiment's steps, or more when more came). */
export function stepLabel(p: PanelState['playback']): string {
  return `step ${STEP_FORMAT.format(p.step)} / ${STEP_FORMAT.format(Math.max(p.total, p.received))}`;
}

const SPEED_LABELS: Readonly<Record<PlaybackSpeed, string>> = { slow: 'Slow', normal: 'Normal', fast: 'Fast', instant: 'Instant' };

export class PlaybackBar extends LitElement {
  declare parts: { store: Store<PanelState>; clock: PlaybackClock };
  private slice!: StoreController<PanelState, unknown>;
  /** Play, Step and Replay: one tab stop, arrow keys inside; a button that disables passes the focus on. */
  private readonly buttons = new RovingButtons(this, '.playback-buttons');

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.playback, s.hostState]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, clock } = this.parts;
    const p = store.state.playback;
    const playing = p.playing && p.speed !== 'instant';
    const nothingYet = p.received === 0;
    const label = stepLabel(p);
    return html`<div class="playback-buttons" role="toolbar" aria-label="Playback">
      <vscode-button class="play-button" icon=${playing ? 'debug-pause' : 'play'} secondary title=${playing ? 'Pause the playback' : 'Play the runs'}
        ?disabled=${p.speed === 'instant' && p.ended} @click=${() => (playing ? clock.pause() : clock.play())}>${playing ? 'Pause' : 'Play'}</vscode-button>
      <vscode-button class="step-button" icon="debug-step-over" secondary title="Show the next step" ?disabled=${nothingYet || p.step >= p.received} @click=${() => clock.step()}>Step</vscode-button>
      <vscode-button class="replay-button" icon="debug-restart" secondary title="Play the runs again from step 0" ?disabled=${nothingYet} @click=${() => clock.replay()}>Replay</vscode-button></div>
      ${selectField({ ariaLabel: 'Playback speed', className: 'speed-select', control: 'speed', value: p.speed,
        options: PLAYBACK_SPEEDS.map((s) => ({ value: s, label: SPEED_LABELS[s] })), onValue: (v) => clock.setSpeed(v as PlaybackSpeed) })}
      <input class="scrubber" type="range" min="0" step="1" aria-label="Step shown on every chart" aria-valuetext=${label}
        .max=${String(p.received)} .value=${String(p.step)} ?disabled=${nothingYet}
        @input=${(e: Event) => clock.scrubTo(Number((e.target as HTMLInputElement).value))}>
      <span class="scrub-label" aria-live="off">${label}</span>`;
  }
}
customElements.define('op-playback', PlaybackBar);
