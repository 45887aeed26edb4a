/** Chart specs, their data rows, themes and downsampling: pure, shared by the panel and the CLI. */
export * from './theme';
export * from './contrast';
export * from './rows';
export * from './contours';
export * from './downsample';
export * from './specs';
export * from './heatmap';
export * from './tuning';
export * from './sharpness';
export * from './rateMap';
export * from './overlays';
export * from './names';
export * from './ellipse';
