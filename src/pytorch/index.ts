/**
 * The PyTorch export's entry: the script generator and the TypeScript translator, bundled into
 * dist/compile.js with the TypeScript compiler (bundle.ts) and loaded on demand by the CLI's
 * `pytorch` command and the extension's "Copy as PyTorch" through `loadPytorch`.
 */
export { pytorchScript, type PytorchScript, type Untranslated } from './script';
export { translateSnippet, type Translation } from './translate';
