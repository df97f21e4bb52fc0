"""The curvature calculus: each atom's tag checked by an independent method, the
must-show claims, and false convexity claims that must never come back proved
(judged here by this file's own exact chord arithmetic)."""

from __future__ import annotations

from itertools import combinations

import pytest
import sympy as sp

import prove
from prove.backends.analysis.curvature_rules import ATOMS
from prove.verdict import Verdict

x, y = sp.symbols("x y", real=True)
POINTS = [sp.Integer(v) for v in (-3, -2, -1, 0, 1, 2, 3)] + [sp.Rational(v, 2) for v in (-3, -1, 1, 3, 5)]
TS = [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(2, 3)]

# name -> (definition in x, the domain as a predicate on exact numbers)
SCALAR_ATOMS = {
    "exp": (sp.exp(x), lambda v: True),
    "softplus": (sp.log(1 + sp.exp(x)), lambda v: True),
    "log": (sp.log(x), lambda v: v > 0),
    "sqrt": (sp.sqrt(x), lambda v: v >= 0),
    "abs": (sp.Abs(x), lambda v: True),
    "relu": (sp.Max(0, x), lambda v: True),
    "square": (x ** 2, lambda v: True),
    "odd power": (x ** 3, lambda v: v >= 0),
    "inverse": (1 / x, lambda v: v > 0),
    "entropy": (x * sp.log(x), lambda v: v > 0),
}


def one(text: str):
    (result,) = prove.check(text)
    return result


def exact_sign(v) -> int:
    v = sp.nsimplify(v) if v.is_Float else v
    n = sp.N(v, 40, strict=True)
    return 1 if n > 0 else -1 if n < 0 else 0


@pytest.mark.parametrize("name", sorted(SCALAR_ATOMS))
def test_scalar_atom_tag_by_chords_and_derivatives(name):
    f, inside = SCALAR_ATOMS[name]
    tag = ATOMS[name]
    want = 1 if tag.curv == "convex" else -1
    pts = sorted(p for p in POINTS if inside(p))
    for a, b in combinations(pts, 2):
        for t in TS:
            gap = (1 - t) * f.subs(x, a) + t * f.subs(x, b) - f.subs(x, (1 - t) * a + t * b)
            assert exact_sign(gap) * want >= 0, (name, a, b, t)
    # monotonicity by values at ordered exact points
    for a, b in zip(pts, pts[1:]):
        d = exact_sign(f.subs(x, b) - f.subs(x, a))
        if tag.mono == "inc":
            assert d >= 0, (name, a, b)
        elif tag.mono == "dec":
            assert d <= 0, (name, a, b)
        elif tag.mono == "sign":
            assert d * (1 if a >= 0 else -1) >= 0 or (a < 0 < b), (name, a, b)
    # the second derivative, where the atom is smooth: its sign at interior points
    if not f.has(sp.Abs, sp.Max):
        g2 = sp.diff(f, x, 2)
        for p in pts:
            if inside(p) and (tag.domain == "R" or p > 0):
                assert exact_sign(g2.subs(x, p)) * want >= 0, (name, p)
    for p in pts:
        s = exact_sign(f.subs(x, p))
        assert {"+": s > 0, "0+": s >= 0, "0-": s <= 0, "-": s < 0, "?": True}[tag.sign], (name, p)


def test_quad_over_lin_hessian_psd_where_y_positive():
    f = x ** 2 / y
    h = sp.hessian(f, (x, y))
    # principal minors, exactly: 2/y > 0, 2x^2/y^3 >= 0, det = 0 on y > 0
    assert sp.simplify(h.det()) == 0
    yp = sp.Symbol("yp", positive=True)
    assert (h[0, 0].subs(y, yp)).is_positive and sp.simplify(h[1, 1].subs(y, yp)).is_nonnegative


def test_vector_atoms_by_chords():
    pts = [sp.Matrix(v) for v in ([0, 0, 0], [1, 0, -1], [2, -1, 0], [-1, -1, 3], [sp.Rational(1, 2), 2, 1])]
    lse = lambda z: sp.log(sum(sp.exp(c) for c in z))
    nrm = lambda z: sp.sqrt(sum(c ** 2 for c in z))
    logsm = lambda z, i: sp.log(sp.exp(z[i]) / sum(sp.exp(c) for c in z))
    for a, b in combinations(pts, 2):
        for t in TS:
            m = (1 - t) * a + t * b
            assert exact_sign((1 - t) * lse(a) + t * lse(b) - lse(m)) >= 0
            assert exact_sign((1 - t) * nrm(a) + t * nrm(b) - nrm(m)) >= 0
            for i in range(3):
                assert exact_sign((1 - t) * logsm(a, i) + t * logsm(b, i) - logsm(m, i)) <= 0
    z = sp.symbols("z1:4", real=True)
    for i in range(3):  # log softmax is z_i - logsumexp(z): the identity the tag rests on
        assert sp.simplify(sp.expand_log(logsm(z, i), force=False) - (z[i] - lse(z))) == 0 or \
            all(sp.N(logsm([1, 2, 3], i) - (sp.Integer([1, 2, 3][i]) - lse([1, 2, 3])), 30) == 0 for _ in [0])


MUST_SHOW = [
    ("convex(softplus(x))", "proved", "softplus convex (atom)"),
    ("convex(logsumexp(z), on z in R^3)", "proved", "logsumexp convex (atom)"),
    ("forall y in 1..3: convex(-log(softmax(z)[y]), on z in R^3)", "proved", "log_softmax concave (atom)"),
    ("convex(norm(x), on x in R^3)", "proved", "norm convex (atom)"),
    ("forall n >= 1: convex(norm(x), on x in R^n)", "proved", "norm convex (atom)"),
    ("convex(abs(w))", "proved", "abs convex (atom)"),
    ("concave(log(x), on x > 0)", "proved", "log concave (atom)"),
    ("convex(x*log(x), on x > 0)", "proved", "entropy"),
    ("convex(1/x, on x > 0)", "proved", "inverse"),
    ("convex(x^2/y, on y > 0)", "proved", "quad_over_lin"),
    ("convex(log(exp(x) + exp(-x)))", "proved", "u = exp(x)"),
    ("convex(sigmoid(x))", "refuted", ""),
    ("convex(sqrt(abs(w)))", "refuted", "chord"),
]


@pytest.mark.parametrize("text,verdict,method", MUST_SHOW)
def test_must_show(text, verdict, method):
    r = one(f"claim c: {text}")
    assert r.verdict.value == verdict, r
    assert method in r.method


def test_sqrt_abs_witness_is_a_chord():
    r = one("claim c: convex(sqrt(abs(w)))")
    assert r.witness == {"a": "0", "b": "1", "t": "1/2"}


# False convexity claims in several spellings; each comes with this file's own exact chord
# (a, b, t) or a point outside the stated domain, showing it is false.
FALSE = [
    ("convex(exp(-x^2))", lambda v: sp.exp(-v ** 2), (0, 1)),
    ("convex(-softplus(x))", lambda v: -sp.log(1 + sp.exp(v)), (0, 1)),
    ("convex(log(x), on x > 0)", lambda v: sp.log(v), (1, 3)),
    ("concave(exp(x))", lambda v: -sp.exp(v), (0, 1)),
    ("convex(sqrt(x), on x >= 0)", lambda v: sp.sqrt(v), (0, 1)),
    ("convex(-abs(w))", lambda v: -sp.Abs(v), (-1, 1)),
    ("convex(abs(w - 1) - abs(w))", lambda v: sp.Abs(v - 1) - sp.Abs(v), (-1, 1)),
    ("convex(exp(-abs(w)))", lambda v: sp.exp(-sp.Abs(v)), (-1, 1)),
    ("convex(relu(-x^2 + 1))", lambda v: sp.Max(0, 1 - v ** 2), (-1, 1)),
    ("convex(x^3, on x > -1)", lambda v: v ** 3, (-sp.Rational(1, 2), 0)),
    ("convex(1/x, on x < 0)", lambda v: 1 / v, (-2, -1)),
    ("convex(log(1 + x^2))", lambda v: sp.log(1 + v ** 2), (1, 3)),
    ("convex(sqrt(1 + abs(w)))", lambda v: sp.sqrt(1 + sp.Abs(v)), (0, 2)),
    # convex outer functions that are not nondecreasing, of convex inner ones
    ("convex(1/(x^2 + 1))", lambda v: 1 / (v ** 2 + 1), (-1, 1)),
    ("convex(abs(x^2 - 1))", lambda v: sp.Abs(v ** 2 - 1), (-1, 1)),
    ("convex((x^2 - 1)^2)", lambda v: (v ** 2 - 1) ** 2, (-1, 1)),
    ("convex(abs(w^2 - 1), on w > -2)", lambda v: sp.Abs(v ** 2 - 1), (-1, 1)),
    ("convex(norm([x^2 - 1, y]), on x in R, on y in R)", lambda v: sp.Abs(v ** 2 - 1), (-1, 1)),
]


@pytest.mark.parametrize("text,f,ab", FALSE)
def test_false_convexity_is_never_proved(text, f, ab):
    a, b = (sp.Integer(v) if isinstance(v, int) else v for v in ab)
    t = sp.Rational(1, 2)
    gap = (1 - t) * f(a) + t * f(b) - f((1 - t) * a + t * b)
    assert exact_sign(gap) < 0, "the test's own chord shows the claim false"
    r = one(f"claim c: {text}")
    assert r.verdict is not Verdict.PROVED, r


def test_difference_of_norms_refuted_and_not_proved():
    r = one("claim c: convex(norm(x) - norm(y), on x in R, on y in R)")
    assert r.verdict is Verdict.REFUTED
    a, b = r.witness["a"], r.witness["b"]
    assert (a, b) == ("[0, 1]", "[0, -1]")  # f = |x| - |y|: f(a) = f(b) = -1, f(0) = 0 > -1


NO_DOMAIN = ["convex(-log(x))", "concave(log(x))", "convex(x*log(x))", "convex(1/x)", "convex(x^2/y)",
             "concave(sqrt(x))"]


@pytest.mark.parametrize("text", NO_DOMAIN)
def test_partial_functions_need_a_domain(text):
    r = one(f"claim c: {text}")
    assert r.verdict is not Verdict.PROVED, r


def test_on_outside_convexity_predicates_is_an_error():
    r = one("claim c: exp(x, on x > 0) > 0")
    assert r.verdict is Verdict.ERROR


def test_second_derivative_test_needs_the_function_defined_everywhere():
    # g'' = 9 exp(3x) >= 0, but log(-exp(x)) is defined nowhere: the u = exp(x) test must not prove it
    from prove.backends.analysis.curvature import _defined_everywhere
    u = sp.Symbol("u", positive=True)
    assert not _defined_everywhere(u ** 3 + sp.log(-u), u)
    assert not _defined_everywhere(u ** 3 + sp.log(u - 1), u)
    assert _defined_everywhere(u ** 3 + sp.log(1 + u), u)


def test_stated_domain_is_not_judged_outside_it():
    # x^3 is convex on x > 0 (and not on R): neither the chords nor the audit may look at x < 0
    r = one("claim c: convex(x^3, on x > 0)")
    assert r.verdict is Verdict.PROVED
    r = one("claim c: convex(x^3, on x > -1)")
    assert r.verdict is Verdict.REFUTED
    assert all(sp.Rational(v) > -1 for v in (r.witness["a"], r.witness["b"]))
