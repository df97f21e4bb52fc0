"""The independent audit (`prove.audit`): it catches false claims of every kind
when called directly (the backend bypassed), re-checked here exactly; it
agrees on true claims; it says `uncertain` when it cannot certify; it turns a
wrong `proved` into `refuted`; its points come from a seed, so runs agree."""

from fractions import Fraction

import pytest
import sympy as sp

from prove import ast as A
from prove.audit import audit, examine
from prove.parser import parse
from prove.runner import check_text, tasks_for_text
from prove.backends.base import Limits
from prove.verdict import Outcome, Verdict


def claim_of(body: str):
    (task,) = [t for t in tasks_for_text(f"claim t:\n  {body}\n", "<text>") if t.name == "t"]
    assert task.claim is not None, task.result
    return task.claim


# ------------------------------------------------- the test's own exact reader


def number(text: str) -> sp.Rational:
    value = Fraction(text.strip())
    return sp.Rational(value.numerator, value.denominator)


def vector(text: str) -> list:
    return [number(x) for x in text.strip().strip("[]").split(",")]


def expression(text: str) -> A.Expr:
    """An expression of the claim language, parsed by the project's parser."""
    (decl,) = parse(f"claim e: {text} = 0\n", "<witness>").items
    return decl.body.operands[0]


def to_sympy(e: A.Expr, env: dict):
    """A small reader of witness functions (polynomials, sin, exp): independent of prove.audit."""
    if isinstance(e, A.Num):
        return sp.Rational(e.value.numerator, e.value.denominator)
    if isinstance(e, A.Name):
        return env[e.id]
    if isinstance(e, A.Neg):
        return -to_sympy(e.operand, env)
    if isinstance(e, A.BinOp):
        a, b = to_sympy(e.left, env), to_sympy(e.right, env)
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "^": a ** b}[e.op]
    if isinstance(e, A.Call):
        return {"sin": sp.sin, "exp": sp.exp}[e.func.id](to_sympy(e.args[0], env))
    raise AssertionError(f"unexpected {e}")


def function(definition: str):
    """`f(x) = x^3 - 2*x` -> (parameter symbols, SymPy body)."""
    head, body = definition.split(" = ", 1)
    names = [n.strip() for n in head[head.index("(") + 1:-1].split(",")]
    params = [sp.Symbol(n) for n in names]
    return params, to_sympy(expression(body), dict(zip(names, params)))


def certainly_nonzero(value) -> bool:
    return value != 0 and abs(sp.N(value, 30, strict=True)) > 0


# ------------------------------------------- false claims, backend bypassed


def test_identity_refuted_with_a_witness_rechecked_exactly():
    f = examine(claim_of("sin(2*x) = 2*sin(x)"))
    assert f.status == "refuted" and set(f.witness) == {"x"}
    x = number(f.witness["x"])
    assert x.q > 1  # a point the simplest-first refutation search does not try
    assert certainly_nonzero(sp.sin(2 * x) - 2 * sp.sin(x))
    assert "left side" in f.reason


def test_abstract_function_refuted_with_a_concrete_smooth_function():
    f = examine(claim_of("forall f: R -> R, x in R: diff(f(x)^2, x) = 2 * diff(f(x), x)"))
    assert f.status == "refuted" and f.witness["f"].startswith("f(x) = ")
    (u,), body = function(f.witness["f"])
    x = number(f.witness["x"])
    lhs = sp.diff(body ** 2, u).subs(u, x)
    rhs = (2 * sp.diff(body, u)).subs(u, x)
    assert certainly_nonzero(lhs - rhs)


def test_abstract_functions_of_vectors():
    f = examine(claim_of("forall f: R^2 -> R, r: R -> R^2, t in R:\n"
                         "    diff(f(r(t)), t) = grad(f)(r(t))[1] * diff(r(t)[1], t)"))
    assert f.status == "refuted"
    assert f.witness["f"].startswith("f(x1, x2) = ") and f.witness["r"].startswith("r(x) = [")


def test_vector_at_a_concrete_size():
    f = examine(claim_of("forall z in R^3: sum(k, softmax(z)[k] * z[k]) = logsumexp(z)"))
    assert f.status == "refuted"
    z = vector(f.witness["z"])
    exps = [sp.exp(v) for v in z]
    total = sum(exps)
    assert len(z) == 3 and certainly_nonzero(sum(e / total * v for e, v in zip(exps, z)) - sp.log(total))


def test_symbolic_size_is_audited_at_several_sizes():
    f = examine(claim_of("forall n >= 1, z in R^n: sum(k, exp(z[k])) = n * exp(z[1])"))
    assert f.status == "refuted"
    n, z = int(f.witness["n"]), vector(f.witness["z"])
    assert n >= 2 and len(z) == n
    assert certainly_nonzero(sum(sp.exp(v) for v in z) - n * sp.exp(z[0]))


def test_empty_sum_is_zero_at_the_sizes_audited():
    f = examine(claim_of("forall n >= 1: sum(k in n..4, 1) = 5 - n"))
    assert f.status == "refuted" and int(f.witness["n"]) >= 6


def test_calc_step_refuted_and_named_by_its_line():
    f = examine(claim_of("forall x in R, y in R:\n"
                         "  calc (x + y)^2\n"
                         "     = x^2 + 2*x*y + y^2\n"
                         "     = x^2 + y^2"))
    assert f.status == "refuted" and "line 5" in f.reason
    x, y = number(f.witness["x"]), number(f.witness["y"])
    assert (x + y) ** 2 != x ** 2 + y ** 2


def test_calc_where_is_an_abbreviation_for_the_lines_after_it():
    f = examine(claim_of("forall z in R^3, i in 1..3, j in 1..3 where i != j:\n"
                         "  calc diff(softmax(z)[i], z[j])\n"
                         "     where S = sum(k, exp(z[k]))\n"
                         "     = (exp(z[j]) * S + 0) / S^2"))
    assert f.status == "refuted" and "line 5" in f.reason
    assert int(f.witness["i"]) != int(f.witness["j"])


def _taylor_order(body, u, w0):
    d = body
    for k in range(1, 10):
        d = sp.diff(d, u)
        if d.subs(u, w0) != 0:
            return k, d.subs(u, w0)
    return None, 0


@pytest.mark.parametrize("body", [
    "forall g in poly(w, degree <= 4), w0 in R:\n"
    "    grad(g)(w0) = 0 and diff(g(w0), w0, 2) < 0 -> strict_local_min(g, w0)",
    "forall h in poly(t, degree <= 3), s in R:\n"
    "    diff(h(s), s) = 0 and diff(h(s), s, 2) < 0 -> local_min(h, s)",
])
def test_polynomial_family_second_order_test_with_the_wrong_sign(body):
    f = examine(claim_of(body))
    assert f.status == "refuted"
    name, point = ("g", "w0") if "g in" in body else ("h", "s")
    (u,), g = function(f.witness[name])
    w0 = number(f.witness[point])
    assert sp.diff(g, u).subs(u, w0) == 0 and sp.diff(g, u, 2).subs(u, w0) < 0
    order, value = _taylor_order(g, u, w0)
    assert order == 2 and value < 0  # a strict local maximum, so no minimum


def test_polynomial_family_every_polynomial_is_not_constant():
    f = examine(claim_of("forall g in poly(u, degree <= 3), w in R: diff(g(w), w) = 0"))
    assert f.status == "refuted"
    (u,), g = function(f.witness["g"])
    assert sp.diff(g, u).subs(u, number(f.witness["w"])) != 0


def test_polynomial_family_global_claims():
    f = examine(claim_of("forall g in poly(w, degree <= 4), w0 in R: local_min(g, w0) -> global_min(g, w0)"))
    assert f.status == "refuted"
    (u,), g = function(f.witness["g"])
    w0 = number(f.witness["w0"])
    # the witness has a point strictly below g(w0): some real root of g - g(w0) has odd multiplicity
    assert any(m % 2 == 1 for r, m in sp.roots(sp.Poly(g - g.subs(u, w0), u)).items() if r.is_real)


def _acyclic(n, edges):
    def reach(u):
        seen, stack = set(), [b for a, b in edges if a == u]
        while stack:
            w = stack.pop()
            if w not in seen:
                seen.add(w)
                stack.extend(b for a, b in edges if a == w)
        return seen
    return all(v not in reach(v) for v in range(1, n + 1))


def test_graph_claim_refuted_on_a_random_graph_within_the_bound():
    f = examine(claim_of("forall G in graphs(nodes <= 5): acyclic(G) -> edges(G) <= nodes(G) - 1"))
    assert f.status == "refuted"
    text = f.witness["G"]
    assert text.startswith("graph(")
    n = int(text[len("graph("):text.index(",")])
    edges = [tuple(int(v) for v in e.split("->")) for e in text[text.index("[") + 1:-2].split(", ") if e]
    assert n <= 5 and _acyclic(n, edges) and len(edges) > n - 1


# --------------------------------------------------------------- true claims


@pytest.mark.parametrize("body", [
    "diff(sigmoid(x), x) = sigmoid(x) * (1 - sigmoid(x))",
    "forall n >= 1, z in R^n, i in 1..n, j in 1..n:\n"
    "    diff(softmax(z)[i], z[j]) = softmax(z)[i] * (delta(i, j) - softmax(z)[j])",
    "forall z in R^3, y in R^3 where sum(k, y[k]) = 1:\n"
    "    grad(-sum(k, y[k] * log(softmax(z)[k])), z) = softmax(z) - y",
    "forall g: R -> R, h: R -> R, x in R:\n"
    "    diff(g(x) / h(x), x) = (diff(g(x), x) * h(x) - diff(h(x), x) * g(x)) / h(x)^2",
    "forall A in R^(3x3), B in R^(3x3): det(A @ B) = det(A) * det(B)",
    "forall g in poly(w, degree <= 4), w0 in R: convex(g) and local_min(g, w0) -> global_min(g, w0)",
    "forall x in R, y in R where x > 0 and y > 0: log(x * y) = log(x) + log(y)",
    "forall G in graphs(1 <= nodes <= 5): acyclic(G) -> exists v in nodes(G): source(G, v)",
])
def test_true_claims_agree(body):
    f = examine(claim_of(body))
    assert f.status == "agrees" and f.points >= 2, f


@pytest.mark.parametrize("text", [
    "claim t:\n  forall x in R: diff(x^3, x, 4) = 0\n",
    "claim t:\n  forall g in poly(w, degree <= 3), a in R: diff(g(a), a, 3) = diff(g(a), a, 3)\n",
    "claim t:\n  forall g in poly(w, degree <= 4), w0 in R: local_min(g, w0) -> psd(hessian(g)(w0))\n",
])
def test_a_derivative_past_a_polynomials_degree_is_zero_at_zero_too(text):
    # The power rule once left 0 * x^-1 behind, undefined at x = 0: a true claim became unknown.
    (result,) = check_text(text)
    assert result.verdict is Verdict.PROVED and "points agree" in result.method, result


def test_a_graph_audit_that_evaluated_no_graph_does_not_say_graphs_agree():
    # 8! orders per graph is past the audit's budget: no graph is evaluated.
    (result,) = check_text("claim t:\n  forall G in graphs(nodes = 8), p in orders(G): "
                           "topological(p, G) -> acyclic(G)\n")
    assert result.verdict is Verdict.VERIFIED, result
    assert "audit: not applicable (every size in the bound is too large" in result.method
    assert "0 random graphs" not in result.method


def test_a_predicate_it_cannot_decide_is_not_applicable_never_refuted():
    f = examine(claim_of("forall g in poly([x, y], degree <= 2), p in R^2: local_min(g, p) -> grad(g)(p) = 0"))
    assert f.status == "not_applicable" and "several variables" in f.reason


def test_hypotheses_nothing_satisfies_are_said():
    f = examine(claim_of("forall x in R where x^2 = 2: x^4 = 4"))
    assert f.status == "not_applicable" and "hypotheses" in f.reason


def test_an_evaluation_that_cannot_be_certified_is_uncertain():
    # The two sides are equal, but not structurally: no precision certifies the sign of 0.
    f = examine(claim_of("log(2 * exp(x)) - x - log(2) >= 0"))
    assert f.status == "uncertain" and "certainty" in f.reason


# ---------------------------------------------------------- audit(outcome)


def test_a_wrong_proved_from_a_backend_becomes_refuted():
    claim = claim_of("forall z in R^3, c in R: softmax(c * z) = softmax(z)")
    out = audit(claim, Outcome(Verdict.PROVED, method="a fake backend"), Limits())
    assert out.verdict is Verdict.REFUTED and set(out.witness) == {"z", "c"}
    assert "a fake backend" in out.method and "please report it" in out.reason


def test_a_wrong_verified_graph_claim_becomes_refuted():
    claim = claim_of("forall G in graphs(nodes <= 4), v in nodes(G): indegree(G, v) <= 1")
    out = audit(claim, Outcome(Verdict.VERIFIED, method="fake", bound="all directed graphs with at most 4 nodes"),
                Limits())
    assert out.verdict is Verdict.REFUTED and out.witness["G"].startswith("graph(")


def test_uncertain_audit_makes_the_verdict_unknown():
    claim = claim_of("log(2 * exp(x)) - x - log(2) >= 0")
    out = audit(claim, Outcome(Verdict.PROVED, method="fake"), Limits())
    assert out.verdict is Verdict.UNKNOWN and "could not confirm" in out.reason


def test_the_method_says_the_audit_ran():
    claim = claim_of("tanh(x) = 2 * sigmoid(2*x) - 1")
    out = audit(claim, Outcome(Verdict.PROVED, method="fake"), Limits())
    assert out.verdict is Verdict.PROVED and out.method == "fake; audit: 12 points agree"
    unaudited = Outcome(Verdict.REFUTED, method="fake", witness={"x": "1"})
    assert audit(claim, unaudited, Limits()) is unaudited


def test_verified_sizes_stay_inside_the_bound():
    claim = claim_of("forall n >= 1, z in R^n: sum(k, z[k]^2) = z[1]^2 + (n - 1) * z[1]^2")
    assert examine(claim, bound="n = 1..1").status == "agrees"
    assert examine(claim, bound="n = 1..3").status == "refuted"


def test_the_cli_reports_the_audit(tmp_path):
    import subprocess, sys
    path = tmp_path / "a.claims"
    path.write_text("claim t: sigmoid(-x) = 1 - sigmoid(x)\n")
    out = subprocess.run([sys.executable, "-m", "prove", str(path), "--color", "never"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "audit: 12 points agree" in out.stdout


def test_runs_are_identical():
    for body in ["sin(2*x) = 2*sin(x)",
                 "forall f: R -> R, x in R: diff(f(x)^2, x) = 2 * diff(f(x), x)",
                 "forall G in graphs(nodes <= 5): acyclic(G) -> edges(G) <= nodes(G) - 1"]:
        first, second = examine(claim_of(body)), examine(claim_of(body))
        assert first == second


def test_zero_polynomials_and_constants_are_members_too():
    f = examine(claim_of("forall g in poly(w, degree <= 3), w0 in R: stationary(g(t) - diff(g(w0), w0) * t, w0)"))
    assert f.status == "agrees"


@pytest.mark.parametrize("body", ["sin(x)^2 + cos(x)^2 = 1",
                                  "forall G in graphs(nodes <= 3): acyclic(G) -> acyclic(G)"])
def test_an_audit_that_fails_is_an_internal_error_not_an_audited_verdict(monkeypatch, body):
    from prove.audit import graphs, points

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(points, "search", broken)
    monkeypatch.setattr(graphs, "examine", broken)
    out = audit(claim_of(body), Outcome(Verdict.PROVED, method="fake"), Limits())
    assert out.verdict is Verdict.UNKNOWN and out.internal
    assert "internal error, please report" in out.reason and "ZeroDivisionError" in out.reason


# ------------------------------------------- the vocabulary and the audit's meanings


def test_every_name_the_audit_claims_has_a_meaning_of_its_own():
    from prove import vocabulary as V
    from prove.audit import translate as T

    assert V.SCALAR_FUNCTIONS | V.PREDICATES_OF_POINT | V.MATRIX_PREDICATES | {"softmax", "hessian"} <= T.CLAIMED
    assert not T.CLAIMED & V.GRAPH_FUNCTIONS  # graph words are the plain graph evaluator's
    missing = sorted(name for name in T.CLAIMED if T.meaning(name) is None)
    assert not missing, f"built-ins the audit claims but gives no meaning: {missing}"


MEANINGLESS = [
    ("translate", "SCALAR", "sigmoid", "diff(sigmoid(x), x) = sigmoid(x) * (1 - sigmoid(x))"),
    ("translate", "CALLS", "softmax", "forall z in R^3: sum(k, softmax(z)[k]) = 1"),
    ("translate", "MATRIX_FORMULAS", "symmetric", "forall A in R^(2x2): symmetric(A @ A^T)"),
    ("evaluate", "POINT_TESTS", "local_min",
     "forall g in poly(w, degree <= 3), w0 in R: strict_local_min(g, w0) -> local_min(g, w0)"),
    ("evaluate", "FUNCTION_TESTS", "convex",
     "forall g in poly(w, degree <= 4), w0 in R: convex(g) and local_min(g, w0) -> global_min(g, w0)"),
    ("evaluate", "DEFINITENESS", "psd",
     "forall g in poly(w, degree <= 4), w0 in R: local_min(g, w0) -> psd(hessian(g)(w0))"),
]


@pytest.mark.parametrize("module, table, name, body", MEANINGLESS, ids=[m[2] for m in MEANINGLESS])
def test_a_builtin_without_an_audit_meaning_is_not_audited_never_agreeing(monkeypatch, module, table, name, body):
    import importlib

    claim = claim_of(body)
    assert examine(claim).status == "agrees"  # with its meaning, the claim is evaluated
    monkeypatch.delitem(getattr(importlib.import_module(f"prove.audit.{module}"), table), name)
    f = examine(claim)
    assert f.status == "not_applicable" and name in f.reason and f.points == 0, f
    out = audit(claim, Outcome(Verdict.PROVED, method="fake"), Limits())
    assert out.method == f"fake; audit: not applicable ({f.reason})"


def test_the_audits_scalar_meanings_break_where_the_vocabulary_says():
    # The audit keeps points off a breakpoint at 0 of every function the vocabulary marks
    # as a kink or jump; every other scalar meaning must be smooth.
    from prove import vocabulary as V
    from prove.audit import translate as T

    x, eps = sp.Symbol("x", real=True), sp.Rational(1, 10 ** 6)
    for name, meaning in T.SCALAR.items():
        f = meaning(x)
        if name in V.SCALAR_KINKS:  # the value or the slope jumps across 0
            df = sp.diff(f, x)
            jumps = [abs(g.subs(x, eps) - g.subs(x, -eps)) for g in (f, df)]
            assert max(jumps) > sp.Rational(1, 1000), name
        else:
            assert not f.has(sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside), name


def test_a_polynomial_family_the_planner_cannot_instantiate_is_not_audited():
    f = examine(claim_of("forall g in quadratic([x, y]), p in R^2: local_min(g, p) -> global_min(g, p)"))
    assert f.status == "not_applicable" and f.points == 0


# ------------------------------------------------------ deadlines and names


@pytest.mark.parametrize("body", ["tanh(x) = 2 * sigmoid(2*x) - 1",
                                  "forall G in graphs(nodes <= 4): acyclic(G) -> edges(G) <= 6"])
def test_an_audit_past_its_deadline_says_so_and_never_that_points_agree(body):
    from prove.backends.base import Deadline

    claim = claim_of(body)
    out = audit(claim, Outcome(Verdict.PROVED, method="fake"), Limits(), deadline=Deadline(0.0))
    assert out.verdict is Verdict.PROVED and out.method == "fake; audit: not applicable (incomplete (time))"


def test_the_audits_class_names_are_its_own():
    import ast
    import pathlib

    import prove

    root = pathlib.Path(prove.__file__).parent
    owners: dict = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                owners.setdefault(node.name, set()).add(path.relative_to(root).as_posix())
    shared = {name: sorted(paths) for name, paths in owners.items()
              if len(paths) > 1 and any(p.startswith("audit/") for p in paths)}
    assert not shared, shared
