/**
 * The convergence-rate map (Distill's (η, β) figure for the user's quadratic). Its cells are
 * checked against the spectral radius computed another way: Gelfand's formula ρ(M) = lim ‖M^k‖^{1/k}
 * on heavy ball's whole iteration matrix M = [[(1 + β)I − ηH, −βI], [I, 0]] in the loss's own
 * coordinates (H not diagonalised), with k = 2⁴⁰ by repeated squaring. ‖M^k‖^{1/k} = ρ·(c·k^d)^{1/k}
 * for a constant c and a Jordan block of size d + 1 ≤ 2, so with c < 1e6 the two agree to
 * ln(1e6·2⁸⁰)/2⁴⁰ < 1e-10 relative — the tolerance used.
 */
import * as assert from 'node:assert/strict';
import { quadraticRate } from '../../src/engine/curvature/quadratic';
import { heavyBallRule } from '../../src/engine/curvature/stability';
import {
  defaultLightTheme, fastestHeavyBall, rateMapCells, rateMapChart, rateMapDots, rateMapEtaMax, rateMapPlace, RATE_MAP_COLUMNS, RATE_MAP_ROWS,
} from '../../src/charts';

/** Booth's Hessian, [[10, 8], [8, 10]]: eigenvalues 2 and 18. */
const H = [10, 8, 8, 10];
const EIGENVALUES = [2, 18];

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) { const v = a[i * n + k]!; for (let j = 0; j < n; j++) out[i * n + j] += v * b[k * n + j]!; }
  return out;
}

/** ρ of heavy ball's 4 × 4 iteration at (η, β) on H, by Gelfand's formula with k = 2⁴⁰. */
function gelfand(eta: number, beta: number): number {
  const n = 4;
  let m: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) m[i * n + j] = (i === j ? 1 + beta : 0) - eta * H[i * 2 + j]!;
    m[i * n + 2 + i] = -beta;
    m[(2 + i) * n + i] = 1;
  }
  let log = 0;
  const normalise = (): void => {
    const norm = Math.sqrt(m.reduce((s, v) => s + v * v, 0));
    m = m.map((v) => v / norm);
    log += Math.log(norm);
  };
  normalise();
  for (let s = 0; s < 40; s++) { m = multiply(m, m, n); log *= 2; normalise(); }
  return Math.exp(log / 2 ** 40);
}

describe('charts: the convergence-rate map', () => {
  const etaMax = rateMapEtaMax(EIGENVALUES);
  const cells = rateMapCells(EIGENVALUES, etaMax);

  it('reaches 4/λmax in η and 0.99 in β, one cell per grid point', () => {
    assert.equal(etaMax, 4 / 18);
    assert.equal(cells.length, RATE_MAP_COLUMNS * RATE_MAP_ROWS);
    assert.ok(Math.abs(cells[cells.length - 1]!.beta - 0.99) < 1e-15);
    assert.ok(rateMapEtaMax(EIGENVALUES, [0.5]) > 0.5, 'a run beyond 4/λmax is on the map');
  });

  it('each cell\'s rate is the spectral radius of the iteration, computed independently (Gelfand)', () => {
    // Gradient descent (β = 0), real roots, complex roots (|z| = √β), the edge and the diverging side.
    const picks = [[5, 0], [20, 3], [25, 20], [40, 30], [59, 33], [50, 5], [10, 25]] as const;
    for (const [column, row] of picks) {
      const cell = cells.find((c) => c.column === column && c.row === row)!;
      const independent = gelfand(cell.eta, cell.beta);
      assert.ok(Math.abs(cell.rate - independent) <= 1e-10 * independent, `(η ${cell.eta}, β ${cell.beta}): map ${cell.rate}, Gelfand ${independent}`);
    }
    assert.ok(cells.some((c) => c.rate >= 1) && cells.some((c) => c.rate < 0.6), 'the map shows both sides of the edge');
  });

  it('the fastest heavy ball is Polyak\'s (√κ − 1)/(√κ + 1), no cell beats it', () => {
    const best = fastestHeavyBall(EIGENVALUES)!;
    assert.ok(Math.abs(best.rate - (3 - 1) / (3 + 1)) < 1e-15, String(best.rate));
    assert.ok(Math.abs(quadraticRate(heavyBallRule(best.beta, 0, 0), best.eta, EIGENVALUES) - best.rate) < 1e-7, "the double root: √ of a rounded discriminant");
    // There both eigen-directions have a double root (critical damping): the iteration is defective, and
    // rounding δ ≈ 1e-16 of its entries moves eigenvalues by ~√δ·‖M‖, so Gelfand agrees to ~1e-6 only.
    assert.ok(Math.abs(gelfand(best.eta, best.beta) - best.rate) < 1e-5, String(gelfand(best.eta, best.beta)));
    assert.ok(cells.every((c) => c.rate >= best.rate - 1e-12));
    assert.equal(fastestHeavyBall([-2, 2]), undefined, 'no minimum, no fastest rate');
  });

  it('places gradient-descent and momentum runs, not the others', () => {
    assert.deepEqual(rateMapPlace({ optimizer: 'gd', hyperparameters: { lr: 0.05 } }), { eta: 0.05, beta: 0 });
    assert.deepEqual(rateMapPlace({ optimizer: 'momentum', hyperparameters: { lr: 0.01, momentum: 0.5 } }), { eta: 0.01, beta: 0.5 });
    assert.deepEqual(rateMapPlace({ optimizer: 'sgd', hyperparameters: { lr: 0.01, momentum: 0.9 } }), { eta: 0.01, beta: 0.9 });
    assert.equal(rateMapPlace({ optimizer: 'sgd', hyperparameters: { lr: 0.01, momentum: 0.9, nesterov: true } }), undefined);
    assert.equal(rateMapPlace({ optimizer: 'gd', hyperparameters: { lr: 0.05, weightDecay: 0.1 } }), undefined);
    assert.equal(rateMapPlace({ optimizer: 'adam', hyperparameters: { lr: 0.05 } }), undefined);
    const dots = rateMapDots([{ index: 2, label: 'm', spec: { optimizer: 'momentum', hyperparameters: { lr: 0.1, momentum: 0.5 } } }], EIGENVALUES);
    assert.equal(dots.length, 1);
    assert.ok(Math.abs(dots[0]!.rate - gelfand(0.1, 0.5)) <= 1e-10);
  });

  it('renders the cells, the dots and the keyboard\'s cell with Vega', async () => {
    const vega = await import('vega');
    const vl = await import('vega-lite');
    const spec = { ...rateMapChart({ theme: defaultLightTheme, runs: ['m'], etaMax }), datasets: {
      rateMap: cells, rateDots: [{ run: 0, label: 'm', eta: 0.05, beta: 0.5, rate: 0.7 }], rateCursor: [cells[0]],
    } };
    const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: 'none' });
    await view.runAsync();
    // Items per mark type in the scenegraph: the cells and the cursor are rects, the dot a symbol.
    const count: Record<string, number> = {};
    const walk = (node: { marktype?: string; role?: string; items?: unknown[] }): void => {
      for (const item of node.items ?? []) {
        if (node.role === 'mark' && node.marktype && node.marktype !== 'group') count[node.marktype] = (count[node.marktype] ?? 0) + 1;
        walk(item as never);
      }
    };
    walk((view.scenegraph() as unknown as { root: never }).root);
    assert.equal(count.rect, cells.length + 1, 'every cell, and the cursor');
    assert.equal(count.symbol, 1, 'the run\'s dot');
  });
});
