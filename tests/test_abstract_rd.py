"""Abstract functions on R^d and their derivatives: false claims are never proved, the encodings
pass their twin checks, and every cited theorem holds on polynomial instances.

Each false claim carries a concrete function and point at which this file shows, with its own
exact SymPy arithmetic, that the premise holds and the conclusion fails."""

from __future__ import annotations

import pytest
import sympy as sp
import z3

import prove
from prove.backends.analysis import theorems as T
from prove.verdict import Verdict

W, H = sp.symbols("W H", real=True)


def verdict(text: str) -> Verdict:
    (result,) = prove.check(text, timeout=10)
    return result.verdict


# (claim, a textbook counterexample checked below in exact arithmetic)
FALSE = {
    "fermat_max_second_derivative_positive": (
        "claim c:\n  forall g: R -> R, w0 in R:\n    local_max(g, w0) -> diff(g(w0), w0, 2) > 0",
        -W**2, 0),
    "second_derivative_test_weak": (
        "claim c:\n  forall g: R -> R, w0 in R:\n"
        "    diff(g(w0), w0) = 0 and diff(g(w0), w0, 2) >= 0 -> strict_local_min(g, w0)",
        W**3, 0),
    "local_min_global_without_convexity": (
        "claim c:\n  forall g: R -> R, w0 in R:\n    local_min(g, w0) -> global_min(g, w0)",
        W**3 - 3 * W, 1),
    "first_order_condition_reversed": (
        "claim c:\n  forall g: R -> R, x in R, y in R:\n    convex(g) -> g(y) <= g(x) + grad(g)(x) * (y - x)",
        W**2, 0),
}


def test_the_counterexamples_are_counterexamples():
    g = -W**2  # a strict local max at 0 with g'' = -2
    assert sp.diff(g, W, 2).subs(W, 0) == -2 and all(g.subs(W, h) < 0 for h in (sp.Rational(1, 10**k) for k in range(1, 6)))
    g = W**3  # g' = g'' = 0 at 0, and g(-h) < g(0) for every h > 0
    assert sp.diff(g, W).subs(W, 0) == 0 and sp.diff(g, W, 2).subs(W, 0) == 0 and sp.solve(g.subs(W, -H) < 0, H) is not False
    g = W**3 - 3 * W  # local min at 1 (g' = 0, g'' = 6), but g(-3) = -18 < g(1) = -2
    assert sp.diff(g, W).subs(W, 1) == 0 and sp.diff(g, W, 2).subs(W, 1) == 6 and g.subs(W, -3) < g.subs(W, 1)
    g = W**2  # convex; at x = 0, y = 1: g(1) = 1 > g(0) + g'(0) * 1 = 0
    assert g.subs(W, 1) > g.subs(W, 0) + sp.diff(g, W).subs(W, 0) * 1


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_variants_are_not_proved(name):
    assert verdict(FALSE[name][0]) in (Verdict.REFUTED, Verdict.UNKNOWN)


def test_local_implies_global_in_rn_needs_convexity():
    assert verdict("claim c:\n  forall n >= 1, g: R^n -> R, p in R^n:\n    local_min(g, p) -> global_min(g, p)") \
        is Verdict.UNKNOWN


def test_differentiability_is_not_assumed_without_a_derivative():
    # true for every g differentiable at 0 (g(h) - g(0) = o(h)), false for g = abs: no derivative is written,
    # so no differentiability is assumed and the claim must not be proved
    text = ("claim c:\n  forall g: R -> R:\n"
            "    local_min(g, 0) -> not (forall h in R: g(h) - g(0) >= abs(h))")
    assert all(abs(h) - 0 >= abs(h) for h in (-2, -1, 0, 1, 2))  # g = abs satisfies the inner premise
    assert verdict(text) is not Verdict.PROVED


# Twin checks: the hypotheses of each proved encoding are satisfiable (the claim "they never hold
# together" is not proved), and dropping one turns the proof into no proof.
TWINS = [
    ("forall g: R -> R, w0 in R:\n    local_min(g, w0) -> grad(g)(w0) = 0",
     "forall g: R -> R, w0 in R:\n    not (local_min(g, w0) and grad(g)(w0) = 0)",
     "forall g: R -> R, w0 in R:\n    local_max(g, w0) -> grad(g)(w0) = 1"),
    ("forall g: R^2 -> R, p in R^2:\n    local_min(g, p) -> grad(g)(p) = 0",
     "forall g: R^2 -> R, p in R^2:\n    not (local_min(g, p) and grad(g)(p) = 0)",
     "forall g: R^2 -> R, p in R^2:\n    grad(g)(p) = 0 -> local_min(g, p)"),
    ("forall g: R -> R, w0 in R:\n    diff(g(w0), w0) = 0 and diff(g(w0), w0, 2) > 0 -> strict_local_min(g, w0)",
     "forall g: R -> R, w0 in R:\n    not (diff(g(w0), w0) = 0 and diff(g(w0), w0, 2) > 0)",
     "forall g: R -> R, w0 in R:\n    diff(g(w0), w0, 2) > 0 -> strict_local_min(g, w0)"),
    ("forall n >= 1, g: R^n -> R, p in R^n:\n    convex(g) and local_min(g, p) -> global_min(g, p)",
     "forall n >= 1, g: R^n -> R, p in R^n:\n    not (convex(g) and local_min(g, p))",
     "forall n >= 1, g: R^n -> R, p in R^n:\n    convex(g) -> global_min(g, p)"),
    ("forall g: R^2 -> R, x in R^2, y in R^2:\n    convex(g) -> g(y) >= g(x) + grad(g)(x)^T @ (y - x)",
     "forall g: R^2 -> R:\n    not convex(g)",
     "forall g: R^2 -> R, x in R^2, y in R^2:\n    g(y) >= g(x) + grad(g)(x)^T @ (y - x)"),
]


@pytest.mark.parametrize("proved, premises_never, dropped", TWINS)
def test_twins(proved, premises_never, dropped):
    assert verdict("claim c:\n  " + proved) is Verdict.PROVED
    assert verdict("claim c:\n  " + premises_never) is not Verdict.PROVED
    assert verdict("claim c:\n  " + dropped) is not Verdict.PROVED


def test_verdict_names_the_cited_theorem():
    (r,) = prove.check("claim c:\n  forall g: R -> R, w0 in R:\n"
                       "    diff(g(w0), w0) = 0 and diff(g(w0), w0, 2) > 0 -> strict_local_min(g, w0)", timeout=10)
    assert r.verdict is Verdict.PROVED and "Taylor's theorem with Peano remainder (cited)" in r.method


def test_min_of_convex_is_refuted_by_two_parabolas():
    (r,) = prove.check("claim c:\n  forall f: R -> R, g: R -> R:\n"
                       "    convex(f) and convex(g) -> convex(min(f(x), g(x)))", timeout=10)
    assert r.verdict is Verdict.REFUTED
    assert r.witness == {"f": "f(x) = x^2", "g": "g(x) = (x - 2)^2"}
    f, g = W**2, (W - 2)**2  # both convex; min at the midpoint 1 is 1, the chord from 0 to 2 is at 0
    m = lambda w: sp.Min(f.subs(W, w), g.subs(W, w))  # noqa: E731
    assert m(1) > (m(0) + m(2)) / 2


# ------------------------------------------------------------ the theorem base, executed on polynomials

POLYS = [W**3 - 2 * W, 3 * W**4 - W**2 + 5, W**2, -W**3 + W]


def _z3_poly(expr, x):
    poly = sp.Poly(expr, W)
    return sum((z3.RealVal(str(c)) * x ** int(k[0]) for k, c in poly.terms()), z3.RealVal(0))


def _bound(expr, x0, skip: int) -> sp.Rational:
    """1 + the sum of |coefficients| of the terms of degree > skip of expr(x0 + h) in h."""
    poly = sp.Poly(sp.expand(expr.subs(W, x0 + H)), H)
    return 1 + sum(abs(c) for k, c in poly.terms() if k[0] > skip)


@pytest.mark.parametrize("g", POLYS)
@pytest.mark.parametrize("x0", [sp.Integer(0), sp.Rational(1, 2), sp.Integer(-1)])
@pytest.mark.parametrize("eps", [sp.Rational(1, 3), sp.Rational(1, 100)])
def test_taylor_peano_holds_for_polynomials(g, x0, eps):
    """TAYLOR_PEANO_2 with g', g'' from SymPy and delta = min(1, eps / S): |remainder| <= eps h^2 for every h."""
    d1, d2 = sp.diff(g, W).subs(W, x0), sp.diff(g, W, 2).subs(W, x0)
    delta = min(sp.Integer(1), eps / _bound(g, x0, 2))
    h = z3.Real("h")
    val = lambda c: z3.RealVal(str(c))  # noqa: E731
    inst = T.taylor2_instance(lambda pt: _z3_poly(g, pt[0]), val(x0), val(d1), val(d2), val(eps), h, val(delta))
    s = z3.Solver()
    s.add(z3.Not(inst))
    assert s.check() == z3.unsat
    wrong = T.taylor2_instance(lambda pt: _z3_poly(g, pt[0]), val(x0), val(d1), val(d2 + 1), val(eps), h, val(delta))
    s = z3.Solver()
    s.add(z3.Not(wrong))
    assert s.check() == z3.sat  # the statement is not vacuous: a wrong second derivative breaks it


@pytest.mark.parametrize("g", POLYS)
@pytest.mark.parametrize("x0", [sp.Integer(0), sp.Rational(3, 2)])
def test_derivative_definition_holds_for_polynomials(g, x0):
    eps = sp.Rational(1, 10)
    d1 = sp.diff(g, W).subs(W, x0)
    delta = min(sp.Integer(1), eps / _bound(g, x0, 1))
    h = z3.Real("h")
    val = lambda c: z3.RealVal(str(c))  # noqa: E731
    for slope, expect in ((d1, z3.unsat), (d1 + 1, z3.sat)):
        inst = T.derivative_instance(lambda pt: _z3_poly(g, pt[0]), [val(x0)], [val(slope)], val(eps), [h],
                                     T.z_abs(h), val(delta))
        s = z3.Solver()
        s.add(z3.Not(inst))
        assert s.check() == expect


def test_every_theorem_is_sourced():
    for t in T.THEOREMS.values():
        assert t.name and t.hypotheses and t.statement and t.source
