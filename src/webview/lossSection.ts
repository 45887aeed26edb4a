/**
 * The loss: which one (a built-in problem or the panel's own snippet), what it is, and its code in
 * the editor (editorSlot.ts). While the panel follows an editor document, its code is that file's
 * and the editor here is read-only, under a bar that says so and offers to stop following; a
 * problem switch starts the editor's undo history afresh, so undo never changes the problem.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { getProblem, PROBLEMS } from '../engine/problems';
import { gradientFallbackNote, type PanelExperiment } from '../protocol';
import type { EditorSlot } from './editorSlot';
import { setField } from './experimentDraft';
import type { PanelModel } from './model';
import { presetOf } from './problemForm';
import { selectField } from './selects';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';

export class LossSection extends LitElement {
  declare parts: { store: Store<PanelState>; model: PanelModel; editor: EditorSlot; editorHost: HTMLElement };
  private slice!: StoreController<PanelState, unknown>;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.experiment?.loss, s.following, s.info?.gradient]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, model } = this.parts;
    const exp = store.state.experiment;
    if (!exp) return html``;
    const following = store.state.following;
    const loss = exp.loss;
    const value = 'preset' in loss ? `preset:${loss.preset}` : 'file' in loss ? 'file' : 'source';
    const options = [
      ...PROBLEMS.map((p) => ({ value: `preset:${p.name}`, label: p.title, description: p.description })),
      { value: 'source', label: following ? `Following ${following.name}` : 'Custom loss (TypeScript)', description: 'Your own loss function, in the editor below.' },
      ...('file' in loss ? [{ value: 'file', label: `File: ${loss.file}`, description: 'The loss file this panel runs.' }] : []),
    ];
    const pick = (v: string): void => {
      const now = store.state.experiment!;
      if (v.startsWith('preset:')) {
        const name = v.slice('preset:'.length);
        if (following) model.post({ type: 'stopFollowing' });
        model.edit(setField(setField({ ...now, loss: { preset: name } }, 'init', undefined), 'batchSize', undefined));
      } else if (v === 'source') {
        model.edit({ ...now, loss: { source: this.parts.editor.source } });
      }
    };
    const problem = presetOf(exp);
    const description = problem ? problem.description
      : 'file' in loss ? `Runs ${loss.file}; edit it in its own editor (Open in Editor).`
        : following ? '' : 'Your loss: export default function loss(params: number[]): number. Optional exports: init, domain, data, grad.';
    return html`
      <div class="loss-header">
        ${selectField({ label: 'Loss', hint: 'A built-in problem, or your own TypeScript loss.', value, options, className: 'loss-select', control: 'loss', onValue: pick })}
        ${description ? html`<p class="loss-description">${description}</p>` : nothing}
      </div>
      ${following ? html`<div class="follow-bar" role="status">
        <span class="codicon codicon-link" aria-hidden="true"></span>
        <span>Following <strong>${following.name}</strong>: edit the file in its editor; every change runs here.</span>
        <vscode-button secondary class="stop-following" @click=${() => model.post({ type: 'stopFollowing' })}>Stop following</vscode-button>
      </div>` : nothing}
      ${this.fallbackNote()}
      ${this.parts.editorHost}`;
  }

  /** Gradients that are not exact say so, with the reason and the line (also a warning in the editor). */
  private fallbackNote(): TemplateResult | typeof nothing {
    const gradient = this.parts.store.state.info?.gradient;
    const note = gradient && gradientFallbackNote(gradient);
    if (!note) return nothing;
    return html`<div class="gradient-note" role="status">
      <span class="codicon codicon-warning" aria-hidden="true"></span>
      <span>${note}</span>
    </div>`;
  }

  protected override updated(): void {
    this.syncEditor(this.parts.store.state.experiment, this.parts.store.state.following !== undefined);
  }

  /** The editor shows the loss's code: a preset's source, the snippet, or (a file) nothing to edit here. */
  private syncEditor(exp: PanelExperiment | undefined, following: boolean): void {
    if (!exp) return;
    const { editor } = this.parts;
    const loss = exp.loss;
    const problemKey = 'preset' in loss ? `preset:${loss.preset}` : 'file' in loss ? `file:${loss.file}` : following ? 'following' : 'source';
    const source = 'preset' in loss ? getProblem(loss.preset)?.source ?? '' : 'source' in loss ? loss.source : '';
    // Another problem: its code with a history of its own (undo stays within one problem).
    editor.show(source, { problem: problemKey });
    editor.setReadOnly(following || 'file' in loss);
  }
}
customElements.define('op-loss-section', LossSection);
