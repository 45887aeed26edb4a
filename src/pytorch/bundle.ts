/**
 * The entry of dist/compile.js: the TypeScript compiler bundled once (3.6 MB), for both of its
 * users — the snippet compiler (src/snippet/compile.ts, required by the compiler process) and the
 * PyTorch export's translator (required by the CLI and the extension host through `loadPytorch`).
 */
export * from '../snippet/compile';
export * from './index';
