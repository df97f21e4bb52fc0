"""The graph backend: verdicts, bounds in words, counterexamples and their re-checks.

The differential tests shrink every claim of examples/dag.claims to 3 nodes
and compare the backend with brute force (every graph, every assignment,
evaluated by prove.backends.graph.evaluate).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from prove import ast as A
from prove.scope import module_context, without
from prove.elaborate import elaborate
from prove.parser import parse
from prove.backends.base import Limits, check
from prove.backends.graph import evaluate as GE
from prove.backends.graph.check import plan_claim
from prove.verdict import Verdict

ROOT = Path(__file__).resolve().parents[1]
DAG = ROOT / "examples" / "dag.claims"


def claims_of(text: str, path: str = "test.claims"):
    module = parse(text, path)
    ctx, _ = module_context(module, path)  # a claim may cite the file's other claims
    return [elaborate(item, path, without(ctx, item.name)) for item in module.items
            if isinstance(item, A.ClaimDecl)]


def run(text: str, timeout: float = 60.0):
    (claim,) = claims_of(text)
    return check(claim, Limits(timeout=timeout))


@pytest.fixture(scope="module")
def dag_results():
    out = {}
    for claim in claims_of(DAG.read_text(), str(DAG)):
        out[claim.name] = (claim, check(claim, Limits(timeout=60.0)))
    return out


# ------------------------------------------------------------------ must show

@pytest.mark.parametrize("name, bound", [
    ("acyclic_iff_topological_order", "all directed graphs with at most 6 nodes"),
    ("remove_node_keeps_dag", "all directed graphs with at most 6 nodes"),
    ("add_sink_keeps_dag", "all directed graphs with at most 5 nodes"),
    ("dag_has_source", "all directed graphs with 1 to 6 nodes"),
])
def test_brief_theorems_are_verified_with_their_bound(dag_results, name, bound):
    _, outcome = dag_results[name]
    assert outcome.verdict is Verdict.VERIFIED
    assert outcome.bound == bound
    assert "unsat for each size" in outcome.method


@pytest.mark.parametrize("name", ["dag_unique_source", "dag_edge_bound", "unique_topological_order"])
def test_brief_misconceptions_are_refuted_and_rechecked(dag_results, name):
    claim, outcome = dag_results[name]
    assert outcome.verdict is Verdict.REFUTED
    assert "re-checked" in outcome.method
    assert independent_counterexample(claim, outcome.witness)


def test_dag_edge_bound_counterexample_has_three_nodes(dag_results):
    _, outcome = dag_results["dag_edge_bound"]
    assert outcome.witness == {"G": "graph(3, [1->2, 1->3, 2->3])"}


def test_unique_source_and_unique_order_fail_on_two_isolated_nodes(dag_results):
    # the witness shows the two sources / orders that break the uniqueness, not only the graph
    assert dag_results["dag_unique_source"][1].witness == {"G": "graph(2, [])", "v": "1", "v'": "2"}
    assert dag_results["unique_topological_order"][1].witness == {"G": "graph(2, [])", "p": "[1, 2]",
                                                                   "p'": "[2, 1]"}


def test_every_example_meets_its_expectation(dag_results):
    for name, (claim, outcome) in dag_results.items():
        expected = claim.expect or "proved"
        ok = outcome.verdict.value == expected or {outcome.verdict.value, expected} == {"proved", "verified"}
        assert ok, f"{name}: {outcome.verdict} ({outcome.reason}), expected {expected}"
        bounded = not any(v.sort.__class__.__name__ == "Graph" and v.sort.every for v in claim.variables)
        if not bounded:  # `forall G in graphs` (every finite graph) is proved by induction
            assert "induction on nodes(G)" in outcome.method
        elif plan_claim(claim).graphs:  # a claim about given graphs only is decided exactly
            assert outcome.verdict is not Verdict.PROVED, f"{name}: a bounded check must not say proved"


def test_iff_at_eight_nodes_is_verified():
    text = ("claim acyclic_iff_topological_order:\n  forall G in graphs(nodes <= 8):\n"
            "    acyclic(G) <-> exists p in orders(G): topological(p, G)\n")
    outcome = run(text, timeout=120.0)
    assert outcome.verdict is Verdict.VERIFIED
    assert outcome.bound == "all directed graphs with at most 8 nodes"
    assert "1..8" in outcome.method


# ------------------------------------------------- witnesses and their re-check

def independent_counterexample(claim, witness: dict) -> bool:
    """Read the witness strings back (a graph literal through the parser, the rest
    by hand) and evaluate the claim on them: True when it is false there."""
    env = {}
    plan = plan_claim(claim)
    for g in plan.graphs:
        (lit,) = claims_of(f"claim w: acyclic({witness[g.name]})")[0].body.args
        env[g.name] = GE.graph_literal(lit)
    for name, binder in plan.others:
        text = witness[name]
        if text.startswith("{"):
            env[name] = GE.NodeSetValue(frozenset(int(x) for x in re.findall(r"\d+", text)))
        elif text.startswith("["):
            env[name] = GE.OrderValue(tuple(int(x) for x in re.findall(r"\d+", text)))
        elif isinstance(binder.domain, A.Range):
            env[name] = GE.Fraction(int(text))
        else:
            env[name] = GE.NodeV(int(text))
        assert env[name] in GE.domain_values(binder, env) if not text.startswith("[") else True
    return not GE.claim_holds(claim.hypotheses, claim.body, env)


def test_witness_is_a_claim_language_literal(dag_results):
    """The counterexample to dag_edge_bound, written back as a claim, is proved false."""
    g = dag_results["dag_edge_bound"][1].witness["G"]
    outcome = run(f"claim edge_bound_fails:\n  acyclic({g}) and edges({g}) > nodes({g}) - 1\n")
    assert outcome.verdict is Verdict.PROVED


def test_counterexample_with_nodes_and_orders():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 4), v in nodes(G), p in orders(G):\n"
                  "    source(G, v) and topological(p, G) -> p(v) = 1\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness["G"] == "graph(2, [])"
    assert outcome.witness["p"] in ("[1, 2]", "[2, 1]")
    assert outcome.witness["p"] != f"[{outcome.witness['v']}, " + ("2]" if outcome.witness["v"] == "1" else "1]")


def test_counterexample_with_a_set():
    outcome = run("claim c:\n  forall G in graphs(nodes <= 4), S subset nodes(G): edges(G + sink(S)) = edges(G)\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == {"G": "graph(1, [])", "S": "{1}"}


def test_counterexample_cut_short_by_the_limit_is_still_refuted_and_says_so(monkeypatch):
    """The clock jumps past the limit as soon as the solver returns its first
    counterexample: the search for fewer edges stops, the verdict stands, and
    the method no longer claims the smallest one."""
    import z3

    from prove.backends import base
    from prove.backends.graph import check as graphs

    clock = {"now": 0.0}

    class Solver(z3.Solver):
        def model(self):
            clock["now"] = 1e9
            return super().model()

    monkeypatch.setattr(base, "clock", lambda: clock["now"])  # every deadline reads this clock
    monkeypatch.setattr(z3, "Solver", Solver)
    text = "claim c:\n  forall G in graphs(nodes <= 5): acyclic(G) -> edges(G) <= nodes(G) - 1\n"
    (claim,) = claims_of(text)
    outcome = graphs.check(claim, Limits(timeout=10.0))
    assert outcome.verdict is Verdict.REFUTED
    assert "smallest" not in outcome.method and "time limit stopped the search for fewer edges" in outcome.method
    assert outcome.witness["G"].startswith("graph(3, ")
    assert independent_counterexample(claim, outcome.witness)


# ---------------------------------------------------------------- twin checks

@pytest.mark.parametrize("text, witness", [
    # the hypotheses of the theorems can hold: some graph is acyclic, some has an order, ...
    ("forall G in graphs(nodes <= 4): not acyclic(G)", {"G": "graph(1, [])"}),
    ("forall G in graphs(nodes <= 4): not exists p in orders(G): topological(p, G)", {"G": "graph(1, [])"}),
    ("forall G in graphs(nodes <= 4), v in nodes(G): not source(G, v)", {"G": "graph(1, [])", "v": "1"}),
    # ... and can fail: not every graph is acyclic (a self-loop is a cycle)
    ("forall G in graphs(nodes <= 4): acyclic(G)", {"G": "graph(1, [1->1])"}),
    ("forall G in graphs(nodes <= 4): exists p in orders(G): topological(p, G)", {"G": "graph(1, [1->1])"}),
    # deliberately wrong claims
    ("forall G in graphs(nodes <= 5): acyclic(G) -> edges(G) <= 2", {"G": "graph(3, [1->2, 1->3, 2->3])"}),
    ("forall G in graphs(nodes <= 5): cycle(G) -> edges(G) >= 2", {"G": "graph(1, [1->1])"}),
])
def test_twin_checks(text, witness):
    outcome = run("claim twin:\n  " + text + "\n")
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness == witness


def test_dropping_a_hypothesis_turns_verified_into_refuted():
    base = "forall G in graphs(nodes <= 5), v in nodes(G): {hyp}acyclic(G - v)"
    assert run("claim a:\n  " + base.format(hyp="acyclic(G) -> ") + "\n").verdict is Verdict.VERIFIED
    dropped = run("claim b:\n  " + base.format(hyp="") + "\n")
    assert dropped.verdict is Verdict.REFUTED
    assert dropped.witness == {"G": "graph(2, [1->1])", "v": "2"}


def test_empty_graph_only_when_asked_for():
    text = "claim e:\n  forall G in graphs({rng}): acyclic(G) -> edges(G) <= nodes(G) - 1\n"
    assert run(text.format(rng="nodes <= 2")).verdict is Verdict.VERIFIED
    outcome = run(text.format(rng="0 <= nodes <= 2"))
    assert outcome.verdict is Verdict.REFUTED and outcome.witness == {"G": "graph(0, [])"}
    verified = run("claim f:\n  forall G in graphs(0 <= nodes <= 3): edges(G) >= 0\n")
    assert verified.bound == "all directed graphs with at most 3 nodes, the empty graph included"
    exact = run("claim g:\n  forall G in graphs(nodes = 3): edges(G) >= 0\n")
    assert exact.bound == "all directed graphs with exactly 3 nodes"


def test_unsupported_is_unknown_with_a_reason():
    outcome = run("claim u:\n  forall G in graphs(nodes <= 9), v in nodes(G):\n"
                  "    exists p in orders(G): p(v) = 1 and topological(p, G) or not acyclic(G)\n"
                  "    or (exists u in nodes(G): edge(G, u, v))\n")
    # the inner order quantifier is universal in the negation and its body is not topological(...) alone
    assert outcome.verdict in (Verdict.UNKNOWN, Verdict.VERIFIED)
    if outcome.verdict is Verdict.UNKNOWN:
        assert "lower the bound" in outcome.reason and "it holds for all directed graphs" in outcome.reason


def test_literal_graph_claims_are_proved():
    outcome = run("claim lit:\n  acyclic(graph(3, [1->2, 2->3])) and not acyclic(graph(2, [1->2, 2->1]))\n")
    assert outcome.verdict is Verdict.PROVED


# ------------------------------------------------------- the evaluator itself

def test_evaluator_definitions():
    g = GE.GraphValue.make(3, {(1, 2), (2, 3)})
    assert g.reachable(1) == {2, 3} and g.reachable(3) == set()
    assert GE.GraphValue.make(1, {(1, 1)}).reachable(1) == {1}
    h = g.minus(2)
    assert h.nodes == (1, 3) and h.edges == frozenset()
    k = g.plus_sink(frozenset({1, 3}))
    assert k.nodes == (1, 2, 3, 4) and (1, 4) in k.edges and (3, 4) in k.edges and len(k.edges) == 4
    assert GE.OrderValue((3, 1, 2)).position(1) == 2 and GE.OrderValue((3, 1, 2)).position(9) == 0


# ----------------------------------------------- differential: brute force at 3

def _small(text: str, n: int) -> str:
    text = re.sub(r"nodes <= \d+", f"nodes <= {n}", text)
    text = re.sub(r"in 1\.\.\d+:", f"in 1..{n}:", text)  # the sizes of graphs bound inside a claim
    return text


def _brute(claim):
    """Smallest counterexample by enumeration: (nodes, edges) or None."""
    plan = plan_claim(claim)
    best = None
    families = {v.name: GE.domain_values(A.Binder(v.name, "in", v.domain, span=v.span), {})
                for v in claim.variables if v.name in {g.name for g in plan.graphs}}
    ranges = [range(g.low, g.high + 1) for g in plan.graphs]
    for sizes in sorted(itertools.product(*ranges), key=lambda t: (sum(t), t)):
        cells = [[(u, v) for u in range(1, n + 1) for v in range(1, n + 1)] for n in sizes]
        for masks in itertools.product(*[range(1 << len(c)) for c in cells]):
            env = {}
            for g, n, c, m in zip(plan.graphs, sizes, cells, masks):
                env[g.name] = GE.GraphValue.make(n, {c[i] for i in range(len(c)) if m >> i & 1})
            if any(env[name] not in family for name, family in families.items()):
                continue  # outside a loop-free family
            if not all(_holds_all(claim, plan.others, env)):
                edges = sum(bin(m).count("1") for m in masks)
                if best is None or (sum(sizes), edges) < best:
                    best = (sum(sizes), edges)
        if best is not None:
            return best
    return None


def _holds_all(claim, others, env):
    if not others:
        yield GE.claim_holds(claim.hypotheses, claim.body, env)
        return
    (name, binder), rest = others[0], others[1:]
    for value in GE.domain_values(binder, env):
        yield from _holds_all(claim, rest, {**env, name: value})


EXTRA = """
claim int_range:
  forall G in graphs(nodes <= 3), k in 1..3: edges(G) >= k - 1
claim where_guards:
  forall G in graphs(nodes <= 3), v in nodes(G) where source(G, v):
    exists p in orders(G) where topological(p, G): p(v) <= nodes(G) or not acyclic(G)
claim new_node_is_sink:
  forall G in graphs(nodes <= 3), S subset nodes(G):
    exists v in nodes(G + sink(S)): sink(G + sink(S), v) and indegree(G + sink(S), v) = card(S)
claim unique_sink_after_adding_one:
  forall G in graphs(nodes <= 3), S subset nodes(G): exists! v in nodes(G + sink(S)): sink(G + sink(S), v)
claim last_in_some_order:
  forall G in graphs(nodes <= 3), v in nodes(G):
    sink(G, v) and acyclic(G) -> exists p in orders(G): topological(p, G) and p(v) = nodes(G)
claim orders_all_universal:
  forall G in graphs(nodes <= 3), v in nodes(G):
    (forall p in orders(G): topological(p, G) -> p(v) = 1) -> source(G, v) or not acyclic(G)
claim exactly_one_full_set:
  forall G in graphs(nodes <= 3): exists! S subset nodes(G): card(S) = nodes(G) - 1
claim removed_then_sink:
  forall G in graphs(nodes <= 3), v in nodes(G), S subset nodes(G - v):
    acyclic(G - v) -> acyclic(G - v + sink(S)) and edges(G - v + sink(S)) <= edges(G) + |S|
claim degree_sum_bound:
  forall G in graphs(0 <= nodes <= 3), v in nodes(G): indegree(G, v) + outdegree(G, v) <= 2 * nodes(G) - 1
claim path_not_edge:
  forall G in graphs(nodes <= 3), u in nodes(G), v in nodes(G): path(G, u, v) -> edge(G, u, v)
"""


def _small_claims():
    text = DAG.read_text() + EXTRA
    out = []
    for claim in claims_of(_small(text, 3), "small.claims"):
        if any(v.sort.__class__.__name__ == "Graph" and v.sort.every for v in claim.variables):
            continue  # every finite graph (induction): tests/test_graph_induction.py
        if len(plan_claim(claim).graphs) > 1:
            (claim,) = [c for c in claims_of(_small(text, 2), "small.claims") if c.name == claim.name]
        out.append(claim)
    return out


@pytest.mark.parametrize("claim", _small_claims(), ids=lambda c: c.name)
def test_backend_agrees_with_brute_force(claim):
    outcome = check(claim, Limits(timeout=60.0))
    expected = _brute(claim)
    if expected is None:
        from prove.backends.graph.inner import graphs_inside
        given = not plan_claim(claim).graphs and not graphs_inside(claim)  # given graphs only: decided exactly
        assert outcome.verdict is (Verdict.PROVED if given else Verdict.VERIFIED), outcome.reason
    else:
        assert outcome.verdict is Verdict.REFUTED, outcome.reason
        plan = plan_claim(claim)
        nodes = sum(len(GE.graph_literal(claims_of(f"claim w: acyclic({outcome.witness[g.name]})")[0]
                                         .body.args[0]).nodes) for g in plan.graphs)
        edges = sum(outcome.witness[g.name].count("->") for g in plan.graphs)
        assert (nodes, edges) == expected
        assert independent_counterexample(claim, outcome.witness)
