/**
 * A tiny element builder for the panel: `h('div', { class: 'row' }, child, 'text')`.
 * Attributes are set with `setAttribute` (never `style`: the CSP forbids inline styles, so
 * every look lives in `media/panel.css`); `on*` functions become event listeners; properties
 * that custom elements read as properties (`value`, `checked`) go through `props`.
 */
export type Child = Node | string | null | undefined | false;

export interface Attrs {
  readonly [name: string]: string | number | boolean | undefined | null | EventListener;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (name === 'style') throw new Error('inline styles are refused by the CSP; use a class in media/panel.css');
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Sets a property on an element (custom elements read `value`, `checked`, `open` as properties). */
export function setProps<E extends HTMLElement>(el: E, props: Partial<Record<string, unknown>>): E {
  Object.assign(el, props);
  return el;
}

/** Removes every child. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** An icon from @vscode/codicons (its stylesheet is linked by the panel's HTML). */
export function codicon(name: string, extraClass = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ' ' + extraClass : ''}`, 'aria-hidden': 'true' });
}

/**
 * Calls `f` at the next animation frame, or after 16 ms when the page is hidden and has no frames
 * (or has no `requestAnimationFrame`, under Node): the panel's and the chart views' frame scheduling.
 */
export function onNextFrame(f: () => void): { cancel(): void } {
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    const id = requestAnimationFrame(() => f());
    return { cancel: () => cancelAnimationFrame(id) };
  }
  const id = setTimeout(f, 16);
  return { cancel: () => clearTimeout(id) };
}
