"""The facts about paths and sizes that the induction step assumes (`fol`), each
proved here by the tool from the definitions of walks and sizes.

The step's symbols are uninterpreted.  What it may assume of them is either a
definition (members and edges of G - v and G + sink(S), an order, `acyclic`)
or one of the FACTS below, written at its own symbols by the same function
that wrote the statement proved here.  A fact is about an arbitrary graph H
(edges join members of H) and, for removal, a node v and H' = H - v (the
members of H but v, the edges of H not touching v).  Its symbols mean:

  walk(1, a, b) = edge(a, b)
  walk(k, a, b) = exists w: edge(a, w) and walk(k - 1, w, b)        (k >= 2)
  path(a, b)    = exists k >= 1: walk(k, a, b)
  size n        = the length of an enumeration of H: a map e, one-to-one
                  from the members of H onto 1..n (d, its inverse on 1..n)

A recursion on the length k and explicit formulas: each defines its symbol
outright, so the definitions are true of every finite graph with its real paths
and size.  A fact about walks is proved by induction on k: Z3 must find the
negated base (k = 1) and the negated step (k to k + 1, the statement at k
assumed) unsat.  Sizes rest on the pigeonhole principle, proved by induction on
n with the hypothesis used at a map the step builds (an instance of a `for
every map`: weaker, so sound).  The fact itself then follows from these and the
definitions, one more query.  A proof may use an earlier fact only once that
fact is proved; every query runs in a fresh Z3 context with a resource budget,
so the outcome is the same in every process and under any load.  Anything but
`unsat` leaves the fact unproved, and a step that needs it is `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import z3

from prove.backends.base import solver_from_text

NODE = z3.DeclareSort("Node!")

RLIMIT = 1_000_000  # per query; the proofs below take at most 62 thousand (measured, the same in every process)
WALL_MS = 60_000  # a backstop only: the resource budget ends a query first


# ------------------------------------------------------------------ the statements the step uses
# Each takes `var` (fresh node constants by stem) and the graph terms; fol calls the same functions.


def path_inside(var, g):
    a, b = var("a", "b")
    return z3.ForAll([a, b], z3.Implies(g.path(a, b), z3.And(g.mem(a), g.mem(b))), patterns=[g.path(a, b)])


def path_of_edge(var, g):
    a, b = var("a", "b")
    return z3.ForAll([a, b], z3.Implies(g.edge(a, b), g.path(a, b)))


def path_join(var, g):
    a, b, c = var("a", "b", "c")
    p = g.path
    return z3.ForAll([a, b, c], z3.Implies(z3.And(p(a, b), p(b, c)), p(a, c)),
                     patterns=[z3.MultiPattern(p(a, b), p(b, c))])


def path_first_edge(var, g):
    a, b, w = var("a", "b", "w")
    return z3.ForAll([a, b], z3.Implies(g.path(a, b), z3.Or(
        g.edge(a, b), z3.Exists([w], z3.And(g.edge(a, w), g.path(w, b))))), patterns=[g.path(a, b)])


def size(var, g):
    (x,) = var("x")
    return z3.And(g.size >= 0, (g.size == 0) == z3.ForAll([x], z3.Not(g.mem(x))))


def size_without(g, v):
    """The size of G - v, as a term (the fact `size_remove`)."""
    return z3.If(g.mem(v), g.size - 1, g.size)


def remove_avoid_or_split(var, h, v, hm):
    a, b = var("a", "b")
    P, Pm = h.path, hm.path
    return z3.ForAll([a, b], z3.Implies(z3.And(a != v, b != v), P(a, b) == z3.Or(Pm(a, b), z3.And(P(a, v), P(v, b)))),
                     patterns=[P(a, b), Pm(a, b)])


def remove_into(var, h, v, hm):
    a, w = var("a", "w")
    return z3.ForAll([a], z3.Implies(a != v, h.path(a, v) == z3.Or(
        h.edge(a, v), z3.Exists([w], z3.And(w != v, hm.path(a, w), h.edge(w, v))))))


def remove_out_of(var, h, v, hm):
    b, w = var("b", "w")
    return z3.ForAll([b], z3.Implies(b != v, h.path(v, b) == z3.Or(
        h.edge(v, b), z3.Exists([w], z3.And(w != v, h.edge(v, w), hm.path(w, b))))))


def remove_loop(var, h, v, hm):
    w, x = var("w", "x")
    E = h.edge
    return h.path(v, v) == z3.Or(E(v, v), z3.Exists([w, x], z3.And(w != v, x != v, E(v, w),
                                                                   z3.Or(w == x, hm.path(w, x)), E(x, v))))


def remove_sub(var, h, v, hm):
    a, b = var("a", "b")
    return z3.ForAll([a, b], z3.Implies(hm.path(a, b), h.path(a, b)), patterns=[hm.path(a, b)])


def remove_absent(var, h, v, hm):
    a, b = var("a", "b")
    return z3.Implies(z3.Not(h.mem(v)), z3.ForAll([a, b], hm.path(a, b) == h.path(a, b)))


def size_remove(var, h, v, hm):
    return hm.size == size_without(h, v)


def pigeonhole(n, m, f):
    """A one-to-one map f from 1..n into 1..m (m >= 0) has n <= m."""
    i, j = z3.Ints("i! j!")
    into = z3.ForAll([i], z3.Implies(z3.And(1 <= i, i <= n), z3.And(1 <= f(i), f(i) <= m)))
    one_to_one = z3.ForAll([i, j], z3.Implies(z3.And(1 <= i, i <= n, 1 <= j, j <= n, f(i) == f(j)), i == j))
    return z3.Implies(z3.And(m >= 0, into, one_to_one), n <= m)


def is_order(var, g, p):
    """The step's definition of an order of H: one-to-one from the members of H into 1..size(H), 0
    elsewhere.  Onto as well, by `order_onto`: it lists every member exactly once."""
    x, y = var("x", "y")
    return z3.And(
        z3.ForAll([x], z3.If(g.mem(x), z3.And(1 <= p(x), p(x) <= g.size), p(x) == 0)),
        z3.ForAll([x, y], z3.Implies(z3.And(g.mem(x), g.mem(y), p(x) == p(y)), x == y)))


def order_onto(var, g, p, i):
    """An order as `is_order` defines it takes every number i in 1..size(H)."""
    (x,) = var("x")
    return z3.Implies(z3.And(is_order(var, g, p), 1 <= i, i <= g.size), z3.Exists([x], z3.And(g.mem(x), p(x) == i)))


# ------------------------------------------------------------------ the worlds the proofs run in


@dataclass(frozen=True)
class Sym:
    """A graph's symbols as the statements read them, with the definitions of walk and size."""

    mem: Callable
    edge: Callable
    path: Callable
    size: z3.ArithRef
    walk: Callable
    enum: Callable  # node -> Int, one-to-one onto 1..size
    dnum: Callable  # its inverse on 1..size
    walks: list = field(default_factory=list)  # the definitions of walk and path
    sizes: list = field(default_factory=list)  # the definition of size


class _Var:
    def __init__(self):
        self.n = 0

    def __call__(self, *stems):
        self.n += 1
        return [z3.Const(f"{s}!{self.n}", NODE) for s in stems]


def _defined(tag: str, mem, edge, var) -> Sym:
    walk = z3.Function(f"walk!{tag}", z3.IntSort(), NODE, NODE, z3.BoolSort())
    path = z3.Function(f"path!{tag}", NODE, NODE, z3.BoolSort())
    e = z3.Function(f"enum!{tag}", NODE, z3.IntSort())
    d = z3.Function(f"denum!{tag}", z3.IntSort(), NODE)
    n = z3.Int(f"size!{tag}")
    a, b, w, x, y = var("a", "b", "w", "x", "y")
    k, i = z3.Ints("k! i!")
    # the definitions of walk and path, each split into its two directions (the same sentences)
    # so that every direction has a trigger of its own
    walks = [
        z3.ForAll([a, b], walk(1, a, b) == edge(a, b)),
        z3.ForAll([k, a, b], z3.Implies(z3.And(k >= 2, walk(k, a, b)),
                                        z3.Exists([w], z3.And(edge(a, w), walk(k - 1, w, b)))),
                  patterns=[walk(k, a, b)]),
        z3.ForAll([k, a, w, b], z3.Implies(z3.And(k >= 1, edge(a, w), walk(k, w, b)), walk(k + 1, a, b)),
                  patterns=[z3.MultiPattern(edge(a, w), walk(k, w, b))]),
        z3.ForAll([a, b], z3.Implies(path(a, b), z3.Exists([k], z3.And(k >= 1, walk(k, a, b)))),
                  patterns=[path(a, b)]),
        z3.ForAll([k, a, b], z3.Implies(z3.And(k >= 1, walk(k, a, b)), path(a, b)), patterns=[walk(k, a, b)]),
    ]
    sizes = [
        n >= 0,
        z3.ForAll([x], z3.Implies(mem(x), z3.And(1 <= e(x), e(x) <= n))),
        z3.ForAll([x, y], z3.Implies(z3.And(mem(x), mem(y), e(x) == e(y)), x == y)),
        z3.ForAll([i], z3.Implies(z3.And(1 <= i, i <= n), z3.And(mem(d(i)), e(d(i)) == i))),
    ]
    return Sym(mem, edge, path, n, walk, e, d, walks, sizes)


@dataclass
class World:
    """An arbitrary graph H, a node v (in H or not) and H' = H - v, with their definitions."""

    var: _Var
    h: Sym
    v: z3.ExprRef
    hm: Sym
    graph: list  # edges of H join members of H; the members and edges of H'


def world() -> World:
    var = _Var()
    mem = z3.Function("in!H", NODE, z3.BoolSort())
    edge = z3.Function("edge!H", NODE, NODE, z3.BoolSort())
    (v,) = var("v")
    a, b = var("a", "b")
    mem_m = z3.Function("in!Hm", NODE, z3.BoolSort())
    edge_m = z3.Function("edge!Hm", NODE, NODE, z3.BoolSort())
    h = _defined("H", mem, edge, var)
    hm = _defined("Hm", mem_m, edge_m, var)
    return World(var, h, v, hm, [
        z3.ForAll([a, b], z3.Implies(edge(a, b), z3.And(mem(a), mem(b)))),
        z3.ForAll([a], mem_m(a) == z3.And(mem(a), a != v)),
        z3.ForAll([a, b], edge_m(a, b) == z3.And(edge(a, b), a != v, b != v))])


def induction_on_length(S: Callable, assume: list) -> list:
    """The two queries of an induction on k >= 1 for S(k) = (variables, body) (each must be unsat)."""
    k = z3.Int("k!ind")
    return [("k = 1", assume + [z3.Not(_closed(S(z3.IntVal(1))))]),
            ("k to k + 1", assume + [k >= 1, _closed(S(k)), z3.Not(_closed(S(k + 1)))])]


def for_every_length(S: Callable):
    k = z3.Int("k!all")
    variables, body = S(k)
    return z3.ForAll([k, *variables], z3.Implies(k >= 1, body))


def _closed(vb):
    variables, body = vb
    return z3.ForAll(variables, body) if variables else body


# ------------------------------------------------------------------ the proofs


@dataclass(frozen=True)
class Fact:
    """A sentence about every finite graph, with its proof: queries that must each be unsat."""

    name: str
    words: str
    uses: tuple  # earlier facts its proof assumes
    proof: Callable  # (World, the used facts at the world's symbols, state) -> [(part, query)]
    state: Callable  # graph fact (var, g); removal fact (var, h, v, hm); else its own arguments
    removal: bool = False
    in_step: bool = True  # written into the step by `fol` (else a lemma of these proofs, or of `fol`'s orders)

    def queries(self, w: "World") -> list:
        return self.proof(w, _used(self)(w), self.state)


def _walk_fact(name, words, state, uses=(), walk_lemma=None, removal=False):
    """A fact about paths, from the definitions of walk and path; `walk_lemma(w)` gives S(k), a
    statement about walks of length k proved by induction on k first and then assumed for every k."""
    def proof(w: World, used, state):
        defs = w.graph + w.h.walks + (w.hm.walks if removal else []) + used
        parts = []
        if walk_lemma is not None:
            S = walk_lemma(w)
            parts += induction_on_length(S, defs)
            defs = defs + [for_every_length(S)]
        goal = state(w.var, w.h, w.v, w.hm) if removal else state(w.var, w.h)
        return parts + [("from the definitions", defs + [z3.Not(goal)])]
    return Fact(name, words, uses, proof, state, removal=removal)


def _walk_inside(w):
    a, b = w.var("a", "b")
    return lambda k: ([a, b], z3.Implies(w.h.walk(k, a, b), z3.And(w.h.mem(a), w.h.mem(b))))


def _walk_join(w):
    a, b, c = w.var("a", "b", "c")
    m = z3.Int("m!")
    W = w.h.walk
    return lambda k: ([m, a, b, c], z3.Implies(z3.And(m >= 1, W(k, a, b), W(m, b, c)), W(k + m, a, c)))


def _walk_sub(w):
    a, b = w.var("a", "b")
    return lambda k: ([a, b], z3.Implies(w.hm.walk(k, a, b), w.h.walk(k, a, b)))


def _walk_avoid_or_split(w):
    """A walk between nodes other than v avoids v or passes through it."""
    a, b = w.var("a", "b")
    h, v, hm = w.h, w.v, w.hm
    return lambda k: ([a, b], z3.Implies(z3.And(a != v, b != v, h.walk(k, a, b)), z3.Or(
        hm.path(a, b), z3.And(h.path(a, v), h.path(v, b)))))


def _walk_first_visit(w):
    """A walk into v enters it for the first time by an edge from a walk of H - v."""
    a, x = w.var("a", "x")
    h, v, hm = w.h, w.v, w.hm
    return lambda k: ([a], z3.Implies(z3.And(a != v, h.walk(k, a, v)), z3.Or(
        h.edge(a, v), z3.Exists([x], z3.And(x != v, hm.path(a, x), h.edge(x, v))))))


def _walk_last_visit(w):
    """A walk from a to b != v avoids v (a != v) or leaves v for the last time by an edge v -> x."""
    a, b, x = w.var("a", "b", "x")
    h, v, hm = w.h, w.v, w.hm
    return lambda k: ([a, b], z3.Implies(z3.And(b != v, h.walk(k, a, b)), z3.Or(
        z3.And(a != v, hm.path(a, b)),
        z3.Exists([x], z3.And(x != v, h.edge(v, x), z3.Or(x == b, hm.path(x, b)))))))


def _walk_loop(w):
    """A closed walk at v leaves v and comes back by an edge, between them a walk of H - v (or nothing)."""
    x, y = w.var("x", "y")
    h, v, hm = w.h, w.v, w.hm
    return lambda k: ([], z3.Implies(h.walk(k, v, v), z3.Or(h.edge(v, v), z3.Exists([x, y], z3.And(
        x != v, y != v, h.edge(v, x), z3.Or(x == y, hm.path(x, y)), h.edge(y, v))))))


def _pigeonhole_proof(w: World, used, state):
    n, m = z3.Ints("n! m!")
    f = z3.Function("f!", z3.IntSort(), z3.IntSort())
    # the step: f maps 1..n+1 into 1..m; g sends the preimage of m to f(n + 1) and maps 1..n into 1..m-1
    g = lambda i: z3.If(f(i) == m, f(n + 1), f(i))  # noqa: E731
    return [("n = 0", [z3.Not(state(z3.IntVal(0), m, f))]),
            ("n to n + 1", [n >= 0, state(n, m - 1, g), z3.Not(state(n + 1, m, f))])]


def _size_proof(w: World, used, state):
    return [("from the definition", w.h.sizes + [z3.Not(state(w.var, w.h))])]


def _size_remove_proof(w: World, used, state):
    """Both enumerations give maps between 1..size(H') and 1..size(H) - [v in H], one-to-one both ways."""
    h, v, hm = w.h, w.v, w.hm
    # H' into 1..n-1 when v is in H: the member numbered n takes v's number
    e_without = lambda x: z3.If(h.enum(x) == h.size, h.enum(v), h.enum(x))  # noqa: E731
    # 1..n-1 into H': number e(v) goes to the member numbered n
    d_without = lambda i: z3.If(i == h.enum(v), h.dnum(h.size), h.dnum(i))  # noqa: E731
    n, nm = h.size, hm.size
    instances = [pigeonhole(nm, n - 1, lambda i: e_without(hm.dnum(i))),
                 pigeonhole(n - 1, nm, lambda i: hm.enum(d_without(i))),
                 pigeonhole(nm, n, lambda i: h.enum(hm.dnum(i))),
                 pigeonhole(n, nm, lambda i: hm.enum(h.dnum(i)))]
    return [("from the definition and pigeonhole",
             w.graph + h.sizes + hm.sizes + instances + [z3.Not(state(w.var, h, v, hm))])]


def _order_onto_proof(w: World, used, state):
    """A number i missed: moving the member numbered n to i maps 1..n into 1..n - 1."""
    h = w.h
    p = z3.Function("p!", NODE, z3.IntSort())
    i = z3.Int("missed!")
    fold = lambda j: z3.If(p(h.dnum(j)) == h.size, i, p(h.dnum(j)))  # noqa: E731
    return [("from the definition and pigeonhole",
             h.sizes + [pigeonhole(h.size, h.size - 1, fold), z3.Not(state(w.var, h, p, i))])]


_PATHS = ("path_of_edge", "path_join", "remove_sub")  # what a removal proof joins its pieces with
FACTS = (
    _walk_fact("path_of_edge", "edge(a, b) -> path(a, b)", path_of_edge),
    _walk_fact("path_join", "path(a, b) and path(b, c) -> path(a, c)", path_join, walk_lemma=_walk_join),
    _walk_fact("path_inside", "path(a, b) -> a in H and b in H", path_inside, walk_lemma=_walk_inside),
    _walk_fact("path_first_edge", "path(a, b) -> edge(a, b) or exists w: edge(a, w) and path(w, b)",
               path_first_edge),
    _walk_fact("remove_sub", "path_H'(a, b) -> path_H(a, b)  (a walk of H - v is one of H)", remove_sub,
               walk_lemma=_walk_sub, removal=True),
    _walk_fact("remove_avoid_or_split", "a, b != v: path_H(a, b) <-> path_H'(a, b) or path_H(a, v) and path_H(v, b)",
               remove_avoid_or_split, uses=_PATHS, walk_lemma=_walk_avoid_or_split, removal=True),
    _walk_fact("remove_into",
               "a != v: path_H(a, v) <-> edge_H(a, v) or exists w != v: path_H'(a, w) and edge_H(w, v)",
               remove_into, uses=_PATHS, walk_lemma=_walk_first_visit, removal=True),
    _walk_fact("remove_out_of",
               "b != v: path_H(v, b) <-> edge_H(v, b) or exists w != v: edge_H(v, w) and path_H'(w, b)",
               remove_out_of, uses=_PATHS, walk_lemma=_walk_last_visit, removal=True),
    _walk_fact("remove_loop", "path_H(v, v) <-> edge_H(v, v) or exists w, x != v: "
               "edge_H(v, w) and (w = x or path_H'(w, x)) and edge_H(x, v)",
               remove_loop, uses=_PATHS + ("remove_into",), walk_lemma=_walk_loop, removal=True),
    _walk_fact("remove_absent", "v not in H -> path_H'(a, b) <-> path_H(a, b)", remove_absent,
               uses=("path_inside", "remove_sub", "remove_avoid_or_split"), removal=True),
    Fact("pigeonhole", "a one-to-one map from 1..n into 1..m has n <= m", (), _pigeonhole_proof, pigeonhole,
         in_step=False),
    Fact("size", "size >= 0; size = 0 <-> no node", (), _size_proof, size),
    Fact("size_remove", "size(H - v) = size(H) - 1 if v in H, else size(H)", ("pigeonhole",),
         _size_remove_proof, size_remove, removal=True),
    Fact("order_onto", "one-to-one from H into 1..size(H) is onto (an order lists every node)", ("pigeonhole",),
         _order_onto_proof, order_onto, in_step=False),
)
FACT = {f.name: f for f in FACTS}


def _used(fact: Fact) -> Callable:
    """The statements of the facts `fact` uses, at a world's symbols (a graph fact for H and for H':
    H' is a graph, its edges join its members)."""
    def at(w: World) -> list:
        out = []
        for name in fact.uses:
            u = FACT[name]
            if not u.in_step:
                continue  # pigeonhole: a proof writes the instances it needs itself
            out += [u.state(w.var, w.h, w.v, w.hm)] if u.removal else [u.state(w.var, g) for g in (w.h, w.hm)]
        return out
    return at


def unsat(query: list, rlimit: int = RLIMIT) -> tuple[bool, str]:
    """(whether the query is unsat, Z3's answer in words)."""
    s = solver_from_text(query, rlimit, WALL_MS)
    r = s.check()
    return r == z3.unsat, ("unsat" if r == z3.unsat else "a model" if r == z3.sat else s.reason_unknown())


_RESULTS: dict = {}  # name -> None (proved) or why not; once per process


def proved() -> dict:
    """name -> None when the fact is proved, else why not (each proof runs once per process)."""
    if not _RESULTS:
        for fact in FACTS:
            _RESULTS[fact.name] = check_fact(fact)
    return dict(_RESULTS)


def check_fact(fact: Fact, results: Optional[dict] = None) -> Optional[str]:
    results = _RESULTS if results is None else results
    for name in fact.uses:
        if results.get(name, "not proved before it") is not None:
            return f"it uses {name}, which is not proved"
    for part, query in fact.queries(world()):
        ok, answer = unsat(query)
        if not ok:
            return f"{part}: z3 gave {answer}"
    return None
