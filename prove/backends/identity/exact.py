"""Exact arithmetic for identities: rewriting a difference to 0 without
assumptions the claim did not state, and evaluating at exact points with
certified digits (`evalf(strict=True)`); float64 never decides anything here."""

from __future__ import annotations

from typing import Optional

import sympy as sp
from sympy.printing.str import StrPrinter


def rewrites_to_zero(d) -> bool:
    """Exact, assumption-free rewriting; True only when the result is 0."""
    if d == 0:
        return True
    if d.has(sp.exp) and sp.cancel(sp.together(exp_generalised(d))) == 0:
        return True
    d = sp.expand(d)  # exp(a + b) = exp(a) exp(b) holds for all reals: sound
    if d == 0:
        return True
    t = sp.cancel(sp.together(d))
    if t == 0:
        return True
    if d.has(sp.exp):
        # exp(-x) and exp(x) are one generator for cancel only as exp(x)^-1.
        r = sp.cancel(sp.together(exp_atoms(d)))
        if r == 0:
            return True
    if d.has(sp.log):
        # without force=True, expand_log only splits what the assumptions allow
        if sp.cancel(sp.together(sp.expand_log(d))) == 0:
            return True
    if d.has(sp.tanh, sp.sinh, sp.cosh, sp.tan, sp.sin, sp.cos):
        r = sp.cancel(sp.together(exp_atoms(sp.expand(d.rewrite(sp.exp)))))
        if r == 0:
            return True
    return sp.simplify(d) == 0



def exp_generalised(e):
    """Each exp(k*a) as E_a^k with E_a a fresh symbol, one per argument a.
    Sound as a first try: a rational function that is 0 for independent
    E_a is 0 at E_a = exp(a).  Softmax gradients of W @ x close here in
    milliseconds, where expanding exp(W[1,1]*x[1] + ...) into products takes seconds."""
    table: dict = {}

    def atom(node):
        c, arg = sp.expand(node.args[0]).as_content_primitive()
        k = c if c.is_Integer else sp.Integer(1)
        if not c.is_Integer:
            arg = c * arg
        if arg.could_extract_minus_sign():
            arg, k = -arg, -k
        return table.setdefault(arg, sp.Dummy("E")) ** k

    # each distinct exp node once (a softmax repeats the same ones many times)
    return e.xreplace({node: atom(node) for node in e.atoms(sp.exp)})



def exp_atoms(e):
    """Write exp(k*a + ...) as a product of powers of exp(a), exactly."""
    def rewrite(node):
        arg = sp.expand(node.args[0])
        terms = sp.Add.make_args(arg)
        out = sp.Integer(1)
        for t in terms:
            coeff, rest = t.as_coeff_Mul()
            if coeff.is_Integer and rest != 1:
                out *= sp.exp(rest, evaluate=False) ** int(coeff)
            else:
                out *= sp.exp(t, evaluate=False)
        return out
    return e.replace(lambda n: isinstance(n, sp.exp), rewrite)



def value_at(e, point: dict, digits: int = 30):
    """The exact value of e at point, to `digits` certified digits, or None
    when it is not a real number there or cannot be certified."""
    try:
        v = (e if isinstance(e, sp.Basic) else sp.Integer(e)).xreplace(point)  # an int: an index value
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        n = v.evalf(digits, strict=True)
    except (sp.PrecisionExhausted, ZeroDivisionError, TypeError, ValueError):
        return None
    if not n.is_real and n.is_real is not None:
        return None
    if n.has(sp.I) or n.is_finite is False:
        return None
    return n



def not_real(e, point: dict) -> bool:
    """Certainly not a real number at point: complex, not merely undefined."""
    try:
        v = e.xreplace(point)
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return False
        n = v.evalf(30, strict=True)
        im = sp.im(n)
        return bool(im.is_Number and abs(im) > sp.Float(10) ** -20)
    except (sp.PrecisionExhausted, ZeroDivisionError, TypeError, ValueError):
        return False



def certainly_nonzero(e, point: dict) -> bool:
    v = value_at(e, point)
    return v is not None and v.is_Number and v != 0 and abs(v) > sp.Float(10) ** -20



class _Printer(StrPrinter):
    """SymPy's str printer, with each Dummy printed as the name it stands for."""

    def __init__(self, names: dict):
        super().__init__()
        self.names = names

    def _print_Dummy(self, e):
        return self.names.get(e, e.name)


def show_expr(x, names: Optional[dict] = None) -> str:
    """x in the claim language (`^` for powers); names: Dummy -> the user's name for it."""
    return _Printer(names or {}).doprint(x).replace("**", "^")


def show_number(v) -> str:
    """A value as a witness shows it, whichever backend found it: `3/4`, `sqrt(2)/2`, `pi/2`."""
    if isinstance(v, sp.Rational):
        return str(v.p) if v.q == 1 else f"{v.p}/{v.q}"
    return show_expr(v)
