/**
 * The hover half of the explanations, bundled on its own (`dist/explainHost.js`) and loaded by
 * explanations.ts on the first hover: the registry, the hover rule and MathJax (mathjax-full).
 */
export { ExplanationHoverProvider } from './hoverProvider';
