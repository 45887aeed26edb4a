/**
 * Form fields of the panel and where their errors show.
 *
 * Each field is registered under its path in the experiment (`steps`, `init[1]`,
 * `runs[0].betas[1]`). A field shows one message: the reason its text was refused as typed
 * (checked in place, before anything is posted), or else the reason the host's validator gave
 * for that path. A refused value is never posted: the experiment keeps the last accepted one.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { h } from './dom';
import type { FieldResult } from './fieldValidation';

interface FieldEntry {
  readonly wrapper: HTMLElement;
  readonly input: HTMLElement & { invalid?: boolean };
  readonly message: HTMLElement;
}

export class FieldRegistry {
  private readonly fields = new Map<string, FieldEntry>();
  private readonly local = new Map<string, string>();
  private host = new Map<string, string>();

  register(path: string, entry: FieldEntry): void {
    this.fields.set(path, entry);
    this.show(path);
  }

  /** Forgets fields under a prefix (a section is being rebuilt); their local errors go too. */
  unregister(prefix: string): void {
    for (const p of [...this.fields.keys()]) if (p.startsWith(prefix)) this.fields.delete(p);
    for (const p of [...this.local.keys()]) if (p.startsWith(prefix)) this.local.delete(p);
  }

  /**
   * Moves fields from one path prefix to another, all moves at once (`runs[2].` → `runs[1].`
   * and `runs[3].` → `runs[2].` may be given together): the field keeps its element, its text
   * and the reason its text is refused, under the new path (its `data-path` too). Messages of
   * the host's validator stay with their path: they are placed again after the edit.
   */
  rename(moves: ReadonlyMap<string, string>): void {
    if (moves.size === 0) return;
    const target = (path: string): string | undefined => {
      for (const [from, to] of moves) if (path.startsWith(from)) return to + path.slice(from.length);
      return undefined;
    };
    const fields: Array<[string, FieldEntry]> = [];
    const local: Array<[string, string]> = [];
    for (const [p, f] of [...this.fields]) {
      const to = target(p);
      if (to === undefined) continue;
      this.fields.delete(p);
      fields.push([to, f]);
    }
    for (const [p, m] of [...this.local]) {
      const to = target(p);
      if (to === undefined) continue;
      this.local.delete(p);
      local.push([to, m]);
    }
    for (const [p, m] of local) this.local.set(p, m);
    for (const [p, f] of fields) {
      f.input.setAttribute('data-path', p);
      this.fields.set(p, f);
      this.show(p);
    }
  }

  paths(): string[] {
    return [...this.fields.keys()];
  }

  /** The reason a field's text is refused (undefined: accepted). */
  setLocal(path: string, message: string | undefined): void {
    if (message === undefined) this.local.delete(path);
    else this.local.set(path, message);
    this.show(path);
  }

  /** Issues from the host's validator, by field path (replaces the previous ones). */
  setHost(byField: ReadonlyMap<string, string>): void {
    const touched = new Set([...this.host.keys(), ...byField.keys()]);
    this.host = new Map(byField);
    for (const p of touched) this.show(p);
  }

  /** Fields whose text is currently refused. */
  get refused(): ReadonlyMap<string, string> {
    return this.local;
  }

  /** Every message shown, by path (tests and the debug hook). */
  messages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.fields.keys()) {
      const m = this.local.get(p) ?? this.host.get(p);
      if (m) out[p] = m;
    }
    return out;
  }

  private show(path: string): void {
    const f = this.fields.get(path);
    if (!f) return;
    const message = this.local.get(path) ?? this.host.get(path);
    f.input.invalid = message !== undefined;
    f.wrapper.classList.toggle('invalid', message !== undefined);
    f.message.textContent = message ?? '';
    f.message.hidden = message === undefined;
    if (message) f.input.setAttribute('title', message);
    else f.input.removeAttribute('title');
  }
}

export interface TextFieldOptions<T> {
  readonly path: string;
  readonly label: string;
  /** Hover text on the label: what the field means. */
  readonly hint?: string;
  readonly value: string;
  readonly placeholder?: string;
  /** Shown after the input (e.g. "default"). */
  readonly suffix?: string;
  readonly className?: string;
  readonly parse: (text: string) => FieldResult<T>;
  readonly onValue: (value: T) => void;
}

/**
 * A labelled text field that refuses what `parse` refuses, in place, with the reason. Its path
 * is read from its `data-path` when the text changes (FieldRegistry.rename may move it).
 */
export function textField<T>(registry: FieldRegistry, o: TextFieldOptions<T>): HTMLElement {
  const input = document.createElement('vscode-textfield');
  input.value = o.value;
  if (o.placeholder) input.placeholder = o.placeholder;
  input.setAttribute('data-path', o.path);
  input.setAttribute('aria-label', o.label);
  const message = h('div', { class: 'field-message', role: 'alert' });
  message.hidden = true;
  const wrapper = h('label', { class: `field${o.className ? ' ' + o.className : ''}` },
    h('span', { class: 'field-label', title: o.hint }, o.label, o.suffix ? h('span', { class: 'field-suffix' }, o.suffix) : null),
    input, message);
  input.addEventListener('input', () => {
    const path = input.getAttribute('data-path') ?? o.path;
    const r = o.parse(input.value);
    if (!r.ok) {
      registry.setLocal(path, r.message);
      return;
    }
    registry.setLocal(path, undefined);
    o.onValue(r.value);
  });
  registry.register(o.path, { wrapper, input, message });
  return wrapper;
}

/** A labelled checkbox. */
export function checkboxField(registry: FieldRegistry, o: { path: string; label: string; hint?: string; checked: boolean; suffix?: string; onValue: (v: boolean) => void }): HTMLElement {
  const input = document.createElement('vscode-checkbox');
  input.checked = o.checked;
  input.label = o.label;
  input.setAttribute('data-path', o.path);
  const message = h('div', { class: 'field-message', role: 'alert' });
  message.hidden = true;
  const wrapper = h('div', { class: 'field field-checkbox', title: o.hint }, input,
    o.suffix ? h('span', { class: 'field-suffix' }, o.suffix) : null, message);
  input.addEventListener('change', () => o.onValue(input.checked));
  registry.register(o.path, { wrapper, input, message });
  return wrapper;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

/**
 * vscode-single-select (vscode-elements 2.5, `_renderDropdown`) measures itself with
 * getBoundingClientRect on every render, to place its dropdown, open or closed: a select that
 * renders after any change to the page forces a layout of the whole page there and then (a run
 * card has three selects, each rendering twice when built). The dropdown is hidden while the
 * select is closed, and opening it renders again; so a closed select renders with an empty rect
 * instead, and only an open one measures. The method is wrapped, not rewritten: with a version
 * of vscode-elements that has no `_renderDropdown`, this does nothing (selects just measure again).
 */
function measureSelectsOnlyWhenOpen(): void {
  type SelectInternals = HTMLElement & { open?: boolean };
  const proto = customElements.get('vscode-single-select')?.prototype as { _renderDropdown?: (this: SelectInternals) => unknown; __opClosedRect?: true } | undefined;
  const render = proto?._renderDropdown;
  if (!proto || typeof render !== 'function' || proto.__opClosedRect) return;
  const empty = (): DOMRect => new DOMRect(0, 0, 0, 0);
  proto.__opClosedRect = true;
  proto._renderDropdown = function (this: SelectInternals) {
    if (this.open) return render.call(this);
    this.getBoundingClientRect = empty;
    try {
      return render.call(this);
    } finally {
      delete (this as { getBoundingClientRect?: unknown }).getBoundingClientRect;
    }
  };
}
measureSelectsOnlyWhenOpen();

/**
 * The select reads each option's label as `innerText` when its options are slotted in, and
 * `innerText` is laid-out text: every read forces a layout of the page (an optimizer select has
 * a dozen options). An option here holds one plain text, so its `innerText` is its text.
 */
function plainText(option: HTMLElement): void {
  Object.defineProperty(option, 'innerText', {
    configurable: true,
    get: () => option.textContent ?? '',
    set: (text: string) => { option.textContent = text; },
  });
}

/** A single-select (VS Code's dropdown). */
export function selectField(o: {
  label?: string; hint?: string; value: string; options: readonly SelectOption[]; className?: string; onValue: (v: string) => void;
  /**
   * Only the chosen option is in the select until the pointer first comes over it or it first
   * gets the focus, one of which comes before a person can open it or step through it; then all
   * are, in order. Each option is a web component to build: a run card's selects have over twenty.
   */
  lazyOptions?: boolean;
}): HTMLElement {
  const select = document.createElement('vscode-single-select');
  const option = (opt: SelectOption): HTMLElement => {
    const el = h('vscode-option', { value: opt.value, description: opt.description }, opt.label);
    if (opt.value === o.value) el.setAttribute('selected', '');
    plainText(el);
    return el;
  };
  const chosen = o.options.find((opt) => opt.value === o.value);
  if (o.lazyOptions && chosen) {
    select.appendChild(option(chosen));
    let filled = false;
    const fill = (): void => {
      if (filled) return;
      filled = true;
      select.replaceChildren(...o.options.map(option));
    };
    // (Filling on the mousedown's focus is too late for that click: the dropdown it opens closes again.)
    select.addEventListener('pointerenter', fill, { once: true });
    select.addEventListener('focusin', fill, { once: true });
    select.addEventListener('click', fill, { once: true, capture: true });
  } else {
    for (const opt of o.options) select.appendChild(option(opt));
  }
  select.value = o.value;
  if (o.label) select.setAttribute('aria-label', o.label);
  // After the select has finished handling the key or click that changed it: the change may
  // rebuild the card holding it, and a select taken out of the page in the middle of its Enter
  // key handling was seen to try to show its dropdown again (showPopover on a disconnected element).
  select.addEventListener('change', () => queueMicrotask(() => o.onValue(select.value)));
  if (!o.label) {
    if (o.className) select.classList.add(o.className);
    return select;
  }
  return h('label', { class: `field${o.className ? ' ' + o.className : ''}` }, h('span', { class: 'field-label', title: o.hint }, o.label), select);
}
