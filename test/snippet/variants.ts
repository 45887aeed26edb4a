/**
 * The same snippet written three ways, which must all give the same gradient: as written, with
 * its module-level declarations exported (the compiled module reads them as `exports.name`), and
 * with its names replaced by names the generated code once used (`__p1`, `G`, `x__d0`, `__add`, …).
 */
import ts from 'typescript';

export type Variant = 'as written' | 'exported' | 'hostile names';
export const VARIANTS: readonly Variant[] = ['as written', 'exported', 'hostile names'];

/**
 * Names the differentiators generated before they had a namespace of their own, the runtime's
 * internals, and the namespace itself (`$ad`, which must then move out of the way).
 */
export const HOSTILE: Readonly<Record<string, string>> = {
  x: '__p0', y: '__p1', z: 'G', w: 'P', b: '__t0', s: 'x__d0', k: '__add', t: '__a__p0', r: '$adP', u: '__f0',
  v: '__m_sin', c: '__ops', d: 'y__d1', i: '__k0', n: '__node', p: '__p', sq: '__pow', pw: '__t', acc: 'ADJ', add: '__fast',
  byX: '$ad$', scale: '__M', xs: 'lastError', A: '__ad_fast', B: '$ad', C: '__fwd', K: '__ad_fwd_dim', W: 'POOL',
  BIAS: 'M', batch: 'plainData', rest: '__fwd_dim', Quad: '__N',
};

export function variant(source: string, which: Variant): string {
  if (which === 'exported') return source.replace(/^(const|let|function|class) /gm, 'export $1 ');
  if (which === 'hostile names') return rename(source, HOSTILE);
  return source;
}

/** Replaces identifier tokens (not property names after `.`) by their entry in `names`. */
export function rename(source: string, names: Readonly<Record<string, string>>): string {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, source);
  let out = '', at = 0, previous = ts.SyntaxKind.Unknown;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const text = scanner.getTokenText();
    if (token === ts.SyntaxKind.Identifier && previous !== ts.SyntaxKind.DotToken && Object.hasOwn(names, text)) {
      out += source.slice(at, scanner.getTokenStart()) + names[text];
      at = scanner.getTokenEnd();
    }
    if (token !== ts.SyntaxKind.WhitespaceTrivia && token !== ts.SyntaxKind.NewLineTrivia) previous = token;
  }
  return out + source.slice(at);
}
