/**
 * The panel's formula view: the selected run's update rule rendered with KaTeX (bundled; its
 * stylesheet and fonts are dist/media/katex, linked by the host's HTML), where every symbol can be
 * hovered, or reached with the arrow keys once the rule has the focus (one tab stop), to show its
 * meaning and its live value at the scrubbed step.
 *
 * CSP: `katex.render` builds DOM nodes and sets KaTeX's few positioning styles through the CSSOM
 * (`node.style[…]`), which a `style-src` without 'unsafe-inline' allows; nothing injects `<style>`
 * or `style="…"` markup — except the inline SVGs of tall delimiters, whose `style` attribute
 * `renderTex` turns into CSSOM writes. `trust` admits only `\htmlData` (the symbol marks), so KaTeX emits
 * `data-sym="key"` attributes; the view attaches its listeners to those elements.
 *
 * Values come from the host: the view asks through `onRequestValues(run, step)` (the panel posts
 * `requestInspect`), and the reply's result is given to `setValues`.
 */
import katex from 'katex';
import { defaultHyperparameters } from '../engine/hyperparameters';
import type { ClipSpec, Hyperparameters, ScheduleSpec } from '../engine/types';
import { formulaModel, KATEX_OPTIONS, type FormulaModel } from '../explain/formulaModel';
import { formatSymbolValue, symbolValues, type InspectState, type SymbolValue } from '../explain/symbolValues';
import { SYMBOLS } from '../explain/symbols';

/**
 * `katex.render`, with the `style` attributes KaTeX sets on the SVGs of tall delimiters
 * (`setAttribute('style', 'width:…')`, refused by the panel's CSP) applied through the CSSOM.
 */
function renderTex(tex: string, into: HTMLElement, options: katex.KatexOptions): void {
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) this.style.cssText = value;
    else setAttribute.call(this, name, value);
  };
  try {
    katex.render(tex, into, options);
  } finally {
    Element.prototype.setAttribute = setAttribute;
  }
}

export interface FormulaViewOptions {
  /** Ask the host for run `run`'s state at `step` (post `requestInspect`); answer with `setValues`. */
  onRequestValues(run: number, step: number): void;
}

/** The host's inspect result, as `src/snippet/types.ts` `InspectResult` (non-finite numbers may be null). */
export interface FormulaValues {
  readonly step: number;
  readonly params: readonly (number | null)[];
  readonly grad: readonly (number | null)[];
  /** gₜ's gradient: ∇J(θₜ₋₁) on its mini-batch after clipping; absent at t = 0. */
  readonly gradUsed?: readonly (number | null)[];
  /** θₜ₋₁; absent at t = 0. */
  readonly prevParams?: readonly (number | null)[];
  readonly gradAtPrev?: readonly (number | null)[];
  readonly lr: number | null;
  readonly state: InspectState;
}

export interface FormulaRun {
  readonly optimizer: string;
  /** Values by registry name; missing ones take the registry defaults. */
  readonly hyperparameters: Hyperparameters;
  readonly label: string;
  readonly schedule?: ScheduleSpec;
  readonly clip?: ClipSpec;
}

export interface FormulaView {
  /** Shows a run's rule (`optimizerId` and its hyperparameters), titled with its label. */
  show(optimizerId: string, hyperparameters: Hyperparameters, runLabel: string, extras?: { schedule?: ScheduleSpec; clip?: ClipSpec }): void;
  /** Follows run `run` at `step`: shows its rule and asks for the values (debounced). */
  select(run: number, step: number, spec: FormulaRun): void;
  /** The host's reply for the current run and step. Replies for another step are ignored. */
  setValues(values: FormulaValues): void;
  /** The symbol values shown now, by key (for tests and debugging). */
  values(): ReadonlyMap<string, SymbolValue>;
  dispose(): void;
}

const REQUEST_DELAY_MS = 60;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function mountFormulaView(container: HTMLElement, options: FormulaViewOptions): FormulaView {
  const root = el('div', 'formula-view');
  const header = el('div', 'formula-header');
  const title = el('span', 'formula-title');
  const runLabel = el('span', 'formula-run');
  const stepLabel = el('span', 'formula-step');
  header.append(title, runLabel, stepLabel);
  // One tab stop: the arrow keys go from symbol to symbol (the detail line, a live region, says each).
  const rule = el('div', 'formula-rule');
  rule.setAttribute('role', 'group');
  rule.setAttribute('aria-label', 'Update rule: the arrow keys go through its symbols');
  rule.tabIndex = 0;
  const detail = el('div', 'formula-detail', 'Hover a symbol, or focus the rule and use the arrow keys, to see its meaning and its value at the scrubbed step.');
  detail.setAttribute('aria-live', 'polite');
  const table = el('table', 'formula-values');
  const notes = el('ul', 'formula-notes');
  root.append(header, rule, detail, table, notes);
  container.append(root);

  let model: FormulaModel | undefined;
  let hyper: Hyperparameters = {};
  let current: { run: number; step: number } | undefined;
  let shown = new Map<string, SymbolValue>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let activeKey: string | undefined;
  const valueCells = new Map<string, HTMLElement>();
  /**
   * KaTeX's output by TeX, kept while not shown: a rule shown before (selecting another run's card
   * and back, an optimizer changed and changed back) is put back instead of typeset again, which
   * took 40–90 ms per rule here. The nodes are moved, never cloned (a clone's style attributes
   * would be refused by the panel's CSP).
   */
  const typeset = new Map<string, HTMLElement>();
  const tex = (source: string, tag: 'div' | 'span', className: string, display: boolean): HTMLElement => {
    const key = `${tag}.${className}:${source}`;
    const kept = typeset.get(key);
    if (kept && !kept.isConnected) {
      for (const e of kept.querySelectorAll('.formula-active')) e.classList.remove('formula-active');
      return kept;
    }
    const e = el(tag, className);
    renderTex(source, e, display ? KATEX_OPTIONS : { ...KATEX_OPTIONS, displayMode: false });
    if (typeset.size >= 500) typeset.clear();
    typeset.set(key, e);
    return e;
  };

  const describe = (key: string): string => {
    const s = SYMBOLS.get(key);
    if (!s) return key;
    const v = shown.get(key);
    return `${s.text}: ${s.meaning}${v !== undefined ? ` Value: ${formatSymbolValue(v)}.` : ''}`;
  };

  const showDetail = (key: string | undefined): void => {
    activeKey = key;
    for (const e of rule.querySelectorAll('.formula-active')) e.classList.remove('formula-active');
    for (const e of table.querySelectorAll('tr.formula-active')) e.classList.remove('formula-active');
    if (!key) return;
    for (const e of rule.querySelectorAll(`[data-sym="${key}"]`)) e.classList.add('formula-active');
    table.querySelector(`tr[data-sym="${key}"]`)?.classList.add('formula-active');
    detail.textContent = describe(key);
  };

  const refreshTitles = (): void => {
    for (const e of rule.querySelectorAll<HTMLElement>('[data-sym]')) e.title = describe(e.dataset.sym ?? '');
    for (const [key, cell] of valueCells) {
      const v = shown.get(key);
      cell.textContent = v === undefined ? '—' : formatSymbolValue(v);
    }
    if (activeKey) detail.textContent = describe(activeKey);
  };

  const onOver = (event: Event): void => {
    const target = (event.target as HTMLElement | null)?.closest<HTMLElement>('[data-sym]');
    if (target && root.contains(target)) showDetail(target.dataset.sym);
  };
  root.addEventListener('mouseover', onOver);

  /** The rule's symbols in reading order, each once. */
  const symbolKeys = (): string[] => [...new Set([...rule.querySelectorAll<HTMLElement>('[data-sym]')].map((e) => e.dataset.sym ?? ''))].filter((k) => k !== '');
  const onKey = (event: KeyboardEvent): void => {
    const keys = symbolKeys();
    if (keys.length === 0) return;
    const at = activeKey ? keys.indexOf(activeKey) : -1;
    const next = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? Math.min(keys.length - 1, at + 1)
      : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? Math.max(0, at - 1)
        : event.key === 'Home' ? 0 : event.key === 'End' ? keys.length - 1 : undefined;
    if (next === undefined) return;
    event.preventDefault();
    showDetail(keys[next]);
    rule.querySelector(`[data-sym="${keys[next]}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  const onFocus = (): void => {
    const keys = symbolKeys();
    if (keys.length > 0 && (!activeKey || !keys.includes(activeKey))) showDetail(keys[0]);
  };
  rule.addEventListener('keydown', onKey);
  rule.addEventListener('focus', onFocus);

  /** Symbol values that do not need the host: the hyperparameters and η (until the reply comes). */
  const staticValues = (): Map<string, SymbolValue> => {
    if (!model) return new Map();
    const lr = typeof hyper.lr === 'number' ? hyper.lr : NaN;
    return symbolValues({ optimizerId: model.optimizerId, hyperparameters: hyper, state: {}, step: 0, lr });
  };

  const render = (): void => {
    rule.replaceChildren();
    table.replaceChildren();
    notes.replaceChildren();
    valueCells.clear();
    if (!model) return;
    title.textContent = model.title;
    for (const block of model.blocks) {
      const section = el('div', 'formula-block');
      if (block !== model.blocks[0] || model.blocks.length > 1) section.append(el('div', 'formula-block-title', block.title));
      for (const line of block.lines) {
        // Each formula shown once: typeset for the eye, its words for screen readers only.
        const math = tex(line.tex, 'div', 'formula-line', true);
        math.setAttribute('aria-hidden', 'true');
        const words = el('div', 'formula-words visually-hidden', line.text);
        section.append(math, words);
      }
      if (block.note) section.append(el('div', 'formula-note', block.note));
      rule.append(section);
    }
    const head = el('tr');
    head.append(el('th', undefined, 'Symbol'), el('th', undefined, 'Meaning'), el('th', undefined, 'Value'));
    table.append(head);
    for (const s of model.symbols) {
      const row = el('tr');
      row.dataset.sym = s.key;
      const sym = el('td', 'formula-symbol');
      sym.append(tex(s.tex, 'span', 'formula-symbol-tex', false));
      const value = el('td', 'formula-value');
      valueCells.set(s.key, value);
      row.append(sym, el('td', 'formula-meaning', s.meaning), value);
      table.append(row);
    }
    for (const c of model.conventions) notes.append(el('li', undefined, c));
    refreshTitles();
  };

  const view: FormulaView = {
    show(optimizerId, hyperparameters, label, extras) {
      let next: FormulaModel;
      try {
        next = formulaModel(optimizerId, extras?.schedule, extras?.clip);
      } catch (e) {
        model = undefined;
        render();
        title.textContent = '';
        detail.textContent = (e as Error).message;
        return;
      }
      const changed = model?.optimizerId !== optimizerId || JSON.stringify(model?.blocks.map((b) => b.title)) !== JSON.stringify(next.blocks.map((b) => b.title));
      model = next;
      hyper = { ...defaultHyperparameters(optimizerId), ...hyperparameters };
      runLabel.textContent = label;
      shown = staticValues();
      if (changed) render(); else refreshTitles();
    },
    select(run, step, spec) {
      view.show(spec.optimizer, spec.hyperparameters, spec.label, { schedule: spec.schedule, clip: spec.clip });
      current = { run, step };
      stepLabel.textContent = `t = ${step}`;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => { timer = undefined; options.onRequestValues(run, step); }, REQUEST_DELAY_MS);
    },
    setValues(values) {
      if (!model || (current && values.step !== current.step)) return;
      shown = symbolValues({
        optimizerId: model.optimizerId, hyperparameters: hyper, state: values.state, step: values.step,
        lr: values.lr ?? NaN, params: values.params, grad: values.grad,
        ...(values.gradUsed ? { gradUsed: values.gradUsed } : {}),
        ...(values.prevParams ? { prevParams: values.prevParams } : {}),
        ...(values.gradAtPrev ? { gradAtPrev: values.gradAtPrev } : {}),
      });
      stepLabel.textContent = `t = ${values.step}`;
      refreshTitles();
    },
    values: () => shown,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      root.removeEventListener('mouseover', onOver);
      rule.removeEventListener('keydown', onKey);
      rule.removeEventListener('focus', onFocus);
      root.remove();
    },
  };
  return view;
}

/**
 * Wires a formula view into the panel: its requests for values go to the host through `request`
 * (the protocol's request/reply helper), and only the reply to the latest request is shown.
 */
export function attachFormulaView(o: {
  readonly slot: HTMLElement;
  request(run: number, step: number): Promise<FormulaValues>;
}): FormulaView {
  let latest = 0;
  const view: FormulaView = mountFormulaView(o.slot, {
    onRequestValues(run, step) {
      const id = ++latest;
      o.request(run, step).then((values) => { if (id === latest) view.setValues(values); }, () => undefined);
    },
  });
  return view;
}
