/**
 * Choosing a differentiated snippet's gradient path before a run, by what its code does.
 *
 * At the start point and at two points near it (so that a value that agrees by coincidence at
 * one point does not pass), the plain module's loss is compared with:
 * 1. the tape (reverse mode, differentiate.ts): it must compute the same loss and finish. If it
 *    stops on something it cannot follow — a string made of a value, a value kept from an
 *    earlier evaluation (runtime.ts) — the run uses central differences, and says why and where;
 * 2. each fast path the module registered (straight-line, forward mode): the same loss, and the
 *    tape's gradient. A fast path that disagrees, or throws, is dropped: the tape takes the run.
 * Finite differences are thus kept for code no exact path can follow.
 */
import { PATH } from './runtime';
import type { GradientInfo } from './types';

/** What the probe needs of the sandbox's context (sandbox.ts). */
export interface ProbedContext {
  readonly P: Float64Array;
  readonly G: Float64Array;
  setDim(n: number): void;
  setBatch(n: number): void;
  setPath(path: number): void;
  /** The fast paths registered for the current dimension, as PATH flags. */
  paths(): number;
  value(): number;
  valueAndGrad(): number;
  /** The last error ("kind\nmessage\nstack"), then cleared; '' if none. */
  error(): string;
}

/** Where an error of the context happened in the user's snippet (1-based), when its stack says. */
export type Locate = (error: string) => { readonly line: number; readonly column: number } | undefined;

/** Values equal up to the rounding of a different order of operations. */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/** The start point and two points near it, in directions without symmetry, 10% of the scale away. */
export function probePoints(start: readonly number[]): Float64Array[] {
  const near = (seed: number): Float64Array => Float64Array.from(start, (v, i) => {
    const u = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    const direction = 2 * (u - Math.floor(u)) - 1;
    return v + 0.1 * Math.max(1, Math.abs(v)) * direction;
  });
  return [Float64Array.from(start), near(1), near(2)];
}

function formatPoint(p: Float64Array): string {
  return `[${Array.from(p.subarray(0, 8), (v) => String(Number(v.toPrecision(6)))).join(', ')}${p.length > 8 ? ', …' : ''}]`;
}

/**
 * Probes the context at `start` (with `around`: the evaluation hooks) and leaves it on the chosen
 * path; returns the gradient mode the run has: 'autodiff', or 'finite-differences' with the reason.
 */
export function probeGradient(api: ProbedContext, start: readonly number[], around: <T>(p: Float64Array, f: () => T) => T,
  locate: Locate): GradientInfo {
  const dim = start.length;
  api.setDim(dim);
  api.setBatch(-1);
  const load = (p: Float64Array): void => { for (let k = 0; k < dim; k++) api.P[k] = p[k]; };
  const checked: { point: Float64Array; value: number; grad: Float64Array }[] = [];
  for (const point of probePoints(start)) {
    load(point);
    const value = around(point, () => api.value());
    if (api.error() !== '') continue;  // the loss itself fails here (the run reports it where it happens)
    api.setPath(PATH.tape);
    const tape = around(point, () => api.valueAndGrad());
    const error = api.error();
    if (error !== '') return fallback(error, locate);
    if (!same(value, tape)) {
      return { mode: 'finite-differences',
        reason: `the differentiated loss computes ${tape}, not ${value}, at ${formatPoint(point)}: the differentiator could not follow the code` };
    }
    checked.push({ point, value, grad: api.G.slice(0, dim) });
  }
  const fast = [PATH.straightLine, PATH.forward].filter((p) => (api.paths() & p) !== 0);
  const chosen = fast.find((p) => checked.every(({ point, value, grad }) => {
    load(point);
    api.setPath(p);
    const v = around(point, () => api.valueAndGrad());
    if (api.error() !== '' || !same(v, value)) return false;
    const scale = Math.max(1, ...Array.from(grad, Math.abs));
    return grad.every((g, k) => Math.abs(api.G[k] - g) <= 1e-8 * scale || (g !== g && api.G[k] !== api.G[k]));
  }));
  api.setPath(chosen ?? PATH.tape);
  return { mode: 'autodiff', path: chosen === PATH.straightLine ? 'straight-line' : chosen === PATH.forward ? 'forward' : 'reverse' };
}

/** Finite differences, because the tape stopped on `error` ("kind\nmessage\nstack"). */
function fallback(error: string, locate: Locate): GradientInfo {
  const [kind, message] = error.split('\n');
  const what = kind === 'nondiff' ? message.replace(/^\w+: /, '') : `the differentiator could not follow the code (${message})`;
  const at = locate(error);
  return at
    ? { mode: 'finite-differences', reason: `${what} at line ${at.line}, column ${at.column}`, line: at.line, column: at.column }
    : { mode: 'finite-differences', reason: what };
}
