/**
 * LaTeX → SVG with mathjax-full (TeX input, SVG output, lite DOM adaptor: no browser needed), for
 * editor hovers, which cannot render LaTeX themselves. Glyphs are embedded as paths defined once
 * per SVG and reused (`fontCache: 'local'`: `<defs>` + `<use href="#…">` inside the same file), so
 * an SVG is self-contained, works as a `data:` image, and is about half the size of repeating every
 * glyph (`'none'`) — which matters: VS Code truncates hover Markdown at 100,000 characters.
 *
 * MathJax is loaded on the first render (about 0.2 s), never at activation; renders are cached by
 * LaTeX source, colours are applied afterwards by replacing `currentColor`, so one render serves
 * every theme. No `vscode` import here: unit tests call it directly.
 */
import { plainTex } from '../explain/tex';

interface MathJaxEngine { render(tex: string, display: boolean): string }

let engine: MathJaxEngine | undefined;

function loadMathJax(): MathJaxEngine {
  if (engine) return engine;
  // Plain require keeps the module graph lazy in esbuild's CommonJS bundle.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { mathjax } = require('mathjax-full/js/mathjax.js') as typeof import('mathjax-full/js/mathjax.js');
  const { TeX } = require('mathjax-full/js/input/tex.js') as typeof import('mathjax-full/js/input/tex.js');
  const { SVG } = require('mathjax-full/js/output/svg.js') as typeof import('mathjax-full/js/output/svg.js');
  const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js') as typeof import('mathjax-full/js/adaptors/liteAdaptor.js');
  const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js') as typeof import('mathjax-full/js/handlers/html.js');
  require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
  require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const doc = mathjax.document('', {
    InputJax: new TeX({ packages: ['base', 'ams'] }),
    OutputJax: new SVG({ fontCache: 'local' }),
  });
  engine = {
    render(tex: string, display: boolean): string {
      const node = doc.convert(tex, { display });
      return adaptor.innerHTML(node);
    },
  };
  return engine;
}

/**
 * Pixels per ex in hovers: MathJax's ex is 0.442 em, so 6.2 px draws the formulas at a 14 px em,
 * the size of the hover's own text beside them.
 */
const PX_PER_EX = 6.2;

const cache = new Map<string, string>();

/**
 * The SVG of a LaTeX formula (registry `\sym` marks allowed), drawn in `currentColor`, sized in
 * pixels. Throws with the LaTeX in the message when MathJax reports an error.
 */
export function texToSvg(tex: string, display = true): string {
  const source = plainTex(tex);
  const key = `${display ? 'D' : 'I'}${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let svg = loadMathJax().render(source, display);
  const error = /data-mjx-error="([^"]*)"/.exec(svg);
  if (error) throw new Error(`LaTeX error in ${JSON.stringify(source)}: ${error[1]}`);
  // ex units → px, so the image has the same size wherever it is shown; drop the inline style.
  svg = svg.replace(/(width|height)="([\d.]+)ex"/g, (_m, attr: string, v: string) => `${attr}="${(Number(v) * PX_PER_EX).toFixed(1)}px"`)
    .replace(/ style="[^"]*"/, '');
  cache.set(key, svg);
  return svg;
}

/** Colours that read on each theme kind's hover background (VS Code's default editor foregrounds). */
export const FORMULA_COLORS = {
  light: '#1f1f1f',
  dark: '#cccccc',
  highContrast: '#ffffff',
  highContrastLight: '#000000',
} as const;

export type FormulaTheme = keyof typeof FORMULA_COLORS;

/** The SVG with `currentColor` replaced by a colour (an `<img>` has no inherited colour). */
export function themedSvg(svg: string, color: string): string {
  return svg.replace(/currentColor/g, color);
}

/** A base64 `data:` URI for an SVG (VS Code's Markdown renderer accepts base64 data images). */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** One formula as a themed `data:` URI. */
export function formulaDataUri(tex: string, theme: FormulaTheme, display = true): string {
  return svgDataUri(themedSvg(texToSvg(tex, display), FORMULA_COLORS[theme]));
}
