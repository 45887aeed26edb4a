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
import { CLIP_BOUNDS, CLIP_FIELDS } from '../engine/clip';
import type { ClipSpec, HyperparameterValue, ScheduleSpec } from '../engine/types';
import type { PanelExperiment, PanelRun, RunResult } from '../protocol';
import { clear, codicon, h } from './dom';
import {
  addRun, defaultSchedule, duplicateRun, expandLrSweep, isEnabled, removeRun, runHyperparameters, setHyperparameter, setOptimizer,
  setRunProperty, toggleRun,
} from './experimentDraft';
import { checkboxField, selectField, textField, type FieldRegistry } from './fields';
import { formatNumber, parseBounded, type FieldResult, parseHyperparameter, parseSweep } from './fieldValidation';

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

/** New cards put into the page per frame when an edit builds several (the first at once). */
const CARDS_PER_FRAME = 1;
/** Shows pending cards after this long when no animation frame comes (a page that is not painted). */
const REVEAL_FALLBACK_MS = 100;

/**
 * The runs, one card each. A structural edit (add, remove, duplicate, enable/disable, a run's
 * optimizer, schedule or clipping kind, an applied experiment) keeps the card of every run that
 * is unchanged — the same element, so its focus, its text and a refused value with its reason
 * stay — and builds cards only for the runs that changed. A kept card that moved takes its new
 * index, its fields their new paths (`runs[i]…`). Enabling or disabling a run updates its card
 * in place.
 *
 * A new card goes into the page hidden and is shown at the next animation frame: its web
 * components render for the first time while it is `display: none`, so the layout reads some of
 * them make while rendering (vscode-scrollable's heights, in every select) find nothing of the
 * card to lay out, and the card is laid out once, with the frame. (The selects' own reads are
 * avoided in fields.ts.) When an edit builds several cards they go in one per frame, the first
 * at once, each complete when shown; the fields of all are registered at once, so validation
 * issues land on them. The card of a run that changed stays in its place, inert, until its new
 * card is shown. `complete()` resolves when every card is shown.
 */
export class RunList {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly addButton: HTMLElement;
  private cards: RunCard[] = [];
  private emptyNote: HTMLElement | undefined;
  /** Where the focus goes once the card it belongs in is shown (its own card was rebuilt or removed). */
  private focusTarget: { card: RunCard | undefined; control: string } | undefined;
  private frame = 0;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private idle: Array<() => void> = [];
  /** Cards of runs that changed, shown (inert) until their new card (the key) is shown in their place. */
  private readonly leaving = new Map<RunCard, HTMLElement>();

  constructor(private readonly ctx: RunListContext) {
    this.list = h('div', { class: 'run-list' });
    this.addButton = h('vscode-button', { secondary: true, icon: 'add', class: 'add-run', 'data-control': 'add', onclick: () => this.ctx.edit(addRun(this.ctx.experiment()), true) }, 'Add run');
    this.element = h('div', { class: 'runs' }, this.list, h('div', { class: 'run-list-actions' }, this.addButton));
  }

  /** Shows the experiment's runs after a structural edit, keeping the cards of unchanged runs. */
  render(): void {
    const exp = this.ctx.experiment();
    const focused = this.focusedControl();
    const old = this.cards;
    const keys = exp.runs.map(runKey);
    // A card whose remove button was pressed goes, even when another run is the same as its run.
    const kept = keptCards(old.map((c) => (c.removing ? '' : c.key)), keys);
    for (const card of old) card.removing = false;
    const next: Array<RunCard | undefined> = kept.map((o) => (o === undefined ? undefined : old[o]));
    // Between two kept cards, an old card and a new run in the same place: the run may differ
    // only in being enabled (updated in place), else its new card takes the old one's sweep text.
    const replaced = new Map<number, RunCard>();
    for (let i = 0, before = -1; i < keys.length;) {
      if (kept[i] !== undefined) {
        before = kept[i]!;
        i++;
        continue;
      }
      let end = i;
      while (end < keys.length && kept[end] === undefined) end++;
      const after = end < keys.length ? kept[end]! : old.length;
      for (let k = 0; i + k < end && before + 1 + k < after; k++) {
        const card = old[before + 1 + k]!;
        const run = exp.runs[i + k]!;
        if (card.keyBesidesEnabled === runKey({ ...run, enabled: undefined })) {
          card.showEnabled(run);
          next[i + k] = card;
        } else {
          replaced.set(i + k, card);
        }
      }
      i = end;
    }
    const staying = new Set(next);
    const dropped = old.filter((c) => !staying.has(c));
    const replacing = new Map([...replaced].map(([i, card]) => [card, i]));
    const leaving = new Map<number, HTMLElement>();
    for (const card of dropped) {
      this.ctx.fields.unregister(card.prefix);
      // What the page shows for the card: itself, or the card it is still standing in for.
      const shown = card.element.parentNode === this.list && !card.element.hidden ? card.element : this.leaving.get(card);
      this.leaving.delete(card);
      if (shown !== card.element) card.element.remove();
      const at = replacing.get(card);
      if (shown && at !== undefined) {
        // Stays in view, inert, until the card that replaces it is shown (no gap for a frame).
        shown.inert = true;
        shown.removeAttribute('data-run');
        leaving.set(at, shown);
      } else {
        shown?.remove();
      }
    }
    const moves = new Map<string, string>();
    next.forEach((card, i) => {
      if (card && card.index !== i) moves.set(card.prefix, runPrefix(i));
    });
    this.ctx.fields.rename(moves);
    this.cards = next.map((card, i) => {
      if (card) {
        card.moveTo(i);
        return card;
      }
      const built = new RunCard(this.ctx, exp, i, replaced.get(i)?.sweepText ?? '');
      const stand = leaving.get(i);
      if (stand) this.leaving.set(built, stand);
      return built;
    });

    if (focused && !this.cards.includes(focused.card)) {
      // Its card was rebuilt (the same control in the new card) or removed (the same control in
      // the card now in its place, else "Add run").
      const at = this.cards.find((c) => replaced.get(c.index) === focused.card)
        ?? this.cards[Math.min(focused.card.index, this.cards.length - 1)];
      this.focusTarget = { card: at, control: at ? focused.control : 'add' };
    }
    if (this.cards.length === 0) {
      this.emptyNote ??= h('p', { class: 'empty-note' }, 'No runs yet. Add one to start optimizing.');
      this.list.appendChild(this.emptyNote);
    } else {
      this.emptyNote?.remove();
    }
    this.attachNext();
    this.restoreFocus();
    this.schedule();
  }

  /** Resolves once every card is in the page and shown (tests, benchmarks). */
  complete(): Promise<void> {
    if (!this.pending()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Highlights the selected run's card. */
  markSelected(run: number): void {
    for (const card of this.cards) card.markSelected(card.index === run);
  }

  /**
   * Shows what a value edit changed elsewhere in the cards without rebuilding them (which would
   * take the focus from the field being typed in): an automatic label that followed η, and the
   * "default" mark of every hyperparameter (shown only while the value is the default).
   */
  syncValues(): void {
    const exp = this.ctx.experiment();
    for (const card of this.cards) card.syncValues(exp);
  }

  /** Updates status badges (from streamed results) without rebuilding the fields. */
  updateStatus(): void {
    for (const card of this.cards) card.updateStatus();
  }

  private pending(): boolean {
    return this.leaving.size > 0 || this.cards.some((c) => c.element.parentNode !== this.list || c.element.hidden);
  }

  /** Puts the next cards not yet in the page into it, hidden, each before the card that follows it. */
  private attachNext(): void {
    let budget = CARDS_PER_FRAME;
    for (const [i, card] of this.cards.entries()) {
      if (card.element.parentNode === this.list) continue;
      if (budget-- === 0) break;
      card.element.hidden = true;
      const following = this.cards.slice(i + 1).find((c) => c.element.parentNode === this.list);
      this.list.insertBefore(card.element, following?.element ?? null);
    }
  }

  private schedule(): void {
    const pending = this.pending();
    this.list.toggleAttribute('data-pending', pending);
    if (!pending) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => this.nextFrame());
    this.fallback = setTimeout(() => this.nextFrame(), REVEAL_FALLBACK_MS);
  }

  /** At a frame: shows the cards put in hidden since the last one, then puts in the next. */
  private nextFrame(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.fallback);
    this.frame = 0;
    for (const card of this.cards) {
      if (card.element.parentNode !== this.list || !card.element.hidden) continue;
      card.element.hidden = false;
      this.leaving.get(card)?.remove();
      this.leaving.delete(card);
    }
    this.restoreFocus();
    this.attachNext();
    this.schedule();
  }

  /** Puts the focus where `render` said, once the card it goes in is shown (not if it was put elsewhere meanwhile). */
  private restoreFocus(): void {
    const target = this.focusTarget;
    if (!target || (target.card && this.cards.includes(target.card) && (target.card.element.hidden || target.card.element.parentNode !== this.list))) return;
    this.focusTarget = undefined;
    const active = document.activeElement;
    if (active && active !== document.body && !active.closest('[inert]')) return;
    const control = target.card && this.cards.includes(target.card) ? target.card.control(target.control) : this.addButton;
    RunCard.focusRestoring = true;
    try {
      control?.focus();
      // A toolbar button's focusable part is the button in its shadow root (it does not delegate focus).
      if (control && !control.matches(':focus-within')) control.shadowRoot?.querySelector<HTMLElement>('button, input, [tabindex]')?.focus();
    } finally {
      RunCard.focusRestoring = false;
    }
  }

  /** The run-list control that has the focus, by what it is in its card (`lr`, `remove`). */
  private focusedControl(): { element: Element; card: RunCard; control: string } | undefined {
    const active = document.activeElement;
    if (!active || !this.list.contains(active)) return undefined;
    const card = this.cards.find((c) => c.element.contains(active));
    const control = card?.controlOf(active);
    return card && control ? { element: active, card, control } : undefined;
  }
}

/** `runs[i].`: every field path of run i starts with it. */
function runPrefix(i: number): string {
  return `runs[${i}].`;
}

/** What a card shows: a run with its keys in one order (a kept card shows its run exactly). */
function runKey(run: PanelRun): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, canonical(x)]));
    }
    return v;
  };
  return JSON.stringify(canonical(run));
}

/**
 * For each new run, the old card kept for it (its index in `old`), or undefined: the most cards
 * whose run is unchanged, in order (a longest common subsequence of the keys), so that no kept
 * card has to move in the page (moving an element takes its focus).
 */
function keptCards(old: readonly string[], next: readonly string[]): Array<number | undefined> {
  const n = old.length;
  const m = next.length;
  // lcs[a][b]: the longest common subsequence of old[a..] and next[b..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let a = n - 1; a >= 0; a--) {
    for (let b = m - 1; b >= 0; b--) lcs[a]![b] = old[a] === next[b] ? lcs[a + 1]![b + 1]! + 1 : Math.max(lcs[a + 1]![b]!, lcs[a]![b + 1]!);
  }
  const out = new Array<number | undefined>(m).fill(undefined);
  for (let a = 0, b = 0; a < n && b < m;) {
    if (old[a] === next[b]) out[b++] = a++;
    else if (lcs[a + 1]![b]! >= lcs[a]![b + 1]!) a++;
    else b++;
  }
  return out;
}

/** One run's card: its fields, status and actions. Handlers read the card's current index (it moves when runs before it come or go). */
class RunCard {
  /** While the run list puts the focus back after an edit (that does not select the card it lands in). */
  static focusRestoring = false;
  readonly element: HTMLElement;
  index: number;
  /** The run the card shows (kept up to date by its own value edits). */
  private run: PanelRun;
  /** Its remove button was pressed (the next render drops this card, not another showing the same run). */
  removing = false;
  /** The sweep's text, kept until the sweep is expanded. */
  sweepText: string;
  private readonly enable: HTMLElement & { checked: boolean };
  private readonly swatch: HTMLElement;
  private readonly status: HTMLElement;
  private readonly note: HTMLElement;

  constructor(private readonly ctx: RunListContext, exp: PanelExperiment, index: number, sweepText: string) {
    this.index = index;
    this.run = exp.runs[index]!;
    this.sweepText = sweepText;
    const run = this.run;
    const spec = optimizerSpec(run.optimizer);
    this.swatch = h('span', { class: 'run-swatch', 'aria-hidden': 'true' });
    this.enable = document.createElement('vscode-checkbox');
    this.enable.setAttribute('data-control', 'enable');
    this.enable.addEventListener('change', () => ctx.edit(toggleRun(ctx.experiment(), this.index, this.enable.checked), true));

    const label = textField(ctx.fields, {
      path: `${this.prefix}label`, label: 'Label', value: run.label, className: 'run-label', placeholder: 'label',
      parse: (t) => ({ ok: true, value: t }),
      onValue: (v) => this.commit(setRunProperty(ctx.experiment(), this.index, 'label', v)),
    });
    const optimizer = selectField({
      value: run.optimizer, className: 'run-optimizer', lazyOptions: true,
      options: OPTIMIZERS.map((o) => ({ value: o.id, label: o.name, description: o.summary })),
      onValue: (v) => ctx.edit(setOptimizer(ctx.experiment(), this.index, v), true),
    });
    optimizer.setAttribute('data-control', 'optimizer');
    this.status = h('span', { class: 'run-status' });
    const tool = (icon: string, control: string, title: string, onClick: () => void): HTMLElement =>
      h('vscode-toolbar-button', { icon, label: title, title, 'data-control': control, onclick: onClick });
    const header = h('div', { class: 'run-header' },
      this.enable, this.swatch, label, this.status,
      h('span', { class: 'run-actions' },
        tool('copy', 'duplicate', 'Duplicate run', () => ctx.edit(duplicateRun(ctx.experiment(), this.index), true)),
        tool('trash', 'remove', 'Remove run', () => {
          this.removing = true;
          ctx.edit(removeRun(ctx.experiment(), this.index), true);
        })));

    this.note = h('div', { class: 'run-note', role: 'status' });
    this.note.hidden = true;

    const grid = h('div', { class: 'hp-grid' });
    for (const hp of runHyperparameters(exp, index)) grid.appendChild(this.hyperparameterField(hp.spec, hp.value, hp.isDefault));

    this.element = h('div', { class: 'run-card', title: 'Click to show this run\'s update rule' });
    // Selecting a run (its update rule in the formula view) by clicking anywhere on its card but the controls.
    this.element.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      if (t.closest('vscode-textfield, vscode-single-select, vscode-checkbox, vscode-button, vscode-toolbar-button, input')) return;
      if (ctx.selected() !== this.index) ctx.select(this.index);
    });
    this.element.addEventListener('focusin', () => { if (!RunCard.focusRestoring && ctx.selected() !== this.index) ctx.select(this.index); });
    this.element.append(
      header,
      h('div', { class: 'run-optimizer-row' }, optimizer, spec ? h('div', { class: 'run-summary' }, spec.summary) : null),
      this.note, grid,
      h('div', { class: 'run-extras' }, this.scheduleEditor(run), this.clipEditor(run), this.sweepEditor()));
    this.showEnabled(run);
    this.showIndex();
  }

  /** `runs[i].` for the card's current index. */
  get prefix(): string {
    return runPrefix(this.index);
  }

  get key(): string {
    return runKey(this.run);
  }

  get keyBesidesEnabled(): string {
    return runKey({ ...this.run, enabled: undefined });
  }

  /** The card's control named `control` (a field path after `runs[i].`, or a `data-control`). */
  control(control: string): HTMLElement | null {
    return this.element.querySelector<HTMLElement>(`[data-path="${this.prefix}${control}"], [data-control="${control}"]`);
  }

  /** The name `control` finds `element` by, if it is one of the card's controls. */
  controlOf(element: Element): string | undefined {
    const c = element.closest('[data-path], [data-control]');
    if (!c || !this.element.contains(c)) return undefined;
    const path = c.getAttribute('data-path');
    if (path?.startsWith(this.prefix)) return path.slice(this.prefix.length);
    return c.getAttribute('data-control') ?? undefined;
  }

  /** The card now stands for run `index` (the caller moved its field paths). */
  moveTo(index: number): void {
    if (index === this.index) return;
    this.index = index;
    this.showIndex();
  }

  /** Shows the run enabled or not (the only way it differs from the card's run). */
  showEnabled(run: PanelRun): void {
    this.run = run;
    const enabled = isEnabled(run);
    if (this.enable.checked !== enabled) this.enable.checked = enabled;
    this.enable.title = enabled ? 'Enabled: click to leave this run out' : 'Disabled: click to run it again';
    this.element.classList.toggle('disabled', !enabled);
  }

  markSelected(selected: boolean): void {
    this.element.classList.toggle('selected', selected);
    this.element.setAttribute('aria-current', selected ? 'true' : 'false');
  }

  /** An automatic label that followed η, and the "default" marks (see RunList.syncValues). */
  syncValues(exp: PanelExperiment): void {
    const run = exp.runs[this.index];
    if (!run) return;
    const label = this.element.querySelector<HTMLElement & { value: string }>(`vscode-textfield[data-path="${this.prefix}label"]`);
    // Not while the label itself is being typed in (an emptied label means automatic).
    if (label && label.value !== run.label && !label.matches(':focus-within')) label.value = run.label;
    // The card shows the run now when only its label was behind (its own edits keep it current otherwise).
    if (runKey({ ...this.run, label: '' }) === runKey({ ...run, label: '' })) this.run = run;
    for (const hp of runHyperparameters(exp, this.index)) {
      const path = hp.spec.kind === 'betas' ? `${hp.path}[0]` : hp.path;
      const suffix = this.element.querySelector(`[data-path="${path}"]`)?.closest('.field')?.querySelector<HTMLElement>('.field-suffix');
      if (suffix) suffix.hidden = !hp.isDefault;
    }
  }

  /** The status badge, the diverged/error note and the colour, for the card's index. */
  updateStatus(): void {
    this.fillStatus();
    const r = this.ctx.result(this.index);
    const show = r && (r.status === 'diverged' || r.status === 'error') && r.message;
    const text = show ? r.message! : '';
    // Called on every streamed batch: touch the DOM only for what changed.
    if (this.note.textContent !== text) this.note.textContent = text;
    if (this.note.hidden !== !show) this.note.hidden = !show;
    const color = this.ctx.runColor(this.index);
    if (this.swatch.dataset.color !== color) {
      this.swatch.dataset.color = color;
      this.swatch.style.backgroundColor = color; // CSSOM, allowed by the CSP (no style attribute)
    }
  }

  /** Everything that follows the index: `data-run`, the checkbox's name, status, colour, selection. */
  private showIndex(): void {
    this.element.setAttribute('data-run', String(this.index));
    this.enable.setAttribute('aria-label', `Run ${this.index + 1} enabled`);
    this.updateStatus();
    this.markSelected(this.ctx.selected() === this.index);
  }

  /** A value edit made in this card: the card shows the edited run. */
  private commit(next: PanelExperiment): void {
    const run = next.runs[this.index];
    if (run) this.run = run;
    this.ctx.edit(next, false);
  }

  private fillStatus(): void {
    const badge = this.status;
    const r = this.ctx.result(this.index);
    const className = `run-status${r ? ` status-${r.status}` : ''}`;
    const text = r ? (r.status === 'running' ? `step ${r.steps}` : `${r.status} · ${r.steps} steps`) : '';
    // While a run streams only its step count changes: update that text, keep the (spinning) icon.
    if (badge.className === className && badge.dataset.filled === String(r !== undefined)) {
      const span = badge.lastElementChild;
      if (span && span.textContent !== text) span.textContent = text;
      if (r) badge.title = r.message ?? `${r.status} after ${r.steps} steps`;
      return;
    }
    clear(badge);
    badge.className = className;
    badge.dataset.filled = String(r !== undefined);
    badge.removeAttribute('title');
    if (!r) return;
    badge.append(codicon(STATUS_ICON[r.status] ?? 'circle', r.status === 'running' ? 'codicon-modifier-spin' : ''), h('span', {}, text));
    badge.title = r.message ?? `${r.status} after ${r.steps} steps`;
  }

  private hyperparameterField(spec: HyperparameterSpec, value: HyperparameterValue, isDefault: boolean): HTMLElement {
    const ctx = this.ctx;
    const path = `${this.prefix}${spec.name}`;
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
        onValue: (v) => this.commit(setHyperparameter(ctx.experiment(), this.index, spec.name, v === spec.default ? undefined : v)),
      }));
    }
    if (spec.kind === 'betas') {
      const pair = value as readonly [number, number];
      const part = (k: 0 | 1): HTMLElement => textField(ctx.fields, {
        path: `${path}[${k}]`, label: `${spec.name}[${k}]`, hint, value: formatNumber(pair[k]), suffix: k === 0 ? suffix : undefined,
        className: 'hp-field',
        parse: (t) => parseHyperparameter(spec, t, k),
        onValue: (v) => {
          const run = ctx.experiment().runs[this.index];
          const current = (run?.hyperparameters[spec.name] ?? spec.default) as readonly [number, number];
          const next: [number, number] = k === 0 ? [v, current[1]] : [current[0], v];
          const d = spec.default as readonly [number, number];
          this.commit(setHyperparameter(ctx.experiment(), this.index, spec.name, next[0] === d[0] && next[1] === d[1] ? undefined : next));
        },
      });
      return h('div', { class: 'hp-pair' }, marked(part(0)), part(1));
    }
    return marked(textField(ctx.fields, {
      path, label: spec.name, hint, value: formatNumber(value as number), suffix, className: 'hp-field',
      parse: (t) => parseHyperparameter(spec, t),
      onValue: (v) => this.commit(setHyperparameter(ctx.experiment(), this.index, spec.name, v === spec.default ? undefined : v)),
    }));
  }

  private scheduleEditor(run: PanelRun): HTMLElement {
    const ctx = this.ctx;
    const current = run.schedule;
    const select = selectField({
      label: 'Schedule', hint: 'Learning-rate schedule: how η changes with the step.',
      value: current?.type ?? 'none', className: 'schedule-type', lazyOptions: true,
      options: [{ value: 'none', label: 'none (constant η)' }, ...SCHEDULES.filter((s) => s.type !== 'constant')
        .map((s) => ({ value: s.type, label: s.type, description: s.summary }))],
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), this.index, 'schedule', v === 'none' ? undefined : defaultSchedule(v, ctx.experiment().steps)), true),
    });
    select.querySelector('vscode-single-select')?.setAttribute('data-control', 'schedule');
    const type = SCHEDULES.find((s) => s.type === current?.type);
    const fields = type ? type.fields.map((f) => this.scheduleField(run, f)) : [];
    return h('div', { class: 'run-extra schedule' }, select, ...fields);
  }

  private scheduleField(run: PanelRun, f: ScheduleFieldSpec): HTMLElement {
    const ctx = this.ctx;
    const current = (run.schedule as Record<string, unknown> | undefined)?.[f.name];
    const value = typeof current === 'number' ? formatNumber(current) : '';
    return textField<number | undefined>(ctx.fields, {
      path: `${this.prefix}schedule.${f.name}`, label: f.name, hint: f.description, value, className: 'hp-field',
      placeholder: f.default !== undefined ? `${formatNumber(f.default)} (default)` : f.defaultFrom === 'steps' ? 'the experiment\'s steps' : f.defaultFrom ? 'the run\'s lr' : f.required ? 'required' : 'optional',
      parse: (t): FieldResult<number | undefined> => {
        if (t.trim() === '' && !f.required) return { ok: true, value: undefined };
        return parseBounded(t, f.name, f.bounds, f.integer);
      },
      onValue: (v: number | undefined) => {
        const s = { ...(ctx.experiment().runs[this.index]?.schedule ?? { type: 'constant' }) } as Record<string, unknown>;
        if (v === undefined) delete s[f.name];
        else s[f.name] = v;
        this.commit(setRunProperty(ctx.experiment(), this.index, 'schedule', s as unknown as ScheduleSpec));
      },
    });
  }

  private clipEditor(run: PanelRun): HTMLElement {
    const ctx = this.ctx;
    const kind = run.clip ? ('norm' in run.clip ? 'norm' : 'value') : 'none';
    const select = selectField({
      label: 'Clipping', hint: 'Gradient clipping, applied to the raw gradient before the optimizer.', value: kind, className: 'clip-type', lazyOptions: true,
      options: [{ value: 'none', label: 'none' }, ...CLIP_FIELDS.map((f) => ({ value: f.name, label: `by ${f.name}`, description: f.description }))],
      onValue: (v) => ctx.edit(setRunProperty(ctx.experiment(), this.index, 'clip', v === 'none' ? undefined : (v === 'norm' ? { norm: 1 } : { value: 1 }) as ClipSpec), true),
    });
    select.querySelector('vscode-single-select')?.setAttribute('data-control', 'clip');
    if (!run.clip) return h('div', { class: 'run-extra clip' }, select);
    const k = kind as 'norm' | 'value';
    const v = (run.clip as Record<string, number>)[k]!;
    const field = textField(ctx.fields, {
      path: `${this.prefix}clip.${k}`, label: k, hint: CLIP_FIELDS.find((f) => f.name === k)?.description, value: formatNumber(v), className: 'hp-field',
      parse: (t) => parseBounded(t, `clip.${k}`, CLIP_BOUNDS),
      onValue: (x) => this.commit(setRunProperty(ctx.experiment(), this.index, 'clip', (k === 'norm' ? { norm: x } : { value: x }) as ClipSpec)),
    });
    return h('div', { class: 'run-extra clip' }, select, field);
  }

  private sweepEditor(): HTMLElement {
    const ctx = this.ctx;
    let values: number[] = [];
    const field = textField(ctx.fields, {
      path: `${this.prefix}sweep`, label: 'η sweep', hint: 'Learning rates separated by commas: the run becomes one run per rate.',
      value: this.sweepText, placeholder: 'e.g. 0.001, 0.01, 0.1', className: 'sweep-field',
      parse: (t) => {
        this.sweepText = t;
        return parseSweep(t, 'η sweep');
      },
      onValue: (v) => {
        values = v;
        button.disabled = v.length === 0;
      },
    });
    const button = h('vscode-button', {
      secondary: true, icon: 'split-horizontal', class: 'sweep-button', 'data-control': 'expand', title: 'Replace this run by one run per learning rate',
      onclick: () => {
        if (values.length === 0) return;
        this.sweepText = '';
        ctx.edit(expandLrSweep(ctx.experiment(), this.index, values), true);
      },
    }, 'Expand');
    const initial = parseSweep(this.sweepText);
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
