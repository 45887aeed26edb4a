/**
 * The charts' place in the page: a card per chart, each with its heading, its text alternative and
 * data table (chartAlt.ts) and the element its Vega view is embedded in (charts.ts fills them; Vega
 * names it `graphics-document` with the spec's description). The loss and paths charts come first;
 * the others follow. Later charts add a card here, a name to CHART_NAMES and their words to CHART_TEXTS.
 * A tuning's sensitivity chart has a card of its own between them (tuningView.ts).
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { CHART_NAMES, type ChartName } from '../protocol';
import { chartSummaryId } from './chartAlt';
import './chartAlt';
import type { ChartTheme } from '../charts/theme';
import type { HostChannel } from './channel';
import type { Charts } from './charts';
import { CHART_TEXTS } from './chartText';
import type { PanelModel } from './model';
import { lossShape, thetaName } from './problemForm';
import { selectField } from './selects';
import { rateMapEigenvalues, rateMapRefusal } from './rateMapView';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';
import './tuningView';

const TITLES: Readonly<Record<ChartName, string>> = {
  loss: 'Loss', paths: 'Paths over the loss surface', lr: 'Learning rate', gradNorm: 'Gradient norm', sharpness: 'Sharpness and stability', rateMap: 'Convergence rate over (η, β)',
};
/** The charts on screen first, whatever the width. */
export const PRIMARY_CHARTS: readonly ChartName[] = ['loss', 'paths'];

export class ChartsArea extends LitElement {
  declare parts: { store: Store<PanelState>; model: PanelModel; charts: Charts; channel: HostChannel; theme(): ChartTheme };
  private slice!: StoreController<PanelState, unknown>;
  private attached = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.layout, s.surface !== undefined, s.experiment && lossShape(s.experiment, s.info).dim, s.surface?.dims, s.initialized, s.experiment?.curvature === true,
      rateMapEigenvalues(s) !== undefined, rateMapRefusal(s)]);
    super.connectedCallback();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const s = this.parts.store.state;
    const card = (name: ChartName, extra: TemplateResult | typeof nothing = nothing): TemplateResult => html`
      <section class="chart-card chart-${name.toLowerCase()}" aria-labelledby="chart-title-${name}" ?hidden=${(name === 'paths' && s.initialized && !s.surface) || (name === 'sharpness' && s.experiment?.curvature !== true) || (name === 'rateMap' && !rateMapEigenvalues(s))}>
        <div class="chart-card-head"><h2 class="chart-heading" id="chart-title-${name}">${TITLES[name]}</h2>
          <op-chart-alt .parts=${{ store: this.parts.store, points: this.parts.charts.points }} .chart=${name} .words=${CHART_TEXTS[name]}></op-chart-alt></div>${extra}
        <div class="chart" data-chart=${name} aria-describedby=${chartSummaryId(name)}></div>
      </section>`;
    const secondary = CHART_NAMES.filter((n) => !PRIMARY_CHARTS.includes(n));
    return html`
      <div class="chart-grid primary ${s.layout.sideBySide ? 'two-columns' : ''} ${s.layout.stickyCharts ? 'sticky' : ''}">${PRIMARY_CHARTS.map((n) => card(n, n === 'paths' ? this.dimsPicker() : nothing))}</div>
      <div class="secondary-column">
        <div class="chart-grid tuning"><op-tuning .parts=${{ store: this.parts.store, model: this.parts.model, channel: this.parts.channel, theme: this.parts.theme }}></op-tuning></div>
        <div class="chart-grid secondary ${s.layout.mode === 'wide' && s.layout.sideBySide ? 'two-columns' : ''}">${secondary.map((n) => card(n, n === 'rateMap' ? this.rateMapHint() : nothing))}</div>
      </div>`;
  }

  protected override firstUpdated(): void {
    if (this.attached) return;
    this.attached = true;
    const el = (n: ChartName): HTMLElement => this.querySelector<HTMLElement>(`.chart[data-chart="${n}"]`)!;
    this.parts.charts.attach(Object.fromEntries(CHART_NAMES.map((n) => [n, el(n)])) as Record<ChartName, HTMLElement>);
  }

  /** Under the map's heading: what a click does, or why the selected run cannot move. */
  private rateMapHint(): TemplateResult {
    const refused = rateMapRefusal(this.parts.store.state);
    return html`<p class="chart-hint">${refused ? `Map of heavy-ball momentum; ${refused}.` : 'Click a cell (or focus the map, arrow keys, Enter) to move the selected run to that η and β.'}</p>`;
  }

  /** For more than two parameters: which two are on the paths chart's axes. */
  private dimsPicker(): TemplateResult | typeof nothing {
    const { store, model } = this.parts;
    const s = store.state;
    const dim = s.experiment ? lossShape(s.experiment, s.info).dim : 0;
    if (dim <= 2) return nothing;
    const dims = s.surface?.dims ?? s.view.dims;
    const options = Array.from({ length: Math.min(dim, 200) }, (_, i) => ({ value: String(i), label: thetaName(i) }));
    const pick = (axis: 0 | 1) => (v: string): void => {
      const next: [number, number] = [dims[0], dims[1]];
      next[axis] = Number(v);
      if (next[0] === next[1]) next[1 - axis] = dims[axis];
      model.setView({ dims: next });
      model.post({ type: 'pickDims', dims: next });
    };
    return html`<div class="dims-picker"><span class="dims-label">Axes</span>
      ${selectField({ ariaLabel: 'Horizontal axis parameter', value: String(dims[0]), options, onValue: pick(0) })}
      <span class="dims-sep">×</span>
      ${selectField({ ariaLabel: 'Vertical axis parameter', value: String(dims[1]), options, onValue: pick(1) })}
      <span class="dims-hint">other coordinates fixed at the step shown</span></div>`;
  }
}
customElements.define('op-charts', ChartsArea);
