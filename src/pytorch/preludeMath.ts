/**
 * Part of the exported script's prelude (prelude.ts): JavaScript's `Math` over floats and tensors
 * alike (its members are listed in prelude.ts's JS_MATH_MEMBERS).
 */
export const JS_MATH_PRELUDE = String.raw`class Math:
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
`;
