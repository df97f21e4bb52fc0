"""Inequalities with exp and log (prove/backends/identity/transcendental.py):
true ones proved with their method named, false neighbours never proved and
refuted at witnesses judged here with exact arithmetic of this file's own."""

import random
from fractions import Fraction

import pytest
import sympy as sp
import z3

import prove
from prove.backends.identity import transcendental as T
from prove.verdict import Verdict

X = sp.Symbol("x", real=True)


def _sig(v):
    return 1 / (1 + sp.exp(-v))


TRUE = [
    ("forall x in R: 0 < diff(sigmoid(x), x) <= 1/4", "substitution u = exp(x)"),
    ("forall x in R: 0 < diff(sigmoid(x), x) and diff(sigmoid(x), x) <= 1/4", "substitution u = exp(x)"),
    ("forall z in R^3, i in 1..3: softmax(z)[i] > 0", "substitution u = exp(x)"),
    ("forall x in R: exp(x) >= 1 + x", "tangent lines"),
    ("forall x in R where x > -1: log(1 + x) <= x", "tangent lines"),
    ("forall x in R: softplus(x) >= max(x, 0)", "monotonicity"),
    ("forall x in R: sigmoid(x) + sigmoid(-x) = 1 and 0 < sigmoid(x) < 1", "substitution u = exp(x)"),
    ("forall x in R: exp(x) >= 1 + x + x^2/2 + x^3/6", "Taylor"),
    ("forall x in R, y in R where x <= y: exp(x) <= exp(y)", "monotonicity"),
]


@pytest.mark.parametrize("body, method", TRUE)
def test_true_inequalities_are_proved_and_the_method_is_named(body, method):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict is Verdict.PROVED, r.reason
    assert method in r.method


# (claim, the body as a function of x judged here exactly; None when not a one-variable claim)
FALSE = [
    ("forall x in R: diff(sigmoid(x), x) < 1/4", lambda x: sp.exp(-x) / (1 + sp.exp(-x)) ** 2 < sp.Rational(1, 4)),
    ("forall x in R: 0 < diff(sigmoid(x), x) < 1/4", lambda x: sp.exp(-x) / (1 + sp.exp(-x)) ** 2 < sp.Rational(1, 4)),
    ("forall x in R: diff(sigmoid(x), x) <= 1/5", lambda x: sp.exp(-x) / (1 + sp.exp(-x)) ** 2 <= sp.Rational(1, 5)),
    ("forall x in R: exp(x) > 1 + x", lambda x: sp.exp(x) > 1 + x),
    ("forall x in R: exp(x) >= 1 + x + x^2/2", lambda x: sp.exp(x) >= 1 + x + x ** 2 / 2),
    ("forall x in R: exp(x) >= 1 + x + x^2/2 + x^3/6 + x^4/24",
     lambda x: sp.exp(x) >= 1 + x + x ** 2 / 2 + x ** 3 / 6 + x ** 4 / 24),
    ("forall x in R: exp(x) >= 1 + 11/10*x", lambda x: sp.exp(x) >= 1 + sp.Rational(11, 10) * x),
    ("forall x in R: exp(x/2) >= 1 + x", lambda x: sp.exp(x / 2) >= 1 + x),
    ("forall x in R: exp(x) + exp(-x) > 2", lambda x: sp.exp(x) + sp.exp(-x) > 2),
    ("forall x in R where x > -1: log(1 + x) < x", lambda x: sp.log(1 + x) < x),
    ("forall x in R where x > -1: log(1 + x) <= x - x^2/4", lambda x: sp.log(1 + x) <= x - x ** 2 / 4),
    ("forall x in R where x > 0: log(x) < x - 1", lambda x: sp.log(x) < x - 1),
    ("forall x in R where x > 0: log(x) < x/3", lambda x: sp.log(x) < x / 3),
    ("forall x in R: softplus(x) > max(x, 1/10)", lambda x: sp.log(1 + sp.exp(x)) > sp.Max(x, sp.Rational(1, 10))),
    ("forall x in R: softplus(x) >= x + 1/2", lambda x: sp.log(1 + sp.exp(x)) >= x + sp.Rational(1, 2)),
    ("forall x in R: sigmoid(x) + sigmoid(-x) = 1 and 1/2 < sigmoid(x) < 1",
     lambda x: sp.And(_sig(x) > sp.Rational(1, 2), _sig(x) < 1)),
    ("forall x in R where x >= 0: tanh(x) >= x", lambda x: sp.tanh(x) >= x),
    ("forall z in R^3, i in 1..3: softmax(z)[i] <= 1/2", None),
    ("forall x in R: log(1 + x) <= x", None),  # log(0) at x = -1
]


def _rational(text: str) -> sp.Rational:
    return sp.Rational(Fraction(text))


def _decided(expr) -> bool:
    """A relation at a rational point, decided exactly or to a certified margin."""
    if expr in (sp.true, sp.false):
        return bool(expr)
    if isinstance(expr, sp.And):
        return all(_decided(a) for a in expr.args)
    d = (expr.lhs - expr.rhs)
    if not d.is_Rational:
        n = d.evalf(50, strict=True)
        assert abs(n) > 1e-30, f"not decided here: {expr}"
    return bool(expr.func(d, 0))


@pytest.mark.parametrize("body, judge", FALSE)
def test_false_neighbours_are_never_proved_and_refuted_at_a_point_that_fails_here(body, judge):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.method, r.reason)
    if judge is not None:
        assert not _decided(judge(_rational(r.witness["x"]))), r.witness


def test_a_substitution_that_leaves_x_outside_exp_is_refused():
    assert T.substitution(sp.exp(X) / (1 + sp.exp(X)), [X]) == {X: 1}
    assert T.substitution(sp.exp(X / 2) + sp.exp(-X / 3), [X]) == {X: 6}
    assert T.substitution(sp.exp(X) - 1 - X, [X]) is None  # x outside exp
    assert T.substitution(sp.exp(X ** 2), [X]) is None  # not linear in x
    assert T.substitution(sp.exp(X + 1), [X]) is None  # a constant term
    # the stage that claims the substitution does not run when x is left over
    from prove.backends.base import Limits
    from prove.backends.identity.instances import Goal, make_instance
    (r,) = prove.check("claim t: forall x in R: exp(x) >= 1 + x")
    assert "substitution" not in r.method
    q = T._query(Goal(sp.exp(X), 1 + X, ">=", {}), _one_variable_instance())
    status, reason = T.prove_goal(q, "substitution", Limits().deadline())
    assert status == "unknown" and "outside exp" in reason


def _one_variable_instance():
    from prove.backends.identity.instances import Instance
    return Instance({}, {"x": X}, {"x": X})


def test_exp_without_its_facts_proves_nothing_about_x():
    """Dropping the tangent fact (the twin of the encoding) turns the proof of
    exp(x) >= 1 + x into a model: the facts carry the proof, not the encoding."""
    from prove.backends.base import Limits
    from prove.backends.identity.instances import Goal
    q = T._query(Goal(sp.exp(X), 1 + X, ">=", {}), _one_variable_instance())
    assert T.prove_goal(q, "monotonicity", Limits().deadline())[0] == "proved"
    answer, _ = T.solve(list(q.encoding.positive) + [z3.Not(q.goal)], Limits().deadline())
    assert answer == z3.sat


def test_z3_unknown_is_unknown(monkeypatch):
    monkeypatch.setattr(T, "solve", lambda assertions, deadline: (z3.unknown, z3.Solver()))
    for body in ("forall x in R: exp(x) >= 1 + x", "forall x in R: 0 < diff(sigmoid(x), x) <= 1/4"):
        (r,) = prove.check(f"claim t: {body}")
        assert r.verdict is Verdict.UNKNOWN, r.method
        assert "z3 returned unknown" in r.reason


def test_hypotheses_that_cannot_hold_prove_nothing():
    (r,) = prove.check("claim t: forall x in R where x > 1 and x < 0: exp(x) < 0")
    assert r.verdict is not Verdict.PROVED


def _taylor(a, n):
    return sum(a ** k / sp.factorial(k) for k in range(n + 1))


def test_the_textbook_facts_hold_at_many_exact_points():
    """Each fact the encoding adds (module docstring), at rational points from
    -30 to 30, by certified evaluation: exp(a) >= 1 + a and >= T_3(a) for every
    a, exp(a) <= T_2(a) for a <= 0, exp(a) * T_3(-a) <= 1 where T_3(-a) > 0,
    log(b) <= b - 1 and log(b) >= 1 - 1/b for b > 0."""
    rng = random.Random(13)
    pts = [sp.Rational(rng.randint(-3000, 3000), rng.randint(1, 100)) for _ in range(150)]
    pts += [sp.Integer(0), sp.Rational(1, 10 ** 6), sp.Rational(-1, 10 ** 6)]
    for a in pts:
        e = sp.exp(a)
        facts = [e - 1 - a, e - _taylor(a, 3)]
        if a <= 0:
            facts.append(_taylor(a, 2) - e)
        if _taylor(-a, 3) > 0:
            facts.append(1 - e * _taylor(-a, 3))
        if a > 0:
            facts += [a - 1 - sp.log(a), sp.log(a) - 1 + 1 / a]
        for f in facts:
            if f == 0:
                continue
            assert f.evalf(60, strict=True) >= 0, (a, f)


def _enclosure(v) -> tuple:
    """Rationals lo < v < hi, 40 certified digits apart."""
    n = sp.Rational(v.evalf(60, strict=True))
    eps = sp.Rational(1, 10 ** 40) * (1 + abs(n))
    return n - eps, n + eps


def test_the_encodings_own_facts_admit_the_true_values():
    """The facts the module gives Z3 (every stage), with exp(a) and log(b) at
    rational a, b > 0 pinned to certified enclosures of their true values, must
    be satisfiable: a fact false at some point (exp(a) >= 1 + 2a, the Taylor
    upper bound without a <= 0) makes them unsat there."""
    from prove.backends.base import Limits
    from prove.backends.identity.instances import Goal, Instance
    rng = random.Random(7)
    empty = Instance({}, {}, {})
    for _ in range(40):
        a = sp.Rational(rng.randint(-900, 900), rng.randint(1, 60))
        b = sp.Rational(rng.randint(1, 900), rng.randint(1, 60))
        q = T._query(Goal(sp.exp(a) + sp.log(b) + sp.exp(-a / 2), sp.Integer(0), ">=", {}), empty)
        pins = []
        for (kind, arg), term in q.encoding.atoms.items():
            lo, hi = _enclosure(sp.exp(arg) if kind == "exp" else sp.log(arg))
            pins += [term > z3.Q(int(lo.p), int(lo.q)), term < z3.Q(int(hi.p), int(hi.q))]
        for stage in T.STAGES:
            answer, _ = T.solve(T.facts(q.encoding, stage) + pins, Limits().deadline())
            assert answer == z3.sat, (a, b, stage)


def test_the_audit_keeps_the_sign_of_softplus_far_left():
    """log(1 + exp(-436)) is about 4e-190: 1 + t rounds to 1 in 512 bits, and the
    audit once called `softplus(x) >= max(x, 0)` uncertain there."""
    from prove.audit.numeric import compare
    x = sp.Rational(-2599035, 5959)
    assert compare(">", sp.log(1 + sp.exp(X)), sp.Max(X, 0), {X: x}, {}) is True
    assert compare(">", sp.log(1 + sp.exp(X)), sp.exp(X), {X: x}, {}) is False  # log(1 + t) < t
