/**
 * The list of runs: one card per run (runCard.ts), keyed by the run's id with Lit's `repeat`, so
 * an edit that adds, removes or duplicates runs keeps the card — the same element, its focus, its
 * texts, a refused value with its reason — of every run it did not touch; then "Add run" and the
 * validator's issues that belong to no field.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { colorPositions, runColor, type ChartTheme } from '../charts/theme';
import { addRun } from './experimentDraft';
import type { PanelModel } from './model';
import { RunCard, type RunsContext } from './runCard';
import './runCard';
import { newRunId } from './runIds';
import type { PanelState } from './state';
import { Store, StoreController } from './store';
import type { FieldMessages } from './fields';

export interface RunListParts {
  readonly store: Store<PanelState>;
  readonly model: PanelModel;
  readonly messages: FieldMessages;
  /** Issues of the validator that no field shows. */
  general(): readonly string[];
  theme(): ChartTheme;
}

export class RunList extends LitElement {
  declare parts: RunListParts;
  private slice!: StoreController<PanelState, readonly unknown[]>;
  /** Where the focus goes once the list has rendered (its card was removed). */
  private focusAfter: { index: number; control: string } | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.experiment?.runs, s.runIds, s.results, s.view.selectedRun, s.refused, s.errors, s.crossings, s.rates]);
    super.connectedCallback();
  }

  private readonly ctx: RunsContext = {
    messages: {
      refused: (key) => this.parts.messages.refused(key),
      issue: (path) => this.parts.messages.issue(path),
      refuse: (key, r) => this.parts.messages.refuse(key, r),
    },
    experiment: () => this.parts.store.state.experiment!,
    ids: () => this.parts.store.state.runIds,
    edit: (next, ids) => this.parts.model.edit(next, ids),
    tune: (index) => this.parts.model.post({ type: 'tuneRun', run: index }),
    select: (index) => this.parts.model.setView({ selectedRun: index }),
    removed: (index, control) => { this.focusAfter = { index, control }; },
  };

  protected override render(): TemplateResult {
    const s = this.parts.store.state;
    const exp = s.experiment;
    if (!exp) return html``;
    void this.slice.value;
    const theme = this.parts.theme();
    const general = this.parts.general();
    const add = (): void => this.parts.model.edit(addRun(exp), [...s.runIds, newRunId()]);
    const colors = colorPositions(exp.runs);
    return html`
      ${general.length > 0 ? html`<div class="general-issues" role="alert">${general.map((t) => html`<div class="issue"><span class="codicon codicon-error" aria-hidden="true"></span><span>${t}</span></div>`)}</div>` : nothing}
      <div class="run-list">
        ${exp.runs.length === 0 ? html`<p class="empty-note">No runs yet. Add one to start optimizing.</p>` : nothing}
        ${repeat(exp.runs, (_, i) => s.runIds[i] ?? `at${i}`, (run, i) => html`<op-run-card .ctx=${this.ctx} .run=${run} .index=${i} .runId=${s.runIds[i] ?? `at${i}`}
          .result=${s.results.find((r) => r.run === i)} .warning=${s.crossings.get(i)} .rate=${s.rates.get(i)} .color=${runColor(theme, colors[i] ?? i)} .selected=${s.view.selectedRun === i} .issues=${[s.refused, s.errors]}></op-run-card>`)}
      </div>
      <div class="run-list-actions"><vscode-button secondary icon="add" class="add-run" data-control="add" @click=${add}>Add run</vscode-button></div>`;
  }

  protected override updated(): void {
    const target = this.focusAfter;
    if (!target) return;
    this.focusAfter = undefined;
    // The focus of a removed card goes to the same control of the card now in its place, else "Add run".
    const active = document.activeElement;
    if (active && active !== document.body && this.contains(active)) return;
    const card = this.querySelectorAll<RunCard>('op-run-card')[target.index];
    void (card ? card.updateComplete : Promise.resolve(true)).then(() => {
      const control = card?.querySelector<HTMLElement>(`[data-control="${target.control}"]`) ?? this.querySelector<HTMLElement>('.add-run');
      control?.focus();
      if (control && !control.matches(':focus-within')) control.shadowRoot?.querySelector<HTMLElement>('button, input, [tabindex]')?.focus();
    });
  }
}
customElements.define('op-run-list', RunList);
