/**
 * The Markdown shown on hover, built from the registry. Pure: the formula image comes from a
 * callback (the extension renders SVG with MathJax; tests can pass a stub), so the content is
 * testable without VS Code. Every image has the formula in words as alt text, and the same words
 * follow as text, for screen readers and for anyone whose renderer drops images.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import type { HoverTarget } from './hoverRule';
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

/**
 * Text for an image's alt: Markdown keeps backslash escapes there verbatim (a screen reader would
 * read them), so nothing is escaped; only what would end the alt text or start code is replaced.
 */
export function altText(s: string): string {
  return s.replace(/\[/g, '⟨').replace(/\]/g, '⟩').replace(/[\\`]/g, '');
}

/**
 * Escapes registry text for Markdown: emphasis, links, HTML and tables. Backticks are kept, so the
 * registry's `code` spans render as code.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\*_[\]<>|]/g, (c) => `\\${c}`);
}

function rule(equations: readonly Equation[], image: FormulaImage): string[] {
  const tex = equations.length === 1
    ? equations[0].tex
    : String.raw`\begin{gathered}` + equations.map((e) => e.tex).join(String.raw` \\ `) + String.raw`\end{gathered}`;
  const words = equations.map((e) => e.text).join('; ');
  return [image(tex, altText(words)), '', ...equations.map((e) => `- ${escapeMarkdown(e.text)}`)];
}

function paperLine(f: Formula): string[] {
  return f.paper ? [`**Paper:** [${escapeMarkdown(f.paper.title)}](${f.paper.url}) — ${escapeMarkdown(f.paper.authors)}, ${f.paper.year}`] : [];
}

/** Hover Markdown for an optimizer. */
export function optimizerHover(id: string, image: FormulaImage): string {
  const f = optimizerFormula(id);
  const spec = optimizerSpec(id);
  const torch = spec?.torchClass ? ` (\`torch.optim.${spec.torchClass}\`)` : '';
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
  out.push(...paperLine(f), '', `[$(play) Open ${escapeMarkdown(spec?.name ?? id)} in the Optimizer Playground](${openCommandLink(id)})`);
  return out.join('\n');
}

/** Hover Markdown for a hyperparameter word (`lr`, `beta2`, …), in the context of an optimizer when known. */
export function hyperparameterHover(word: string, optimizerId: string | undefined, image: FormulaImage): string | undefined {
  const e = explainHyperparameter(word, optimizerId);
  if (!e) return undefined;
  const f = optimizerFormula(e.optimizer.id);
  const sym = e.symbol ? SYMBOLS.get(e.symbol) : undefined;
  const context = e.optimizer.id === optimizerId ? `of **${escapeMarkdown(e.optimizer.name)}**` : `(as in **${escapeMarkdown(e.optimizer.name)}**)`;
  const element = e.index === undefined ? '' : ` — element ${e.index} of \`betas\``;
  const out = [
    `**\`${escapeMarkdown(word)}\`** ${context}: \`${e.spec.name}\`${element}, PyTorch's \`${e.spec.torchName}\``,
    '',
    escapeMarkdown(e.spec.description),
    '',
    `**Default:** \`${e.defaultText}\``,
    '',
  ];
  if (sym) out.push(image(sym.tex, altText(sym.text)) + ` — ${escapeMarkdown(sym.meaning)}`, '');
  out.push(`In ${escapeMarkdown(f.title)}:`, '', ...rule(f.equations, image), '');
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
