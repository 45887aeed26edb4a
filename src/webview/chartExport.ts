/** The panel's charts as images for Export Results: each as SVG and as a PNG at twice its size. */
import type { ChartName, RenderedChart } from '../protocol';
import type { ChartView } from './chartView';

/** Every chart shown, as it stands now (the runs may still be playing), on the panel's background. */
export async function renderCharts(views: ReadonlyMap<ChartName, ChartView>, warn: (message: string) => void): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const [name, chart] of views) {
    await chart.settled();
    const view = chart.currentView;
    if (!view) continue;
    // On the panel's background, not transparent: an exported image is looked at elsewhere.
    const background = view.background();
    try {
      view.background(getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || background);
      out.push({ name, svg: await view.toSVG(), png: await view.toImageURL('png', 2) });
    } catch (e) {
      warn(`rendering the ${name} chart for export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      view.background(background);
    }
  }
  return out;
}
