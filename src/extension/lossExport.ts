/** Finding a TypeScript file's exported loss by a text scan (no vscode: the CodeLens and the tests use it). */

const EXPORTED_LOSS = /^\s*export\s+(?:default\s+(?:async\s+)?function\b|(?:async\s+)?function\s+loss\b|(?:const|let)\s+loss\b)/m;

/** Line (0-based) of the exported loss in `text`, or -1. */
export function exportedLossLine(text: string): number {
  const m = EXPORTED_LOSS.exec(text);
  if (!m) return -1;
  let line = 0;
  for (let i = 0; i < m.index + m[0].length - m[0].trimStart().length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
