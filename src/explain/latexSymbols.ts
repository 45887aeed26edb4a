/**
 * Finding the registry's symbols in LaTeX written by people: `\hat{m}_t`, `\hat m_t` and `\hat{m_t}`
 * name the same thing, and so do `\nabla_\theta J(\theta)` and `\nabla_{\theta} J(\theta)`.
 *
 * Both the symbol and the text are put in a canonical form: whitespace dropped, braces around a
 * single token dropped, every command followed by one space. Matches are found in canonical form
 * and mapped back to columns of the original line. Prose in Markdown also writes symbols in
 * Unicode (`η`, `β₁`, `m̂ₜ`): `unicodeSymbolAt` finds those, by the registry's plain-text forms.
 */
import { SYMBOLS } from './symbols';

interface Token { readonly text: string; readonly start: number; readonly end: number }

function tokenize(s: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const re = /\\[A-Za-z]+|\\.|\s+|[^\s]/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (!/^\s+$/.test(m[0])) tokens.push({ text: m[0], start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return tokens;
}

/** Drops `{` `}` around exactly one token. */
function unbrace(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text === '{' && i + 2 < tokens.length && tokens[i + 2].text === '}' && !'{}'.includes(tokens[i + 1].text)) {
      out.push(tokens[i + 1]);
      i += 2;
    } else {
      out.push(tokens[i]);
    }
  }
  return out;
}

const piece = (t: Token): string => (/^\\[A-Za-z]+$/.test(t.text) ? `${t.text} ` : t.text);

/** The canonical form of a LaTeX fragment. */
export function canonicalTex(tex: string): string {
  return unbrace(tokenize(tex)).map(piece).join('');
}

interface Pattern { readonly key: string; readonly canonical: string }

let patterns: Pattern[] | undefined;
function allPatterns(): Pattern[] {
  if (patterns) return patterns;
  const seen = new Set<string>();
  patterns = [];
  for (const s of SYMBOLS.values()) {
    for (const tex of [s.tex, ...(s.aliases ?? [])]) {
      const canonical = canonicalTex(tex);
      // Bare letters (t, c, T) and plain words (wd) are everywhere in prose: only LaTeX-looking forms count.
      if (!/[\\_^]/.test(canonical) || seen.has(canonical)) continue;
      seen.add(canonical);
      patterns.push({ key: s.key, canonical });
    }
  }
  patterns.sort((a, b) => b.canonical.length - a.canonical.length);
  return patterns;
}

/** A symbol found in a line: its key and its columns [start, end). */
export interface SymbolMatch { readonly key: string; readonly start: number; readonly end: number }

/** Every symbol occurrence in `line` (overlaps included), longest forms first. */
export function findSymbols(line: string): SymbolMatch[] {
  const tokens = unbrace(tokenize(line));
  let canonical = '';
  const owner: number[] = [];
  tokens.forEach((t, k) => {
    const p = piece(t);
    canonical += p;
    for (let i = 0; i < p.length; i++) owner.push(k);
  });
  const found: SymbolMatch[] = [];
  for (const p of allPatterns()) {
    for (let at = canonical.indexOf(p.canonical); at >= 0; at = canonical.indexOf(p.canonical, at + 1)) {
      // A match must start and end on token boundaries (`\beta_1` is not inside `\beta_10`).
      const first = owner[at], last = owner[at + p.canonical.length - 1];
      const startsClean = at === 0 || owner[at - 1] !== first;
      const endsClean = at + p.canonical.length === canonical.length || owner[at + p.canonical.length] !== last;
      if (!startsClean || !endsClean) continue;
      if (/^[A-Za-z0-9]$/.test(tokens[last].text) && /^[A-Za-z0-9]/.test(tokens[last + 1]?.text ?? '') && tokens[last + 1].start === tokens[last].end) continue;
      found.push({ key: p.key, start: tokens[first].start, end: tokens[last].end });
    }
  }
  return found;
}

/** The most specific symbol (longest match) covering column `character`, or undefined. */
export function symbolAt(line: string, character: number): SymbolMatch | undefined {
  let best: SymbolMatch | undefined;
  for (const m of findSymbols(line)) {
    if (character < m.start || character > m.end) continue;
    if (!best || m.end - m.start > best.end - best.start) best = m;
  }
  return best;
}

/**
 * Symbols as prose writes them in Unicode (`η`, `β₁`, `m̂ₜ`, `∇θJ(θ)`): each symbol's plain-text
 * form, without its parenthetical (`λ (wd)` → `λ`) and without spaces. Forms that are plain ASCII
 * (`t`, `c`) or that name two symbols (`γ`, `uₜ`) are left out: prose is full of them.
 */
let unicodeForms: Pattern[] | undefined;
function allUnicodeForms(): Pattern[] {
  if (unicodeForms) return unicodeForms;
  const owners = new Map<string, Set<string>>();
  for (const s of SYMBOLS.values()) {
    for (const form of [s.text.replace(/\s*\(.*\)$/, ''), s.text.replace(/\s+/g, '')]) {
      if (/\s/.test(form) || /^[\x20-\x7e]*$/.test(form)) continue;
      owners.set(form, (owners.get(form) ?? new Set()).add(s.key));
    }
  }
  unicodeForms = [...owners].filter(([, keys]) => keys.size === 1).map(([form, keys]) => ({ key: [...keys][0], canonical: form }))
    .sort((a, b) => b.canonical.length - a.canonical.length);
  return unicodeForms;
}

/** A letter, digit or combining mark before a form means it is part of a longer word. */
const GLUED_BEFORE = /[\p{L}\p{N}\p{M}]$/u;
/** A combining mark or a (non-modifier) letter after a form continues it; subscripts and ᵗ do not. */
const GLUED_AFTER = /^[\p{M}\p{Ll}\p{Lu}\p{Lo}]/u;

/** The longest Unicode symbol (`η`, `β₁`, `m̂ₜ`) covering column `character`, or undefined. */
export function unicodeSymbolAt(line: string, character: number): SymbolMatch | undefined {
  for (const p of allUnicodeForms()) {
    for (let at = line.indexOf(p.canonical); at >= 0; at = line.indexOf(p.canonical, at + 1)) {
      const end = at + p.canonical.length;
      if (character < at || character > end) continue;
      if (GLUED_BEFORE.test(line.slice(0, at)) || GLUED_AFTER.test(line.slice(end))) continue;
      return { key: p.key, start: at, end };
    }
  }
  return undefined;
}
