import * as assert from 'node:assert/strict';
import { compileSnippet } from '../../src/snippet/compile';

const ROSENBROCK = 'export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\nexport const init = [-1.5, 2];\n';

describe('compileSnippet', () => {
  it('compiles a snippet: exports, parameter count, differentiated module', () => {
    const r = compileSnippet(ROSENBROCK);
    assert.ok(r.ok);
    assert.deepEqual([...r.exports].sort(), ['default', 'init']);
    assert.equal(r.paramCount, 2);
    assert.deepEqual(r.gradient, { mode: 'autodiff' });
    assert.equal(r.fastPath, 'straight-line');
    assert.match(r.adJs ?? '', /\$adfast\(function \(\$adP, \$adG\)/);
    assert.doesNotMatch(r.js, /\$ad/);
    const tape = compileSnippet(ROSENBROCK, { fastPaths: false });
    assert.ok(tape.ok);
    assert.equal(tape.fastPath, undefined);
    assert.match(tape.adJs ?? '', /\$adpow\(/);
  });

  it('reports syntax errors with the snippet\'s line and column, and nothing else runs', () => {
    const r = compileSnippet('export default function loss(p: number[]) {\n  const a = p[0] +;\n  return a;\n}\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'compile');
    const d = r.error.diagnostics?.[0];
    assert.ok(d);
    assert.equal(d.line, 2);
    assert.equal(d.column, 19);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /Expression expected/);
    assert.match(r.error.message, /line 2, column 19/);
  });

  it('reports every syntax error', () => {
    const r = compileSnippet('export default function f(x { return 1 }\nconst = 3;\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok((r.error.diagnostics ?? []).length >= 2);
    assert.ok((r.error.diagnostics ?? []).some((d) => d.line === 2));
  });

  it('refuses a snippet without a loss export', () => {
    const r = compileSnippet('function loss(p: number[]) { return p[0]; }\nexport const init = [1];\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'exports');
    assert.match(r.error.message, /exports no loss function: add `export default function loss\(p: number\[\]\) \{…\}`/);
  });

  it('refuses a loss export that is not a function', () => {
    const r = compileSnippet('export const loss = 3;\n');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.kind, 'exports');
    assert.match(r.error.message, /line 1\) is not a function/);
  });

  it('accepts `export const loss = (…) =>`, `export { f as default }` and `export default f`', () => {
    for (const src of [
      'export const loss = ([a, b, c]: number[]) => a * b * c;',
      'function f([a, b, c]: number[]) { return a + b + c; }\nexport { f as default };',
      'const f = ([a, b, c]: number[]) => a - b - c;\nexport default f;',
    ]) {
      const r = compileSnippet(src);
      assert.ok(r.ok, src);
      assert.equal(r.paramCount, 3, src);
    }
  });

  it('refuses imports, require and import() with their position', () => {
    for (const [src, line] of [
      ['import * as fs from "fs";\nexport default (p: number[]) => p[0];', 1],
      ['export default function loss(p: number[]) {\n  const fs = require("fs");\n  return p[0];\n}', 2],
      ['export default function loss(p: number[]) {\n  void import("fs");\n  return p[0];\n}', 2],
    ] as const) {
      const r = compileSnippet(src);
      assert.equal(r.ok, false, src);
      if (r.ok) continue;
      assert.equal(r.error.kind, 'compile');
      assert.equal(r.error.diagnostics?.[0].line, line, src);
      assert.match(r.error.message, /import|require/);
    }
  });

  it('uses a grad export as given', () => {
    const r = compileSnippet('export default ([x]: number[]) => x * x;\nexport const grad = ([x]: number[]) => [2 * x];');
    assert.ok(r.ok);
    assert.deepEqual(r.gradient, { mode: 'user' });
    assert.equal(r.adJs, undefined);
  });

  it('falls back to finite differences for Math.random and Date, naming the construct and its line', () => {
    const r = compileSnippet('export default function loss([x]: number[]) {\n  const noise = Math.random();\n  return x * x + noise;\n}');
    assert.ok(r.ok);
    assert.deepEqual(r.gradient, { mode: 'finite-differences', reason: '`Math.random` is not differentiable (line 2)', line: 2, column: 17 });
    const d = compileSnippet('export default function loss([x]: number[]) {\n\n  return x * x + Date.now() * 0;\n}');
    assert.ok(d.ok);
    assert.deepEqual(d.gradient, { mode: 'finite-differences', reason: '`Date` is not differentiable (line 3)', line: 3, column: 18 });
  });
});

describe('compileSnippet: quadratics recognised from the code (polynomialDegree.ts)', () => {
  const loss = (body: string, head = ''): string => `${head}export default function loss([x, y]: number[]): number {\n${body}\n}\nexport const init = [1, 1];\n`;
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['a sum of squares', loss('  return 0.5 * (x * x + 10 * y * y);'), true],
    ['squares through locals and **', loss('  const a = x + 2 * y - 7;\n  const b = 2 * x + y - 5;\n  return a ** 2 + b ** 2;'), true],
    ['a rotated quadratic with module-level constants and Math constants', loss('  const u = c * x + s * y;\n  return 0.5 * u * u + Math.PI * y / 2;', 'const c = Math.cos(Math.PI / 6);\nconst s = Math.sin(Math.PI / 6);\n'), true],
    ['a linear loss (degree 1)', loss('  return 3 * x - y / 4;'), true],
    ['Math.pow with a literal exponent', loss('  return Math.pow(x - 1, 2) + Math.pow(y, 2);'), true],
    ['Rosenbrock (degree 4)', ROSENBROCK, false],
    ['a cube', loss('  return x ** 3 + y;'), false],
    ['a parameter under Math.exp', loss('  return Math.exp(x) + y * y;'), false],
    ['a division by a parameter', loss('  return 1 / x + y * y;'), false],
    ['an exponent that is not a literal', loss('  return x ** k + y * y;', 'const k = 2;\n'), false],
    ['a loop (not straight-line code)', 'export default function loss(p: number[]): number {\n  let s = 0;\n  for (const v of p) s += v * v;\n  return s;\n}\nexport const init = [1, 1];\n', false],
  ];
  for (const [what, source, quadratic] of cases) {
    it(`${what}: ${quadratic ? 'a quadratic' : 'not recognised'}`, () => {
      const r = compileSnippet(source);
      assert.ok(r.ok);
      assert.equal(r.quadratic === true, quadratic);
    });
  }
});
