/**
 * Errors where the eye is: above the charts, every problem that stops the experiment (a compile or
 * type error, a missing export, a timeout, a refused file) and every run that ended in an error,
 * each with its line and column when it has one; the last good charts stay below it.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { PanelError } from '../protocol';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';

const KIND_TITLE: Record<string, string> = {
  compile: 'Compile error', exports: 'Loss exports', runtime: 'Runtime error', timeout: 'Timeout', memory: 'Out of memory',
  trust: 'Restricted mode', io: 'File error', validation: 'Invalid experiment', internal: 'Internal error',
};

/** The problems the banner shows: the host's (not those a field shows) and the runs that ended in an error. */
export function bannerErrors(s: Pick<PanelState, 'errors' | 'results' | 'trusted' | 'experiment'>): PanelError[] {
  const shown = s.errors.filter((e) => e.kind !== 'validation' || e.path === undefined);
  if (!s.trusted && s.experiment && 'file' in s.experiment.loss && !shown.some((e) => e.kind === 'trust')) {
    shown.push({ kind: 'trust', message: 'This workspace is not trusted: loss files from it do not run. Presets and the panel\'s own snippets still do.' });
  }
  for (const r of s.results) {
    if (r.status === 'error' && r.message) shown.push({ kind: 'runtime', message: `${r.label}: ${r.message}` });
  }
  return shown;
}

export class ErrorBanner extends LitElement {
  declare parts: { store: Store<PanelState> };
  private slice!: StoreController<PanelState, unknown>;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.errors, s.results, s.trusted, s.experiment?.loss]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult | typeof nothing {
    void this.slice.value;
    const s = this.parts.store.state;
    const shown = bannerErrors(s);
    this.hidden = shown.length === 0;
    if (shown.length === 0) return nothing;
    const icon = (e: PanelError): string => (e.kind === 'trust' ? 'shield' : e.kind === 'compile' || e.kind === 'exports' ? 'error' : 'warning');
    return html`<div class="error-banner" role="alert">
      ${shown.map((e) => {
        const d = e.diagnostics?.[0];
        return html`<div class="error-item kind-${e.kind}"><span class="codicon codicon-${icon(e)}" aria-hidden="true"></span>
          <span class="error-kind">${KIND_TITLE[e.kind] ?? e.kind}</span>
          <span class="error-message">${e.message}${d ? ` (line ${d.line}, column ${d.column})` : ''}</span></div>`;
      })}
      ${s.results.some((r) => r.steps > 0) ? html`<div class="error-footnote">The charts show the last run that worked.</div>` : nothing}
    </div>`;
  }
}
customElements.define('op-banner', ErrorBanner);
