/**
 * The panel's one view-state store: a plain immutable state object, replaced by `update`, and
 * listeners told of each change. Components read slices of it (`StoreController` re-renders a Lit
 * component when its slice changes); nothing else keeps a copy of what the store holds.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Listener<S> = (state: S, previous: S) => void;

export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Replaces the fields of `patch` (or what `f` returns) and tells every listener. */
  update(patch: Partial<S> | ((s: S) => Partial<S>)): void {
    const previous = this.current;
    const p = typeof patch === 'function' ? patch(previous) : patch;
    let changed = false;
    for (const k of Object.keys(p) as (keyof S)[]) if (!Object.is(p[k], previous[k])) changed = true;
    if (!changed) return;
    this.current = { ...previous, ...p };
    for (const l of [...this.listeners]) l(this.current, previous);
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `f` with the slice `select` picks whenever it changes (compared field by field, or by identity). */
  watch<T>(select: (s: S) => T, f: (value: T, previous: T | undefined) => void): () => void {
    let last = select(this.current);
    return this.subscribe((s) => {
      const next = select(s);
      if (sameSlice(next, last)) return;
      const before = last;
      last = next;
      f(next, before);
    });
  }
}

/** Two slices are the same when identical, or objects whose fields are identical. */
export function sameSlice(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Re-renders a Lit component when the slice of the store it reads changes. */
export class StoreController<S extends object, T> implements ReactiveController {
  private unsubscribe: (() => void) | undefined;
  value: T;

  constructor(private readonly host: ReactiveControllerHost, private readonly store: Store<S>, private readonly select: (s: S) => T) {
    this.value = select(store.state);
    host.addController(this);
  }

  hostConnected(): void {
    this.value = this.select(this.store.state);
    this.unsubscribe = this.store.watch(this.select, (v) => {
      this.value = v;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
