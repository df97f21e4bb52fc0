"""Messages that say the fix: each case's exact user-visible message, its
position and its caret; `e` and `pi` as constants unless bound; the values of
both sides in a refuted calc step and an abstract-function refutation."""

from fractions import Fraction

import pytest

import prove
from prove.didyoumean import nearest
from prove.report import format_result
from prove.verdict import Verdict
from prove.vocabulary import BUILTINS


def only(text: str):
    (r,) = prove.check(text)
    return r


ERRORS = [
    # (claim text, message, line, column, width of the caret run under the source)
    ("claim c: forall x: x^2 >= 0",
     "the variable 'x' has no domain: write `x in R` (or `x in R^n`, or `x: R -> R` for a function)",
     1, 17, 1),
    ("claim c: forall x, y in R: x^2 + y^2 >= 0",
     "the variable 'x' has no domain: write `x in R` (or `x in R^n`, or `x: R -> R` for a function)",
     1, 17, 1),
    ("claim c:\n  forall f: R -> R, w:\n    f(w) = f(w)",
     "the variable 'w' has no domain: write `w in R` (or `w in R^n`, or `w: R -> R` for a function)",
     2, 21, 1),
    ("claim c: forall x in R: x > 0 => x^2 > 0",
     "unexpected '=>'; use `->` for implication", 1, 31, 2),
    ("claim c: forall x in R: x + 0 == x",
     "unexpected '=='; use `=` for equality", 1, 31, 2),
    ("claim c: forall w in R: minimum(w^2, 0)",
     "unknown function 'minimum'; did you mean `local_min` or `global_min`?", 1, 25,
     7),
    ("claim c: forall G in graphs(nodes <= 3): is_dag(G) -> acyclic(G)",
     "unknown function 'is_dag'; did you mean `acyclic`?", 1, 42, 6),
    ("claim c: sigmoidd(x) = 1 - sigmoid(-x)",
     "unknown function 'sigmoidd'; did you mean `sigmoid`?", 1, 10, 8),
    ("let square(t) = t^2\nclaim c: sqare(x) = x^2",
     "unknown function 'sqare'; did you mean `square`?", 2, 10, 5),
    ("claim c: frobnicate(x) = 1",
     "unknown function 'frobnicate'; expected a built-in (see docs/language.md), a `let` definition or a "
     "function variable", 1, 10, 10),
    ("claim c: forall g: R^2 -> R, w0 in R^2: grad(g, w0) = grad(g)(w0)",
     "grad of a function takes no point: `grad(g)(w0)` is the gradient of g at w0", 1, 41,
     11),
    ("claim c: forall g: R -> R, w0 in R: diff(g, w0) = 0",
     "diff takes an expression and a variable, not a function: `diff(g(w0), w0)` is the derivative of g at w0",
     1, 37, 11),
    ("use softmax\nclaim c:\n  forall z in R^3:\n  calc sum(k, softmax(z)[k])\n    = 1  by lemma softmax_sum_eq_on",
     "no lemma named 'softmax_sum_eq_on' is in scope; did you mean `softmax_sum_eq_one`?", 5, 10,
     26),
    ("claim c:\n  forall z in R^3:\n  calc sum(k, softmax(z)[k])\n    = 1  by lemma softmax_sum_eq_one",
     "no lemma named 'softmax_sum_eq_one' is in scope; it is in the library: add `use softmax`; "
     "expected `use softmax` before the claim", 4, 10, 27),
    ("claim c:\n  forall z in R^3:\n  calc sum(k, softmax(z)[k])\n    = 1  by lemma softmax_sums_to_one",
     "no lemma named 'softmax_sums_to_one' is in scope; did you mean `softmax_sum_eq_one`? `use softmax` "
     "brings it", 4, 10, 28),
    ("claim c:\n  calc e^2\n    = exp(2)\n  where e = 3",
     "'e' is the constant e here; a `where` abbreviation must introduce a new name (a quantifier may rebind "
     "it); expected another name", 4, 9, 1),
]


@pytest.mark.parametrize("text, message, line, column, width", ERRORS, ids=[m[:40] for _, m, *_ in ERRORS])
def test_an_error_says_the_fix_at_its_position(text, message, line, column, width):
    r = only(text)
    assert r.verdict is Verdict.ERROR
    assert (r.reason, r.line, r.column) == (message, line, column)
    shown = format_result(r).splitlines()
    assert shown[0] == f"<text>:{line}:{column}: error: {message}"
    assert shown[1] == "  " + text.splitlines()[line - 1]
    assert shown[2] == "  " + " " * (column - 1) + "^" * width


def test_a_quantifier_without_domain_inside_arguments_keeps_the_ordinary_message():
    r = only("claim c: forall x in R: max(x, y z) = 1")
    assert r.reason.startswith("unexpected 'z'; expected ")


def test_suggestions_are_known_names_only():
    for word in ("minimum", "is_dag", "sigmoidd", "gradient", "positive_definite", "has_cycle"):
        assert nearest(word, BUILTINS) and set(nearest(word, BUILTINS)) <= BUILTINS
    assert nearest("frobnicate", BUILTINS) == []


# ------------------------------------------------------------------ e and pi

# Each claim with its truth, judged here by exact arithmetic on the constants
# (e = 2.718..., pi = 3.14...) or, when bound, on the variable at a point.
CONSTANTS = [
    ("claim c: e^x = exp(x)", Verdict.PROVED),
    ("claim c: log(e) = 1", Verdict.PROVED),
    ("claim c: forall x in R: x / e = x * exp(-1)", Verdict.PROVED),
    ("claim c: e > 3", Verdict.REFUTED),  # e < 2.72
    ("claim c: e = 2.718281828", Verdict.REFUTED),  # a rational is never e
    # bound by a quantifier, e and pi are variables like any other
    ("claim c: forall e in R: e^2 >= 0", Verdict.PROVED),
    ("claim c: forall e in R: exp(e) = e", Verdict.REFUTED),
    ("claim c: forall e in R: (e - 3)/(e - 3) = 1", Verdict.REFUTED),  # undefined at e = 3
    ("claim c: forall pi in R: (pi - 3)/(pi - 3) = 1", Verdict.REFUTED),  # undefined at pi = 3
    ("claim c: forall pi in R: sqrt(pi - 3)^2 = pi - 3", Verdict.REFUTED),  # undefined at pi = 0
    ("claim c: forall pi in R: sin(pi) = 0", Verdict.REFUTED),
]


@pytest.mark.parametrize("text, verdict", CONSTANTS, ids=[t[9:] for t, _ in CONSTANTS])
def test_e_and_pi_are_constants_unless_bound(text, verdict):
    assert only(text).verdict is verdict


def test_a_bound_pi_is_refuted_where_it_is_undefined_not_proved():
    # interval inference used to read a bound pi as 3.14..., never 3, and proved this false claim
    r = only("claim c: forall pi in R: (pi - 3)/(pi - 3) = 1")
    assert r.verdict is Verdict.REFUTED
    p = Fraction(r.witness["pi"])
    assert p - 3 == 0  # the test's own arithmetic: the left side divides by zero there


# --------------------------------------------------- values in the report


def test_a_refuted_calc_step_shows_both_sides_values():
    r = only("claim c:\n  calc (x + 1)^2\n    = x^2 + 2*x + 1\n    = x^2 + 1\n")
    assert r.verdict is Verdict.REFUTED
    x = Fraction(r.witness["x"])
    left, right = x ** 2 + 2 * x + 1, x ** 2 + 1  # exact: the two sides of the refuted step
    assert left != right
    step = format_result(r).splitlines()[-1]
    assert step == (f"    step at line 4: refuted; witness: x = {r.witness['x']}; "
                    f"the left side is {left} and the right side {right}")


def test_an_abstract_function_refutation_says_both_sides_values():
    r = only("claim c: forall f: R -> R: diff(f(x)^2, x) = 2*diff(f(x), x)")
    assert r.verdict is Verdict.REFUTED
    assert r.witness == {"f": "f(x) = x^2", "x": "1/2"}
    x = Fraction(1, 2)
    left, right = 2 * x ** 2 * (2 * x), 2 * (2 * x)  # f = x^2: (f^2)' = 2 f f', and 2 f'
    assert r.reason == f"the left side is {left} and the right side {right}"
    assert f"    reason: {r.reason}" in format_result(r).splitlines()
