/**
 * A snippet's Hessian for the engine's curvature (DESIGN "Curvature"): exact, by forward-over-
 * reverse differentiation of the same differentiated module (hessianRuntime.ts), or — only where
 * that cannot follow the code — central differences of the exact gradient, announced with the
 * reason and the line, as the gradient's own fallback is (probe.ts).
 */
import { MAX_HESSIAN_DIM } from './hessianRuntime';
import type { Locate } from './probe';
import type { CurvatureInfo, GradientInfo } from './types';
import type { Objective, Vec } from '../engine/types';

/** The context's Hessian entry points (see HESSIAN_API). */
export interface HessianContext {
  readonly P: Float64Array;
  readonly H: Float64Array;
  readonly V: Float64Array;
  readonly HV: Float64Array;
  hessian(): number;
  hessianVector(): number;
  /** Which Hessian path hessian() takes: -1 the fastest that applies, 0 the tape. */
  setHessianPath(path: number): void;
  /** 1 when the loss registered a straight-line Hessian (straightlineHessian.ts), else 0. */
  hessianPaths(): number;
  value(): number;
  setDim(n: number): void;
  setBatch(n: number): void;
  error(): string;
}

/** Central differences' step for a coordinate of size |x|: ∛ε·max(1, |x|), as the gradient's (sandbox.ts). */
const step = (x: number): number => 6.055454452393343e-6 * Math.max(1, Math.abs(x));

/**
 * How the Hessian is computed, decided at the start point: by differentiation when the gradient
 * is, and one Hessian evaluation there finishes and computes the loss the plain module computes;
 * otherwise central differences of the gradient, with the reason.
 */
export function probeHessian(api: HessianContext, start: readonly number[], gradient: GradientInfo,
  around: <T>(p: Float64Array, f: () => T) => T, locate: Locate): CurvatureInfo {
  if (gradient.mode === 'user') {
    return { mode: 'finite-differences', reason: 'the loss gives its own gradient (its `grad` export): the Hessian is central differences of it' };
  }
  if (gradient.mode === 'finite-differences') {
    return { mode: 'finite-differences', reason: `the gradient itself is central differences (${gradient.reason ?? 'the differentiator cannot follow the code'}), and so is the Hessian`,
      ...(gradient.line !== undefined ? { line: gradient.line, column: gradient.column } : {}) };
  }
  const dim = start.length;
  const point = Float64Array.from(start);
  api.setDim(dim);
  api.setBatch(-1);
  for (let k = 0; k < dim; k++) api.P[k] = point[k];
  const value = around(point, () => api.value());
  if (api.error() !== '') return { mode: 'autodiff' };  // the loss itself fails here: the run reports it where it happens
  for (let k = 0; k < dim; k++) api.V[k] = 1;
  api.setHessianPath(0);
  const second = around(point, () => (dim <= MAX_HESSIAN_DIM ? api.hessian() : api.hessianVector()));
  const error = api.error();
  if (error !== '') {
    const [kind, message] = error.split('\n');
    const what = kind === 'nondiff' ? message.replace(/^\w+: /, '') : `the second-order differentiator could not follow the code (${message})`;
    const at = locate(error);
    return at
      ? { mode: 'finite-differences', reason: `${what} at line ${at.line}, column ${at.column}`, line: at.line, column: at.column }
      : { mode: 'finite-differences', reason: what };
  }
  if (!(second === value || (second !== second && value !== value) || Math.abs(second - value) <= 1e-9 * Math.max(1, Math.abs(value)))) {
    return { mode: 'finite-differences', reason: `the second-order differentiated loss computes ${second}, not ${value}: the differentiator could not follow the code` };
  }
  const straight = dim <= MAX_HESSIAN_DIM && chooseHessianPath(api, dim, point, second, around);
  return { mode: 'autodiff', path: straight ? 'straight-line' : 'tape' };
}

/**
 * Whether the straight-line Hessian is taken: only where it agrees with the tape's at the start point
 * (1e-9 relative to the largest entry), as the gradient's fast paths are (probe.ts); else the tape.
 */
function chooseHessianPath(api: HessianContext, dim: number, point: Float64Array, value: number,
  around: <T>(p: Float64Array, f: () => T) => T): boolean {
  if (api.hessianPaths() === 0) return false;
  const tape = Float64Array.from(api.H.subarray(0, dim * dim));  // the probe's evaluation took the tape
  api.setHessianPath(-1);
  const fast = around(point, () => api.hessian());
  if (api.error() !== '' || !(fast === value || Math.abs(fast - value) <= 1e-12 * Math.max(1, Math.abs(value)))) { api.setHessianPath(0); return false; }
  const scale = Math.max(1e-300, ...tape.map(Math.abs));
  for (let k = 0; k < dim * dim; k++) {
    const a = api.H[k], b = tape[k];
    if (!(a === b || Math.abs(a - b) <= 1e-9 * scale)) { api.setHessianPath(0); return false; }
  }
  return true;
}

/**
 * The Hessian and Hessian-vector products of an objective over the snippet. `evaluate` runs one
 * context entry point around the evaluation hooks and returns its number (throwing the snippet's
 * error, as the objective's other functions do); `valueAndGrad` is the objective's exact gradient
 * (for the finite-difference fallback).
 */
export function snippetCurvature(api: HessianContext, dim: number, info: CurvatureInfo,
  evaluate: (params: Vec, batch: Int32Array | null, entry: () => number) => number,
  valueAndGrad: Objective['valueAndGrad']): Pick<Objective, 'hessian' | 'hessianVector'> {
  if (info.mode === 'autodiff') {
    const { H, V, HV } = api;
    const hessian = (): number => api.hessian(), hessianVector = (): number => api.hessianVector();
    return {
      ...(dim <= MAX_HESSIAN_DIM ? {
        hessian: (params: Vec, out: Float64Array, batch: Int32Array | null): void => {
          evaluate(params, batch, hessian);
          for (let i = 0; i < dim * dim; i++) out[i] = H[i];
        },
      } : {}),
      hessianVector: (params, v, out, batch) => {
        for (let k = 0; k < dim; k++) V[k] = v[k];
        evaluate(params, batch, hessianVector);
        for (let k = 0; k < dim; k++) out[k] = HV[k];
      },
    };
  }
  // Central differences of the gradient: H·eⱼ ≈ (g(θ + h·eⱼ) − g(θ − h·eⱼ))/2h, symmetrised.
  const x = new Float64Array(dim), up = new Float64Array(dim), down = new Float64Array(dim);
  return {
    hessian: (params, out, batch) => {
      x.set(params.subarray(0, dim));
      for (let j = 0; j < dim; j++) {
        const h = step(params[j]);
        x[j] = params[j] + h; valueAndGrad(x, up, batch);
        x[j] = params[j] - h; valueAndGrad(x, down, batch);
        x[j] = params[j];
        for (let i = 0; i < dim; i++) out[i * dim + j] = (up[i] - down[i]) / (2 * h);
      }
      for (let i = 0; i < dim; i++) {
        for (let j = i + 1; j < dim; j++) { const s = 0.5 * (out[i * dim + j] + out[j * dim + i]); out[i * dim + j] = s; out[j * dim + i] = s; }
      }
    },
    hessianVector: (params, v, out, batch) => {
      let norm = 0, size = 0;
      for (let k = 0; k < dim; k++) { norm += v[k] * v[k]; size = Math.max(size, Math.abs(params[k])); }
      norm = Math.sqrt(norm);
      if (norm === 0) { out.fill(0, 0, dim); return; }
      const h = step(size) / norm;
      for (let k = 0; k < dim; k++) x[k] = params[k] + h * v[k];
      valueAndGrad(x, up, batch);
      for (let k = 0; k < dim; k++) x[k] = params[k] - h * v[k];
      valueAndGrad(x, down, batch);
      for (let k = 0; k < dim; k++) out[k] = (up[k] - down[k]) / (2 * h);
    },
  };
}
