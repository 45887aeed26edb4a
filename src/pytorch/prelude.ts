/**
 * The Python every exported script starts with: JavaScript's semantics where Python's differ (for
 * translated snippets), `Math` over floats and tensors alike, and the engine's seeded generator
 * and mini-batch sampler (src/engine/random.ts), written to give the same numbers bit for bit.
 */
import { JS_SEMANTICS_PRELUDE } from './preludeJs';
import { JS_MATH_PRELUDE } from './preludeMath';
import { SEEDED_RANDOM_PRELUDE } from './preludeRandom';

/** `Math` members the prelude defines (functions and constants). */
export const JS_MATH_MEMBERS: ReadonlySet<string> = new Set([
  'PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2',
  'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'sqrt', 'cbrt', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'atan2', 'pow', 'hypot',
  'max', 'min', 'imul',
]);

/** Module-level names of the script that a snippet's names must not take. */
export const PRELUDE_NAMES: ReadonlySet<string> = new Set([
  'json', 'math', 'torch', 'Math', 'JsObject', 'Random', 'BatchSampler', 'stream_seed', 'Lion', 'ClassicalMomentum', 'run', 'main',
  'STEPS', 'SEED', 'TOLERANCE', 'BATCH_SIZE', 'NOISE', 'NOISE_STREAM', 'START', 'DATA', 'evaluate', 'finite', 'DIVERGENCE_FACTOR', 'DIVERGENCE_FLOOR',
  'warmup_cosine', 'one_cycle',
]);

const IMPORTS = String.raw`import json
import math

import torch

torch.set_default_dtype(torch.float64)
`;

/** The prelude: the imports, then each part, two blank lines apart (PEP 8's spacing between top-level blocks). */
export const PRELUDE = [IMPORTS, JS_SEMANTICS_PRELUDE, JS_MATH_PRELUDE, SEEDED_RANDOM_PRELUDE].join('\n\n');
