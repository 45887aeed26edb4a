/** Learning problems with seeded synthetic data (mini-batch losses): linear and logistic regression. */
import { GENERATOR_SOURCE, LINREG_N, linearRegressionData, LOGREG_N, logisticRegressionData } from './data';
import { define, type Hessian, type ProblemMinimum, valueOf, type ValueAndGrad } from './define';

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
export const linearRegression = define({
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
`,
});

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
export const logisticRegression = define({
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
`,
});
