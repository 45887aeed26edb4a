/**
 * The panel's live region: says, once, when a run's ending comes into view (the playback reaches
 * it) — "SGD η=0.1 diverged at step 41 (loss became Infinity)" — and when every run has ended. A
 * run's own status line in its card is not live (it counts steps: a screen reader would read it on
 * every batch). Endings already there when the panel opens (a revived panel) are not announced.
 */
import { html, LitElement, type TemplateResult } from 'lit';
import { endingWords, formatValue } from './chartText';
import type { PointStore } from './pointStore';
import type { PanelState } from './state';
import type { Store } from './store';

/** Endings that come within this time are said together. */
const BATCH_MS = 300;

/** What to say about the runs of `s` whose endings are shown and not said yet (`said`: run → ending key, updated). */
export function newEndings(s: Pick<PanelState, 'results' | 'playback'>, said: Map<number, string>, lossAt: (run: number, step: number) => number | undefined): string[] {
  const out: string[] = [];
  for (const r of s.results) {
    if (r.status === 'running') {
      said.delete(r.run);
      continue;
    }
    const key = `${r.status}:${r.steps}`;
    if (s.playback.step < r.steps || said.get(r.run) === key) continue;
    said.set(r.run, key);
    const loss = lossAt(r.run, r.steps);
    const final = r.status !== 'diverged' && r.status !== 'error' && loss !== undefined && Number.isFinite(loss) ? `, final loss ${formatValue(loss)}` : '';
    out.push(`${r.label} ${endingWords(r)}${final}.`);
  }
  if (out.length > 0 && s.results.length > 1 && s.results.every((r) => r.status !== 'running' && said.has(r.run))) {
    out.push(`All ${s.results.length} runs have ended.`);
  }
  return out;
}

export class Announcer extends LitElement {
  declare parts: { store: Store<PanelState>; points: PointStore };
  private readonly said = new Map<number, string>();
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seeded = false;
  private unsubscribe: (() => void) | undefined;
  private message = '';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.parts.store.subscribe((s, before) => {
      if (s.results === before.results && s.playback.step === before.playback.step) return;
      this.check(s);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    clearTimeout(this.timer);
  }

  private check(s: PanelState): void {
    const lines = newEndings(s, this.said, (run, step) => this.parts.points.pointAt(run, step)?.loss);
    if (!this.seeded) {
      // The endings the panel opened with are there already, not news.
      if (s.initialized) this.seeded = true;
      return;
    }
    if (lines.length === 0) return;
    this.pending.push(...lines);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.message = this.pending.splice(0).join(' ');
      this.requestUpdate();
    }, BATCH_MS);
  }

  protected override render(): TemplateResult {
    return html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.message}</div>`;
  }
}
customElements.define('op-announcer', Announcer);
