/**
 * The engine's public API: everything the snippet worker, the CLI, the extension host and the
 * webview use. Pure TypeScript (no vscode, no DOM, no Node-only modules).
 */
export * from './types';
export * from './bounds';
export * from './labels';
export * from './hyperparameters';
export * from './transforms';
export * from './optimizers';
export * from './schedules';
export * from './clip';
export * from './problems';
export * from './random';
export * from './experiment';
export * from './schema';
export * from './runner';
export * from './tune';
export * from './score';
export * from './tuning';
