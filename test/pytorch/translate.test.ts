/**
 * The TypeScript → Python translator on its own (no Python needed): what each construct becomes,
 * and what it refuses, with the construct's line and column. test/pytorch/parity.test.ts runs the
 * translated losses under torch.
 */
import * as assert from 'node:assert/strict';
import { translateSnippet } from '../../src/pytorch/translate';

const py = (source: string): string => {
  const t = translateSnippet(source);
  assert.deepEqual(t.untranslated, [], `untranslated: ${JSON.stringify(t.untranslated)}`);
  return t.python;
};

describe('pytorch: translating a TypeScript loss', () => {
  it('a one-line expression, with JavaScript\'s grouping kept', () => {
    const out = py('export default function loss([x, y]: number[]): number {\n  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;\n}\n');
    assert.match(out, /^def loss\(_a0=None, \*_\):\n {4}x, y = js_items\(_a0, 2\)\n {4}return \(\(1 - x\) \*\* 2\) \+ \(100 \* \(\(y - \(x \* x\)\) \*\* 2\)\)$/);
  });

  it('Math, ternaries, if/else, loops, helpers, arrays and embedded data', () => {
    const out = py(`const sq = (v: number) => v * v;
function clamp(v: number, lo = 0, hi = 1) { return v < lo ? lo : v > hi ? hi : v; }
export const data = [[1, 2], [3, 4]];
export default function loss(p: number[], batch = data): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += sq(p[i]) + Math.cos(2 * Math.PI * p[i]);
  for (const [a, b] of batch) { if (a > 2) s += a * b; else if (a === 1) { s -= b; } else s += 1; }
  let k = 3;
  while (k > 0) { k--; if (k === 1) continue; s += k % 2; }
  s += p.map((v) => v * 2).reduce((x, y) => x + y, 0);
  return s + clamp(s, -1, 1e6) + Math.max(p[0], 0);
}`);
    for (const want of [
      /def sq\(v=None, \*_\):\n {4}return v \* v/,
      /def clamp\(v=None, lo=None, hi=None, \*_\):\n {4}if lo is None:\n {8}lo = 0/,
      /for i in range\(0, len\(p\)\):\n {8}s \+= sq\(p\[i\]\) \+ Math\.cos\(\(2 \* Math\.PI\) \* p\[i\]\)/,
      /for _e\d+ in batch:\n {8}a, b = js_items\(_e\d+, 2\)\n {8}if a > 2:\n {12}s \+= a \* b\n {8}elif a == 1:\n {12}s -= b\n {8}else:\n {12}s \+= 1/,
      /while k > 0:\n {8}k -= 1\n {8}if k == 1:\n {12}continue\n {8}s \+= js_rem\(k, 2\)/,
      /js_reduce\(js_map\(p, _f\d+\), _f\d+, 0\)/,
      /Math\.max\(p\[0\], 0\)/,
      /data = \[\[1, 2\], \[3, 4\]\]/,
    ]) assert.match(out, want);
  });

  it('a for loop that is not a range keeps JavaScript\'s order: continue runs the update first', () => {
    const out = py('export default function loss(p: number[]) { let s = 0; for (let i = 0; i < 10; i += 2) { if (i === 4) continue; s += i; } return s * p[0]; }');
    assert.match(out, /i = 0\n {4}while i < 10:\n {8}if i == 4:\n {12}i \+= 2\n {12}continue\n {8}s \+= i\n {8}i \+= 2/);
  });

  it('closures assign their enclosing variables with nonlocal, module variables with global; Python\'s builtins are not shadowed', () => {
    const out = py(`let calls = 0;
function counter() { let n = 0; const next = () => { n += 1; calls++; return n; }; return next; }
export default function loss(p: number[]) { return counter()() * p[0]; }`);
    assert.match(out, /def next_\(\*_\):\n {8}global calls\n {8}nonlocal n\n {8}n \+= 1\n {8}calls \+= 1/);
  });

  it('32-bit integer operators go through JavaScript\'s int32 semantics', () => {
    const out = py('let s = 7;\nexport default function loss(p: number[]) { s = (s + 0x6d2b79f5) | 0; const t = Math.imul(s ^ (s >>> 15), s | 1); return (t >>> 0) / 4294967296 * p[0]; }');
    assert.match(out, /s = js_or\(\(s \+ 0x6d2b79f5\), 0\)/);
    assert.match(out, /t = Math\.imul\(js_xor\(s, \(js_ushr\(s, 15\)\)\), js_or\(s, 1\)\)/);
  });

  it('names Python keeps for itself are renamed; object fields stay readable', () => {
    const out = py('export default function loss(p: number[]) { const lambda = 2; const o = { next: 1, keys: 2 }; return lambda * p[0] + o.next + o.keys; }');
    assert.match(out, /lambda_ = 2/);
    assert.match(out, /o = JsObject\(\{"next": 1, "keys": 2\}\)/);
    assert.match(out, /o\.next\) \+ o\["keys"\]/);
  });

  it('what it cannot translate is named with its line and column, and everything else is still written', () => {
    const t = translateSnippet(`export default function loss(p: number[]): number {
  let s = 0;
  switch (p.length) { case 2: s = 1; }
  class A {}
  return s + Math.random() * p[0];
}`);
    assert.deepEqual(t.untranslated.map((u) => [u.construct, u.line, u.column]), [
      ['a switch statement', 3, 3], ['a class', 4, 3], ['Math.random()', 5, 14],
    ]);
    assert.match(t.python, /js_untranslated\("a switch statement at line 3, column 3"\)/);
    assert.match(t.python, /return s \+ \(js_untranslated\("Math\.random\(\) at line 5, column 14"\) \* p\[0\]\)/);
    assert.equal(t.exports.loss, 'loss');
  });

  it('finds the exports: a default function of any name, an exported const loss, init and data', () => {
    assert.deepEqual(translateSnippet('export default function f(p: number[]) { return p[0]; }\nexport const init = [1];').exports, { loss: 'f', init: 'init' });
    assert.deepEqual(translateSnippet('export const loss = (p: number[]) => p[0] * p[0];\nexport const data = [[1]];').exports, { loss: 'loss', data: 'data' });
  });
});
