/**
 * Types of the Vega packages the panel's Vega (vegaRuntime.ts) is assembled from, which publish
 * none: what of them it uses, typed as the `vega` package types it.
 */
declare module 'vega-dataflow' {
  export const transforms: Record<string, unknown>;
  export const changeset: typeof import('vega').changeset;
}
declare module 'vega-encode' {}
declare module 'vega-transforms' {}
declare module 'vega-view-transforms' {}
declare module 'vega-voronoi' {}
declare module 'vega-view' {
  export const View: typeof import('vega').View;
}
declare module 'vega-parser' {
  export const parse: typeof import('vega').parse;
}
declare module 'vega-scale' {
  export const scheme: typeof import('vega').scheme;
}
