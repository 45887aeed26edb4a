/**
 * One run's curvature along its points, for the runner (DESIGN "Curvature"): the sharpness
 * λmax(H(θ_k)) at every point, and, for optimizers whose stability rule bounds the preconditioned
 * sharpness, λmax(P_k⁻¹(H(θ_k) + λI)) with P_k the preconditioner of the update taken FROM θ_k —
 * the pairing of Cohen et al. 2022, §2, where θ_{t+1} = θ_t − η·P_t⁻¹·m_{t+1} and P_t is built from
 * ν_{t+1}, which includes the gradient at θ_t. The last point has no update after it; its P is that
 * of the update the run would take next (computed on a copy of the state).
 */
import { copyState, type ChainState } from '../transforms';
import type { GradientTransformation, Vec } from '../types';
import type { SharpnessMeter } from './sharpness';
import type { PreconditionerReader, Stability } from './stability';

export class CurvatureTrack {
  sharpness!: Float64Array;
  preconditioned: Float64Array | null = null;
  private readonly reader: PreconditionerReader | undefined;
  private readonly coupledDecay: number;
  private readonly p: Float64Array;

  constructor(private readonly meter: SharpnessMeter, stability: Stability, private readonly capacity: number) {
    const preconditioned = stability.rule?.measure === 'preconditionedSharpness';
    this.reader = preconditioned && stability.rule ? stability.preconditioner : undefined;
    this.coupledDecay = stability.rule?.coupledDecay ?? 0;
    this.p = new Float64Array(meter.dim);
    this.allocate();
  }

  /** Fresh buffers (the old ones were handed off with a full batch). */
  allocate(): void {
    this.sharpness = new Float64Array(this.capacity);
    this.preconditioned = this.reader ? new Float64Array(this.capacity) : null;
  }

  /** The sharpness of point `at` at `params` (NaN when they are not finite). */
  measure(at: number, params: Vec, finite: boolean): void {
    this.sharpness[at] = finite ? this.meter.measure(params) : NaN;
    if (this.preconditioned) this.preconditioned[at] = NaN;
  }

  /** After the update from point `at`: its preconditioned sharpness, from the state that update left. */
  afterUpdate(at: number, state: ChainState): void {
    if (!this.preconditioned || !this.reader) return;
    this.preconditioned[at] = this.reader(state, this.p) ? this.meter.preconditioned(this.p, this.coupledDecay) : NaN;
  }

  /** For the last point of a run that settled: the update it would take next, on copies. */
  atEnd(at: number, transform: GradientTransformation<ChainState>, state: ChainState, grad: Vec, params: Vec): void {
    if (!this.preconditioned || !this.reader || !Number.isFinite(this.sharpness[at])) return;
    const next = copyState(state);
    transform.update(grad.slice(), next, params.slice());
    this.afterUpdate(at, next);
  }

  /** The columns of a batch of `count` points: the buffers themselves when full or `lent` (see RunState.handOff), trimmed copies otherwise. */
  columns(count: number, lent = false): { sharpness: Float64Array; preconditionedSharpness?: Float64Array } {
    const full = lent || count === this.capacity;
    const cut = (a: Float64Array): Float64Array => (full ? a : a.slice(0, count));
    return {
      sharpness: cut(this.sharpness),
      ...(this.preconditioned ? { preconditionedSharpness: cut(this.preconditioned) } : {}),
    };
  }
}
