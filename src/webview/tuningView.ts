/**
 * The tuning card (DESIGN "Tuning", issue 13 item 4): while the host tunes, how many configurations
 * are scored (with Cancel), and the sensitivity chart — score against the first tuned
 * hyperparameter, one line per run, diverged points marked, the best ringed — filling in as grid
 * points finish; for two tuned hyperparameters the phase diagram too. A click on a point or a cell,
 * or the keyboard (focus the chart, arrow keys, Enter), runs the run at that configuration. The
 * text alternative is a summary (each run's best) and a table of every score.
 */
import type { View } from 'vega';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { cellName, DIVERGED_MARK_Y, type ChartTheme } from '../charts';
import { gridEdgeNote, gridEdges } from '../engine/tuneEdges';
import { fromWire } from '../protocol';
import type { HostChannel } from './channel';
import { formatValue } from './chartText';
import { ChartView, type Row } from './chartView';
import type { PanelModel } from './model';
import type { PanelState } from './state';
import { StoreController, type Store } from './store';
import { bestAlong, colourDomain, tuningRows, tuningSpecs, valuesAt, withConfiguration, type TuningMessage } from './tuningModel';

export interface TuningParts {
  readonly store: Store<PanelState>;
  readonly model: PanelModel;
  readonly channel: HostChannel;
  theme(): ChartTheme;
}

/** How far from a point a click still picks it (px). */
const NEAR_PX = 12;

const STATE_WORDS: Readonly<Record<TuningMessage['state'], string>> = {
  running: 'Tuning', done: 'Tuned', cancelled: 'Tuning cancelled', failed: 'Tuning stopped by the loss',
};

export class TuningCard extends LitElement {
  declare parts: TuningParts;
  private slice!: StoreController<PanelState, unknown>;
  private tuning: TuningMessage | undefined;
  private sensitivity: ChartView | undefined;
  private phase: ChartView | undefined;
  private specKeys = { sensitivity: '', phase: '' };
  /** The keyboard's point: a tuned run (index in the message's runs) and a value of its first hyperparameter. */
  private cursor: { tuned: number; index: number } | undefined;
  private unsubscribe: (() => void) | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.slice = new StoreController(this, this.parts.store, (s) => [s.layout.charts.loss.width, s.experiment?.runs.length]);
    super.connectedCallback();
    this.unsubscribe = this.parts.channel.on('tuning', (m) => {
      this.tuning = m;
      this.requestUpdate();
      void this.updateComplete.then(() => this.draw());
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.sensitivity?.finalize();
    this.phase?.finalize();
  }

  protected override render(): TemplateResult {
    void this.slice.value;
    const m = this.tuning;
    if (!m) return html``;
    const running = m.state === 'running';
    const two = m.runs.some((t) => t.grid.length === 2);
    return html`
      <section class="chart-card chart-tuning" aria-labelledby="chart-title-sensitivity">
        <div class="chart-card-head"><h2 class="chart-heading" id="chart-title-sensitivity">Sensitivity: ${m.scoreTitle} against ${m.runs[0]?.axisTitles[0] ?? 'learning rate η'}</h2>
          ${running ? html`<vscode-button secondary class="cancel-tuning" @click=${() => this.parts.model.post({ type: 'stop' })}>Cancel tuning</vscode-button>` : nothing}</div>
        <p class="chart-hint tuning-progress" role="status">${STATE_WORDS[m.state]}: ${m.done} of ${m.total} configurations scored.
          ${m.state === 'done' ? 'Each tuned run plays at its best; its run as written is drawn faint.' : ''}</p>
        ${m.state === 'done' ? this.edgeNotes(m).map((note) => html`<p class="chart-hint tuning-edge">${note}</p>`) : nothing}
        <p class="chart-hint">Click a point (or focus the chart, arrow keys, Enter) to run that configuration.</p>
        <div class="chart tuning-chart" data-chart="sensitivity" tabindex="0" role="application" aria-roledescription="sensitivity chart"
          aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Enter Space" aria-describedby="tuning-summary"
          aria-label=${this.cursorLabel()} @keydown=${(e: KeyboardEvent) => this.onKey(e)}></div>
        ${two ? html`<div class="chart tuning-chart" data-chart="phase"></div>` : nothing}
        <p class="visually-hidden" id="tuning-summary">${this.summary(m)}</p>
        <details class="tuning-table"><summary>Every score as a table</summary>${this.table(m)}</details>
      </section>`;
  }

  /** Each tuned run whose best is an end of its grid, in words: a better value may lie beyond it (tuneEdges.ts). */
  private edgeNotes(m: TuningMessage): string[] {
    return m.runs.flatMap((t) => gridEdgeNote(t.label, t.axisTitles, gridEdges(t.grid, t.best)) ?? []);
  }

  /** Each run's best so far, in words (the chart's text alternative). */
  private summary(m: TuningMessage): string {
    return m.runs.map((t) => {
      if (t.best < 0) return `${t.label}: no finite score yet`;
      const v = valuesAt(t, t.best);
      return `${t.label}: best ${Object.entries(v).map(([k, x]) => `${k} ${formatValue(x)}`).join(', ')} → ${formatValue(fromWire(t.scores)[t.best]!)}`;
    }).join('; ') + '.';
  }

  private table(m: TuningMessage): TemplateResult {
    const rows = m.runs.flatMap((t) => fromWire(t.scores).map((score, p) => ({ t, p, score })));
    return html`<div class="chart-table-wrap" tabindex="0" role="region" aria-label="Every tuning score"><table class="chart-table"><thead><tr><th scope="col">run</th><th scope="col">${m.runs[0]?.axisTitles.join(', ') ?? 'η'}</th><th scope="col">${m.scoreTitle}</th></tr></thead>
      <tbody>${rows.map(({ t, p, score }) => html`<tr><th scope="row">${t.label}</th><td>${Object.values(valuesAt(t, p)).map(formatValue).join(', ')}</td>
        <td>${Number.isNaN(score) ? 'not yet' : Number.isFinite(score) ? formatValue(score) : 'diverged'}${p === t.best ? ' (best)' : ''}</td></tr>`)}</tbody></table></div>`;
  }

  /** Embeds the charts when their structure changed, else streams the new rows in. */
  private draw(): void {
    const m = this.tuning;
    if (!m) return;
    const s = this.parts.store.state;
    const labelOf = (run: number): string => s.results.find((r) => r.run === run)?.label ?? `run ${run + 1}`;
    const width = Math.max(240, Math.min(560, s.layout.charts.loss.width ?? 480));
    const specs = tuningSpecs(m, this.parts.theme(), colourDomain(m, labelOf), width);
    const rows = tuningRows(m);
    for (const name of ['sensitivity', 'phase'] as const) {
      const element = this.querySelector<HTMLElement>(`.tuning-chart[data-chart="${name}"]`);
      const spec = specs[name];
      let view = this[name];
      if (!element || !spec) { view?.finalize(); this[name] = undefined; this.specKeys[name] = ''; continue; }
      if (!view || view.element !== element) {
        view?.finalize();
        view = new ChartView(name, element);
        view.onEmbed = (v) => this.attach(v, name);
        this[name] = view;
        this.specKeys[name] = '';
      }
      const key = JSON.stringify(spec);
      const data = rows[name] as unknown as Row[];
      if (key !== this.specKeys[name]) {
        this.specKeys[name] = key;
        void view.embed(spec, () => new Map([[name, data]]));
      } else {
        // Once embedded: rows given to a view still embedding would be lost, and a tuning may well
        // end (every score sent) before its chart's first embed is done.
        const shown = view;
        void shown.embedded().then(() => {
          if (this[name] !== shown) return;
          shown.clear(name);
          shown.insert(name, data);
        });
      }
    }
  }

  /**
   * A click runs a configuration: on the sensitivity chart the point drawn nearest the pointer
   * (within NEAR_PX; found from the plotted coordinates, as the rate map finds its cells), on the
   * phase diagram the cell clicked.
   */
  private attach(view: View, chart: 'sensitivity' | 'phase'): void {
    view.addEventListener('click', (event, item) => {
      const m = this.tuning;
      if (!m) return;
      if (chart === 'sensitivity') {
        const near = this.nearestPoint(view, event as MouseEvent);
        const t = near && m.runs.find((x) => x.run === near.run);
        const i = t ? t.grid[0]!.indexOf(near!.value) : -1;
        if (t && i >= 0) this.load(m.runs.indexOf(t), bestAlong(t, i));
        return;
      }
      const d = (item as { datum?: Record<string, unknown> } | null | undefined)?.datum;
      const t = d && m.runs.find((x) => x.run === d.run && x.grid.length === 2);
      if (!t || !d) return;
      const i = cellName(t.grid[0]!).indexOf(String(d.x)), j = cellName(t.grid[1]!).indexOf(String(d.y));
      if (i >= 0 && j >= 0) this.load(m.runs.indexOf(t), i * t.grid[1]!.length + j);
    });
  }

  /** The sensitivity row drawn nearest the pointer, within NEAR_PX (a diverged point is drawn at the top). */
  private nearestPoint(view: View, ev: MouseEvent): { run: number; value: number } | undefined {
    const canvas = view.container()?.querySelector('canvas');
    if (!canvas) return undefined;
    const rect = canvas.getBoundingClientRect();
    const [ox, oy] = view.origin();
    const px = ev.clientX - rect.left - ox, py = ev.clientY - rect.top - oy;
    const x = view.scale('x') as (v: number) => number, y = view.scale('y') as (v: number) => number;
    let best: { run: number; value: number } | undefined, bestDistance = NEAR_PX;
    for (const r of this.rows('sensitivity')) {
      if (r.kind === 'default' || typeof r.run !== 'number' || typeof r.value !== 'number') continue;
      const d = Math.hypot(x(r.value) - px, (typeof r.plotScore === 'number' ? y(r.plotScore) : DIVERGED_MARK_Y) - py);
      if (d <= bestDistance) { best = { run: r.run, value: r.value }; bestDistance = d; }
    }
    return best;
  }

  /** A tuning chart's Vega view (the tests find its marks on the page). */
  chartView(chart: 'sensitivity' | 'phase'): View | undefined {
    return this[chart]?.currentView;
  }

  /** The rows a tuning chart holds (the tests' view of it). */
  rows(chart: 'sensitivity' | 'phase'): Row[] {
    return this[chart]?.data(chart) ?? [];
  }

  /** Resolves once the tuning charts have applied every row. */
  async settled(): Promise<void> {
    await Promise.all([this.sensitivity?.settled(), this.phase?.settled()]);
  }

  /** Runs tuned run `tuned` at grid point `point`. */
  load(tuned: number, point: number): void {
    const m = this.tuning, exp = this.parts.store.state.experiment;
    const t = m?.runs[tuned];
    if (!t || !exp || point < 0) return;
    const next = withConfiguration(exp, t.run, valuesAt(t, point));
    if (!next) {
      this.parts.model.log('info', `The sensitivity chart: run ${t.run + 1} is no longer ${t.label}.`);
      return;
    }
    this.parts.model.setView({ selectedRun: t.run });
    this.parts.model.edit(next);
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.tuning;
    if (!m || m.runs.length === 0) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const move = moves[e.key];
    const start = this.cursor ?? { tuned: 0, index: Math.max(0, Math.floor(m.runs[0]!.best / (m.runs[0]!.grid[1]?.length ?? 1))) };
    if (move) {
      e.preventDefault();
      const tuned = Math.min(m.runs.length - 1, Math.max(0, start.tuned + move[0]));
      const n = m.runs[tuned]!.grid[0]!.length;
      this.cursor = { tuned, index: Math.min(n - 1, Math.max(0, start.index + move[1])) };
      this.requestUpdate();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.cursor = start;
      this.load(start.tuned, bestAlong(m.runs[start.tuned]!, start.index));
    }
  }

  /** The chart's accessible name: the keyboard's point and its score, once a key was pressed. */
  private cursorLabel(): string {
    const m = this.tuning, c = this.cursor;
    const t = c && m?.runs[c.tuned];
    if (!t || !c) return `Sensitivity chart of ${m?.runs.length ?? 0} tuned runs: arrow keys move along a run and between runs, Enter runs that configuration`;
    const p = bestAlong(t, c.index);
    const score = p >= 0 ? fromWire(t.scores)[p]! : NaN;
    const v = p >= 0 ? valuesAt(t, p) : { [t.parameters[0]!]: t.grid[0]![c.index]! };
    return `${t.label}, ${Object.entries(v).map(([k, x]) => `${k} ${formatValue(x)}`).join(', ')}: ${Number.isNaN(score) ? 'not scored yet' : Number.isFinite(score) ? `${m!.scoreTitle} ${formatValue(score)}` : 'diverged'}${p === t.best ? ' (best)' : ''}. Enter runs it.`;
  }
}
customElements.define('op-tuning', TuningCard);
