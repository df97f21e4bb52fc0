"""Every built-in name of the vocabulary has a sort rule (prove/signatures.py):
a call to it is typed by its own rule, never by the fall-through for names the
type checker does not know."""

import pytest

from prove import ast as A
from prove import vocabulary as V
from prove.errors import ElaborationError
from prove.signatures import builtin_sort
from prove.typecheck import Scope, TypeChecker

NO_RULE = "cannot be used here"


def rule_error(name: str) -> str:
    span = A.Span.unknown()
    call = A.Call(A.Name(name, span=span), (), span=span)
    try:
        builtin_sort(TypeChecker(), call, name, Scope({}))
    except ElaborationError as exc:
        return exc.message
    return ""


@pytest.mark.parametrize("name", sorted(V.BUILTINS))
def test_every_builtin_has_a_sort_rule(name):
    assert NO_RULE not in rule_error(name)


def test_a_name_without_a_rule_falls_through_to_the_error():
    assert NO_RULE in rule_error("not_a_builtin")


def test_the_graph_signatures_are_the_graph_words_that_are_values():
    from prove.signatures import GRAPH_SIGNATURES

    domains = {"graphs", "orders", "graph", "dfs_finish_orders", "bfs_orders"}  # binder domains, and the literal with its edge list
    assert set(GRAPH_SIGNATURES) == V.GRAPH_FUNCTIONS - domains


@pytest.mark.parametrize("call, message", [
    ("source(G, v, v)", "source takes 2 argument(s), got 3"),
    ("sink(G, v, v)", "sink takes 1 or 2 argument(s), got 3"),
    ("edge(v, G, v)", "edge expects a graph here, got a node of G"),
    ("card(G) >= 0", "card expects a set of nodes here, got a graph"),
])
def test_a_graph_word_with_the_wrong_arguments_is_an_error_at_them(call, message):
    import prove

    (r,) = prove.check(f"claim t: forall G in graphs(nodes <= 3), v in nodes(G): {call}\n")
    assert r.verdict.value == "error" and message in r.reason
