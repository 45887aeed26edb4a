/**
 * When can an optimizer settle? On a quadratic ½θᵀHθ every optimizer here is a linear iteration
 * per eigen-direction of H (of P⁻¹H for the adaptive ones, with the preconditioner P held fixed),
 * and on each direction of curvature λ it is the two-term recurrence
 *
 *     e_{t+1} = T·e_t − D·e_{t−1},     characteristic polynomial z² − T·z + D,
 *
 * whose roots have modulus < 1 exactly when (Jury's test) |D| < 1, 1 − T + D > 0 and
 * 1 + T + D > 0. For λ > 0 the first two hold for every setting here; the third fails first as
 * λ grows, at the STABILITY THRESHOLD: the curvature above which the iteration cannot converge.
 * The convergence rate on that direction is the larger root's modulus (`spectralRadius`).
 *
 * A rule says which curvature it bounds (the loss's sharpness λmax(H), or the preconditioned
 * sharpness λmax(P⁻¹H)), the recurrence's T and D on a direction of curvature λ, and the
 * threshold in closed form as `factor·(measure + shift) < limit`, so that a message can say
 * "η·λmax = 2.3 > 2". Tests check that the closed form is where 1 + T + D crosses zero.
 *
 * Sources: gradient descent and heavy-ball momentum — Goh, "Why Momentum Really Works", Distill
 * (2017), §"The Dynamics of Momentum" (GD: 0 < ηλ < 2; heavy ball: 0 < αλ < 2 + 2β). Edge of
 * stability — Cohen, Kaur, Li, Kolter & Talwalkar, "Gradient Descent on Neural Networks Typically
 * Occurs at the Edge of Stability" (ICLR 2021). Adaptive methods — Cohen et al., "Adaptive Gradient
 * Methods at the Edge of Stability" (2022), §2–3: Adam is preconditioned momentum,
 *
 *     m_{t+1} = β₁·m_t + (1 − β₁)·g_t,     θ_{t+1} = θ_t − η·P_t⁻¹·m_{t+1},
 *     P_t = (1 − β₁^{t+1})·[diag(√(ν_{t+1} / (1 − β₂^{t+1}))) + εI],
 *
 * and with P frozen it is stable exactly while λmax(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η) — 38/η at β₁ = 0.9.
 * The same frozen-preconditioner argument gives RMSprop's and Adagrad's 2/η (β₁ = 0), RMSprop with
 * momentum's (2 + 2μ)/η and Adamax's Adam bound; each rule below says what it assumes.
 */
import type { ChainState } from '../transforms';
import type { Vec } from '../types';

/** Which curvature a threshold bounds. */
export type CurvatureMeasure = 'sharpness' | 'preconditionedSharpness';

/** `factor·(measure + shift) < limit`: the stability condition at one learning rate and step. */
export interface StabilityTerms {
  readonly factor: number;
  readonly shift: number;
  readonly limit: number;
}

/** The recurrence z² − T·z + D on one direction of curvature λ. */
export interface Recurrence {
  readonly trace: number;
  readonly det: number;
}

export interface StabilityRule {
  readonly measure: CurvatureMeasure;
  /** The condition in words and symbols, e.g. `η·λmax < 2`, `η(λmax + λ) < 2`. */
  readonly condition: { readonly text: string; readonly tex: string };
  /** The terms of the condition at learning rate η and 1-based update t. */
  terms(eta: number, t: number): StabilityTerms;
  /** The recurrence on a direction of curvature λ (of H, or of P⁻¹H) at learning rate η. */
  recurrence(eta: number, lambda: number, t: number): Recurrence;
  /**
   * The L2 weight decay λ coupled into the gradient, for preconditioned rules: the optimizer then
   * minimises L + ½λ‖θ‖², so the preconditioned sharpness is λmax(P⁻¹(H + λI)). Rules on the plain
   * sharpness carry the decay in `shift` instead.
   */
  readonly coupledDecay: number;
}

/** Writes the diagonal of an adaptive optimizer's preconditioner P into `out`; false before its first update. */
export type PreconditionerReader = (state: ChainState, out: Vec) => boolean;

/**
 * An optimizer's stability, as its declaration in hyperparameters.ts gives it: a rule (with the
 * preconditioner reader when the rule bounds the preconditioned sharpness), or why there is none.
 */
export type Stability =
  | { readonly rule: StabilityRule; readonly preconditioner?: PreconditionerReader }
  | { readonly rule: null; readonly reason: string };

/** The sharpness (or preconditioned sharpness) above which the iteration cannot converge. */
export function stabilityThreshold(rule: StabilityRule, eta: number, t = 1): number {
  const { factor, shift, limit } = rule.terms(eta, t);
  return limit / factor - shift;
}

/** Modulus of the larger root of z² − T·z + D (the convergence rate per step of that direction). */
export function spectralRadius({ trace, det }: Recurrence): number {
  const disc = trace * trace - 4 * det;
  if (disc < 0) return Math.sqrt(det);  // complex pair: |z|² = D
  const root = Math.sqrt(disc);
  return Math.max(Math.abs(trace + root), Math.abs(trace - root)) / 2;
}

// ---------------------------------------------------------------------------------------------
// The rules

/** θ ← θ − η(∇L + λθ): stable while η(λmax + λ) < 2. Recurrence e ← (1 − η(λ + wd))e. */
export function gradientDescentRule(weightDecay: number): StabilityRule {
  return {
    measure: 'sharpness', coupledDecay: 0,
    condition: weightDecay === 0
      ? { text: 'η·λmax < 2', tex: String.raw`\eta\,\lambda_{\max} < 2` }
      : { text: 'η·(λmax + λ) < 2', tex: String.raw`\eta\,(\lambda_{\max} + \lambda) < 2` },
    terms: (eta) => ({ factor: eta, shift: weightDecay, limit: 2 }),
    recurrence: (eta, lambda) => ({ trace: 1 - eta * (lambda + weightDecay), det: 0 }),
  };
}

/**
 * Heavy-ball momentum θ_{t+1} = θ_t − α∇L(θ_t) + β(θ_t − θ_{t−1}) (Polyak 1964): stable while
 * α(λmax + λ) < 2 + 2β. torch.optim.SGD's buffer b ← μb + (1 − τ)g, θ ← θ − ηb is this with
 * α = η(1 − τ), β = μ; the seed's m ← βm + η∇J, θ ← θ − m with α = η.
 */
export function heavyBallRule(momentum: number, dampening: number, weightDecay: number): StabilityRule {
  const text = weightDecay === 0 ? 'λmax' : '(λmax + λ)';
  const tex = weightDecay === 0 ? String.raw`\lambda_{\max}` : String.raw`(\lambda_{\max} + \lambda)`;
  const damped = dampening !== 0;
  return {
    measure: 'sharpness', coupledDecay: 0,
    condition: {
      text: `${damped ? 'η(1 − τ)' : 'η'}·${text} < 2 + 2β`,
      tex: String.raw`${damped ? String.raw`\eta(1 - \tau)` : String.raw`\eta`}\,${tex} < 2 + 2\beta`,
    },
    terms: (eta) => ({ factor: eta * (1 - dampening), shift: weightDecay, limit: 2 + 2 * momentum }),
    recurrence: (eta, lambda) => ({ trace: 1 + momentum - eta * (1 - dampening) * (lambda + weightDecay), det: momentum }),
  };
}

/**
 * torch.optim.SGD with `nesterov=True` (dampening 0): b_t = μb_{t−1} + g_t, θ ← θ − η(g_t + μb_t).
 * On a direction of curvature λ, with h = η(λ + wd), the state (θ_t, ηb_{t−1}) evolves by
 * [[1 − h(1 + μ), −μ²], [h, μ]]: T = 1 + μ − h(1 + μ), D = μ(1 − h), and 1 + T + D > 0 gives
 * h < (2 + 2μ)/(1 + 2μ).
 */
export function nesterovRule(momentum: number, weightDecay: number): StabilityRule {
  const text = weightDecay === 0 ? 'λmax' : '(λmax + λ)';
  const tex = weightDecay === 0 ? String.raw`\lambda_{\max}` : String.raw`(\lambda_{\max} + \lambda)`;
  return {
    measure: 'sharpness', coupledDecay: 0,
    condition: { text: `η·${text} < (2 + 2μ)/(1 + 2μ)`, tex: String.raw`\eta\,${tex} < \frac{2 + 2\mu}{1 + 2\mu}` },
    terms: (eta) => ({ factor: eta, shift: weightDecay, limit: (2 + 2 * momentum) / (1 + 2 * momentum) }),
    recurrence: (eta, lambda) => {
      const h = eta * (lambda + weightDecay);
      return { trace: 1 + momentum - h * (1 + momentum), det: momentum * (1 - h) };
    },
  };
}

/**
 * Preconditioned momentum with P frozen (Cohen et al. 2022): m ← β₁m + (1 − β₁)g,
 * θ ← (1 − ηλ_d)θ − ηP⁻¹m, on a direction of curvature a of P⁻¹H. With r = 1 − ηλ_d (decoupled
 * decay λ_d, AdamW) the state (θ, m) evolves by [[r − η(1 − β₁)a, −ηβ₁a], [1 − β₁, β₁]]:
 * T = r + β₁ − η(1 − β₁)a, D = β₁r, and 1 + T + D > 0 gives η(1 − β₁)a < (1 + β₁)(1 + r),
 * i.e. (2 + 2β₁)/((1 − β₁)η) without decoupled decay.
 */
export function preconditionedMomentumRule(beta1: number, decoupledDecay: number, coupledDecay: number): StabilityRule {
  const decayed = decoupledDecay !== 0;
  return {
    measure: 'preconditionedSharpness', coupledDecay,
    condition: decayed
      ? { text: '(1 − β₁)η·λmax(P⁻¹H) < (1 + β₁)(2 − ηλ)',
        tex: String.raw`(1 - \beta_1)\,\eta\,\lambda_{\max}(P^{-1}H) < (1 + \beta_1)(2 - \eta\lambda)` }
      : { text: '(1 − β₁)η·λmax(P⁻¹H) < 2 + 2β₁', tex: String.raw`(1 - \beta_1)\,\eta\,\lambda_{\max}(P^{-1}H) < 2 + 2\beta_1` },
    terms: (eta) => ({ factor: (1 - beta1) * eta, shift: 0, limit: (1 + beta1) * (2 - eta * decoupledDecay) }),
    recurrence: (eta, a) => {
      const r = 1 - eta * decoupledDecay;
      return { trace: r + beta1 - eta * (1 - beta1) * a, det: beta1 * r };
    },
  };
}

/**
 * Preconditioned heavy ball with P frozen: b ← μb + P⁻¹g, θ ← θ − ηb (torch.optim.RMSprop with
 * momentum μ; μ = 0 is RMSprop, and Adagrad with its decayed rate η_t = η/(1 + (t − 1)γ)).
 */
export function preconditionedHeavyBallRule(momentum: number, lrDecay: number, coupledDecay: number): StabilityRule {
  const rate = (eta: number, t: number): number => eta / (1 + (t - 1) * lrDecay);
  const eta = lrDecay !== 0 ? 'η_t' : 'η';
  const etaTex = lrDecay !== 0 ? String.raw`\eta_t` : String.raw`\eta`;
  return {
    measure: 'preconditionedSharpness', coupledDecay,
    condition: momentum === 0
      ? { text: `${eta}·λmax(P⁻¹H) < 2`, tex: String.raw`${etaTex}\,\lambda_{\max}(P^{-1}H) < 2` }
      : { text: `${eta}·λmax(P⁻¹H) < 2 + 2μ`, tex: String.raw`${etaTex}\,\lambda_{\max}(P^{-1}H) < 2 + 2\mu` },
    terms: (e, t) => ({ factor: rate(e, t), shift: 0, limit: 2 + 2 * momentum }),
    recurrence: (e, a, t) => ({ trace: 1 + momentum - rate(e, t) * a, det: momentum }),
  };
}
