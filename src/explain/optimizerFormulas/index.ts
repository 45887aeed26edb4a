/**
 * The update rule of every optimizer in src/engine/hyperparameters.ts, in LaTeX and as code.
 *
 * The rules follow torch.optim 1.13's single-tensor float64 algorithms, as the engine does:
 * coupled weight decay adds λθ to the gradient first; SGD's momentum buffer starts as the first
 * gradient; Adam divides by √v̂ + ε with ε outside the root after bias correction; RMSprop puts ε
 * outside the root; AdamW and Lion shrink θ by ηλθ outside the adaptive scaling.
 * Each `reference` is written from its equations, not from the engine; test/explain compares them.
 */
import { optimizerSpec } from '../../engine/hyperparameters';
import type { Formula } from '../types';
import { symbolKeys } from '../tex';
import { ADAM_FAMILY } from './adamFamily';
import { SGD_FAMILY } from './sgdFamily';

const drafts = [...SGD_FAMILY, ...ADAM_FAMILY];

function optimizerName(id: string): string {
  const spec = optimizerSpec(id);
  if (!spec) throw new Error(`formula for "${id}", which is not an optimizer of the hyperparameter registry`);
  return spec.name;
}

/** One formula per optimizer id, in the order of OPTIMIZERS. */
export const OPTIMIZER_FORMULAS: readonly Formula[] = drafts.map((d) => ({
  ...d,
  kind: 'optimizer' as const,
  title: optimizerName(d.id),
  symbols: symbolKeys(d.equations.map((e) => e.tex).join(' ')),
}));
