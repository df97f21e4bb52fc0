"""Matrices and matrix calculus (issue 7): the must-show items.

Witnesses are matrix literals; each is parsed here and the claim is checked
again at it with Python `Fraction` arithmetic (finite differences, exact for
the polynomials involved), independently of SymPy and of the backend.
"""

import re
from fractions import Fraction
from pathlib import Path

import pytest

import prove
from prove.verdict import Verdict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "matrices.claims"


# ------------------------------------------------------------ exact helpers


def literal(text):
    """`[[1, -2], [1/2, 0]]` or `[1, 2]` -> nested lists of Fractions."""
    tokens = re.findall(r"\[|\]|-?\d+(?:/\d+)?", text)
    pos = 0

    def value():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok != "[":
            return Fraction(tok)
        items = []
        while tokens[pos] != "]":
            items.append(value())
        pos += 1
        return items

    out = value()
    assert pos == len(tokens), text
    return out


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def add(a, b):
    return [[x + y for x, y in zip(r, s)] for r, s in zip(a, b)]


def transpose(a):
    return [list(r) for r in zip(*a)]


def det2(a):
    return a[0][0] * a[1][1] - a[0][1] * a[1][0]


def inv2(a):
    d = det2(a)
    assert d != 0
    return [[a[1][1] / d, -a[0][1] / d], [-a[1][0] / d, a[0][0] / d]]


def column(v):
    return [[x] for x in v]


def central_gradient(f, x):
    """d f / d x[i][j] by a central difference: exact for polynomials of degree <= 2."""
    h = Fraction(1)
    out = []
    for i in range(len(x)):
        row = []
        for j in range(len(x[0])):
            up = [list(r) for r in x]
            down = [list(r) for r in x]
            up[i][j] += h
            down[i][j] -= h
            row.append((f(up) - f(down)) / (2 * h))
        out.append(row)
    return out


def check(text):
    (result,) = prove.check(text)
    return result


# ------------------------------------------------------- the four mistakes


def test_grad_trace_AX_is_not_A():
    r = check("claim t: forall A in R^(2x2), X in R^(2x2): grad(trace(A @ X), X) = A")
    assert r.verdict is Verdict.REFUTED
    A, X = literal(r.witness["A"]), literal(r.witness["X"])
    grad = central_gradient(lambda Y: sum(matmul(A, Y)[i][i] for i in range(2)), X)
    assert grad == transpose(A) and grad != A


def test_grad_quadratic_form_is_not_2Ax():
    r = check("claim t: forall A in R^(2x2), x in R^2: grad(x^T @ A @ x, x) = 2 * A @ x")
    assert r.verdict is Verdict.REFUTED
    A, x = literal(r.witness["A"]), column(literal(r.witness["x"]))
    grad = central_gradient(lambda y: matmul(matmul(transpose(y), A), y)[0][0], x)
    twice_Ax = [[2 * v for v in row] for row in matmul(A, x)]
    assert grad != twice_Ax


def test_det_is_not_additive():
    r = check("claim t: forall A in R^(2x2), B in R^(2x2): det(A + B) = det(A) + det(B)")
    assert r.verdict is Verdict.REFUTED
    A, B = literal(r.witness["A"]), literal(r.witness["B"])
    assert det2(add(A, B)) != det2(A) + det2(B)


def test_inverse_of_product_does_not_keep_the_order():
    r = check("claim t: forall A in R^(2x2), B in R^(2x2) where invertible(A) and invertible(B):\n"
              "  inv(A @ B) = inv(A) @ inv(B)")
    assert r.verdict is Verdict.REFUTED
    A, B = literal(r.witness["A"]), literal(r.witness["B"])
    assert det2(A) != 0 and det2(B) != 0  # the witness satisfies the hypotheses
    assert inv2(matmul(A, B)) != matmul(inv2(A), inv2(B))
    assert inv2(matmul(A, B)) == matmul(inv2(B), inv2(A))


@pytest.mark.parametrize("name", ["det_additive_wrong", "transpose_of_product_wrong", "det_of_scaled_wrong"])
def test_witness_put_back_into_the_language_is_refuted_there(name):
    """The witness literals replace the variables in the claim's own text: the
    claim without variables is then refuted by plain evaluation."""
    bodies = {
        "det_additive_wrong": ("forall A in R^(2x2), B in R^(2x2): det(A + B) = det(A) + det(B)",
                               "det({A} + {B}) = det({A}) + det({B})"),
        "transpose_of_product_wrong": ("forall A in R^(2x2), B in R^(2x2): (A @ B)^T = A^T @ B^T",
                                       "({A} @ {B})^T = {A}^T @ {B}^T"),
        "det_of_scaled_wrong": ("forall A in R^(2x2): det(2 * A) = 2 * det(A)", "det(2 * {A}) = 2 * det({A})"),
    }
    general, closed = bodies[name]
    r = check(f"claim t: {general}")
    assert r.verdict is Verdict.REFUTED
    again = check(f"claim t: {closed.format(**r.witness)}")
    assert again.verdict is Verdict.REFUTED, again.reason


# ------------------------------------------------------------ proved claims


@pytest.mark.parametrize("m, n", [(3, 3), (4, 4), (3, 4)])
def test_linear_layer_gradients_are_proved(m, n):
    for wrt, rhs in (("b", "grad(L)(y)"), ("W", "outer(grad(L)(y), x)")):
        r = check(f"claim t: forall W in R^({m}x{n}), x in R^{n}, b in R^{m}, y in R^{m}, L: R^{m} -> R "
                  f"where y = W @ x + b: grad(L(W @ x + b), {wrt}) = {rhs}")
        assert r.verdict is Verdict.PROVED, (wrt, r.reason)


@pytest.mark.parametrize("m, n", [(3, 3), (4, 4)])
def test_softmax_classifier_gradient_is_proved(m, n):
    r = check(f"claim t: forall W in R^({m}x{n}), x in R^{n}, y in R^{m} where sum(k, y[k]) = 1:\n"
              f"  grad(-sum(k, y[k] * log(softmax(W @ x)[k])), W) = outer(softmax(W @ x) - y, x)")
    assert r.verdict is Verdict.PROVED, r.reason


def test_softmax_classifier_needs_y_to_sum_to_one():
    r = check("claim t: forall W in R^(2x2), x in R^2, y in R^2:\n"
              "  grad(-sum(k, y[k] * log(softmax(W @ x)[k])), W) = outer(softmax(W @ x) - y, x)")
    assert r.verdict is Verdict.REFUTED


def test_linear_layer_gradient_with_the_wrong_factor_is_refuted():
    r = check("claim t: forall W in R^(2x2), x in R^2, b in R^2, L: R^2 -> R:\n"
              "  grad(L(W @ x + b), W) = outer(x, grad(L)(W @ x + b))")
    assert r.verdict is Verdict.REFUTED
    assert "L" in r.witness


TABLE = [
    ("forall a in R^3, x in R^3: grad(a^T @ x, x) = a", "proved"),
    ("forall x in R^3: grad(x^T @ x, x) = 2*x", "proved"),
    ("forall A in R^(3x3), x in R^3: hessian(x^T @ A @ x, x) = A + A^T", "proved"),
    ("forall A in R^(3x3), X in R^(3x3): grad(trace(A @ X), X) = A^T", "proved"),
    ("forall A in R^(3x3), X in R^(2x3): grad(trace(X @ A @ X^T), X) = X @ (A + A^T)", "proved"),
    ("forall X in R^(3x3): grad(trace(X @ X), X) = 2 * X^T", "proved"),
    ("forall X in R^(3x3) where det(X) > 0: grad(log(det(X)), X) = inv(X)^T", "proved"),
    ("forall A in R^(2x3), i in 1..3, j in 1..2: (A^T)[i, j] = A[j, i]", "proved"),
    ("forall u in R^3, v in R^2: sum(outer(u, v)) = sum(u) * sum(v)", "proved"),
    ("forall A in R^(2x3): I(2) @ A = A and A + zeros(2, 3) = A", "proved"),
    ("forall Y: R -> R^(2x2), t in R where invertible(Y(t)):\n"
     "  diff(inv(Y(t)), t) = -inv(Y(t)) @ diff(Y(t), t) @ inv(Y(t))", "proved"),
    ("forall Y: R -> R^(2x2), Z: R -> R^(2x2), t in R:\n"
     "  diff(Y(t) @ Z(t), t) = diff(Y(t), t) @ Z(t) + diff(Z(t), t) @ Y(t)", "refuted"),
]


@pytest.mark.parametrize("body, verdict", TABLE)
def test_table(body, verdict):
    r = check(f"claim t: {body}")
    assert r.verdict.value == verdict, (r.reason, r.witness)


# ---------------------------------------------------- symbolic sizes, inv


def test_symbolic_matrix_sizes_are_verified_for_1_to_4_with_the_bound():
    r = check("claim t: forall m >= 1, n >= 1, X in R^(m x n), A in R^(n x m): grad(trace(A @ X), X) = A^T")
    assert r.verdict is Verdict.VERIFIED
    assert r.bound == "m, n = 1..4"


def test_inv_of_a_possibly_singular_matrix_is_never_assumed_invertible():
    r = check("claim t: forall A in R^(2x2): A @ inv(A) = I(2)")
    assert r.verdict is Verdict.UNKNOWN
    assert "invertible(A)" in r.reason


@pytest.mark.parametrize("hyp", ["invertible(A)", "det(A) != 0"])
def test_inv_with_its_hypothesis_is_proved(hyp):
    r = check(f"claim t: forall A in R^(2x2) where {hyp}: A @ inv(A) = I(2)")
    assert r.verdict is Verdict.PROVED, r.reason


def test_invertibility_of_a_product_follows_from_its_factors():
    r = check("claim t: forall A in R^(2x2), B in R^(2x2) where invertible(A) and invertible(B):\n"
              "  inv(A @ B) = inv(B) @ inv(A)")
    assert r.verdict is Verdict.PROVED, r.reason


def test_inv_of_a_singular_literal_is_not_a_value():
    r = check("claim t: inv([[1, 2], [2, 4]]) @ [[1, 2], [2, 4]] = I(2)")
    assert r.verdict is Verdict.UNKNOWN
    assert "singular" in r.reason


def test_a_refutation_respects_the_invertibility_hypothesis():
    # inv(A) = A^T holds only for orthogonal A; the witness must also satisfy det(A) != 0
    r = check("claim t: forall A in R^(2x2) where det(A) != 0: inv(A) = A^T")
    assert r.verdict is Verdict.REFUTED
    assert det2(literal(r.witness["A"])) != 0


# ---------------------------------------------------------- shape errors


@pytest.mark.parametrize("text, product, shapes", [
    ("claim t: forall A in R^(2x3), x in R^2: A @ x = x", "A @ x", ("2x3", "2x1")),
    ("claim t: forall A in R^(3x3), x in R^2, y in R^3: y^T @ (A @ x) = 0", "A @ x", ("3x3", "2x1")),
    ("claim t: forall A in R^(2x3), B in R^(2x3): trace(A @ B) = 0", "A @ B", ("2x3", "2x3")),
])
def test_matmul_shape_error_names_both_shapes_at_the_column_of_the_product(text, product, shapes):
    r = check(text)
    assert r.verdict is Verdict.ERROR
    col = text.index(product) + 1
    assert (r.line, r.column) == (1, col), r.source
    assert "@" in r.reason and all(s in r.reason for s in shapes), r.reason
    *_, source_line, carets = r.source.splitlines()
    # the carets sit under the product and nothing else
    assert source_line[carets.index("^"):carets.index("^") + len(product)] == product
    assert carets.strip() == "^" * len(product)


def test_transpose_is_not_a_power_of_a_free_T():
    r = check("claim t: forall x in R^3: x^T @ x = sum(k, x[k]^2)")
    assert r.verdict is Verdict.PROVED, r.reason


# ---------------------------------------------------------------- examples


def test_every_example_gets_its_expected_verdict():
    results = prove.check_file(EXAMPLES, jobs=2)
    wrong = [(r.name, r.verdict.value, r.expected, r.reason) for r in results if not r.as_expected]
    assert not wrong
    assert len(results) >= 9 + 10
