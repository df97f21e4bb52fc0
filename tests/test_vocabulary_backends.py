"""Every row of prove/vocabulary.py has a meaning in the backend of its family.

`missing_meanings` lists the (name, place) pairs where a row of the vocabulary
has no meaning: scalar, vector and calculus words in the identity backend's
SymPy translation, analysis predicates in both the exact judge and the Z3
encoder of the analysis backend, graph words in both the Z3 encoder and the
independent evaluator, matrix predicates where claims use them.  It must be []
for the real tables, and must name a word whose meaning is taken out of one.
"""

import pytest

import prove
from prove import vocabulary as V
from prove.backends.analysis.encode import PolynomialEncoder
from prove.backends.analysis.exact import Evaluator
from prove.backends.graph import check as graph_check
from prove.backends.graph import evaluate as GE
from prove.backends.graph.encode import GraphEncoder
from prove.backends.identity import sympy_translate as ST
from prove import typecheck
from prove.verdict import Verdict

# Rows that are (also) a binder's domain: their meaning is where the backend reads the binder.
BINDER_DOMAINS = {b.name for b in V.VOCABULARY if "a binder's domain" in b.doc}
# Rows with no meaning in any backend yet, and what a claim that uses one gets instead.
NO_BACKEND_YET = {"symmetric": "a hypothesis the identity backend does not read (unknown, with that reason)"}


def identity_hypotheses() -> set:
    """The matrix predicates the identity backend reads as a hypothesis on a 2x2 matrix:
    the claim is proved only when the hypothesis is understood (here it is not even needed)."""
    out = set()
    for b in V.VOCABULARY:
        if b.kind is V.Kind.MATRIX_PREDICATE and not b.analysis:
            (r,) = prove.check(f"claim t: forall A in R^(2x2) where {b.name}(A): A + A = 2*A")
            if r.verdict is Verdict.PROVED:
                out.add(b.name)
    return out


def sympy_words() -> set:
    """The words the SymPy translation gives a meaning as a call (one `f_<name>` method each)."""
    return {attr[2:] for attr in dir(ST.ToSympy) if attr.startswith("f_")}


def places(hypotheses: set) -> list:
    """(where, which rows must have a meaning there, the names that have one there)."""
    def kind(*kinds, analysis=None, domains=None):
        def rows(b):
            return (b.kind in kinds and (analysis is None or b.analysis == analysis)
                    and (domains is None or (b.name in BINDER_DOMAINS) == domains))
        return rows

    # `graphs(...)` is read by the elaborator into the graph variable's sort, which the plan takes
    graph_encoder = set(GraphEncoder.PREDICATES) | set(GraphEncoder.TERMS) | set(GraphEncoder.DOMAINS) | {"graphs"}
    K = V.Kind
    return [
        ("identity: SymPy scalar functions", kind(K.SCALAR_FUNCTION), set(ST.SCALAR)),
        ("identity: SymPy calls", kind(K.VECTOR_FUNCTION, K.CALCULUS, domains=False), sympy_words()),
        ("elaboration: binder domains", lambda b: b.name in BINDER_DOMAINS, set(typecheck.DOMAINS)),
        ("analysis: exact judge", kind(K.PREDICATE_OF_POINT, K.PREDICATE_OF_FUNCTION, K.MATRIX_PREDICATE,
                                       analysis=True), set(Evaluator.PREDICATES)),
        ("analysis: Z3 encoder", kind(K.PREDICATE_OF_POINT, K.PREDICATE_OF_FUNCTION, K.MATRIX_PREDICATE,
                                      analysis=True), set(PolynomialEncoder.PREDICATES)),
        ("identity: hypotheses", kind(K.MATRIX_PREDICATE, analysis=False), hypotheses),
        ("graph: Z3 encoder", kind(K.GRAPH), graph_encoder),
        ("graph: independent evaluator", kind(K.GRAPH), set(GE.CALLS) | set(GE.DOMAINS)),
    ]


def missing_meanings(hypotheses: set) -> list:
    """The (name, where) pairs at which a vocabulary row has no meaning, apart from NO_BACKEND_YET."""
    out = []
    for where, rows, meanings in places(hypotheses):
        out += [(b.name, where) for b in V.VOCABULARY
                if rows(b) and b.name not in meanings and b.name not in NO_BACKEND_YET]
    return sorted(out)


@pytest.fixture(scope="module")
def hypotheses():
    return identity_hypotheses()


def test_every_row_has_a_meaning_in_its_backend(hypotheses):
    assert missing_meanings(hypotheses) == []


def test_every_row_is_required_somewhere(hypotheses):
    required = {b.name for _, rows, _ in places(hypotheses) for b in V.VOCABULARY if rows(b)}
    assert required | set(NO_BACKEND_YET) == V.BUILTINS


def test_the_function_families_are_binder_domains_not_sympy_calls():
    assert {"poly", "quadratic"} <= BINDER_DOMAINS
    assert not {"poly", "quadratic"} & sympy_words()


def test_a_row_listed_as_without_meaning_really_has_none(hypotheses):
    """When `symmetric` gains a meaning, it leaves NO_BACKEND_YET (and is then checked like the rest)."""
    assert set(NO_BACKEND_YET) <= V.BUILTINS
    assert not set(NO_BACKEND_YET) & (hypotheses | set(Evaluator.PREDICATES) | set(PolynomialEncoder.PREDICATES)
                                      | sympy_words())
    (r,) = prove.check("claim t: forall A in R^(2x2) where symmetric(A): A + A = 2*A")
    assert r.verdict is Verdict.UNKNOWN and "hypotheses other than equations" in r.reason


@pytest.mark.parametrize("owner, table, name, where", [
    (ST, "SCALAR", "sigmoid", "identity: SymPy scalar functions"),
    (Evaluator, "PREDICATES", "strict_local_min", "analysis: exact judge"),
    (PolynomialEncoder, "PREDICATES", "convex", "analysis: Z3 encoder"),
    (PolynomialEncoder, "PREDICATES", "nsd", "analysis: Z3 encoder"),
    (typecheck, "DOMAINS", "quadratic", "elaboration: binder domains"),
    (GraphEncoder, "PREDICATES", "acyclic", "graph: Z3 encoder"),
    (GraphEncoder, "TERMS", "indegree", "graph: Z3 encoder"),
    (typecheck, "DOMAINS", "orders", "elaboration: binder domains"),
    (GE, "CALLS", "topological", "graph: independent evaluator"),
    (GE, "DOMAINS", "orders", "graph: independent evaluator"),
])
def test_a_meaning_taken_out_of_a_table_is_reported(monkeypatch, hypotheses, owner, table, name, where):
    before = missing_meanings(hypotheses)  # (not [] only while a new row is being given its meanings)
    reduced = {k: v for k, v in getattr(owner, table).items() if k != name}
    monkeypatch.setattr(owner, table, reduced)
    assert sorted(set(missing_meanings(hypotheses)) - set(before)) == [(name, where)]


def test_a_sympy_call_taken_out_is_reported(monkeypatch, hypotheses):
    before = missing_meanings(hypotheses)
    monkeypatch.delattr(ST.ToSympy, "f_softmax")
    assert sorted(set(missing_meanings(hypotheses)) - set(before)) == [("softmax", "identity: SymPy calls")]


def test_a_hypothesis_the_identity_backend_stops_reading_is_reported():
    assert ("invertible", "identity: hypotheses") in missing_meanings(set())


def test_the_tables_are_what_the_backends_use(monkeypatch):
    """A table is the meaning, not a list beside it: without its entry the word is not understood."""
    reduced = {k: v for k, v in GraphEncoder.PREDICATES.items() if k != "acyclic"}
    monkeypatch.setattr(GraphEncoder, "PREDICATES", reduced)
    (r,) = prove.check("claim c:\n  forall G in graphs(nodes <= 2): acyclic(G) -> edges(G) <= 1\n")
    assert r.verdict is Verdict.UNKNOWN and "acyclic(...) is not a statement about graphs" in r.reason


@pytest.mark.parametrize("bound", ["nodes <= 4", "2 <= nodes <= 4", "0 <= nodes <= 3", "nodes = 3", "1 < nodes < 5"])
def test_both_graph_sides_read_a_range_of_graphs_alike(bound):
    """`graphs(...)` means the same node counts to the solver's plan and to the evaluator
    that re-checks its counterexamples (each reads the bound on its own)."""
    from prove import ast as A
    from prove.claim import ModuleContext
    from prove.elaborate import elaborate
    from prove.parser import parse

    module = parse(f"claim c:\n  forall G in graphs({bound}): edges(G) >= 0\n", "t.claims")
    (claim,) = [elaborate(i, "t.claims", ModuleContext()) for i in module.items if isinstance(i, A.ClaimDecl)]
    (g,) = graph_check.plan_claim(claim).graphs
    (var,) = claim.variables
    space = GE.domain_values(A.Binder(var.name, "in", var.domain, span=var.span), {})
    assert [n for n in range(8) if GE.GraphValue.make(n, ()) in space] == list(range(g.low, g.high + 1))
