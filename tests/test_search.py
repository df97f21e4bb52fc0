"""The counterexample search (issue 13, part "the search"): points that vary
per unknown and per matrix entry, points inside the hypotheses' region, and
abstract functions of a matrix.

Every witness is read back here and the claim is judged again with Python
`Fraction` arithmetic: a concrete function's value comes from this file's own
table, a derivative from an exact central difference (exact for the
polynomials of degree <= 2 involved), never from SymPy or the backend.
"""

import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

import prove
from prove.backends.base import Limits
from prove.backends.identity import check as identity
from prove.backends.identity import region
from prove.runner import tasks_for_text
from prove.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "inequalities.claims"


# ------------------------------------------------------------ exact helpers


def literal(text):
    """`[[1, -2], [1/2, 0]]`, `[1, 2]` or `3/2` -> nested lists of Fractions (or one Fraction)."""
    tokens = re.findall(r"\[|\]|-?\d+(?:/\d+)?", text)
    pos = 0

    def value():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok != "[":
            return Fraction(tok)
        out = []
        while tokens[pos] != "]":
            out.append(value())
        pos += 1
        return out

    return value()


# The concrete functions the search puts in for an abstract one, as this file computes them:
# the witness's text -> the function of the list of its arguments.
FUNCTIONS = {
    "x1*x2": lambda v: v[0] * v[1],
    "x1 + x2": lambda v: v[0] + v[1],
    "x1^2 + x2^2": lambda v: v[0] ** 2 + v[1] ** 2,
    "X[1,1]*X[1,2]": lambda v: v[0] * v[1],
    "X[1,1] + X[1,2] + X[2,1] + X[2,2]": lambda v: sum(v),
    "X[1,1]^2 + X[1,2]^2 + X[2,1]^2 + X[2,2]^2": lambda v: sum(x * x for x in v),
}


def function_of(witness_text):
    """`L(x1, x2) = x1*x2` -> the function this file knows by that body."""
    body = witness_text.split("=", 1)[1].strip()
    assert body in FUNCTIONS, f"a concrete function this test cannot judge: {witness_text}"
    return FUNCTIONS[body]


def matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))] for i in range(len(A))]


def transpose(A):
    return [list(r) for r in zip(*A)]


def flat(M):
    return [x for row in M for x in row]


def central(f, args, i):
    """d f / d args[i], exact for a polynomial of degree <= 2."""
    up, down = list(args), list(args)
    up[i] += 1
    down[i] -= 1
    return (f(up) - f(down)) / 2


def check(text):
    (result,) = prove.check(text)
    return result


def from_examples(name):
    results = {r.name: r for r in prove.check_file(EXAMPLES)}
    return results[name]


# ------------------------------------------ the un-transposed backprop rule


def test_backprop_without_transpose_is_refuted_with_a_witness_that_holds():
    r = check("claim t: forall W2 in R^(2x2), h in R^2, b in R^2, L: R^2 -> R:\n"
              "    grad(L(W2 @ h + b), h) = W2 @ grad(L)(W2 @ h + b)")
    assert r.verdict is Verdict.REFUTED, r.reason
    L = function_of(r.witness["L"])
    W2, h, b = literal(r.witness["W2"]), literal(r.witness["h"]), literal(r.witness["b"])
    assert W2 != transpose(W2)  # a symmetric W2 could not show the mistake

    def loss(hh):
        y = [row[0] + bi for row, bi in zip(matmul(W2, [[x] for x in hh]), b)]
        return L(y)

    true_grad = [central(loss, h, i) for i in range(2)]
    y = [row[0] + bi for row, bi in zip(matmul(W2, [[x] for x in h]), b)]
    grad_L = [central(L, y, i) for i in range(2)]
    claimed = [row[0] for row in matmul(W2, [[g] for g in grad_L])]
    assert true_grad == [row[0] for row in matmul(transpose(W2), [[g] for g in grad_L])]
    assert claimed != true_grad


def test_backprop_with_transpose_is_proved():
    r = check("claim t: forall W2 in R^(2x2), h in R^2, b in R^2, L: R^2 -> R:\n"
              "    grad(L(W2 @ h + b), h) = W2^T @ grad(L)(W2 @ h + b)")
    assert r.verdict is Verdict.PROVED, r.reason


# ------------------------------------------------- functions of a matrix


def test_function_of_a_matrix_backprop_rule_is_proved():
    for wrt, rhs in (("W", "grad(g)(W @ X) @ X^T"), ("X", "W^T @ grad(g)(W @ X)")):
        r = check(f"claim t: forall g: R^(2x2) -> R, W in R^(2x2), X in R^(2x2): grad(g(W @ X), {wrt}) = {rhs}")
        assert r.verdict is Verdict.PROVED, (wrt, r.reason)


@pytest.mark.parametrize("rhs, wrong", [
    ("grad(g)(W @ X) @ X", lambda G, X: matmul(G, X)),
    ("X^T @ grad(g)(W @ X)", lambda G, X: matmul(transpose(X), G)),
    ("grad(g)(W @ X)^T @ X^T", lambda G, X: matmul(transpose(G), transpose(X))),
])
def test_function_of_a_matrix_wrong_rule_is_refuted_by_a_concrete_function(rhs, wrong):
    r = check(f"claim t: forall g: R^(2x2) -> R, W in R^(2x2), X in R^(2x2): grad(g(W @ X), W) = {rhs}")
    assert r.verdict is Verdict.REFUTED, r.reason
    g = function_of(r.witness["g"])
    W, X = literal(r.witness["W"]), literal(r.witness["X"])
    w = flat(W)
    true_grad = [central(lambda ww: g(flat(matmul([ww[:2], ww[2:]], X))), w, i) for i in range(4)]
    P = flat(matmul(W, X))
    G = [[central(g, P, 2 * i + j) for j in range(2)] for i in range(2)]
    assert true_grad == flat(matmul(G, transpose(X)))
    assert flat(wrong(G, X)) != true_grad


@pytest.mark.parametrize("text, expected", [
    ("forall g: R^(2x3) -> R, X in R^(2x3): grad(g(X), X) = grad(g)(X)", Verdict.PROVED),
    ("forall g: R^(2x2) -> R, X in R^(2x2): grad(g(X), X) = grad(g)(X)^T", Verdict.REFUTED),
    ("forall g: R^(2x2) -> R, X in R^(2x2): grad(g(X^T), X) = grad(g)(X^T)^T", Verdict.PROVED),
    ("forall g: R^(2x2) -> R, X in R^(2x2): grad(g(X^T), X) = grad(g)(X^T)", Verdict.REFUTED),
])
def test_entries_of_a_matrix_argument_keep_their_places(text, expected):
    """A transposed layout (row-major in one place, column-major in another)
    would prove the false claims here and refute the true ones."""
    assert check(f"claim t: {text}").verdict is expected


# ---------------------------------------------------- the hypotheses' region


@pytest.mark.parametrize("name, names, region, goal", [
    ("product_bound_in_region", ("x", "y"), lambda x, y: x > 1 and y > x, lambda x, y: x * y > y + 1),
    ("sum_bound_in_region", ("a", "b"), lambda a, b: a > 0 and b > 0 and a * b > 4, lambda a, b: a + b > 5),
])
def test_witness_lies_inside_the_hypotheses(name, names, region, goal):
    r = from_examples(name)
    assert r.verdict is Verdict.REFUTED, r.reason
    values = [literal(r.witness[n]) for n in names]
    assert region(*values)
    assert not goal(*values)
    assert all(v.denominator <= 6 for v in values)  # simple rationals, not a solver's digits
    assert "z3" in r.method


def test_abstract_function_witness_lies_inside_the_hypotheses():
    r = from_examples("chain_rule_in_region")
    assert r.verdict is Verdict.REFUTED, r.reason
    x = literal(r.witness["x"])
    assert 2 < x < 3
    assert r.witness["f"] == "f(x) = x^2"
    assert 2 * x ** 2 * 2 * x != 2 * x ** 2  # d/dx (x^2)^2 = 4 x^3 is not 2 x^2 there


@pytest.mark.parametrize("text", [
    "forall x in R, y in R where x > 1 and y > x: x*y > x",
    "forall a in R, b in R where a > 0 and b > 0 and a*b > 4: a + b > 4",
    "forall x in R where x > 1: x^2 > x",
    "forall x in R where x > 1 and x < 0: x > 5",
    "forall f: R -> R, x in R where x > 2 and x < 3: diff(f(x)^2, x) = 2 * f(x) * diff(f(x), x)",
])
def test_true_claims_with_hypotheses_are_never_refuted(text):
    assert check(f"claim t: {text}").verdict is not Verdict.REFUTED


def test_dropping_the_hypothesis_lets_the_search_refute():
    """The twin of `x > 1: x^2 > x` above: without its hypothesis it is false."""
    r = check("claim t: forall x in R: x^2 > x")
    assert r.verdict is Verdict.REFUTED
    x = literal(r.witness["x"])
    assert not x ** 2 > x


def test_region_points_satisfy_their_constraints_exactly():
    x, y = sp.symbols("x y", real=True)
    conditions = [(x, ">", 1), (y, ">", x), (x * y, "<", 3)]
    points = list(region.inside([x, y], conditions, Limits().deadline(0.2), (x + y, ">", 3)))
    assert points
    for p in points:
        fx, fy = Fraction(str(p[x])), Fraction(str(p[y]))
        assert fx > 1 and fy > fx and fx * fy < 3 and not fx + fy > 3


def test_simplest_rational_between():
    F = Fraction
    assert region.simplest_between(F(13, 10), F(17, 10)) == F(3, 2)
    assert region.simplest_between(F(-7, 3), F(-2)) == F(-2)
    assert region.simplest_between(F(-1), F(1)) == 0
    assert region.simplest_between(F(33, 100), F(34, 100)) == F(1, 3)


# ------------------------------------------------------------ reproducible


CLAIM = ("forall W in R^(2x2), x in R^2, b in R^2, L: R^2 -> R:\n"
         "    grad(L(W @ x + b), x) = W @ grad(L)(W @ x + b)")
OTHERS = [
    "forall A in R^(2x2), B in R^(2x2): (A @ B)^T = A^T @ B^T",
    "forall x in R, y in R where x > 1 and y > x: x*y > y + 1",
    "forall g: R^(2x2) -> R, W in R^(2x2), X in R^(2x2): grad(g(W @ X), W) = grad(g)(W @ X) @ X",
]


def backend_witness(text):
    (task,) = [t for t in tasks_for_text(f"claim t:\n  {text}\n", "<text>") if t.name == "t"]
    out = identity.check(task.claim)
    assert out.verdict is Verdict.REFUTED, out.reason
    return out.witness


def test_same_claim_same_witness_whatever_ran_before():
    first = backend_witness(CLAIM)
    for other in OTHERS:
        backend_witness(other)
    assert backend_witness(CLAIM) == first
    assert check(f"claim t: {CLAIM}").witness == first


def test_same_witness_in_a_fresh_process_with_another_hash_seed():
    script = ("import sys, prove; (r,) = prove.check(sys.argv[1]); "
              "print(sorted(r.witness.items()))")
    outs = set()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, f"claim t: {CLAIM}"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outs.add(done.stdout)
    assert len(outs) == 1
    assert str(sorted(backend_witness(CLAIM).items())) + "\n" in outs
