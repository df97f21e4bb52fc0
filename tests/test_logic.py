"""Logic around identities (`or`, `not`, `<->`, nested `forall`, `exists`,
vector `!=`, one-hot hypotheses): false claims of each shape are never
proved, and every witness is judged again here by the test's own exact
arithmetic (Fractions), not by the prover."""

import re
from fractions import Fraction

import pytest

import prove
from prove.verdict import Verdict


def one(text: str):
    (r,) = prove.check(text)
    return r


def F(s: str) -> Fraction:
    return Fraction(s)


# (claim, expected verdict); each false one is false at an exact point or for every value
TABLE = [
    ("forall x in R: x > 0 or x < 0", "refuted"),  # x = 0
    ("forall x in R: x >= 0 or x < 0", "proved"),
    ("forall x in R: not (x^2 < 0)", "proved"),
    ("forall x in R: not (x^2 > 0)", "refuted"),
    ("forall x in R: x^2 = 0 <-> x = 0", "proved"),
    ("forall x in R: x^2 = 1 <-> x = 1", "refuted"),  # x = -1
    ("forall x in R: x^2 < 1 -> -1 < x and x < 1", "proved"),
    ("forall x in R: x^2 < 4 -> x < 1", "refuted"),
    ("(forall x in R: x^2 >= 0) and (forall y in R: y^2 + 1 > 0)", "proved"),
    ("(forall x in R: x^2 >= 0) and (forall y in R: y^2 > 0)", "refuted"),
    ("forall x in R where x > 1: (x > 0) and (forall x in R: x > 0)", "refuted"),  # the inner x is any real
    ("exists x in R: x^2 < 0", "refuted"),
    ("exists x in R, y in R: x^2 + y^2 = 25 and x > y", "proved"),
    ("forall x in R^2, a in R^2 where x != a: x[1] != a[1]", "refuted"),
    ("forall x in R^2, a in R^2 where x != a: (x[1] - a[1])^2 + (x[2] - a[2])^2 > 0", "proved"),
    ("forall i in 1..3, y in R^3 where (forall k in 1..3: y[k] = delta(k, i)): sum(k, y[k]) = 1", "proved"),
    ("forall i in 1..3, y in R^3 where (forall k in 1..3: y[k] = delta(k, i)): sum(k, y[k]) = 2", "refuted"),
    ("forall x in R: exp(x) > 1 or x < 0", "refuted"),  # x = 0: exp(0) = 1 exactly
]


@pytest.mark.parametrize("body, verdict", TABLE)
def test_table(body, verdict):
    r = one(f"claim t: {body}")
    assert r.verdict.value == verdict, (r.reason, r.witness, r.method)


def test_or_refuted_at_zero_checked_exactly():
    r = one("claim t: forall x in R: x > 0 or x < 0")
    x = F(r.witness["x"])
    assert not (x > 0 or x < 0)


def test_iff_witness_checked_exactly():
    r = one("claim t: forall x in R: x^2 = 1 <-> x = 1")
    x = F(r.witness["x"])
    assert (x * x == 1) != (x == 1)


def test_vector_ne_witness_checked_exactly():
    r = one("claim t: forall x in R^2, a in R^2 where x != a: x[1] != a[1]")
    x = [F(v) for v in r.witness["x"].strip("[]").split(",")]
    a = [F(v) for v in r.witness["a"].strip("[]").split(",")]
    assert x != a and x[0] == a[0]


def test_nested_forall_witness_checked_exactly():
    r = one("claim t: (forall x in R: x^2 >= 0) and (forall y in R: y^2 > 0)")
    assert r.verdict is Verdict.REFUTED
    assert not F(r.witness["y"]) ** 2 > 0


def test_exists_model_from_z3_is_checked_exactly():
    r = one("claim t: exists x in R, y in R: x^2 + y^2 = 25 and x > y")
    m = re.search(r"witness x = (\S+), y = (\S+) \(found by Z3\)", r.method)
    assert m, r.method
    x, y = F(m.group(1)), F(m.group(2))
    assert x * x + y * y == 25 and x > y


def test_wrong_witness_is_refused_and_does_not_refute():
    r = one("claim t: exists x in R: x^2 = 4\n  witness x = 3")
    assert r.verdict is Verdict.UNKNOWN
    assert "witness x = 3 fails" in r.reason


def test_right_witness_proves():
    r = one("claim t: exists x in R: x^2 = 4\n  witness x = -2")
    assert r.verdict is Verdict.PROVED and "witness x = -2" in r.method


def test_witness_depending_on_outer_variable():
    assert one("claim t: forall y in R: exists x in R: x + y = 0\n  witness x = -y").verdict is Verdict.PROVED
    wrong = one("claim t: forall y in R: exists x in R: x + y = 0\n  witness x = y")
    assert wrong.verdict is Verdict.UNKNOWN  # y = 0 would do, so nothing is refuted


def test_witness_of_a_range_binder_must_lie_in_the_range():
    r = one("claim t: exists k in 1..3: k = 5\n  witness k = 5")
    assert r.verdict is not Verdict.PROVED


def test_not_of_an_undecided_atom_is_undecided():
    # exp(x) and exp(x) + 10^-30 agree to 30 digits: the atom is undecided, so
    # `not` of it must not be taken as False (this claim is true)
    r = one("claim t: forall x in R: not (exp(x) = exp(x) + 10^(-30))")
    assert r.verdict is not Verdict.REFUTED
    r = one("claim t: forall x in R: not (sqrt(x) < 0)")
    assert r.verdict is not Verdict.REFUTED  # sqrt(-1) is no real number: undecided, never false


def test_undecided_disjunct_never_makes_an_or_false():
    r = one("claim t: forall x in R: log(x) > -1000 or x <= 0")
    assert r.verdict is not Verdict.REFUTED


def test_contradictory_hypotheses_prove_nothing():
    r = one("claim t: forall x in R where x > 1 and x < 0: x^2 < 0 or x > x")
    assert r.verdict is Verdict.UNKNOWN
    assert "hypotheses" in r.reason


def test_abstracted_function_never_proves_a_false_claim():
    # exp taken as an arbitrary positive real proves nothing about exp(0) = 1
    assert one("claim t: forall x in R: exp(x) >= 1 or x < 0").verdict is not Verdict.REFUTED
    assert one("claim t: forall x in R: exp(x) > 2 or x < 0 or x > 1").verdict is Verdict.REFUTED


def test_dropping_a_hypothesis_turns_proved_into_refuted():
    with_h = one("claim t: forall x in R^2, a in R^2 where x != a: (x[1] - a[1])^2 + (x[2] - a[2])^2 > 0")
    without = one("claim t: forall x in R^2, a in R^2: (x[1] - a[1])^2 + (x[2] - a[2])^2 > 0")
    assert with_h.verdict is Verdict.PROVED and without.verdict is Verdict.REFUTED


def test_a_refuted_formula_says_what_each_comparison_is_at_the_witness():
    (r,) = prove.check("claim t: forall x in R: x > 0 or x < 0\n")
    assert r.verdict is Verdict.REFUTED and r.witness == {"x": "0"}
    assert r.reason == "here x > 0 is false, x < 0 is false"
    (r,) = prove.check("claim t: forall x in R: (x > 0) <-> (x^2 > 0)\n")
    assert r.verdict is Verdict.REFUTED and r.reason == "here x > 0 is false, x^2 > 0 is true", r.reason
