/**
 * Which words get an explanation on hover, and as what. A pure function of the text, so that the
 * rule is tested without VS Code.
 *
 * The rule (per language):
 * - Optimizer names (adam, AdamW, SGD, RMSprop, …, any case) in TypeScript, JavaScript and Python
 *   count when they are *used as an optimizer*: called or constructed (`Adam(`, `new SGD(`), qualified
 *   by an optimizer namespace (`torch.optim.Adam`, `optax.adam`, `tf.keras.optimizers.Adam`), or a
 *   string value of an optimizer key (`optimizer='adam'`, `{ optimizer: "sgd" }`). In `*.optim.json`
 *   only as the value of `"optimizer"`.
 * - Hyperparameter names (lr, learning_rate, betas, eps, weight_decay, alpha, …) count when written
 *   as a keyword argument, object key or assignment (`lr=0.1`, `lr: 0.1`, `"lr": 0.1`) AND an
 *   optimizer is mentioned within `CONTEXT_LINES` lines (a used optimizer name, or the words
 *   optimizer/optim/optax). In `*.optim.json` every key that is a hyperparameter name counts.
 *   The nearest optimizer mentioned decides whose meaning is shown (`alpha` is RMSprop's α).
 * - LaTeX that names a registry symbol (`\hat{m}_t`, `\beta_1^t`, `\nabla_\theta J(\theta)`) counts in
 *   Markdown anywhere, and in code inside comments or `$…$`.
 * - Markdown prose: an optimizer name (Adam, SGD, RMSprop, GD, …, any case) counts wherever it is
 *   written; a hyperparameter name only in a code span (`` `weight_decay` ``) or written as a keyword
 *   (`lr=0.1`), in the context of the nearest optimizer named; a symbol written in Unicode (η, β₁,
 *   m̂ₜ) counts anywhere. Inside a fenced code block (```` ```python ````) the rule of the block's
 *   language applies.
 * - In `*.optim.json`, a schedule's `"type"` value (`"cosine"`) and a clipping key (`"norm"`,
 *   `"value"` right after `"clip": {`) explain that schedule or clipping rule.
 */
import { OPTIMIZERS } from '../engine/hyperparameters';
import { SCHEDULES } from '../engine/schedules';
import { HYPERPARAMETER_ALIASES } from './registry';
import { symbolAt, unicodeSymbolAt } from './latexSymbols';

export type HoverLanguage = 'typescript' | 'javascript' | 'python' | 'json' | 'markdown';

export type HoverTarget =
  | { readonly kind: 'optimizer'; readonly id: string; readonly word: string; readonly start: number; readonly end: number }
  | { readonly kind: 'hyperparameter'; readonly word: string; readonly name: string; readonly index?: 0 | 1;
      readonly optimizerId?: string; readonly start: number; readonly end: number }
  | { readonly kind: 'symbol'; readonly key: string; readonly start: number; readonly end: number }
  /** A schedule type or clipping kind in *.optim.json: registry key `schedule:cosine`, `clip:norm`. */
  | { readonly kind: 'formula'; readonly key: string; readonly start: number; readonly end: number };

/** How far (in lines, each way) a hyperparameter looks for an optimizer. */
export const CONTEXT_LINES = 6;

/** Optimizer names as written in code (lower-cased) → optimizer id. */
const OPTIMIZER_WORDS: ReadonlyMap<string, string> = new Map(
  OPTIMIZERS.filter((o) => o.id !== 'gd').map((o) => [o.id, o.id] as const),
);

const SCHEDULE_TYPES: ReadonlySet<string> = new Set(SCHEDULES.map((s) => s.type));
const NAMESPACE_BEFORE = /(?:\boptim|\boptax|\boptimizers|\blegacy|\bcontrib|\btf\.train)\s*\.\s*$/;
const IMPORT_BEFORE = /(?:\bimport\s+(?:type\s+)?\{?[\w\s,]*|\bimport\s+[\w\s,]*)$/;
const CALL_AFTER = /^\s*\(/;
const OPTIMIZER_KEY_BEFORE = /\b(?:optimizer|optim|opt|optimizer_?name|optimizer_?type|optimizerId)["']?\s*[:=]\s*["'`]$/i;
const KEYWORD_AFTER = /^["']?\s*(?:=(?!=)|:(?!:))/;
const OPTIMIZER_WORD_IN_LINE = /\b(?:optimizer|optimizers|optim|optax|Optimizer)\b/;

const wordChar = /[A-Za-z0-9_]/;

/** The identifier covering `character` (inclusive of its end), with its columns. */
function wordAt(line: string, character: number): { word: string; start: number; end: number } | undefined {
  let start = Math.min(character, line.length);
  let end = start;
  while (start > 0 && wordChar.test(line[start - 1])) start--;
  while (end < line.length && wordChar.test(line[end])) end++;
  if (start === end || /^[0-9]/.test(line[start])) return undefined;
  return { word: line.slice(start, end), start, end };
}

/** Is the word at [start, end) used as an optimizer (code languages)? */
function optimizerInCode(line: string, start: number, end: number): boolean {
  const before = line.slice(0, start), after = line.slice(end);
  if (NAMESPACE_BEFORE.test(before)) return true;
  if (IMPORT_BEFORE.test(before) && /(?:optim|optax|optimizers)/.test(line)) return true;
  if (CALL_AFTER.test(after) && !/\.\s*$/.test(before.replace(NAMESPACE_BEFORE, ''))) return true;
  if (OPTIMIZER_KEY_BEFORE.test(before) && /^["'`]/.test(after)) return true;
  return false;
}

/** Is the word at [start, end) the value of an `"optimizer"` key (JSON)? */
function optimizerInJson(line: string, start: number, end: number): boolean {
  return /"optimizer"\s*:\s*"$/.test(line.slice(0, start)) && line[end] === '"';
}

/** The optimizer id a word names in `language` (gradient descent: `gd` in JSON, `GD` in prose). */
function optimizerWord(word: string, language: HoverLanguage): string | undefined {
  const id = OPTIMIZER_WORDS.get(word.toLowerCase());
  if (id) return id;
  if (language === 'json' && word === 'gd') return 'gd';
  if (language === 'markdown' && /^gd$/i.test(word)) return 'gd';
  return undefined;
}

/** Is the optimizer word at [start, end) used as an optimizer? In Markdown prose, every mention is. */
function isOptimizerUse(line: string, start: number, end: number, language: HoverLanguage): boolean {
  if (language === 'json') return optimizerInJson(line, start, end);
  if (language === 'markdown') return true;
  return optimizerInCode(line, start, end);
}

/** Optimizer ids used on a line, with their columns. */
function optimizersOnLine(line: string, language: HoverLanguage): { id: string; start: number }[] {
  const out: { id: string; start: number }[] = [];
  for (const m of line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const id = optimizerWord(m[0], language);
    // In prose, "momentum" is the idea (or SGD's hyperparameter), not a mention of classical momentum.
    if (!id || (language === 'markdown' && id === 'momentum')) continue;
    const start = m.index, end = start + m[0].length;
    // `momentum=0.9` is a hyperparameter, not the optimizer.
    if (isOptimizerUse(line, start, end, language) && !(id === 'momentum' && KEYWORD_AFTER.test(line.slice(end)))) out.push({ id, start });
  }
  return out;
}

/**
 * The nearest optimizer used around line `row` (same line first, then alternately above and
 * below), `null` when only the generic words (optimizer, optim, optax) appear, undefined when none.
 */
function nearbyOptimizer(getLine: (row: number) => string | undefined, row: number, language: HoverLanguage): string | null | undefined {
  let generic = false;
  for (let d = 0; d <= CONTEXT_LINES; d++) {
    for (const r of d === 0 ? [row] : [row - d, row + d]) {
      const text = getLine(r);
      if (text === undefined) continue;
      const used = optimizersOnLine(text, language);
      if (used.length > 0) return used[0].id;
      if (OPTIMIZER_WORD_IN_LINE.test(text)) generic = true;
    }
  }
  return generic ? null : undefined;
}

function inComment(before: string, language: HoverLanguage): boolean {
  if (language === 'python') return before.includes('#') || /^\s*("""|''')/.test(before);
  return before.includes('//') || /^\s*(\/\*|\*)/.test(before);
}

function insideDollars(line: string, start: number, end: number): boolean {
  const open = line.lastIndexOf('$', start);
  const close = line.indexOf('$', end);
  return open >= 0 && close >= 0;
}

/**
 * What to explain at (row, character), or undefined. `getLine(row)` returns a line's text, or
 * undefined outside the document.
 */
export function findHoverTarget(getLine: (row: number) => string | undefined, row: number, character: number,
  language: HoverLanguage): HoverTarget | undefined {
  const line = getLine(row);
  if (line === undefined) return undefined;

  // LaTeX symbols: Markdown anywhere, code only in comments or $…$.
  const sym = symbolAt(line, character);
  if (sym) {
    const before = line.slice(0, sym.start);
    if (language === 'markdown' || (language !== 'json' && (inComment(before, language) || insideDollars(line, sym.start, sym.end)))) {
      return { kind: 'symbol', key: sym.key, start: sym.start, end: sym.end };
    }
  }
  if (language === 'markdown') return markdownTarget(getLine, row, character, line);

  const w = wordAt(line, character);
  if (!w) return undefined;
  const after = line.slice(w.end);

  // Schedules and clipping in experiment files.
  if (language === 'json') {
    const before = line.slice(0, w.start);
    if (/"type"\s*:\s*"$/.test(before) && line[w.end] === '"' && SCHEDULE_TYPES.has(w.word)) {
      return { kind: 'formula', key: `schedule:${w.word}`, start: w.start, end: w.end };
    }
    if ((w.word === 'norm' || w.word === 'value') && /"clip"\s*:\s*\{\s*"$/.test(before) && line[w.end] === '"') {
      return { kind: 'formula', key: `clip:${w.word}`, start: w.start, end: w.end };
    }
  }

  // Optimizer names.
  const id = optimizerWord(w.word, language);
  if (id && !(id === 'momentum' && KEYWORD_AFTER.test(after)) && isOptimizerUse(line, w.start, w.end, language)) {
    return { kind: 'optimizer', id, word: w.word, start: w.start, end: w.end };
  }

  // Hyperparameter names.
  const alias = HYPERPARAMETER_ALIASES[w.word];
  if (!alias) return undefined;
  if (language === 'json') {
    const isKey = line[w.start - 1] === '"' && /^"\s*:/.test(after);
    if (!isKey) return undefined;
  } else {
    const before = line.slice(0, w.start);
    const keyword = KEYWORD_AFTER.test(after) && !/\.\s*$/.test(before);
    const quotedKey = /["']$/.test(before) && /^["']\s*:/.test(after);
    if (!keyword && !quotedKey) return undefined;
  }
  const near = nearbyOptimizer(getLine, row, language);
  if (near === undefined && language !== 'json') return undefined;
  return { kind: 'hyperparameter', word: w.word, name: alias.name, index: alias.index, optimizerId: near ?? undefined, start: w.start, end: w.end };
}

/** A fence line of Markdown (```` ``` ```` or `~~~`), with its info string. */
const FENCE = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)/;

/**
 * The language of the fenced code block holding line `row` of a Markdown document (the rule's
 * language for its info string; Python, the language of most ML code, when it has none), or
 * undefined when the line is prose. A fence line itself is neither: null.
 */
function fenceLanguage(getLine: (row: number) => string | undefined, row: number): HoverLanguage | null | undefined {
  if (FENCE.test(getLine(row) ?? '')) return null;
  let opener: RegExpExecArray | undefined;
  for (let r = 0; r < row; r++) {
    const m = FENCE.exec(getLine(r) ?? '');
    if (m && (!opener || m[1][0] === opener[1][0])) opener = opener ? undefined : m;
  }
  if (!opener) return undefined;
  switch (opener[2].toLowerCase()) {
    case 'ts': case 'typescript': case 'tsx': return 'typescript';
    case 'js': case 'javascript': case 'jsx': case 'mjs': return 'javascript';
    case 'json': case 'jsonc': return 'json';
    default: return 'python';
  }
}

/** Is [start, end) inside a `code span` of the line? */
function inCodeSpan(line: string, start: number, end: number): boolean {
  const open = line.lastIndexOf('`', start - 1);
  if (open < 0 || line.indexOf('`', end) < 0) return false;
  return (line.slice(0, open).match(/`/g)?.length ?? 0) % 2 === 0;
}

/** The Markdown rule (see the top of this file) outside LaTeX. */
function markdownTarget(getLine: (row: number) => string | undefined, row: number, character: number, line: string): HoverTarget | undefined {
  const fence = fenceLanguage(getLine, row);
  if (fence !== undefined) return fence === null ? undefined : findHoverTarget(getLine, row, character, fence);
  const sym = unicodeSymbolAt(line, character);
  if (sym) return { kind: 'symbol', key: sym.key, start: sym.start, end: sym.end };
  const w = wordAt(line, character);
  if (!w) return undefined;
  const keyword = KEYWORD_AFTER.test(line.slice(w.end)) && !/\.\s*$/.test(line.slice(0, w.start));
  const alias = HYPERPARAMETER_ALIASES[w.word];
  if (alias && (keyword || inCodeSpan(line, w.start, w.end))) {
    const near = nearbyOptimizer(getLine, row, 'markdown');
    if (near !== undefined) {
      return { kind: 'hyperparameter', word: w.word, name: alias.name, index: alias.index, optimizerId: near ?? undefined, start: w.start, end: w.end };
    }
  }
  const id = optimizerWord(w.word, 'markdown');
  if (id && !keyword) return { kind: 'optimizer', id, word: w.word, start: w.start, end: w.end };
  return undefined;
}

/** `findHoverTarget` over an array of lines. */
export function findHoverTargetInLines(lines: readonly string[], row: number, character: number, language: HoverLanguage): HoverTarget | undefined {
  return findHoverTarget((r) => lines[r], row, character, language);
}

/** The hover language of a VS Code language id and file name, or undefined when we do not hover there. */
export function hoverLanguage(languageId: string, fileName: string): HoverLanguage | undefined {
  if (/\.optim\.json$/i.test(fileName)) return 'json';
  switch (languageId) {
    case 'typescript': case 'typescriptreact': return 'typescript';
    case 'javascript': case 'javascriptreact': return 'javascript';
    case 'python': return 'python';
    case 'markdown': return 'markdown';
    default: return undefined;
  }
}
