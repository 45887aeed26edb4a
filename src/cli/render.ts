/**
 * Headless rendering of Vega-Lite specs to SVG with Vega's own scenegraph renderer (no browser,
 * no canvas: text is measured by Vega's estimator).
 *
 * Vega and Vega-Lite are ES modules, loaded at run time from node_modules rather than bundled:
 * the bundler cannot turn vega-canvas's top-level `await import('canvas')` into CommonJS, and the
 * CLI's bundle stays small. The module names are passed through a variable so that neither tsc
 * nor esbuild rewrites the `import()`.
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

type Vega = typeof import('vega', { with: { 'resolution-mode': 'import' } });
type VegaLite = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });

const load = (name: string): Promise<unknown> => import(name);
let modules: Promise<[VegaLite, Vega]> | undefined;

/** The SVG with a text alternative: `role="img"`, an `aria-label` and a `<title>`, as screen readers read SVG files. */
export function withTextAlternative(svg: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return svg.replace(/^<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${escaped}"><title>${escaped}</title>`);
}

/** Compiles a Vega-Lite spec (with its data inlined) and renders it to an SVG string, its `description` as its text alternative. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  modules ??= Promise.all([load('vega-lite') as Promise<VegaLite>, load('vega') as Promise<Vega>]);
  const [vl, vega] = await modules;
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return spec.description ? withTextAlternative(svg, spec.description) : svg;
  } finally {
    view.finalize();
  }
}
