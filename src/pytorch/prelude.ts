/**
 * The Python every exported script starts with: JavaScript's semantics where Python's differ (for
 * translated snippets), `Math` over floats and tensors alike, and the engine's seeded generator
 * and mini-batch sampler (src/engine/random.ts), written to give the same numbers bit for bit.
 */

/** `Math` members the prelude defines (functions and constants). */
export const JS_MATH_MEMBERS: ReadonlySet<string> = new Set([
  'PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2',
  'abs', 'sign', 'floor', 'ceil', 'round', 'trunc', 'sqrt', 'cbrt', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'atan2', 'pow', 'hypot',
  'max', 'min', 'imul',
]);

/** Module-level names of the script that a snippet's names must not take. */
export const PRELUDE_NAMES: ReadonlySet<string> = new Set([
  'json', 'math', 'torch', 'Math', 'JsObject', 'Random', 'BatchSampler', 'stream_seed', 'Lion', 'ClassicalMomentum', 'run', 'main',
  'STEPS', 'SEED', 'TOLERANCE', 'BATCH_SIZE', 'NOISE', 'NOISE_STREAM', 'START', 'DATA', 'evaluate', 'finite', 'DIVERGENCE_FACTOR', 'DIVERGENCE_FLOOR',
  'warmup_cosine', 'one_cycle',
]);

export const PRELUDE = String.raw`import json
import math

import torch

torch.set_default_dtype(torch.float64)


# --- JavaScript semantics, for the translated loss ---------------------------------------------

class JsObject(dict):
    """A JavaScript object: its fields read as attributes or as items."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


def js_untranslated(what):
    raise NotImplementedError("not translated from TypeScript: " + what)


def js_items(seq, n):
    """The first n elements, as JavaScript's destructuring takes them (None past the end)."""
    return [seq[i] if i < len(seq) else None for i in range(n)]


def js_range(start, stop, inclusive=False):
    i = start
    while i <= stop if inclusive else i < stop:
        yield i
        i += 1


def js_tensor(x):
    return x if torch.is_tensor(x) else torch.tensor(float(x))


def js_scalar(f, x):
    """f (a torch function) on a tensor, or on a float with IEEE results (inf, nan) instead of Python's exceptions."""
    return f(x) if torch.is_tensor(x) else f(torch.tensor(float(x))).item()


def js_rem(a, b):
    """JavaScript's %: the sign of the dividend."""
    if torch.is_tensor(a) or torch.is_tensor(b):
        return torch.fmod(js_tensor(a), b)
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b) if math.isfinite(b) else a


def js_int32(x):
    if not isinstance(x, int):
        x = float(x)
        if not math.isfinite(x):
            return 0
    n = int(x) & 0xFFFFFFFF
    return n - 0x100000000 if n >= 0x80000000 else n


def js_uint32(x):
    return js_int32(x) & 0xFFFFFFFF


def js_or(a, b):
    return js_int32(js_int32(a) | js_int32(b))


def js_and(a, b):
    return js_int32(js_int32(a) & js_int32(b))


def js_xor(a, b):
    return js_int32(js_int32(a) ^ js_int32(b))


def js_shl(a, b):
    return js_int32(js_int32(a) << (js_uint32(b) & 31))


def js_shr(a, b):
    return js_int32(a) >> (js_uint32(b) & 31)


def js_ushr(a, b):
    return js_uint32(a) >> (js_uint32(b) & 31)


def js_bitnot(a):
    return js_int32(~js_int32(a))


def js_nullish(a, b):
    return b if a is None else a


def js_number(x):
    return x if torch.is_tensor(x) else float(x)


def js_str(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if torch.is_tensor(x):
        x = x.item()
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def js_is_finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x) or torch.is_tensor(x) and bool(torch.isfinite(x))


def js_is_nan(x):
    return x != x


def js_is_integer(x):
    return js_is_finite(x) and float(x) == math.floor(float(x))


def js_is_array(x):
    return isinstance(x, list)


def js_new_array(*args):
    return [None] * int(args[0]) if len(args) == 1 and isinstance(args[0], (int, float)) else list(args)


def js_typed_array(x=0):
    return [0.0] * int(x) if isinstance(x, (int, float)) else [float(v) for v in x]


def js_array_of(*args):
    return list(args)


def js_array_from(source, f=None):
    items = list(range(int(source["length"]))) if isinstance(source, dict) else list(source)
    if isinstance(source, dict):
        items = [None] * len(items)
    return [f(v, i) for i, v in enumerate(items)] if f else items


def js_map(a, f):
    return [f(v, i, a) for i, v in enumerate(a)]


def js_for_each(a, f):
    for i, v in enumerate(a):
        f(v, i, a)


def js_filter(a, f):
    return [v for i, v in enumerate(a) if f(v, i, a)]


def js_some(a, f):
    return any(f(v, i, a) for i, v in enumerate(a))


def js_every(a, f):
    return all(f(v, i, a) for i, v in enumerate(a))


def js_find(a, f):
    return next((v for i, v in enumerate(a) if f(v, i, a)), None)


def js_find_index(a, f):
    return next((i for i, v in enumerate(a) if f(v, i, a)), -1)


def js_reduce(a, f, *init):
    items = list(a)
    acc, start = (init[0], 0) if init else (items[0], 1)
    for i in range(start, len(items)):
        acc = f(acc, items[i], i, a)
    return acc


def js_slice(a, start=0, end=None):
    n = len(a)
    start = max(n + int(start), 0) if start < 0 else min(int(start), n)
    end = n if end is None else max(n + int(end), 0) if end < 0 else min(int(end), n)
    return list(a[start:end])


def js_fill(a, v, start=0, end=None):
    for i in range(int(start), len(a) if end is None else int(end)):
        a[i] = v
    return a


def js_index_of(a, v):
    return next((i for i, x in enumerate(a) if x == v), -1)


def js_includes(a, v):
    return any(x == v for x in a)


def js_concat(a, *rest):
    out = list(a)
    for r in rest:
        out.extend(r if isinstance(r, list) else [r])
    return out


def js_join(a, sep=","):
    return sep.join(js_str(x) for x in a)


def js_reverse(a):
    a.reverse()
    return a


def js_at(a, i):
    i = int(i)
    return a[i] if -len(a) <= i < len(a) else None


class Math:
    """JavaScript's Math over floats and tensors (torch keeps the gradient)."""
    PI = math.pi
    E = math.e
    LN2 = math.log(2)
    LN10 = math.log(10)
    LOG2E = 1 / math.log(2)
    LOG10E = 1 / math.log(10)
    SQRT2 = math.sqrt(2)
    SQRT1_2 = math.sqrt(0.5)

    abs = staticmethod(lambda x: js_scalar(torch.abs, x))
    sign = staticmethod(lambda x: js_scalar(torch.sign, x))
    floor = staticmethod(lambda x: js_scalar(torch.floor, x))
    ceil = staticmethod(lambda x: js_scalar(torch.ceil, x))
    trunc = staticmethod(lambda x: js_scalar(torch.trunc, x))
    round = staticmethod(lambda x: js_scalar(lambda t: torch.floor(t + 0.5), x))
    sqrt = staticmethod(lambda x: js_scalar(torch.sqrt, x))
    cbrt = staticmethod(lambda x: js_scalar(lambda t: torch.sign(t) * torch.abs(t) ** (1 / 3), x))
    exp = staticmethod(lambda x: js_scalar(torch.exp, x))
    expm1 = staticmethod(lambda x: js_scalar(torch.expm1, x))
    log = staticmethod(lambda x: js_scalar(torch.log, x))
    log1p = staticmethod(lambda x: js_scalar(torch.log1p, x))
    log2 = staticmethod(lambda x: js_scalar(torch.log2, x))
    log10 = staticmethod(lambda x: js_scalar(torch.log10, x))
    sin = staticmethod(lambda x: js_scalar(torch.sin, x))
    cos = staticmethod(lambda x: js_scalar(torch.cos, x))
    tan = staticmethod(lambda x: js_scalar(torch.tan, x))
    asin = staticmethod(lambda x: js_scalar(torch.asin, x))
    acos = staticmethod(lambda x: js_scalar(torch.acos, x))
    atan = staticmethod(lambda x: js_scalar(torch.atan, x))
    sinh = staticmethod(lambda x: js_scalar(torch.sinh, x))
    cosh = staticmethod(lambda x: js_scalar(torch.cosh, x))
    tanh = staticmethod(lambda x: js_scalar(torch.tanh, x))
    asinh = staticmethod(lambda x: js_scalar(torch.asinh, x))
    acosh = staticmethod(lambda x: js_scalar(torch.acosh, x))
    atanh = staticmethod(lambda x: js_scalar(torch.atanh, x))

    @staticmethod
    def atan2(y, x):
        if torch.is_tensor(y) or torch.is_tensor(x):
            return torch.atan2(js_tensor(y), js_tensor(x))
        return math.atan2(y, x)

    @staticmethod
    def pow(a, b):
        if torch.is_tensor(a) or torch.is_tensor(b):
            return torch.pow(js_tensor(a), b)
        return torch.pow(torch.tensor(float(a)), float(b)).item()

    @staticmethod
    def hypot(*xs):
        return Math.sqrt(sum(x * x for x in xs)) if xs else 0.0

    @staticmethod
    def max(*xs):
        out = -math.inf
        for x in xs:
            if torch.is_tensor(x) or torch.is_tensor(out):
                out = torch.maximum(js_tensor(out), js_tensor(x))
            elif x != x or out != out:
                out = math.nan
            else:
                out = x if x > out else out
        return out

    @staticmethod
    def min(*xs):
        out = math.inf
        for x in xs:
            if torch.is_tensor(x) or torch.is_tensor(out):
                out = torch.minimum(js_tensor(out), js_tensor(x))
            elif x != x or out != out:
                out = math.nan
            else:
                out = x if x < out else out
        return out

    @staticmethod
    def imul(a, b):
        return js_int32(js_uint32(a) * js_uint32(b))


# --- The playground's seeded mini-batches and gradient noise (src/engine/random.ts) -------------

class Random:
    """mulberry32: a 32-bit state, uniform numbers in [0, 1) with 32 bits of resolution."""

    def __init__(self, seed):
        self.state = int(seed) & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ ((t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def normal(self):
        """A standard normal deviate by Box-Muller, cosine branch only."""
        u1 = 1 - self.next()
        u2 = self.next()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def stream_seed(seed, stream):
    """The seed of stream number stream of the seed: murmur3's 32-bit finaliser."""
    h = ((int(seed) & 0xFFFFFFFF) + stream * 0x9E3779B9) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


class BatchSampler:
    """size distinct example indices out of n per draw: a partial Fisher-Yates shuffle of a kept permutation."""

    def __init__(self, n, size, seed):
        self.perm = list(range(n))
        self.size = min(max(1, int(size)), n)
        self.random = Random(seed)

    def draw(self):
        perm, n = self.perm, len(self.perm)
        for i in range(self.size):
            j = i + math.floor(self.random.next() * (n - i))
            perm[i], perm[j] = perm[j], perm[i]
        return perm[:self.size]
`;
