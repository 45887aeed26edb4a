/**
 * Text the CLI prints or writes that came from someone else — titles, labels, file names, the
 * loss's error messages: control characters and terminal escape sequences are shown escaped, never
 * sent raw to the terminal, and messages are cut to a readable length unless `--full-messages`
 * asked for all of them.
 */

/** Characters of a message shown before it is cut (`--full-messages` shows all). */
export const MESSAGE_LIMIT = 500;
/** Characters of a label in the summary table. */
export const LABEL_LIMIT = 60;
/** Problems listed when an experiment is invalid (`--full-messages` lists all). */
export const ISSUE_LIMIT = 50;

/**
 * C0 controls (escape, backspace, carriage return, line breaks…), DEL and C1 controls (8-bit CSI),
 * and the Unicode controls that reorder or hide text (bidirectional overrides and isolates).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same without C0 controls, which `JSON.stringify` escapes itself (and uses, unescaped, to indent). */
const CONTROL_BEYOND_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOf(c: string): string {
  const code = c.charCodeAt(0);
  switch (c) {
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
}

/** `s` on one line with every control character written as an escape (`\x1b`, `\n`, `\u202e`). */
export function terminalText(s: string): string {
  return s.replace(CONTROL, escapeOf);
}

/**
 * `s` cut to `limit` characters, saying how much was left out and how to see it; `full` keeps
 * all of it. Never cuts a surrogate pair in two.
 */
export function truncated(s: string, full: boolean, limit = MESSAGE_LIMIT): string {
  if (full || s.length <= limit) return s;
  let end = limit;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}… (${(s.length - end).toLocaleString('en-US')} more characters; --full-messages shows all)`;
}

/** A user-supplied message for the terminal: cut, then escaped. */
export function safeMessage(s: string, full: boolean, limit = MESSAGE_LIMIT): string {
  return terminalText(truncated(s, full, limit));
}

/** A label for the summary table: at most `LABEL_LIMIT` characters, escaped. */
export function tableLabel(s: string): string {
  const cut = s.length > LABEL_LIMIT ? `${s.slice(0, LABEL_LIMIT - 1)}…` : s;
  return terminalText(cut);
}

/**
 * JSON text whose strings have no character a terminal acts on: `JSON.stringify` already escapes
 * C0 controls; this also writes DEL, C1 controls and the reordering controls as `\uXXXX` (the
 * same string value for any JSON reader).
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(CONTROL_BEYOND_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
