"""Claims about every finite graph, proved by induction (prove/backends/graph/induction.py).

Soundness first: every fact the step assumes (each proved for every finite graph
in test_graph_foundations.py) is also evaluated, as the step writes it at G, G - v,
G - w for every w and G + sink(S), on every graph with up to 2 nodes against the
real definitions (paths by depth-first search); the twin checks (facts and
hypotheses alone satisfiable, the step without its induction hypothesis not
provable); false statements with an induction hint never come back proved, and
their false steps are not `unsat`.
"""

from __future__ import annotations

import itertools

import pytest
import z3

from prove import ast as A
from prove.backends.base import Limits, check
from prove.backends.graph import evaluate as GE
from prove.backends.graph import fol
from prove.backends.graph import induction as I
from prove.backends.graph.moves import MOVES, read_hint
from prove.claim import ModuleContext
from prove.elaborate import elaborate
from prove.errors import ProveError
from prove.parser import parse
from prove.scope import module_context, without
from prove import sorts as S
from prove.verdict import Verdict


def claims(text: str, path: str = "t.claims"):
    module = parse(text, path)
    ctx, _ = module_context(module, path)
    return {d.name: elaborate(d, path, without(ctx, d.name)) for d in module.items if isinstance(d, A.ClaimDecl)}


def step(claim, **kw):
    """The step's answer from Z3, tried as the backend tries it (its resource budget per attempt)."""
    (gvar,) = [v for v in claim.variables if isinstance(v.sort, S.Graph)]
    (hint,) = [h for h in claim.hints if h.kind == "induction"]
    move = MOVES[read_hint(hint)[1]]
    lemmas = [c.claim for c in claim.lemmas.values()]
    answers = []
    for _, skip, ematching, seed in I.attempts(claim):
        answer, _ = I.attempt(I.step_query(claim, gvar, move, lemmas, skip=skip, **kw), ematching, seed, 120_000)
        answers.append(answer)
        if answers[-1] == z3.unsat:
            break
    return answers


# ------------------------------------------------------------------ the facts, on real graphs


def _pin(t, solver, universe, table, fn, arity):
    """fn equals the Python predicate `table` on every tuple of the finite universe."""
    for args in itertools.product(range(len(universe)), repeat=arity):
        value = fn(*(universe[i] for i in args))
        solver.add(value == z3.BoolVal(table(*args)) if z3.is_bool(value) else value == table(*args))


def _facts_hold(n, edges, v, members, extra=None):
    """The facts of a step with G, G - v (v free), G - w for every w (bound), G + sink(S), pinned to
    the real graph: nodes 0..n-1 are G's, n and n+1 are outside it (the supply of names is infinite,
    and further outside nodes behave as these do).  sat iff every fact is true of the real graph."""
    t = fol.Translator()
    g = t.base_graph("G")
    removed = t.node("removed")
    gm = t.minus(g, removed)
    setf = z3.Function("S!", fol.NODE, z3.BoolSort())
    h = t.plus_sink(g, fol.FSet(setf, g))
    w = t.node("w")
    t.bound_nodes.append(w)
    t.minus(g, w)  # the family of G - w for every w
    (family,) = t.families.values()
    k = n + 2
    universe = [z3.Const(f"u!{i}", fol.NODE) for i in range(k)]
    s = z3.Solver()
    s.add(z3.Distinct(*universe))
    inside = set(range(n))
    E = set(edges)
    P = {(a, b) for a in inside for b in inside if _reach(E, a, b)}

    def paths_without(r):
        kept = {(a, b) for a, b in E if r not in (a, b)}
        return {(a, b) for a in inside - {r} for b in inside - {r} if _reach(kept, a, b)}
    s.add(removed == universe[v])
    fresh = n + 1  # the sink's name
    s.add(t.graphs[next(key for key in t.graphs if "+sink" in key)].mem(universe[fresh]))  # pins the new node
    members = set(members)
    _pin(t, s, universe, lambda a: a in inside, g.mem, 1)
    _pin(t, s, universe, lambda a, b: (a, b) in E, g.edge, 2)
    _pin(t, s, universe, lambda a, b: (a, b) in P, g.path, 2)
    s.add(g.size == n)
    _pin(t, s, universe, lambda a: a in members, setf, 1)
    without_v = paths_without(v) if v in inside else P
    _pin(t, s, universe, lambda a, b: (a, b) in without_v, gm.path, 2)
    by_w = {r: (paths_without(r) if r in inside else P) for r in range(k)}
    _pin(t, s, universe, lambda r, a, b: (a, b) in by_w[r], family, 3)
    HE = E | {(m, fresh) for m in members if m in inside}
    HP = {(a, b) for a in range(k) for b in range(k) if _reach(HE, a, b)}
    _pin(t, s, universe, lambda a, b: (a, b) in HP, h.path, 2)
    s.add(*(ground(a, universe) for a in t.facts))
    if extra is not None:
        s.add(*(ground(a, universe) for a in extra(g)))
    return s.check()


def ground(f, universe):
    """f with every quantifier written out over the finite universe (fast to decide once pinned)."""
    if z3.is_quantifier(f):
        n = f.num_vars()
        parts = []
        for values in itertools.product(universe, repeat=n):
            # Var(0) is the last bound variable
            parts.append(ground(z3.substitute_vars(f.body(), *reversed(values)), universe))
        return z3.And(parts) if f.is_forall() else z3.Or(parts)
    if z3.is_app(f) and f.num_args() > 0:
        return f.decl()(*[ground(c, universe) for c in f.children()])
    return f


def _reach(edges, a, b):
    seen, stack = set(), [c for (x, c) in edges if x == a]
    while stack:
        c = stack.pop()
        if c == b:
            return True
        if c not in seen:
            seen.add(c)
            stack.extend(d for (x, d) in edges if x == c)
    return False


def _all_graphs(up_to):
    for n in range(up_to + 1):
        pairs = [(a, b) for a in range(n) for b in range(n)]
        for bits in range(1 << len(pairs)):
            yield n, [p for i, p in enumerate(pairs) if bits >> i & 1]


def test_every_fact_holds_of_every_graph_up_to_2_nodes():
    for i, (n, edges) in enumerate(_all_graphs(2)):
        v = i % (n + 1)  # a node of G, or (v = n) a node outside it
        members = [m for m in range(n) if (i >> m) & 1]
        assert _facts_hold(n, edges, v, members) == z3.sat, (n, edges, v, members)


def test_a_false_fact_is_caught_by_the_same_check():
    """The check can fail: a sentence false of the real graph ("every path is an edge") makes it unsat."""
    a, b = z3.Consts("a! b!", fol.NODE)

    def wrong(g):
        return [z3.ForAll([a, b], z3.Implies(g.path(a, b), g.edge(a, b)))]
    assert _facts_hold(3, [(0, 1), (1, 2)], 0, [], extra=wrong) == z3.unsat
    assert _facts_hold(3, [(0, 1), (1, 2)], 0, []) == z3.sat


# ------------------------------------------------------------------ twin checks

TRUE_CLAIMS = """
claim dag_order:
  forall G in graphs: acyclic(G) -> exists p in orders(G): topological(p, G)
  by induction on nodes(G) removing a source

claim increases:
  forall G in graphs, p in orders(G): topological(p, G) ->
    forall a in nodes(G), b in nodes(G): path(G, a, b) -> p(a) < p(b)
  by induction on nodes(G) removing a node

claim reach:
  forall G in graphs: acyclic(G) ->
    forall x in nodes(G): exists s in nodes(G): source(G, s) and (s = x or path(G, s, x))
  by induction on nodes(G) removing a node
"""


@pytest.fixture(scope="module")
def true_claims():
    return claims(TRUE_CLAIMS)


@pytest.mark.parametrize("name", ["dag_order", "increases", "reach"])
def test_step_is_unsat(true_claims, name):
    assert z3.unsat in step(true_claims[name])


@pytest.mark.parametrize("name", ["dag_order", "increases"])
def test_step_without_the_induction_hypothesis_is_not_proved(true_claims, name):
    assert z3.unsat not in step(true_claims[name], drop_hypothesis=True)


@pytest.mark.parametrize("name", ["dag_order", "increases", "reach"])
def test_facts_and_hypotheses_alone_are_satisfiable(true_claims, name):
    assert z3.unsat not in step(true_claims[name], goal=False)


# ------------------------------------------------------------ false statements

FALSE_CLAIMS = """
claim order_without_acyclic:
  forall G in graphs: exists p in orders(G): topological(p, G)
  by induction on nodes(G) removing a source

claim every_node_a_source:
  forall G in graphs, v in nodes(G): acyclic(G) -> source(G, v)
  by induction on nodes(G) removing a source

claim edge_back:
  forall G in graphs, v in nodes(G), u in nodes(G):
    acyclic(G - v) and edge(G, v, u) and edge(G, u, v) -> acyclic(G)
  by induction on nodes(G) removing a node

claim deletions_acyclic:
  forall G in graphs: (forall v in nodes(G): acyclic(G - v)) -> acyclic(G)
  by induction on nodes(G) removing a node

claim keeps_paths:
  forall G in graphs, v in nodes(G), a in nodes(G), b in nodes(G):
    a != v and b != v and path(G, a, b) -> path(G - v, a, b)
  by induction on nodes(G) removing a sink

claim source_first_wrong_way:
  forall G in graphs: acyclic(G) and nodes(G) >= 2 -> exists v in nodes(G): source(G, v) and sink(G, v)
  by induction on nodes(G) removing a source
"""

# (name, smallest counterexample graph, as the plain evaluator re-checked it)
SMALLEST = {
    "order_without_acyclic": "graph(1, [1->1])",
    "every_node_a_source": "graph(2, [1->2])",
    "edge_back": "graph(1, [1->1])",
    "deletions_acyclic": "graph(1, [1->1])",
    "keeps_paths": "graph(2, [1->2, 2->1])",
    "source_first_wrong_way": "graph(2, [1->2])",
}


@pytest.fixture(scope="module")
def false_claims():
    return claims(FALSE_CLAIMS)


@pytest.mark.parametrize("name", sorted(SMALLEST))
def test_flawed_statement_is_refuted_with_the_smallest_graph(false_claims, name):
    outcome = check(false_claims[name], Limits(timeout=30))
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness["G"] == SMALLEST[name]
    assert "bounded search before the induction" in outcome.method
    # judged here, not by the prover: the counterexample falsifies the claim
    claim = false_claims[name]
    n = int(outcome.witness["G"].split("(")[1].split(",")[0])
    edges = {tuple(int(x) for x in e.split("->")) for e in
             outcome.witness["G"].split("[")[1].rstrip("])").split(", ") if e}
    env = {"G": GE.GraphValue.make(n, edges)}
    for v in claim.variables[1:]:
        env[v.name] = GE.NodeV(int(outcome.witness[v.name]))
    assert not GE.claim_holds(claim.hypotheses, claim.body, env)


# the two flaws (drop "acyclic"; remove a node with an edge back): each such check runs
# every attempt to the end of its budget, so the others stop at the bounded search above
@pytest.mark.parametrize("name", ["order_without_acyclic", "edge_back"])
def test_false_step_is_not_unsat(false_claims, name):
    """Past the bounded search: the step of a false claim must not be proved either."""
    assert z3.unsat not in step(false_claims[name])


# ------------------------------------------------------------------ what a user sees


def test_proved_with_method_naming_the_induction_and_lemmas():
    (claim,) = claims("""
claim dag_order:
  forall G in graphs: acyclic(G) -> exists p in orders(G): topological(p, G)
  by induction on nodes(G) removing a source
""").values()
    outcome = check(claim, Limits(timeout=60))
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method.startswith("induction on nodes(G) removing a source: no counterexample up to 5 nodes; "
                                     "base 0 nodes exact; step z3 over an arbitrary finite graph")
    assert "uses: dag_has_source (proved here by induction)" in outcome.method


def test_no_bound_and_no_induction_is_unknown():
    (claim,) = claims("claim c:\n  forall G in graphs: acyclic(G) -> acyclic(G)\n").values()
    outcome = check(claim, Limits(timeout=10))
    assert outcome.verdict is Verdict.UNKNOWN
    assert "by induction on nodes(G) removing a source" in outcome.reason


def test_base_case_failure_is_unknown_not_proved():
    (claim,) = claims("claim c:\n  forall G in graphs: nodes(G) >= 1\n  by induction on nodes(G) removing a node\n"
                      ).values()
    outcome = check(claim, Limits(timeout=10))
    assert outcome.verdict is Verdict.REFUTED  # the bounded search includes the empty graph
    assert outcome.witness["G"] == "graph(0, [])"


def test_unknown_move_is_an_error_at_the_hint():
    with pytest.raises(ProveError) as err:
        claims("claim c:\n  forall G in graphs: acyclic(G) -> acyclic(G)\n  by induction on nodes(G) removing a leaf\n")
    assert "unknown induction step `removing a leaf`" in str(err.value)


def test_bound_node_in_g_minus_v_gets_a_path_relation_per_node():
    """`forall v in nodes(G): ... G - v`: the paths of G - v depend on v; no fact may speak of the
    bound v as if it were one fixed node (that would let the solver use G - c's paths for G - v)."""
    (claim,) = claims("claim c:\n  forall G in graphs, v in nodes(G): acyclic(G) -> acyclic(G - v)\n"
                      "  by induction on nodes(G) removing a node\n").values()
    t = fol.Translator()
    g = t.base_graph("G")
    t.formula(I.property_of(claim, claim.variables[0]), {"G": g}, -1)
    assert len(t.families) == 1
    for ax in t.facts:
        assert not any(str(c).startswith("v!") for c in _free_constants(ax))


def _free_constants(e):
    out, stack = set(), [e]
    while stack:
        x = stack.pop()
        if z3.is_quantifier(x):
            stack.append(x.body())
        elif z3.is_const(x) and x.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.add(x.decl().name())
        elif z3.is_app(x):
            stack.extend(x.children())
    return out
