"""Elaboration: names, sorts, sizes; each problem an error at its position."""

import pytest

from prove import ast as A
from prove import sorts as S
from prove.claim import ModuleContext
from prove.elaborate import elaborate
from prove.errors import ProveError
from prove.parser import parse
from prove.runner import tasks_for_text

from conftest import DATA


def elab(text: str):
    module = parse(text)
    ctx = ModuleContext(lets={i.name: i for i in module.items if isinstance(i, A.Let)})
    return elaborate(module.items[-1], "t.claims", ctx)


def test_every_example_of_the_brief_elaborates():
    path = DATA / "brief.claims"
    tasks = tasks_for_text(path.read_text(), str(path))
    errors = [(t.name, t.result.reason) for t in tasks if t.result is not None]
    assert errors == []
    assert len(tasks) == 24


@pytest.mark.parametrize("name, family", [
    ("sigmoid_derivative", "identity"), ("softmax_jacobian", "identity"),
    ("stationary_implies_min", "analysis"), ("saddle_example", "analysis"),
    ("dag_edge_bound", "graph"), ("level_set_orthogonality", "calc"),
])
def test_families(name, family):
    path = DATA / "brief.claims"
    tasks = {t.name: t for t in tasks_for_text(path.read_text(), str(path))}
    assert tasks[name].claim.family == family


def test_sorts_of_binders():
    claim = elab("claim a: forall n >= 1, z in R^n, i in 1..n, f: R^2 -> R: z[i] = f(1, 2)")
    sorts = {v.name: v.sort for v in claim.variables}
    assert sorts == {"n": S.INT, "z": S.Vec("n"), "i": S.INT, "f": S.Fun(S.Vec(2), S.REAL, "abstract")}


def test_free_variables_are_reals():
    claim = elab("claim a: diff(x^2, x) = 2*x")
    assert [(v.name, v.sort, v.free) for v in claim.variables] == [("x", S.REAL, True)]


def test_function_arguments_become_lambdas():
    claim = elab("claim a: saddle(x^2 - y^2, [0, 0])")
    lam = claim.body.args[0]
    assert isinstance(lam, A.Lambda) and lam.params == ("x", "y")
    assert claim.variables == ()


def error_of(text: str) -> ProveError:
    with pytest.raises(ProveError) as info:
        elab(text)
    return info.value


@pytest.mark.parametrize("text, message, column", [
    ("claim a: foo(x) = 1", "unknown function 'foo'", 10),
    ("claim a: forall z in R^3: z[4] = 1", "index 4 is out of range for a vector in R^3", 29),
    ("claim a: forall z in R^3, i in 1..5: z[i] = 1", "i ranges over 1..5, beyond the indices 1..3", 40),
    ("claim a: forall z in R^3, x in R^2: z + x = z", "cannot add", 37),
    ("claim a: forall A in R^(2x3), x in R^2: A @ x = x", "shapes do not match for @: 2x3 @ 2x1", 41),
    ("claim a: forall z in R^n: z = z", "the dimension 'n' is not bound", 22),
    ("claim a: sigmoid(x, y) = 1", "sigmoid takes 1 argument(s), got 2", 10),
    ("claim a: softmax(x) = 1", "softmax takes a vector", 18),
    ("claim a: x + 1", "a claim must be a formula", 10),
    ("claim a: forall G in graphs(nodes <= 3), v in nodes(G): edge(G, v) ", "edge takes 3 argument(s)", 57),
])
def test_errors_say_what_and_where(text, message, column):
    err = error_of(text)
    assert message in err.message
    assert err.span.column == column


def test_lets_expand_and_check_arity():
    claim = elab("let sq(t) = t * t\nclaim a: sq(x) = x^2")
    assert isinstance(claim.body.operands[0], A.BinOp)
    err = error_of("let sq(t) = t * t\nclaim a: sq(x, x) = x^2")
    assert "sq takes 1 argument(s), got 2" in err.message


def test_use_of_a_missing_library_file_is_an_error():
    tasks = tasks_for_text("use no_such_subject\nclaim a: x = x\n", "t.claims")
    errors = [t for t in tasks if t.result is not None]
    assert errors and "no lemma file named 'no_such_subject'" in errors[0].result.reason
    assert [t.name for t in tasks if t.claim is not None] == ["a"]


def test_every_example_of_the_brief_gets_its_verdict():
    """The acceptance test of the brief: each example gets the verdict written
    beside it (or a better one: proved where it says verified)."""
    import prove

    results = prove.check_file(DATA / "brief.claims", jobs=2)
    assert len(results) == 24
    assert [(r.name, r.verdict.value) for r in results if not r.as_expected] == []
    verdicts = {r.name: r.verdict.value for r in results}
    assert verdicts["softmax_jacobian"] == "proved"
    assert verdicts["acyclic_iff_topological_order"] == "verified"
