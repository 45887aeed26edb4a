/**
 * Vega-Lite 6 specs of the playground's per-run charts, by family: loss per step (loss.ts), learning
 * rate and gradient norm per step (stepCharts.ts), parameter paths over the loss surface (paths.ts),
 * and what they share (options.ts, signals.ts, layers.ts, scales.ts, datasets.ts). The curvature
 * charts are ../sharpness.ts and ../rateMap.ts, the tuning charts ../tuning.ts.
 */
export * from './options';
export * from './signals';
export * from './layers';
export * from './scales';
export * from './loss';
export * from './stepCharts';
export * from './paths';
export * from './seeds';
export * from './datasets';
