"""Boundary counterexamples and polynomial inequalities (issue 13, part A).

False claims of the shapes the Z3 route and the boundary search take, in
several spellings (strict and non-strict swapped, hypotheses dropped,
sides reversed): never proved, and every witness judged here with the
test's own exact arithmetic (Fractions), never by the prover.  The Z3
route's own safeguards (obligations of sqrt and division, the twin check on
the hypotheses) are driven directly."""

from fractions import Fraction

import pytest

import prove
from prove.backends.base import Limits
from prove.backends.identity import polynomial
from prove.runner import tasks_for_text
from prove.verdict import Verdict


def claim_of(body: str):
    (task,) = [t for t in tasks_for_text(f"claim t:\n  {body}\n", "<text>") if t.name == "t"]
    assert task.claim is not None, task.result
    return task.claim


def value(text: str):
    text = text.strip()
    if text.startswith("["):
        return [Fraction(p) for p in text.strip("[]").split(",")]
    return Fraction(text)


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))


def sqrt_ge(lhs, arg):
    """lhs >= sqrt(arg), exactly; None where sqrt(arg) is not a real number."""
    if arg < 0:
        return None
    return lhs >= 0 and lhs * lhs >= arg


def sqrt_le(lhs, arg):
    if arg < 0:
        return None
    return lhs <= 0 or lhs * lhs <= arg


# (claim, the claim's body judged at a witness: True/False, None where undefined)
FALSE = [
    ("forall x in R: x^2 > 0", lambda w: w["x"] ** 2 > 0),
    ("forall x in R: 0 < x^2", lambda w: 0 < w["x"] ** 2),
    ("forall x in R: x * x > 0", lambda w: w["x"] * w["x"] > 0),
    ("forall x in R: (x - 5)^2 > 0", lambda w: (w["x"] - 5) ** 2 > 0),
    ("forall x in R: -x^2 < 0", lambda w: -w["x"] ** 2 < 0),
    ("forall a in R, b in R: a^2 + b^2 > 2*a*b", lambda w: w["a"] ** 2 + w["b"] ** 2 > 2 * w["a"] * w["b"]),
    ("forall a in R, b in R: 2*a*b < a^2 + b^2", lambda w: 2 * w["a"] * w["b"] < w["a"] ** 2 + w["b"] ** 2),
    ("forall a in R, b in R: (a - b)^2 > 0", lambda w: (w["a"] - w["b"]) ** 2 > 0),
    ("forall a in R, b in R: a^2 + b^2 <= 2*a*b", lambda w: w["a"] ** 2 + w["b"] ** 2 <= 2 * w["a"] * w["b"]),
    ("forall x in R where x >= 0: x > 0", lambda w: w["x"] < 0 or w["x"] > 0),
    ("forall x in R where x >= 7: x > 7", lambda w: w["x"] < 7 or w["x"] > 7),
    ("forall x in R, y in R where x >= 7 and y <= x: y < 7",
     lambda w: not (w["x"] >= 7 and w["y"] <= w["x"]) or w["y"] < 7),
    ("forall a in R, b in R, d in R where 0 <= d and d <= 1 and b < a: (1 - d) * a + d * b < (1 - d) * a + d * a",
     lambda w: not (0 <= w["d"] <= 1 and w["b"] < w["a"])
     or (1 - w["d"]) * w["a"] + w["d"] * w["b"] < (1 - w["d"]) * w["a"] + w["d"] * w["a"]),
    # the chord step with its hypothesis b < a dropped
    ("forall a in R, b in R, d in R where 0 < d and d <= 1: (1 - d) * a + d * b < (1 - d) * a + d * a",
     lambda w: not (0 < w["d"] <= 1)
     or (1 - w["d"]) * w["a"] + w["d"] * w["b"] < (1 - w["d"]) * w["a"] + w["d"] * w["a"]),
    ("forall a in R, b in R: (a + b)^2 > 4*a*b", lambda w: (w["a"] + w["b"]) ** 2 > 4 * w["a"] * w["b"]),
    ("forall a in R, b in R: (a + b)^2 <= 4*a*b", lambda w: (w["a"] + w["b"]) ** 2 <= 4 * w["a"] * w["b"]),
    ("forall a in R, b in R: (a + b)/2 >= sqrt(a*b)", lambda w: sqrt_ge((w["a"] + w["b"]) / 2, w["a"] * w["b"])),
    ("forall a in R, b in R where a >= 0 and b >= 0: (a + b)/2 <= sqrt(a*b)",
     lambda w: not (w["a"] >= 0 and w["b"] >= 0) or sqrt_le((w["a"] + w["b"]) / 2, w["a"] * w["b"])),
    ("forall a in R, b in R where a >= 0 and b >= 0: (a + b)/2 > sqrt(a*b)",
     lambda w: not (w["a"] >= 0 and w["b"] >= 0)
     or ((w["a"] + w["b"]) / 2 >= 0 and ((w["a"] + w["b"]) / 2) ** 2 > w["a"] * w["b"])),
    ("forall u in R^3, v in R^3: dot(u, v)^2 >= dot(u, u) * dot(v, v)",
     lambda w: dot(w["u"], w["v"]) ** 2 >= dot(w["u"], w["u"]) * dot(w["v"], w["v"])),
    ("forall u in R^3, v in R^3: dot(u, v)^2 < dot(u, u) * dot(v, v)",
     lambda w: dot(w["u"], w["v"]) ** 2 < dot(w["u"], w["u"]) * dot(w["v"], w["v"])),
    ("forall x in R: abs(x) > 0", lambda w: abs(w["x"]) > 0),
    ("forall x in R: abs(x) < 0", lambda w: abs(w["x"]) < 0),
    ("forall x in R, y in R: abs(x - y) <= abs(x) - abs(y)",
     lambda w: abs(w["x"] - w["y"]) <= abs(w["x"]) - abs(w["y"])),
    ("forall x in R, y in R: abs(x + y) < abs(x) + abs(y)", lambda w: abs(w["x"] + w["y"]) < abs(w["x"]) + abs(w["y"])),
    ("forall x in R: x / (x^2 + 1) < 1/2", lambda w: w["x"] / (w["x"] ** 2 + 1) < Fraction(1, 2)),
    ("forall x in R: x^2 - 7*x + 12 >= -1/8", lambda w: w["x"] ** 2 - 7 * w["x"] + 12 >= Fraction(-1, 8)),
    ("forall x in R: x^2 - 7*x + 12 > -1/4", lambda w: w["x"] ** 2 - 7 * w["x"] + 12 > Fraction(-1, 4)),
    ("forall x in R: x^2 >= 0 and x > 0", lambda w: w["x"] ** 2 >= 0 and w["x"] > 0),
    ("forall x in R: x^2 > 0 by z3", lambda w: w["x"] ** 2 > 0),
    ("forall x in R: (x - 5)^2 > 0 by z3", lambda w: (w["x"] - 5) ** 2 > 0),
    ("forall a in R, b in R:\n  calc a^2 + b^2\n     > 2*a*b", lambda w: w["a"] ** 2 + w["b"] ** 2 > 2 * w["a"] * w["b"]),
    ("forall a in R, b in R:\n  calc a^2 + b^2\n     > 2*a*b by z3",
     lambda w: w["a"] ** 2 + w["b"] ** 2 > 2 * w["a"] * w["b"]),
]


@pytest.mark.parametrize("body, judge", FALSE)
def test_false_claims_are_refuted_at_a_witness_judged_here(body, judge):
    (r,) = prove.check(f"claim t:\n  {body}")
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.method, r.reason)
    point = {name: value(text) for name, text in r.witness.items()}
    assert judge(point) in (False, None), (r.witness, r.method)


TRUE = [
    ("forall x in R: x^2 >= 0", "z3: the negation is unsat over the reals (polynomial arithmetic)"),
    ("forall x in R: x^2 >= 0 by z3", "z3: the negation is unsat"),
    ("forall a in R, b in R: a^2 + b^2 >= 2*a*b", "z3:"),
    ("forall a in R, b in R: (a + b)^2 >= 4*a*b", "z3:"),
    ("forall a in R, b in R where a >= 0 and b >= 0: (a + b)/2 >= sqrt(a*b)", "z3:"),
    ("forall u in R^3, v in R^3: dot(u, v)^2 <= dot(u, u) * dot(v, v)", "z3:"),
    ("forall x in R: abs(x) >= 0", "abs as cases"),
    ("forall x in R, y in R: abs(x + y) <= abs(x) + abs(y)", "abs as cases"),
    ("forall x in R: x / (x^2 + 1) <= 1/2", "division as an inverse"),
    # boundary candidates (x = 0, a = b) that the hypotheses exclude
    ("forall x in R where x > 0: x^2 > 0", "z3:"),
    ("forall a in R, b in R where a != b: a^2 + b^2 > 2*a*b", "z3:"),
    ("forall x in R where x >= 0 and x != 0: x > 0", "z3:"),
    ("forall a in R, b in R, d in R where 0 < d and d <= 1 and b < a: (1 - d) * a + d * b < (1 - d) * a + d * a",
     "z3:"),
]


@pytest.mark.parametrize("body, method", TRUE)
def test_true_inequalities_are_proved_with_the_method_named(body, method):
    (r,) = prove.check(f"claim t:\n  {body}")
    assert r.verdict is Verdict.PROVED, (r.verdict, r.reason)
    assert method in r.method


def test_one_claim_one_verdict_as_a_claim_or_a_calc_step():
    claim, step = prove.check("claim c: forall a in R, b in R: a^2 + b^2 >= 2*a*b\n"
                              "claim s: forall a in R, b in R:\n  calc a^2 + b^2\n     >= 2*a*b\n")
    assert claim.verdict is step.verdict is Verdict.PROVED
    assert "z3: the negation is unsat" in step.steps[0].method


def test_by_z3_on_a_claim_z3_does_not_take_is_refused_with_a_note():
    (r,) = prove.check("claim t:\n  forall x in R: sin(x) <= 1 by z3")
    assert r.verdict is Verdict.UNKNOWN
    assert "by z3: refused" in r.reason and "sin(x)" in r.reason
    (r,) = prove.check("claim t:\n  forall x in R: sigmoid(x) + sigmoid(-x) = 1 by z3")
    assert r.verdict is Verdict.PROVED
    assert "by z3: refused" in r.method


# ------------------------------------------------- the Z3 route's safeguards


def route(body: str) -> polynomial.Z3Route:
    return polynomial.prove(claim_of(body), Limits().deadline())


def test_sqrt_is_not_proved_where_its_argument_may_be_negative():
    # the definition s >= 0, s^2 = x alone would imply x >= 0 and "prove" it
    out = route("forall x in R: sqrt(x) >= 0")
    assert out.outcome is None and "x >= 0 (under sqrt)" in out.note
    assert route("forall x in R where x >= 0: sqrt(x) >= 0").outcome.verdict is Verdict.PROVED


def test_division_is_not_proved_where_the_denominator_may_vanish():
    out = route("forall x in R where x >= 0: 1/x >= 0")
    assert out.outcome is None and "!= 0 (a denominator)" in out.note
    assert route("forall x in R where x > 0: 1/x >= 0").outcome.verdict is Verdict.PROVED


def test_unsatisfiable_hypotheses_prove_nothing():
    out = route("forall x in R where x^2 < 0: x > 5")
    assert out.outcome is None and "unsatisfiable" in out.note
    (r,) = prove.check("claim t:\n  forall x in R where x^2 < 0: x > 5")
    assert r.verdict is not Verdict.PROVED


def test_twin_dropping_a_hypothesis_turns_a_proof_into_a_model():
    kept = route("forall a in R, b in R, d in R where 0 < d and b < a: d * b < d * a")
    assert kept.outcome.verdict is Verdict.PROVED
    dropped = route("forall a in R, b in R, d in R where 0 < d: d * b < d * a")
    assert dropped.outcome is None and "satisfiable" in dropped.note


def test_a_model_of_the_negation_is_rechecked_from_the_text():
    # the minimum -1/4 sits at x = 7/2: no small point reaches below -1/8
    (r,) = prove.check("claim t:\n  forall x in R: x^2 - 7*x + 12 >= -1/8")
    assert r.verdict is Verdict.REFUTED and r.method.startswith("z3: a model of the negation")
    x = value(r.witness["x"])
    assert x * x - 7 * x + 12 < Fraction(-1, 8)
