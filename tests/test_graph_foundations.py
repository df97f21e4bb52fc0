"""The facts the induction step assumes, proved from the definitions of walk and
size (prove/backends/graph/foundations.py).

Each fact is proved; a false variant of each, put through the same proof, is
not; the definitions are those of the real walks, paths and sizes of small
graphs; the assumptions of every query are consistent (so an `unsat` is not
one of inconsistent definitions); and a step whose facts are not proved is
`unknown`, never `proved`.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
import z3

from prove.backends.base import Limits, check, solver_from_text
from prove.backends.graph import fol
from prove.backends.graph import foundations as F
from prove.verdict import Verdict
from test_graph_induction import _reach, claims

ALL_PROVED = {f.name: None for f in F.FACTS}


def _answers(fact):
    """(part, proved?, resource count) for each query of the fact's proof."""
    out = []
    for part, query in fact.queries(F.world()):
        s = solver_from_text(query, F.RLIMIT, F.WALL_MS)
        r = s.check()
        out.append((part, r == z3.unsat, s.statistics().get_key_value("rlimit count")))
    return out


@pytest.mark.parametrize("fact", F.FACTS, ids=lambda f: f.name)
def test_every_fact_is_proved_well_within_its_budget(fact):
    """Z3's resource count is the same in every process: a quarter of the budget leaves room for
    another Z3 version's search without depending on this machine's speed."""
    assert F.check_fact(fact, ALL_PROVED) is None
    for part, proved, count in _answers(fact):
        assert proved and count < F.RLIMIT / 4, (fact.name, part, count)


def test_every_fact_is_proved_in_order_in_a_fresh_process_state():
    assert F.proved() == ALL_PROVED


def test_a_fact_uses_only_facts_before_it():
    seen = set()
    for fact in F.FACTS:
        assert set(fact.uses) <= seen, fact.name
        seen.add(fact.name)


def test_every_fact_the_step_writes_is_one_proved_here():
    written = set(fol.GRAPH_FACTS) | set(fol.REMOVAL_FACTS) | {"remove_absent", "size_remove"}
    assert written == {f.name for f in F.FACTS if f.in_step}


def test_a_fact_whose_proof_uses_an_unproved_fact_is_not_proved():
    results = dict(ALL_PROVED, path_join="from the definitions: z3 gave unknown")
    assert "path_join" in F.check_fact(F.FACT["remove_into"], results)


# ------------------------------------------------------------------ false variants: the same proof fails


def _variant(name, state):
    return dataclasses.replace(F.FACT[name], state=state)


def _forall2(var, body):
    a, b = var("a", "b")
    return z3.ForAll([a, b], body(a, b))


def _into_only_through_a_walk(var, h, v, hm):
    a, w = var("a", "w")
    return z3.ForAll([a], z3.Implies(a != v, h.path(a, v) == z3.Exists([w], z3.And(w != v, hm.path(a, w),
                                                                                    h.edge(w, v)))))


def _out_of_only_through_a_walk(var, h, v, hm):
    b, w = var("b", "w")
    return z3.ForAll([b], z3.Implies(b != v, h.path(v, b) == z3.Exists([w], z3.And(w != v, h.edge(v, w),
                                                                                    hm.path(w, b)))))


def _loop_needs_two_nodes(var, h, v, hm):
    w, x = var("w", "x")
    return h.path(v, v) == z3.Exists([w, x], z3.And(w != v, x != v, h.edge(v, w), z3.Or(w == x, hm.path(w, x)),
                                                    h.edge(x, v)))


MUTANTS = {
    "paths_go_both_ways": _variant("path_join", lambda var, g: _forall2(
        var, lambda a, b: z3.Implies(g.path(a, b), g.path(b, a)))),
    "members_are_joined_by_paths": _variant("path_inside", lambda var, g: _forall2(
        var, lambda a, b: z3.Implies(z3.And(g.mem(a), g.mem(b)), g.path(a, b)))),
    "every_path_is_an_edge": _variant("path_first_edge", lambda var, g: _forall2(
        var, lambda a, b: z3.Implies(g.path(a, b), g.edge(a, b)))),
    "edges_are_walks_both_ways": _variant("path_of_edge", lambda var, g: _forall2(
        var, lambda a, b: z3.Implies(g.edge(a, b), g.path(b, a)))),
    "a_path_of_G_is_one_of_G_minus_v": _variant("remove_sub", lambda var, h, v, hm: _forall2(
        var, lambda a, b: z3.Implies(h.path(a, b), hm.path(a, b)))),
    "every_path_passes_through_v": _variant("remove_avoid_or_split", lambda var, h, v, hm: _forall2(
        var, lambda a, b: z3.Implies(z3.And(a != v, b != v), h.path(a, b) == z3.And(h.path(a, v), h.path(v, b))))),
    "into_v_only_after_a_walk": _variant("remove_into", _into_only_through_a_walk),
    "out_of_v_only_before_a_walk": _variant("remove_out_of", _out_of_only_through_a_walk),
    "a_loop_at_v_needs_two_nodes": _variant("remove_loop", _loop_needs_two_nodes),
    "removing_a_member_keeps_its_paths": _variant("remove_absent", lambda var, h, v, hm: _forall2(
        var, lambda a, b: hm.path(a, b) == h.path(a, b))),
    "no_graph_is_empty": _variant("size", lambda var, g: g.size >= 1),
    "removing_keeps_the_size": _variant("size_remove", lambda var, h, v, hm: hm.size == h.size),
    "pigeonhole_with_room_to_spare": _variant("pigeonhole", lambda n, m, f: z3.Implies(
        F.pigeonhole(n, m, f).arg(0), n <= m - 1)),
    "onto_a_longer_range": _variant("order_onto", lambda var, g, p, i: F.order_onto(
        var, dataclasses.replace(g, size=g.size + 1), p, i)),
}


@pytest.mark.parametrize("name", MUTANTS)
def test_a_false_variant_is_not_proved_by_the_same_proof(name):
    assert F.check_fact(MUTANTS[name], ALL_PROVED) is not None


def test_the_true_statements_of_the_mutated_facts_are_proved():
    """The variants fail for being false, not for a proof that never succeeds."""
    for name in {m.name for m in MUTANTS.values()}:
        assert F.check_fact(F.FACT[name], ALL_PROVED) is None, name


# ------------------------------------------------------------------ the definitions are the real ones


def _pinned(n, edges, walks=True):
    """The world's definitions with H pinned to a concrete graph on nodes 0..n-1 (every node of the
    sort is one of n + 1 names: the n members and v, kept outside H); those of walk, or of size."""
    w = F.world()
    names = [z3.Const(f"u{i}", F.NODE) for i in range(n + 1)]
    x = z3.Const("x!pin", F.NODE)
    s = z3.Solver()
    s.set("timeout", 20_000)  # (a backstop: each check here takes milliseconds)
    s.add(z3.Distinct(*names), w.v == names[n], z3.ForAll([x], z3.Or([x == u for u in names])))
    for i, u in enumerate(names):
        s.add(w.h.mem(u) == (i < n))
    for i, j in itertools.product(range(n + 1), repeat=2):
        s.add(w.h.edge(names[i], names[j]) == ((i, j) in edges))
    s.add(*w.graph, *(w.h.walks if walks else w.h.sizes))
    return w, names, s


@pytest.mark.parametrize("n, edges", [(3, {(0, 1), (1, 2)}), (3, {(0, 1), (1, 0), (2, 2)}), (2, set())])
def test_the_definitions_make_the_real_paths_paths_and_the_real_size_the_size(n, edges):
    w, u, s = _pinned(n, edges)
    for a, b in itertools.product(range(n), repeat=2):
        s.push()
        s.add(z3.Not(w.h.path(u[a], u[b])))
        if _reach(edges, a, b):
            assert s.check() == z3.unsat, (a, b)  # a real path is forced to be a path
        else:  # and a real non-path may be none (within a budget: Z3 cannot show that the walks of every
            # length avoid b, only fail to find a contradiction)
            assert solver_from_text(list(s.assertions()), F.RLIMIT, F.WALL_MS).check() != z3.unsat, (a, b)
        s.pop()
    w, u, s = _pinned(n, edges, walks=False)
    s.push()
    s.add(w.h.size == n)
    assert s.check() == z3.sat
    s.pop()
    for wrong in (n - 1, n + 1):
        s.push()
        # the numbers 1..n+1 named, so that the enumeration's inverse is looked at there
        s.add(w.h.size == wrong, *[w.h.dnum(i) == w.h.dnum(i) for i in range(1, n + 2)])
        assert s.check() == z3.unsat, wrong
        s.pop()


def test_a_wrong_definition_is_caught_by_the_same_check(monkeypatch):
    """Walks along reversed edges would make 1 -> 0 a path of 0 -> 1 and not 0 -> 1 itself."""
    real = F._defined

    def reversed_walks(tag, mem, edge, var):
        return dataclasses.replace(real(tag, mem, lambda a, b: edge(b, a), var), edge=edge)
    monkeypatch.setattr(F, "_defined", reversed_walks)
    w, u, s = _pinned(2, {(0, 1)})
    s.add(z3.Not(w.h.path(u[0], u[1])))
    assert s.check() != z3.unsat


def test_a_definition_saying_too_much_is_caught_by_the_same_check(monkeypatch):
    """Paths that go both ways would force 0 -> 0 on 0 -> 1 -> 2 (back to 1, forward to 0), which is
    no real path: the check of the real non-paths fails."""
    real = F._defined

    def symmetric(tag, mem, edge, var):
        sym = real(tag, mem, edge, var)
        a, b = var("a", "b")
        return dataclasses.replace(sym, walks=sym.walks + [
            z3.ForAll([a, b], z3.Implies(sym.path(b, a), sym.path(a, b)))])
    monkeypatch.setattr(F, "_defined", symmetric)
    with pytest.raises(AssertionError):
        test_the_definitions_make_the_real_paths_paths_and_the_real_size_the_size(3, {(0, 1), (1, 2)})


@pytest.mark.parametrize("fact", F.FACTS, ids=lambda f: f.name)
def test_the_assumptions_of_every_query_are_consistent(fact):
    """Without its negated statement a query is not unsat: the definitions and the facts assumed do
    not contradict each other (an `unsat` from contradictory definitions would prove anything)."""
    for part, query in fact.queries(F.world()):
        proved, answer = F.unsat(query[:-1], rlimit=F.RLIMIT // 4)  # the budget any proof here had to spare
        assert not proved, (fact.name, part, answer)


# ------------------------------------------------------------------ the step rests on them


def test_a_step_whose_facts_are_not_proved_is_unknown(monkeypatch):
    monkeypatch.setattr(F, "_RESULTS", dict(ALL_PROVED, remove_into="k to k + 1: z3 gave unknown"))
    (claim,) = claims("claim keep:\n  forall G in graphs, v in nodes(G): acyclic(G) -> acyclic(G - v)\n"
                      "  by induction on nodes(G) removing a node\n").values()
    outcome = check(claim, Limits(timeout=20))
    assert outcome.verdict is Verdict.UNKNOWN
    assert "remove_into is not proved" in outcome.reason
    monkeypatch.setattr(F, "_RESULTS", dict(ALL_PROVED))
    assert check(claim).verdict is Verdict.PROVED
