/**
 * The two-parameter test functions. References: Jamil & Yang, "A literature survey of benchmark
 * functions for global optimization problems" (2013); Surjanovic & Bingham, Virtual Library of
 * Simulation Experiments.
 */
import { define, plane, planeCurvature } from './define';

/** f(x, y) = (1 − x)² + 100(y − x²)²; minimum f(1, 1) = 0 at the end of a curved, flat valley. */
export const rosenbrock = define({
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
`,
});

/** f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum f(3, 0.5) = 0. */
export const beale = define({
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
`,
});

/** f = (x² + y − 11)² + (x + y² − 7)²: four global minima, all with f = 0. */
export const himmelblau = define({
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
`,
});

/** f = (x + 2y − 7)² + (2x + y − 5)²: a plain convex quadratic; minimum f(1, 3) = 0. */
export const booth = define({
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
`,
});

/** f = 0.26(x² + y²) − 0.48xy: a flat, elongated bowl; minimum f(0, 0) = 0. */
export const matyas = define({
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
export const illConditioned = define({
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
`,
});

/** f = x² − y²: a saddle point at the origin, unbounded below along y. */
export const saddle = define({
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
`,
});
