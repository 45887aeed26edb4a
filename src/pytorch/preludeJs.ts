/**
 * Part of the exported script's prelude (prelude.ts): JavaScript's semantics where Python's differ —
 * objects, numbers to strings, integer and bit operations, array methods — for translated snippets.
 */
export const JS_SEMANTICS_PRELUDE = String.raw`# --- JavaScript semantics, for the translated loss ---------------------------------------------

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
`;
