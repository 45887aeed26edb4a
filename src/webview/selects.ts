/**
 * VS Code's dropdown (vscode-single-select) as a Lit template, with two fixes for its cost.
 *
 * vscode-single-select (vscode-elements 2.5, `_renderDropdown`) measures itself with
 * getBoundingClientRect on every render, open or closed, to place its dropdown: a select that
 * renders after any change forces a layout of the whole page there and then. The dropdown is
 * hidden while closed and opening it renders again, so a closed select renders with an empty rect
 * instead. The method is wrapped, not rewritten: with a version that has no `_renderDropdown`,
 * this does nothing. And the select reads each option's label as `innerText` (laid-out text, a
 * layout per read); an option here holds one plain text, so its `innerText` is its text.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';

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

function plainText(option: Element | undefined): void {
  if (!option || Object.prototype.hasOwnProperty.call(option, 'innerText')) return;
  Object.defineProperty(option, 'innerText', {
    configurable: true,
    get: () => option.textContent ?? '',
    set: (text: string) => { option.textContent = text; },
  });
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

/**
 * A labelled (or bare, with `ariaLabel`) dropdown; `onValue` runs after the select has handled its key or click.
 * The name goes to the select's `label` property too: the element gives it to its combobox (inside
 * its shadow root), which neither a wrapping <label> nor the host's aria-label reaches.
 */
export function selectField(o: {
  label?: string; ariaLabel?: string; hint?: string; value: string; options: readonly SelectOption[]; className?: string; control?: string;
  onValue(v: string): void;
}): TemplateResult {
  // After the select has finished the key or click that changed it: the change may re-render the
  // card holding it, and a select re-rendered in the middle of its Enter handling was seen to
  // show its dropdown again.
  const onChange = (e: Event): void => {
    const v = (e.target as HTMLElement & { value: string }).value;
    queueMicrotask(() => o.onValue(v));
  };
  const select = html`<vscode-single-select class=${o.label ? nothing : o.className ?? nothing} data-control=${o.control ?? nothing}
    aria-label=${o.ariaLabel ?? o.label ?? nothing} .label=${o.ariaLabel ?? o.label ?? ''} .value=${o.value} @change=${onChange}>
    ${o.options.map((opt) => html`<vscode-option ${ref(plainText)} value=${opt.value} description=${opt.description ?? nothing} ?selected=${opt.value === o.value}>${opt.label}</vscode-option>`)}
  </vscode-single-select>`;
  if (!o.label) return select;
  return html`<label class="field ${o.className ?? ''}"><span class="field-label" title=${o.hint ?? nothing}>${o.label}</span>${select}</label>`;
}
