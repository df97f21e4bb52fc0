"""Extrema of polynomials in several variables, and counterexamples of degree <= 4 to abstract claims.

Every false claim here carries its own evidence, checked in this file with
exact SymPy arithmetic and nothing of prove's: a curve h(t) -> 0 through the
point along which g(p + h(t)) - g(p) has a negative lowest-order term (or one
of odd order), or is identically 0 for a strict extremum.  `proved` or
`verified` for any of them would be a wrong answer; when prove refutes one
with a curve, the curve it prints is re-checked the same way.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
import sympy as sp

import prove
from prove.verdict import Verdict

X, Y, Z, T = sp.symbols("X Y Z T", real=True)
NAMES = {"x": X, "y": Y, "z": Z}


def one(text: str):
    (result,) = prove.check(text)
    return result


def lowest(q) -> tuple:
    """(order, coefficient) of the lowest term of a polynomial in T; (None, 0) when q = 0."""
    q = sp.Poly(sp.expand(q), T)
    if q.is_zero:
        return None, 0
    m = min(e for (e,) in q.monoms())
    return m, q.coeff_monomial(T ** m)


def breaks(g, p: dict, curve: dict, strict: bool) -> bool:
    """Along curve (symbol -> expression in T, vanishing at T = 0), is p no (strict) local minimum of g?"""
    at_p = g.subs(p)
    moved = g.subs({s: p[s] + curve.get(s, 0) for s in p}, simultaneous=True)
    m, a = lowest(moved - at_p)
    if m is None:
        return strict
    assert m > 0
    return a < 0 or m % 2 == 1


# g, the point, the kind, and a curve of this file's choosing that shows the claim false
FALSE_CLAIMS = [
    ("(y - x^2)*(y - 3*x^2)", (0, 0), "local_min", {Y: 2 * T ** 2, X: T}),
    ("(y - x^3)*(y - 2*x^3)", (0, 0), "local_min", {Y: sp.Rational(3, 2) * T ** 3, X: T}),
    ("(y - x^4)*(y - 3*x^4)", (0, 0), "local_min", {Y: 2 * T ** 4, X: T}),
    ("(x - y^2)*(x - 4*y^2)", (0, 0), "local_min", {X: 2 * T ** 2, Y: T}),
    ("(y - 1 - (x - 2)^2)*(y - 1 - 3*(x - 2)^2)", (2, 1), "local_min", {Y: 2 * T ** 2, X: T}),
    ("(z - x^2)*(z - 3*x^2) + y^2", (0, 0, 0), "local_min", {Z: 2 * T ** 2, X: T}),
    ("-(y - x^2)*(y - 3*x^2)", (0, 0), "local_max", {Y: 2 * T ** 2, X: T}),
    ("x^2*y^2", (0, 0), "strict_local_min", {X: T}),
    ("(x - y^2)^2", (0, 0), "strict_local_min", {X: T ** 2, Y: T}),
    ("x^4 - y^4", (0, 0), "local_min", {Y: T}),
    ("x^4 - y^4", (0, 0), "strict_local_min", {Y: T}),
    ("x^3 + y^4", (0, 0), "local_min", {X: -T}),
    ("x^4 + y^4", (1, 0), "strict_local_min", {X: -T}),               # definite lowest part, wrong point
    ("x^4 + y^4 + x^5", (0, 1), "local_min", {Y: -T}),
    ("x^4 + y^4 + z^4 - 3*x*y*z^2", (0, 0, 0), "strict_local_min", {X: T, Y: T, Z: T}),  # zero along (1,1,1)
    ("x^4 + y^4 + z^4 - 4*x*y*z^2", (0, 0, 0), "local_min", {X: T, Y: T, Z: T}),
    ("x^2*y^2 - x^6", (0, 0), "local_min", {X: T}),
]


def _expr(text: str):
    """A polynomial written in this file (never prove's output), for the judge."""
    return sp.sympify(text.replace("^", "**"), locals={"x": X, "y": Y, "z": Z})


@pytest.mark.parametrize("g, point, kind, curve", FALSE_CLAIMS)
def test_false_extremum_claims_are_never_proved(g, point, kind, curve):
    expr = _expr(g)
    syms = [X, Y, Z][:len(point)]
    p = {s: sp.Integer(v) for s, v in zip(syms, point)}
    judged = -expr if kind.endswith("max") else expr
    assert breaks(judged, p, curve, kind.startswith("strict")), "the test's own evidence must hold"
    where = "[" + ", ".join(str(v) for v in point) + "]"
    r = one(f"claim c:\n  {kind}({g}, {where})\n")
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED), r.method
    assert r.verdict is Verdict.REFUTED, r.reason


CURVE = re.compile(r"^(-?)(\d+)?\*?(?:([a-z])(?:\^(\d+))?)?(?:/(\d+))?$")


def _curve_value(text: str, param):
    """`2*x^2`, `3*x^2/2`, `-x`, `0`: a curve coordinate as prove prints it, around 0."""
    m = CURVE.match(text.replace(" ", ""))
    assert m, text
    sign, num, var, exp, den = m.groups()
    value = Fraction(int(num or 1), int(den or 1)) * (-1 if sign else 1)
    if var is None:
        return sp.Rational(value.numerator, value.denominator) if num else sp.Integer(0)
    return sp.Rational(value.numerator, value.denominator) * param ** int(exp or 1)


@pytest.mark.parametrize("g, kind", [
    ("(y - x^2)*(y - 3*x^2)", "local_min"),
    ("(y - x^3)*(y - 2*x^3)", "local_min"),
    ("(x - y^2)*(x - 4*y^2)", "local_min"),
    ("(z - x^2)*(z - 3*x^2) + y^2", "local_min"),
    ("-(y - x^2)*(y - 2*x^2)", "local_max"),
])
def test_witness_curves_re_checked_here(g, kind):
    """prove's own curve, read back and substituted here: values below g(0) arbitrarily close to 0."""
    expr = _expr(g)
    names = sorted({n for n in "xyz" if n in g})
    point = "[" + ", ".join("0" for _ in names) + "]"
    r = one(f"claim c:\n  {kind}({g}, {point})\n")
    assert r.verdict is Verdict.REFUTED
    assert r.witness, r.reason
    dependent = set(r.witness)
    (free,) = set(names) - dependent
    curve = {NAMES[free]: T}
    curve.update({NAMES[k]: _curve_value(v.replace(free, "x"), T) for k, v in r.witness.items()})
    p = {NAMES[n]: sp.Integer(0) for n in names}
    assert breaks(-expr if kind.endswith("max") else expr, p, curve, strict=False)
    assert "curve" in r.reason or "line" in r.reason


def test_peano_surface_reports_the_curve():
    r = one("claim peano:\n  local_min((y - x^2)*(y - 3*x^2), [0, 0])\n")
    assert r.verdict is Verdict.REFUTED
    assert r.witness == {"y": "2*x^2"}
    assert "-x^4" in r.reason


def test_peano_with_a_curve_beyond_the_search_is_unknown_not_proved():
    """Along y = 2*x^5 the value is -x^10; curves of exponent 5 are not searched."""
    expr = _expr("(y - x^5)*(y - 3*x^5)")
    assert breaks(expr, {X: 0, Y: 0}, {X: T, Y: 2 * T ** 5}, strict=False)
    r = one("claim c:\n  local_min((y - x^5)*(y - 3*x^5), [0, 0])\n")
    assert r.verdict is Verdict.UNKNOWN
    assert "semidefinite" in r.reason


@pytest.mark.parametrize("text", [
    "strict_local_min(x^4 + y^4, [0, 0])",
    "strict_local_min((x - 1)^4 + (y + 2)^4 + (x - 1)^5, [1, -2])",
    "strict_local_max(-x^4 - x^2*y^2 - y^4, [0, 0])",
    "strict_local_min(x^4 + y^4 + z^4, [0, 0, 0])",
    "local_min(x^2*y^2, [0, 0])",
    "strict_local_min((x - 1)^4 + (y + 2)^2, [1, -2])",
    "saddle((y - x^2)*(y - 3*x^2), [0, 0])",
])
def test_true_extremum_claims_are_proved(text):
    r = one(f"claim c:\n  {text}\n")
    assert r.verdict is Verdict.PROVED, r.reason


def test_definite_lowest_part_is_named_in_the_method():
    r = one("claim c:\n  strict_local_min(x^4 + y^4, [0, 0])\n")
    assert "lowest-degree part" in r.method and "positive definite" in r.method


# --------------------------------------------------------- abstract functions

def _witness_poly(text: str):
    """`g(x) = -x^4`, `g(x) = x`: a candidate as prove prints it."""
    head, rhs = text.split(" = ", 1)
    var = head[head.index("(") + 1:-1]
    return _curve_value(rhs.replace(var, "x"), X)


@pytest.mark.parametrize("text, judge", [
    ("forall g: R -> R, w0 in R:\n    strict_local_min(g, w0) -> diff(g(w0), w0, 2) > 0",
     lambda g, w: sp.diff(g, X, 2).subs(X, w) <= 0),
    ("forall g: R -> R, w0 in R:\n    local_min(g, w0) -> diff(g(w0), w0, 2) > 0",
     lambda g, w: sp.diff(g, X, 2).subs(X, w) <= 0),
    ("forall g: R -> R:\n    strictly_convex(g) -> diff(g(w), w, 2) > 0",
     lambda g, w: sp.diff(g, X, 2).subs(X, w) <= 0),
    ("forall g: R -> R:\n    convex(g) -> exists w0 in R: global_min(g, w0)",
     lambda g, w: sp.degree(g, X) % 2 == 1),
    ("forall g: R -> R:\n    exists w0 in R: global_max(g, w0)",
     lambda g, w: sp.degree(g, X) % 2 == 1 or sp.Poly(g, X).LC() > 0),
])
def test_abstract_claims_refuted_by_low_degree_polynomials(text, judge):
    r = one(f"claim c:\n  {text}\n")
    assert r.verdict is Verdict.REFUTED, r.reason
    g = _witness_poly(r.witness["g"])
    w = next((sp.Rational(Fraction(v)) for k, v in r.witness.items() if k != "g"), sp.Integer(0))
    assert judge(g, w), r.witness


@pytest.mark.parametrize("text", [
    # true: a strictly convex function is convex; a global minimum is one
    "forall g: R -> R:\n    strictly_convex(g) -> convex(g)",
    "forall g: R -> R:\n    convex(g) and (exists w0 in R: global_min(g, w0)) -> exists w1 in R: global_min(g, w1)",
    # false (exp has g'' > 0 and no minimum), but every polynomial with g'' > 0 attains its minimum
    "forall g: R -> R:\n    (forall w in R: diff(g(w), w, 2) > 0) -> exists w0 in R: global_min(g, w0)",
])
def test_abstract_claims_without_a_polynomial_counterexample_are_not_refuted_by_one(text):
    r = one(f"claim c:\n  {text}\n")
    assert r.verdict is not Verdict.REFUTED, r.witness
    if "diff" in text:
        assert r.verdict is not Verdict.PROVED, r.method
