"""The SymPy backend: a table of claims and verdicts, and witnesses checked
here again with exact arithmetic, independently of the backend."""

import pytest
import sympy as sp

import prove
from prove.verdict import Verdict

TABLE = [
    ("diff(sigmoid(x), x) = sigmoid(x) * (1 - sigmoid(x))", "proved"),
    ("diff(sigmoid(x), x) = sigmoid(x)^2", "refuted"),
    ("forall z in R^3, i in 1..3, j in 1..3: diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])", "proved"),
    ("forall z in R^4: jacobian(softmax(z), z) = diag(softmax(z)) - outer(softmax(z), softmax(z))", "proved"),
    ("forall z in R^3: diff(softmax(z)[1], z[2]) = softmax(z)[1] * (1 - softmax(z)[2])", "refuted"),
    ("forall z in R^3: grad(logsumexp(z), z) = softmax(z)", "proved"),
    ("forall z in R^3, y in R^3 where sum(k, y[k]) = 1: grad(-sum(k, y[k] * log(softmax(z)[k])), z) = softmax(z) - y", "proved"),
    ("forall z in R^3, y in R^3: grad(-sum(k, y[k] * log(softmax(z)[k])), z) = softmax(z) - y", "refuted"),
    ("forall z in R^3, c in R: softmax(z + c) = softmax(z)", "proved"),
    ("tanh(x) = 2 * sigmoid(2*x) - 1", "proved"),
    ("sqrt(x^2) = x", "refuted"),
    ("log(x * y) = log(x) + log(y)", "refuted"),
    ("forall x in R, y in R where x > 0 and y > 0: log(x * y) = log(x) + log(y)", "proved"),
    ("diff(relu(x), x) = 1", "refuted"),  # no derivative at the kink x = 0
    ("sigmoid(x) <= 1/2", "refuted"),
    ("forall w in R^3, x in R^3, t in R: grad((dot(w, x) - t)^2 / 2, w) = (dot(w, x) - t) * x", "proved"),
]


@pytest.mark.parametrize("body, verdict", TABLE)
def test_table(body, verdict):
    (result,) = prove.check(f"claim t: {body}")
    assert result.verdict.value == verdict, (result.reason, result.witness)
    if verdict == "refuted":
        assert result.witness


def test_symbolic_dimension_is_at_least_verified_with_its_bound():
    (r,) = prove.check("claim t: forall n >= 1, z in R^n, i in 1..n, j in 1..n:\n"
                       "  diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])")
    assert r.verdict in (Verdict.PROVED, Verdict.VERIFIED)
    if r.verdict is Verdict.VERIFIED:
        assert "n = 1.." in r.bound


def _sig(v):
    return 1 / (1 + sp.exp(-v))


def test_sigmoid_witness_makes_the_sides_differ_exactly():
    (r,) = prove.check("claim t: diff(sigmoid(x), x) = sigmoid(x)^2")
    x = sp.Rational(r.witness["x"]) if "/" not in r.witness["x"] else sp.Rational(*map(int, r.witness["x"].split("/")))
    t = sp.Symbol("t")
    lhs = sp.diff(_sig(t), t).subs(t, x)
    rhs = _sig(x) ** 2
    assert sp.simplify(lhs - rhs) != 0
    assert abs((lhs - rhs).evalf(30)) > 1e-10


def _vector(text):
    return [sp.Rational(v.strip()) for v in text.strip("[]").split(",")]


def test_offdiagonal_witness_makes_the_sides_differ_exactly():
    (r,) = prove.check("claim t: forall z in R^3: diff(softmax(z)[1], z[2]) = softmax(z)[1] * (1 - softmax(z)[2])")
    z = _vector(r.witness["z"])
    zs = sp.symbols("a b c")
    s = [sp.exp(v) / sum(sp.exp(w) for w in zs) for v in zs]
    lhs = sp.diff(s[0], zs[1])
    rhs = s[0] * (1 - s[1])
    point = dict(zip(zs, z))
    assert abs((lhs - rhs).subs(point).evalf(30)) > 1e-10


def test_hypothesis_is_used_not_ignored():
    # dropping the hypothesis turns the proof into a refutation (twin check)
    with_h = prove.check("claim t: forall y in R^2 where y[1] + y[2] = 1: y[1] = 1 - y[2]")[0]
    without = prove.check("claim t: forall y in R^2: y[1] = 1 - y[2]")[0]
    assert (with_h.verdict.value, without.verdict.value) == ("proved", "refuted")


# A non-strict sign must not reach SymPy where a derivative is taken: it would
# rewrite abs(x) to x and hide the kink at 0.  Checked on the backend alone,
# without the definedness pass in front of it.
@pytest.mark.parametrize("body", [
    "forall x in R where x >= 0: diff(abs(x), x) = 1",
    "forall s in R where s <= 0: diff(abs(s), s) = -1",
    "forall y in R where y <= 0: diff(relu(y), y) = 0",
    "forall x in R: x >= 0 -> diff(max(x, 0), x) = 1",
])
def test_the_backend_alone_does_not_prove_a_derivative_at_a_kink(body):
    from prove.claim import ModuleContext
    from prove.elaborate import elaborate
    from prove.parser import parse
    from prove.backends.identity import check as identities

    (decl,) = parse(f"claim t: {body}", "<t>").items
    claim = elaborate(decl, "<t>", ModuleContext())
    assert identities.check(claim).verdict not in (Verdict.PROVED, Verdict.VERIFIED)


def test_a_non_strict_sign_still_helps_where_no_derivative_is_taken():
    (r,) = prove.check("claim t: forall x in R where x >= 0: sqrt(x^2) = x")
    assert r.verdict is Verdict.PROVED


@pytest.mark.parametrize("body", [
    "forall x in R where x > 0 and x < 0: x = 1",
    "forall x in R, y in R where x > 0 and y > 0 and x < 0: sqrt(x^2) = 0 - x",
    "forall t in R where t > 0: t < 0 -> abs(t) = 5",
])
def test_signs_that_contradict_each_other_are_not_an_internal_error(body):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict in (Verdict.PROVED, Verdict.UNKNOWN), (r.verdict, r.reason)
    assert "internal error" not in (r.reason or ""), r.reason


def test_a_backend_that_cannot_decide_says_unknown_not_internal_error(monkeypatch):
    from prove.claim import ModuleContext
    from prove.elaborate import elaborate
    from prove.parser import parse
    from prove.backends.base import CannotDecide, check
    from prove.backends.identity import check as identities

    def cannot(claim, limits=None):
        raise CannotDecide("this construct is not taken here")

    monkeypatch.setattr(identities, "check", cannot)
    (decl,) = parse("claim t: x + x = 2*x", "<t>").items
    out = check(elaborate(decl, "<t>", ModuleContext()))
    assert out.verdict is Verdict.UNKNOWN and not out.internal
    assert out.reason == "this construct is not taken here"
