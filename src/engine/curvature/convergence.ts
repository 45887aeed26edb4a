/**
 * Quadratics, exactly (issue 14): on a loss known to be quadratic — a preset declared so, or a
 * snippet whose straight-line code is a polynomial of degree ≤ 2 in the parameters — the Hessian is
 * one constant matrix, so each run of gradient descent or heavy-ball momentum is a linear iteration
 * whose rate per step is known in closed form (quadratic.ts). `QuadraticFacts` is what the loss's
 * loading learns once (the spectrum and the minimum); `convergenceRates` puts, per run, that
 * analytic rate beside the rate its loss curve shows.
 */
import type { Objective, RunSpec } from '../types';
import { symmetricEigen } from './eigen';
import { runStability } from './ofRun';
import { measuredRate, quadraticMinimum, quadraticRate } from './quadratic';
import { FULL_HESSIAN_MAX_DIM } from './sharpness';

/** How a loss was recognised as quadratic. */
export type QuadraticEvidence =
  /** A built-in problem declared quadratic (problems.ts), from its formula. */
  | 'preset'
  /** A snippet whose loss is straight-line code of polynomial degree ≤ 2 (snippet/polynomialDegree.ts). */
  | 'polynomial';

/** A quadratic loss's constant curvature, learnt once when the loss loads. */
export interface QuadraticFacts {
  readonly evidence: QuadraticEvidence;
  /** The eigenvalues of its Hessian, ascending. */
  readonly eigenvalues: readonly number[];
  /** L* = min L when the Hessian is positive definite, else null (no minimum: a saddle, a flat direction). */
  readonly minimum: number | null;
  /**
   * Why the closed-form rate does not describe the runs' steps, when it does not for the whole
   * experiment: their gradients are of mini-batches, or noisy.
   */
  readonly stochastic?: string;
}

/** The quadratic's facts from one point: its Hessian there (the same everywhere), loss and gradient. Undefined above FULL_HESSIAN_MAX_DIM parameters or where not finite. */
export function quadraticFacts(objective: Objective, at: readonly number[], evidence: QuadraticEvidence, stochastic?: string): QuadraticFacts | undefined {
  const n = objective.dim;
  if (!objective.hessian || n > FULL_HESSIAN_MAX_DIM || at.length !== n) return undefined;
  const p = Float64Array.from(at), g = new Float64Array(n), h = new Float64Array(n * n);
  const loss = objective.valueAndGrad(p, g, null);
  objective.hessian(p, h, null);
  if (!h.every(Number.isFinite) || !Number.isFinite(loss) || !g.every(Number.isFinite)) return undefined;
  const eigen = symmetricEigen(h, n);
  const minimum = quadraticMinimum(loss, p, g, eigen);
  return { evidence, eigenvalues: Array.from(eigen.values), minimum: minimum ? minimum.loss : null, ...(stochastic ? { stochastic } : {}) };
}

/** Steps the measured rate's slope is fitted over: the run's last 50 usable ones. */
/** Steps of the loss curve the measured rate is fitted over. */
export const MEASURED_WINDOW = 50;

/** What the rates read of a quadratic's facts (the panel has them without their evidence). */
export type RateFacts = Pick<QuadraticFacts, 'eigenvalues' | 'minimum' | 'stochastic'>;

/** A run's rate per step on a quadratic: the closed form and the one its loss curve shows. */
export interface ConvergenceRates {
  /** max over the Hessian's eigenvalues of the rule's spectral radius at the run's η (quadratic.ts), or null. */
  readonly analytic: number | null;
  /** ρ read from the slope of ln(L − L*) over the run's last steps (quadratic.ts `measuredRate`), or null. */
  readonly measured: number | null;
  /** Why a rate is null, in words (absent when both are numbers). */
  readonly note?: string;
}

/** Why the closed form does not apply to this run, or undefined when it does. */
function noClosedForm(run: Pick<RunSpec, 'optimizer' | 'hyperparameters' | 'schedule' | 'clip'>, facts: RateFacts): string | undefined {
  const s = runStability(run);
  if (!s.rule) return s.reason;
  if (s.rule.measure !== 'sharpness') return 'its preconditioner changes with the gradients: no closed-form rate';
  if (run.schedule) return 'its learning rate follows a schedule: no single rate';
  if (run.clip) return 'clipping makes its steps nonlinear';
  return facts.stochastic;
}

/**
 * The analytic and the measured rate of one run on a quadratic: `losses` are its first `count`
 * points' losses (at `steps`, when they are not every step from 0). The measured rate needs L* (a positive-definite Hessian) and, since the
 * optimizer then minimises L + ½λ‖θ‖² whose minimum is not L*, no L2 weight decay.
 */
export function convergenceRates(run: Pick<RunSpec, 'optimizer' | 'hyperparameters' | 'schedule' | 'clip'>, facts: RateFacts,
  losses: ArrayLike<number>, count = losses.length, steps?: ArrayLike<number>): ConvergenceRates {
  const lr = run.hyperparameters.lr;
  const why = noClosedForm(run, facts);
  const s = runStability(run);
  const analytic = why === undefined && s.rule && typeof lr === 'number' ? quadraticRate(s.rule, lr, facts.eigenvalues) : null;
  const decay = run.hyperparameters.weightDecay;
  let measured: number | null = null, unmeasured: string | undefined;
  if (facts.minimum === null) unmeasured = 'the quadratic has no minimum to converge to';
  else if (typeof decay === 'number' && decay !== 0) unmeasured = 'with weight decay the run converges to another point than the loss\'s minimum';
  else {
    measured = measuredRate(losses, facts.minimum, MEASURED_WINDOW, count, steps) ?? null;
    if (measured === null) unmeasured = 'too few steps above rounding to measure a slope';
  }
  const note = [analytic === null ? why ?? 'no learning rate' : undefined, unmeasured].filter((x) => x !== undefined).join('; ');
  return { analytic: analytic !== null && Number.isFinite(analytic) ? analytic : null, measured, ...(note ? { note } : {}) };
}
