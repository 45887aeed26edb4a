/**
 * Loads the PyTorch export on demand: from dist/compile.js beside the calling bundle (the CLI's or
 * the extension host's; it holds the TypeScript compiler once for the snippet compiler and the
 * translator, see bundle.ts), or this folder's index.js when running from the compiled sources
 * (tests). By a computed path, so that bundlers leave the TypeScript compiler out of the caller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Pytorch from './index';

export function loadPytorch(): typeof Pytorch {
  const bundled = path.join(__dirname, 'compile.js');
  const file = path.basename(__dirname) === 'dist' && fs.existsSync(bundled) ? bundled : path.join(__dirname, 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as typeof Pytorch;
}
