/**
 * A chart's text alternative in its card: a summary a screen reader reads (the chart element's
 * description, kept hidden from the eye), and a button that shows the chart's data as a table.
 * Both follow the runs as they play and finish (refreshed at most every REFRESH_MS while playing).
 *
 * Any chart can have one: `<op-chart-alt .parts=${{ store, points }} .chart=${'loss'}
 * .words=${CHART_TEXTS.loss}>`, with `words` from chartText.ts (`stepChartText` for a quantity per
 * step, or a describer of its own); the chart element says `aria-describedby=${chartSummaryId(name)}`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { seedGroups } from '../charts/theme';
import { chartRun, type ChartFacts, type ChartText, type ChartWords } from './chartText';
import type { PointStore } from './pointStore';
import { rateMapEigenvalues, rateMapRunDots } from './rateMapView';
import { lossShape, thetaName } from './problemForm';
import type { PanelState } from './state';
import type { Store } from './store';

/** Slowest refresh while the runs play: a summary rewritten every frame helps nobody. */
const REFRESH_MS = 500;

export function chartSummaryId(chart: string): string {
  return `chart-summary-${chart}`;
}

/** The facts the texts are made of, from the store and every point received. */
export function chartFacts(s: PanelState, points: PointStore): ChartFacts | undefined {
  const exp = s.experiment;
  if (!exp) return undefined;
  const step = s.playback.step;
  const runs = exp.runs.map((run, i) => ({ run, i })).filter(({ run }) => run.enabled !== false)
    .map(({ run, i }) => chartRun(i, run, s.results.find((r) => r.run === i), step));
  const dim = lossShape(exp, s.info).dim;
  const [dx, dy] = s.surface?.dims ?? s.view.dims;
  const eigenvalues = rateMapEigenvalues(s);
  const groups = seedGroups(exp.runs, (r) => chartRun(r, exp.runs[r]!, s.results.find((x) => x.run === r), step).label);
  const seeded = [...new Set(groups.filter((g): g is string => g !== null))]
    .map((label) => ({ label, runs: groups.flatMap((g, i) => (g === label && exp.runs[i]!.enabled !== false ? [i] : [])) }));
  return {
    runs, step, totalSteps: exp.steps,
    ...(seeded.length > 0 ? { seedGroups: seeded } : {}),
    axes: [{ index: dx, name: thetaName(dx) }, { index: dim > 1 ? dy : dx, name: thetaName(dim > 1 ? dy : dx) }],
    pointAt: (run, at) => points.pointAt(run, at),
    ...(eigenvalues ? { rateMap: { eigenvalues, dots: rateMapRunDots(s, (r) => chartRun(r, exp.runs[r]!, s.results.find((x) => x.run === r), step).label) } } : {}),
  };
}

export class ChartAlt extends LitElement {
  static override properties = { chart: { attribute: false }, words: { attribute: false }, open: { state: true } };
  declare parts: { store: Store<PanelState>; points: PointStore };
  declare chart: string;
  declare words: ChartWords;
  declare open: boolean;
  private unsubscribe: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRefresh = 0;

  constructor() {
    super();
    this.open = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.parts.store.subscribe((s, before) => {
      if (s.experiment === before.experiment && s.results === before.results && s.playback === before.playback && s.surface === before.surface) return;
      this.schedule(s.playback.playing);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(playing: boolean): void {
    if (this.timer !== undefined) return;
    const wait = playing ? Math.max(0, this.lastRefresh + REFRESH_MS - performance.now()) : 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRefresh = performance.now();
      this.requestUpdate();
    }, wait);
  }

  /** The text shown now (tests read it). */
  text(): ChartText | undefined {
    const facts = chartFacts(this.parts.store.state, this.parts.points);
    return facts ? this.words.describe(facts) : undefined;
  }

  protected override render(): TemplateResult {
    const text = this.text();
    const tableId = `chart-table-${this.chart}`;
    const table = this.open && text ? html`<div class="chart-table-wrap" tabindex="0" role="region" aria-label=${text.table.caption}>
      <table class="chart-table" id=${tableId}>
        <caption>${text.table.caption}</caption>
        <thead><tr>${text.table.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
        <tbody>${text.table.rows.map((row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`)}</tbody>
      </table></div>` : nothing;
    return html`
      <p class="visually-hidden chart-summary" id=${chartSummaryId(this.chart)}>${text?.summary ?? ''}</p>
      <vscode-button secondary icon="table" class="chart-table-toggle" aria-expanded=${this.open ? 'true' : 'false'} aria-controls=${tableId}
        aria-describedby=${chartSummaryId(this.chart)} title=${this.open ? 'Hide the data table' : 'Show the chart\'s data as a table'}
        @click=${() => { this.open = !this.open; }}>${this.open ? 'Hide table' : 'Table'}</vscode-button>
      ${table}`;
  }
}
customElements.define('op-chart-alt', ChartAlt);
