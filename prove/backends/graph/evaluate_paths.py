"""The plain evaluator's meaning of the path and traversal words: plain Python on
one concrete graph, by enumeration, no solver (see `evaluate`, which registers
these meanings in its tables).  Nothing here is shared with the Z3 encoding
(`paths`), which computes the same quantities by dynamic programming.

  * count_paths(G, u, v): simple paths u -> ... -> v with at least one edge,
    enumerated one by one; depth(G): the most edges on a simple path.  Both are
    defined on acyclic graphs only (in a DAG every walk is such a path); on a
    graph with a cycle they raise NotEvaluable, never return a number;
  * descendants / ancestors: the ends / starts of paths of length >= 1 (as
    `path`); reachable(G, u): u and its descendants;
  * dfs_finish_orders(G): every order in which some depth-first search
    finishes the nodes, found by simulating every run (every choice of the
    next root and of the next unvisited successor);
  * bfs_orders(G, s): every order in which some breadth-first search from s
    visits the nodes it reaches, by simulating every run (every order of the
    unvisited successors of each node dequeued); dist(G, s, v): breadth-first
    layers of one run, nodes(G) when v is not reached;
  * reversed(p): the order read backwards.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from functools import lru_cache

from prove import ast as A
from prove.backends.graph import evaluate as GE


def _acyclic_graph(e: A.Call, env: dict, name: str) -> GE.GraphValue:
    g = GE._graph(e.args[0], env)
    if any(u in g.reachable(u) for u in g.nodes):
        raise GE.NotEvaluable(f"{name}(...) is undefined on a graph with a cycle")
    return g


def _simple_paths(g: GE.GraphValue, u: int):
    """Every simple path from u with at least one edge, as a tuple of nodes."""
    def grow(path):
        for w in sorted(g.successors(path[-1])):
            if w not in path:
                yield path + (w,)
                yield from grow(path + (w,))
    yield from grow((u,))


def _count_paths(e: A.Call, env: dict) -> Fraction:
    g = _acyclic_graph(e, env, "count_paths")
    u, v = GE._node(e.args[1], env), GE._node(e.args[2], env)
    if u not in g.nodes or v not in g.nodes:
        return Fraction(0)
    return Fraction(sum(1 for p in _simple_paths(g, u) if p[-1] == v))


def _depth(e: A.Call, env: dict) -> Fraction:
    g = _acyclic_graph(e, env, "depth")
    return Fraction(max((len(p) - 1 for u in g.nodes for p in _simple_paths(g, u)), default=0))


def _descendant_set(g: GE.GraphValue, v: int) -> frozenset:
    return frozenset(g.reachable(v)) if v in g.nodes else frozenset()


def _descendants(e: A.Call, env: dict) -> GE.NodeSetValue:
    g, v = GE._graph(e.args[0], env), GE._node(e.args[1], env)
    return GE.NodeSetValue(_descendant_set(g, v))


def _ancestors(e: A.Call, env: dict) -> GE.NodeSetValue:
    g, v = GE._graph(e.args[0], env), GE._node(e.args[1], env)
    return GE.NodeSetValue(frozenset(w for w in g.nodes if v in g.nodes and v in g.reachable(w)))


def _reachable(e: A.Call, env: dict) -> GE.NodeSetValue:
    g, v = GE._graph(e.args[0], env), GE._node(e.args[1], env)
    return GE.NodeSetValue(_descendant_set(g, v) | ({v} if v in g.nodes else set()))


def _reversed(e: A.Call, env: dict) -> GE.OrderValue:
    p = GE._eval(e.args[0], env)
    if not isinstance(p, GE.OrderValue):
        raise GE.NotEvaluable("reversed takes an order")
    return GE.OrderValue(tuple(reversed(p.seq)))


def dfs_finish_sequences(g: GE.GraphValue) -> frozenset:
    """The finishing sequences of every run of depth-first search on g."""
    succ = {u: tuple(sorted(g.successors(u))) for u in g.nodes}

    @lru_cache(maxsize=None)
    def runs(visited: frozenset, stack: tuple) -> frozenset:
        if not stack:
            white = [r for r in g.nodes if r not in visited]
            if not white:
                return frozenset({()})
            return frozenset().union(*(runs(visited | {r}, (r,)) for r in white))
        top = stack[-1]
        white = [w for w in succ[top] if w not in visited]
        if white:
            return frozenset().union(*(runs(visited | {w}, stack + (w,)) for w in white))
        return frozenset((top,) + rest for rest in runs(visited, stack[:-1]))

    return runs(frozenset(), ())


def bfs_visit_sequences(g: GE.GraphValue, s: int) -> frozenset:
    """The visiting sequences of every run of breadth-first search from s."""
    succ = {u: tuple(sorted(g.successors(u))) for u in g.nodes}

    @lru_cache(maxsize=None)
    def runs(queue: tuple, seen: frozenset) -> frozenset:
        if not queue:
            return frozenset({()})
        head, rest = queue[0], queue[1:]
        new = [w for w in succ[head] if w not in seen]
        out = set()
        for batch in itertools.permutations(new):
            out |= {batch + tail for tail in runs(rest + batch, seen | set(batch))}
        return frozenset(out)

    if s not in g.nodes:
        return frozenset({()})
    return frozenset((s,) + tail for tail in runs((s,), frozenset({s})))


def _in_bfs_orders(e: A.Call, env: dict) -> list:
    g, s = GE._graph(e.args[0], env), GE._node(e.args[1], env)
    if len(g.nodes) > GE.ORDER_LIMIT:
        raise GE.NotEvaluable(f"too many breadth-first searches of {len(g.nodes)} nodes to enumerate")
    return [GE.OrderValue(seq) for seq in sorted(bfs_visit_sequences(g, s))]


def _dist(e: A.Call, env: dict) -> Fraction:
    g, s, v = GE._graph(e.args[0], env), GE._node(e.args[1], env), GE._node(e.args[2], env)
    return _distances(g, s).get(v, Fraction(len(g.nodes)))


@lru_cache(maxsize=1024)
def _distances(g: GE.GraphValue, s: int) -> dict:
    """Breadth-first layers from s, one run: node -> distance, for the nodes reached."""
    out: dict = {}
    layer, k = ({s} if s in g.nodes else set()), 0
    while layer:
        out.update({w: Fraction(k) for w in layer})
        layer = {w for u in layer for w in g.successors(u)} - set(out)
        k += 1
    return out


def _in_dfs_finish_orders(e: A.Call, env: dict) -> list:
    g = GE._graph(e.args[0], env)
    if len(g.nodes) > GE.ORDER_LIMIT:
        raise GE.NotEvaluable(f"too many depth-first searches of {len(g.nodes)} nodes to enumerate")
    return [GE.OrderValue(seq) for seq in sorted(dfs_finish_sequences(g))]


def _members(meaning):
    def domain(e: A.Call, env: dict) -> list:
        return [GE.NodeV(w) for w in sorted(meaning(e, env).members)]
    return domain


CALLS = {"count_paths": _count_paths, "depth": _depth, "descendants": _descendants, "ancestors": _ancestors,
         "reachable": _reachable, "reversed": _reversed, "dist": _dist}
DOMAINS = {"descendants": _members(_descendants), "ancestors": _members(_ancestors),
           "reachable": _members(_reachable), "dfs_finish_orders": _in_dfs_finish_orders,
           "bfs_orders": _in_bfs_orders}
