/**
 * Stable ids for the runs of the experiment shown: the run list's keys (Lit `repeat`), so a card
 * stays the same element — its focus, its text, a refused value — while runs before it come or go.
 * The panel's own structural edits say how ids move; an experiment from the host keeps the ids of
 * the runs it still has, matched in order by content.
 */
import type { PanelRun } from '../protocol';

let next = 0;

/** A new id, unique in this page. */
export function newRunId(): string {
  return `r${++next}`;
}

/** What a run is, keys in one order (two runs with the same key show the same thing). */
export function runKey(run: PanelRun): string {
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
 * Ids for `runs` replacing `before` (with `ids`): positionally when the count is the same (a value
 * edit), else the ids of the longest common subsequence of unchanged runs, new ids for the rest.
 */
export function reconcileRunIds(before: readonly PanelRun[], ids: readonly string[], runs: readonly PanelRun[]): string[] {
  if (before.length === runs.length && ids.length === runs.length) return [...ids];
  const a = before.map(runKey);
  const b = runs.map(runKey);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = new Array<string>(m);
  for (let i = 0, j = 0; j < m;) {
    if (i < n && a[i] === b[j]) out[j++] = ids[i++] ?? newRunId();
    else if (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else out[j++] = newRunId();
  }
  return out;
}
