/**
 * Contour lines of a loss surface sampled on a grid, by marching squares (Lorensen & Cline's
 * 2-D case), with each level's segments joined into polylines so a chart draws one path per
 * contour. Levels are spaced geometrically above the grid's minimum, because optimization
 * landscapes (Rosenbrock's valley, a bowl's floor) are interesting over many orders of magnitude.
 */
import type { ContourRow } from './rows';

/**
 * `count` levels between the grid's minimum and maximum, geometric in (value − min):
 * from the 2nd percentile of the values above the minimum up to 90 % of the range.
 */
export function contourLevels(values: ArrayLike<number>, count = 12): number[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length < 4 || count < 1) return [];
  finite.sort((a, b) => a - b);
  const min = finite[0] as number;
  const range = (finite[finite.length - 1] as number) - min;
  if (!(range > 0)) return [];
  const lo = Math.max(((finite[Math.floor(finite.length * 0.02)] as number) - min), range * 1e-6);
  const hi = range * 0.9;
  if (count === 1 || !(hi > lo)) return [min + hi];
  const levels: number[] = [];
  for (let k = 0; k < count; k++) levels.push(min + lo * Math.pow(hi / lo, k / (count - 1)));
  return levels;
}

// Segments of each marching-squares case, as pairs of cell edges: 0 bottom, 1 right, 2 top, 3 left.
// Bit 1 is corner (i, j), 2 is (i+1, j), 4 is (i+1, j+1), 8 is (i, j+1); a bit is set when the
// corner is at or above the level. Saddles (5, 10) take a fixed topology.
const CASES: readonly (readonly number[])[] = [
  [], [3, 0], [0, 1], [3, 1], [1, 2], [3, 0, 1, 2], [0, 2], [3, 2],
  [2, 3], [0, 2], [0, 1, 2, 3], [1, 2], [3, 1], [0, 1], [3, 0], [],
];

/**
 * Contour polylines of `values` (row-major `ys × xs`, as `ExperimentSession.surface` returns) at
 * `levels` (default `contourLevels(values)`). Non-finite cells produce no lines.
 */
export function contourRows(xs: ArrayLike<number>, ys: ArrayLike<number>, values: ArrayLike<number>,
  levels: readonly number[] = contourLevels(values)): ContourRow[] {
  const nx = xs.length;
  const ny = ys.length;
  const rows: ContourRow[] = [];
  let contour = 0;
  const at = (i: number, j: number): number => values[j * nx + i] as number;
  for (const level of levels) {
    // Edge keys: horizontal edge from (i, j) to (i+1, j) is j·nx + i; vertical edge from
    // (i, j) to (i, j+1) is nx·ny + j·nx + i. Each key maps to its crossing point.
    const px = new Map<number, number>();
    const py = new Map<number, number>();
    const segA: number[] = [];
    const segB: number[] = [];
    const cross = (i0: number, j0: number, i1: number, j1: number, key: number): number => {
      if (!px.has(key)) {
        const v0 = at(i0, j0);
        const v1 = at(i1, j1);
        const t = v1 === v0 ? 0.5 : (level - v0) / (v1 - v0);
        px.set(key, (xs[i0] as number) + t * ((xs[i1] as number) - (xs[i0] as number)));
        py.set(key, (ys[j0] as number) + t * ((ys[j1] as number) - (ys[j0] as number)));
      }
      return key;
    };
    for (let j = 0; j + 1 < ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        const a = at(i, j), b = at(i + 1, j), c = at(i + 1, j + 1), d = at(i, j + 1);
        if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) continue;
        const code = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
        const edges = CASES[code] as readonly number[];
        const edgeKey = (e: number): number => {
          switch (e) {
            case 0: return cross(i, j, i + 1, j, j * nx + i);
            case 1: return cross(i + 1, j, i + 1, j + 1, nx * ny + j * nx + i + 1);
            case 2: return cross(i, j + 1, i + 1, j + 1, (j + 1) * nx + i);
            default: return cross(i, j, i, j + 1, nx * ny + j * nx + i);
          }
        };
        for (let s = 0; s < edges.length; s += 2) {
          segA.push(edgeKey(edges[s] as number));
          segB.push(edgeKey(edges[s + 1] as number));
        }
      }
    }
    // Join segments that share an edge crossing into polylines (each crossing joins at most two).
    const byEdge = new Map<number, number[]>();
    for (let s = 0; s < segA.length; s++) {
      for (const k of [segA[s] as number, segB[s] as number]) {
        const list = byEdge.get(k);
        if (list) list.push(s); else byEdge.set(k, [s]);
      }
    }
    const used = new Uint8Array(segA.length);
    const walk = (from: number): number[] => {
      const out: number[] = [];
      let cur = from;
      for (;;) {
        const next = (byEdge.get(cur) ?? []).find((t) => !used[t]);
        if (next === undefined) return out;
        used[next] = 1;
        cur = segA[next] === cur ? (segB[next] as number) : (segA[next] as number);
        out.push(cur);
      }
    };
    for (let s = 0; s < segA.length; s++) {
      if (used[s]) continue;
      used[s] = 1;
      const forward = walk(segB[s] as number);
      const backward = walk(segA[s] as number).reverse();
      const chain = [...backward, segA[s] as number, segB[s] as number, ...forward];
      chain.forEach((k, order) => rows.push({ contour, level, order, x: px.get(k) as number, y: py.get(k) as number }));
      contour++;
    }
  }
  return rows;
}
