/**
 * Text the CLI prints or writes that came from someone else — titles, labels, file names, the
 * loss's error messages: control characters and terminal escape sequences are shown escaped, never
 * sent raw to the terminal, and messages are cut to a readable length unless `--full-messages`
 * asked for all of them.
 */
import { CONTROL_CHARACTERS, oneLine } from '../snippet/format';
import { MESSAGE_MAX_CHARS } from '../snippet/types';
import { grouped } from '../engine/values';

/** Counts with their thousands grouped (12,345): the engine's, for the CLI's output. */
export { grouped };

/** Characters of a message shown before it is cut (`--full-messages` shows all). */
export const MESSAGE_LIMIT = MESSAGE_MAX_CHARS;
/** Characters of a label in the summary table. */
export const LABEL_LIMIT = 60;
/** Problems listed when an experiment is invalid (`--full-messages` lists all). */
export const ISSUE_LIMIT = 50;

/** `s` on one line with every control character written as an escape (the snippet room's `oneLine`). */
export const terminalText: (s: string) => string = oneLine;

/**
 * `s` cut to `limit` characters, saying how much was left out and how to see it; `full` keeps
 * all of it. Never cuts a surrogate pair in two.
 */
export function truncated(s: string, full: boolean, limit = MESSAGE_LIMIT): string {
  if (full || s.length <= limit) return s;
  let end = limit;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}… (${grouped(s.length - end)} more characters; --full-messages shows all)`;
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
  // C0 controls in the text are JSON's own escapes already, or its indentation.
  return JSON.stringify(value, null, indent).replace(CONTROL_CHARACTERS, (c) => (c < ' ' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
