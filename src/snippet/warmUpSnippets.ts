/**
 * Snippets a compiler process compiles before any of the user's: the straight-line path, and the
 * tape and forward-mode paths. A process's first compile parses TypeScript's library and builds the
 * checker (most of a second); after these, a compile takes 10–30 ms. The host sends them to a
 * process it starts ahead of time (compiler.ts's `prewarmCompiler`); the startup snapshot is taken
 * after compiling them (compilerSnapshot.ts).
 */
export const WARM_UP_SNIPPETS: readonly string[] = [
  'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\n',
  'const sq = (v: number) => v * v;\nexport default function loss(p: number[]): number {\n  let s = 0;\n'
    + '  for (let i = 0; i < p.length; i++) s += sq(p[i]) + Math.cos(2 * Math.PI * p[i]);\n  return p.map((v) => v * 2).reduce((a, b) => a + b, s);\n}\n'
    + 'export const init = [1, 2, 3];\n',
];
