/**
 * One run's card: enabled, colour, label, status; its optimizer and every hyperparameter it has
 * (defaults marked, refused values kept in place with the reason); schedule, clipping and a
 * learning-rate sweep (runExtras.ts); duplicate and remove. Names, defaults, bounds and
 * descriptions come from the registries in src/engine. The card stays the same element for its
 * run (the run list keys cards by run id), so its focus and texts survive others' edits.
 */
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { OPTIMIZERS, optimizerSpec, type HyperparameterSpec } from '../engine/hyperparameters';
import type { HyperparameterValue } from '../engine/types';
import type { PanelExperiment, PanelRun, RunResult } from '../protocol';
import {
  defaultLabel, duplicateRun, isEnabled, removeRun, runHyperparameters, runLabel, setHyperparameter, setOptimizer, setRunProperty, toggleRun,
} from './experimentDraft';
import { formatNumber, parseHyperparameter } from './fieldValidation';
import { checkboxField, textField, type FieldMessages } from './fields';
import { runExtras } from './runExtras';
import { newRunId } from './runIds';
import { selectField } from './selects';

/** What a card needs from the panel. */
export interface RunsContext {
  readonly messages: FieldMessages;
  experiment(): PanelExperiment;
  ids(): readonly string[];
  /** Applies an edit; `ids`: the run ids after a structural edit. */
  edit(next: PanelExperiment, ids?: readonly string[]): void;
  /** Shows run `index`'s update rule. */
  select(index: number): void;
  /** A card is going (its remove button was pressed): the focus goes where the run list says. */
  removed(index: number, control: string): void;
  /** Asks the host to tune run `index` (its learning rate by default) and show it at its best. */
  tune(index: number): void;
}

const STATUS_ICON: Record<string, string> = {
  running: 'loading', completed: 'pass', converged: 'pass-filled', diverged: 'warning', error: 'error', cancelled: 'circle-slash',
};

export class RunCard extends LitElement {
  static override properties = {
    run: { attribute: false }, index: { type: Number }, runId: { attribute: false }, result: { attribute: false }, warning: { attribute: false }, rate: { attribute: false },
    color: { attribute: false }, selected: { type: Boolean }, issues: { attribute: false },
  };
  declare ctx: RunsContext;
  declare run: PanelRun;
  declare index: number;
  declare runId: string;
  declare result: RunResult | undefined;
  /** Where the run's curvature crossed its stability threshold ("at step 12, η·λmax = 2.3 > 2: …"), up to the step shown. */
  declare warning: string | undefined;
  /** On a quadratic loss: the run's rate per step, closed form and measured (rateMapView.ts `rateNotes`). */
  declare rate: string | undefined;
  declare color: string;
  declare selected: boolean;
  /** Validator issues and refusals changed (a new object each time). */
  declare issues: unknown;
  /** The sweep's text and values, kept until the sweep is expanded. */
  sweep = { text: '', values: [] as number[] };

  /** Light DOM: the panel's stylesheet applies. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.classList.add('run-card');
    this.addEventListener('click', this.onClick);
    this.addEventListener('focusin', this.onFocus);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('click', this.onClick);
    this.removeEventListener('focusin', this.onFocus);
  }

  /** Selecting a run (its update rule) by clicking anywhere on its card but its controls, or by moving into it. */
  private readonly onClick = (e: Event): void => {
    if ((e.target as HTMLElement).closest('vscode-textfield, vscode-single-select, vscode-checkbox, vscode-button, vscode-toolbar-button, input')) return;
    if (!this.selected) this.ctx.select(this.index);
  };
  private readonly onFocus = (): void => {
    if (!this.selected) this.ctx.select(this.index);
  };

  protected override render(): TemplateResult {
    const { ctx, run, index } = this;
    const exp = ctx.experiment();
    const enabled = isEnabled(run);
    this.dataset.run = String(index);
    this.classList.toggle('disabled', !enabled);
    this.classList.toggle('selected', this.selected);
    this.setAttribute('aria-current', this.selected ? 'true' : 'false');
    const edit = (next: PanelExperiment): void => ctx.edit(next);
    const tool = (icon: string, control: string, title: string, onClick: () => void): TemplateResult =>
      html`<vscode-toolbar-button icon=${icon} label=${title} title=${title} data-control=${control} @click=${onClick}></vscode-toolbar-button>`;
    const duplicate = (): void => {
      const ids = [...ctx.ids()];
      ids.splice(index + 1, 0, newRunId());
      ctx.edit(duplicateRun(ctx.experiment(), index), ids);
    };
    const remove = (): void => {
      ctx.removed(index, 'remove');
      ctx.edit(removeRun(ctx.experiment(), index), ctx.ids().filter((_, i) => i !== index));
    };
    const spec = optimizerSpec(run.optimizer);
    return html`
      <div class="run-header">
        <vscode-checkbox data-control="enable" .checked=${enabled}
          title=${enabled ? 'Enabled: click to leave this run out' : 'Disabled: click to run it again'}
          @change=${(e: Event) => edit(toggleRun(ctx.experiment(), index, (e.target as HTMLInputElement).checked))}><span class="visually-hidden">Run ${index + 1} enabled</span></vscode-checkbox>
        <span class="run-swatch" aria-hidden="true" data-color=${this.color}></span>
        ${textField(ctx.messages, {
          key: `run:${this.runId}.label`, path: `runs[${index}].label`, label: 'Label', value: runLabel(exp, index), className: 'run-label', placeholder: defaultLabel(run),
          format: (v) => v, parse: (t) => ({ ok: true, value: t }), onValue: (v) => edit(setRunProperty(ctx.experiment(), index, 'label', v)),
        })}
        ${this.status()}
        <span class="run-actions">${run.ghost ? nothing : tool('beaker', 'tune', 'Tune this run\'s learning rate on the loss', () => ctx.tune(index))}${tool('copy', 'duplicate', 'Duplicate run', duplicate)}${tool('trash', 'remove', 'Remove run', remove)}</span>
      </div>
      <div class="run-optimizer-row">
        ${selectField({ ariaLabel: 'Optimizer', className: 'run-optimizer', control: 'optimizer', value: run.optimizer,
          options: OPTIMIZERS.map((o) => ({ value: o.id, label: o.name, description: o.summary })),
          onValue: (v) => edit(setOptimizer(ctx.experiment(), index, v)) })}
        ${spec ? html`<div class="run-summary">${spec.summary}</div>` : nothing}
      </div>
      ${this.note()}
      <div class="hp-grid">${runHyperparameters(exp, index).map((hp) => this.hyperparameter(hp.spec, hp.value, hp.isDefault))}</div>
      ${runExtras(this, ctx, exp, index)}`;
  }

  protected override updated(): void {
    // The swatch's colour through the CSSOM (the CSP refuses style attributes).
    const swatch = this.querySelector<HTMLElement>('.run-swatch');
    if (swatch && swatch.style.backgroundColor !== this.color) swatch.style.backgroundColor = this.color;
  }

  private status(): TemplateResult {
    const r = this.result;
    if (!r) return html`<span class="run-status"></span>`;
    const text = r.status === 'running' ? `step ${r.steps}` : `${r.status} · ${r.steps} steps`;
    return html`<span class="run-status status-${r.status}" title=${r.message ?? `${r.status} after ${r.steps} steps`}>
      <span class="codicon codicon-${STATUS_ICON[r.status] ?? 'circle'} ${r.status === 'running' ? 'codicon-modifier-spin' : ''}" aria-hidden="true"></span><span>${text}</span></span>`;
  }

  private note(): TemplateResult | typeof nothing {
    const r = this.result;
    const ended = r && (r.status === 'diverged' || r.status === 'error') && r.message ? r.message : undefined;
    if (!ended && !this.warning && !this.rate) return nothing;
    return html`${this.warning ? html`<div class="run-note run-warning" role="status"><span class="codicon codicon-warning" aria-hidden="true"></span> ${this.warning}</div>` : nothing}
      ${this.rate ? html`<div class="run-note run-rate">${this.rate}</div>` : nothing}
      ${ended ? html`<div class="run-note" role="status">${ended}</div>` : nothing}`;
  }

  private hyperparameter(spec: HyperparameterSpec, value: HyperparameterValue, isDefault: boolean): TemplateResult {
    const { ctx, index } = this;
    const path = `runs[${index}].${spec.name}`;
    const key = `run:${this.runId}.${spec.name}`;
    const hint = `${spec.description} (torch: ${spec.torchName}, default ${formatValue(spec.default)})`;
    const set = (v: HyperparameterValue): void => ctx.edit(setHyperparameter(ctx.experiment(), index, spec.name, JSON.stringify(v) === JSON.stringify(spec.default) ? undefined : v));
    if (spec.kind === 'boolean') {
      return checkboxField({ path, label: spec.name, hint, checked: value === true, suffix: 'default', suffixShown: isDefault, onValue: set });
    }
    if (spec.kind === 'betas') {
      const pair = value as readonly [number, number];
      const part = (k: 0 | 1): TemplateResult => textField(ctx.messages, {
        key: `${key}[${k}]`, path: `${path}[${k}]`, label: `${spec.name}[${k}]`, hint, value: pair[k], format: formatNumber, className: 'hp-field',
        suffix: k === 0 ? 'default' : undefined, suffixShown: isDefault, parse: (t) => parseHyperparameter(spec, t, k),
        onValue: (v) => {
          const current = (ctx.experiment().runs[index]?.hyperparameters[spec.name] ?? spec.default) as readonly [number, number];
          set(k === 0 ? [v, current[1]] : [current[0], v]);
        },
      });
      return html`<div class="hp-pair">${part(0)}${part(1)}</div>`;
    }
    return textField(ctx.messages, {
      key, path, label: spec.name, hint, value: value as number, format: formatNumber, suffix: 'default', suffixShown: isDefault,
      className: 'hp-field', parse: (t) => parseHyperparameter(spec, t), onValue: set,
    });
  }
}
customElements.define('op-run-card', RunCard);

function formatValue(v: HyperparameterValue): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return formatNumber(v);
  return `(${formatNumber(v[0])}, ${formatNumber(v[1])})`;
}
