/**
 * Positions in experiment-file text: the first JSON syntax error with its line and column, and the
 * range of the value a validation issue is about (editor diagnostics). `JSON.parse` does the
 * parsing; when it fails, its message depends on the JavaScript engine's version and often has no
 * position, so `findJsonError` re-scans the text with RFC 8259's grammar.
 */
import type { ValidationIssue } from './types';

/** A malformed-JSON issue also carries its 1-based position. */
export interface JsonSyntaxIssue extends ValidationIssue {
  readonly line: number;
  readonly column: number;
}

export interface JsonError {
  readonly message: string;
  /** 0-based offset into the text. */
  readonly offset: number;
  /** 1-based, like an editor shows it. */
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column of an offset (lines end at \n, \r\n or \r). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) { line++; start = i + 1; }
  }
  return { line, column: offset - start + 1 };
}

class JsonSyntax extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonError | undefined {
  let i = 0;
  const n = text.length;
  const shown = (k: number): string => (k >= n ? 'the end of the text' : JSON.stringify(text[k]));
  const fail = (what: string, at = i): never => { throw new JsonSyntax(`expected ${what}, found ${shown(at)}`, at); };
  const ws = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) throw new JsonSyntax(`invalid literal: expected "${word}"`, i);
    }
    i += word.length;
  };
  const string = (): void => {
    const start = i;
    i++; // the opening quote
    while (true) {
      if (i >= n) throw new JsonSyntax('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 0x20) throw new JsonSyntax('a control character in a string (write it escaped, like \\n)', i);
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new JsonSyntax('invalid \\u escape: expected four hex digits', i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          throw new JsonSyntax(`invalid escape ${e === undefined ? '\\' : JSON.stringify('\\' + e)}`, i);
        }
        continue;
      }
      i++;
    }
  };
  const digits = (): number => { const s = i; while (i < n && text[i] >= '0' && text[i] <= '9') i++; return i - s; };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (digits() === 0) fail('a digit');
    if (text[i] === '.') { i++; if (digits() === 0) fail('a digit after the decimal point'); }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) fail('a digit in the exponent');
    }
  };
  const value = (depth: number): void => {
    if (depth > 500) throw new JsonSyntax('nested more than 500 levels deep', i);
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      while (true) {
        ws();
        if (text[i] === "'") throw new JsonSyntax('strings and names use double quotes in JSON', i);
        if (text[i] !== '"') fail(text[i] === '}' ? 'a property name (JSON has no trailing commas)' : 'a property name in double quotes');
        string(); ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail('"," or "}" after a property value');
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      while (true) {
        ws();
        if (text[i] === ']') fail('a value (JSON has no trailing commas)');
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail('"," or "]" after an array element');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === "'") throw new JsonSyntax('strings and names use double quotes in JSON', i);
    fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < n) fail('the end of the text after the value');
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonSyntax)) throw e;
    return { message: e.message, offset: e.offset, ...lineColumn(text, e.offset) };
  }
}

// ---------------------------------------------------------------------------------------------
// Where an issue's path is in the text, for editor diagnostics

/** A range in the text, 1-based lines and columns (end exclusive), like an editor shows it. */
export interface TextRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * Offsets of every value in valid JSON text, by path in the validator's notation
 * (`runs[1].betas[0]`; the whole document is ''). Returns an empty map for malformed text.
 */
export function jsonValueOffsets(text: string): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  if (findJsonError(text) !== undefined) return out;
  let i = 0;
  const ws = (): void => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const skipString = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++; ws();
      while (text[i] !== '}') {
        ws();
        const key = skipString();
        ws(); i++; // ':'
        value(path === '' ? key : `${path}.${key}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++; ws();
      let k = 0;
      while (text[i] !== ']') {
        value(`${path}[${k++}]`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      skipString();
    } else {
      while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
    }
    if (!out.has(path)) out.set(path, { start, end: i });
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  value('');
  return out;
}

/**
 * The range of the value an issue is about; when that value is absent (a missing field), the
 * range of the nearest enclosing value that is there. Malformed JSON: the issue's own position.
 */
export function locateIssue(text: string, issue: ValidationIssue): TextRange {
  const syntax = issue as Partial<JsonSyntaxIssue>;
  if (typeof syntax.line === 'number' && typeof syntax.column === 'number') {
    return { line: syntax.line, column: syntax.column, endLine: syntax.line, endColumn: syntax.column + 1 };
  }
  const offsets = jsonValueOffsets(text);
  let path = issue.path;
  while (!offsets.has(path) && path !== '') {
    const parent = path.replace(/(\.[^.[\]]*|\[\d+\])$/, ''); // drop the last `.key` or `[i]`
    path = parent === path ? '' : parent;
  }
  const found = offsets.get(path) ?? { start: 0, end: 0 };
  const a = lineColumn(text, found.start), b = lineColumn(text, found.end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}
