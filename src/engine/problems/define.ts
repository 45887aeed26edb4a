/**
 * What a built-in problem is, and `define`, which makes one from its definition: everything about
 * a problem is declared once, in its definition (plane.ts, anyDimension.ts, regression.ts) — its
 * loss with the exact gradient, its analytic Hessian, its start point, plot window and minima, and
 * `source`: the same loss as a TypeScript snippet (DESIGN "Loss snippets"), whose `init` and
 * `domain` exports are written here from the definition's. The snippet computes exactly the same
 * floating-point values as `objective()`: both are written with the same operations in the same
 * order (products instead of `**`, sums in index order), and tests check it. Python (the PyTorch
 * export) is translated from `source`.
 */
import type { Domain, Objective, Vec } from '../types';

export interface ProblemMinimum {
  readonly params: readonly number[];
  readonly loss: number;
}

export interface ObjectiveOptions {
  /** Parameter count, for problems with `anyDimension` (others accept only their own `dim`). */
  readonly dim?: number;
  /** Dataset seed for problems with data (default 0, the dataset `source` and `minima` describe). */
  readonly seed?: number;
}

export interface Problem {
  /** Id used in experiment files: `{ "loss": { "preset": name } }`. */
  readonly name: string;
  readonly title: string;
  /** One line for a quick pick. */
  readonly description: string;
  /** Default dimension. */
  readonly dim: number;
  /** Whether `objective({ dim })` accepts any parameter count ≥ 1. */
  readonly anyDimension: boolean;
  /** Default start point (length `dim`). */
  readonly init: readonly number[];
  /** Plot window over the first two parameters. */
  readonly domain: Domain;
  /** Known global minima at the default dimension and dataset (empty when unbounded below). */
  readonly minima: readonly ProblemMinimum[];
  /** The same loss as a TypeScript snippet (default dimension and dataset). */
  readonly source: string;
  /** Number of examples for problems with data, 0 otherwise. */
  readonly dataSize: number;
  /**
   * Whether the loss is a quadratic: its Hessian the same at every point (declared with the
   * problem, from its formula; a test checks the analytic Hessian ignores the point).
   */
  readonly quadratic: boolean;
  /** Start point for another dimension (anyDimension problems): the default start, repeated. */
  initFor(dim: number): number[];
  /** Known minima for another dimension (anyDimension problems). */
  minimaFor(dim: number): ProblemMinimum[];
  /** The loss with its exact analytic gradient and Hessian. */
  objective(options?: ObjectiveOptions): Objective;
}

type Value = (p: Vec, batch: Int32Array | null) => number;
export type ValueAndGrad = (p: Vec, g: Vec, batch: Int32Array | null) => number;
/** Writes the Hessian ∇²L(p) (row-major) into `h`. */
export type Hessian = (p: Vec, h: Float64Array, batch: Int32Array | null) => void;
/** Writes ∇²L(p)·v into `out`. */
type HessianVector = (p: Vec, v: Vec, out: Vec, batch: Int32Array | null) => void;
/** A problem's second derivatives: the Hessian, and for problems of any dimension its products with a vector. */
export interface Curvature {
  readonly hessian: Hessian;
  readonly hessianVector?: HessianVector;
}

export interface Definition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly init: readonly number[];
  readonly domain: Domain;
  readonly anyDimension?: boolean;
  readonly dataSize?: number;
  /** The loss is a polynomial of degree 2 in the parameters (constant Hessian). */
  readonly quadratic?: boolean;
  /** The loss as a TypeScript snippet, without its `init` and `domain` exports (written from the two above). */
  readonly source: string;
  readonly minima: (dim: number) => ProblemMinimum[];
  /** The loss with its gradient; the loss alone is the same function with its gradient left unread. */
  readonly build: (dim: number, seed: number) => ValueAndGrad;
  /** Its second derivatives (analytic, checked against torch.autograd.functional.hessian). */
  readonly curvature: (dim: number, seed: number) => Curvature;
}

/** The loss alone from the loss with its gradient (one definition: the value is never written twice). */
export function valueOf(valueAndGrad: ValueAndGrad, dim: number): Value {
  const scratch = new Float64Array(dim);
  return (p, batch) => valueAndGrad(p, scratch, batch);
}

export function define(d: Definition): Problem {
  const dim = d.init.length;
  const dataSize = d.dataSize ?? 0;
  const checkDim = (n: number): void => {
    if (d.anyDimension) {
      if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${d.name}: the dimension must be a positive integer, got ${n}`);
    } else if (n !== dim) {
      throw new Error(`${d.name} has ${dim} parameters, not ${n}`);
    }
  };
  return {
    name: d.name, title: d.title, description: d.description, dim, anyDimension: d.anyDimension ?? false,
    init: d.init, domain: d.domain, minima: d.minima(dim), source: d.source + sourceExports(d), dataSize, quadratic: d.quadratic ?? false,
    initFor(n: number): number[] {
      checkDim(n);
      return Array.from({ length: n }, (_, i) => d.init[i % dim]);
    },
    minimaFor(n: number): ProblemMinimum[] {
      checkDim(n);
      return d.minima(n);
    },
    objective(options: ObjectiveOptions = {}): Objective {
      const n = options.dim ?? dim;
      checkDim(n);
      const seed = options.seed ?? 0;
      const valueAndGrad = d.build(n, seed);
      const value = valueOf(valueAndGrad, n);
      const { hessian, hessianVector } = d.curvature(n, seed);
      return { dim: n, dataSize, value, valueAndGrad, hessian, ...(hessianVector ? { hessianVector } : {}) };
    },
  };
}

/** Two-parameter problem without data: `g(x, y, grad)` writes the gradient and returns the loss. */
export function plane(g: (x: number, y: number, grad: Vec) => number): (dim: number) => ValueAndGrad {
  return () => (p, grad) => g(p[0], p[1], grad);
}

/** A two-parameter problem's Hessian from `h(x, y)` = [∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²]. */
export function planeCurvature(h: (x: number, y: number) => readonly [number, number, number]): () => Curvature {
  return () => ({
    hessian: (p, out) => {
      const [xx, xy, yy] = h(p[0], p[1]);
      out[0] = xx; out[1] = xy; out[2] = xy; out[3] = yy;
    },
  });
}

/** The diagonal Hessian of a separable loss Σ fᵢ(xᵢ), f″(xᵢ) from `second(x)`, and its products with a vector. */
export function separable(second: (x: number) => number): () => Curvature {
  return () => ({
    hessian: (p, h) => {
      const n = p.length;
      h.fill(0, 0, n * n);
      for (let i = 0; i < n; i++) h[i * n + i] = second(p[i]);
    },
    hessianVector: (p, v, out) => {
      for (let i = 0; i < p.length; i++) out[i] = second(p[i]) * v[i];
    },
  });
}

/** The snippet's `init` and `domain` exports, from the definition's. */
function sourceExports(d: Pick<Definition, 'init' | 'domain'>): string {
  const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
  return `export const init = ${list(d.init)};\nexport const domain = { x: ${list(d.domain.x)}, y: ${list(d.domain.y)} };\n`;
}

export const TWO_PI = 2 * Math.PI;
