/**
 * Writing registry text into Markdown (hovers, the JSON schema's `markdownDescription`): escapes
 * that apply where Markdown reads them and nowhere else. Inside a code span every character is
 * literal, so a backslash there is shown (`weight\_decay`): code spans are written verbatim.
 */

/**
 * Escapes registry text for Markdown: emphasis, links, HTML and tables outside code spans. The
 * registry's own `code` spans are kept verbatim, so they render as code; a backtick that opens no
 * span is escaped.
 */
export function escapeMarkdown(s: string): string {
  return s.split(/(`[^`\n]+`)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]<>|`]/g, (c) => `\\${c}`))).join('');
}

/** `s` as one Markdown code span, exactly as written (fenced with more backticks than it contains). */
export function codeSpan(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * Text for an image's alt: Markdown keeps backslash escapes there verbatim (a screen reader would
 * read them), so nothing is escaped; only what would end the alt text or start code is replaced.
 */
export function altText(s: string): string {
  return s.replace(/\[/g, '⟨').replace(/\]/g, '⟩').replace(/[\\`]/g, '');
}
