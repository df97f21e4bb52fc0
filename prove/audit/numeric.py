"""Certified evaluation of SymPy expressions at exact rational points.

Method: an expression is first enclosed in an interval (mpmath's interval
context at 128 bits, walking the SymPy tree with one cache per point).  An
interval that excludes 0 certifies a sign.  An interval that straddles 0 is
settled exactly: the point is substituted (rational arithmetic stays exact)
and SymPy's `evalf(n, strict=True)` either certifies the digits or raises.

Soundness: a sign is only reported when an interval or strict `evalf`
certifies it, so a refutation never rests on rounding.  A difference that
strict `evalf` cannot tell from 0 counts as equality for `=` (no digit of a
difference was found) and as uncertain for every other relation.
"""

from __future__ import annotations

from typing import Optional

import sympy as sp
from mpmath import mp
from mpmath.ctx_iv import MPIntervalContext
from sympy.core.evalf import PrecisionExhausted

BITS = 128
_IV = MPIntervalContext()
_IV.prec = BITS
_WIDE = MPIntervalContext()  # a second try, for points where 128 bits cancel out
_WIDE.prec = 4 * BITS
_EXP_LIMIT = 10 ** 5  # exp of more than this is "too large to evaluate" (a point is skipped)


class Uncertain(Exception):
    """The value cannot be certified (by intervals or by strict evalf)."""


class TooLarge(Exception):
    """The point makes an intermediate value astronomically large; it is skipped."""


def _ends(x):
    lo, hi = x._mpi_
    return mp.make_mpf(lo), mp.make_mpf(hi)


def _rational(r, iv):
    return iv.mpf(int(r.p)) / int(r.q)


def _erf(x, iv):
    # The interval context has no erf: erf is increasing, so its values at the
    # ends (each evaluated at a higher precision) widened by a margin enclose it.
    lo, hi = _ends(x)
    with mp.workprec(iv.prec + 40):
        a, b = mp.erf(lo), mp.erf(hi)
        eps = mp.mpf(2) ** (-(iv.prec - 8))
        return iv.mpf([a - eps, b + eps])


def _tanh(x, iv):
    return 1 - 2 / (_exp(2 * x, iv) + 1)


def _exp(x, iv):
    lo, hi = _ends(x)
    if hi > _EXP_LIMIT:
        raise TooLarge("exp of a huge argument")
    return iv.exp(x)


def _positive(x) -> bool:
    return _ends(x)[0] > 0


def _log(x, iv):
    if not _positive(x):
        raise Uncertain("log of an interval that is not certainly positive")
    return iv.log(x)


def _log1p(t, iv):
    # log(1 + t) for t near 0 (softplus far left): 1 + t rounds to 1 and log gives an
    # interval around 0.  t/(1 + t) <= log(1 + t) <= t for t > -1 keeps its sign.
    whole = _log(1 + t, iv)
    if _ends(t)[0] <= -1:
        return whole
    lo, hi = _ends(whole)
    return iv.mpf([max(lo, _ends(t / (1 + t))[0]), min(hi, _ends(t)[1])])


def _kink(x, pos, zero, neg):
    lo, hi = _ends(x)
    if lo > 0:
        return pos
    if hi < 0:
        return neg
    if lo == 0 and hi == 0 and zero is not None:
        return zero
    raise Uncertain("a kink function at a point that may be its breakpoint")


def _pow(e, env, memo, iv):
    base = interval(e.base, env, memo, iv)
    x = e.exp
    if x.is_Integer:
        n = int(x)
        if n < 0:
            lo, hi = _ends(base)
            if lo <= 0 <= hi:
                raise Uncertain("a negative power of an interval that contains 0")
            return 1 / base ** (-n)
        return base ** n
    if x.is_Rational and x.q == 2 and x.p == 1:
        if _ends(base)[0] < 0:
            raise Uncertain("sqrt of an interval that is not certainly non-negative")
        return iv.sqrt(base)
    if not _positive(base):
        raise Uncertain("a fractional power of a base that is not certainly positive")
    return _exp(interval(x, env, memo, iv) * iv.log(base), iv)


def interval(e, env: dict, memo: dict, iv=_IV):
    """An interval that contains the value of e at the point env (symbol -> Rational)."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    if e.is_Symbol:
        if e not in env:
            raise Uncertain(f"no value for {e}")
        r = _rational(env[e], iv)
    elif e.is_Rational:
        r = _rational(e, iv)
    elif e is sp.pi:
        r = iv.pi
    elif e is sp.E:
        r = iv.e
    elif e.is_Add:
        args = e.args
        r = interval(args[0], env, memo, iv)
        for a in args[1:]:
            r = r + interval(a, env, memo, iv)
    elif e.is_Mul:
        args = e.args
        r = interval(args[0], env, memo, iv)
        for a in args[1:]:
            r = r * interval(a, env, memo, iv)
    elif e.is_Pow:
        r = _pow(e, env, memo, iv)
    else:
        r = _function(e, env, memo, iv)
    memo[e] = r
    return r


def _function(e, env, memo, iv):
    args = [interval(a, env, memo, iv) for a in e.args]
    f = e.func
    if f is sp.exp:
        return _exp(args[0], iv)
    if f is sp.log and len(args) == 1:
        if e.args[0].is_Add and sp.S.One in e.args[0].args:
            return _log1p(interval(e.args[0] - 1, env, memo, iv), iv)
        return _log(args[0], iv)
    if f is sp.sin:
        return iv.sin(args[0])
    if f is sp.cos:
        return iv.cos(args[0])
    if f is sp.tan:
        return iv.tan(args[0])
    if f is sp.tanh:
        return _tanh(args[0], iv)
    if f is sp.sinh:
        return (_exp(args[0], iv) - _exp(-args[0], iv)) / 2
    if f is sp.cosh:
        return (_exp(args[0], iv) + _exp(-args[0], iv)) / 2
    if f is sp.erf:
        return _erf(args[0], iv)
    if f is sp.Abs:
        return _kink(args[0], args[0], iv.mpf(0), -args[0])
    if f is sp.sign:
        return _kink(args[0], iv.mpf(1), iv.mpf(0), iv.mpf(-1))
    if f is sp.Heaviside and len(args) == 1:
        return _kink(args[0], iv.mpf(1), None, iv.mpf(0))
    if f in (sp.Max, sp.Min):
        ends = [_ends(a) for a in args]
        pick = max if f is sp.Max else min
        return iv.mpf([pick(lo for lo, _ in ends), pick(hi for _, hi in ends)])
    raise Uncertain(f"no interval rule for {f}")


# ------------------------------------------------------------------ signs


def exact_sign(e, env: dict) -> Optional[int]:
    """The sign of e at the point, certified exactly: rational arithmetic when the
    value is rational, else strict evalf.  None when strict evalf finds no digit
    (the value is 0 to the precision tried, or it is not a real number)."""
    value = e.xreplace(env) if env else e
    if not value.is_Rational:
        value = value.doit()  # the tree was built unevaluated: let SymPy settle what is exact
    if value.is_Rational:
        return 1 if value > 0 else (-1 if value < 0 else 0)
    if value.has(sp.zoo, sp.nan, sp.oo, sp.I):
        raise Uncertain("the value is not a real number")
    try:
        num = value.evalf(40, strict=True, maxn=400)
    except PrecisionExhausted:
        return None
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError) as exc:
        raise Uncertain(f"strict evaluation failed ({type(exc).__name__})")
    if not (num.is_Float or num.is_Rational):
        raise Uncertain("the value is not certainly a real number")
    if num == 0:
        return None
    return 1 if num > 0 else -1


def compare(op: str, a, b, env: dict, memos: dict, exact_only: bool = False) -> Optional[bool]:
    """Whether `a op b` holds at the point: True, False, or None (uncertain).
    memos holds one interval cache per precision for this point."""
    if not exact_only:
        first_width = None
        for iv in (_IV, _WIDE):
            try:
                memo = memos.setdefault(iv.prec, {})
                ia, ib = interval(a, env, memo, iv), interval(b, env, memo, iv)
                lo, hi = _ends(ia - ib)
            except Uncertain:
                continue
            if lo > 0 or hi < 0:
                sign = 1 if lo > 0 else -1
                return _holds(op, sign)
            if op == "=":
                alo, ahi = _ends(ia)
                blo, bhi = _ends(ib)
                scale = max(abs(alo), abs(ahi), abs(blo), abs(bhi))
                if hi - lo <= scale * mp.mpf(2) ** (-(BITS - 24)):
                    return True  # equal to about 30 digits: no certified difference
                # Cancellation: the sides agree to every extra digit the wider precision bought.
                if first_width is not None and hi - lo <= first_width * mp.mpf(2) ** (-(_WIDE.prec - BITS - 64)):
                    return True
                first_width = hi - lo
    try:
        sign = exact_sign(sp.Add(a, -b), env)
    except Uncertain:
        return None
    if sign is None:
        return True if op == "=" else None
    return _holds(op, sign)


def _holds(op: str, sign: int) -> bool:
    return {"=": sign == 0, "!=": sign != 0, "<": sign < 0, "<=": sign <= 0,
            ">": sign > 0, ">=": sign >= 0}[op]


def approx(e, env: dict) -> str:
    """A short decimal for a reason line."""
    try:
        value = e.xreplace(env).evalf(12)
    except (TypeError, ValueError, ArithmeticError):
        return "?"
    if value.is_Rational:
        return str(value)
    if value.is_Float:
        return mp.nstr(mp.mpf(value), 12)
    return str(value)
