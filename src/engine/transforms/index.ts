/**
 * Gradient transformations in optax's shape, with torch.optim 1.13's numerics.
 *
 * Each transformation is a pair `init(params) → state`, `update(updates, state, params)`. `update`
 * works in place: `updates` arrives holding the gradient (or the previous transformation's output)
 * and leaves holding the transformed updates; `state` is mutated in place. Nothing is allocated in
 * `update` (every buffer is made by `init`), so an optimizer can step millions of times without
 * garbage. State is plain data — numbers, booleans and Float64Arrays — so it can be copied with
 * `copyState`, shown by a formula view, or serialised.
 *
 * An optimizer is a `chain` of these, and its final output is *added* to the parameters
 * (`applyUpdates`), exactly like optax:
 *
 *     adam  = chain(addDecayedWeights(wd),  scaleByAdam(...), scaleByLearningRate(η))   // L2, coupled
 *     adamw = chain(scaleByAdam(...), addDecayedWeights(wd),  scaleByLearningRate(η))   // decoupled
 *
 * Where torch.optim and optax disagree on a convention (where ε goes, how a momentum buffer starts,
 * RMSprop's ε outside the root, Adagrad's lr_decay, NAdam's μ product, RAdam's threshold), these
 * transformations follow torch.optim 1.13 so that trajectories match PyTorch in float64; each
 * docstring says which convention it fixes. The step count `t` in the formulas is 1-based (the
 * update being computed), as in PyTorch; `state.count` holds the number of updates already done.
 */
export * from './chain';
export * from './scaling';
export * from './clipping';
export * from './momentum';
export * from './adaptive';
export * from './adam';
