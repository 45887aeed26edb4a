/**
 * LaTeX helpers for the registry. Formulas are written with a short-hand, `⟨key⟩` for a registry
 * symbol as symbols.ts spells it and `⟨key|custom tex⟩` for the same symbol spelled differently
 * (`⟨m|m_{t-1}⟩`), which `eq` expands to `\sym{key}{…}`. `\sym` is not a LaTeX command: renderers
 * call `plainTex` (hovers, MathJax) or `annotatedTex` (the panel, KaTeX with `\htmlData`).
 */
import type { Equation } from './types';
import { symbolInfo } from './symbols';

const shortHand = /⟨(\w+)(?:\|([^⟨⟩]*))?⟩/g;

/** Expands `⟨key⟩` / `⟨key|tex⟩` into `\sym{key}{tex}`. */
export function expandSymbols(source: string): string {
  // Innermost first, so that a custom spelling may itself contain marked symbols.
  let out = source;
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(shortHand, (_all, key: string, custom?: string) => `\\sym{${key}}{${custom ?? symbolInfo(key).tex}}`);
  }
  return out;
}

/** An equation from short-hand LaTeX and its plain-text reading. */
export function eq(tex: string, text: string): Equation {
  return { tex: expandSymbols(tex), text };
}

/** `\sym{key}{x}` → `{x}`: LaTeX any renderer understands. */
export function plainTex(tex: string): string {
  return tex.replace(/\\sym\{\w+\}/g, '');
}

/** `\sym{key}{x}` → `\htmlData{sym=key}{x}` (KaTeX with `trust` for `\htmlData`). */
export function annotatedTex(tex: string): string {
  return tex.replace(/\\sym\{(\w+)\}/g, (_all, key: string) => `\\htmlData{sym=${key}}`);
}

/** Symbol keys marked in a LaTeX string, in order of first appearance. */
export function symbolKeys(tex: string): string[] {
  const keys: string[] = [];
  for (const m of tex.matchAll(/\\sym\{(\w+)\}/g)) if (!keys.includes(m[1])) keys.push(m[1]);
  return keys;
}
