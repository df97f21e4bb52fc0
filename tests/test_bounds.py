"""The bound a verdict states is what was checked (issue 10, class 10).

A size variable is checked from its least allowed value (`n >= 5`: n = 5..12,
eight sizes; four once it sizes a matrix), the report names exactly those
values, and a finite range checked whole is `proved`.  The claims here are
outside the symbolic route (`norm`, matrices), so they are checked instance
by instance."""

import pytest

import prove

VECTOR = "z in R^n: norm(z)^2 = dot(z, z)"


def check(body):
    (r,) = prove.check(f"claim t: {body}")
    return r


@pytest.mark.parametrize("binder, bound", [
    ("n >= 5", "n = 5..12"),
    ("n > 4", "n = 5..12"),
    ("n >= 9", "n = 9..16"),  # beyond the old cap of 8: enumerated from the lower bound, never empty
    ("n != 3", "n = 1..2, 4..8"),
    ("n >= 1", "n = 1..8"),
])
def test_the_bound_names_the_sizes_enumerated(binder, bound):
    r = check(f"forall {binder}, {VECTOR}")
    assert (r.verdict.value, r.bound) == ("verified", bound), (r.verdict, r.reason)


@pytest.mark.parametrize("binders, checked", [
    ("n <= 3, z in R^n", "every n = 1..3 checked"),  # a dimension is at least 1
    ("n >= 2, z in R^n where n <= 6", "every n = 2..6 checked"),
    ("n >= 2, z in R^n where 6 >= n and n != 4", "every n = 2..3, 5..6 checked"),
    ("n = 3, z in R^n", "every n = 3 checked"),
])
def test_a_finite_range_checked_whole_is_proved(binders, checked):
    r = check(f"forall {binders}: norm(z)^2 = dot(z, z)")
    assert (r.verdict.value, r.bound) == ("proved", None), (r.verdict, r.bound, r.reason)
    assert r.method.split("; audit:")[0].endswith(checked), r.method


def test_two_size_variables_each_from_its_own_lower_bound():
    r = check("forall m >= 1, n >= 2, A in R^(m x n): (A^T)^T = A")
    assert (r.verdict.value, r.bound) == ("verified", "m = 1..4; n = 2..5")
    r = check("forall m <= 2, n <= 3, A in R^(m x n): (A^T)^T = A")
    assert r.verdict.value == "proved" and r.method.split("; audit:")[0].endswith("every m = 1..2; n = 1..3 checked"), r.method
    r = check("forall m >= 1, n >= 1, A in R^(m x n): (A^T)^T = A")
    assert r.bound == "m, n = 1..4"


def test_an_integer_that_is_no_dimension_is_not_a_size_from_1():
    # `n <= 3` bounds an integer from above only: not a finite range
    r = check("forall n <= 3: sum(k in 1..3, n) = 3 * n")
    assert (r.verdict.value, r.bound) == ("verified", "n = -4..3"), (r.verdict, r.reason)


def test_an_integer_of_Z_takes_negative_values_too():
    r = check("forall k in Z: abs(k) = k")
    assert r.verdict.value == "refuted" and int(r.witness["k"]) < 0, (r.verdict, r.witness)
    r = check("forall k in Z: abs(k)^2 = k^2")
    assert (r.verdict.value, r.bound) == ("verified", "k = -4..3")


def test_a_counterexample_at_the_lower_bound_is_found():
    r = check("forall n >= 5, z in R^n: norm(z)^2 = dot(z, z) + z[5]")
    assert r.verdict.value == "refuted" and r.witness["n"] == "5"
    z = [int(v) for v in r.witness["z"].strip("[]").split(",")]
    assert sum(v * v for v in z) != sum(v * v for v in z) + z[4]


def test_the_symbolic_route_says_which_sizes_it_re_checked():
    r = check("forall n >= 9, z in R^n: sum(k, z[k]^2) = dot(z, z)")
    assert r.verdict.value == "proved" and r.method.split("; audit:")[0].endswith("re-proved exactly for n = 9..12"), r.method
