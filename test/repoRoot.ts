import * as path from 'node:path';
/** The repository's root, from a compiled test file at <outDir>/test/<room>/x.js or deeper. */
export function repoPath(...parts: string[]): string {
  let dir = __dirname;
  while (path.basename(path.dirname(dir)) !== '' && path.basename(dir) !== 'test') dir = path.dirname(dir);
  return path.join(dir, '..', '..', ...parts);
}
