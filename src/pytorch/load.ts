/**
 * Loads the PyTorch export on demand: dist/pytorch.js beside the calling bundle (the CLI's or the
 * extension host's), or this folder's index.js when running from the compiled sources (tests).
 * By a computed path, so that bundlers leave the TypeScript compiler out of the caller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Pytorch from './index';

export function loadPytorch(): typeof Pytorch {
  const bundled = path.join(__dirname, 'pytorch.js');
  const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as typeof Pytorch;
}
