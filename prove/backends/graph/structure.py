"""Symbolic graphs of a fixed number of nodes and what is encoded on them: the
graph variable, literals, G - v and G + sink(S); reachability, acyclicity and
the existence of a topological order, as Z3 formulas over the edge variables.

Constraints on fresh variables go to `side` (see `encode`); each is
satisfiable on its own, so asserting them globally is exact.

Reachability has two exact encodings, chosen by polarity:
  * where a path or a cycle must exist (path at +1, acyclic at -1):
    closure by repeated squaring, E, E + E.E, ... (ceil(log2 n) rounds);
  * where a path must be absent (acyclic at +1, path at -1):
    a fresh relation R that contains E and is transitive; R[u][v] false for some
    such R iff there is no path (the transitive closure is the least such R).
Neither uses the existence of an order, so "acyclic iff an order exists" is
still a theorem for the solver to prove.

`exists p in orders(H): topological(p, H)` where it must be expanded (at -1) is
the prefix dynamic programme over subsets: a set X of nodes can fill positions
1..|X| iff some v in X has all its predecessors in X - {v} and X - {v} can.
This is the definition of an order unrolled, not a theorem about acyclicity.
"""

from __future__ import annotations

import z3

from prove import ast as A
from prove.backends.base import CannotDecide
from prove.backends.graph.z3_terms import FALSE, TRUE, SGraph, SSet, conj, disj, implies, neg

DP_LIMIT = 14  # nodes for the order dynamic programme (2^n subsets)


class GraphUnsupported(CannotDecide):
    """A construct the graph encoding does not take; the message says why."""


class OutOfTime(CannotDecide):
    """The deadline passed while the encoding was being built."""


def graph_literal(e: A.Call) -> tuple[int, set]:
    if len(e.args) != 2 or not isinstance(e.args[0], A.Num) or e.args[0].value.denominator != 1 \
            or not isinstance(e.args[1], A.ListLit):
        raise GraphUnsupported("a graph literal is written graph(n, [u->v, ...])")
    n = int(e.args[0].value)
    edges = set()
    for item in e.args[1].items:
        if not (isinstance(item, A.Implies) and isinstance(item.left, A.Num) and isinstance(item.right, A.Num)):
            raise GraphUnsupported("edges of a graph literal are written u->v between node numbers")
        u, v = int(item.left.value), int(item.right.value)
        if not (1 <= u <= n and 1 <= v <= n) or item.left.value.denominator != 1 \
                or item.right.value.denominator != 1:
            raise GraphUnsupported(f"the nodes of graph({n}, ...) are numbered 1..{n}")
        edges.add((u, v))
    return n, edges


class GraphStructure:
    """The graph operations and reachability encodings of one query, with their caches
    (a closure is built once per graph)."""

    def __init__(self, prefix: str = ""):
        self.side: list = []
        self.prefix = prefix
        self._fresh = 0
        self._lower: dict = {}
        self._square: dict = {}
        self._levels: dict = {}
        self._lower_graphs: dict = {}
        self._dp: dict = {}

    def fresh(self, stem: str) -> str:
        self._fresh += 1
        return f"{self.prefix}{stem}!{self._fresh}"

    # ------------------------------------------------------------ graphs
    def base_graph(self, name: str, n: int) -> SGraph:
        nodes = tuple(range(1, n + 1))
        E = {(u, v): z3.Bool(f"{name}[{u}->{v}]") for u in nodes for v in nodes}
        return SGraph(("var", name), nodes, E, n + 1, base=True)

    def literal_graph(self, e: A.Call) -> SGraph:
        n, edges = graph_literal(e)
        nodes = tuple(range(1, n + 1))
        E = {(u, v): (TRUE if (u, v) in edges else FALSE) for u in nodes for v in nodes}
        return SGraph(("lit", n, tuple(sorted(edges))), nodes, E, n + 1)

    def minus(self, g: SGraph, v: int) -> SGraph:
        if v not in g.nodes:
            return g
        nodes = tuple(u for u in g.nodes if u != v)
        E = {(a, b): g.E[(a, b)] for a in nodes for b in nodes}
        return SGraph(g.key + ("-", v), nodes, E, g.next_id)

    def plus_sink(self, g: SGraph, s: SSet) -> SGraph:
        new = g.next_id
        nodes = g.nodes + (new,)
        E = dict(g.E)
        for u in g.nodes:
            E[(u, new)] = s.mem.get(u, FALSE)
            E[(new, u)] = FALSE
        E[(new, new)] = FALSE
        key = g.key + ("+sink", tuple((u, s.mem[u].sexpr()) for u in g.nodes if u in s.mem))
        return SGraph(key, nodes, E, new + 1)

    def lower_closure(self, g: SGraph) -> dict:
        """A fresh transitive relation containing the edges (see the module docstring)."""
        if g.key in self._lower:
            return self._lower[g.key]
        R = {}
        for u in g.nodes:
            for v in g.nodes:
                e = g.edge(u, v)
                R[(u, v)] = TRUE if e is TRUE else z3.Bool(self.fresh("R"))
        for u in g.nodes:
            for v in g.nodes:
                if R[(u, v)] is not TRUE and g.edge(u, v) is not FALSE:
                    self.side.append(implies(g.edge(u, v), R[(u, v)]))
                for w in g.nodes:
                    clause = disj((neg(R[(u, v)]), neg(R[(v, w)]), R[(u, w)]))
                    if clause is not TRUE:
                        self.side.append(clause)
        self._lower[g.key] = R
        self._lower_graphs[g.key] = g
        return R

    def closure(self, g: SGraph) -> dict:
        """The transitive closure, exactly, by ceil(log2 n) squarings."""
        if g.key in self._square:
            return self._square[g.key]
        R = {k: v for k, v in g.E.items() if k[0] in g.nodes and k[1] in g.nodes}
        levels = [R]
        length = 1
        while length < len(g.nodes):
            R = {(u, v): disj([R[(u, v)], *[conj((R[(u, w)], R[(w, v)])) for w in g.nodes]])
                 for u in g.nodes for v in g.nodes}
            levels.append(R)
            length *= 2
        self._square[g.key] = R
        self._levels[g.key] = (g, levels)
        return R

    def link_closures(self) -> None:
        """Add clauses implied by the definitions: closure(H) inside the relation R
        of a graph G whose edges include H's (same edge variables), as in H = G - v.

        By induction on the squaring rounds: round 0 is an edge of H, which is an
        edge of G (the same variable, or a constant edge of G as in G + edge(u, v)), inside R; a later round joins two earlier ones, inside R by
        transitivity.  A pair is linked only when every way of building it is
        linked (or syntactically false), so each added clause is a consequence of
        the constraints already there and changes no answer; it saves the solver
        from rediscovering the induction (remove_node_keeps_dag at 8 nodes).
        """
        for g_key, R in self._lower.items():
            g = self._lower_graphs[g_key]
            inside = set(g.nodes)
            for h, levels in self._levels.values():
                linked = set()
                for (a, b), e in levels[0].items():
                    if a in inside and b in inside and (e is FALSE or g.E[(a, b)] is TRUE or e is g.E[(a, b)]
                                                        or e.eq(g.E[(a, b)])):
                        linked.add((a, b))
                for k, level in enumerate(levels):
                    if k > 0:
                        prev = levels[k - 1]
                        linked = {(a, b) for (a, b) in level
                                  if (a, b) in linked or prev[(a, b)] is FALSE
                                  if all(prev[(a, w)] is FALSE or prev[(w, b)] is FALSE
                                         or ((a, w) in linked and (w, b) in linked) for w in h.nodes)
                                  if a in inside and b in inside}
                    for pair in linked:
                        if level[pair] is not FALSE and R[pair] is not TRUE:
                            self.side.append(implies(level[pair], R[pair]))

    def acyclic(self, g: SGraph, pol: int):
        if pol > 0:
            R = self.lower_closure(g)
            return conj(neg(R[(u, u)]) for u in g.nodes)
        R = self.closure(g)
        return conj(neg(R[(u, u)]) for u in g.nodes)

    def path(self, g: SGraph, u: int, v: int, pol: int):
        if u not in g.nodes or v not in g.nodes:
            return FALSE
        R = self.lower_closure(g) if pol < 0 else self.closure(g)
        return R[(u, v)]

    def has_order(self, g: SGraph):
        """Some order of g is topological: the prefix dynamic programme."""
        if g.key in self._dp:
            return self._dp[g.key]
        n = len(g.nodes)
        if n > DP_LIMIT:
            raise GraphUnsupported(f"a universal quantifier over the orders of {n} nodes is too large to expand")
        nodes = g.nodes
        ok = {0: TRUE}
        for X in range(1, 1 << n):
            options = []
            for i in range(n):
                if X >> i & 1:
                    Y = X & ~(1 << i)
                    if ok[Y] is FALSE:
                        continue
                    # every u outside Y (v itself included) has no edge into v
                    preds = [neg(g.edge(nodes[j], nodes[i])) for j in range(n) if not (Y >> j & 1)]
                    options.append(conj([ok[Y], *preds]))
            ok[X] = disj(options)
        self._dp[g.key] = ok[(1 << n) - 1]
        return self._dp[g.key]
