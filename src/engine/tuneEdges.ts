/**
 * A tuned value that is the first or last of its grid (grid values are written with GRID_DIGITS, as labels write them): the best configuration may lie beyond the
 * grid, so the comparison is not yet fair to that run (the tuning playbook's advice: widen the
 * search until the best is inside it). The CLI prints it under the tuning table; the panel shows it
 * with the sensitivity chart.
 */
import { tunableSymbol } from './tune';
import { pointIndices, type TuningPlan, type TuningResult } from './tuning';

/** One tuned hyperparameter whose best value is an end of its grid. */
export interface GridEdge {
  /** The tune name (`lr`, `momentum`, …). */
  readonly name: string;
  /** How labels write it (`η`, `β₁`, …). */
  readonly symbol: string;
  readonly value: number;
  readonly end: 'smallest' | 'largest';
}

/** Grids with fewer values than this have nothing but ends: no note. */
const MIN_VALUES = 3;

/** The tuned hyperparameters whose best value is the smallest or the largest of the grid (none when no score was finite). */
export function bestOnGridEdge(plan: TuningPlan, result: TuningResult): GridEdge[] {
  if (result.bestPoint < 0) return [];
  const at = pointIndices(plan, result.bestPoint);
  return plan.axes.flatMap((axis, k): GridEdge[] => {
    const values = axis.values, i = at[k];
    if (values.length < MIN_VALUES) return [];
    const ascending = values[values.length - 1] > values[0];
    const first = i === 0, last = i === values.length - 1;
    if (!first && !last) return [];
    const end = first === ascending ? 'smallest' : 'largest';
    return [{ name: axis.tunable.name, symbol: tunableSymbol(axis.tunable).text, value: values[i], end }];
  });
}

/** "Adam: the best η = 1 is the largest on its grid; a better one may lie beyond it (widen the grid)", or undefined. */
export function gridEdgeNote(plan: TuningPlan, result: TuningResult): string | undefined {
  const edges = bestOnGridEdge(plan, result);
  if (edges.length === 0) return undefined;
  const each = edges.map((e) => `${e.symbol} = ${e.value} is the ${e.end} on its grid`).join(', and ');
  return `${result.label}: the best ${each}; a better one may lie beyond it (widen the grid)`;
}
