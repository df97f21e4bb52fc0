"""A given function must be defined where its analysis predicate needs it.

`convex(f)` (no `on`), `global_min(f, p)`: on all of R^d; `local_min(f, p)`,
`stationary(f, p)`, `saddle(f, p)`: on a neighbourhood of p.  Otherwise the
claim is ill-posed and never `proved`, and no refutation is read at a point
where f is undefined.  Each case carries the test's own exact arithmetic: the
argument of the operation and a point where (or, for local claims, arbitrarily
close to which) it fails."""

from __future__ import annotations

import pytest
import sympy as sp

import prove
from prove.verdict import Verdict

x = sp.Symbol("x", real=True)


def one(text: str):
    (result,) = prove.check(text)
    return result


def fails(kind: str, value) -> bool:
    """The operation is not a real number at a point where its argument has this value."""
    value = sp.nsimplify(value)
    if kind == "div":
        return value == 0
    if kind == "log":
        return bool(value <= 0)
    return bool(value < 0)  # sqrt, a real power x^(1/2)


# (claim, the argument of the operation that is undefined, its kind, a point where it fails,
#  and for local claims a point just beside the claim's point where it fails)
ILL_POSED = [
    ("convex(exp(x)*exp(2*x) + log(-exp(x)))", -sp.exp(x), "log", 5),
    ("convex(exp(x)*exp(2*x) + log(exp(x) - 1))", sp.exp(x) - 1, "log", -1),
    ("convex(1/x)", x, "div", 0),
    ("convex(x^2 + x/x)", x, "div", 0),
    ("convex(exp(x)*sigmoid(x) + x/x)", x, "div", 0),
    ("convex(x^4 + sqrt(x))", x, "sqrt", -1),
    ("convex(x^(1/2) + x^2)", x, "sqrt", -1),
    ("convex(exp(x) + exp(log(x)))", x, "log", -1),
    ("concave(log(x))", x, "log", 0),
    ("strictly_convex(x^2 - log(1 - x^2))", 1 - x ** 2, "log", 2),
    ("convex(exp(x) + 1/(x^2 - 2))", x ** 2 - 2, "div", sp.sqrt(2)),
    ("global_min(x^2 + log(x), 1)", x, "log", 0),
    ("global_min(x^2 - 2*log(x), 1)", x, "log", 0),
    ("global_min(x^2 + x/x, 0)", x, "div", 0),
    ("global_max(-x^2 + 1/(x - 3), 0)", x - 3, "div", 3),
    ("local_min(log(x), 0)", x, "log", sp.Rational(-1, 10**6)),
    ("local_min(1/x + x^2, 0)", x, "div", 0),
    ("local_min(x^2 + x/x, 0)", x, "div", 0),
    ("strict_local_min(x^2 + sqrt(x), 0)", x, "sqrt", sp.Rational(-1, 10**6)),
    ("local_max(-x^2 + x^(1/2), 0)", x, "sqrt", sp.Rational(-1, 10**6)),
    ("stationary(x^2 + log(x - 1), 0)", x - 1, "log", 0),
    ("stationary(x^2 + x/x, 0)", x, "div", 0),
    ("saddle(x^3 + x/x, 0)", x, "div", 0),
    ("local_min(x^2 + y^2 + x/x, [0, 0])", x, "div", 0),
    ("convex(x^2 + y^2 + log(x))", x, "log", 0),
    ("forall a in R: convex(x^2 + a*x/x)", x, "div", 0),
    ("forall a in R: local_min(x^2 + a*x/x, 0)", x, "div", 0),
]


@pytest.mark.parametrize("text,arg,kind,at", ILL_POSED)
def test_ill_posed_claims_are_not_proved(text, arg, kind, at):
    assert fails(kind, arg.subs(x, at)), "the test's own arithmetic: the function is undefined there"
    r = one(f"claim c: {text}")
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED), r
    # nor refuted: a claim about a function that is not defined where the claim speaks is ill-posed
    assert r.verdict is Verdict.UNKNOWN, r


def test_the_reason_says_where_the_function_is_defined():
    r = one("claim c: convex(exp(x)*exp(2*x) + log(exp(x) - 1))")
    assert r.verdict is Verdict.UNKNOWN
    assert "defined only where log's argument exp(x) - 1 is positive" in r.reason
    assert "convex(f, on x > 0)" in r.reason
    r = one("claim c: local_min(1/x + x^2, 0)")
    assert "neighbourhood of 0" in r.reason and "denominator x" in r.reason


# Refutations where the function is defined near the point: (claim, the function, the point)
REFUTED_IN_DOMAIN = [
    ("stationary(x^2 - 2*log(x), 2)", x ** 2 - 2 * sp.log(x), 2),
    ("local_min(x^2 - log(x), 2)", x ** 2 - sp.log(x), 2),
    ("local_max(sqrt(x) + x, 1)", sp.sqrt(x) + x, 1),
]


@pytest.mark.parametrize("text,f,p", REFUTED_IN_DOMAIN)
def test_refutations_are_read_where_the_function_is_defined(text, f, p):
    slope = sp.diff(f, x).subs(x, p)
    assert slope.is_number and slope != 0, "the test's own arithmetic: no stationary point"
    r = one(f"claim c: {text}")
    assert r.verdict is Verdict.REFUTED, r


def test_a_convexity_witness_lies_in_the_domain():
    r = one("claim c: convex(sin(x) + log(x^2 + 1))")
    assert r.verdict is Verdict.REFUTED, r
    w = sp.Rational(r.witness["x"])
    f = sp.sin(x) + sp.log(x ** 2 + 1)
    assert w ** 2 + 1 > 0  # log's argument, at the witness
    assert sp.N(sp.diff(f, x, 2).subs(x, w), 30, strict=True) < 0


def test_a_stated_domain_chord_witness_lies_in_it():
    r = one("claim c: convex(log(x) + x, on x > 0)")
    assert r.verdict is Verdict.REFUTED, r
    a, b, t = (sp.Rational(r.witness[k]) for k in ("a", "b", "t"))
    assert a > 0 and b > 0
    f = sp.log(x) + x
    m = (1 - t) * a + t * b
    gap = (1 - t) * f.subs(x, a) + t * f.subs(x, b) - f.subs(x, m)
    assert sp.N(gap, 30, strict=True) < 0


TRUE_ON_R = [
    "convex(exp(x))",
    "convex(softplus(x))",
    "convex(log(1 + exp(x)))",
    "convex(x^4)",
    "convex(cosh(x))",
    "convex(exp(x)*exp(2*x) + x^2)",
    "strict_local_min(x^2 + sqrt(x^2 + 1), 0)",
    "local_min(x^2 - 2*log(x), 1)",
    "local_min(tan(x)^2, 0)",
    "strict_local_min(x^4 + y^4, [0, 0])",
]


@pytest.mark.parametrize("text", TRUE_ON_R)
def test_true_claims_stay_proved(text):
    r = one(f"claim c: {text}")
    assert r.verdict is Verdict.PROVED, r
