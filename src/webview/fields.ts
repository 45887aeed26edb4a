/**
 * The panel's form fields as Lit templates, and where their messages show.
 *
 * A text field shows one message: the reason its text was refused as typed (checked in place,
 * nothing posted: the experiment keeps its last accepted value, and the refused text stays), else
 * the engine validator's issue for its path. Its text is never rewritten under the person: a new
 * value is written only when it changed and the text does not already say it (typing "0.0" for 0
 * keeps "0.0"; the host's new experiment rewrites a field that showed another value).
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { Directive, directive, PartType, type PartInfo, type PropertyPart } from 'lit/directive.js';
import { noChange } from 'lit';
import type { FieldResult } from './fieldValidation';
import type { Refusal } from './state';

/** Where a field's messages come from and go. */
export interface FieldMessages {
  /** The refusal of the field with this key, if its text is refused. */
  refused(key: string): Refusal | undefined;
  /** The validator's issue for this path, if any. */
  issue(path: string): string | undefined;
  refuse(key: string, refusal: Refusal | undefined): void;
}

/**
 * `.value=${fieldText(text, says)}`: writes `text` when it differs from the text last written and
 * the element's current text does not already say the same (`says(current)`).
 */
class FieldText extends Directive {
  private last: string | undefined;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.PROPERTY) throw new Error('fieldText goes in a property binding (.value=${…})');
  }

  render(text: string, _says: (current: string) => boolean): string {
    return text;
  }

  override update(part: PropertyPart, [text, says]: [string, (current: string) => boolean]): string | typeof noChange {
    if (text === this.last) return noChange;
    this.last = text;
    const current = (part.element as HTMLElement & { value?: unknown }).value;
    if (typeof current === 'string' && current !== '' && current !== text && says(current)) return noChange;
    return text;
  }
}
export const fieldText = directive(FieldText);

export interface TextFieldOptions<T> {
  /** Identifies the field's refusal (follows a run's card when it moves: `run:<id>.lr`). */
  readonly key: string;
  /** Its path in the experiment (`runs[1].lr`): the validator's issues, tests. */
  readonly path: string;
  readonly label: string;
  /** Hover text on the label: what the field means. */
  readonly hint?: string;
  readonly value: T;
  readonly format: (v: T) => string;
  readonly parse: (text: string) => FieldResult<T>;
  readonly onValue: (v: T) => void;
  readonly placeholder?: string;
  /** Shown after the label (e.g. "default"), when `suffixShown`. */
  readonly suffix?: string;
  readonly suffixShown?: boolean;
  readonly className?: string;
}

export function textField<T>(m: FieldMessages, o: TextFieldOptions<T>): TemplateResult {
  const message = m.refused(o.key)?.message ?? m.issue(o.path);
  const text = o.format(o.value);
  const says = (current: string): boolean => {
    const r = o.parse(current);
    return r.ok && JSON.stringify(r.value) === JSON.stringify(o.value);
  };
  const onInput = (e: Event): void => {
    const r = o.parse((e.target as HTMLInputElement).value);
    if (!r.ok) {
      m.refuse(o.key, { message: r.message });
      return;
    }
    if (m.refused(o.key)) m.refuse(o.key, undefined);
    o.onValue(r.value);
  };
  return html`<label class="field ${o.className ?? ''} ${message ? 'invalid' : ''}">
    <span class="field-label" title=${o.hint ?? nothing}>${o.label}${o.suffix ? html`<span class="field-suffix" ?hidden=${!o.suffixShown}>${o.suffix}</span>` : nothing}</span>
    <vscode-textfield data-path=${o.path} aria-label=${o.label} placeholder=${o.placeholder ?? nothing} title=${message ?? nothing}
      .value=${fieldText(text, says)} .invalid=${message !== undefined} @input=${onInput}></vscode-textfield>
    <div class="field-message" role="alert" ?hidden=${!message}>${message ?? ''}</div>
  </label>`;
}

export function checkboxField(o: { path: string; label: string; hint?: string; checked: boolean; suffix?: string; suffixShown?: boolean; onValue(v: boolean): void }): TemplateResult {
  return html`<div class="field field-checkbox" title=${o.hint ?? nothing}>
    <vscode-checkbox data-path=${o.path} .label=${o.label} .checked=${o.checked}
      @change=${(e: Event) => o.onValue((e.target as HTMLInputElement).checked)}></vscode-checkbox>
    ${o.suffix ? html`<span class="field-suffix" ?hidden=${!o.suffixShown}>${o.suffix}</span>` : nothing}
  </div>`;
}
