/**
 * Start-up order, so that the first points are plotted as early as they can be: the loss chart is
 * embedded first (even before the host's `init`, from the experiment in the page); once it has
 * drawn its first points (or after START_FALLBACK_MS, when there are none to draw) the page's
 * later stylesheets and fonts load (KaTeX's), the settings' forms render, the other
 * charts are embedded one after another, then CodeMirror and the formula view (KaTeX) load. Before that the loss's code shows as plain text in the editor's place.
 */
import { CHART_NAMES } from '../protocol';
import type { Charts } from './charts';
import { adoptLaterResources } from './dom';
import type { PanelState } from './state';
import type { Store } from './store';

/** When the first points do not come (an error, nothing to run), the rest loads after this long. */
const START_FALLBACK_MS = 1200;

export interface StartupParts {
  readonly store: Store<PanelState>;
  readonly charts: Charts;
  /** Loads CodeMirror in the editor's place. */
  loadEditor(): Promise<void>;
  /** Loads the formula view. */
  loadFormula(): Promise<void>;
  log(level: 'error' | 'warn', message: string): void;
}

export class Startup {
  private begun = false;
  private done: Promise<void> | undefined;
  private charts: Promise<void> | undefined;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly parts: StartupParts) {
    parts.charts.onFirstPlot = () => this.begin();
    // Once the host has answered, the rest comes in good time even without points.
    const off = parts.store.watch((s) => s.initialized, (initialized) => {
      if (!initialized) return;
      off();
      setTimeout(() => this.begin(), START_FALLBACK_MS);
    });
  }

  private begin(): void {
    if (this.begun) return;
    this.begun = true;
    performance.mark('op:start-rest');
    adoptLaterResources();
    const { store, charts } = this.parts;
    store.update({ formsShown: true });
    for (const w of this.waiting.splice(0)) w();
    this.charts = (async () => {
      for (const name of CHART_NAMES) {
        if (name === 'loss') continue;
        charts.allow(name);
        // One chart per task: each embed compiles and runs a view (tens of ms), and the frames in
        // between keep the panel and VS Code (which shares the webview's thread) responsive.
        await charts.views.get(name)?.embedded();
        await nextTask();
      }
    })();
    this.done = (async () => {
      await this.charts;
      await this.parts.loadEditor().catch((e: unknown) => this.parts.log('error', `the loss editor could not load: ${message(e)}`));
      await nextTask();
      await this.parts.loadFormula().catch((e: unknown) => this.parts.log('warn', `the formula view could not start: ${message(e)}`));
      performance.mark('op:started');
    })();
  }

  /** Resolves when every chart is embedded (the editor and the formula view may still be loading). */
  async chartsEmbedded(): Promise<void> {
    if (!this.begun) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await this.charts;
  }

  /** Resolves when the start-up is over (after the host's `init`: it cannot finish without one). */
  async finished(): Promise<void> {
    if (!this.begun) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await this.done;
  }
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
