/**
 * The runs' starting loss and gradient norm, read from their step-0 rows: the highest of each caps
 * the loss and gradient-norm charts' live axes (LOSS_START_SIGNAL, GRAD_START_SIGNAL in src/charts).
 */
import { GRAD_START_SIGNAL, LOSS_START_SIGNAL } from '../charts';
import type { Row } from './viewUpdater';

export class RunStarts {
  private readonly loss = new Map<number, number>();
  private readonly gradNorm = new Map<number, number>();

  clear(): void {
    this.loss.clear();
    this.gradNorm.clear();
  }

  /** Notes the step-0 rows among `rows` (point rows). */
  note(rows: readonly Row[]): void {
    for (const r of rows) {
      if (r.step !== 0 || typeof r.run !== 'number') continue;
      if (typeof r.loss === 'number') this.loss.set(r.run, r.loss);
      if (typeof r.gradNorm === 'number') this.gradNorm.set(r.run, r.gradNorm);
    }
  }

  /** The signals' values: the highest finite start of each, or null. */
  signals(): Array<[string, number | null]> {
    return [[LOSS_START_SIGNAL, highest(this.loss)], [GRAD_START_SIGNAL, highest(this.gradNorm)]];
  }
}

function highest(m: ReadonlyMap<number, number>): number | null {
  let top = -Infinity;
  for (const v of m.values()) if (Number.isFinite(v) && v > top) top = v;
  return top === -Infinity ? null : top;
}
