/**
 * Vega, its expression interpreter, vega-embed, vega-tooltip and Vega-Lite, loaded once (they are
 * ESM; the bundle inlines them). main.ts imports the first ones statically so they download with
 * the panel's module; here they resolve at once.
 */
type Vega = typeof import('vega', { with: { 'resolution-mode': 'import' } });
type Embed = typeof import('vega-embed', { with: { 'resolution-mode': 'import' } });
type Interpreter = typeof import('vega-interpreter', { with: { 'resolution-mode': 'import' } });
type VegaLite = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });
type Tooltip = typeof import('vega-tooltip', { with: { 'resolution-mode': 'import' } });

export interface Libraries {
  readonly vega: Vega;
  readonly embed: Embed['default'];
  readonly expressionInterpreter: Interpreter['expressionInterpreter'];
  readonly compile: VegaLite['compile'];
  readonly vegaLiteVersion: string;
  /** The charts' one tooltip (styled by media/panel.css): chart views and the surface's own tooltip show through it. */
  readonly tooltip: InstanceType<Tooltip['Handler']>;
}

let libraries: Promise<Libraries> | undefined;

export function loadVega(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-embed'), import('vega-interpreter'), import('vega-lite'), import('vega-tooltip')])
    .then(([vega, embed, interp, vl, tip]) => ({
      vega, embed: embed.default, expressionInterpreter: interp.expressionInterpreter, compile: vl.compile, vegaLiteVersion: vl.version,
      tooltip: new tip.Handler({ disableDefaultStyle: true, theme: 'custom' }),
    }));
  return libraries;
}
