/**
 * Each run's optimizer in Python: the torch.optim class its declaration names, with PyTorch's
 * keyword names (`torchName`) and the run's values; optimizers torch lacks are written into the
 * script as torch.optim.Optimizer subclasses that compute what the engine's chain computes, in the
 * same order of operations.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import type { HyperparameterValue, RunSpec } from '../engine/types';

/** A Python value: True, (0.9, 0.999), 0.001. */
export function pythonValue(v: HyperparameterValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v !== 'number') return `(${v.map((x) => pythonValue(x)).join(', ')})`;
  return Number.isFinite(v) ? String(v) : v > 0 ? 'math.inf' : v < 0 ? '-math.inf' : 'math.nan';
}

/** Optimizers without a torch.optim class of their own: the class to use, and its source when the script must define it. */
export const WRITTEN_OPTIMIZERS: Readonly<Record<string, { readonly className: string; readonly source?: string }>> = {
  // Plain gradient descent is SGD without momentum.
  gd: { className: 'torch.optim.SGD' },
  momentum: {
    className: 'ClassicalMomentum',
    source: `class ClassicalMomentum(torch.optim.Optimizer):
    """Classical momentum, the learning rate inside the velocity: m <- beta*m + lr*(g + weight_decay*theta), theta <- theta - m.
    Equal to SGD(momentum) under a constant learning rate; a scheduled rate reaches m gradually."""

    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                u = p.grad
                if group["weight_decay"] != 0:
                    u = u + group["weight_decay"] * p
                u = -group["lr"] * u
                state = self.state[p]
                if "velocity" not in state:
                    state["velocity"] = u.clone()
                else:
                    state["velocity"] = state["velocity"] * group["momentum"] + u
                p.add_(state["velocity"])`,
  },
  lion: {
    className: 'Lion',
    source: `class Lion(torch.optim.Optimizer):
    """Lion (Chen et al., 2023, Program 1): theta <- theta - lr*(sign(beta1*m + (1 - beta1)*g) + weight_decay*theta),
    then m <- beta2*m + (1 - beta2)*g."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                g = p.grad
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                u = torch.sign(m * beta1 + g * (1 - beta1))
                state["exp_avg"] = m * beta2 + (1 - beta2) * g
                if group["weight_decay"] != 0:
                    u = u + group["weight_decay"] * p
                p.add_(-group["lr"] * u)`,
  },
};

/**
 * `lambda params: torch.optim.Adam(params, lr=0.1, …)` for a run, and the class source it needs
 * (if any). `lr` overrides the run's learning rate (1.0 when a LambdaLR gives the absolute rate).
 */
export function optimizerFactory(run: RunSpec, lr?: number): { factory: string; source?: string } {
  const spec = optimizerSpec(run.optimizer);
  if (!spec) throw new Error(`unknown optimizer "${run.optimizer}"`);
  const written = spec.torchClass ? undefined : WRITTEN_OPTIMIZERS[spec.id];
  if (!spec.torchClass && !written) throw new Error(`no PyTorch form for optimizer "${spec.id}"`);
  const className = spec.torchClass ? `torch.optim.${spec.torchClass}` : written!.className;
  const kw = spec.hyperparameters.map((h) => {
    const v = h.name === 'lr' && lr !== undefined ? lr : run.hyperparameters[h.name] ?? h.default;
    return `${h.torchName}=${pythonValue(v)}`;
  });
  return { factory: `lambda params: ${className}(params, ${kw.join(', ')})`, source: written?.source };
}
