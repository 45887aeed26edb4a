/**
 * The types of the Vega libraries the chart views use (vegaLibraries.ts loads them), apart from
 * their code, so that the modules the Node tests and benches import type-check without loading it.
 */
type VegaPackage = typeof import('vega', { with: { 'resolution-mode': 'import' } });
type Interpreter = typeof import('vega-interpreter', { with: { 'resolution-mode': 'import' } });
type Tooltip = typeof import('vega-tooltip', { with: { 'resolution-mode': 'import' } });

/** The panel's Vega (vegaRuntime.ts): what of the `vega` package the chart views call. */
export type Vega = Pick<VegaPackage, 'View' | 'parse' | 'changeset' | 'scheme'> & { readonly ErrorLevel: VegaPackage['Error'] };

export interface Libraries {
  readonly vega: Vega;
  readonly expressionInterpreter: Interpreter['expressionInterpreter'];
  readonly vegaLiteVersion: string;
  /** The charts' one tooltip (styled by media/panel.css): chart views and the surface's own tooltip show through it. */
  readonly tooltip: InstanceType<Tooltip['Handler']>;
}
