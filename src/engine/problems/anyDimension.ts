/** Test functions of any dimension (the panel draws the first two parameters). */
import type { Vec } from '../types';
import { define, separable, TWO_PI } from './define';

/** f = 10n + Σ (xᵢ² − 10 cos 2πxᵢ): a bowl covered in regular local minima; minimum f(0) = 0. */
export const rastrigin = define({
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
export const ackley = define({
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
`,
});

/** The coordinate of Styblinski–Tang's minimum: the root of 2x³ − 16x + 2.5 near −2.9035. */
const ST_X = -2.903534027771177;
const stOne = (x: number): number => x * x * x * x - 16 * (x * x) + 5 * x;
/** f = ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ); minimum ≈ −39.16617·n at xᵢ ≈ −2.903534, with a local minimum per axis near 2.7468. */
export const styblinskiTang = define({
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
`,
});
