/**
 * The Hessian's shape at a point of the paths chart (issue 14): an ellipse of the local quadratic
 * ½δᵀHδ = const on the two plotted coordinates, its axes along H's eigen-directions and
 * proportional to 1/√λ — long along the flat direction, short across the steep one — so the
 * ravine's shape, and why a path zig-zags across it, are visible. A direction of λ ≤ 0 has no
 * ellipse axis: it is drawn as a straight segment of the longest axis' length. Rows for the `ellipse`
 * source: one closed polyline (`order`), and the condition number κ = λmax/λmin of the whole
 * Hessian (null when λmin ≤ 0) for the tooltip.
 */
import { formatNumber } from './rows';

export interface EllipseRow {
  readonly order: number;
  readonly x: number;
  readonly y: number;
  /** "λ = 2, 200 (plotted); κ = 100" for the tooltip. */
  readonly label: string;
}

/** Vertices of the closed polyline. */
const VERTICES = 48;

/**
 * The ellipse at `center` of the 2 × 2 block [[a, b], [b, d]] of H on the plotted coordinates,
 * its longest axis `size` long (plot units); `eigenvalues` of the whole H (ascending) give κ.
 */
export function ellipseRows(center: readonly [number, number], block: readonly [number, number, number], size: number,
  eigenvalues: ArrayLike<number>): EllipseRow[] {
  const [a, b, d] = block;
  if (![a, b, d, ...center, size].every(Number.isFinite) || !(size > 0)) return [];
  // Eigen-decomposition of the symmetric 2 × 2 block in closed form.
  const half = 0.5 * (a - d), r = Math.hypot(half, b);
  const l1 = 0.5 * (a + d) + r, l2 = 0.5 * (a + d) - r;
  const angle = 0.5 * Math.atan2(2 * b, a - d);  // direction of l1
  const u: [number, number] = [Math.cos(angle), Math.sin(angle)], w: [number, number] = [-u[1], u[0]];
  const radius = (l: number): number => (l > 0 ? 1 / Math.sqrt(l) : NaN);
  let r1 = radius(l1), r2 = radius(l2);
  const longest = Math.max(Number.isFinite(r1) ? r1 : 0, Number.isFinite(r2) ? r2 : 0);
  const n = eigenvalues.length;
  const lo = eigenvalues[0] as number, hi = eigenvalues[n - 1] as number;
  const kappa = lo > 0 && hi > 0 ? hi / lo : null;
  const label = `λ = ${formatNumber(l1)}, ${formatNumber(l2)} on these axes; κ = ${kappa === null ? 'undefined (λmin ≤ 0)' : formatNumber(kappa)}`;
  if (longest === 0) {
    // No positive curvature on the plane: a cross along both directions.
    const s = size / 2;
    return [[-s, 0], [s, 0], [0, 0], [0, -s], [0, s]].map(([p, q], order) => ({
      order, x: center[0] + p! * u[0] + q! * w[0], y: center[1] + p! * u[1] + q! * w[1], label }));
  }
  const scale = size / 2 / longest;
  r1 = Number.isFinite(r1) ? r1 * scale : NaN;
  r2 = Number.isFinite(r2) ? r2 * scale : NaN;
  if (!Number.isFinite(r1) || !Number.isFinite(r2)) {
    // One direction curves down: the ellipse's one axis, and the other as a segment.
    const [along, other, across] = Number.isFinite(r1) ? [u, w, r1] : [w, u, r2];
    const s = size / 2;
    return [[across, 0], [-across, 0], [0, 0], [0, s], [0, -s]].map(([p, q], order) => ({
      order, x: center[0] + p! * along[0] + q! * other[0], y: center[1] + p! * along[1] + q! * other[1], label }));
  }
  const rows: EllipseRow[] = [];
  for (let k = 0; k <= VERTICES; k++) {
    const t = (2 * Math.PI * k) / VERTICES;
    const p = r1 * Math.cos(t), q = r2 * Math.sin(t);
    rows.push({ order: k, x: center[0] + p * u[0] + q * w[0], y: center[1] + p * u[1] + q * w[1], label });
  }
  return rows;
}
