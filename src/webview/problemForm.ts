/**
 * The problem settings: which loss (a built-in problem or the panel's own snippet), the start
 * point (one field per coordinate, or one list for many parameters), steps, and — for losses with
 * data — seed and batch size. The loss editor itself lives beside this form and is not rebuilt
 * with it, so typing in it never loses focus.
 */
import { PROBLEMS, getProblem, type Problem } from '../engine/problems';
import { boundsText } from '../engine/bounds';
import { BATCH_SIZE_BOUNDS, STEPS_BOUNDS } from '../engine/experiment';
import type { LossInfo, PanelExperiment } from '../protocol';
import { clear, h } from './dom';
import { setField, setInitCoordinate } from './experimentDraft';
import { selectField, textField, type FieldRegistry } from './fields';
import { formatNumber, parseBounded, parseNumber, type FieldResult } from './fieldValidation';

export interface ProblemFormContext {
  readonly fields: FieldRegistry;
  experiment(): PanelExperiment;
  edit(next: PanelExperiment, rebuild: boolean): void;
  /** What the host learnt when the loss compiled (dimension, default start, data size). */
  info(): LossInfo | undefined;
  /** The source shown for a custom loss (the editor's text). */
  editorSource(): string;
  /** The editor document the panel is bound to, if any. */
  boundDocument(): string | undefined;
}

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

export class ProblemForm {
  readonly picker: HTMLElement;
  readonly element: HTMLElement;
  private readonly pickerSlot: HTMLElement;
  private readonly description: HTMLElement;

  constructor(private readonly ctx: ProblemFormContext, private readonly onPickLoss: (source: string | undefined) => void) {
    this.pickerSlot = h('div', { class: 'loss-picker' });
    this.description = h('p', { class: 'loss-description' });
    this.picker = h('div', { class: 'loss-header' }, this.pickerSlot, this.description);
    this.element = h('div', { class: 'problem-grid' });
  }

  render(): void {
    this.renderPicker();
    this.renderFields();
  }

  private renderPicker(): void {
    const exp = this.ctx.experiment();
    const loss = exp.loss;
    const value = 'preset' in loss ? `preset:${loss.preset}` : 'file' in loss ? 'file' : 'source';
    const options = [
      ...PROBLEMS.map((p) => ({ value: `preset:${p.name}`, label: p.title, description: p.description })),
      { value: 'source', label: 'Custom loss (TypeScript)', description: 'Write your own loss function in the editor below.' },
      ...('file' in loss ? [{ value: 'file', label: `File: ${loss.file}`, description: 'The loss file this panel runs.' }] : []),
    ];
    clear(this.pickerSlot);
    this.pickerSlot.appendChild(selectField({
      label: 'Loss', hint: 'A built-in problem, or your own TypeScript loss.', value, options, className: 'loss-select',
      onValue: (v) => {
        if (v.startsWith('preset:')) {
          const name = v.slice('preset:'.length);
          const next = setField({ ...this.ctx.experiment(), loss: { preset: name } }, 'init', undefined);
          this.onPickLoss(getProblem(name)?.source);
          this.ctx.edit(setField(next, 'batchSize', undefined), true);
        } else if (v === 'source') {
          this.onPickLoss(undefined);
          this.ctx.edit({ ...this.ctx.experiment(), loss: { source: this.ctx.editorSource() } }, true);
        }
      },
    }));
    const problem = presetOf(exp);
    const bound = this.ctx.boundDocument();
    this.description.textContent = problem ? problem.description
      : 'file' in loss ? `Runs ${loss.file}${bound ? ` (bound to ${bound})` : ''}; edit it in the editor.`
        : 'Your loss: export default function loss(params: number[]): number. Optional exports: init, domain, data, grad.';
  }

  private renderFields(): void {
    const ctx = this.ctx;
    ctx.fields.unregister('init');
    ctx.fields.unregister('steps');
    ctx.fields.unregister('seed');
    ctx.fields.unregister('batchSize');
    clear(this.element);
    const exp = ctx.experiment();
    const shape = lossShape(exp, ctx.info());
    const init = exp.init ?? shape.init;
    const start = h('div', { class: 'start-point' });
    if (shape.dim <= 6) {
      for (let i = 0; i < shape.dim; i++) {
        start.appendChild(textField(ctx.fields, {
          path: `init[${i}]`, label: thetaName(i), hint: `Start value of parameter ${i}`,
          value: init[i] !== undefined ? formatNumber(init[i]!) : '', className: 'init-field',
          parse: (t) => parseNumber(t, `init[${i}]`),
          onValue: (v) => ctx.edit(setInitCoordinate(ctx.experiment(), i, v, lossShape(ctx.experiment(), ctx.info()).init), false),
        }));
      }
    } else {
      start.appendChild(textField(ctx.fields, {
        path: 'init', label: `θ (${shape.dim} numbers)`, value: init.map(formatNumber).join(', '), className: 'init-list',
        parse: (t) => parseVector(t, shape.dim, 'init'),
        onValue: (v) => ctx.edit(setField(ctx.experiment(), 'init', v), false),
      }));
    }
    const resetStart = exp.init
      ? h('vscode-button', { secondary: true, icon: 'discard', class: 'reset-start', title: 'Back to the default start point',
        onclick: () => ctx.edit(setField(ctx.experiment(), 'init', undefined), true) }, 'Default')
      : null;
    const startGroup = h('div', { class: 'form-group' },
      h('div', { class: 'group-title' }, 'Start point', h('span', { class: 'group-hint' }, 'click the surface chart to set it')),
      h('div', { class: 'start-row' }, start, resetStart));

    const settings = h('div', { class: 'settings-row' },
      textField(ctx.fields, {
        path: 'steps', label: 'Steps', hint: `Optimizer steps per run (${boundsText(STEPS_BOUNDS, true).replace(/^an integer /, '')}).`,
        value: String(exp.steps), className: 'steps-field',
        parse: (t) => parseBounded(t, 'steps', STEPS_BOUNDS, true),
        onValue: (v) => ctx.edit({ ...ctx.experiment(), steps: v }, false),
      }));
    if (shape.dataSize > 0) {
      settings.appendChild(textField(ctx.fields, {
        path: 'seed', label: 'Seed', hint: 'Seed of the mini-batch sampling.', value: String(exp.seed), className: 'seed-field',
        parse: (t) => parseBounded(t, 'seed', undefined, true),
        onValue: (v) => ctx.edit({ ...ctx.experiment(), seed: v }, false),
      }));
      settings.appendChild(textField<number | undefined>(ctx.fields, {
        path: 'batchSize', label: 'Batch size', hint: `Examples per step (the data has ${shape.dataSize}); empty = all of them.`,
        value: exp.batchSize !== undefined ? String(exp.batchSize) : '', placeholder: `all ${shape.dataSize}`, className: 'batch-field',
        parse: (t): FieldResult<number | undefined> => (t.trim() === '' ? { ok: true, value: undefined } : parseBounded(t, 'batchSize', { ...BATCH_SIZE_BOUNDS, max: shape.dataSize }, true)),
        onValue: (v) => ctx.edit(setField(ctx.experiment(), 'batchSize', v), false),
      }));
    }
    this.element.append(startGroup, settings);
  }
}

/** θ with coordinate `i` as a subscript (θ₀, θ₁₂): the start point's fields, the surface chart's axes and tooltip. */
export function thetaName(i: number): string {
  return `θ${String(i).split('').map((d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]).join('')}`;
}
