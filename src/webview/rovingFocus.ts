/**
 * One tab stop for a group of buttons, as VS Code's own action bars (WAI-ARIA's toolbar pattern):
 * Tab enters the group at the button used last, the arrow keys, Home and End move among the
 * enabled ones. A button that is disabled while it has the focus (Step at the last step) hands
 * the focus to its nearest enabled neighbour, so the focus never falls to the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Item = HTMLElement & { updateComplete?: Promise<unknown> };

/** A focus lost to the page this recently, by a button of the group that is now disabled, goes back to the group. */
const LOST_FOCUS_MS = 1000;

export class RovingFocus {
  private current: HTMLElement | undefined;
  /** The button that last lost the focus to nothing (the browser drops it from a button as it disables), and when. */
  private dropped: { item: HTMLElement; at: number } | undefined;
  private hasFocus = false;

  /** `items()`: the group's buttons in order (read anew each time: the group re-renders). */
  constructor(private readonly group: HTMLElement, private readonly items: () => Item[]) {
    group.addEventListener('keydown', this.onKey);
    group.addEventListener('focusin', this.onFocusIn);
    group.addEventListener('focusout', this.onFocusOut);
  }

  dispose(): void {
    this.group.removeEventListener('keydown', this.onKey);
    this.group.removeEventListener('focusin', this.onFocusIn);
    this.group.removeEventListener('focusout', this.onFocusOut);
  }

  /** After the group rendered (now, and once its buttons have applied their own state): one of them is the tab stop. */
  sync(): void {
    this.apply();
    const items = this.items();
    void Promise.all(items.map((i) => i.updateComplete)).then(() => this.apply());
  }

  private apply(): void {
    const items = this.items();
    const enabled = items.filter(isEnabled);
    const focused = items.find((i) => i.matches(':focus-within'));
    const onPage = !focused && (document.activeElement === document.body || document.activeElement === null);
    // Dropped with a focusout, or silently (the group still thinks it has the focus).
    const dropped = onPage && this.dropped && performance.now() - this.dropped.at < LOST_FOCUS_MS ? this.dropped.item
      : onPage && this.hasFocus ? this.current : undefined;
    const leaving = focused && !isEnabled(focused) ? focused : dropped && !isEnabled(dropped) ? dropped : undefined;
    if (leaving) {
      // Its button went: the nearest enabled one after it, else before it.
      this.dropped = undefined;
      const at = items.indexOf(leaving);
      const next = items.slice(at + 1).find(isEnabled) ?? items.slice(0, Math.max(0, at)).reverse().find(isEnabled);
      if (next) {
        this.current = next;
        next.focus();
      }
    }
    if (!this.current || !items.includes(this.current) || !isEnabled(this.current)) this.current = enabled[0];
    for (const i of items) if (i.tabIndex !== (i === this.current ? 0 : -1)) i.tabIndex = i === this.current ? 0 : -1;
  }

  private readonly onFocusOut = (e: FocusEvent): void => {
    const item = this.items().find((i) => i.contains(e.target as Node));
    this.hasFocus = false;
    this.dropped = item && e.relatedTarget === null ? { item, at: performance.now() } : undefined;
  };

  private readonly onFocusIn = (e: FocusEvent): void => {
    this.hasFocus = true;
    const item = this.items().find((i) => i.contains(e.target as Node));
    if (item && item !== this.current) {
      this.current = item;
      for (const i of this.items()) i.tabIndex = i === item ? 0 : -1;
    }
  };

  private readonly onKey = (e: KeyboardEvent): void => {
    const enabled = this.items().filter(isEnabled);
    const at = enabled.findIndex((i) => i.contains(e.target as Node));
    if (at < 0) return;
    const to = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? (at + 1) % enabled.length
      : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? (at - 1 + enabled.length) % enabled.length
        : e.key === 'Home' ? 0 : e.key === 'End' ? enabled.length - 1 : undefined;
    if (to === undefined) return;
    e.preventDefault();
    enabled[to]!.focus();
  };
}

/**
 * A component's roving group of `vscode-button`s: the group is the element matching `selector`
 * inside the component, found after each render (it may appear later), released when the
 * component leaves the page.
 */
export class RovingButtons implements ReactiveController {
  private focus: RovingFocus | undefined;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly selector: string) {
    host.addController(this);
  }

  hostUpdated(): void {
    const group = this.host.querySelector<HTMLElement>(this.selector);
    if (group && !this.focus) this.focus = new RovingFocus(group, () => [...group.querySelectorAll<HTMLElement>('vscode-button')]);
    this.focus?.sync();
  }

  hostDisconnected(): void {
    this.focus?.dispose();
    this.focus = undefined;
  }
}

function isEnabled(item: HTMLElement): boolean {
  return !item.hasAttribute('disabled') && item.getAttribute('aria-disabled') !== 'true';
}
