#!/usr/bin/python3
"""Generate the snippet-gradient fixtures in test/fixtures/torch/snippets.json.

Run with Debian's PyTorch (apt-get install python3-torch; it installs for /usr/bin/python3):

    /usr/bin/python3 tools/torch/generate_snippet_fixtures.py

Each case is a TypeScript loss snippet (the source the tests compile) and the same function
written with torch tensors; torch.autograd gives its value and gradient in float64 at a few
points (and on a mini-batch where the loss takes one). A few cases also record torch.optim runs
on the snippet's loss. test/snippet/torchGradients.test.ts checks every gradient path of the
snippet compiler against them (straight-line, forward mode, the tape, a `grad` export), with the
module's constants exported and not, and with names the generated code once used.

Conventions the torch side follows, as JavaScript defines them: `%` is torch.fmod (truncated);
Math.max/min of several arguments is torch.amax/amin over them (the gradient split evenly between
tied arguments, as torch.maximum does for two); Math.round of x is floor(x + 0.5) (no point sits on
a half). The fixtures are the generator's output only: never edit them by hand.
"""
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch', 'snippets.json'))
T = torch.tensor


def amax(*xs):
    return torch.amax(torch.stack([x if torch.is_tensor(x) else T(float(x)) for x in xs]))


def amin(*xs):
    return torch.amin(torch.stack([x if torch.is_tensor(x) else T(float(x)) for x in xs]))


DATA = [[0.0, 1.0], [1.0, 3.0], [2.0, 5.5], [3.0, 6.8], [4.0, 9.1], [-1.0, -0.7]]
DATA_TS = json.dumps(DATA)


def mse(p, rows):
    w, b = p[0], p[1]
    s = T(0.0)
    for x, y in rows:
        r = w * x + b - y
        s = s + r * r
    return s / len(rows)


def helper_sq(v):
    return v * v


def pw(v, n):
    return T(1.0) if n == 0 else v * pw(v, n - 1)


def rastrigin(p):
    s = T(10.0 * len(p))
    for x in p:
        s = s + x * x - 10 * torch.cos(2 * math.pi * x)
    return s


def forward_params(p):
    s = T(0.0)
    for x in p:
        s = s + x ** 4 - 3 * torch.cos(x) + amax(x, 0.5)
    for i in range(len(p) - 1):
        d = p[i + 1] - p[i] * p[i]
        s = s + (d * d if d.item() > 0 else -d)
    return s / len(p)


def ifelse(p):
    x, y = p[0], p[1]
    if x.item() < 0:
        r = -x * y
    elif y.item() >= 2:
        r = x * y * y
    else:
        r = torch.exp(x) + y
    if not r.item() > 100:
        r = r * 2
    return r


def loops(p):
    x, y = p[0], p[1]
    s, k = T(0.0), 0
    while k < 4:
        s = s + x ** k
        k += 1
    t = y
    while True:
        t = t * 0.5 + x
        k -= 1
        if not k > 0:
            break
    return s + t


def closures(p):
    x, y = p[0], p[1]

    def scale(k):
        return lambda v: k * v
    by_x = scale(x)
    return by_x(y) + by_x(x)


def arrays(p):
    x, y = p[0], p[1]
    xs = [x, y, x * y]
    xs.append(xs[0] + xs[2])
    xs[1] = xs[1] * 3
    return sum((v * v for v in xs), T(0.0))


def destructuring(p):
    a, _, c, *rest = list(p)
    u, v = a * c, rest[0]
    return u + v * v


def classes(p):
    return p[1] * p[0] * p[0]


def sort_filter(p):
    vals = sorted(list(p), key=lambda t: t.item())
    pos = [v for v in vals if v.item() > 0]
    return sum((v * (i + 1) for i, v in enumerate(pos)), T(0.0))


def compound(p):
    x, y = p[0], p[1]
    s = x
    s = s - y
    s = s * x
    s = s / (1 + y * y)
    s = s ** 2
    s = s + 1
    k = x + 1 + 1 - 1
    return s + k * y


def mod_ops(p):
    x, y = p[0], p[1]
    r = torch.fmod(x * 3, y)
    r = torch.fmod(r + 5.5, 2)
    return r * x + torch.fmod(y, 0.7) * y


def logical(p):
    x, y = p[0], p[1]
    a = y * 2 if x.item() > 0.5 else x   # (x > 0.5 && y * 2) || x, y * 2 never 0 at the points
    b = x if x.item() != 0 else y        # x || y
    c = T(3.0) if y.item() == 1 and x.item() != 1 and x.item() != 0 else x * y  # y == 1 && x !== y && x != 0 ? 3 : x * y
    d = x                                 # no point is an integer, infinite or NaN
    e = y * x                             # e = 0; e ||= y; e &&= e * x
    return a * b + c + d * e


def switch(p):
    x, y = p[0], p[1]
    k = int(math.floor(x.item()))
    s = y
    if k == 0:
        s = s * x
    elif k == 1:
        s = s + x * x
        s = s * 2
    elif k == 2:
        s = s + x * x
        s = s * 2
    else:
        s = -s
    return s * y


def objects(p):
    x, y = p[0], p[1]
    o = {'a': x * y, 'b': [x, y]}
    o['a'] = o['a'] + o['b'][1]
    return o['a'] * o['b'][0]


def forward_while(p):
    x, y = p[0], p[1]
    s, k = T(0.0), 0
    while k < 3:
        s = s + x ** (k + 1) * y
        k += 1
    return s


def wide(p):
    s = T(0.0)
    for i, x in enumerate(p):
        s = s + (i + 1) * (x - 0.1 * i) ** 2 + torch.sin(x) * p[(i + 1) % len(p)]
    return s


def kinks(p):
    x, y = p[0], p[1]
    return torch.abs(x) + torch.maximum(y, T(0.0)) + torch.minimum(x, T(0.0)) * 3 + torch.abs(y - x)


W3 = [1.0, 2.0, 3.0]


# Each case: the snippet's TypeScript, its torch twin f(p, rows) (rows: the data, or the batch),
# the points, an optional mini-batch (indices into DATA), and the fast path the compiler should
# choose for the snippet as written ('straight-line', 'forward' or None: the tape).
CASES = [
    {'name': 'arithmetic: + - * / and unary minus', 'fast': 'straight-line',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return x + y - 3 * x - (y - x) + (x * y) / (1 + x * x) + 2 / y - -x * -y;\n}',
     'f': lambda p, _: p[0] + p[1] - 3 * p[0] - (p[1] - p[0]) + (p[0] * p[1]) / (1 + p[0] * p[0]) + 2 / p[1] - (-p[0]) * (-p[1]),
     'points': [[0.3, -1.2], [0.7, 1.9], [-2.5, 0.4]]},
    {'name': 'powers: constant and variable exponents', 'fast': 'straight-line',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return x ** 3 + 2 ** y + x ** y + (x * x) ** 0.5 + x ** 2;\n}',
     'f': lambda p, _: p[0] ** 3 + 2 ** p[1] + p[0] ** p[1] + (p[0] * p[0]) ** 0.5 + p[0] ** 2,
     'points': [[1.3, 0.8], [0.4, 2.2], [2.1, -0.6]]},
    {'name': 'module constants: coefficients and Math constants', 'fast': 'straight-line',
     'ts': 'const A = 2.5;\nconst B = 1;\nconst C = A * Math.PI;\nexport default function loss([x, y]: number[]): number {\n  const u = x - B;\n  return A * u * u + y * y + C * x * y;\n}',
     'f': lambda p, _: 2.5 * (p[0] - 1) ** 2 + p[1] * p[1] + (2.5 * math.pi) * p[0] * p[1],
     'points': [[1.0, 1.0], [0.2, -0.3], [-1.5, 2.0]]},
    {'name': 'module arrays read by index', 'fast': 'forward',
     'ts': 'const B = [1, -0.5];\nconst K = 3;\nexport default function loss([x, y]: number[]): number {\n  return K * (x - B[0]) ** 2 + (y - B[1]) ** 2;\n}',
     'f': lambda p, _: 3 * (p[0] - 1) ** 2 + (p[1] + 0.5) ** 2, 'points': [[1.0, 1.0], [0.2, -0.3], [-1.5, 2.0]]},
    {'name': 'Math: sin cos tan asin acos atan atan2', 'fast': 'straight-line',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return Math.sin(x) * Math.cos(y) + Math.tan(x * y) + Math.asin(x / 2) + Math.acos(y / 3) + Math.atan(x * y) + Math.atan2(y, x);\n}',
     'f': lambda p, _: torch.sin(p[0]) * torch.cos(p[1]) + torch.tan(p[0] * p[1]) + torch.asin(p[0] / 2) + torch.acos(p[1] / 3)
     + torch.atan(p[0] * p[1]) + torch.atan2(p[1], p[0]),
     'points': [[0.4, 0.9], [0.5, 1.1], [-0.3, 0.2]]},
    {'name': 'Math: hyperbolic functions and their inverses', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return Math.sinh(x) + Math.cosh(y) * Math.tanh(x - y) + Math.asinh(x) + Math.acosh(1.5 + y * y) + Math.atanh(x / 3);\n}',
     'f': lambda p, _: torch.sinh(p[0]) + torch.cosh(p[1]) * torch.tanh(p[0] - p[1]) + torch.asinh(p[0]) + torch.acosh(1.5 + p[1] * p[1])
     + torch.atanh(p[0] / 3),
     'points': [[0.3, -0.6], [0.7, 0.8], [-1.1, 0.1]]},
    {'name': 'Math: exp expm1 log log1p log2 log10 sqrt cbrt', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return Math.exp(x) + Math.expm1(y) + Math.log(x * y) + Math.log1p(x) + Math.log2(x) * Math.log10(y) + Math.sqrt(x + y) + Math.cbrt(x - y);\n}',
     'f': lambda p, _: torch.exp(p[0]) + torch.expm1(p[1]) + torch.log(p[0] * p[1]) + torch.log1p(p[0]) + torch.log2(p[0]) * torch.log10(p[1])
     + torch.sqrt(p[0] + p[1]) + torch.sign(p[0] - p[1]) * torch.abs(p[0] - p[1]) ** (1.0 / 3.0),
     'points': [[2.3, 1.1], [0.9, 1.4], [0.6, 3.2]]},
    {'name': 'Math: pow and hypot', 'fast': 'forward',
     'ts': 'export default function loss([x, y, z]: number[]): number {\n  return Math.pow(x, 3) + Math.pow(y, z) + Math.hypot(x, y, z, 2);\n}',
     'f': lambda p, _: torch.pow(p[0], 3) + torch.pow(p[1], p[2]) + torch.sqrt(p[0] ** 2 + p[1] ** 2 + p[2] ** 2 + 4),
     'points': [[1.2, 1.5, 0.7], [-0.4, 2.0, 1.3], [0.9, 0.3, -1.1]]},
    {'name': 'Math: abs sign floor ceil round trunc', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  return Math.abs(x) * y + Math.sign(y) * x + Math.abs(y - 3) + Math.floor(x) * y + Math.ceil(y) * x + Math.round(x * 3) + Math.trunc(y) * x * y;\n}',
     'f': lambda p, _: torch.abs(p[0]) * p[1] + torch.sign(p[1]) * p[0] + torch.abs(p[1] - 3) + torch.floor(p[0]) * p[1] + torch.ceil(p[1]) * p[0]
     + torch.floor(p[0] * 3 + 0.5) + torch.trunc(p[1]) * p[0] * p[1],
     'points': [[-0.8, 1.3], [1.3, 2.6], [2.2, -1.7]]},
    {'name': 'Math.max and Math.min, ties split evenly', 'fast': 'forward',
     'ts': 'export default function loss([x, y, z]: number[]): number {\n  return Math.max(x, y, z) * 2 + Math.min(x, y) - Math.max(x * x, 0.1) + Math.min(z, y, 5);\n}',
     'f': lambda p, _: amax(p[0], p[1], p[2]) * 2 + amin(p[0], p[1]) - amax(p[0] * p[0], 0.1) + amin(p[2], p[1], 5.0),
     'points': [[0.2, 1.4, 0.9], [1.0, 1.0, 1.0], [0.5, -0.25, -0.25], [2.0, 2.0, -3.0]]},
    {'name': 'Math.max of two equal arguments (torch.maximum)', 'fast': 'forward',
     'ts': 'export default ([x, y]: number[]): number => Math.max(x * y, y) + Math.min(x, 1);',
     'f': lambda p, _: torch.maximum(p[0] * p[1], p[1]) + torch.minimum(p[0], T(1.0)),
     'points': [[1.0, 3.0], [0.5, 2.0], [2.0, -1.0]]},
    {'name': 'ternaries and comparisons', 'fast': 'forward',
     'ts': 'export default ([x, y]: number[]): number => (x > y ? x * x : y * y) + (x <= 0.5 ? 3 * x : 0) + (x === y ? 100 : x * y);',
     'f': lambda p, _: (p[0] * p[0] if p[0] > p[1] else p[1] * p[1]) + (3 * p[0] if p[0] <= 0.5 else 0) + (100 if p[0] == p[1] else p[0] * p[1]),
     'points': [[1.2, 0.3], [0.2, 0.9], [0.4, -2.0]]},
    {'name': 'if / else if / else', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  let r: number;\n  if (x < 0) r = -x * y;\n  else if (y >= 2) r = x * y * y;\n  else { r = Math.exp(x) + y; }\n  if (!(r > 100)) r = r * 2;\n  return r;\n}',
     'f': lambda p, _: ifelse(p), 'points': [[0.4, 2.5], [-0.7, 1.1], [0.3, 0.5]]},
    {'name': 'while and do-while loops', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  let s = 0, k = 0;\n  while (k < 4) { s += x ** k; k++; }\n  let t = y;\n  do { t = t * 0.5 + x; k--; } while (k > 0);\n  return s + t;\n}',
     'f': lambda p, _: loops(p), 'points': [[0.7, 1.6], [-1.2, 0.3], [2.0, -0.5]]},
    {'name': 'for loop over the params (Rastrigin)', 'fast': 'forward',
     'ts': 'export default function loss(p: number[]): number {\n  let s = 10 * p.length;\n  for (const x of p) s += x * x - 10 * Math.cos(2 * Math.PI * x);\n  return s;\n}\nexport const init = [1.2, -0.7, 0.4];',
     'f': lambda p, _: rastrigin(p), 'points': [[1.2, -0.7, 0.4], [0.1, 0.2, 0.3], [-2.1, 1.7, 0.05]]},
    {'name': 'for loops with counters over the params', 'fast': 'forward',
     'ts': 'export default function loss(p: number[]): number {\n  let s = 0;\n  for (const x of p) s += x ** 4 - 3 * Math.cos(x) + Math.max(x, 0.5);\n  for (let i = 0; i + 1 < p.length; i++) { const d = p[i + 1] - p[i] * p[i]; s += d > 0 ? d * d : -d; }\n  return s / p.length;\n}\nexport const init = [0.4, -1.3, 2.2];',
     'f': lambda p, _: forward_params(p), 'points': [[0.4, -1.3, 2.2], [1.1, 0.2, -0.9], [0.5, 0.5, 0.5]]},
    {'name': 'helper functions and recursion', 'fast': None,
     'ts': 'function sq(v: number): number { return v * v; }\nfunction pw(v: number, n: number): number { return n === 0 ? 1 : v * pw(v, n - 1); }\nexport default function loss([x, y]: number[]): number { return sq(x - 1) + pw(y, 3); }',
     'f': lambda p, _: helper_sq(p[0] - 1) + pw(p[1], 3), 'points': [[0.2, 1.3], [-1.4, 0.6], [2.0, -0.8]]},
    {'name': 'closures', 'fast': None,
     'ts': 'const scale = (k: number) => (v: number) => k * v;\nexport default function loss([x, y]: number[]): number {\n  const byX = scale(x);\n  let acc = 0;\n  const add = (v: number) => { acc += v; };\n  add(byX(y)); add(byX(x));\n  return acc;\n}',
     'f': lambda p, _: closures(p), 'points': [[1.1, -0.7], [0.3, 0.9], [-2.0, 1.5]]},
    {'name': 'arrays: literals, push, index, length', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  const xs: number[] = [x, y, x * y];\n  xs.push(xs[0] + xs[2]);\n  xs[1] = xs[1] * 3;\n  let s = 0;\n  for (let i = 0; i < xs.length; i++) s += xs[i] * xs[i];\n  return s;\n}',
     'f': lambda p, _: arrays(p), 'points': [[0.8, -0.3], [1.5, 2.0], [-0.6, 0.1]]},
    {'name': 'arrays: map, reduce, sort, filter', 'fast': None,
     'ts': 'export default (p: number[]): number => [...p].sort((a, b) => a - b).filter((v) => v > 0).reduce((s, v, i) => s + v * (i + 1), 0)\n  + p.map((v, i) => v * (i + 1)).reduce((a, b) => a + b * b, 0);\nexport const init = [0.9, -0.4, 0.2];',
     'f': lambda p, _: sort_filter(p) + sum((((i + 1) * v) ** 2 for i, v in enumerate(p)), T(0.0)),
     'points': [[0.9, -0.4, 0.2], [-1.0, 2.0, 0.5], [0.3, 0.1, 0.7]]},
    {'name': 'destructuring: arrays and objects', 'fast': None,
     'ts': 'export default function loss(p: number[]): number {\n  const [a, , c, ...rest] = p;\n  const { u, v } = { u: a * c, v: rest[0] };\n  return u + v * v;\n}\nexport const init = [0.4, 9, 1.3, 0.6];',
     'f': lambda p, _: destructuring(p), 'points': [[0.4, 9.0, 1.3, 0.6], [-1.0, 0.0, 2.0, 3.0], [0.5, 0.5, 0.5, -0.5]]},
    {'name': 'classes and methods', 'fast': None,
     'ts': 'class Quad { constructor(readonly a: number) {} at(v: number): number { return this.a * v * v; } }\nexport default ([x, y]: number[]): number => new Quad(y).at(x);',
     'f': lambda p, _: classes(p), 'points': [[1.4, 0.3], [-0.5, 2.0], [0.1, -1.0]]},
    {'name': 'module weights read by reduce', 'fast': None,
     'ts': 'const W = [1, 2, 3];\nconst BIAS = 0.5;\nexport default (p: number[]): number => W.reduce((s, w, i) => s + w * p[i], BIAS) ** 2;\nexport const init = [0.1, 0.2, -0.3];',
     'f': lambda p, _: (0.5 + sum((w * p[i] for i, w in enumerate(W3)), T(0.0))) ** 2,
     'points': [[0.1, 0.2, -0.3], [1.0, -1.0, 0.5], [0.0, 0.0, 2.0]]},
    {'name': 'embedded data read in a loop (for…of with destructuring)', 'fast': 'forward',
     'ts': f'const data = {DATA_TS};\nexport default function loss([w, b]: number[]): number {{\n  let s = 0;\n  for (const [x, y] of data) {{ const r = w * x + b - y; s += r * r; }}\n  return s / data.length;\n}}',
     'f': lambda p, _: mse(p, DATA), 'points': [[1.7, 0.4], [0.0, 0.0], [-1.0, 3.0]]},
    {'name': 'mini-batches: loss(params, batch = data)', 'fast': 'forward', 'batch': [3, 1, 4, 0],
     'ts': f'const data = {DATA_TS};\nexport default function loss([w, b]: number[], batch: number[][] = data): number {{\n  let s = 0;\n  for (const [x, y] of batch) {{ const r = w * x + b - y; s += r * r; }}\n  return s / batch.length;\n}}',
     'f': mse, 'points': [[1.7, 0.4], [0.3, -0.2], [2.5, 1.0]]},
    {'name': 'mini-batches on the tape: reduce over the batch', 'fast': None, 'batch': [5, 2, 2],
     'ts': f'const data = {DATA_TS};\nexport default (p: number[], batch: number[][] = data): number =>\n  batch.reduce((s, [x, y]) => s + (p[0] * x + p[1] - y) ** 2, 0) / batch.length;\nexport const init = [0.5, 0.5];',
     'f': mse, 'points': [[0.5, 0.5], [1.9, -0.3], [-0.2, 2.2]]},
    {'name': 'compound assignments, ++ and --', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  let s = x;\n  s -= y; s *= x; s /= 1 + y * y; s **= 2; s += 1;\n  let k = x;\n  k++; ++k; k--;\n  return s + k * y;\n}',
     'f': lambda p, _: compound(p), 'points': [[0.7, -0.4], [1.9, 0.6], [-1.3, 2.2]]},
    {'name': 'remainder: % and %= (truncated, as torch.fmod)', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  let r = (x * 3) % y;\n  r += 5.5;\n  r %= 2;\n  return r * x + (y % 0.7) * y;\n}',
     'f': lambda p, _: mod_ops(p), 'points': [[0.9, 0.8], [-1.3, 1.1], [2.2, -0.9]]},
    {'name': 'value-returning && and ||, ||= and &&=, loose equality, unary plus, ! and Number predicates', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  const a = (x > 0.5 && y * 2) || x;\n  const b = x || y;\n  const c = y == 1 && x !== y && x != 0 ? 3 : +x * y;\n  const d = Number.isFinite(x) && !Number.isNaN(y) && !Number.isInteger(x) ? x : y;\n  let e = 0;\n  e ||= y;\n  e &&= e * x;\n  return a * b + (!(x > 10) ? c : 0) + d * e;\n}',
     'f': lambda p, _: logical(p), 'points': [[0.9, 1.0], [0.2, -1.5], [1.4, 0.3]]},
    {'name': 'switch with fall-through and default', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  let s = y;\n  switch (Math.floor(x)) {\n    case 0: s *= x; break;\n    case 1:\n    case 2: s += x * x; s *= 2; break;\n    default: s = -s;\n  }\n  return s * y;\n}',
     'f': lambda p, _: switch(p), 'points': [[0.4, 1.2], [1.5, -0.7], [2.3, 0.8], [-0.6, 1.1]]},
    {'name': 'object literals, property access and assignment', 'fast': None,
     'ts': 'export default function loss([x, y]: number[]): number {\n  const o = { a: x * y, pair: [x, y] };\n  o.a = o.a + o.pair[1];\n  return o.a * o.pair[0];\n}',
     'f': lambda p, _: objects(p), 'points': [[0.6, 1.7], [-1.2, 0.4], [2.0, -0.5]]},
    {'name': 'Math constants and spread arguments', 'fast': None,
     'ts': 'export default (p: number[]): number => Math.E * p[0] + Math.LN2 * p[1] ** 2 + Math.SQRT2 * Math.hypot(...p) + Math.max(...p) * Math.LOG10E;\nexport const init = [0.3, -1.1];',
     'f': lambda p, _: math.e * p[0] + math.log(2) * p[1] ** 2 + math.sqrt(2) * torch.sqrt(p[0] ** 2 + p[1] ** 2) + amax(p[0], p[1]) * math.log10(math.e),
     'points': [[0.3, -1.1], [1.2, 0.4], [-0.5, 2.5]]},
    {'name': 'a while loop in forward mode', 'fast': 'forward',
     'ts': 'export default function loss([x, y]: number[]): number {\n  let s = 0, k = 0;\n  while (k < 3) { s += x ** (k + 1) * y; k++; }\n  return s;\n}',
     'f': lambda p, _: forward_while(p), 'points': [[0.7, 1.6], [-1.2, 0.3], [2.0, -0.5]]},
    {'name': 'eight parameters (forward mode\'s widest)', 'fast': 'forward',
     'ts': 'export default function loss(p: number[]): number {\n  let s = 0;\n  for (let i = 0; i < p.length; i++) s += (i + 1) * (p[i] - 0.1 * i) ** 2 + Math.sin(p[i]) * p[(i + 1) % p.length];\n  return s;\n}\nexport const init = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];',
     'f': lambda p, _: wide(p), 'points': [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [1.0, -1.0, 0.5, -0.5, 2.0, 0.0, -0.3, 0.9]]},
    {'name': 'nine parameters (the tape)', 'fast': None,
     'ts': 'export default function loss(p: number[]): number {\n  let s = 0;\n  for (let i = 0; i < p.length; i++) s += (i + 1) * (p[i] - 0.1 * i) ** 2 + Math.sin(p[i]) * p[(i + 1) % p.length];\n  return s;\n}\nexport const init = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];',
     'f': lambda p, _: wide(p), 'points': [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [1.0, -1.0, 0.5, -0.5, 2.0, 0.0, -0.3, 0.9, 1.5]]},
    {'name': 'kinks at their points: abs, max and min against a constant (torch\'s subgradients)', 'fast': 'forward',
     'ts': 'export default ([x, y]: number[]): number => Math.abs(x) + Math.max(y, 0) + Math.min(x, 0) * 3 + Math.abs(y - x);',
     'f': lambda p, _: kinks(p), 'points': [[0.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.5, 0.5]]},
    {'name': 'a grad export (the user\'s own gradient)', 'fast': None, 'user': True,
     'ts': 'const A = 3;\nexport default ([x, y]: number[]): number => A * x * x + x * y;\nexport const grad = ([x, y]: number[]): number[] => [2 * A * x + y, x];',
     'f': lambda p, _: 3 * p[0] * p[0] + p[0] * p[1], 'points': [[1.0, 2.0], [-0.5, 0.25], [3.0, -1.0]]},
]

# torch.optim runs on snippets whose loss reads module constants and data (SGD, then Adam).
RUNS = [
    {'name': 'the issue\'s GD: 2.5x² + y² from (1, 1), η = 0.1',
     'ts': 'const a = 2.5;\nexport default ([x, y]: number[]): number => a * x * x + y * y;',
     'f': lambda p, _: 2.5 * p[0] * p[0] + p[1] * p[1], 'init': [1.0, 1.0], 'optimizer': 'sgd', 'lr': 0.1, 'steps': 5},
    {'name': 'least squares on embedded data with Adam',
     'ts': f'const data = {DATA_TS};\nexport default function loss([w, b]: number[]): number {{\n  let s = 0;\n  for (const [x, y] of data) {{ const r = w * x + b - y; s += r * r; }}\n  return s / data.length;\n}}',
     'f': lambda p, _: mse(p, DATA), 'init': [0.0, 0.0], 'optimizer': 'adam', 'lr': 0.1, 'steps': 40},
    {'name': 'a tape loss (reduce over module weights) with SGD and momentum',
     'ts': 'const W = [1, 2, 3];\nconst BIAS = 0.5;\nexport default (p: number[]): number => W.reduce((s, w, i) => s + w * p[i], BIAS) ** 2 + p[0] * p[0];\nexport const init = [0.1, 0.2, -0.3];',
     'f': lambda p, _: (0.5 + sum((w * p[i] for i, w in enumerate(W3)), T(0.0))) ** 2 + p[0] * p[0],
     'init': [0.1, 0.2, -0.3], 'optimizer': 'sgd-momentum', 'lr': 0.01, 'steps': 30},
]


def value_and_grad(f, point, rows):
    p = T(point, requires_grad=True)
    v = f(p, rows)
    v.backward()
    return v.item(), p.grad.tolist()


def gradient_case(c):
    out = {'name': c['name'], 'source': c['ts'], 'fast': c['fast'], 'user': c.get('user', False), 'points': []}
    for point in c['points']:
        value, grad = value_and_grad(c['f'], point, DATA)
        out['points'].append({'params': point, 'loss': value, 'grad': grad})
    if 'batch' in c:
        rows = [DATA[k] for k in c['batch']]
        value, grad = value_and_grad(c['f'], c['points'][0], rows)
        out['batch'] = {'indices': c['batch'], 'params': c['points'][0], 'loss': value, 'grad': grad}
    return out


def run(r):
    p = T(r['init'], requires_grad=True)
    if r['optimizer'] == 'sgd':
        opt, spec = torch.optim.SGD([p], lr=r['lr']), {'optimizer': 'sgd', 'lr': r['lr']}
    elif r['optimizer'] == 'sgd-momentum':
        opt, spec = torch.optim.SGD([p], lr=r['lr'], momentum=0.9), {'optimizer': 'sgd', 'lr': r['lr'], 'momentum': 0.9}
    else:
        opt, spec = torch.optim.Adam([p], lr=r['lr'], foreach=False), {'optimizer': 'adam', 'lr': r['lr']}
    params, losses = [p.tolist()], []
    for _ in range(r['steps']):
        opt.zero_grad()
        v = r['f'](p, DATA)
        v.backward()
        losses.append(v.item())
        opt.step()
        params.append(p.tolist())
    return {'name': r['name'], 'source': r['ts'], 'init': r['init'], 'run': spec, 'steps': r['steps'], 'params': params, 'loss': losses}


def main():
    doc = {
        'generator': 'tools/torch/generate_snippet_fixtures.py',
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'dtype': 'float64',
        'what': 'loss snippets: value and gradient by torch.autograd, and torch.optim runs on them',
        'data': DATA,
        'gradients': [gradient_case(c) for c in CASES],
        'runs': [run(r) for r in RUNS],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}: {len(doc["gradients"])} gradient cases, {len(doc["runs"])} runs')


if __name__ == '__main__':
    main()
