/**
 * The Markdown shown on hover, built from the registry. Pure: the formula image comes from a
 * callback (the extension renders SVG with MathJax; tests can pass a stub), so the content is
 * testable without VS Code. Every image has the formula in words as alt text, and the same words
 * follow as text, for screen readers and for anyone whose renderer drops images.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import type { HoverTarget } from './hoverRule';
import { altText, codeSpan, escapeMarkdown } from './markdown';
import { defaultsMarkdown, explainHyperparameter, formulaByKey, FORMULAS, LIMITATIONS, optimizerFormula } from './registry';
import { SYMBOLS } from './symbols';
import type { Equation, Formula } from './types';

/** Markdown for one formula image: `![alt](data:…)` or similar. `tex` may hold several lines joined by `\\`. */
export type FormulaImage = (tex: string, alt: string) => string;

/** The command a hover links to: opens the playground with that optimizer. */
export const OPEN_WITH_OPTIMIZER_COMMAND = 'optimizerPlayground.openWithOptimizer';

/** A `command:` link that opens the playground with `optimizerId`. */
export function openCommandLink(optimizerId: string): string {
  return `command:${OPEN_WITH_OPTIMIZER_COMMAND}?${encodeURIComponent(JSON.stringify([{ optimizer: optimizerId }]))}`;
}

/** The column before a line's first `=` or `\leftarrow` outside braces (where the lines align), or 0. */
function alignmentColumn(tex: string): number {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') {
      if (depth === 0 && tex.startsWith('\\leftarrow', i)) return i;
      i++;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '=' && depth === 0) return i;
  }
  return 0;
}

/**
 * The LaTeX of a rule as a hover shows it: one image, lines aligned at their `=`, fractions at text
 * size (`\textstyle`), so that a rule and its title fit the ~250 px of VS Code's hover box before
 * it scrolls — the θ update line included.
 */
export function hoverRuleTex(equations: readonly Equation[]): string {
  const texts = equations.map((e) => e.tex.replace(/\\dfrac\b/g, String.raw`\frac`));
  if (texts.length === 1) return String.raw`\textstyle ` + texts[0];
  const lines = texts.map((tex) => {
    const at = alignmentColumn(tex);
    // `{}` before the relation keeps its spacing at the start of the aligned cell, as amsmath's `&{}=`.
    return String.raw`\textstyle ${tex.slice(0, at)} &\textstyle {}${tex.slice(at)}`;
  });
  return String.raw`\begin{aligned}` + lines.join(String.raw` \\ `) + String.raw`\end{aligned}`;
}

function rule(equations: readonly Equation[], image: FormulaImage): string[] {
  const words = equations.map((e) => e.text).join('; ');
  return [image(hoverRuleTex(equations), altText(words)), '', ...equations.map((e) => `- ${escapeMarkdown(e.text)}`)];
}

function paperLine(f: Formula): string[] {
  return f.paper ? [`**Paper:** [${escapeMarkdown(f.paper.title)}](${f.paper.url}) — ${escapeMarkdown(f.paper.authors)}, ${f.paper.year}`] : [];
}

/** Hover Markdown for an optimizer: its name, PyTorch class and summary on one line, then the rule. */
export function optimizerHover(id: string, image: FormulaImage): string {
  const f = optimizerFormula(id);
  const spec = optimizerSpec(id);
  const torch = spec?.torchClass ? ` (${codeSpan(`torch.optim.${spec.torchClass}`)})` : '';
  const out = [`**${escapeMarkdown(f.title)}**${torch} — ${escapeMarkdown(f.summary)}`, '', ...rule(f.equations, image), ''];
  if (f.alternative) {
    out.push(`*${escapeMarkdown(f.alternative.title)}:*`, '', ...rule(f.alternative.equations, image), '', escapeMarkdown(f.alternative.note), '');
  }
  if (id === 'gd') {
    out.push('**The limits of plain gradient descent, and what answers them:**', '');
    for (const l of LIMITATIONS) {
      const names = l.answeredBy.map((k) => formulaByKey(k)?.title ?? k).join(', ');
      out.push(`- *${escapeMarkdown(l.title)}* — ${escapeMarkdown(l.text)} → ${escapeMarkdown(names)}: ${escapeMarkdown(l.how)}`);
    }
    out.push('');
  }
  out.push('**Defaults:**', '', ...defaultsMarkdown(id).map((l) => `- ${l}`), '');
  out.push(`**When to use:** ${escapeMarkdown(f.whenToUse)}`, '');
  if (f.pitfalls.length) out.push(`**Pitfalls:** ${f.pitfalls.map(escapeMarkdown).join(' ')}`, '');
  out.push(...paperLine(f), '', `[$(play) Open ${escapeMarkdown(f.title)} in the Optimizer Playground](${openCommandLink(id)})`);
  return out.join('\n');
}

/**
 * Hover Markdown for a hyperparameter word (`lr`, `beta2`, …), in the context of an optimizer when
 * known: what it is, its default and names in one paragraph, then the rule it acts in.
 */
export function hyperparameterHover(word: string, optimizerId: string | undefined, image: FormulaImage): string | undefined {
  const e = explainHyperparameter(word, optimizerId);
  if (!e) return undefined;
  const f = optimizerFormula(e.optimizer.id);
  const sym = e.symbol ? SYMBOLS.get(e.symbol) : undefined;
  const context = e.optimizer.id === optimizerId ? `of **${escapeMarkdown(e.optimizer.name)}**` : `(as in **${escapeMarkdown(e.optimizer.name)}**)`;
  const element = e.index === undefined ? '' : `, element ${e.index} of ${codeSpan(e.spec.name)}`;
  const names = [
    ...(e.spec.name !== word ? [`${codeSpan(e.spec.name)} in the playground`] : []),
    `PyTorch's ${codeSpan(e.spec.torchName)}`,
  ].join(', ');
  const out = [
    `**${codeSpan(word)}** ${context} — ${escapeMarkdown(e.spec.description)} Default ${codeSpan(e.defaultText)}${element} (${names}).`,
    '',
    ...rule(f.equations, image),
    '',
  ];
  if (sym) out.push(image(sym.tex, altText(sym.text)) + ` — ${escapeMarkdown(sym.meaning)}`, '');
  out.push(`[$(play) Open ${escapeMarkdown(e.optimizer.name)} in the Optimizer Playground](${openCommandLink(e.optimizer.id)})`);
  return out.join('\n');
}

/** Hover Markdown for a LaTeX symbol (`\hat{m}_t`, …). */
export function symbolHover(key: string, image: FormulaImage): string | undefined {
  const sym = SYMBOLS.get(key);
  if (!sym) return undefined;
  const users = FORMULAS.filter((f) => f.kind === 'optimizer' && f.symbols.includes(key)).map((f) => f.title);
  const out = [image(sym.tex, altText(sym.text)) + ` **${escapeMarkdown(sym.text)}** — ${escapeMarkdown(sym.meaning)}`, ''];
  if (sym.hyperparameter) {
    const e = explainHyperparameter(sym.hyperparameter.name === 'betas' ? `beta${(sym.hyperparameter.index ?? 0) + 1}` : sym.hyperparameter.name);
    if (e) out.push(`Hyperparameter \`${e.spec.name}\` (PyTorch \`${e.spec.torchName}\`), default \`${e.defaultText}\` in ${escapeMarkdown(e.optimizer.name)}.`, '');
  }
  if (users.length) out.push(`Appears in: ${users.map(escapeMarkdown).join(', ')}.`);
  return out.join('\n');
}

/** Hover Markdown for a schedule or clipping rule (`schedule:cosine`, `clip:norm`). */
export function formulaHover(key: string, image: FormulaImage): string | undefined {
  const f = formulaByKey(key);
  if (!f) return undefined;
  const out = [`**${escapeMarkdown(f.title)}** — ${escapeMarkdown(f.summary)}`, '', ...rule(f.equations, image), ''];
  for (const c of f.conventions) out.push(`- ${escapeMarkdown(c)}`);
  if (f.conventions.length) out.push('');
  out.push(`**When to use:** ${escapeMarkdown(f.whenToUse)}`, '');
  if (f.pitfalls.length) out.push(`**Pitfalls:** ${f.pitfalls.map(escapeMarkdown).join(' ')}`, '');
  out.push(...paperLine(f));
  return out.join('\n');
}

/** The hover Markdown for a target found by `findHoverTarget`. */
export function hoverMarkdown(target: HoverTarget, image: FormulaImage): string | undefined {
  switch (target.kind) {
    case 'optimizer': return optimizerHover(target.id, image);
    case 'hyperparameter': return hyperparameterHover(target.word, target.optimizerId, image);
    case 'symbol': return symbolHover(target.key, image);
    case 'formula': return formulaHover(target.key, image);
  }
}
