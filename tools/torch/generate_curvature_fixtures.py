#!/usr/bin/python3
"""Generate the curvature fixtures in test/fixtures/torch/curvature.json.

Run with Debian's PyTorch (apt-get install python3-torch; it installs for /usr/bin/python3):

    /usr/bin/python3 tools/torch/generate_curvature_fixtures.py

1. Hessians of every built-in problem (src/engine/problems.ts, written again here with torch
   tensors) by torch.autograd.functional.hessian in float64, at the start point, the known minima
   and seeded points of the plot window, with their eigenvalues by torch.linalg.eigvalsh; problems
   of any dimension at 2 and 5 parameters; problems with data on all examples and on one batch.
   The datasets are the engine's (mulberry32 and Box–Muller, src/engine/random.ts), generated again
   here bit for bit up to the last digit of libm's log and cos.
2. The preconditioned sharpness of Cohen et al., "Adaptive Gradient Methods at the Edge of
   Stability" (2022), along torch.optim runs: at step k (parameters θ_k, gradient g_k), after
   optimizer.step() has taken the update from θ_k, the optimizer's state gives P_k, and
   λmax(P_k⁻¹H(θ_k)) = eigvalsh(P^{-1/2} H P^{-1/2})[-1]. For Adam (the paper's §2):
   P_k = (1 − β₁^t)·(diag(√(ν_t/(1 − β₂^t))) + εI), t = k + 1 the step counter torch keeps;
   with a coupled L2 weight decay λ, H + λI (the Hessian of what Adam minimises). RMSprop,
   Adagrad and Adamax are read the same way from their state (see preconditioners.ts).
3. Hessians of loss snippets: every case of generate_snippet_fixtures.py (one definition of each
   snippet and of its torch twin, imported from there) except the one with its own `grad` export,
   by torch.autograd.functional.hessian at the same points (and mini-batch), with eigvalsh.

The fixtures are the generator's output only: never edit them by hand; change this script and
re-run it.
"""
import json
import math
import os
import random
import sys

import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_snippet_fixtures as snippets  # noqa: E402  (the snippet cases, defined once there)

OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch', 'curvature.json'))
T = torch.tensor
TWO_PI = 2 * math.pi
MASK = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# The engine's seeded data (src/engine/random.ts)

def imul(a, b):
    return (a * b) & MASK


class Random:
    """mulberry32 with Box–Muller (cosine branch), as the engine's Random, in uint32 arithmetic."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    def normal(self):
        u1 = 1 - self.next()
        u2 = self.next()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def linear_regression_data(seed=0):
    r = Random(seed)
    xs, ys = [], []
    for _ in range(64):
        x = 3 * r.next()
        xs.append(x)
        ys.append(2 * x - 1 + 0.5 * r.normal())
    return T(xs), T(ys)


def logistic_regression_data(seed=0):
    r = Random(seed)
    xs, labels = [], []
    for i in range(100):
        label = i % 2
        labels.append(float(label))
        xs.append((1 if label == 1 else -1) + r.normal())
    return T(xs), T(labels)


LIN_X, LIN_Y = linear_regression_data()
LOG_X, LOG_L = logistic_regression_data()


# ---------------------------------------------------------------------------------------------
# The problems, with torch tensors (same formulas as problems.ts)

C30, S30 = math.cos(math.pi / 6), math.sin(math.pi / 6)


def linreg(p, batch=None):
    x, y = (LIN_X, LIN_Y) if batch is None else (LIN_X[batch], LIN_Y[batch])
    r = p[0] * x + p[1] - y
    return torch.mean(r * r)


def logreg(p, batch=None):
    x, label = (LOG_X, LOG_L) if batch is None else (LOG_X[batch], LOG_L[batch])
    z = p[0] * x + p[1]
    return torch.mean(torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z))) - label * z)


def ackley(p):
    n = p.shape[0]
    r = torch.sqrt(torch.sum(p * p) / n)
    return -20 * torch.exp(-0.2 * r) - torch.exp(torch.sum(torch.cos(TWO_PI * p)) / n) + math.e + 20


PROBLEMS = {
    'rosenbrock': dict(f=lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
                       init=[-1.5, 2], domain=[[-2, 2], [-1, 3]], minima=[[1, 1]]),
    'beale': dict(f=lambda p: (1.5 - p[0] + p[0] * p[1]) ** 2 + (2.25 - p[0] + p[0] * p[1] ** 2) ** 2
                  + (2.625 - p[0] + p[0] * p[1] ** 3) ** 2,
                  init=[1, 1.5], domain=[[-4.5, 4.5], [-4.5, 4.5]], minima=[[3, 0.5]]),
    'himmelblau': dict(f=lambda p: (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2,
                       init=[0, 0], domain=[[-5, 5], [-5, 5]], minima=[[3, 2], [-2.805118086952745, 3.131312518250573]]),
    'rastrigin': dict(f=lambda p: 10 * p.shape[0] + torch.sum(p * p - 10 * torch.cos(TWO_PI * p)),
                      init=[3.2, -2.7], domain=[[-5.12, 5.12], [-5.12, 5.12]], minima=['zeros'], any=True),
    'booth': dict(f=lambda p: (p[0] + 2 * p[1] - 7) ** 2 + (2 * p[0] + p[1] - 5) ** 2,
                  init=[-8, -6], domain=[[-10, 10], [-10, 10]], minima=[[1, 3]]),
    'matyas': dict(f=lambda p: 0.26 * (p[0] ** 2 + p[1] ** 2) - 0.48 * p[0] * p[1],
                   init=[8, -6], domain=[[-10, 10], [-10, 10]], minima=[[0, 0]]),
    # The origin is the cone's tip, where the Hessian does not exist: no minimum point.
    'ackley': dict(f=ackley, init=[-3.5, 2.5], domain=[[-5, 5], [-5, 5]], minima=[], any=True),
    'styblinski-tang': dict(f=lambda p: 0.5 * torch.sum(p ** 4 - 16 * p ** 2 + 5 * p),
                            init=[4.5, 3.5], domain=[[-5, 5], [-5, 5]], minima=['st'], any=True),
    'ill-conditioned-quadratic': dict(
        f=lambda p: 0.5 * ((C30 * p[0] + S30 * p[1]) ** 2 + 50 * (C30 * p[1] - S30 * p[0]) ** 2),
        init=[-2.5, 1], domain=[[-3, 3], [-3, 3]], minima=[[0, 0]]),
    'saddle': dict(f=lambda p: p[0] ** 2 - p[1] ** 2, init=[-1.5, 0.01], domain=[[-2, 2], [-2, 2]], minima=[]),
    'linear-regression': dict(f=linreg, init=[-0.5, 2], domain=[[-1, 4], [-3, 3]], minima=[], data=64),
    'logistic-regression': dict(f=logreg, init=[-1, 2], domain=[[-2, 5], [-3, 3]], minima=[], data=100),
}
ST_X = -2.903534027771177


def hessian_case(f, params, batch=None):
    params = [float(v) for v in params]
    x = T(params)
    g = (lambda p: f(p, batch)) if batch is not None else f
    h = torch.autograd.functional.hessian(g, x)
    h = (h + h.T) / 2  # autograd's Hessian is symmetric up to rounding
    case = {'params': list(map(float, params)), 'loss': g(x).item(), 'hessian': h.flatten().tolist(),
            'eigenvalues': torch.linalg.eigvalsh(h).tolist()}
    if batch is not None:
        case['batch'] = batch
    return case


def preset_cases():
    rng = random.Random(20221)
    out = []
    for name, prob in PROBLEMS.items():
        dims = [2, 5] if prob.get('any') else [2]
        for dim in dims:
            init = [prob['init'][i % 2] for i in range(dim)]
            points = [init]
            for m in prob['minima']:
                points.append([0.0] * dim if m == 'zeros' else [ST_X] * dim if m == 'st' else m)
            for _ in range(3):
                points.append([rng.uniform(*prob['domain'][i % 2]) for i in range(dim)])
            cases = [hessian_case(prob['f'], p) for p in points]
            if prob.get('data'):
                batch = sorted(rng.sample(range(prob['data']), 8))
                cases.append(hessian_case(prob['f'], points[-1], batch))
            out.append({'problem': name, 'dim': dim, 'points': cases})
    return out


# ---------------------------------------------------------------------------------------------
# Preconditioned sharpness along torch.optim runs

def make_quadratic():
    """A 5-D rotated quadratic ½(x − c)ᵀA(x − c), eigenvalues 1…50 (as generate_fixtures.py)."""
    g = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(5, 5, generator=g))
    a = q @ torch.diag(T([1.0, 3.0, 8.0, 20.0, 50.0])) @ q.T
    return (a + a.T) / 2, T([1.0, -0.5, 0.25, 2.0, -1.0])


QA, QC = make_quadratic()
RUN_PROBLEMS = {
    'rosenbrock': (PROBLEMS['rosenbrock']['f'], [-1.5, 2.0]),
    'quadratic5': (lambda x: 0.5 * torch.dot(x - QC, QA @ (x - QC)), [0.0] * 5),
    'styblinskiTang5': (PROBLEMS['styblinski-tang']['f'], [0.37, -0.61, 1.13, -1.29, 0.23]),
}


def preconditioner(opt_id, opt, x, hp):
    s = opt.state[x]
    t = float(s['step'])
    if opt_id in ('adam', 'adamw'):
        b1, b2 = hp['betas']
        v = s['max_exp_avg_sq'] if hp.get('amsgrad') else s['exp_avg_sq']
        return (1 - b1 ** t) * (torch.sqrt(v) / math.sqrt(1 - b2 ** t) + hp['eps'])
    if opt_id == 'adamax':
        return (1 - hp['betas'][0] ** t) * s['exp_inf']
    if opt_id == 'rmsprop':
        v = s['square_avg']
        if hp.get('centered'):
            v = v - s['grad_avg'] * s['grad_avg']
        return torch.sqrt(v) + hp['eps']
    if opt_id == 'adagrad':
        return torch.sqrt(s['sum']) + hp['eps']
    raise ValueError(opt_id)


CLASSES = {'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'adamax': torch.optim.Adamax,
           'rmsprop': torch.optim.RMSprop, 'adagrad': torch.optim.Adagrad}
TORCH_NAMES = {'lr': 'lr', 'betas': 'betas', 'eps': 'eps', 'weightDecay': 'weight_decay', 'amsgrad': 'amsgrad',
               'momentum': 'momentum', 'centered': 'centered', 'alpha': 'alpha'}
RUNS = [
    ('adam', 'rosenbrock', {'lr': 0.05, 'betas': [0.9, 0.999], 'eps': 1e-8}),
    ('adam', 'quadratic5', {'lr': 0.1, 'betas': [0.9, 0.999], 'eps': 1e-8}),
    ('adam', 'quadratic5', {'lr': 0.05, 'betas': [0.8, 0.99], 'eps': 1e-6, 'weightDecay': 0.1}),
    ('adam', 'styblinskiTang5', {'lr': 0.05, 'betas': [0.9, 0.999], 'eps': 1e-8, 'amsgrad': True}),
    ('adamw', 'rosenbrock', {'lr': 0.05, 'betas': [0.9, 0.999], 'eps': 1e-8, 'weightDecay': 0.1}),
    ('adamax', 'quadratic5', {'lr': 0.05, 'betas': [0.9, 0.999], 'eps': 1e-8}),
    ('rmsprop', 'rosenbrock', {'lr': 0.01, 'alpha': 0.99, 'eps': 1e-8, 'momentum': 0.5}),
    ('rmsprop', 'quadratic5', {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-8, 'centered': True}),
    ('adagrad', 'styblinskiTang5', {'lr': 0.1, 'eps': 1e-10}),
]
RUN_STEPS = 30


def run_case(opt_id, problem, hp):
    f, init = RUN_PROBLEMS[problem]
    x = T([float(v) for v in init], requires_grad=True)
    opt = CLASSES[opt_id]([x], **{TORCH_NAMES[k]: (tuple(v) if k == 'betas' else v) for k, v in hp.items()}, foreach=False)
    wd = hp.get('weightDecay', 0.0) if opt_id != 'adamw' else 0.0
    params, sharpness, preconditioned = [], [], []
    for _ in range(RUN_STEPS):
        theta = x.detach().clone()
        params.append(theta.tolist())
        h = torch.autograd.functional.hessian(f, theta)
        h = (h + h.T) / 2
        sharpness.append(torch.linalg.eigvalsh(h)[-1].item())
        opt.zero_grad()
        f(x).backward()
        opt.step()
        p = preconditioner(opt_id, opt, x, hp)
        root = torch.sqrt(p)
        m = (h + wd * torch.eye(len(init))) / root[:, None] / root[None, :]
        preconditioned.append(torch.linalg.eigvalsh((m + m.T) / 2)[-1].item())
    return {'optimizer': opt_id, 'problem': problem, 'hyperparameters': hp, 'init': init,
            'params': params, 'sharpness': sharpness, 'preconditionedSharpness': preconditioned}


def snippet_cases():
    out = []
    for c in snippets.CASES:
        if c.get('user'):
            continue  # its gradient is the user's; its Hessian is central differences of it (tested on its own)
        points = [hessian_case(lambda p, rows=snippets.DATA: c['f'](p, rows), point) for point in c['points']]
        case = {'name': c['name'], 'source': c['ts'], 'points': points}
        if 'batch' in c:
            rows = [snippets.DATA[k] for k in c['batch']]
            b = hessian_case(lambda p: c['f'](p, rows), c['points'][0])
            case['batch'] = {**b, 'indices': c['batch']}
        out.append(case)
    return out


def main():
    doc = {
        'generator': 'tools/torch/generate_curvature_fixtures.py', 'torch': torch.__version__,
        'python': sys.version.split()[0], 'dtype': 'float64',
        'quadratic5': {'A': QA.flatten().tolist(), 'c': QC.tolist()},
        'presets': preset_cases(),
        'runs': [run_case(*r) for r in RUNS],
        'snippets': snippet_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'{OUT}: {sum(len(p["points"]) for p in doc["presets"])} preset Hessians, {len(doc["runs"])} runs, '
          f'{len(doc["snippets"])} snippets, '
          f'{os.path.getsize(OUT)} bytes')


if __name__ == '__main__':
    main()
