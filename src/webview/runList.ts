/**
 * The list of runs: per run the optimizer and every hyperparameter it has (defaults shown,
 * invalid values refused in place with the reason), an optional schedule and clipping, and a
 * learning-rate sweep that expands the run into several; add, remove, duplicate, enable/disable.
 * Names, defaults, bounds and descriptions all come from the registries in src/engine.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { OPTIMIZERS, optimizerSpec, type HyperparameterSpec } from '../engine/hyperparameters';
import { SCHEDULES, type ScheduleFieldSpec } from '../engine/schedules';
import { CLIP_FIELDS } from '../engine/clip';
import type { ClipSpec, HyperparameterValue, ScheduleSpec } from '../engine/types';
import type { PanelExperiment, PanelRun, RunResult } from '../protocol';
import { clear, codicon, h } from './dom';
import {
  addRun, defaultSchedule, duplicateRun, expandLrSweep, isEnabled, removeRun, runHyperparameters, setHyperparameter, setOptimizer,
  setRunProperty, toggleRun,
} from './experimentDraft';
import { checkboxField, selectField, textField, type FieldRegistry } from './fields';
import { formatNumber, parseBounded, type FieldResult, parseHyperparameter, parseInteger, parseSweep } from './fieldValidation';

export interface RunListContext {
  readonly fields: FieldRegistry;
  experiment(): PanelExperiment;
  /** Applies an edit; `rebuild` re-renders the run list (structure changed), else only values changed. */
  edit(next: PanelExperiment, rebuild: boolean): void;
  /** The colour of run `index` in the charts. */
  runColor(index: number): string;
  /** The host's results for run `index`, if it has run. */
  result(index: number): RunResult | undefined;
  /** The selected run (the formula view shows its update rule). */
  selected(): number;
  select(index: number): void;
}

const STATUS_ICON: Record<string, string> = {
  running: 'loading', completed: 'pass', converged: 'pass-filled', diverged: 'warning', error: 'error', cancelled: 'circle-slash',
};

export class RunList {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  /** Sweep texts per run, kept across rebuilds until expanded. */
  private sweepText = new Map<number, string>();

  constructor(private readonly ctx: RunListContext) {
    this.list = h('div', { class: 'run-list' });
    const add = h('vscode-button', { secondary: true, icon: 'add', class: 'add-run', onclick: () => this.ctx.edit(addRun(this.ctx.experiment()), true) }, 'Add run');
    this.element = h('div', { class: 'runs' }, this.list, h('div', { class: 'run-list-actions' }, add));
  }

  render(): void {
    this.ctx.fields.unregister('runs[');
    clear(this.list);
    const exp = this.ctx.experiment();
    exp.runs.forEach((run, i) => this.list.appendChild(this.card(exp, run, i)));
    if (exp.runs.length === 0) this.list.appendChild(h('p', { class: 'empty-note' }, 'No runs yet. Add one to start optimizing.'));
  }

  /** Highlights the selected run's card. */
  markSelected(run: number): void {
    for (const card of this.list.querySelectorAll<HTMLElement>('.run-card')) {
      const selected = Number(card.dataset.run) === run;
      card.classList.toggle('selected', selected);
      card.setAttribute('aria-current', selected ? 'true' : 'false');
    }
  }

  /**
   * Shows what a value edit changed elsewhere in the cards without rebuilding them (which would
   * take the focus from the field being typed in): an automatic label that followed η, and the
   * "default" mark of every hyperparameter (shown only while the value is the default).
   */
  syncValues(): void {
    const exp = this.ctx.experiment();
    for (const card of this.list.querySelectorAll<HTMLElement>('.run-card')) {
      const i = Number(card.dataset.run);
      const run = exp.runs[i];
      if (!run) continue;
      const label = card.querySelector<HTMLElement & { value: string }>(`vscode-textfield[data-path="runs[${i}].label"]`);
      // Not while the label itself is being typed in (an emptied label means automatic).
      if (label && label.value !== run.label && !label.matches(':focus-within')) label.value = run.label;
      for (const hp of runHyperparameters(exp, i)) {
        const path = hp.spec.kind === 'betas' ? `${hp.path}[0]` : hp.path;
        const suffix = card.querySelector(`[data-path="${path}"]`)?.closest('.field')?.querySelector<HTMLElement>('.field-suffix');
        if (suffix) suffix.hidden = !hp.isDefault;
      }
    }
  }

  /** Updates status badges (from streamed results) without rebuilding the fields. */
  updateStatus(): void {
    for (const card of this.list.querySelectorAll<HTMLElement>('.run-card')) {
      const i = Number(card.dataset.run);
      const badge = card.querySelector<HTMLElement>('.run-status');
      const note = card.querySelector<HTMLElement>('.run-note');
      if (badge) this.fillStatus(badge, i);
      if (note) {
        const r = this.ctx.result(i);
        const show = r && (r.status === 'diverged' || r.status === 'error') && r.message;
        const text = show ? r.message! : '';
        // Called on every streamed batch: touch the DOM only for what changed.
        if (note.textContent !== text) note.textContent = text;
        if (note.hidden !== !show) note.hidden = !show;
      }
      const swatch = card.querySelector<HTMLElement>('.run-swatch');
      const color = this.ctx.runColor(i);
      if (swatch && swatch.dataset.color !== color) {
        swatch.dataset.color = color;
        swatch.style.backgroundColor = color;
      }
    }
  }

  private fillStatus(badge: HTMLElement, i: number): void {
    const r = this.ctx.result(i);
    const className = `run-status${r ? ` status-${r.status}` : ''}`;
    const text = r ? (r.status === 'running' ? `step ${r.steps}` : `${r.status} · ${r.steps} steps`) : '';
    // While a run streams only its step count changes: update that text, keep the (spinning) icon.
    if (badge.className === className && badge.dataset.filled === 'true') {
      const span = badge.lastElementChild;
      if (span && span.textContent !== text) span.textContent = text;
      if (r) badge.title = r.message ?? `${r.status} after ${r.steps} steps`;
      return;
    }
    clear(badge);
    badge.className = className;
    badge.dataset.filled = String(r !== undefined);
    if (!r) return;
    badge.append(codicon(STATUS_ICON[r.status] ?? 'circle', r.status === 'running' ? 'codicon-modifier-spin' : ''),
      h('span', {}, r.status === 'running' ? `step ${r.steps}` : `${r.status} · ${r.steps} steps`));
    badge.title = r.message ?? `${r.status} after ${r.steps} steps`;
  }

  private card(exp: PanelExperiment, run: PanelRun, i: number): HTMLElement {
    const ctx = this.ctx;
    const enabled = isEnabled(run);
    const spec = optimizerSpec(run.optimizer);
    const swatch = h('span', { class: 'run-swatch', 'aria-hidden': 'true' });
    swatch.style.backgroundColor = ctx.runColor(i); // CSSOM, allowed by the CSP (no style attribute)
    const enable = document.createElement('vscode-checkbox');
    enable.checked = enabled;
    enable.title = enabled ? 'Enabled: click to leave this run out' : 'Disabled: click to run it again';
    enable.setAttribute('aria-label', `Run ${i + 1} enabled`);
    enable.addEventListener('change', () => ctx.edit(toggleRun(ctx.experiment(), i, enable.checked), true));

    const label = textField(ctx.fields, {
      path: `runs[${i}].label`, label: 'Label', value: run.label, className: 'run-label', placeholder: 'label',
      parse: (t) => ({ ok: true, value: t }),
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), i, 'label', v), false),
    });
    const optimizer = selectField({
      value: run.optimizer, className: 'run-optimizer',
      options: OPTIMIZERS.map((o) => ({ value: o.id, label: o.name, description: o.summary })),
      onValue: (v) => ctx.edit(setOptimizer(ctx.experiment(), i, v), true),
    });
    const status = h('span', { class: 'run-status' });
    this.fillStatus(status, i);
    const tool = (icon: string, title: string, onClick: () => void): HTMLElement => {
      const b = h('vscode-toolbar-button', { icon, label: title, title, onclick: onClick });
      return b;
    };
    const header = h('div', { class: 'run-header' },
      enable, swatch, label, status,
      h('span', { class: 'run-actions' },
        tool('copy', 'Duplicate run', () => ctx.edit(duplicateRun(ctx.experiment(), i), true)),
        tool('trash', 'Remove run', () => ctx.edit(removeRun(ctx.experiment(), i), true))));

    const note = h('div', { class: 'run-note', role: 'status' });
    const r = ctx.result(i);
    note.hidden = !(r && (r.status === 'diverged' || r.status === 'error') && r.message);
    if (!note.hidden) note.textContent = r!.message!;

    const grid = h('div', { class: 'hp-grid' });
    for (const hp of runHyperparameters(exp, i)) grid.appendChild(this.hyperparameterField(i, hp.spec, hp.value, hp.isDefault));

    const selected = ctx.selected() === i;
    const card = h('div', { class: `run-card${enabled ? '' : ' disabled'}${selected ? ' selected' : ''}`, 'data-run': i, 'aria-current': selected ? 'true' : 'false',
      title: 'Click to show this run\'s update rule' });
    // Selecting a run (its update rule in the formula view) by clicking anywhere on its card but the controls.
    card.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      if (t.closest('vscode-textfield, vscode-single-select, vscode-checkbox, vscode-button, vscode-toolbar-button, input')) return;
      if (ctx.selected() !== i) ctx.select(i);
    });
    card.addEventListener('focusin', () => { if (ctx.selected() !== i) ctx.select(i); });
    card.append(
      header,
      h('div', { class: 'run-optimizer-row' }, optimizer, spec ? h('div', { class: 'run-summary' }, spec.summary) : null),
      note, grid,
      h('div', { class: 'run-extras' }, this.scheduleEditor(run, i), this.clipEditor(run, i), this.sweepEditor(i)));
    return card;
  }

  private hyperparameterField(i: number, spec: HyperparameterSpec, value: HyperparameterValue, isDefault: boolean): HTMLElement {
    const ctx = this.ctx;
    const path = `runs[${i}].${spec.name}`;
    const hint = `${spec.description} (torch: ${spec.torchName}, default ${formatValue(spec.default)})`;
    // The mark is always there, hidden unless the value is the default (syncValues updates it).
    const suffix = 'default';
    const marked = (field: HTMLElement): HTMLElement => {
      const mark = field.querySelector<HTMLElement>('.field-suffix');
      if (mark) mark.hidden = !isDefault;
      return field;
    };
    if (spec.kind === 'boolean') {
      return marked(checkboxField(ctx.fields, {
        path, label: spec.name, hint, checked: value === true, suffix,
        onValue: (v) => ctx.edit(setHyperparameter(ctx.experiment(), i, spec.name, v === spec.default ? undefined : v), false),
      }));
    }
    if (spec.kind === 'betas') {
      const pair = value as readonly [number, number];
      const part = (k: 0 | 1): HTMLElement => textField(ctx.fields, {
        path: `${path}[${k}]`, label: `${spec.name}[${k}]`, hint, value: formatNumber(pair[k]), suffix: k === 0 ? suffix : undefined,
        className: 'hp-field',
        parse: (t) => parseHyperparameter(spec, t, k),
        onValue: (v) => {
          const run = ctx.experiment().runs[i];
          const current = (run?.hyperparameters[spec.name] ?? spec.default) as readonly [number, number];
          const next: [number, number] = k === 0 ? [v, current[1]] : [current[0], v];
          const d = spec.default as readonly [number, number];
          ctx.edit(setHyperparameter(ctx.experiment(), i, spec.name, next[0] === d[0] && next[1] === d[1] ? undefined : next), false);
        },
      });
      return h('div', { class: 'hp-pair' }, marked(part(0)), part(1));
    }
    return marked(textField(ctx.fields, {
      path, label: spec.name, hint, value: formatNumber(value as number), suffix, className: 'hp-field',
      parse: (t) => parseHyperparameter(spec, t),
      onValue: (v) => ctx.edit(setHyperparameter(ctx.experiment(), i, spec.name, v === spec.default ? undefined : v), false),
    }));
  }

  private scheduleEditor(run: PanelRun, i: number): HTMLElement {
    const ctx = this.ctx;
    const current = run.schedule;
    const select = selectField({
      label: 'Schedule', hint: 'Learning-rate schedule: how η changes with the step.',
      value: current?.type ?? 'none', className: 'schedule-type',
      options: [{ value: 'none', label: 'none (constant η)' }, ...SCHEDULES.filter((s) => s.type !== 'constant')
        .map((s) => ({ value: s.type, label: s.type, description: s.summary }))],
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), i, 'schedule', v === 'none' ? undefined : defaultSchedule(v, ctx.experiment().steps)), true),
    });
    const type = SCHEDULES.find((s) => s.type === current?.type);
    const fields = type ? type.fields.map((f) => this.scheduleField(i, f)) : [];
    return h('div', { class: 'run-extra schedule' }, select, ...fields);
  }

  private scheduleField(i: number, f: ScheduleFieldSpec): HTMLElement {
    const ctx = this.ctx;
    const path = `runs[${i}].schedule.${f.name}`;
    const current = (ctx.experiment().runs[i]?.schedule as Record<string, unknown> | undefined)?.[f.name];
    const value = typeof current === 'number' ? formatNumber(current) : '';
    return textField<number | undefined>(ctx.fields, {
      path, label: f.name, hint: f.description, value, className: 'hp-field',
      placeholder: f.default !== undefined ? `${formatNumber(f.default)} (default)` : f.required ? 'required' : 'optional',
      parse: (t): FieldResult<number | undefined> => {
        if (t.trim() === '' && !f.required) return { ok: true, value: undefined };
        return f.integer ? parseInteger(t, f.name, f.bounds.min ?? 0) : parseBounded(t, f.name, f.bounds);
      },
      onValue: (v: number | undefined) => {
        const s = { ...(ctx.experiment().runs[i]?.schedule ?? { type: 'constant' }) } as Record<string, unknown>;
        if (v === undefined) delete s[f.name];
        else s[f.name] = v;
        ctx.edit(setRunProperty(ctx.experiment(), i, 'schedule', s as unknown as ScheduleSpec), false);
      },
    });
  }

  private clipEditor(run: PanelRun, i: number): HTMLElement {
    const ctx = this.ctx;
    const kind = run.clip ? ('norm' in run.clip ? 'norm' : 'value') : 'none';
    const select = selectField({
      label: 'Clipping', hint: 'Gradient clipping, applied to the raw gradient before the optimizer.', value: kind, className: 'clip-type',
      options: [{ value: 'none', label: 'none' }, ...CLIP_FIELDS.map((f) => ({ value: f.name, label: `by ${f.name}`, description: f.description }))],
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), i, 'clip', v === 'none' ? undefined : (v === 'norm' ? { norm: 1 } : { value: 1 }) as ClipSpec), true),
    });
    if (!run.clip) return h('div', { class: 'run-extra clip' }, select);
    const k = kind as 'norm' | 'value';
    const v = (run.clip as Record<string, number>)[k]!;
    const field = textField(ctx.fields, {
      path: `runs[${i}].clip.${k}`, label: k, hint: CLIP_FIELDS.find((f) => f.name === k)?.description, value: formatNumber(v), className: 'hp-field',
      parse: (t) => parseBounded(t, `clip.${k}`, { min: 0, minExclusive: true }),
      onValue: (x) => ctx.edit(setRunProperty(ctx.experiment(), i, 'clip', (k === 'norm' ? { norm: x } : { value: x }) as ClipSpec), false),
    });
    return h('div', { class: 'run-extra clip' }, select, field);
  }

  private sweepEditor(i: number): HTMLElement {
    const ctx = this.ctx;
    let values: number[] = [];
    const path = `runs[${i}].sweep`;
    const field = textField(ctx.fields, {
      path, label: 'η sweep', hint: 'Learning rates separated by commas: the run becomes one run per rate.',
      value: this.sweepText.get(i) ?? '', placeholder: 'e.g. 0.001, 0.01, 0.1', className: 'sweep-field',
      parse: (t) => {
        this.sweepText.set(i, t);
        return parseSweep(t, 'η sweep');
      },
      onValue: (v) => {
        values = v;
        button.disabled = v.length === 0;
      },
    });
    const button = h('vscode-button', {
      secondary: true, icon: 'split-horizontal', class: 'sweep-button', title: 'Replace this run by one run per learning rate',
      onclick: () => {
        if (values.length === 0) return;
        this.sweepText.clear();
        ctx.edit(expandLrSweep(ctx.experiment(), i, values), true);
      },
    }, 'Expand');
    const initial = parseSweep(this.sweepText.get(i) ?? '');
    if (initial.ok) values = initial.value;
    button.disabled = values.length === 0;
    return h('div', { class: 'run-extra sweep' }, field, button);
  }
}

function formatValue(v: HyperparameterValue): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return formatNumber(v);
  return `(${formatNumber(v[0])}, ${formatNumber(v[1])})`;
}
