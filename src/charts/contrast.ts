/**
 * WCAG 2 contrast between colours: relative luminance of sRGB and the ratio (L₁ + 0.05)/(L₂ + 0.05),
 * https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio. Graphics need 3:1 against what is next to
 * them (success criterion 1.4.11), text 4.5:1 (1.4.3). Colours are what heatmap.ts `parseColor`
 * reads; alpha is ignored (the caller composites first).
 */
import { parseColor } from './heatmap';

/** Relative luminance of 0–255 sRGB channels. */
export function luminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The contrast ratio of two colours (1–21), or NaN when one cannot be read. */
export function contrastRatio(a: string | readonly [number, number, number], b: string | readonly [number, number, number]): number {
  const read = (c: string | readonly [number, number, number]): readonly [number, number, number] | undefined => {
    if (typeof c !== 'string') return c;
    try {
      const [r, g, b] = parseColor(c);
      return [r, g, b];
    } catch {
      return undefined;
    }
  };
  const ca = read(a);
  const cb = read(b);
  if (!ca || !cb) return NaN;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
