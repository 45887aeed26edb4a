/**
 * `optimizer-playground pytorch <file.optim.json>`: prints the experiment as a self-contained
 * PyTorch script (src/pytorch). A construct of the loss that cannot be translated is named on
 * stderr as `file:line:column: not translated: …`; the script is still printed (it raises there).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Experiment } from '../engine/types';
import { loadPytorch } from '../pytorch/load';

/** The script for a validated experiment read from `file`, and the lines to print on stderr. */
export async function pytorchCommand(file: string, experiment: Experiment): Promise<{ script: string; warnings: string[] }> {
  const loss = experiment.loss;
  const lossFile = 'file' in loss ? path.resolve(path.dirname(file), loss.file) : undefined;
  const source = lossFile ? await readFile(lossFile, 'utf8') : undefined;
  const { script, untranslated } = loadPytorch().pytorchScript(experiment, source);
  const where = lossFile ? path.relative(process.cwd(), lossFile) || lossFile : `${file}: loss.source`;
  return { script, warnings: untranslated.map((u) => `${where}:${u.line}:${u.column}: not translated: ${u.construct}`) };
}
