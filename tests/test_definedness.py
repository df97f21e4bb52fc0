"""Where a claim's sides are defined (issue 10, classes 8 and 9): a side
undefined somewhere on the stated domain refutes the claim there, with an
exact witness that these tests evaluate again from scratch; hypotheses that
exclude the point restore the proof; a kink under a derivative is refuted
only where the derivative really does not exist."""

import pytest
import sympy as sp

import prove
from prove.verdict import Verdict


def one(body: str):
    (r,) = prove.check(f"claim t:\n  {body}\n")
    return r


def number(text: str):
    """A witness value as SymPy: `1/2`, `-1`, `pi/2`."""
    if text == "pi/2":
        return sp.pi / 2
    num, _, den = text.partition("/")
    return sp.Rational(int(num), int(den or 1))


# ------------------------------------------------------- partial functions

UNDEFINED = [
    # claim, the quantity that is 0 (or negative) at the witness, what the reason names
    ("x/x = 1", "x", "division by zero in x/x"),
    ("exp(log(x)) = x", "x", "log of 0 in log(x)"),
    ("sqrt(x)^2 = x", "x", "square root of"),
    ("x * (1/x) = 1", "x", "division by zero in 1/x"),
    ("1/x - 1/x = 0", "x", "division by zero in 1/x"),
    ("(x^2 - 1)/(x - 1) = x + 1", "x - 1", "division by zero in (x^2 - 1)/(x - 1)"),
    ("diff(log(x), x) = 1/x", "x", "log of 0 in log(x)"),
    ("forall u in R: u^(1/2) * u^(1/2) = u", "u", "to the power 1/2"),
    ("forall t in R: t^-1 * t = 1", "t", "0 to the power -1"),
    ("forall w in R: w/w <= 1", "w", "division by zero in w/w"),            # a comparison
    ("forall a in R, b in R: log(a * b) = log(a) + log(b)", "a*b", "log of"),
]


@pytest.mark.parametrize("body, quantity, words", UNDEFINED)
def test_a_side_undefined_on_the_domain_is_refuted_at_an_exact_point(body, quantity, words):
    r = one(body)
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.reason)
    assert "side is undefined at" in r.reason and words in r.reason, r.reason
    point = {sp.Symbol(k): number(v) for k, v in r.witness.items()}
    value = sp.sympify(quantity).subs(point)  # the test's own reading of the witness
    assert value <= 0 and (value == 0 or "log" in words or "square" in words or "power" in words)


DEFINED = [
    "log(exp(x)) = x",
    "sqrt(x^2) = abs(x)",
    "forall x in R where x > 0: diff(log(x), x) = 1/x",
    "forall x in R: x > 0 -> diff(log(x), x) = 1/x",                       # a premise, not a where
    "forall z in R^3, i in 1..3: log(softmax(z)[i]) = z[i] - logsumexp(z)",
    "forall n >= 1, z in R^n, i in 1..n: log(softmax(z)[i]) = z[i] - logsumexp(z)",
    "forall x in R, y in R where x > 0 and y > 0: log(x * y) = log(x) + log(y)",
    "log(sigmoid(x) / (1 - sigmoid(x))) = x",                              # sigmoid in (0, 1)
    "tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))",
    "forall n >= 1, x in R: x^(n - 1) * x = x^n",                          # a whole exponent >= 0
    "forall x in R^3 where norm(x) > 0: grad(norm(x), x) = x / norm(x)",
    "forall x in R^3: grad(norm(x)^2, x) = 2 * x",                         # no kink left in |x|^2
    "forall X in R^(2x2) where det(X) > 0: grad(log(det(X)), X) = transpose(inv(X))",
]


@pytest.mark.parametrize("body", DEFINED)
def test_sides_defined_on_the_domain_are_still_proved(body):
    r = one(body)
    assert r.verdict in (Verdict.PROVED, Verdict.VERIFIED), (r.verdict, r.reason)


def test_tan_is_refuted_at_an_odd_multiple_of_half_pi():
    r = one("tan(x) = sin(x) / cos(x)")
    assert r.verdict is Verdict.REFUTED and r.witness == {"x": "pi/2"}
    assert sp.cos(number(r.witness["x"])) == 0


def test_what_cannot_be_shown_nor_refuted_is_unknown_with_the_condition():
    # x^3 + x > 5 makes x - 1 positive, which neither the inference nor a point shows
    r = one("forall x in R where x^3 + x > 5: log(x - 1) - log(x - 1) = 0")
    assert r.verdict is Verdict.UNKNOWN
    assert "could not show that log's argument x - 1 is positive where the claim is stated" in r.reason


QUOTIENT_RULE = "diff(g(x) / h(x), x) = (diff(g(x), x) * h(x) - diff(h(x), x) * g(x)) / h(x)^2"
X = sp.Symbol("x")
CONCRETE = {"x^2": X ** 2, "x": X, "x^3 + x": X ** 3 + X, "exp(x)": sp.exp(X), "x^2 + 1": X ** 2 + 1}


def concrete(witness: dict, name: str):
    """A concrete function of the witness (`h(x) = x^2`), read here from the forms it may take."""
    head, _, body = witness[name].partition(" = ")
    assert head == f"{name}(x)"
    return CONCRETE[body]


def test_abstract_denominator_is_never_proved_without_its_hypothesis():
    without = one(f"forall g: R -> R, h: R -> R, x in R: {QUOTIENT_RULE}")
    with_h = one(f"forall g: R -> R, h: R -> R, x in R where h(x) != 0: {QUOTIENT_RULE}")
    assert without.verdict is Verdict.REFUTED and "division by zero in g(x)/h(x)" in without.reason
    assert with_h.verdict is Verdict.PROVED


def test_an_abstract_denominator_is_refuted_with_concrete_functions_under_a_hypothesis_on_them():
    # the hypothesis h(x) != 1 on an abstract function used to crash the check (a SymPy truth value)
    r = one(f"forall g: R -> R, h: R -> R, x in R where h(x) != 1: {QUOTIENT_RULE}")
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.reason)
    assert set(r.witness) == {"g", "h", "x"}
    assert "the left side is undefined for g(x) = " in r.reason and "division by zero in g(x)/h(x)" in r.reason
    h_at = concrete(r.witness, "h").subs(X, number(r.witness["x"]))
    assert h_at == 0 and h_at != 1


@pytest.mark.parametrize("body, name, undefined", [
    ("forall f: R -> R, x in R: log(f(x)) = log(f(x))", "f", lambda v: v <= 0),
    ("forall f: R -> R, x in R: sqrt(f(x)) * sqrt(f(x)) = f(x)", "f", lambda v: v < 0),
    ("forall f: R -> R, x in R where f(x) = x^2: 1 / f(x) = 1 / f(x)", "f", lambda v: v == 0),
])
def test_an_operation_on_an_abstract_function_is_refuted_where_a_concrete_one_breaks_it(body, name, undefined):
    r = one(body)
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.reason)
    assert undefined(concrete(r.witness, name).subs(X, number(r.witness["x"])))


@pytest.mark.parametrize("body, condition", [
    # no smooth function meets the hypothesis and breaks the operation: never refuted, never proved
    ("forall f: R -> R, x in R where f(x)^2 = 1: 1 / f(x) = 1 / f(x)", "the denominator f(x) is non-zero"),
    ("forall f: R -> R, x in R where f(x) > x: 1 / (f(x) - x) = 1 / (f(x) - x)", "the denominator f(x) - x is non-zero"),
])
def test_an_open_condition_on_an_abstract_function_is_unknown_and_names_it(body, condition):
    r = one(body)
    assert r.verdict is Verdict.UNKNOWN, (r.verdict, r.reason)
    assert f"could not show that {condition} where the claim is stated" in r.reason
    assert "Error" not in r.reason and "failed" not in r.reason


def test_a_backend_refutation_survives_an_open_condition():
    r = one("forall g: R -> R, h: R -> R, x in R:\n"
            "    diff(g(x) / h(x), x) = diff(g(x), x) * h(x) - diff(h(x), x) * g(x)")
    assert r.verdict is Verdict.REFUTED


def test_a_symbolic_dimension_is_refuted_at_its_smallest_bad_size():
    r = one("forall n >= 1, x in R: x^n / x = x^(n - 1)")
    assert r.verdict is Verdict.REFUTED and r.witness["x"] == "0"


# --------------------------------------------------------------- calc steps


def test_each_calc_step_is_checked_for_definedness():
    (r,) = prove.check("claim t:\n  forall x in R:\n  calc x^2 / x\n     = x\n     = x + 0\n")
    assert r.verdict is Verdict.REFUTED
    assert [s.verdict for s in r.steps] == [Verdict.REFUTED, Verdict.PROVED]
    assert r.steps[0].witness == {"x": "0"}
    (ok,) = prove.check("claim t:\n  forall x in R where x != 0:\n  calc x^2 / x\n     = x\n")
    assert ok.verdict is Verdict.PROVED


# ------------------------------------------------------------------- kinks

KINKS = [
    ("forall x in R where x >= 0: diff(abs(x), x) = 1", "abs", "x"),
    ("forall x in R where x <= 0: diff(abs(x), x) = -1", "abs", "x"),
    ("forall s in R where 0 <= s: diff(|s|, s) = 1", "abs", "s"),
    ("forall t in R: t >= 0 -> diff(relu(t), t) = 1", "relu", "t"),
    ("forall y in R where y >= 0: diff(max(y, 0), y) = 1", "max", "y"),
    ("forall y in R where y <= 0: diff(min(y, 0), y) = 1", "min", "y"),
    ("forall v in R where v >= 0: diff(sign(v), v) = 0", "sign", "v"),
    ("forall x in R where x >= 1: diff(relu(x - 1), x) = 1", "relu", "x"),
    ("diff(relu(x), x) = 1", "relu", "x"),
]


@pytest.mark.parametrize("body, fn, var", KINKS)
def test_a_non_strict_sign_does_not_hide_a_kink(body, fn, var):
    r = one(body)
    assert r.verdict is Verdict.REFUTED, (r.verdict, r.reason)
    value = r.witness[var]
    assert f"{fn} is not differentiable at {var} = {value}" in r.reason
    assert value == ("1" if "x - 1" in body else "0")


def test_a_kink_inside_a_calc_step_is_refuted():
    (r,) = prove.check("claim t:\n  forall x in R where x >= 0:\n  calc diff(relu(x), x)\n     = 1\n")
    assert r.verdict is Verdict.REFUTED and r.steps[0].witness == {"x": "0"}


@pytest.mark.parametrize("body", [
    "diff(abs(x^2), x) = 2*x",                        # smooth: |x^2| is x^2
    "diff(x * abs(x), x) = 2 * abs(x)",               # differentiable at 0, slope 0 on both sides
    "forall x in R where x >= 0: diff(x * abs(x), x) = 2 * x",
    "diff(abs(x)^2, x) = 2*x",
    "diff(sqrt(x^4), x) = 2*x",                       # sqrt's argument is 0 with slope 0: nothing concluded
])
def test_true_derivatives_at_a_kink_are_never_refuted(body):
    r = one(body)
    assert r.verdict is not Verdict.REFUTED, r.reason


def test_a_strict_sign_removes_the_kink():
    assert one("forall x in R where x > 0: diff(abs(x), x) = 1").verdict is Verdict.PROVED
    assert one("forall x in R where x < 0: diff(relu(x), x) = 0").verdict is Verdict.PROVED


def test_a_square_root_differentiated_at_the_end_of_its_domain_is_refuted():
    r = one("forall x in R where x >= 0: diff(sqrt(x), x) = 1 / (2 * sqrt(x))")
    assert r.verdict is Verdict.REFUTED and r.witness == {"x": "0"}


# ------------------------------------------------------------ the module API


def _claim(text):
    from prove.runner import tasks_for_text
    (task,) = [t for t in tasks_for_text(f"claim t:\n  {text}\n", "<text>") if t.name == "t"]
    return task.claim


def test_check_is_none_when_the_inference_shows_every_condition():
    from prove.backends.identity import definedness
    for body in ["log(1 + exp(x)) = softplus(x)", "forall z in R^3: sum(k, softmax(z)[k]) = 1",
                 "forall t in R where 0 < t < 1: log(t) + log(1 - t) = log(t * (1 - t))",
                 "forall n >= 1, x in R: x / n = x * (1 / n)"]:
        assert definedness.check(_claim(body)) is None, body


def test_check_expression_names_the_expression():
    from prove import ast as A
    from prove.backends.identity import definedness
    claim = _claim("forall x in R: x = x")
    expr = A.BinOp("/", A.Num(1, "1", span=A.Span.unknown()), A.Name("x", span=A.Span.unknown()),
                   span=A.Span.unknown())
    out = definedness.check_expression(claim, expr, "the step's left side")
    assert out.verdict is Verdict.REFUTED and out.reason.startswith("the step's left side is undefined at x = 0")


# ------------------------------------------------- indices outside a vector

OUT_OF_RANGE = [
    # an index that is 0 must not read the last entry (Python's base[-1])
    ("forall z in R^3: z[1-1] = z[3]", "0", "1..3"),
    ("forall z in R^3, i in 1..1: z[i-1] = z[3]", "0", "1..3"),
    ("forall n >= 1, z in R^n, i in 1..1: z[i-1] = z[n]", "0", "1..1"),
    ("forall A in R^(2x2): A[2-2, 1] = A[2, 1]", "0", "1..2"),
    # an index past the end at the smallest size
    ("forall n >= 1, z in R^n: z[2] = z[2]", "2", "1..1"),
]


@pytest.mark.parametrize("body, index, bounds", OUT_OF_RANGE)
def test_an_index_outside_its_vector_is_never_proved(body, index, bounds):
    r = one(body)
    assert r.verdict is Verdict.UNKNOWN, (r.verdict, r.reason)
    assert f"an index is {index} here, outside {bounds}" in r.reason, r.reason
    assert "internal error" not in r.reason


# ------------------------------- a hypothesis undefined at a point excludes it

TRUE_ON_THEIR_DOMAIN = [
    # 0*log(x) = 0 is undefined for x <= 0, so the domain is x > 0 (SymPy builds it as 0 = 0)
    "forall x in R where 0*log(x) = 0: sqrt(x^2) = x",
    "forall x in R: 0*log(x) = 0 -> sqrt(x^2) = x",
    "forall x in R where sqrt(x) - sqrt(x) = 0: abs(x) = x",
    "forall x in R where 0*log(x) = 0: log(x^2) = 2*log(x)",
    "forall t in R where 0*sqrt(t - 1) = 0: 0 * log(t) = 0",
]


@pytest.mark.parametrize("body", TRUE_ON_THEIR_DOMAIN)
def test_a_point_where_a_hypothesis_is_undefined_never_refutes(body):
    r = one(body)
    assert r.verdict is not Verdict.REFUTED, (r.witness, r.reason)


def test_a_refutation_avoids_points_where_a_premise_is_undefined():
    # x/x = 1 is undefined at 0, so the witness is a negative x, not 0
    r = one("forall x in R: x/x = 1 -> 0*log(x) = 0")
    assert r.verdict is Verdict.REFUTED, r.reason
    x = number(r.witness["x"])
    assert x < 0 and "log of" in r.reason, (r.witness, r.reason)
