/**
 * Headless rendering of Vega-Lite specs to SVG with Vega's own scenegraph renderer (no browser,
 * no canvas: text is measured by Vega's estimator).
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

/** Compiles a Vega-Lite spec (with its data inlined) and renders it to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
