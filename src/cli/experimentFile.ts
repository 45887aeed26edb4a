/**
 * Reading the experiment file named on the command line, within a size cap (`/dev/zero` or a
 * runaway generator piped in is refused, not read until memory runs out), and saying what is
 * wrong with it: each validation issue as `path: reason`, malformed JSON as `file:line:column`.
 */
import { open } from 'node:fs/promises';
import { formatIssue } from '../engine/experiment';
import type { ValidationIssue } from '../engine/types';
import { UsageError } from './args';
import { grouped, ISSUE_LIMIT, safeMessage, terminalText } from './text';

/** The largest experiment file read (an inline loss and 100,000 start values fit many times over). */
export const EXPERIMENT_FILE_LIMIT = 16 << 20;

/**
 * The file's text; a UsageError naming the file when it is missing, a directory, unreadable or
 * larger than `limit` bytes. Pipes and FIFOs (`<(generate)`) are read to their end, up to the cap.
 */
export async function readExperimentFile(file: string, limit = EXPERIMENT_FILE_LIMIT): Promise<string> {
  const shown = terminalText(file);
  const tooLarge = (): UsageError => new UsageError(`${shown} is larger than ${limit / (1 << 20)} MB; an experiment file is a small JSON document`);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new UsageError(cannotRead(shown, e));
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`${shown} is a directory, not an experiment file`);
    if (info.isFile() && info.size > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    while (true) {
      const buffer = Buffer.allocUnsafe(1 << 16);
      let got: number;
      try {
        ({ bytesRead: got } = await handle.read(buffer, 0, buffer.length, null));
      } catch (e) {
        throw new UsageError(cannotRead(shown, e));
      }
      if (got === 0) break;
      total += got;
      if (total > limit) throw tooLarge();
      chunks.push(buffer.subarray(0, got));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

function cannotRead(shown: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${shown}`;
  if (code === 'EISDIR') return `${shown} is a directory, not an experiment file`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${shown}: permission denied`;
  return `cannot read ${shown}: ${terminalText(code ?? (e as Error).message ?? String(e))}`;
}

/**
 * Each validation issue as `path: reason`; malformed JSON as `file:line:column: reason`. At most
 * `ISSUE_LIMIT` issues unless `full`, each cut to a readable length, control characters escaped.
 */
export function describeIssues(file: string, issues: readonly ValidationIssue[], full = false): string {
  const name = terminalText(file);
  const listed = full ? issues : issues.slice(0, ISSUE_LIMIT);
  const lines = listed.map((issue) => {
    const at = issue as ValidationIssue & { line?: number; column?: number };
    if (!issue.path && at.line !== undefined) {
      // The position moves to the front, where editors and terminals make it a link.
      const reason = issue.message.replace(/^malformed JSON at line \d+, column \d+:/, 'malformed JSON:');
      return `${name}:${at.line}:${at.column ?? 1}: ${safeMessage(reason, full)}`;
    }
    return `  ${safeMessage(formatIssue(issue), full)}`;
  });
  if (listed.length < issues.length) {
    lines.push(`  … and ${grouped(issues.length - listed.length)} more problems (--full-messages lists all)`);
  }
  const count = issues.length === 1 ? '1 problem' : `${grouped(issues.length)} problems`;
  return lines[0]?.startsWith('  ') ? `${name}: invalid experiment (${count}):\n${lines.join('\n')}` : lines.join('\n');
}
