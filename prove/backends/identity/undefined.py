"""Whether an operation of a claim is undefined at one exact point.

`undefined_at(partial, point, partials)` takes an operation recorded by the
SymPy translation (`sympy_translate.Partial`: its kind and the SymPy values of
its arguments) and a full, exact point, and says why the operation is not a
real number there (1/0, log(-1), sqrt(-1), 0^-1, tan(pi/2)), or why it has no
derivative there: a square root or real power at 0 whose argument moves with
the variable of the enclosing derivative, or a kink whose one-sided
derivatives differ.  `outside_domain` says whether a point leaves the claim's
domain because a hypothesis or premise is itself undefined there.

Soundness: values are computed exactly; "not a real number" needs an
imaginary part certified non-zero by `evalf(strict=True)` or an infinity in
the exact value; a kink is reported only where the one-sided derivatives
differ by a certified amount, never where the argument's slope is 0 (nothing
is concluded there).  A point whose hypotheses cannot be translated counts as
outside the domain, so it never refutes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

import sympy as sp

from prove import ast as A
from prove.claim import Claim
from prove.backends.identity.conditions import show, sides_of
from prove.backends.identity.exact import show_number, value_at
from prove.backends.identity.sympy_translate import Partial, ToSympy, Untranslatable, is_matrix


def exact_at(e, point: dict):
    """e at a full, exact point (an int is an index value)."""
    return e.xreplace(point) if isinstance(e, sp.Basic) else sp.Integer(e)


def is_zero(v) -> bool:
    """v is a number and certainly 0."""
    return isinstance(v, sp.Basic) and not v.free_symbols and (v == 0 or v.is_zero is True)


def _not_a_real(v) -> bool:
    """Certainly not a real number: 1/0, log(0), log(-1), sqrt(-1)."""
    if not isinstance(v, sp.Basic) or v.free_symbols or v.has(sp.Function) and not v.is_number:
        return False
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return True
    try:
        im = sp.im(v).evalf(30, strict=True)
    except (sp.PrecisionExhausted, ZeroDivisionError, TypeError, ValueError):
        return False
    return bool(im.is_Number and abs(im) > sp.Float(10) ** -20)


def _certainly_nonzero(v) -> bool:
    n = value_at(v, {})
    return n is not None and n.is_Number and abs(n) > sp.Float(10) ** -20


OPERATIONS = {
    "div": lambda d: sp.Pow(d, -1),
    "log": sp.log,
    "sqrt": sp.sqrt,
    "pow": sp.Pow,
    "tan": sp.tan,
}


def _wrt_symbols(d) -> list:
    if d is None or d.wrt is None:
        return []
    return list(d.wrt) if is_matrix(d.wrt) else [d.wrt]


def undefined_at(p: Partial, point: dict, partials: list) -> Optional[str]:
    """Why the operation p is undefined at point (a full, exact point), or None."""
    vals = [exact_at(a, point) for a in p.args]
    if p.kind in OPERATIONS:
        if _not_a_real(OPERATIONS[p.kind](*vals)):
            return _words(p, vals)
        # Under a derivative a square root or real power must be defined on both sides.
        if p.under and p.kind in ("sqrt", "pow") and is_zero(vals[0]):
            for x in _wrt_symbols(p.under[-1]):
                if _certainly_nonzero(exact_at(sp.diff(p.args[0], x), point)):
                    return (f"{show(p.node)} is undefined on one side of the point, so it has no derivative "
                            f"by {x.name} there")
        return None
    if p.kind == "kink" and is_zero(vals[0]):
        return _kink_breaks(p, point, partials)
    return None


def _words(p: Partial, vals: list) -> str:
    text = show(p.node)
    if p.kind == "div":
        return f"division by zero in {text}"
    if p.kind == "log":
        return f"log of {_number(vals[0])} in {text}"
    if p.kind == "sqrt":
        return f"square root of {_number(vals[0])} in {text}"
    if p.kind == "tan":
        return f"tan at {_number(vals[0])} in {text}"
    base, e = vals
    if is_zero(base):
        return f"0 to the power {_number(e)} in {text}"
    return f"{_number(base)} to the power {_number(e)} in {text}"


def _number(v) -> str:
    if isinstance(v, sp.Rational):
        return show_number(v)
    if isinstance(v, sp.Basic) and v.is_number:
        return show_number(v)
    return "a value"


def _branch(node, t: int):
    """The expression a kink node equals where its argument has sign t."""
    if isinstance(node, A.Card):
        return node.operand if t > 0 else A.Neg(node.operand, span=node.span)
    name, args = node.func.id, node.args
    if name in ("abs", "norm"):
        return args[0] if t > 0 else A.Neg(args[0], span=node.span)
    if name == "relu":
        return args[0] if t > 0 else A.Num(Fraction(0), "0", span=node.span)
    if name == "sign":
        return A.Num(Fraction(t), str(t), span=node.span)
    if name == "max":
        return args[0] if t > 0 else args[1]
    return args[1] if t > 0 else args[0]  # min


def _kink_breaks(p: Partial, point: dict, partials: list) -> Optional[str]:
    """A kink at the point (its argument is 0 there): refuted only when the
    one-sided derivatives of the differentiated expression differ by a
    certified amount.  Where the argument's slope is 0 nothing is concluded."""
    d = p.under[-1]
    if d.wrt is None:
        return None
    if any(k not in d.env or d.env[k] is not v for k, v in p.env.items()):
        return None  # the kink sits under a binder inside the derivative: one node, many kinks
    others = [q for q in partials if q.kind == "kink" and q.under and q.under[-1] is d and q.node != p.node
              and is_zero(exact_at(q.args[0], point))]
    if others:
        return None
    body = ToSympy(d.env)(d.body)
    for x in _wrt_symbols(d):
        slope = exact_at(sp.diff(p.args[0], x), point)
        if not _certainly_nonzero(slope):
            continue
        sign = 1 if value_at(slope, {}) > 0 else -1
        right = ToSympy(d.env)(A.rebuild(d.body, lambda n: _branch(n, sign) if n == p.node else None))
        left = ToSympy(d.env)(A.rebuild(d.body, lambda n: _branch(n, -sign) if n == p.node else None))
        pairs = [(body, right), (left, right)] + [(sp.diff(left, x, j), sp.diff(right, x, j))
                                                  for j in range(1, d.order + 1)]
        for a, b in pairs:
            entries = zip(list(a), list(b)) if is_matrix(a) else [(a, b)]
            if any(_certainly_nonzero(exact_at(u - v, point)) for u, v in entries):
                name = p.node.func.id if isinstance(p.node, A.Call) else "abs"
                return f"{name} is not differentiable at {_point_words(point, x)} (in {show(p.node)})"
    return None


def _point_words(point: dict, x) -> str:
    return f"{x.name} = {_number(point.get(x, x))}"



def outside_domain(claim: Claim, env: dict, point: dict) -> bool:
    """Whether a `where` hypothesis or an implication's premise is itself
    undefined at the point (full and exact): the point is then not in the
    claim's domain, though SymPy may have made the hypothesis hold there
    (`0*log(x) = 0` is `0 = 0` once built).  Untranslatable counts as outside."""
    premises = list(sides_of(claim.body)[1]) if sides_of(claim.body) else []
    partials: list = []
    rec = ToSympy(env, partials)

    def visit(node) -> None:
        if isinstance(node, (A.And, A.Or)):
            for o in node.operands:
                visit(o)
        elif isinstance(node, A.Not):
            visit(node.operand)
        elif isinstance(node, A.Compare):
            for o in node.operands:
                rec(o)
        elif isinstance(node, A.Call):
            for a in node.args:
                rec(a)

    try:
        for h in list(claim.hypotheses) + premises:
            visit(h)
        return any(undefined_at(q, point, partials) is not None for q in partials)
    except (Untranslatable, TypeError, ValueError, ZeroDivisionError):
        return True
