/**
 * The settings: the loss, the start point and steps, the runs and the selected run's update rule,
 * each a collapsible section with a heading (kept collapsed or open across reloads). They render
 * once the first chart is drawn (startup.ts); the formula view mounts into its section later.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ChartTheme } from '../charts/theme';
import type { EditorSlot } from './editorSlot';
import type { FieldMessages } from './fields';
import './lossSection';
import type { PanelModel } from './model';
import './problemForm';
import './runList';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';
import { placedIssues } from './validation';

export interface SettingsParts {
  readonly store: Store<PanelState>;
  readonly model: PanelModel;
  readonly editor: EditorSlot;
  readonly editorHost: HTMLElement;
  readonly formulaHost: HTMLElement;
  theme(): ChartTheme;
}

export class Settings extends LitElement {
  declare parts: SettingsParts;
  private slice!: StoreController<PanelState, unknown>;
  private messages!: FieldMessages;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    const { store, model } = this.parts;
    this.slice = new StoreController(this, store, (s) => [s.formsShown, s.experiment !== undefined]);
    this.messages = {
      refused: (key) => store.state.refused.get(key),
      issue: (path) => placedIssues(store.state).byField.get(path),
      refuse: (key, r) => model.refuse(key, r),
    };
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, model } = this.parts;
    if (!store.state.formsShown || !store.state.experiment) return html`<p class="settings-loading">Loading the settings…</p>`;
    const section = (id: string, title: string, content: TemplateResult | HTMLElement): TemplateResult => html`
      <vscode-collapsible class="section section-${id}" data-section=${id} heading=${title} ?open=${!store.state.view.collapsed[id]}
        @vsc-collapsible-toggle=${(e: Event) => model.setView({ collapsed: { ...store.state.view.collapsed, [id]: !(e.target as HTMLElement & { open: boolean }).open } })}>
        <div>${content}</div>
      </vscode-collapsible>`;
    return html`
      ${section('loss', 'Loss function', html`<op-loss-section .parts=${{ store, model, editor: this.parts.editor, editorHost: this.parts.editorHost }}></op-loss-section>`)}
      ${section('problem', 'Start point and steps', html`<op-problem-form .parts=${{ store, model, messages: this.messages }}></op-problem-form>`)}
      ${section('runs', 'Runs', html`<op-run-list .parts=${{ store, model, messages: this.messages, general: () => placedIssues(store.state).general, theme: this.parts.theme }}></op-run-list>`)}
      ${section('formula', 'Update rule', this.parts.formulaHost)}
      ${nothing}`;
  }
}
customElements.define('op-settings', Settings);
