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

/** A labelled text field that refuses what `parse` refuses, in place, with the reason. */
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
    const r = o.parse(input.value);
    if (!r.ok) {
      registry.setLocal(o.path, r.message);
      return;
    }
    registry.setLocal(o.path, undefined);
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

/** A single-select (VS Code's dropdown). */
export function selectField(o: { label?: string; hint?: string; value: string; options: readonly SelectOption[]; className?: string; onValue: (v: string) => void }): HTMLElement {
  const select = document.createElement('vscode-single-select');
  for (const opt of o.options) {
    const option = h('vscode-option', { value: opt.value, description: opt.description }, opt.label);
    if (opt.value === o.value) option.setAttribute('selected', '');
    select.appendChild(option);
  }
  select.value = o.value;
  if (o.label) select.setAttribute('aria-label', o.label);
  select.addEventListener('change', () => o.onValue(select.value));
  if (!o.label) {
    if (o.className) select.classList.add(o.className);
    return select;
  }
  return h('label', { class: `field${o.className ? ' ' + o.className : ''}` }, h('span', { class: 'field-label', title: o.hint }, o.label), select);
}
