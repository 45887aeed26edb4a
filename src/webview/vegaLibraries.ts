/**
 * Vega (the panel's part of it, vegaRuntime.ts), its expression interpreter and vega-tooltip: the
 * runtime every chart needs, imported statically so that their chunks download with the panel's
 * module (the page preloads them); and Vega-Lite, loaded only when a spec must be compiled: a panel
 * whose compiled specs the host kept (compiledSpecs.ts) draws its first chart without downloading
 * the compiler.
 */
import { expressionInterpreter } from 'vega-interpreter';
import { Handler } from 'vega-tooltip';
import type { Libraries } from './vegaTypes';
import * as vegaRuntime from './vegaRuntime';

type VegaLite = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });

/** Vega-Lite's version, written in by the build (scripts/webview-build.mjs): the compiled specs' key, known without loading Vega-Lite. */
declare const VEGA_LITE_VERSION: string;

export type { Libraries };

let libraries: Promise<Libraries> | undefined;
let compiler: Promise<VegaLite['compile']> | undefined;

export function loadVega(): Promise<Libraries> {
  libraries ??= Promise.resolve({
    vega: vegaRuntime, expressionInterpreter, vegaLiteVersion: VEGA_LITE_VERSION,
    tooltip: new Handler({ disableDefaultStyle: true, theme: 'custom' }),
  });
  return libraries;
}

/** Vega-Lite's compiler (its chunk downloads on the first call). */
export function loadVegaLite(): Promise<VegaLite['compile']> {
  compiler ??= import('vega-lite').then((vl) => {
    if (vl.version !== VEGA_LITE_VERSION) throw new Error(`Vega-Lite ${vl.version} loaded, the build says ${VEGA_LITE_VERSION}`);
    return vl.compile;
  });
  return compiler;
}

/**
 * A Vega view of `spec` in `element`, as vega-embed would make it with the panel's options (Vega's
 * spec as it is, the expression interpreter for the strict CSP, the canvas renderer, hover
 * highlighting, the panel's tooltip, no action menu, no injected stylesheet).
 */
export async function embedVega(libs: Libraries, element: HTMLElement, spec: unknown): Promise<InstanceType<Libraries['vega']['View']>> {
  const { vega } = libs;
  const runtime = vega.parse(spec as never, undefined, { ast: true });
  const view = new vega.View(runtime, { renderer: 'canvas', expr: libs.expressionInterpreter as never, logLevel: vega.ErrorLevel });
  view.tooltip(libs.tooltip.call);
  view.hover();
  element.classList.add('vega-embed');
  element.replaceChildren();
  try {
    await view.initialize(element).runAsync();
  } catch (e) {
    view.finalize();
    throw e;
  }
  return view;
}
