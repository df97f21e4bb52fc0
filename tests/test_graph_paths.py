"""Paths as objects, depth-first search and graphs bound inside a claim.

The encodings of count_paths, depth and dfs_finish_orders are compared with the
plain evaluator on every graph with up to 3 nodes (and DFS on a sample at 4);
claims using the new words are compared with brute force at 3 nodes; false
claims of each shape are refuted, and their witnesses judged here with this
file's own arithmetic.
"""

from __future__ import annotations

import itertools
import re

import pytest
import z3

from prove.backends.base import Deadline, Limits, check
from prove.backends.graph import evaluate as GE
from prove.backends.graph.encode import GraphEncoder
from prove.verdict import Verdict
from test_graphs import _brute, claims_of, independent_counterexample, plan_claim, run


def all_graphs(n: int):
    cells = [(u, v) for u in range(1, n + 1) for v in range(1, n + 1)]
    for mask in range(1 << len(cells)):
        yield {c for i, c in enumerate(cells) if mask >> i & 1}


def is_acyclic(n: int, edges: set) -> bool:
    """Kahn's algorithm, written here."""
    indeg = {v: sum(1 for (a, b) in edges if b == v) for v in range(1, n + 1)}
    ready = [v for v in indeg if indeg[v] == 0]
    seen = 0
    while ready:
        u = ready.pop()
        seen += 1
        for (a, b) in edges:
            if a == u:
                indeg[b] -= 1
                if indeg[b] == 0:
                    ready.append(b)
    return seen == n


def my_paths(edges: set, u: int, v: int, n: int) -> int:
    """Paths u -> v with at least one edge in a DAG, by memoised recursion."""
    memo = {}

    def from_(w):
        if w not in memo:
            memo[w] = sum((1 if b == v else 0) + from_(b) for (a, b) in edges if a == w)
        return memo[w]

    return from_(u)


def my_depth(edges: set, n: int) -> int:
    memo = {}

    def longest(w):
        if w not in memo:
            memo[w] = max((1 + longest(b) for (a, b) in edges if a == w), default=0)
        return memo[w]

    return max((longest(w) for w in range(1, n + 1)), default=0)


def symbolic(n: int, edges: set):
    """An encoder and a graph variable whose edges are fixed by assertions (not folded)."""
    t = GraphEncoder(Limits(timeout=60.0).deadline())
    g = t.base_graph("G", n)
    fix = [b if (u, v) in edges else z3.Not(b) for (u, v), b in g.E.items()]
    return t, g, fix


def calls_of(text: str) -> dict:
    """The calls of a claim's body, by name (the AST built by the parser)."""
    from prove import ast as A
    (claim,) = claims_of("claim t:\n  " + text + "\n")
    return {n.func.id: n for n in A.walk(claim.body) if isinstance(n, A.Call) and isinstance(n.func, A.Name)}


# ------------------------------------------------- the encodings, exactly

@pytest.mark.parametrize("n", [1, 2, 3])
def test_path_counts_and_depth_agree_with_my_recursion_on_every_dag(n):
    from prove.backends.graph.z3_terms import SNode
    calls = calls_of("forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): "
                     "count_paths(G, u, v) >= 0 and depth(G) >= 0")
    dags = 0
    for edges in all_graphs(n):
        if not is_acyclic(n, edges):
            continue
        dags += 1
        t, g, fix = symbolic(n, edges)
        terms = {"depth": t.term(calls["depth"], {"G": g})}
        for u, v in itertools.product(range(1, n + 1), repeat=2):
            terms[(u, v)] = t.term(calls["count_paths"], {"G": g, "u": SNode(u), "v": SNode(v)})
        s = z3.Solver()
        s.add(*t.side, *fix)
        assert s.check() == z3.sat
        m = s.model()
        value = {k: (int(x) if not z3.is_expr(x) else m.eval(x, model_completion=True).as_long())
                 for k, x in terms.items()}
        assert value["depth"] == my_depth(edges, n), edges
        for u, v in itertools.product(range(1, n + 1), repeat=2):
            assert value[(u, v)] == my_paths(edges, u, v, n), (edges, u, v)
    assert dags == {1: 1, 2: 3, 3: 25}[n]


def test_path_counts_at_five_nodes_on_the_complete_dag():
    """1 -> every later node: paths from 1 to 5 are the subsets of {2, 3, 4}: 8; depth 4."""
    from prove.backends.graph.z3_terms import SNode
    calls = calls_of("forall G in graphs(nodes <= 5), u in nodes(G), v in nodes(G): count_paths(G, u, v) >= depth(G)")
    edges = {(a, b) for a in range(1, 6) for b in range(a + 1, 6)}
    t, g, fix = symbolic(5, edges)
    count = t.term(calls["count_paths"], {"G": g, "u": SNode(1), "v": SNode(5)})
    depth = t.term(calls["depth"], {"G": g})
    s = z3.Solver()
    s.add(*t.side, *fix)
    assert s.check() == z3.sat
    m = s.model()
    assert m.eval(count).as_long() == 8 == my_paths(edges, 1, 5, 5)
    assert m.eval(depth).as_long() == 4


class OrdersByZ3:
    """Every order that one encoding (a DFS finishing order, a BFS order) allows on a fixed
    graph G with n nodes; `visited_only`: nodes at position 0 (not reached) are left out."""

    def __init__(self, n: int, make, visited_only: bool = False):
        self.t, self.g, _ = symbolic(n, set())
        self.p = make(self.t, self.g)
        self.visited_only = visited_only
        self.solver = z3.Solver()
        self.solver.add(*self.t.side)

    def orders(self, edges: set) -> set:
        g, p, s = self.g, self.p, self.solver
        s.push()
        s.add(*[b if (u, v) in edges else z3.Not(b) for (u, v), b in g.E.items()])
        found = set()
        while s.check() == z3.sat:
            m = s.model()
            pos = {u: m.eval(p.pos[u], model_completion=True).as_long() for u in g.nodes}
            found.add(tuple(sorted((u for u in pos if pos[u] >= 1 or not self.visited_only), key=pos.get)))
            s.add(z3.Or([p.pos[u] != pos[u] for u in g.nodes]))
        s.pop()
        return found


def dfs_by_z3(n: int) -> OrdersByZ3:
    """One encoding of "p is a DFS finishing order of G" at n nodes; G fixed per query."""
    return OrdersByZ3(n, lambda t, g: t.new_dfs_order(g, "p"))


def bfs_by_z3(n: int, s: int) -> OrdersByZ3:
    """One encoding of "p is a BFS order from s in G" at n nodes; G fixed per query."""
    return OrdersByZ3(n, lambda t, g: t.new_bfs_order(g, s, "p"), visited_only=True)


def test_dfs_runs_encoding_is_exact_on_every_graph_up_to_3_nodes():
    """Z3's finishing orders are exactly those of simulated runs (cycles and self-loops included)."""
    from prove.backends.graph.evaluate_paths import dfs_finish_sequences
    for n in (1, 2, 3):
        z = dfs_by_z3(n)
        for edges in all_graphs(n):
            assert z.orders(edges) == set(dfs_finish_sequences(GE.GraphValue.make(n, edges))), edges


def test_dfs_runs_encoding_is_exact_on_some_4_node_graphs():
    from prove.backends.graph.evaluate_paths import dfs_finish_sequences
    graphs = [{(1, 2), (2, 3), (3, 4)}, {(1, 2), (1, 3), (2, 4), (3, 4)}, {(1, 2), (2, 1), (3, 4), (4, 3), (2, 3)},
              {(4, 3), (3, 2), (2, 1), (1, 4)}, {(1, 1), (1, 3), (2, 4)}, set()]
    z = dfs_by_z3(4)
    for edges in graphs:
        assert z.orders(edges) == set(dfs_finish_sequences(GE.GraphValue.make(4, edges))), edges


def test_the_simulated_runs_themselves():
    from prove.backends.graph.evaluate_paths import dfs_finish_sequences
    assert dfs_finish_sequences(GE.GraphValue.make(3, {(1, 2), (2, 3)})) == {(3, 2, 1)}
    assert dfs_finish_sequences(GE.GraphValue.make(3, {(1, 2), (1, 3)})) == {(2, 3, 1), (3, 2, 1)}
    assert len(dfs_finish_sequences(GE.GraphValue.make(3, set()))) == 6
    assert dfs_finish_sequences(GE.GraphValue.make(2, {(1, 2), (2, 1)})) == {(2, 1), (1, 2)}


# ------------------------------------------- claims: brute force at 3 nodes

AGREEMENT = """
claim path_iff_some_path_counted:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G) -> (path(G, u, v) <-> count_paths(G, u, v) >= 1)
claim paths_at_most_one:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G) -> count_paths(G, u, v) <= 1
claim paths_through_edges:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): acyclic(G) and edge(G, u, v) -> count_paths(G, u, v) >= 1
claim depth_below_nodes:
  forall G in graphs(nodes <= 3): acyclic(G) -> depth(G) < nodes(G)
claim depth_at_most_one:
  forall G in graphs(nodes <= 3): acyclic(G) -> depth(G) <= 1
claim depth_zero_iff_no_edges:
  forall G in graphs(nodes <= 3): cycle(G) or (depth(G) = 0 <-> edges(G) = 0)
claim depth_of_a_smaller_graph:
  forall G in graphs(nodes <= 3), v in nodes(G): acyclic(G) -> depth(G - v) <= depth(G)
claim depth_grows_strictly:
  forall G in graphs(nodes <= 3), v in nodes(G): acyclic(G) -> depth(G - v) < depth(G)
claim descendants_are_reached:
  forall G in graphs(nodes <= 3), v in nodes(G), w in descendants(G, v): path(G, v, w)
claim ancestors_of_a_source:
  forall G in graphs(nodes <= 3), v in nodes(G): source(G, v) -> |ancestors(G, v)| = 0
claim reachable_is_one_more:
  forall G in graphs(nodes <= 3), v in nodes(G): acyclic(G) -> card(reachable(G, v)) = card(descendants(G, v)) + 1
claim reachable_is_one_more_anywhere:
  forall G in graphs(nodes <= 3), v in nodes(G): card(reachable(G, v)) = card(descendants(G, v)) + 1
claim some_ancestor_is_a_source:
  forall G in graphs(nodes <= 3), v in nodes(G):
    acyclic(G) -> source(G, v) or exists a in ancestors(G, v): source(G, a)
claim every_node_reaches_a_sink:
  forall G in graphs(nodes <= 3), v in nodes(G): exists w in reachable(G, v): sink(G, w)
claim reversed_dfs_is_topological:
  forall G in graphs(nodes <= 3), p in dfs_finish_orders(G): acyclic(G) -> topological(reversed(p), G)
claim reversed_dfs_anywhere:
  forall G in graphs(nodes <= 3), p in dfs_finish_orders(G): topological(reversed(p), G)
claim dfs_order_itself_topological:
  forall G in graphs(nodes <= 3), p in dfs_finish_orders(G): acyclic(G) -> topological(p, G)
claim last_finished_is_a_source:
  forall G in graphs(nodes <= 3), p in dfs_finish_orders(G), v in nodes(G): acyclic(G) and p(v) = nodes(G) -> source(G, v)
claim first_finished_is_a_sink:
  forall G in graphs(nodes <= 3), p in dfs_finish_orders(G), v in nodes(G): p(v) = 1 -> sink(G, v)
claim bfs_nondecreasing_distance:
  forall G in graphs(nodes <= 3), s in nodes(G), p in bfs_orders(G, s), u in nodes(G), v in nodes(G):
    0 < p(u) and p(u) < p(v) -> dist(G, s, u) <= dist(G, s, v)
claim bfs_increasing_distance:
  forall G in graphs(nodes <= 3), s in nodes(G), p in bfs_orders(G, s), u in nodes(G), v in nodes(G):
    0 < p(u) and p(u) < p(v) -> dist(G, s, u) < dist(G, s, v)
claim bfs_visits_what_is_reached:
  forall G in graphs(nodes <= 3), s in nodes(G), p in bfs_orders(G, s), v in nodes(G):
    p(v) >= 1 <-> v = s or path(G, s, v)
claim dist_below_nodes_iff_reached:
  forall G in graphs(nodes <= 3), s in nodes(G), v in nodes(G): dist(G, s, v) < nodes(G) <-> v = s or path(G, s, v)
claim bfs_order_is_topological:
  forall G in graphs(nodes <= 3), s in nodes(G), p in bfs_orders(G, s): acyclic(G) -> topological(p, G)
claim reversed_bfs_order_keeps_unvisited_at_zero:
  forall G in graphs(nodes <= 3), s in nodes(G), p in bfs_orders(G, s), v in nodes(G):
    (reversed(p)(v) = 0 <-> p(v) = 0) and (p(v) = 1 -> reversed(p)(v) = card(reachable(G, s)))
claim dist_by_an_edge:
  forall G in graphs(nodes <= 3), s in nodes(G), u in nodes(G), v in nodes(G):
    edge(G, u, v) and dist(G, s, u) < nodes(G) -> dist(G, s, v) <= dist(G, s, u) + 1
claim reversed_position:
  forall G in graphs(nodes <= 3), p in orders(G), v in nodes(G): reversed(p)(v) = nodes(G) + 1 - p(v)
claim reversed_keeps_position:
  forall G in graphs(nodes <= 3), p in orders(G), v in nodes(G): reversed(p)(v) = p(v)
"""


def _agreement_claims():
    return claims_of(AGREEMENT, "agreement.claims")


@pytest.mark.parametrize("claim", _agreement_claims(), ids=lambda c: c.name)
def test_backend_agrees_with_brute_force_on_the_new_words(claim):
    outcome = check(claim, Limits(timeout=60.0))
    expected = _brute(claim)
    if expected is None:
        assert outcome.verdict is Verdict.VERIFIED, outcome.reason
    else:
        assert outcome.verdict is Verdict.REFUTED, outcome.reason
        plan = plan_claim(claim)
        (g,) = plan.graphs
        nodes = int(re.match(r"graph\((\d+)", outcome.witness[g.name]).group(1))
        assert (nodes, outcome.witness[g.name].count("->")) == expected
        assert independent_counterexample(claim, outcome.witness)


# ------------------------------------------------ false claims, judged here

def _edges(literal: str) -> tuple:
    n = int(re.match(r"graph\((\d+)", literal).group(1))
    return n, {(int(a), int(b)) for a, b in re.findall(r"(\d+)->(\d+)", literal)}


def test_a_dfs_finishing_order_itself_is_not_topological():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 5), p in dfs_finish_orders(G):\n"
                  "    acyclic(G) -> topological(p, G)\n")
    assert outcome.verdict is Verdict.REFUTED
    n, edges = _edges(outcome.witness["G"])
    seq = [int(x) for x in re.findall(r"\d+", outcome.witness["p"])]
    assert is_acyclic(n, edges) and sorted(seq) == list(range(1, n + 1))
    assert any(seq.index(a) > seq.index(b) for a, b in edges)  # an edge goes backwards in p


def test_reversed_dfs_order_on_a_cyclic_graph_is_refuted():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 4), p in dfs_finish_orders(G): topological(reversed(p), G)\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness["G"] == "graph(1, [1->1])"


@pytest.mark.parametrize("text, check_witness", [
    ("forall G in graphs(nodes <= 5): acyclic(G) -> depth(G) <= nodes(G) - 2",
     lambda n, e, w: is_acyclic(n, e) and my_depth(e, n) > n - 2),
    ("forall G in graphs(nodes <= 5), u in nodes(G), v in nodes(G): acyclic(G) -> count_paths(G, u, v) <= 1",
     lambda n, e, w: is_acyclic(n, e) and my_paths(e, int(w["u"]), int(w["v"]), n) > 1),
    ("forall G in graphs(nodes <= 5), u in nodes(G), v in nodes(G): acyclic(G) -> count_paths(G, u, v) <= depth(G) - 1",
     lambda n, e, w: is_acyclic(n, e) and my_paths(e, int(w["u"]), int(w["v"]), n) > my_depth(e, n) - 1),
    ("forall G in graphs(nodes <= 5), v in nodes(G): acyclic(G) -> card(descendants(G, v)) <= depth(G) - 1",
     lambda n, e, w: is_acyclic(n, e)),
])
def test_false_path_claims_are_refuted_with_a_witness_that_breaks_them(text, check_witness):
    outcome = run("claim f:\n  " + text + "\n")
    assert outcome.verdict is Verdict.REFUTED, outcome.reason
    n, edges = _edges(outcome.witness["G"])
    assert check_witness(n, edges, outcome.witness)


def test_the_diamond_has_two_paths_and_depth_two():
    d = "graph(4, [1->2, 1->3, 2->4, 3->4])"
    outcome = run(f"claim d:\n  depth({d}) = 2 and (exists s in nodes({d}), t in nodes({d}): count_paths({d}, s, t) = 2)"
                  f" and (forall s in nodes({d}), t in nodes({d}): count_paths({d}, s, t) <= 2)\n")
    assert outcome.verdict is Verdict.PROVED
    wrong = run(f"claim d:\n  forall s in nodes({d}), t in nodes({d}): count_paths({d}, s, t) <= 1\n")
    assert wrong.verdict is Verdict.REFUTED and (wrong.witness["s"], wrong.witness["t"]) == ("1", "4")


# ------------------------------------------------------- where they are defined

@pytest.mark.parametrize("text", [
    "forall G in graphs(nodes <= 4): depth(G) < nodes(G)",
    "forall G in graphs(nodes <= 4), u in nodes(G): count_paths(G, u, u) = 0",
    "forall G in graphs(nodes <= 4): depth(G) < nodes(G) and acyclic(G)",       # the guard comes too late
    "forall G in graphs(nodes <= 4): acyclic(G) or depth(G) < nodes(G)",        # `or` guards with not acyclic
    "forall G in graphs(nodes <= 4), v in nodes(G): acyclic(G - v) -> depth(G) >= 0",
    "forall G in graphs(nodes <= 4): (exists G2 in graphs(nodes = 1): acyclic(G2)) -> depth(G) >= 0",
    "depth(graph(2, [1->2, 2->1])) = 1",
])
def test_path_words_on_a_graph_not_known_acyclic_are_unknown(text):
    outcome = run("claim u:\n  " + text + "\n")
    assert outcome.verdict is Verdict.UNKNOWN
    assert "defined on acyclic graphs only" in outcome.reason


@pytest.mark.parametrize("text", [
    "forall G in graphs(nodes <= 4): cycle(G) or depth(G) < nodes(G)",
    "forall G in graphs(nodes <= 4) where acyclic(G): depth(G) < nodes(G)",
    "forall G in graphs(nodes <= 4), v in nodes(G): acyclic(G) -> depth(G - v) <= depth(G)",
    "forall G in graphs(nodes <= 4): not acyclic(G) or depth(G) < nodes(G)",
])
def test_guarded_uses_are_checked(text):
    assert run("claim g:\n  " + text + "\n").verdict is Verdict.VERIFIED


def test_the_evaluator_gives_no_number_on_a_cyclic_graph():
    (claim,) = claims_of("claim c:\n  depth(graph(2, [1->2, 2->1])) >= 0\n")
    with pytest.raises(GE.NotEvaluable):
        GE.holds(claim.body, {})


# ----------------------------------------------------------- graphs inside a claim

MAX_EDGES = """claim dag_edge_maximum:
  forall n in 1..{N}:
    (forall G in graphs(nodes = n): acyclic(G) -> edges(G) <= n * (n - 1) / 2)
    and (exists G in graphs(nodes = n): acyclic(G) and edges(G) = {attained})
"""


def test_dag_edge_maximum_with_an_inner_exists_is_verified_with_its_bound():
    outcome = run(MAX_EDGES.format(N=5, attained="n * (n - 1) / 2"))
    assert outcome.verdict is Verdict.VERIFIED
    assert outcome.bound.startswith("n = 1..5")
    assert "confirmed by evaluation" in outcome.method


def test_an_unattainable_maximum_is_refuted_at_the_smallest_n():
    outcome = run(MAX_EDGES.format(N=4, attained="n * (n - 1) / 2 + 1"))
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == {"n": "1"}


def test_a_wrong_inner_bound_is_refuted_with_the_graph_that_breaks_it():
    outcome = run("claim c:\n  forall n in 1..5: forall G in graphs(nodes = n): acyclic(G) -> edges(G) <= n - 1\n")
    assert outcome.verdict is Verdict.REFUTED
    n, edges = _edges(outcome.witness["G"])
    assert outcome.witness["n"] == str(n) and n >= 3 and is_acyclic(n, edges) and len(edges) > n - 1
    assert "re-checked by direct evaluation" in outcome.method and "smallest" not in outcome.method


def test_inner_exists_beyond_the_enumerated_sizes_is_unknown_not_refuted():
    """z3 says no 4-node DAG has 7 edges; the plain evaluator does not enumerate 4 nodes,
    so the refutation cannot be confirmed: unknown, never a verdict on the solver's word alone."""
    outcome = run("claim c:\n  forall n in 4..4: exists G in graphs(nodes = n): acyclic(G) and edges(G) = 7\n")
    assert outcome.verdict is Verdict.UNKNOWN
    assert "not confirmed without z3" in outcome.reason and outcome.witness == {"n": "4"}


def test_a_refutation_at_four_nodes_is_confirmed_with_the_solver_s_graph():
    """Beyond the sizes the evaluator enumerates, the graph the solver chose is what it checks."""
    outcome = run("claim c:\n  forall n in 1..4, G in graphs(nodes = n): acyclic(G) -> edges(G) <= 5\n")
    assert outcome.verdict is Verdict.REFUTED
    n, edges = _edges(outcome.witness["G"])
    assert outcome.witness["n"] == "4" == str(n) and is_acyclic(n, edges) and len(edges) == 6


def test_inner_exists_needing_every_graph_is_unknown():
    outcome = run("claim c:\n  forall n in 3..3: not (exists G in graphs(nodes = n): acyclic(G))\n"
                  "    or (exists H in graphs(nodes = n): cycle(H) and not (exists K in graphs(nodes = n): edges(K) = 0))\n")
    assert outcome.verdict in (Verdict.UNKNOWN, Verdict.REFUTED)


# ------------------------------------------------------------ breadth-first search

def test_bfs_runs_encoding_is_exact_on_every_graph_up_to_3_nodes():
    from prove.backends.graph.evaluate_paths import bfs_visit_sequences
    for n in (1, 2, 3):
        for s in range(1, n + 1):
            z = bfs_by_z3(n, s)
            for edges in all_graphs(n):
                assert z.orders(edges) == set(bfs_visit_sequences(GE.GraphValue.make(n, edges), s)), (edges, s)


def test_bfs_runs_encoding_is_exact_on_some_4_node_graphs():
    from prove.backends.graph.evaluate_paths import bfs_visit_sequences
    graphs = [{(1, 2), (1, 3), (2, 4), (3, 4)}, {(1, 2), (1, 3), (1, 4)}, {(1, 2), (2, 3), (3, 1), (3, 4)},
              {(1, 2), (1, 3), (3, 4), (2, 4), (4, 1)}, {(2, 1), (3, 4)}, set()]
    z = bfs_by_z3(4, 1)
    for edges in graphs:
        assert z.orders(edges) == set(bfs_visit_sequences(GE.GraphValue.make(4, edges), 1)), edges


def test_the_simulated_bfs_runs_themselves():
    from prove.backends.graph.evaluate_paths import bfs_visit_sequences
    diamond = GE.GraphValue.make(4, {(1, 2), (1, 3), (2, 4), (3, 4)})
    assert bfs_visit_sequences(diamond, 1) == {(1, 2, 3, 4), (1, 3, 2, 4)}
    assert bfs_visit_sequences(diamond, 4) == {(4,)}
    assert bfs_visit_sequences(GE.GraphValue.make(4, {(1, 2), (2, 3), (1, 4)}), 1) == {(1, 2, 4, 3), (1, 4, 2, 3)}


def test_bfs_node_is_enqueued_by_its_first_visited_in_neighbour():
    """1 -> 2, 1 -> 3, 2 -> 4, 3 -> 4, 3 -> 5: with 2 before 3, node 4 is 2's child and comes before 5."""
    from prove.backends.graph.evaluate_paths import bfs_visit_sequences
    edges = {(1, 2), (1, 3), (2, 4), (3, 4), (3, 5)}
    expected = {(1, 2, 3, 4, 5), (1, 3, 2, 4, 5), (1, 3, 2, 5, 4)}
    assert bfs_visit_sequences(GE.GraphValue.make(5, edges), 1) == expected
    assert bfs_by_z3(5, 1).orders(edges) == expected


# ---------------------------------------------------------------- twin checks

@pytest.mark.parametrize("text, witness", [
    # the search constraints alone are satisfiable: some run exists, and it is a proper order
    ("forall G in graphs(nodes <= 4), p in dfs_finish_orders(G): not topological(reversed(p), G)",
     {"G": "graph(1, [])", "p": "[1]"}),
    ("forall G in graphs(nodes <= 4), s in nodes(G), p in bfs_orders(G, s): p(s) != 1",
     {"G": "graph(1, [])", "s": "1", "p": "[1]"}),
    # a deliberately wrong inner witness: no graph is both acyclic and cyclic
    ("forall n in 1..3: exists G in graphs(nodes = n): acyclic(G) and cycle(G)", {"n": "1"}),
    # dropping `acyclic` from the DFS theorem
    ("forall G in graphs(nodes <= 4), p in dfs_finish_orders(G): topological(reversed(p), G)",
     {"G": "graph(1, [1->1])", "p": "[1]"}),
])
def test_twin_checks_of_the_new_encodings(text, witness):
    outcome = run("claim twin:\n  " + text + "\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == witness
