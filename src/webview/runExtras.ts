/**
 * A run card's extras: its learning-rate schedule (type and fields), gradient clipping, and a
 * learning-rate sweep that replaces the run by one run per rate. Names, fields and descriptions
 * come from the registries (src/engine/schedules.ts, src/engine/clip.ts).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, type TemplateResult } from 'lit';
import { CLIP_BOUNDS, CLIP_FIELDS } from '../engine/clip';
import { SCHEDULES, type ScheduleFieldSpec } from '../engine/schedules';
import type { ClipSpec, ScheduleSpec } from '../engine/types';
import type { PanelExperiment, PanelRun } from '../protocol';
import { defaultSchedule, expandLrSweep, setRunProperty } from './experimentDraft';
import { formatNumber, parseBounded, parseSweep, type FieldResult } from './fieldValidation';
import { textField } from './fields';
import type { RunCard, RunsContext } from './runCard';
import { newRunId } from './runIds';
import { selectField } from './selects';

export function runExtras(card: RunCard, ctx: RunsContext, exp: PanelExperiment, index: number): TemplateResult {
  const run = exp.runs[index]!;
  return html`<div class="run-extras">${schedule(card, ctx, run, index)}${clip(card, ctx, run, index)}${sweep(card, ctx, index)}</div>`;
}

function schedule(card: RunCard, ctx: RunsContext, run: PanelRun, index: number): TemplateResult {
  const current = run.schedule as ScheduleSpec | undefined;
  const type = SCHEDULES.find((s) => s.type === current?.type);
  const field = (f: ScheduleFieldSpec): TemplateResult => {
    const v = (current as Record<string, unknown> | undefined)?.[f.name];
    return textField<number | undefined>(ctx.messages, {
      key: `run:${card.runId}.schedule.${f.name}`, path: `runs[${index}].schedule.${f.name}`, label: f.name, hint: f.description,
      value: typeof v === 'number' ? v : undefined, format: (x) => (x === undefined ? '' : formatNumber(x)), className: 'hp-field',
      placeholder: f.default !== undefined ? `${formatNumber(f.default)} (default)` : f.defaultFrom === 'steps' ? 'the experiment\'s steps' : f.defaultFrom ? 'the run\'s lr' : f.required ? 'required' : 'optional',
      parse: (t): FieldResult<number | undefined> => {
        if (t.trim() === '' && !f.required) return { ok: true, value: undefined };
        return parseBounded(t, f.name, f.bounds, f.integer);
      },
      onValue: (x) => {
        const s = { ...(ctx.experiment().runs[index]?.schedule ?? { type: 'constant' }) } as Record<string, unknown>;
        if (x === undefined) delete s[f.name];
        else s[f.name] = x;
        ctx.edit(setRunProperty(ctx.experiment(), index, 'schedule', s as unknown as ScheduleSpec));
      },
    });
  };
  return html`<div class="run-extra schedule">
    ${selectField({
      label: 'Schedule', hint: 'Learning-rate schedule: how η changes with the step.', value: current?.type ?? 'none', className: 'schedule-type', control: 'schedule',
      options: [{ value: 'none', label: 'none (constant η)' }, ...SCHEDULES.filter((s) => s.type !== 'constant').map((s) => ({ value: s.type, label: s.type, description: s.summary }))],
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), index, 'schedule', v === 'none' ? undefined : defaultSchedule(v, ctx.experiment().steps))),
    })}
    ${type ? type.fields.map(field) : []}
  </div>`;
}

function clip(card: RunCard, ctx: RunsContext, run: PanelRun, index: number): TemplateResult {
  const kind = run.clip ? ('norm' in run.clip ? 'norm' : 'value') : 'none';
  const select = selectField({
    label: 'Clipping', hint: 'Gradient clipping, applied to the raw gradient before the optimizer.', value: kind, className: 'clip-type', control: 'clip',
    options: [{ value: 'none', label: 'none' }, ...CLIP_FIELDS.map((f) => ({ value: f.name, label: `by ${f.name}`, description: f.description }))],
    onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), index, 'clip', v === 'none' ? undefined : (v === 'norm' ? { norm: 1 } : { value: 1 }) as ClipSpec)),
  });
  if (!run.clip) return html`<div class="run-extra clip">${select}</div>`;
  const k = kind as 'norm' | 'value';
  return html`<div class="run-extra clip">${select}${textField(ctx.messages, {
    key: `run:${card.runId}.clip.${k}`, path: `runs[${index}].clip.${k}`, label: k, hint: CLIP_FIELDS.find((f) => f.name === k)?.description,
    value: (run.clip as Record<string, number>)[k]!, format: formatNumber, className: 'hp-field',
    parse: (t) => parseBounded(t, `clip.${k}`, CLIP_BOUNDS),
    onValue: (x) => ctx.edit(setRunProperty(ctx.experiment(), index, 'clip', (k === 'norm' ? { norm: x } : { value: x }) as ClipSpec)),
  })}</div>`;
}

function sweep(card: RunCard, ctx: RunsContext, index: number): TemplateResult {
  const expand = (): void => {
    const lrs = card.sweep.values;
    if (lrs.length === 0) return;
    card.sweep = { text: '', values: [] };
    // The first run keeps the card; the others are new.
    const ids = [...ctx.ids()];
    ids.splice(index, 1, ...lrs.map((_, k) => (k === 0 ? ids[index]! : newRunId())));
    ctx.edit(expandLrSweep(ctx.experiment(), index, lrs), ids);
  };
  return html`<div class="run-extra sweep">
    ${textField<number[]>(ctx.messages, {
      key: `run:${card.runId}.sweep`, path: `runs[${index}].sweep`, label: 'η sweep', hint: 'Learning rates separated by commas: the run becomes one run per rate.',
      value: card.sweep.values, format: () => card.sweep.text, placeholder: 'e.g. 0.001, 0.01, 0.1', className: 'sweep-field',
      parse: (t) => {
        card.sweep = { ...card.sweep, text: t };
        return parseSweep(t, 'η sweep');
      },
      onValue: (v) => {
        card.sweep = { ...card.sweep, values: v };
        card.requestUpdate();
      },
    })}
    <vscode-button secondary icon="split-horizontal" class="sweep-button" data-control="expand" title="Replace this run by one run per learning rate"
      ?disabled=${card.sweep.values.length === 0} @click=${expand}>Expand</vscode-button>
  </div>`;
}
