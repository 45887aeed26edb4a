/**
 * Built-in problems: classic optimization test functions and two small learning problems with
 * seeded synthetic data. Each has an exact analytic gradient, a default start point, a plot window
 * and its known minima, plus `source`: the same loss as a TypeScript snippet (DESIGN "Loss
 * snippets") that the panel shows and the snippet room can compile. The snippet computes exactly
 * the same floating-point values as `objective()`: both are written with the same operations in
 * the same order (products instead of `**`, sums in index order), and tests check it.
 *
 * References: Jamil & Yang, "A literature survey of benchmark functions for global optimization
 * problems" (2013); Surjanovic & Bingham, Virtual Library of Simulation Experiments.
 */
import { Random } from './random';
import type { Domain, Objective, Vec } from './types';

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
type ValueAndGrad = (p: Vec, g: Vec, batch: Int32Array | null) => number;
/** Writes the Hessian ∇²L(p) (row-major) into `h`. */
type Hessian = (p: Vec, h: Float64Array, batch: Int32Array | null) => void;
/** Writes ∇²L(p)·v into `out`. */
type HessianVector = (p: Vec, v: Vec, out: Vec, batch: Int32Array | null) => void;
/** A problem's second derivatives: the Hessian, and for problems of any dimension its products with a vector. */
interface Curvature {
  readonly hessian: Hessian;
  readonly hessianVector?: HessianVector;
}

interface Definition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly init: readonly number[];
  readonly domain: Domain;
  readonly anyDimension?: boolean;
  readonly dataSize?: number;
  /** The loss is a polynomial of degree 2 in the parameters (constant Hessian). */
  readonly quadratic?: boolean;
  readonly source: string;
  readonly minima: (dim: number) => ProblemMinimum[];
  /** The loss with its gradient; the loss alone is the same function with its gradient left unread. */
  readonly build: (dim: number, seed: number) => ValueAndGrad;
  /** Its second derivatives (analytic, checked against torch.autograd.functional.hessian). */
  readonly curvature: (dim: number, seed: number) => Curvature;
}

/** The loss alone from the loss with its gradient (one definition: the value is never written twice). */
function valueOf(valueAndGrad: ValueAndGrad, dim: number): Value {
  const scratch = new Float64Array(dim);
  return (p, batch) => valueAndGrad(p, scratch, batch);
}

function define(d: Definition): Problem {
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
    init: d.init, domain: d.domain, minima: d.minima(dim), source: d.source, dataSize, quadratic: d.quadratic ?? false,
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
function plane(g: (x: number, y: number, grad: Vec) => number): (dim: number) => ValueAndGrad {
  return () => (p, grad) => g(p[0], p[1], grad);
}

/** A two-parameter problem's Hessian from `h(x, y)` = [∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²]. */
function planeCurvature(h: (x: number, y: number) => readonly [number, number, number]): () => Curvature {
  return () => ({
    hessian: (p, out) => {
      const [xx, xy, yy] = h(p[0], p[1]);
      out[0] = xx; out[1] = xy; out[2] = xy; out[3] = yy;
    },
  });
}

/** The diagonal Hessian of a separable loss Σ fᵢ(xᵢ), f″(xᵢ) from `second(x)`, and its products with a vector. */
function separable(second: (x: number) => number): () => Curvature {
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

const TWO_PI = 2 * Math.PI;

// ---------------------------------------------------------------------------------------------
// Two-dimensional test functions

/** f(x, y) = (1 − x)² + 100(y − x²)²; minimum f(1, 1) = 0 at the end of a curved, flat valley. */
const rosenbrock = define({
  name: 'rosenbrock', title: 'Rosenbrock',
  description: 'A long, curved, nearly flat valley: easy to find, slow to follow. Minimum 0 at (1, 1).',
  init: [-1.5, 2], domain: { x: [-2, 2], y: [-1, 3] },
  minima: () => [{ params: [1, 1], loss: 0 }],
  build: plane(
    (x, y, g) => {
      const a = 1 - x, b = y - x * x;
      g[0] = -2 * a - 400 * x * b;
      g[1] = 200 * b;
      return a * a + 100 * (b * b);
    }),
  curvature: planeCurvature((x, y) => [2 - 400 * (y - x * x) + 800 * (x * x), -400 * x, 200]),
  source: `/** Rosenbrock: a long, curved valley. Minimum 0 at (1, 1). */
export default function loss([x, y]: number[]): number {
  const a = 1 - x;
  const b = y - x * x;
  return a * a + 100 * (b * b);
}
export const init = [-1.5, 2];
export const domain = { x: [-2, 2], y: [-1, 3] };
`,
});

/** f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum f(3, 0.5) = 0. */
const beale = define({
  name: 'beale', title: 'Beale',
  description: 'Flat plateaus and sharp ridges around a narrow valley. Minimum 0 at (3, 0.5).',
  init: [1, 1.5], domain: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  minima: () => [{ params: [3, 0.5], loss: 0 }],
  build: plane(
    (x, y, g) => {
      const y2 = y * y, y3 = y * y * y;
      const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
      g[0] = 2 * a * (y - 1) + 2 * b * (y2 - 1) + 2 * c * (y3 - 1);
      g[1] = 2 * a * x + 4 * b * x * y + 6 * c * x * y2;
      return a * a + b * b + c * c;
    }),
  // f = a² + b² + c²: ∇²f = 2Σ(∇u∇uᵀ + u∇²u), with ∇a = (y − 1, x), ∇b = (y² − 1, 2xy), ∇c = (y³ − 1, 3xy²).
  curvature: planeCurvature((x, y) => {
    const y2 = y * y, y3 = y * y * y;
    const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
    const ax = y - 1, bx = y2 - 1, cx = y3 - 1, ay = x, by = 2 * x * y, cy = 3 * x * y2;
    return [
      2 * (ax * ax + bx * bx + cx * cx),
      2 * (ax * ay + a + bx * by + 2 * b * y + cx * cy + 3 * c * y2),
      2 * (ay * ay + by * by + 2 * b * x + cy * cy + 6 * c * x * y),
    ];
  }),
  source: `/** Beale: plateaus and ridges around a narrow valley. Minimum 0 at (3, 0.5). */
export default function loss([x, y]: number[]): number {
  const a = 1.5 - x + x * y;
  const b = 2.25 - x + x * y * y;
  const c = 2.625 - x + x * y * y * y;
  return a * a + b * b + c * c;
}
export const init = [1, 1.5];
export const domain = { x: [-4.5, 4.5], y: [-4.5, 4.5] };
`,
});

/** f = (x² + y − 11)² + (x + y² − 7)²: four global minima, all with f = 0. */
const himmelblau = define({
  name: 'himmelblau', title: 'Himmelblau',
  description: 'Four equal minima (f = 0): where you end up depends on where you start.',
  init: [0, 0], domain: { x: [-5, 5], y: [-5, 5] },
  minima: () => [
    { params: [3, 2], loss: 0 },
    { params: [-2.805118086952745, 3.131312518250573], loss: 0 },
    { params: [-3.779310253377747, -3.2831859912861696], loss: 0 },
    { params: [3.5844283403304917, -1.8481265269644034], loss: 0 },
  ],
  build: plane(
    (x, y, g) => {
      const a = x * x + y - 11, b = x + y * y - 7;
      g[0] = 4 * x * a + 2 * b;
      g[1] = 2 * a + 4 * y * b;
      return a * a + b * b;
    }),
  curvature: planeCurvature((x, y) => [8 * (x * x) + 4 * (x * x + y - 11) + 2, 4 * x + 4 * y, 2 + 8 * (y * y) + 4 * (x + y * y - 7)]),
  source: `/** Himmelblau: four minima with loss 0. */
export default function loss([x, y]: number[]): number {
  const a = x * x + y - 11;
  const b = x + y * y - 7;
  return a * a + b * b;
}
export const init = [0, 0];
export const domain = { x: [-5, 5], y: [-5, 5] };
`,
});

/** f = (x + 2y − 7)² + (2x + y − 5)²: a plain convex quadratic; minimum f(1, 3) = 0. */
const booth = define({
  name: 'booth', title: 'Booth', quadratic: true,
  description: 'A well-behaved convex quadratic bowl. Minimum 0 at (1, 3).',
  init: [-8, -6], domain: { x: [-10, 10], y: [-10, 10] },
  minima: () => [{ params: [1, 3], loss: 0 }],
  build: plane(
    (x, y, g) => {
      const a = x + 2 * y - 7, b = 2 * x + y - 5;
      g[0] = 2 * a + 4 * b;
      g[1] = 4 * a + 2 * b;
      return a * a + b * b;
    }),
  curvature: planeCurvature(() => [10, 8, 10]),
  source: `/** Booth: a convex quadratic bowl. Minimum 0 at (1, 3). */
export default function loss([x, y]: number[]): number {
  const a = x + 2 * y - 7;
  const b = 2 * x + y - 5;
  return a * a + b * b;
}
export const init = [-8, -6];
export const domain = { x: [-10, 10], y: [-10, 10] };
`,
});

/** f = 0.26(x² + y²) − 0.48xy: a flat, elongated bowl; minimum f(0, 0) = 0. */
const matyas = define({
  name: 'matyas', title: 'Matyas', quadratic: true,
  description: 'A very flat, tilted bowl: small gradients everywhere. Minimum 0 at (0, 0).',
  init: [8, -6], domain: { x: [-10, 10], y: [-10, 10] },
  minima: () => [{ params: [0, 0], loss: 0 }],
  build: plane(
    (x, y, g) => {
      g[0] = 0.52 * x - 0.48 * y;
      g[1] = 0.52 * y - 0.48 * x;
      return 0.26 * (x * x + y * y) - 0.48 * x * y;
    }),
  curvature: planeCurvature(() => [0.52, -0.48, 0.52]),
  source: `/** Matyas: a flat, tilted bowl. Minimum 0 at (0, 0). */
export default function loss([x, y]: number[]): number {
  return 0.26 * (x * x + y * y) - 0.48 * x * y;
}
export const init = [8, -6];
export const domain = { x: [-10, 10], y: [-10, 10] };
`,
});

const ROT = Math.PI / 6;
const COS_ROT = Math.cos(ROT);
const SIN_ROT = Math.sin(ROT);
/**
 * f = ½(u² + 50v²) with (u, v) the parameters rotated by 30°: u = x·cos30° + y·sin30°,
 * v = −x·sin30° + y·cos30°. The Hessian has eigenvalues 1 and 50 (condition number exactly 50)
 * along axes that are not the coordinate axes, so per-coordinate scaling cannot undo it.
 */
const illConditioned = define({
  name: 'ill-conditioned-quadratic', title: 'Ill-conditioned quadratic (κ = 50)', quadratic: true,
  description: 'A rotated, narrow quadratic bowl with condition number 50: zig-zags for plain GD. Minimum 0 at (0, 0).',
  init: [-2.5, 1], domain: { x: [-3, 3], y: [-3, 3] },
  minima: () => [{ params: [0, 0], loss: 0 }],
  build: plane(
    (x, y, g) => {
      const u = COS_ROT * x + SIN_ROT * y, v = COS_ROT * y - SIN_ROT * x;
      const du = u, dv = 50 * v;
      g[0] = COS_ROT * du - SIN_ROT * dv;
      g[1] = SIN_ROT * du + COS_ROT * dv;
      return 0.5 * (u * u + 50 * (v * v));
    }),
  // ∇²f = ∇u∇uᵀ + 50∇v∇vᵀ with ∇u = (cos, sin), ∇v = (−sin, cos).
  curvature: planeCurvature(() => [COS_ROT * COS_ROT + 50 * (SIN_ROT * SIN_ROT), COS_ROT * SIN_ROT - 50 * (SIN_ROT * COS_ROT),
    SIN_ROT * SIN_ROT + 50 * (COS_ROT * COS_ROT)]),
  source: `/** An ill-conditioned quadratic: eigenvalues 1 and 50 along axes rotated by 30°. Minimum 0 at (0, 0). */
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
export default function loss([x, y]: number[]): number {
  const u = c * x + s * y;
  const v = c * y - s * x;
  return 0.5 * (u * u + 50 * (v * v));
}
export const init = [-2.5, 1];
export const domain = { x: [-3, 3], y: [-3, 3] };
`,
});

/** f = x² − y²: a saddle point at the origin, unbounded below along y. */
const saddle = define({
  name: 'saddle', title: 'Saddle', quadratic: true,
  description: 'x² − y²: a saddle at the origin and no minimum. Does the optimizer escape along y?',
  init: [-1.5, 0.01], domain: { x: [-2, 2], y: [-2, 2] },
  minima: () => [],
  build: plane(
    (x, y, g) => {
      g[0] = 2 * x;
      g[1] = -2 * y;
      return x * x - y * y;
    }),
  curvature: planeCurvature(() => [2, 0, -2]),
  source: `/** A saddle: a stationary point at (0, 0), unbounded below along y. */
export default function loss([x, y]: number[]): number {
  return x * x - y * y;
}
export const init = [-1.5, 0.01];
export const domain = { x: [-2, 2], y: [-2, 2] };
`,
});

// ---------------------------------------------------------------------------------------------
// Test functions of any dimension

/** f = 10n + Σ (xᵢ² − 10 cos 2πxᵢ): a bowl covered in regular local minima; minimum f(0) = 0. */
const rastrigin = define({
  name: 'rastrigin', title: 'Rastrigin', anyDimension: true,
  description: 'A bowl covered in a regular grid of local minima (any dimension). Minimum 0 at the origin.',
  init: [3.2, -2.7], domain: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
  minima: (n) => [{ params: new Array<number>(n).fill(0), loss: 0 }],
  build: () => (p, g) => {
    let s = 10 * p.length;
    for (let i = 0; i < p.length; i++) {
      const x = p[i];
      s += x * x - 10 * Math.cos(2 * Math.PI * x);
      g[i] = 2 * x + 10 * TWO_PI * Math.sin(2 * Math.PI * x);
    }
    return s;
  },
  curvature: separable((x) => 2 + 10 * TWO_PI * TWO_PI * Math.cos(2 * Math.PI * x)),
  source: `/** Rastrigin: a bowl covered in local minima, any number of parameters. Minimum 0 at the origin. */
export default function loss(p: number[]): number {
  let s = 10 * p.length;
  for (const x of p) s += x * x - 10 * Math.cos(2 * Math.PI * x);
  return s;
}
export const init = [3.2, -2.7];
export const domain = { x: [-5.12, 5.12], y: [-5.12, 5.12] };
`,
});

/**
 * The pieces of Ackley's Hessian, ∇²f = radial·I − radialRank·xxᵀ + wave·(diag(cos 2πxᵢ) − sin·sinᵀ/n):
 * with r = √(Σxᵢ²/n), e₁ = e^{−0.2r}, e₂ = e^{Σcos(2πxᵢ)/n},
 * the cone term −20e₁ gives (4e₁/(nr))·(I − (1 + 0.2r)·xxᵀ/(nr²)), and the waves −e₂ give
 * (4π²e₂/n)·(diag(cos 2πxᵢ) − sin 2πx·sin 2πxᵀ/n). At r = 0 (the cone's tip) the Hessian does not
 * exist: radial is NaN there.
 */
function ackleyCurvature(p: Vec): { radial: number; radialRank: number; wave: number; sin: Float64Array; cos: Float64Array } {
  const n = p.length;
  const sin = new Float64Array(n), cos = new Float64Array(n);
  let sq = 0, cs = 0;
  for (let i = 0; i < n; i++) {
    const x = p[i];
    sq += x * x;
    cos[i] = Math.cos(2 * Math.PI * x);
    sin[i] = Math.sin(2 * Math.PI * x);
    cs += cos[i];
  }
  const r = Math.sqrt(sq / n);
  const e1 = Math.exp(-0.2 * r), e2 = Math.exp(cs / n);
  const radial = r > 0 ? (4 * e1) / (n * r) : NaN;
  return { radial, radialRank: (radial * (1 + 0.2 * r)) / (n * r * r), wave: (TWO_PI * TWO_PI * e2) / n, sin, cos };
}

/**
 * f = −20 exp(−0.2 √(Σxᵢ²/n)) − exp(Σ cos(2πxᵢ)/n) + e + 20; minimum f(0) = 0.
 * The first term has a cone-shaped kink at the origin; its gradient there is taken as 0
 * (the minimal-norm subgradient).
 */
const ackley = define({
  name: 'ackley', title: 'Ackley', anyDimension: true,
  description: 'A nearly flat, bumpy plain around one deep funnel (any dimension). Minimum 0 at the origin.',
  init: [-3.5, 2.5], domain: { x: [-5, 5], y: [-5, 5] },
  minima: (n) => [{ params: new Array<number>(n).fill(0), loss: 0 }],
  build: () => (p, g) => {
    const n = p.length;
    let sq = 0, cs = 0;
    for (let i = 0; i < n; i++) { const x = p[i]; sq += x * x; cs += Math.cos(2 * Math.PI * x); }
    const r = Math.sqrt(sq / n);
    const e1 = Math.exp(-0.2 * r), e2 = Math.exp(cs / n);
    // d/dxᵢ of −20e^{−0.2r} = 4e^{−0.2r}·xᵢ/(n r); d/dxᵢ of −e^{Σcos/n} = e^{Σcos/n}·2π sin(2πxᵢ)/n.
    const radial = r > 0 ? (4 * e1) / (n * r) : 0;
    for (let i = 0; i < n; i++) g[i] = radial * p[i] + (e2 * TWO_PI * Math.sin(2 * Math.PI * p[i])) / n;
    return -20 * e1 - e2 + Math.E + 20;
  },
  curvature: () => ({
    hessian: (p, h) => {
      const n = p.length;
      const a = ackleyCurvature(p);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i * n + j] = (i === j ? a.radial + a.wave * a.cos[i] : 0)
            - a.radialRank * p[i] * p[j] - (a.wave / n) * a.sin[i] * a.sin[j];
        }
      }
    },
    hessianVector: (p, v, out) => {
      const n = p.length;
      const a = ackleyCurvature(p);
      let xv = 0, sv = 0;
      for (let i = 0; i < n; i++) { xv += p[i] * v[i]; sv += a.sin[i] * v[i]; }
      for (let i = 0; i < n; i++) {
        out[i] = (a.radial + a.wave * a.cos[i]) * v[i] - a.radialRank * p[i] * xv - (a.wave / n) * a.sin[i] * sv;
      }
    },
  }),
  source: `/** Ackley: a bumpy plain around one deep funnel, any number of parameters. Minimum 0 at the origin. */
export default function loss(p: number[]): number {
  const n = p.length;
  let sq = 0;
  let cs = 0;
  for (const x of p) {
    sq += x * x;
    cs += Math.cos(2 * Math.PI * x);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(sq / n)) - Math.exp(cs / n) + Math.E + 20;
}
export const init = [-3.5, 2.5];
export const domain = { x: [-5, 5], y: [-5, 5] };
`,
});

/** The coordinate of Styblinski–Tang's minimum: the root of 2x³ − 16x + 2.5 near −2.9035. */
const ST_X = -2.903534027771177;
const stOne = (x: number): number => x * x * x * x - 16 * (x * x) + 5 * x;
/** f = ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ); minimum ≈ −39.16617·n at xᵢ ≈ −2.903534, with a local minimum per axis near 2.7468. */
const styblinskiTang = define({
  name: 'styblinski-tang', title: 'Styblinski–Tang', anyDimension: true,
  description: 'Separable, with a local and a global minimum along every axis (any dimension). Minimum ≈ −39.166·n.',
  init: [4.5, 3.5], domain: { x: [-5, 5], y: [-5, 5] },
  minima: (n) => [{ params: new Array<number>(n).fill(ST_X), loss: (n * stOne(ST_X)) / 2 }],
  build: () => (p, g) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const x = p[i];
      s += x * x * x * x - 16 * (x * x) + 5 * x;
      g[i] = 2 * (x * x * x) - 16 * x + 2.5;
    }
    return s / 2;
  },
  curvature: separable((x) => 6 * (x * x) - 16),
  source: `/** Styblinski–Tang: a local and a global minimum along every axis, any number of parameters. */
export default function loss(p: number[]): number {
  let s = 0;
  for (const x of p) s += x * x * x * x - 16 * (x * x) + 5 * x;
  return s / 2;
}
export const init = [4.5, 3.5];
export const domain = { x: [-5, 5], y: [-5, 5] };
`,
});

// ---------------------------------------------------------------------------------------------
// Learning problems with seeded synthetic data (mini-batch losses)

/**
 * The data generator, written once as snippet text and mirrored by `Random`: mulberry32 for
 * uniforms, Box–Muller (cosine branch) for normals. Tests check both give the same numbers.
 */
const GENERATOR_SOURCE = `function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    const u1 = 1 - next();
    const u2 = next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { next, normal };
}`;

const LINREG_N = 64;
/** Examples (x, y) with x uniform in [0, 3) and y = 2x − 1 + 0.5·N(0, 1). */
export function linearRegressionData(seed = 0): { x: Float64Array; y: Float64Array } {
  const random = new Random(seed);
  const x = new Float64Array(LINREG_N), y = new Float64Array(LINREG_N);
  for (let i = 0; i < LINREG_N; i++) {
    x[i] = 3 * random.next();
    y[i] = 2 * x[i] - 1 + 0.5 * random.normal();
  }
  return { x, y };
}

function linearRegressionLoss(x: Float64Array, y: Float64Array): ValueAndGrad {
  const n = x.length;
  return (p, g, batch) => {
    const w = p[0], b = p[1];
    const m = batch ? batch.length : n;
    let s = 0, gw = 0, gb = 0;
    for (let k = 0; k < m; k++) {
      const i = batch ? batch[k] : k;
      const r = w * x[i] + b - y[i];
      s += r * r;
      gw += r * x[i];
      gb += r;
    }
    g[0] = (2 * gw) / m;
    g[1] = (2 * gb) / m;
    return s / m;
  };
}

/** Least squares by the normal equations: the exact minimum of the mean squared error. */
function linearRegressionMinimum(seed: number): ProblemMinimum {
  const { x, y } = linearRegressionData(seed);
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i]; }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my); }
  const w = sxy / sxx, b = my - w * mx;
  const params = [w, b];
  return { params, loss: valueOf(linearRegressionLoss(x, y), 2)(Float64Array.from(params), null) };
}

/**
 * Mean squared error of a line y ≈ w·x + b on 64 seeded examples: L(w, b) = (1/|B|) Σ_B (w·xᵢ + b − yᵢ)².
 * The seed's "simple problem" for (mini-batch) gradient descent. Because x lies in [0, 3), w and b
 * have very different curvatures (one learning rate for all parameters is a compromise).
 */
const linearRegression = define({
  name: 'linear-regression', title: 'Linear regression', quadratic: true,
  description: 'Fit y ≈ w·x + b to 64 noisy points (mean squared error, mini-batches). The simple problem.',
  init: [-0.5, 2], domain: { x: [-1, 4], y: [-3, 3] }, dataSize: LINREG_N,
  minima: () => [linearRegressionMinimum(0)],
  build: (_dim, seed) => {
    const { x, y } = linearRegressionData(seed);
    return linearRegressionLoss(x, y);
  },
  // ∇²L = (2/|B|)·Σ (xᵢ, 1)(xᵢ, 1)ᵀ: constant in (w, b), a quadratic.
  curvature: (_dim, seed) => {
    const { x } = linearRegressionData(seed);
    return {
      hessian: (_p, h, batch) => {
        const m = batch ? batch.length : x.length;
        let sxx = 0, sx = 0;
        for (let k = 0; k < m; k++) { const xi = x[batch ? batch[k] : k]; sxx += xi * xi; sx += xi; }
        h[0] = (2 * sxx) / m; h[1] = (2 * sx) / m; h[2] = h[1]; h[3] = 2;
      },
    };
  },
  source: `/** Linear regression: fit y ≈ w·x + b to 64 seeded noisy points (mean squared error). */
${GENERATOR_SOURCE}

/** Examples [x, y]: x uniform in [0, 3), y = 2x − 1 + 0.5·N(0, 1). */
function makeData(seed: number): number[][] {
  const g = generator(seed);
  const examples: number[][] = [];
  for (let i = 0; i < ${LINREG_N}; i++) {
    const x = 3 * g.next();
    examples.push([x, 2 * x - 1 + 0.5 * g.normal()]);
  }
  return examples;
}
export const data = makeData(0);

/** Mean over the batch (all examples when no batch is given). */
export default function loss([w, b]: number[], batch: number[][] = data): number {
  let s = 0;
  for (const [x, y] of batch) {
    const r = w * x + b - y;
    s += r * r;
  }
  return s / batch.length;
}
export const init = [-0.5, 2];
export const domain = { x: [-1, 4], y: [-3, 3] };
`,
});

const LOGREG_N = 100;
/** Examples (x, label): label = i mod 2, x = ±1 + N(0, 1) (+1 for label 1): overlapping classes. */
export function logisticRegressionData(seed = 0): { x: Float64Array; label: Float64Array } {
  const random = new Random(seed);
  const x = new Float64Array(LOGREG_N), label = new Float64Array(LOGREG_N);
  for (let i = 0; i < LOGREG_N; i++) {
    label[i] = i % 2;
    x[i] = (label[i] === 1 ? 1 : -1) + random.normal();
  }
  return { x, label };
}

function logisticRegressionLoss(x: Float64Array, label: Float64Array): ValueAndGrad {
  const n = x.length;
  return (p, g, batch) => {
    const w = p[0], b = p[1];
    const m = batch ? batch.length : n;
    let s = 0, gw = 0, gb = 0;
    for (let k = 0; k < m; k++) {
      const i = batch ? batch[k] : k;
      const z = w * x[i] + b;
      s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - label[i] * z;
      // σ(z) without overflow on either side.
      const sigma = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const r = sigma - label[i];
      gw += r * x[i];
      gb += r;
    }
    g[0] = gw / m;
    g[1] = gb / m;
    return s / m;
  };
}

/**
 * ∇²L = (1/|B|)·Σ σ(zᵢ)(1 − σ(zᵢ))·(xᵢ, 1)(xᵢ, 1)ᵀ, with σ(1 − σ) = e^{−|z|}/(1 + e^{−|z|})²
 * (no cancellation for large |z|).
 */
function logisticRegressionHessian(x: Float64Array): Hessian {
  const n = x.length;
  return (p, h, batch) => {
    const w = p[0], b = p[1];
    const m = batch ? batch.length : n;
    let hww = 0, hwb = 0, hbb = 0;
    for (let k = 0; k < m; k++) {
      const i = batch ? batch[k] : k;
      const e = Math.exp(-Math.abs(w * x[i] + b));
      const c = e / ((1 + e) * (1 + e));
      hww += c * x[i] * x[i];
      hwb += c * x[i];
      hbb += c;
    }
    h[0] = hww / m; h[1] = hwb / m; h[2] = h[1]; h[3] = hbb / m;
  };
}

/** The maximum-likelihood (w, b) by Newton's method on the full data (the classes overlap, so it is finite). */
function logisticRegressionMinimum(seed: number): ProblemMinimum {
  const { x, label } = logisticRegressionData(seed);
  const loss = logisticRegressionLoss(x, label), hessian = logisticRegressionHessian(x);
  const p = new Float64Array(2), g = new Float64Array(2), h = new Float64Array(4);
  let w = 0, b = 0;
  for (let iter = 0; iter < 100; iter++) {
    p[0] = w; p[1] = b;
    loss(p, g, null);
    hessian(p, h, null);
    const [gw, gb] = g, [hww, hwb, , hbb] = h;
    const det = hww * hbb - hwb * hwb;
    const dw = (hbb * gw - hwb * gb) / det, db = (hww * gb - hwb * gw) / det;
    w -= dw; b -= db;
    if (Math.abs(dw) + Math.abs(db) < 1e-15) break;
  }
  const params = [w, b];
  return { params, loss: valueOf(logisticRegressionLoss(x, label), 2)(Float64Array.from(params), null) };
}

/**
 * Logistic regression (binary cross-entropy) of a label on one feature, P(label = 1) = σ(w·x + b):
 * L(w, b) = (1/|B|) Σ_B [softplus(zᵢ) − labelᵢ·zᵢ], zᵢ = w·xᵢ + b, with softplus(z) =
 * max(z, 0) + log1p(e^{−|z|}) (stable for any z). Gradient (1/|B|) Σ (σ(zᵢ) − labelᵢ)·(xᵢ, 1).
 */
const logisticRegression = define({
  name: 'logistic-regression', title: 'Logistic regression',
  description: 'Separate two overlapping classes of 100 seeded points with σ(w·x + b) (cross-entropy, mini-batches).',
  init: [-1, 2], domain: { x: [-2, 5], y: [-3, 3] }, dataSize: LOGREG_N,
  minima: () => [logisticRegressionMinimum(0)],
  build: (_dim, seed) => {
    const { x, label } = logisticRegressionData(seed);
    return logisticRegressionLoss(x, label);
  },
  curvature: (_dim, seed) => {
    const { x } = logisticRegressionData(seed);
    return { hessian: logisticRegressionHessian(x) };
  },
  source: `/** Logistic regression: P(label = 1) = σ(w·x + b) on 100 seeded points of two overlapping classes. */
${GENERATOR_SOURCE}

/** Examples [x, label]: label alternates 0, 1; x = ±1 + N(0, 1). */
function makeData(seed: number): number[][] {
  const g = generator(seed);
  const examples: number[][] = [];
  for (let i = 0; i < ${LOGREG_N}; i++) {
    const label = i % 2;
    examples.push([(label === 1 ? 1 : -1) + g.normal(), label]);
  }
  return examples;
}
export const data = makeData(0);

/** Mean binary cross-entropy over the batch, softplus(z) − label·z with a stable softplus. */
export default function loss([w, b]: number[], batch: number[][] = data): number {
  let s = 0;
  for (const [x, label] of batch) {
    const z = w * x + b;
    s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - label * z;
  }
  return s / batch.length;
}
export const init = [-1, 2];
export const domain = { x: [-2, 5], y: [-3, 3] };
`,
});

/** Every built-in problem, in the order a picker shows them. */
export const PROBLEMS: readonly Problem[] = [
  rosenbrock, beale, himmelblau, rastrigin, booth, matyas, ackley, styblinskiTang,
  illConditioned, saddle, linearRegression, logisticRegression,
];

const byName = new Map(PROBLEMS.map((p) => [p.name, p]));

/** The built-in problem called `name`, or undefined. */
export function getProblem(name: string): Problem | undefined {
  return byName.get(name);
}
