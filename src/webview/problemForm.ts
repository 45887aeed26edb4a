/**
 * The problem settings: the start point (one field per coordinate, or one list for many
 * parameters), steps, and — for losses with data — seed and batch size; plus what the panel knows
 * of a loss's shape (`lossShape`) before and after the host compiled it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { boundsText } from '../engine/bounds';
import { BATCH_SIZE_BOUNDS, STEPS_BOUNDS } from '../engine/experiment';
import { getProblem, type Problem } from '../engine/problems';
import type { LossInfo, PanelExperiment } from '../protocol';
import { setField, setInitCoordinate } from './experimentDraft';
import { formatNumber, parseBounded, parseNumber, type FieldResult } from './fieldValidation';
import { checkboxField, textField, type FieldMessages } from './fields';
import type { PanelModel } from './model';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';

/** The problem of a preset loss, if the experiment uses one. */
export function presetOf(exp: PanelExperiment): Problem | undefined {
  return 'preset' in exp.loss ? getProblem(exp.loss.preset) : undefined;
}

/** The loss's parameter count and default start, from the preset or what the host reported. */
export function lossShape(exp: PanelExperiment, info: LossInfo | undefined): { dim: number; init: readonly number[]; dataSize: number } {
  const problem = presetOf(exp);
  if (problem) {
    const dim = exp.init?.length && problem.anyDimension ? exp.init.length : problem.dim;
    return { dim, init: dim === problem.dim ? problem.init : problem.initFor(dim), dataSize: problem.dataSize };
  }
  if (info) return { dim: info.dim, init: info.init, dataSize: info.dataSize };
  const init = exp.init ?? [0, 0];
  return { dim: init.length, init, dataSize: 0 };
}

/** A list of numbers ("1, -2.5, 3"), of exactly `dim` entries. */
export function parseVector(text: string, dim: number, what: string): FieldResult<number[]> {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length !== dim) return { ok: false, message: `${what} needs ${dim} numbers, got ${parts.length}` };
  const out: number[] = [];
  for (const [i, p] of parts.entries()) {
    const r = parseNumber(p, `${what}[${i}]`);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

/** θ with coordinate `i` as a subscript (θ₀, θ₁₂): the start point's fields, the paths chart's axes and tooltip. */
export function thetaName(i: number): string {
  return `θ${String(i).split('').map((d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]).join('')}`;
}

export class ProblemForm extends LitElement {
  declare parts: { store: Store<PanelState>; model: PanelModel; messages: FieldMessages };
  private slice!: StoreController<PanelState, unknown>;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.experiment, s.info, s.refused, s.errors]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const { store, model, messages } = this.parts;
    const exp = store.state.experiment;
    if (!exp) return html``;
    const info = store.state.info;
    const shape = lossShape(exp, info);
    const init = exp.init ?? shape.init;
    const now = (): PanelExperiment => store.state.experiment!;
    const start = shape.dim <= 6
      ? Array.from({ length: shape.dim }, (_, i) => textField(messages, {
        key: `init[${i}]`, path: `init[${i}]`, label: thetaName(i), hint: `Start value of parameter ${i}`, value: init[i] ?? 0, format: formatNumber,
        className: 'init-field', parse: (t) => parseNumber(t, `init[${i}]`),
        onValue: (v) => model.edit(setInitCoordinate(now(), i, v, lossShape(now(), store.state.info).init)),
      }))
      : [textField(messages, {
        key: 'init', path: 'init', label: `θ (${shape.dim} numbers)`, value: [...init], format: (v) => v.map(formatNumber).join(', '), className: 'init-list',
        parse: (t) => parseVector(t, shape.dim, 'init'), onValue: (v) => model.edit(setField(now(), 'init', v)),
      })];
    const data = shape.dataSize > 0 ? [
      textField(messages, {
        key: 'seed', path: 'seed', label: 'Seed', hint: 'Seed of the mini-batch sampling.', value: exp.seed, format: String, className: 'seed-field',
        parse: (t) => parseBounded(t, 'seed', undefined, true), onValue: (v) => model.edit({ ...now(), seed: v }),
      }),
      textField<number | undefined>(messages, {
        key: 'batchSize', path: 'batchSize', label: 'Batch size', hint: `Examples per step (the data has ${shape.dataSize}); empty = all of them.`,
        value: exp.batchSize, format: (v) => (v === undefined ? '' : String(v)), placeholder: `all ${shape.dataSize}`, className: 'batch-field',
        parse: (t): FieldResult<number | undefined> => (t.trim() === '' ? { ok: true, value: undefined } : parseBounded(t, 'batchSize', { ...BATCH_SIZE_BOUNDS, max: shape.dataSize }, true)),
        onValue: (v) => model.edit(setField(now(), 'batchSize', v)),
      }),
    ] : [];
    return html`<div class="problem-grid">
      <div class="form-group">
        <div class="group-title">Start point <span class="group-hint">click the surface chart to set it</span></div>
        <div class="start-row"><div class="start-point">${start}</div>
          ${exp.init ? html`<vscode-button secondary icon="discard" class="reset-start" title="Back to the default start point"
            @click=${() => model.edit(setField(now(), 'init', undefined))}>Default</vscode-button>` : nothing}</div>
      </div>
      <div class="settings-row">
        ${textField(messages, {
          key: 'steps', path: 'steps', label: 'Steps', hint: `Optimizer steps per run (${boundsText(STEPS_BOUNDS, true).replace(/^an integer /, '')}).`,
          value: exp.steps, format: String, className: 'steps-field', parse: (t) => parseBounded(t, 'steps', STEPS_BOUNDS, true),
          onValue: (v) => model.edit({ ...now(), steps: v }),
        })}
        ${data}
        ${checkboxField({
          path: 'curvature', label: 'Sharpness and stability',
          hint: 'Each step\'s sharpness (the Hessian\'s largest eigenvalue) against each run\'s stability threshold, in its own chart.',
          checked: exp.curvature === true, onValue: (v) => model.edit(setField(now(), 'curvature', v ? true : undefined)),
        })}
      </div>
    </div>`;
  }
}
customElements.define('op-problem-form', ProblemForm);
