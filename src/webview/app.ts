/**
 * The panel's root: composes the toolbar, the playback bar, the error banner, the live region that
 * says when runs end (announcer.ts), the charts and the settings into landmarks (a heading, a skip
 * link, `main` for the charts, `aside` for the settings), and keeps the store's layout
 * (chartLayout.ts) in step with the panel's size.
 */
import { html, LitElement, type TemplateResult } from 'lit';
import type { ChartTheme } from '../charts/theme';
import './announcer';
import './banner';
import { panelLayout } from './chartLayout';
import type { HostChannel } from './channel';
import type { Charts } from './charts';
import './chartsArea';
import type { EditorSlot } from './editorSlot';
import type { PanelModel } from './model';
import type { PlaybackClock } from './playback';
import './playbackBar';
import './settings';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';
import './toolbar';

export interface AppParts {
  readonly store: Store<PanelState>;
  readonly model: PanelModel;
  readonly clock: PlaybackClock;
  readonly charts: Charts;
  /** The host's messages, for parts that subscribe to their own (the tuning card). */
  readonly channel: HostChannel;
  readonly editor: EditorSlot;
  readonly editorHost: HTMLElement;
  readonly formulaHost: HTMLElement;
  theme(): ChartTheme;
}

export class App extends LitElement {
  declare parts: AppParts;
  private slice!: StoreController<PanelState, unknown>;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly observer = new ResizeObserver(() => {
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.measure(), 120);
  });

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.layout.mode, s.hostState, s.playback.playing, s.playback.ended]);
    super.connectedCallback();
    this.classList.add('panel');
    this.observer.observe(document.documentElement);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer.disconnect();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const s = this.parts.store.state;
    this.dataset.mode = s.layout.mode;
    this.dataset.state = s.hostState;
    this.dataset.playback = s.playback.ended ? 'ended' : s.playback.playing ? 'playing' : 'paused';
    const { store, model, clock, charts } = this.parts;
    return html`
      <a class="skip-link" href="#settings">Skip to the settings</a>
      <header class="top">
        <h1 class="visually-hidden">Optimizer Playground</h1>
        <op-toolbar class="toolbar" .parts=${{ store, model }}></op-toolbar>
        <op-playback class="playback-row" .parts=${{ store, clock }}></op-playback>
        <op-banner .parts=${{ store }}></op-banner>
        <op-announcer .parts=${{ store, points: charts.points }}></op-announcer>
      </header>
      <div class="layout">
        <main class="charts" id="charts" aria-label="Charts"><op-charts .parts=${{ store, model, charts, channel: this.parts.channel, theme: this.parts.theme }}></op-charts></main>
        <aside class="settings" id="settings" aria-label="Settings" tabindex="-1">
          <op-settings .parts=${{ store, model, editor: this.parts.editor, editorHost: this.parts.editorHost, formulaHost: this.parts.formulaHost, theme: this.parts.theme }}></op-settings>
        </aside>
      </div>`;
  }

  protected override firstUpdated(): void {
    this.measure();
  }

  /** The layout for the panel's size now (the charts follow it: charts.ts). */
  measure(): void {
    const header = this.querySelector('header.top')?.getBoundingClientRect().height ?? 90;
    const s = this.parts.store.state;
    const d = s.surface ?? undefined;
    const aspect = d && d.ys.length > 1 && d.xs.length > 1 ? (d.ys[d.ys.length - 1]! - d.ys[0]!) / (d.xs[d.xs.length - 1]! - d.xs[0]!) : s.info?.domain
      ? (s.info.domain.y[1] - s.info.domain.y[0]) / (s.info.domain.x[1] - s.info.domain.x[0]) : 1;
    const layout = panelLayout(document.documentElement.clientWidth, document.documentElement.clientHeight, header, aspect, s.experiment?.runs.length);
    if (JSON.stringify(layout) !== JSON.stringify(s.layout)) this.parts.store.update({ layout });
  }
}
customElements.define('op-app', App);
