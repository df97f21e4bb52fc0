"""Paths as objects, depth-first search and graphs quantified inside a claim, in the
Z3 encoding (a mixin of `encode.GraphEncoder`; the plain evaluator's meanings are
in `evaluate_paths`, written separately).  Each encoding is exact at the size
being checked:

  * count_paths(G, u, v) counts walks by length, W_1 = E, W_k(w) = sum over the
    edges w -> x of W_{k-1}(x), and adds the lengths 1..m-1 (m nodes).  In an
    acyclic graph every walk is a path and has at most m - 1 edges, so the sum
    is the number of paths.  The words are defined on acyclic graphs only, and
    `guard` makes sure every use of them stands where its graph is acyclic, so
    the value on cyclic graphs (finite here, but meaningless) never decides;
  * depth(G) = the number of k in 1..m-1 for which some walk of k edges exists
    (L_0 = true, L_k(w) = some edge w -> x with L_{k-1}(x)): in a DAG the walks
    of k edges are the paths of k edges, and a path of k edges has prefixes of
    every smaller length, so the lengths that occur are exactly 1..depth;
  * descendants / ancestors / reachable are the rows / columns of the transitive
    closure by repeated squaring, which is exact at both polarities (the
    one-sided transitive relation of `structure` is not used for sets);
  * a depth-first search finishing order p is given by discovery and finishing
    times d, f, a bijection onto 1..2m, with (CLRS, parenthesis theorem):
    d(v) < f(v); no two intervals cross; the innermost interval around v is
    v's parent u, and u -> v is an edge; every edge u -> v has d(v) < f(u);
    and p ranks the nodes by f.  These conditions hold in every run, and any
    times meeting them replay a run (at d(v) the top of the stack is v's parent
    with v an unvisited successor, or the stack is empty; at f(u) u is on top
    with every successor visited), so they describe exactly the runs of DFS with
    every choice of root and of successor;
  * a breadth-first search order p from s: the nodes s reaches (closure row of s,
    and s) have distinct positions 1..k, the others 0; p(s) = 1; each reached
    v != s has a parent position, that of its first-visited in-neighbour,
    below p(v); and parents' positions do not decrease along p.  Every run
    meets these (a node is enqueued by the first dequeued in-neighbour, and the
    children of one node form a block in any order after those of earlier
    ones); any p that meets them replays a run (dequeue in p's order; the
    unvisited successors of the node dequeued are exactly the nodes whose
    parent it is, and they come next, in p's order);
  * dist(G, s, v): the number of k in 0..m-1 for which v is not within k edges
    of s (Boolean layers): the distance, or m when there is no path;
  * a graph bound inside the claim (`exists G in graphs(nodes = n)`, n known
    here) is a fresh graph of each size where the query asserts one exists,
    and every graph of each size (up to INNER_ENUMERATED nodes) where it needs all.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import z3

from prove import ast as A
from prove.backends.graph.structure import GraphUnsupported
from prove.backends.graph.z3_terms import FALSE, TRUE, SGraph, SNode, SOrder, SSet, conj, const, disj, neg, num

INNER_ENUMERATED = 2  # every graph with up to this many nodes is tried where a claim needs all of them (16)


class PathEncoding:
    """Terms and domains of the path and traversal words (mixed into GraphEncoder)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path_cache: dict = {}  # (word, graph key, node) -> the terms built for it
        self.inner_graphs: dict = {}  # binder name -> the fresh graphs made for it inside the claim

    def _paths_caches(self) -> dict:
        return self._path_cache

    def _count_paths(self, e: A.Call, env: dict):
        g, u, v = self.graph(e.args[0], env), self.node(e.args[1], env), self.node(e.args[2], env)
        if u not in g.nodes or v not in g.nodes:
            return Fraction(0)
        key = ("count", g.key, v)
        cache = self._paths_caches()
        if key not in cache:
            walks = {w: _ite(g.edge(w, v), Fraction(1)) for w in g.nodes}  # walks of 1 edge into v
            total = dict(walks)
            for _ in range(2, len(g.nodes)):
                walks = {w: self._define(_sum(_ite(g.edge(w, x), walks[x]) for x in g.nodes), "W")
                         for w in g.nodes}
                total = {w: _add(total[w], walks[w]) for w in g.nodes}
            cache[key] = total
        return cache[key][u]

    def _define(self, value, stem: str):
        """A fresh integer equal to value (a definition: it constrains nothing else)."""
        if isinstance(value, Fraction):
            return value
        x = z3.Int(self.fresh(stem))
        self.side.append(x == value)
        return x

    def _depth(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        key = ("depth", g.key)
        cache = self._paths_caches()
        if key not in cache:
            longer = {w: TRUE for w in g.nodes}  # some walk of k edges starts at w
            depth = Fraction(0)
            for _ in range(1, len(g.nodes)):
                longer = {w: disj(conj((g.edge(w, x), longer[x])) for x in g.nodes) for w in g.nodes}
                some = disj(longer.values())
                depth = _add(depth, _ite(some, Fraction(1)))
            cache[key] = depth
        return cache[key]

    def _closure_set(self, e: A.Call, env: dict, direction: str) -> SSet:
        g, v = self.graph(e.args[0], env), self.node(e.args[1], env)
        if v not in g.nodes:
            return SSet(g.nodes, {w: FALSE for w in g.nodes})
        R = self.closure(g)
        if direction == "ancestors":
            return SSet(g.nodes, {w: R[(w, v)] for w in g.nodes})
        mem = {w: R[(v, w)] for w in g.nodes}
        if direction == "reachable":
            mem[v] = TRUE
        return SSet(g.nodes, mem)

    def _descendants(self, e: A.Call, env: dict) -> SSet:
        return self._closure_set(e, env, "descendants")

    def _ancestors(self, e: A.Call, env: dict) -> SSet:
        return self._closure_set(e, env, "ancestors")

    def _reachable(self, e: A.Call, env: dict) -> SSet:
        return self._closure_set(e, env, "reachable")

    def _reversed(self, e: A.Call, env: dict) -> SOrder:
        p = self.term(e.args[0], env)
        if not isinstance(p, SOrder):
            raise GraphUnsupported("reversed takes an order")
        if p.partial is not None:  # the k ordered nodes read backwards; the others stay at 0
            k = z3.Sum([z3.If(x >= 1, 1, 0) for x in p.pos.values()])
            return SOrder(p.nodes, {u: z3.If(x >= 1, k + 1 - x, 0) for u, x in p.pos.items()}, partial=p.partial)
        m = len(p.nodes)
        return SOrder(p.nodes, {u: (m + 1 - x) if isinstance(x, int) else (m + 1) - x for u, x in p.pos.items()})

    def _dist(self, e: A.Call, env: dict):
        """The number of k in 0..m-1 with v not within k edges of s: the distance, or m without a path."""
        g, s, v = self.graph(e.args[0], env), self.node(e.args[1], env), self.node(e.args[2], env)
        m = len(g.nodes)
        if s not in g.nodes or v not in g.nodes:
            return Fraction(m)
        key = ("dist", g.key, s)
        cache = self._paths_caches()
        if key not in cache:
            within = {w: const(w == s) for w in g.nodes}  # within k edges of s, k = 0
            far = {w: _ite(neg(within[w]), Fraction(1)) for w in g.nodes}
            for _ in range(1, m):
                within = {w: disj([within[w], *[conj((within[x], g.edge(x, w))) for x in g.nodes]])
                          for w in g.nodes}
                far = {w: _add(far[w], _ite(neg(within[w]), Fraction(1))) for w in g.nodes}
            cache[key] = far
        return cache[key][v]

    # ------------------------------------------------------------- domains
    def _in_member_set(self, e: A.Call, env: dict):
        return "member", self.TERMS[e.func.id](self, e, env)

    def _in_dfs_finish_orders(self, e: A.Call, env: dict):
        return "dfs", self.graph(e.args[0], env)

    def _in_bfs_orders(self, e: A.Call, env: dict):
        return "bfs", (self.graph(e.args[0], env), self.node(e.args[1], env))

    def _in_inner_graphs(self, e: A.Call, env: dict):
        """('graph', [(n, loopless), ...]): the sizes, once the outer variables have values."""
        loopless = len(e.args) == 2 and isinstance(e.args[1], A.Name) and e.args[1].id in ("loopless", "simple")
        bound = e.args[0]
        low, high = 1, None
        for op, a, b in zip(bound.ops, bound.operands, bound.operands[1:]):
            nodes_right = isinstance(b, A.Name) and b.id == "nodes"
            k = self.term(a if nodes_right else b, env)
            if not isinstance(k, Fraction) or k.denominator != 1:
                raise GraphUnsupported("the size of a graph inside a claim must be known where it is bound")
            k = int(k)
            if op == "=":
                low = high = k
            elif nodes_right:
                low = k + 1 if op == "<" else k
            else:
                high = k - 1 if op == "<" else k
        if high is None:
            raise GraphUnsupported("graphs(...) needs an upper bound on the number of nodes")
        return "graph", [(n, loopless) for n in range(max(low, 0), high + 1)]

    def new_dfs_order(self, g: SGraph, stem: str) -> SOrder:
        """A finishing order of some run of depth-first search on g (see the module docstring)."""
        p = self.new_order(g, stem)
        nodes, m = g.nodes, len(g.nodes)
        d = {u: z3.Int(self.fresh(f"{stem}.d({u})")) for u in nodes}
        f = {u: z3.Int(self.fresh(f"{stem}.f({u})")) for u in nodes}
        times = list(d.values()) + list(f.values())
        self.side.extend(z3.And(1 <= t, t <= 2 * m) for t in times)
        if len(times) > 1:
            self.side.append(z3.Distinct(*times))
        self.side.extend(d[u] < f[u] for u in nodes)

        def encloses(u, v):
            return z3.And(d[u] < d[v], f[v] < f[u])

        for u, v in itertools.permutations(nodes, 2):
            self.side.append(z3.Not(z3.And(d[u] < d[v], d[v] < f[u], f[u] < f[v])))  # no crossing
            innermost = conj([encloses(u, v), *[neg(conj((encloses(u, w), encloses(w, v))))
                                                 for w in nodes if w not in (u, v)]])
            self.side.append(z3.Implies(innermost, _bool(g.edge(u, v))))  # a tree edge is an edge
            self.side.append(z3.Implies(_bool(g.edge(u, v)), d[v] < f[u]))  # u finishes after its successors are seen
            self.side.append((f[u] < f[v]) == (p.pos[u] < p.pos[v]))  # p ranks the nodes by finishing time
        return p

    def new_bfs_order(self, g: SGraph, s: int, stem: str) -> SOrder:
        """An order in which some run of breadth-first search from s visits the nodes
        (see the module docstring); nodes it does not reach have position 0."""
        nodes, m = g.nodes, len(g.nodes)
        pos = {u: z3.Int(self.fresh(f"{stem}({u})")) for u in nodes}
        if s not in nodes:
            self.side.extend(x == 0 for x in pos.values())
            return SOrder(nodes, pos, partial=const(m == 0))
        R = self.closure(g)
        seen = {u: TRUE if u == s else R[(s, u)] for u in nodes}
        k = z3.Sum([z3.If(_bool(seen[u]), 1, 0) for u in nodes])
        self.side.append(pos[s] == 1)
        for u in nodes:
            self.side.append(z3.If(_bool(seen[u]), z3.And(1 <= pos[u], pos[u] <= k), pos[u] == 0))
        for u, v in itertools.combinations(nodes, 2):
            self.side.append(z3.Implies(z3.And(_bool(seen[u]), _bool(seen[v])), pos[u] != pos[v]))
        parent = {}  # the position of the first visited node with an edge into v
        for v in nodes:
            if v == s:
                continue
            parent[v] = z3.Int(self.fresh(f"{stem}.parent({v})"))
            ins = [(_bool(conj((g.edge(x, v), seen[x]))), pos[x]) for x in nodes]
            self.side.append(z3.Implies(_bool(seen[v]), z3.And(
                z3.Or([z3.And(c, parent[v] == px) for c, px in ins]),
                *[z3.Implies(c, parent[v] <= px) for c, px in ins],
                parent[v] < pos[v])))
        for u, v in itertools.permutations(parent, 2):
            self.side.append(z3.Implies(z3.And(_bool(seen[u]), _bool(seen[v]), pos[u] < pos[v]),
                                        parent[u] <= parent[v]))
        return SOrder(nodes, pos, partial=z3.And([pos[u] >= 1 for u in nodes]))

    def new_inner_graph(self, name: str, n: int, loopless: bool = False) -> SGraph:
        g = self.base_graph(self.fresh(name), n, loopless)
        self.inner_graphs.setdefault(name, []).append(g)
        return g

    def every_graph(self, sizes, name: str) -> list:
        if any(n > INNER_ENUMERATED for n, _ in sizes):
            raise GraphUnsupported(f"{name} would have to range over every graph with up to {max(sizes)[0]} nodes "
                                   f"inside the formula (done up to {INNER_ENUMERATED}); a graph bound inside "
                                   "a claim is checked by search where the claim is `exists G in graphs(...): ...` "
                                   "itself, or where the negated claim asserts a graph exists")
        out = []
        for n, loopless in sizes:
            nodes = tuple(range(1, n + 1))
            cells = [(u, v) for u in nodes for v in nodes if not (loopless and u == v)]
            for mask in range(1 << len(cells)):
                E = {(u, v): FALSE for u in nodes for v in nodes}
                E.update({c: const(bool(mask >> i & 1)) for i, c in enumerate(cells)})
                out.append(SGraph(("enum", n, loopless, mask), nodes, E, n + 1))
        self._reserve(len(out), name)
        return out


def _bool(x):
    return x if x is not FALSE and x is not TRUE else z3.BoolVal(x is TRUE)


def _ite(cond, value):
    if cond is FALSE:
        return Fraction(0)
    if cond is TRUE:
        return value
    return z3.If(cond, num(value), z3.IntVal(0))


def _add(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    return num(a) + num(b)


def _sum(values):
    out = Fraction(0)
    for v in values:
        out = _add(out, v)
    return out

