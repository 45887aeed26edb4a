#!/usr/bin/python3
"""Generate the torch.optim parity fixtures in test/fixtures/torch/.

Run with Debian's PyTorch (apt-get install python3-torch; it installs for /usr/bin/python3):

    /usr/bin/python3 tools/torch/generate_fixtures.py

Every optimizer PyTorch has is stepped in float64 (single-tensor code path, foreach=False) on four
problems with several hyperparameter settings; the learning-rate schedulers and gradient clipping
are exercised in a second file; Lion, which PyTorch lacks, is the paper's Program 1 written with
torch tensors (Chen et al. 2023; same as optax.lion) in a third. Each case records, per step, the
parameters, the loss at those parameters and the learning rate the update used. The fixtures are
the generator's output only: never edit them by hand; change this script and re-run it.

The default dtype is set to float64, so that optimizer state PyTorch creates with torch.tensor(...)
(NAdam's mu_product, the step counters) is float64 too: with the float32 default, NAdam's
mu_product is rounded to float32 every step.
"""
import inspect
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch'))
STEPS = 60

# camelCase names of the engine's registry (src/engine/hyperparameters.ts) ← PyTorch's keywords.
CAMEL = {
    'lr': 'lr', 'momentum': 'momentum', 'dampening': 'dampening', 'nesterov': 'nesterov',
    'weight_decay': 'weightDecay', 'lr_decay': 'lrDecay', 'initial_accumulator_value': 'initialAccumulatorValue',
    'eps': 'eps', 'alpha': 'alpha', 'centered': 'centered', 'betas': 'betas', 'amsgrad': 'amsgrad',
    'momentum_decay': 'momentumDecay', 'rho': 'rho',
}
TORCH = {v: k for k, v in CAMEL.items()}


# ---------------------------------------------------------------------------------------------
# Problems (the parity test re-implements each in TypeScript)

def make_quadratic():
    """A 5-D rotated quadratic ½(x − c)ᵀA(x − c), eigenvalues 1…50 (condition number 50)."""
    g = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(5, 5, generator=g))
    lam = torch.tensor([1.0, 3.0, 8.0, 20.0, 50.0])
    a = q @ torch.diag(lam) @ q.T
    a = (a + a.T) / 2
    c = torch.tensor([1.0, -0.5, 0.25, 2.0, -1.0])
    return a, c


QA, QC = make_quadratic()

PROBLEMS = {
    'rosenbrock': {
        'init': [-1.5, 2.0],
        'f': lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
        'sgdLr': 2e-4,
    },
    'himmelblau': {
        'init': [0.5, -1.5],
        'f': lambda x: (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2,
        'sgdLr': 5e-3,
    },
    'styblinskiTang5': {
        'init': [0.37, -0.61, 1.13, -1.29, 0.23],
        'f': lambda x: 0.5 * torch.sum(x ** 4 - 16 * x ** 2 + 5 * x),
        'sgdLr': 2e-2,
    },
    'quadratic5': {
        'init': [0.0, 0.0, 0.0, 0.0, 0.0],
        'f': lambda x: 0.5 * torch.dot(x - QC, QA @ (x - QC)),
        'sgdLr': 2e-2,
        'A': QA.flatten().tolist(),
        'c': QC.tolist(),
    },
}


# ---------------------------------------------------------------------------------------------
# Lion: the paper's Program 1 (decoupled weight decay), with torch float64 tensors.

class Lion(torch.optim.Optimizer):
    """Chen et al., Symbolic Discovery of Optimization Algorithms (2023), Program 1.

        c = β₁·m + (1 − β₁)·g;  θ ← θ − η·(sign(c) + λ·θ);  m ← β₂·m + (1 − β₂)·g
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state['exp_avg'] = torch.zeros_like(p)
                exp_avg = state['exp_avg']
                grad = p.grad
                p.mul_(1 - group['lr'] * group['weight_decay'])
                update = exp_avg * beta1 + grad * (1 - beta1)
                p.add_(torch.sign(update), alpha=-group['lr'])
                exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


CLASSES = {
    'sgd': torch.optim.SGD, 'adagrad': torch.optim.Adagrad, 'rmsprop': torch.optim.RMSprop,
    'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'adamax': torch.optim.Adamax,
    'nadam': torch.optim.NAdam, 'radam': torch.optim.RAdam, 'adadelta': torch.optim.Adadelta, 'lion': Lion,
}

# Settings per optimizer: (name, hyperparameters in camelCase). For sgd, lr is a factor of the
# problem's 'sgdLr' (plain gradient descent needs a step size fitted to the problem's curvature).
SETTINGS = {
    'sgd': [
        ('plain', {'lr': 1.0}),
        ('nesterov', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True}),
        ('dampening+wd', {'lr': 0.2, 'momentum': 0.9, 'dampening': 0.5, 'weightDecay': 0.01}),
        ('momentum+wd', {'lr': 0.5, 'momentum': 0.5, 'weightDecay': 0.1}),
    ],
    'adagrad': [
        ('default', {'lr': 0.1}),
        ('lrDecay+wd', {'lr': 0.1, 'lrDecay': 0.05, 'weightDecay': 0.01}),
        ('initialAccumulator+eps', {'lr': 0.5, 'initialAccumulatorValue': 0.1, 'eps': 1e-6}),
    ],
    'rmsprop': [
        ('default', {'lr': 0.01}),
        ('centered', {'lr': 0.01, 'centered': True}),
        ('momentum+alpha', {'lr': 0.001, 'momentum': 0.9, 'alpha': 0.9}),
        ('centered+momentum+wd', {'lr': 0.005, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.01}),
    ],
    'adam': [
        ('default', {'lr': 0.05}),
        ('amsgrad', {'lr': 0.05, 'amsgrad': True}),
        ('wd+betas+eps', {'lr': 0.05, 'weightDecay': 0.1, 'betas': [0.8, 0.99], 'eps': 1e-6}),
        ('amsgrad+wd', {'lr': 0.02, 'amsgrad': True, 'weightDecay': 0.01}),
    ],
    'adamw': [
        ('default', {'lr': 0.05}),
        ('wd+amsgrad', {'lr': 0.05, 'weightDecay': 0.1, 'amsgrad': True}),
        ('nowd+betas', {'lr': 0.05, 'weightDecay': 0.0, 'betas': [0.5, 0.9]}),
    ],
    'adamax': [
        ('default', {'lr': 0.05}),
        ('wd+betas', {'lr': 0.05, 'weightDecay': 0.01, 'betas': [0.8, 0.99]}),
        ('eps', {'lr': 0.1, 'eps': 1e-3}),
    ],
    'nadam': [
        # At η = 0.05 NAdam's path along Rosenbrock's valley amplifies rounding ~10× every 5 steps
        # (1e-16 at step 10, 1e-10 at step 60): a sensitive path, not a different algorithm.
        ('default', {'lr': 0.02}),
        ('momentumDecay+wd', {'lr': 0.02, 'momentumDecay': 0.01, 'weightDecay': 0.01}),
        ('betas+eps', {'lr': 0.02, 'betas': [0.8, 0.95], 'eps': 1e-6}),
    ],
    'radam': [
        # Before rectification (ρ_t ≤ 5) RAdam takes plain momentum steps η·m̂: small η.
        ('default', {'lr': 0.001}),
        ('wd+betas', {'lr': 0.002, 'weightDecay': 0.01, 'betas': [0.9, 0.99]}),
        ('fastRectification', {'lr': 0.005, 'betas': [0.5, 0.9]}),
    ],
    'adadelta': [
        ('default', {'lr': 1.0}),
        ('rho+eps', {'lr': 5.0, 'rho': 0.5, 'eps': 1e-4}),
        ('wd', {'lr': 10.0, 'weightDecay': 0.01}),
    ],
    'lion': [
        ('default', {'lr': 0.01}),
        ('wd', {'lr': 0.005, 'weightDecay': 0.1}),
        ('betas', {'lr': 0.02, 'betas': [0.95, 0.98]}),
    ],
}


def to_torch_kwargs(hp):
    return {TORCH[k]: (tuple(v) if k == 'betas' else v) for k, v in hp.items()}


def make_optimizer(opt_id, x, hp):
    cls = CLASSES[opt_id]
    kwargs = to_torch_kwargs(hp)
    if 'foreach' in inspect.signature(cls.__init__).parameters:
        kwargs['foreach'] = False  # the single-tensor code path
    opt = cls([x], **kwargs)
    # Every hyperparameter the group holds, in camelCase (torch's defaults filled in).
    full = {}
    for k, v in opt.defaults.items():
        if k in CAMEL:
            full[CAMEL[k]] = list(v) if isinstance(v, tuple) else v
    return opt, full


def cosine_lr(base, spec):
    """The engine's `cosine` schedule (src/engine/schedules.ts); PyTorch has no warmup-cosine."""
    steps, warmup, min_lr = spec['steps'], spec.get('warmup', 0), spec.get('minLr', 0.0)
    decay = max(1, steps - warmup)

    def lr(c):
        if c < warmup:
            return base * c / warmup
        progress = min(1.0, (c - warmup) / decay)
        return min_lr + (base - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
    return lr


def make_scheduler(opt, spec, base_lr):
    """A torch.optim.lr_scheduler for the engine's schedule spec, or a function count → lr."""
    t = spec['type']
    S = torch.optim.lr_scheduler
    if t == 'step':
        return S.StepLR(opt, step_size=spec['stepSize'], gamma=spec.get('gamma', 0.1)), None
    if t == 'exponential':
        return S.ExponentialLR(opt, gamma=spec['gamma']), None
    if t == 'linearWarmup':
        return S.LinearLR(opt, start_factor=spec.get('startFactor', 0.0), end_factor=1.0, total_iters=spec['warmup']), None
    if t == 'oneCycle':
        return S.OneCycleLR(opt, max_lr=spec.get('maxLr', base_lr), total_steps=spec['steps'],
                            pct_start=spec.get('pctStart', 0.3), anneal_strategy='cos', cycle_momentum=False,
                            div_factor=spec.get('divFactor', 25.0), final_div_factor=spec.get('finalDivFactor', 1e4)), None
    if t == 'cosine':
        return None, cosine_lr(base_lr, spec)
    raise ValueError(t)


def run_case(opt_id, setting, problem, hp, schedule=None, clip=None, steps=STEPS):
    prob = PROBLEMS[problem]
    x = torch.tensor(prob['init'], dtype=torch.float64, requires_grad=True)
    opt, full = make_optimizer(opt_id, x, hp)
    sched, lr_fn = make_scheduler(opt, schedule, hp['lr']) if schedule else (None, None)
    params, losses, lrs = [list(prob['init'])], [], []
    for k in range(steps):
        opt.zero_grad()
        loss = prob['f'](x)
        loss.backward()
        losses.append(loss.item())
        if clip is not None and 'norm' in clip:
            torch.nn.utils.clip_grad_norm_([x], max_norm=clip['norm'])
        elif clip is not None:
            torch.nn.utils.clip_grad_value_([x], clip_value=clip['value'])
        if lr_fn is not None:
            for group in opt.param_groups:
                group['lr'] = lr_fn(k)
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        if sched is not None:
            sched.step()
        params.append(x.detach().tolist())
    with torch.no_grad():
        losses.append(prob['f'](x).item())
    values = [v for row in params for v in row] + losses + lrs
    if not all(math.isfinite(v) for v in values):
        raise SystemExit(f'{opt_id}/{setting}/{problem}: the trajectory is not finite; pick other settings')
    case = {'optimizer': opt_id, 'setting': setting, 'problem': problem, 'hyperparameters': full}
    if schedule:
        case['schedule'] = schedule
    if clip:
        case['clip'] = clip
    case.update({'steps': steps, 'params': params, 'loss': losses, 'lr': lrs, 'state': final_state(opt, x)})
    return case


def final_state(opt, x):
    """The optimizer's state for x after the last step (buffers as lists, counters as numbers)."""
    out = {}
    for k, v in opt.state[x].items():
        if torch.is_tensor(v):
            out[k] = v.tolist() if v.dim() > 0 else v.item()
        elif isinstance(v, (int, float)):
            out[k] = v
    return out


def header(what):
    return {
        'generator': 'tools/torch/generate_fixtures.py',
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'dtype': 'float64',
        'what': what,
        'problems': {name: {k: v for k, v in p.items() if k not in ('f', 'sgdLr')} for name, p in PROBLEMS.items()},
    }


def optimizer_cases(ids):
    cases = []
    for opt_id in ids:
        for setting, hp in SETTINGS[opt_id]:
            for problem, prob in PROBLEMS.items():
                h = dict(hp)
                if opt_id == 'sgd':
                    h['lr'] = hp['lr'] * prob['sgdLr']
                cases.append(run_case(opt_id, setting, problem, h))
    return cases


def schedule_clip_cases():
    C = []
    C.append(run_case('sgd', 'StepLR', 'quadratic5', {'lr': 0.01, 'momentum': 0.9},
                      schedule={'type': 'step', 'stepSize': 10, 'gamma': 0.5}))
    C.append(run_case('adam', 'ExponentialLR', 'rosenbrock', {'lr': 0.1},
                      schedule={'type': 'exponential', 'gamma': 0.95}))
    C.append(run_case('sgd', 'OneCycleLR', 'himmelblau', {'lr': 0.01},
                      schedule={'type': 'oneCycle', 'steps': STEPS}))
    C.append(run_case('adam', 'OneCycleLR+fields', 'styblinskiTang5', {'lr': 0.05},
                      schedule={'type': 'oneCycle', 'steps': STEPS, 'maxLr': 0.2, 'pctStart': 0.25,
                                'divFactor': 10.0, 'finalDivFactor': 100.0}))
    C.append(run_case('rmsprop', 'LinearLR', 'rosenbrock', {'lr': 0.01, 'momentum': 0.5},
                      schedule={'type': 'linearWarmup', 'warmup': 20, 'startFactor': 0.1}))
    C.append(run_case('radam', 'LinearLR', 'quadratic5', {'lr': 0.01},
                      schedule={'type': 'linearWarmup', 'warmup': 15, 'startFactor': 0.25}))
    C.append(run_case('adamw', 'cosine (group lr)', 'himmelblau', {'lr': 0.1, 'weightDecay': 0.05},
                      schedule={'type': 'cosine', 'steps': STEPS, 'warmup': 10, 'minLr': 0.001}))
    C.append(run_case('lion', 'StepLR', 'styblinskiTang5', {'lr': 0.05, 'weightDecay': 0.01},
                      schedule={'type': 'step', 'stepSize': 15}))
    C.append(run_case('sgd', 'clip_grad_norm_', 'rosenbrock', {'lr': 0.01, 'momentum': 0.9},
                      clip={'norm': 1.0}))
    C.append(run_case('adam', 'clip_grad_value_', 'himmelblau', {'lr': 0.05, 'weightDecay': 0.01},
                      clip={'value': 0.5}))
    C.append(run_case('nadam', 'clip_grad_norm_+ExponentialLR', 'quadratic5', {'lr': 0.05},
                      schedule={'type': 'exponential', 'gamma': 0.97}, clip={'norm': 2.0}))
    C.append(run_case('adagrad', 'clip_grad_value_+StepLR', 'rosenbrock', {'lr': 0.5, 'lrDecay': 0.01},
                      schedule={'type': 'step', 'stepSize': 20, 'gamma': 0.3}, clip={'value': 3.0}))
    C.append(run_case('adadelta', 'clip_grad_norm_+OneCycleLR', 'styblinskiTang5', {'lr': 5.0},
                      schedule={'type': 'oneCycle', 'steps': STEPS}, clip={'norm': 0.5}))
    return C


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'{path}: {len(doc["cases"])} cases, {os.path.getsize(path)} bytes')


def main():
    torch_ids = ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'adadelta']
    write('optimizers.json', {**header('torch.optim, single-tensor path, float64'), 'cases': optimizer_cases(torch_ids)})
    write('lion.json', {**header('Lion: the paper\'s Program 1 in torch float64 tensors'), 'cases': optimizer_cases(['lion'])})
    write('schedules-clip.json', {**header('torch.optim.lr_scheduler (or group lr) and torch.nn.utils.clip_grad_*'),
                                  'cases': schedule_clip_cases()})


if __name__ == '__main__':
    main()
