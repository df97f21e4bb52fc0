"""Graph words of issue 16: edge edits, `G + node(In, Out)`, loop-free families,
node / set / order literals, derived graphs, order counts and the witnesses of
failed uniqueness claims.

Each construct is compared with brute force over every graph up to 3 nodes
(the backend's verdict and smallest counterexample against enumeration through
the plain evaluator), and false claims of each shape are checked to come back
refuted, judged by this file's own arithmetic.
"""

from __future__ import annotations

import itertools
import random

import pytest

from prove.backends.base import Limits, check
from prove.backends.graph import evaluate as GE
from prove.backends.graph.check import plan_claim
from prove.verdict import Verdict
from test_graphs import _holds_all, claims_of, run

# ------------------------------------------------- brute force, every graph to 3

AGREEMENT = """
claim add_edge_iff_no_path_back:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G):
    u != v and acyclic(G) -> (acyclic(G + edge(u, v)) <-> not path(G, v, u))
claim add_edge_iff_without_distinct_ends:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G):
    acyclic(G) -> (acyclic(G + edge(u, v)) <-> not path(G, v, u))
claim paths_after_insertion:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G), a in nodes(G), b in nodes(G):
    path(G + edge(u, v), a, b) -> path(G, a, b) or ((a = u or path(G, a, u)) and (b = v or path(G, v, b)))
claim paths_after_insertion_are_old:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G), a in nodes(G):
    path(G + edge(u, v), a, v) -> path(G, a, v)
claim numeral_removal:
  forall G in graphs(nodes <= 3): acyclic(G) -> acyclic(G - 2) and nodes(G - 2) >= nodes(G) - 1
claim numeral_removal_changes_count:
  forall G in graphs(nodes <= 3): nodes(G - 2) = nodes(G) - 1
claim remove_edge_keeps_dag:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G) -> acyclic(G - edge(u, v))
claim dag_after_removing_an_edge:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G - edge(u, v)) -> acyclic(G)
claim edges_after_insertion:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G):
    edges(G + edge(u, v)) = edges(G) + 1 or edge(G, u, v)
claim new_node_keeps_dag:
  forall G in graphs(nodes <= 3), In subset nodes(G), Out subset nodes(G): acyclic(G) -> acyclic(G + node(In, Out))
claim new_node_keeps_dag_loopless:
  forall G in graphs(nodes <= 3, loopless), In subset nodes(G), Out subset nodes(G):
    acyclic(G) -> acyclic(G + node(In, Out))
claim new_node_edge_count:
  forall G in graphs(nodes <= 3), In subset nodes(G), Out subset nodes(G):
    edges(G + node(In, Out)) = edges(G) + |In| + |Out|
claim new_node_only_in_is_sink:
  forall G in graphs(nodes <= 2), In subset nodes(G), Out subset nodes(G):
    acyclic(G) and card(Out) = 0 -> acyclic(G + node(In, Out))
claim loopless_cycle_needs_two_edges:
  forall G in graphs(nodes <= 3, loopless): acyclic(G) or edges(G) >= 2
claim cycle_needs_two_edges:
  forall G in graphs(nodes <= 3): acyclic(G) or edges(G) >= 2
claim loopless_all_acyclic:
  forall G in graphs(nodes <= 3, simple): acyclic(G)
claim closure_is_paths:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): path(G, u, v) <-> edge(closure(G), u, v)
claim closure_idempotent:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G):
    edge(closure(closure(G)), u, v) <-> edge(closure(G), u, v)
claim closure_keeps_acyclicity:
  forall G in graphs(nodes <= 3): acyclic(closure(G)) <-> acyclic(G)
claim closure_has_no_more_edges:
  forall G in graphs(nodes <= 3): edges(closure(G)) <= edges(G)
claim reduction_keeps_paths_of_dag:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G):
    acyclic(G) -> (path(reduction(G), u, v) <-> path(G, u, v))
claim reduction_keeps_paths:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): path(reduction(G), u, v) <-> path(G, u, v)
claim reduction_inside_dag:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G) and edge(reduction(G), u, v) -> edge(G, u, v)
claim reduction_has_fewer_edges:
  forall G in graphs(nodes <= 3): edges(reduction(G)) <= edges(G)
claim reverse_turns_paths:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): path(reverse(G), u, v) <-> path(G, v, u)
claim reverse_keeps_order_count:
  forall G in graphs(nodes <= 3): topological_orders(reverse(G)) = topological_orders(G)
claim reverse_is_the_graph:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): edge(reverse(G), u, v) -> edge(G, u, v)
claim undirected_acyclic_iff_no_edges:
  forall G in graphs(nodes <= 3): acyclic(undirected(G)) <-> edges(G) = 0
claim weakly_connected_edge_bound:
  forall G in graphs(nodes <= 3): weakly_connected(G) -> edges(G) >= nodes(G) - 1
claim weakly_connected_reverse:
  forall G in graphs(nodes <= 3): weakly_connected(G) <-> weakly_connected(reverse(G))
claim weakly_connected_has_source:
  forall G in graphs(nodes <= 3): weakly_connected(G) -> exists v in nodes(G): source(G, v)
claim weakly_connected_strongly:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): weakly_connected(G) and u != v -> path(G, u, v) or path(G, v, u)
claim orders_exist_iff_acyclic:
  forall G in graphs(nodes <= 3): acyclic(G) <-> topological_orders(G) >= 1
claim unique_order_iff_count_one:
  forall G in graphs(nodes <= 3): (exists! p in orders(G): topological(p, G)) <-> topological_orders(G) = 1
claim at_most_two_orders:
  forall G in graphs(nodes <= 3): topological_orders(G) <= 2
claim numeral_edge_is_path:
  forall G in graphs(nodes <= 3): edge(G, 1, 2) -> path(G, 1, 2)
claim numeral_edge_symmetric:
  forall G in graphs(nodes <= 3): edge(G, 1, 2) -> edge(G, 2, 1)
claim numeral_node_comparison:
  forall G in graphs(nodes <= 3), v in nodes(G): v = 1 or indegree(G, v) <= 2
claim set_literal_equality:
  forall G in graphs(nodes <= 3), S subset nodes(G): S = {1, 2} -> card(S) = 2 and nodes(G) >= 2
claim set_literal_wrong_size:
  forall G in graphs(nodes <= 3), S subset nodes(G): S = {1, 2} -> card(S) = 1
claim order_literal_is_topological:
  forall G in graphs(nodes <= 3), p in orders(G): p = [1, 2, 3] or p = [2, 1, 3] -> topological(p, G)
claim order_literal_fixes_size:
  forall G in graphs(nodes <= 3), p in orders(G): p = [2, 1] -> nodes(G) = 2 and p(2) = 1
"""


def _brute(claim):
    """Smallest counterexample by enumeration: (nodes, edges) or None.  Only graphs
    that the evaluator places in the range are tried (a loop-free family skips
    self-loops)."""
    plan = plan_claim(claim)
    (g,) = plan.graphs
    (var,) = [v for v in claim.variables if v.name == g.name]
    family = GE.domain_values(GE.A.Binder(var.name, "in", var.domain, span=var.span), {})
    for n in range(g.low, g.high + 1):
        cells = [(u, v) for u in range(1, n + 1) for v in range(1, n + 1)]
        fewest = None
        for mask in range(1 << len(cells)):
            graph = GE.GraphValue.make(n, {cells[i] for i in range(len(cells)) if mask >> i & 1})
            if graph not in family:
                continue
            if not all(_holds_all(claim, plan.others, {g.name: graph})):
                k = len(graph.edges)
                fewest = k if fewest is None else min(fewest, k)
        if fewest is not None:
            return n, fewest
    return None


@pytest.mark.parametrize("claim", claims_of(AGREEMENT), ids=lambda c: c.name)
def test_encoder_agrees_with_evaluator_on_every_small_graph(claim):
    outcome = check(claim, Limits(timeout=60.0))
    assert "backend said" not in (outcome.method or ""), outcome.method  # the audit did not overrule it
    expected = _brute(claim)
    if expected is None:
        assert outcome.verdict is Verdict.VERIFIED, outcome.reason
        return
    assert outcome.verdict is Verdict.REFUTED, outcome.reason
    (g,) = plan_claim(claim).graphs
    shown = outcome.witness[g.name]
    (lit,) = claims_of(f"claim w: acyclic({shown})")[0].body.args
    assert (len(GE.graph_literal(lit).nodes), shown.count("->")) == expected


def test_both_kinds_of_answer_occur():
    """The agreement table holds true and false claims of every construct."""
    verdicts = {c.name: _brute(c) is None for c in claims_of(AGREEMENT)}
    assert 10 < sum(verdicts.values()) < len(verdicts) - 10


# ------------------------------------------------------------- soundness


def test_node_numerals_turn_symmetry_breaking_off():
    """Only the graph 2 -> 1 satisfies the hypotheses, and lex-leader symmetry
    breaking keeps exactly that graph out of 1 -> 2 and 2 -> 1; so with it, the
    false claim would come back verified."""
    text = ("claim c:\n  forall G in graphs(nodes = 2):\n"
            "    edges(G) = 1 and not edge(G, 1, 1) and not edge(G, 2, 2) -> edge(G, 2, 1)\n")
    outcome = run(text)
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.method.startswith("z3"), outcome.method  # the backend's own answer, not the audit's
    assert outcome.witness["G"] == "graph(2, [1->2])"


def test_loop_free_family_is_not_vacuous():
    """Twin checks: the family has acyclic members and cyclic ones, and the
    smallest cycle it shows is a 2-cycle, not a self-loop."""
    assert run("claim t:\n  forall G in graphs(nodes <= 4, loopless): not acyclic(G)\n").verdict is Verdict.REFUTED
    cyc = run("claim t:\n  forall G in graphs(nodes <= 4, loopless): acyclic(G)\n")
    assert cyc.verdict is Verdict.REFUTED and cyc.witness["G"] == "graph(2, [1->2, 2->1])"
    plain = run("claim t:\n  forall G in graphs(nodes <= 4): acyclic(G)\n")
    assert plain.witness["G"] == "graph(1, [1->1])"


def test_new_node_counterexample_is_a_two_cycle_through_it():
    outcome = run("claim t:\n  forall G in graphs(nodes <= 5, loopless), In subset nodes(G), Out subset nodes(G):\n"
                  "    acyclic(G) -> acyclic(G + node(In, Out))\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == {"G": "graph(1, [])", "In": "{1}", "Out": "{1}"}


def test_dropping_a_hypothesis_turns_verified_into_refuted():
    kept = run("claim t:\n  forall G in graphs(nodes <= 4), u in nodes(G), v in nodes(G):\n"
               "    u != v and acyclic(G) -> (acyclic(G + edge(u, v)) <-> not path(G, v, u))\n")
    dropped = run("claim t:\n  forall G in graphs(nodes <= 4), u in nodes(G), v in nodes(G):\n"
                  "    acyclic(G) -> (acyclic(G + edge(u, v)) <-> not path(G, v, u))\n")
    assert kept.verdict is Verdict.VERIFIED and dropped.verdict is Verdict.REFUTED
    assert dropped.witness["u"] == dropped.witness["v"]
    kept = run("claim t:\n  forall G in graphs(nodes <= 4), u in nodes(G), v in nodes(G):\n"
               "    acyclic(G) -> (path(reduction(G), u, v) <-> path(G, u, v))\n")
    dropped = run("claim t:\n  forall G in graphs(nodes <= 4), u in nodes(G), v in nodes(G):\n"
                  "    path(reduction(G), u, v) <-> path(G, u, v)\n")
    assert kept.verdict is Verdict.VERIFIED and dropped.verdict is Verdict.REFUTED


def _orders(n: int, edges) -> list:
    return [seq for seq in itertools.permutations(range(1, n + 1))
            if all(seq.index(a) < seq.index(b) for a, b in edges)]


def _literal(n: int, edges) -> str:
    return f"graph({n}, [{', '.join(f'{a}->{b}' for a, b in sorted(edges))}])"


@pytest.mark.parametrize("seed", range(6))
def test_order_count_of_literal_graphs_against_enumeration(seed):
    """topological_orders(G) = k is proved for the true count only; the count is
    this test's own enumeration of permutations."""
    rng = random.Random(seed)
    n = rng.randint(2, 5)
    edges = {(a, b) for a in range(1, n + 1) for b in range(a + 1, n + 1) if rng.random() < 0.4}
    perm = list(range(1, n + 1))
    rng.shuffle(perm)
    edges = {(perm[a - 1], perm[b - 1]) for a, b in edges}
    true = len(_orders(n, edges))
    g = _literal(n, edges)
    for k, verdict in ((true, Verdict.PROVED), (true + 1, Verdict.REFUTED), (true - 1, Verdict.REFUTED)):
        assert run(f"claim c:\n  topological_orders({g}) = {k}\n").verdict is verdict, (g, k)


def test_exactly_these_orders_of_a_literal_graph():
    g = "graph(3, [1->3, 2->3])"
    assert _orders(3, {(1, 3), (2, 3)}) == [(1, 2, 3), (2, 1, 3)]
    good = run(f"claim c:\n  forall p in orders({g}): topological(p, {g}) <-> (p = [1, 2, 3] or p = [2, 1, 3])\n")
    assert good.verdict is Verdict.PROVED
    bad = run(f"claim c:\n  forall p in orders({g}): topological(p, {g}) <-> (p = [1, 2, 3] or p = [3, 1, 2])\n")
    assert bad.verdict is Verdict.REFUTED
    assert bad.witness["p"] in ("[2, 1, 3]", "[3, 1, 2]")


def test_uniqueness_witness_shows_two_distinct_satisfying_values():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 4): acyclic(G) and edges(G) >= 1 -> "
                  "exists! p in orders(G): topological(p, G)\n")
    assert outcome.verdict is Verdict.REFUTED
    (lit,) = claims_of(f"claim w: acyclic({outcome.witness['G']})")[0].body.args
    graph = GE.graph_literal(lit)
    first, second = (tuple(int(x) for x in outcome.witness[k].strip("[]").split(", ")) for k in ("p", "p'"))
    assert first != second
    assert {first, second} <= set(_orders(len(graph.nodes), graph.edges))


def test_uniqueness_witness_says_none():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 3): exists! v in nodes(G): source(G, v)\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == {"G": "graph(1, [1->1])", "v": "none"}


def test_literal_errors_are_reported():
    from prove.errors import ProveError
    for text in ("claim e:\n  forall G in graphs(nodes <= 3, dense): acyclic(G)\n",
                 "claim e:\n  forall G in graphs(nodes <= 3), p in orders(G): p = [1, 1]\n",
                 "claim e:\n  forall G in graphs(nodes <= 3), S subset nodes(G): S = {0}\n",
                 "claim e:\n  forall G in graphs(nodes <= 3): acyclic(node({1}, {2}))\n"):
        with pytest.raises(ProveError):
            claims_of(text)
