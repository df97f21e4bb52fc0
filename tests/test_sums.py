"""Sums over ranges that may be empty (issue 10, class 6).

In the claim language `sum(k in a..b, t)` is 0 when b < a.  SymPy's `Sum`
follows the Karr convention instead (minus a sum when b < a - 1), so the
symbolic route must never let such a range through: these claims, false at
some n where a range is empty, are refuted at that n, and the witness is
re-checked here by plain integer arithmetic."""

from fractions import Fraction as F

import pytest

import prove


def total(a, b, term=lambda k: 1):
    return sum(term(k) for k in range(a, b + 1))  # empty when b < a


FALSE = [
    # the lower bound symbolic
    ("forall n >= 1: sum(k in n..4, 1) = 5 - n",
     lambda n: total(n, 4) != 5 - n),
    ("forall n >= 1: sum(k in n..4, k) = (5 - n) * (n + 4) / 2",
     lambda n: total(n, 4, lambda k: k) != F((5 - n) * (n + 4), 2)),
    # the upper bound symbolic
    ("forall n >= 1: sum(k in 1..n-2, 1) = n - 2",
     lambda n: total(1, n - 2) != n - 2),
    ("forall n >= 1: sum(k in 1..n - 3, k^2) = (n - 3) * (n - 2) * (2*n - 5) / 6",
     lambda n: total(1, n - 3, lambda k: k * k) != F((n - 3) * (n - 2) * (2 * n - 5), 6)),
    # both bounds symbolic
    ("forall n >= 1, m >= 1: sum(k in m..n, 1) = n - m + 1",
     lambda n, m: total(m, n) != n - m + 1),
    # a product of sums
    ("forall n >= 1: sum(k in n..3, 1) * sum(k in 1..n, 1) = (4 - n) * n",
     lambda n: total(n, 3) * total(1, n) != (4 - n) * n),
    # nested sums, the inner range running from the outer index
    ("forall n >= 1: sum(j in 1..n, sum(k in j..3, 1)) = sum(j in 1..n, 4 - j)",
     lambda n: sum(total(j, 3) for j in range(1, n + 1)) != total(1, n, lambda j: 4 - j)),
]


@pytest.mark.parametrize("body, fails", FALSE)
def test_an_empty_range_sums_to_zero_and_refutes(body, fails):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict.value == "refuted", (r.verdict, r.method, r.reason)
    assert fails(**{k: int(v) for k, v in r.witness.items()}), r.witness


def test_the_issue_example_is_refuted_at_the_first_empty_range():
    (r,) = prove.check("claim t: forall n >= 1: sum(k in n..4, 1) = 5 - n")
    assert (r.verdict.value, r.witness) == ("refuted", {"n": "6"})
    assert r.reason == "the left side is 0 and the right side -1"


@pytest.mark.parametrize("body", [
    # every range shown non-empty from the declared bounds: proved for every n
    "forall n >= 1, z in R^n, i in 1..n: sum(k in i..n, z[k]) + sum(k in 1..i-1, z[k]) = sum(k, z[k])",
    "forall n >= 3: sum(k in 1..n-2, 1) = n - 2",
    "forall n >= 2, x in R: sum(k in 2..n, x) = (n - 1) * x",
])
def test_ranges_that_cannot_be_empty_are_proved_symbolically(body):
    (r,) = prove.check(f"claim t: {body}")
    assert r.verdict.value == "proved" and "for every n" in r.method, (r.verdict, r.method, r.reason)


@pytest.mark.parametrize("body", [
    # true, with ranges that are empty for some n: checked instance by instance
    "forall n >= 1: sum(k in n..4, 1) = max(5 - n, 0)",
    "forall n >= 1: sum(j in 1..n, sum(k in j+2..n, 1)) = (n - 1) * (n - 2) / 2",
])
def test_true_claims_over_possibly_empty_ranges_are_not_refuted(body):
    (r,) = prove.check(f"claim t: {body}")
    assert (r.verdict.value, r.bound) == ("verified", "n = 1..8"), (r.verdict, r.reason)
