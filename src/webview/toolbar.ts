/**
 * The toolbar: run the experiment again or stop it, what the host is doing, and the panel's
 * commands (open the loss in an editor, export, copy as PyTorch).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { formatRate } from '../charts/names';
import type { PanelModel } from './model';
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
    this.slice = new StoreController(this, this.parts.store, (s) => [s.hostState, s.stepsPerSecond, s.experiment?.runs.length]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, model } = this.parts;
    const running = store.state.hostState === 'running';
    const button = (icon: string, label: string, title: string, onClick: () => void, o: { secondary?: boolean; disabled?: boolean; cls?: string } = {}): TemplateResult =>
      html`<vscode-button icon=${icon} ?secondary=${o.secondary !== false} title=${title} class=${o.cls ?? nothing} ?disabled=${o.disabled === true} @click=${onClick}><span class="button-label">${label}</span></vscode-button>`;
    const rate = running && store.state.stepsPerSecond > 0 ? ` · ${formatRate(store.state.stepsPerSecond)} steps/s` : '';
    return html`
      <div class="toolbar-group">
        ${running ? button('debug-stop', 'Stop', 'Stop computing (keeps the results so far)', () => model.post({ type: 'stop' }), { cls: 'stop-button' })
          : button('debug-restart', 'Run again', 'Run the experiment again from the start', () => model.post({ type: 'run' }), { cls: 'run-button' })}
      </div>
      <span class="status-text" role="status" data-state=${store.state.hostState}>
        ${running ? html`<span class="codicon codicon-loading codicon-modifier-spin" aria-hidden="true"></span><span>Running…${rate}</span>`
          : html`<span class="codicon codicon-circle-large-outline" aria-hidden="true"></span><span>Idle</span>`}
      </span>
      <div class="toolbar-group toolbar-end" role="toolbar" aria-label="Panel actions">
        ${button('go-to-file', 'Open in Editor', 'Open the loss as a TypeScript document', () => model.post({ type: 'openInEditor' }))}
        ${button('export', 'Export…', 'Export points (CSV, JSON), the experiment and the charts', () => model.post({ type: 'export' }))}
        ${button('copy', 'Copy as PyTorch', 'Copy an equivalent torch.optim script', () => model.post({ type: 'copyAsPyTorch' }))}
      </div>`;
  }
}
customElements.define('op-toolbar', Toolbar);
