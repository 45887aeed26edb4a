/**
 * What the panel's formula view shows for a run: its optimizer's rule, and the rules of its
 * schedule and clipping when it has them, as LaTeX annotated for KaTeX (`\htmlData{sym=key}`), with
 * the words beside each line and the symbols in reading order. Pure; the view renders it.
 */
import type { ClipSpec, ScheduleSpec } from '../engine/types';
import { formula, optimizerFormula } from './registry';
import { SYMBOLS, type SymbolInfo } from './symbols';
import { annotatedTex, symbolKeys } from './tex';

export interface FormulaBlock {
  readonly title: string;
  readonly lines: readonly { readonly tex: string; readonly text: string }[];
  readonly note?: string;
}

export interface FormulaModel {
  readonly optimizerId: string;
  readonly title: string;
  readonly blocks: readonly FormulaBlock[];
  /** Every symbol that appears, in reading order. */
  readonly symbols: readonly SymbolInfo[];
  readonly conventions: readonly string[];
}

/** KaTeX options for the annotated LaTeX: `\htmlData` is the only trusted command. */
export const KATEX_OPTIONS = {
  displayMode: true,
  throwOnError: false,
  output: 'htmlAndMathml' as const,
  trust: (context: { command: string }): boolean => context.command === '\\htmlData',
  strict: (code: string): 'ignore' | 'warn' => (code === 'htmlExtension' || code === 'unicodeTextInMathMode' ? 'ignore' : 'warn'),
};

export function formulaModel(optimizerId: string, schedule?: ScheduleSpec, clip?: ClipSpec): FormulaModel {
  const f = optimizerFormula(optimizerId);
  const blocks: FormulaBlock[] = [];
  const raw: string[] = [];
  const block = (title: string, equations: readonly { tex: string; text: string }[], note?: string): void => {
    raw.push(...equations.map((e) => e.tex));
    blocks.push({ title, lines: equations.map((e) => ({ tex: annotatedTex(e.tex), text: e.text })), note });
  };
  if (clip) {
    const c = formula('clip', 'norm' in clip ? 'norm' : 'value');
    if (c) block(c.title, c.equations);
  }
  block(f.title, f.equations);
  if (f.alternative) block(f.alternative.title, f.alternative.equations, f.alternative.note);
  if (schedule && schedule.type !== 'constant') {
    const s = formula('schedule', schedule.type);
    if (s) block(s.title, s.equations);
  }
  const symbols = symbolKeys(raw.join(' ')).map((k) => SYMBOLS.get(k)).filter((s): s is SymbolInfo => s !== undefined);
  return { optimizerId, title: f.title, blocks, symbols, conventions: f.conventions };
}
