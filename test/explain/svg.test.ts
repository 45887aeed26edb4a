// Formula SVGs for hovers: every registry formula renders with MathJax, the result is a
// self-contained SVG, and the themed colours read on light and dark hover backgrounds.
import * as assert from 'node:assert/strict';
import { FORMULA_COLORS, formulaDataUri, texToSvg, themedSvg } from '../../src/extension/explainSvg';
import { hoverRuleTex } from '../../src/explain/hoverContent';
import { FORMULAS, SYMBOLS } from '../../src/explain/registry';

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string): number => {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('explain: formula SVG (mathjax-full)', () => {
  it('renders every equation of every formula, and every symbol, without a LaTeX error', () => {
    let count = 0;
    for (const f of FORMULAS) {
      for (const e of [...f.equations, ...(f.alternative?.equations ?? [])]) {
        const svg = texToSvg(e.tex);
        assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'), `${f.id}: not an SVG element`);
        assert.match(svg, /<path /, `${f.id}: no glyph paths (fonts must be embedded)`);
        assert.doesNotMatch(svg, /href="(?!#)/, `${f.id}: only references inside the SVG`);
        const defined = new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
        for (const use of svg.matchAll(/<use [^>]*href="#([^"]+)"/g)) assert.ok(defined.has(use[1]), `${f.id}: <use> of #${use[1]} not defined in the same SVG`);
        assert.ok(svg.length < 60_000, `${f.id}: ${svg.length} characters (hovers must stay under VS Code's 100,000)`);
        assert.match(svg, /width="[\d.]+px" height="[\d.]+px"/, `${f.id}: size in px`);
        count++;
      }
    }
    for (const s of SYMBOLS.values()) texToSvg(s.tex, false);
    assert.ok(count >= 50, `only ${count} equations`);
  });

  it('draws every rule for a hover at most 195 px tall: with its title line it fits VS Code\'s 250 px hover box', () => {
    // The box is ~250 px; its padding, the title paragraph and its margin take ~55 px (measured in
    // code-server by test/explain/hover.browser.ts, which checks the real position).
    const heights = FORMULAS.flatMap((f) => [f.equations, f.alternative?.equations ?? []].filter((e) => e.length > 0).map((e): [string, number] => {
      const svg = texToSvg(hoverRuleTex(e));
      return [`${f.kind}:${f.id}`, Number(/height="([\d.]+)px"/.exec(svg)?.[1])];
    }));
    const tall = heights.filter(([, h]) => !(h <= 195)).map(([k, h]) => `${k} ${h} px`);
    assert.deepEqual(tall, []);
    // The hover's text is ~13–14 px: formulas are drawn at an em of that size, not larger.
    const em = texToSvg(String.raw`\rule{1em}{1em}`, false);
    const size = Number(/width="([\d.]+)px"/.exec(em)?.[1]);
    assert.ok(size >= 13 && size <= 15, `1 em = ${size} px`);
  });

  it('reports a LaTeX error with the source', () => {
    assert.throws(() => texToSvg(String.raw`\frac{1}{`), /LaTeX error in "\\\\frac\{1\}\{"/);
  });

  it('themes: no currentColor left, colours that read on VS Code\'s hover backgrounds', () => {
    const svg = texToSvg(String.raw`\hat{m}_t = \frac{m_t}{1-\beta_1^t}`);
    assert.match(svg, /currentColor/);
    const dark = themedSvg(svg, FORMULA_COLORS.dark), light = themedSvg(svg, FORMULA_COLORS.light);
    assert.doesNotMatch(dark, /currentColor/);
    assert.ok(dark.includes(`fill="${FORMULA_COLORS.dark}"`) && light.includes(`fill="${FORMULA_COLORS.light}"`));
    assert.ok(contrast(FORMULA_COLORS.dark, '#252526') >= 7, 'dark theme hover background');
    assert.ok(contrast(FORMULA_COLORS.light, '#f3f3f3') >= 7, 'light theme hover background');
    assert.ok(contrast(FORMULA_COLORS.highContrast, '#000000') >= 7 && contrast(FORMULA_COLORS.highContrastLight, '#ffffff') >= 7);
  });

  it('makes a base64 data URI that decodes to the themed SVG', () => {
    const uri = formulaDataUri(String.raw`\theta \leftarrow \theta - \eta g`, 'light');
    assert.match(uri, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
    const svg = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8');
    assert.ok(svg.startsWith('<svg') && svg.includes(FORMULA_COLORS.light) && !svg.includes('currentColor'));
    assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'), 'a standalone SVG needs its namespace');
  });
});
