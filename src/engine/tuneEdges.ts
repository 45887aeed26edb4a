/**
 * A tuned value that is the first or last of its grid: the best configuration may lie beyond the
 * grid, so the comparison is not yet fair to that run (the tuning playbook's advice: widen the
 * search until the best is inside it). The CLI prints it under the tuning table; the panel shows it
 * on the sensitivity card. Grid values are written as labels write them (GRID_DIGITS).
 */
import { gridIndices } from './tuning';

/** One tuned hyperparameter (its axis in the grid) whose best value is an end of its grid. */
export interface GridEdge {
  readonly axis: number;
  readonly value: number;
  readonly end: 'smallest' | 'largest';
}

/** Grids with fewer values than this have nothing but ends: no note. */
const MIN_VALUES = 3;

/**
 * The axes of `grid` (each axis's values, as written) whose value at grid point `bestPoint`
 * (row-major; −1 when no score was finite) is the smallest or the largest of that axis.
 */
export function gridEdges(grid: readonly (readonly number[])[], bestPoint: number): GridEdge[] {
  if (bestPoint < 0) return [];
  const at = gridIndices(grid.map((values) => values.length), bestPoint);
  return grid.flatMap((values, axis): GridEdge[] => {
    const i = at[axis];
    if (values.length < MIN_VALUES) return [];
    const first = i === 0, last = i === values.length - 1;
    if (!first && !last) return [];
    const ascending = values[values.length - 1] > values[0];
    return [{ axis, value: values[i], end: first === ascending ? 'smallest' : 'largest' }];
  });
}

/**
 * "Adam: the best η = 1 is the largest on its grid; a better one may lie beyond it (widen the grid)"
 * for a run labelled `label` whose axes are called `names`; undefined when no best is at an end.
 */
export function gridEdgeNote(label: string, names: readonly string[], edges: readonly GridEdge[]): string | undefined {
  if (edges.length === 0) return undefined;
  const each = edges.map((e) => `${names[e.axis]} = ${e.value} is the ${e.end} on its grid`).join(', and ');
  return `${label}: the best ${each}; a better one may lie beyond it (widen the grid)`;
}
