/**
 * The paths chart's loss surface as the panel shows it: the window and axis titles the chart is
 * laid out for, the surface, contour and minimum rows (made once per surface), where a click on it
 * puts the start point, and the Hessian's ellipse drawn at a paused step.
 */
import { contourRows, ellipseRows, heatmapBounds, minimumRows, surfaceRows } from '../charts';
import { symmetricEigen } from '../engine/curvature/eigen';
import { fromWire, type InspectResult, type SurfaceData } from '../protocol';
import type { Row } from './chartView';
import { setField } from './experimentDraft';
import { formatNumber } from './fieldValidation';
import { lossShape, thetaName } from './problemForm';
import type { PanelState } from './state';
import { surfaceValues } from './surfaceInteraction';

/** The paths chart's window (the grid's cells, half a cell beyond its first and last points), resolution and axis titles. */
export function surfaceLayout(s: PanelState): { domain: { x: [number, number]; y: [number, number] }; resolution: number; axisTitles: [string, string] } | undefined {
  const surface = s.surface;
  const dim = s.experiment ? lossShape(s.experiment, s.info).dim : 0;
  if (!surface || dim < 2 || surface.xs.length < 2 || surface.ys.length < 2) return undefined;
  const b = heatmapBounds(surface.xs, surface.ys);
  return { domain: { x: [b.x0, b.x1], y: [b.y0, b.y1] }, resolution: surface.xs.length, axisTitles: [thetaName(surface.dims[0]), thetaName(surface.dims[1])] };
}

/** The rows of the paths chart's `surface`, `contours` and `minima` sources, made once per surface. */
export class SurfaceRows {
  private cache: { surface: SurfaceData; rows: Array<[string, readonly Row[]]> } | undefined;

  of(s: SurfaceData | undefined): Array<[string, readonly Row[]]> {
    if (!s) return [];
    if (this.cache?.surface !== s) {
      const values = surfaceValues(s);
      this.cache = { surface: s, rows: [
        ['surface', surfaceRows(s.xs, s.ys, values) as unknown as Row[]],
        ['contours', contourRows(s.xs, s.ys, values) as unknown as Row[]],
        ['minima', minimumRows(s.minima ?? [], s.dims) as unknown as Row[]],
      ] };
    }
    return this.cache.rows;
  }
}

/** The experiment with its start point where the surface was clicked (other coordinates stay), or undefined. */
export function startPointAt(s: PanelState, x: number, y: number): PanelState['experiment'] {
  if (!s.experiment) return undefined;
  const init = [...(s.experiment.init ?? lossShape(s.experiment, s.info).init)];
  const [dx, dy] = s.surface?.dims ?? s.view.dims;
  init[dx] = round(x);
  init[dy] = round(y);
  return setField(s.experiment, 'init', init);
}

/**
 * The Hessian's ellipse at the point an inspect reply is about, when it is the selected run's (the
 * step shown), its longest axis about a sixth of the plotted window; no rows without a Hessian.
 */
export function curvatureEllipse(s: PanelState, run: number, reply: InspectResult): Row[] {
  const hessian = reply.hessian ? fromWire(reply.hessian) : undefined;
  const params = fromWire(reply.params);
  const n = params.length;
  const [dx, dy] = s.surface?.dims ?? s.view.dims;
  const layout = surfaceLayout(s);
  if (!hessian || hessian.length !== n * n || n < 2 || !layout || run !== s.view.selectedRun) return [];
  const size = 0.16 * Math.min(layout.domain.x[1] - layout.domain.x[0], layout.domain.y[1] - layout.domain.y[0]);
  const { values } = symmetricEigen(hessian, n);
  return ellipseRows([params[dx]!, params[dy]!], [hessian[dx * n + dx]!, hessian[dx * n + dy]!, hessian[dy * n + dy]!], size, values) as unknown as Row[];
}

/** A clicked coordinate, to 3 significant digits, so the start point reads well. */
function round(v: number): number {
  return Number(formatNumber(Number(v.toPrecision(3))));
}
