/**
 * The toolbar: run the experiment again or stop it, what the panel is doing (running, playing the
 * runs back, paused partway, idle: a live region) and where the playback stands ("step k / N", not
 * announced at every step), and the panel's commands (open the loss in an editor, export, copy as
 * PyTorch).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { formatRate } from '../charts/names';
import type { PanelModel } from './model';
import { stepLabel } from './playbackBar';
import { RovingButtons } from './rovingFocus';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';


export class Toolbar extends LitElement {
  declare parts: { store: Store<PanelState>; model: PanelModel };
  private slice!: StoreController<PanelState, unknown>;
  /** The panel's commands are one tab stop (arrow keys inside), as VS Code's action bars. */
  private readonly actions = new RovingButtons(this, '.toolbar-end');

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.hostState, s.stepsPerSecond, s.experiment?.runs.length, s.playback]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, model } = this.parts;
    const running = store.state.hostState === 'running';
    const button = (icon: string, label: string, title: string, onClick: () => void, o: { secondary?: boolean; disabled?: boolean; cls?: string } = {}): TemplateResult =>
      html`<vscode-button icon=${icon} ?secondary=${o.secondary !== false} title=${title} class=${o.cls ?? nothing} ?disabled=${o.disabled === true} @click=${onClick}><span class="button-label">${label}</span></vscode-button>`;
    const rate = running && store.state.stepsPerSecond > 0 ? ` · ${formatRate(store.state.stepsPerSecond)} steps/s` : '';
    const p = store.state.playback;
    const playing = p.playing && p.speed !== 'instant' && !p.ended;
    const paused = !p.playing && p.received > 0 && p.step < p.received;
    const [icon, words] = running ? ['loading codicon-modifier-spin', `Running…${rate}`] : playing ? ['play', 'Playing'] : paused ? ['debug-pause', 'Paused'] : ['circle-large-outline', 'Idle'];
    return html`
      <div class="toolbar-group">
        ${running ? button('debug-stop', 'Stop', 'Stop computing (keeps the results so far)', () => model.post({ type: 'stop' }), { cls: 'stop-button' })
          : button('debug-restart', 'Run again', 'Run the experiment again from the start', () => model.post({ type: 'run' }), { cls: 'run-button' })}
      </div>
      <span class="status-text" data-state=${store.state.hostState}>
        <span class="codicon codicon-${icon}" aria-hidden="true"></span><span role="status">${words}</span>
        ${running || playing || paused ? html`<span class="status-step">· ${stepLabel(p)}</span>` : nothing}
      </span>
      <div class="toolbar-group toolbar-end" role="toolbar" aria-label="Panel actions">
        ${button('go-to-file', 'Open in Editor', 'Open the loss as a TypeScript document', () => model.post({ type: 'openInEditor' }))}
        ${button('export', 'Export…', 'Export points (CSV, JSON), the experiment and the charts', () => model.post({ type: 'export' }))}
        ${button('copy', 'Copy as PyTorch', 'Copy an equivalent torch.optim script', () => model.post({ type: 'copyAsPyTorch' }))}
      </div>`;
  }
}
customElements.define('op-toolbar', Toolbar);
