"""The graph words of edits, derived graphs, literals and order counting, encoded
for Z3 on graphs of a fixed number of nodes (the meanings are in docs/language.md).

Each derived graph is an exact Boolean function of the edge variables, with no
fresh variable, so it means the same at either polarity:
  * G + edge(u, v) / G - edge(u, v): the cell (u, v) set to true / false (G itself
    when u or v is not a node of G); the closure of G + edge(u, v), where a path
    must exist, is built from the closure of G (see `closure`);
  * G + node(In, Out): a new node, numbered past every number G was built from,
    with edges i -> new for i in In and new -> o for o in Out (nodes of G only);
  * closure(G): the transitive closure by ceil(log2 n) squarings (paths of
    length >= 1, so u -> u exactly when u lies on a cycle);
  * reduction(G): u -> v when u != v, v is reachable from u, and no third node
    w has u ~> w ~> v (on a DAG: the transitive reduction);
  * reverse(G), undirected(G): cells transposed / or-ed with their transpose;
  * weakly_connected(G): every two distinct nodes are joined in the closure of
    undirected(G).
Literals are constants: a node numeral is the node of that number, `{1, 3}` a
set whose membership Booleans are TRUE/FALSE, `[2, 1, 3]` an order with Python
int positions.  `topological_orders(G)` counts by the prefix dynamic programme
of `structure` turned into sums: the orders of a prefix X ending in v are the
orders of X - {v} when every predecessor of v is in X - {v}; this counts each
topological order once (it is the definition unrolled, not a theorem).
"""

from __future__ import annotations

from fractions import Fraction

import z3

from prove import ast as A
from prove.backends.graph.structure import DP_LIMIT, GraphStructure, GraphUnsupported
from prove.backends.graph.z3_terms import (FALSE, TRUE, SGraph, SNode, SOrder, SSet, canon, conj, const, disj,
                                           neg, num)


def _call_named(e: A.Expr, name: str) -> bool:
    return isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id == name


class GraphWords(GraphStructure):
    """Edits, derived graphs, literals and counts; mixed into the encoder."""

    def __init__(self, prefix: str = ""):
        super().__init__(prefix)
        self._inserted: dict = {}  # key of G + edge(u, v) -> (G, u, v)

    def closure(self, g: SGraph) -> dict:
        """The closure of G + edge(u, v) from that of G: the pairs joined in G, and
        those with a ~> u (or a = u) and v ~> b (or b = v).  A walk that uses the
        new edge leaves a at or before its first use and reaches b after its last,
        so this is the closure exactly; the solver then need not rediscover it."""
        if g.key in self._inserted and g.key not in self._square:
            parent, u, v = self._inserted[g.key]
            C = super().closure(parent)
            to_u = {a: TRUE if a == u else C[(a, u)] for a in g.nodes}
            from_v = {b: TRUE if b == v else C[(v, b)] for b in g.nodes}
            self._square[g.key] = {(a, b): disj((C[(a, b)], conj((to_u[a], from_v[b]))))
                                   for a in g.nodes for b in g.nodes}
        return super().closure(g)

    def base_graph(self, name: str, n: int, loopless: bool = False) -> SGraph:
        g = super().base_graph(name, n)
        if loopless:  # `graphs(..., loopless)`: the diagonal cells are constants
            for u in g.nodes:
                g.E[(u, u)] = FALSE
        return g

    # ------------------------------------------------------------ edits
    def graph_edit(self, g: SGraph, e: A.BinOp, env: dict):
        """G op right for the edits; None when `right` is not one of them."""
        right = e.right
        if _call_named(right, "edge") and len(right.args) == 2:
            u, v = (self.node(a, env) for a in right.args)
            if u not in g.nodes or v not in g.nodes:
                return g
            E = dict(g.E)
            E[(u, v)] = TRUE if e.op == "+" else FALSE
            h = SGraph(g.key + (e.op + "edge", u, v), g.nodes, E, g.next_id)
            if e.op == "+":
                self._inserted[h.key] = (g, u, v)
            return h
        if e.op == "+" and _call_named(right, "node") and len(right.args) == 2:
            into, out = (self.term(a, env) for a in right.args)
            if not (isinstance(into, SSet) and isinstance(out, SSet)):
                raise GraphUnsupported("node(In, Out) takes two sets of nodes")
            new = g.next_id
            E = dict(g.E)
            for u in g.nodes:
                E[(u, new)] = into.mem.get(u, FALSE)
                E[(new, u)] = out.mem.get(u, FALSE)
            E[(new, new)] = FALSE
            key = g.key + ("+node", tuple((u, into.mem.get(u, FALSE).sexpr(), out.mem.get(u, FALSE).sexpr())
                                          for u in g.nodes))
            return SGraph(key, g.nodes + (new,), E, new + 1)
        return None

    # ---------------------------------------------------- derived graphs
    def _derived(self, g: SGraph, tag: str, cell) -> SGraph:
        E = {(u, v): canon(cell(u, v)) for u in g.nodes for v in g.nodes}
        return SGraph(g.key + (tag,), g.nodes, E, g.next_id)

    def _closure_graph(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        C = self.closure(g)
        return self._derived(g, "closure", lambda u, v: C[(u, v)])

    def _reduction_graph(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        C = self.closure(g)

        def cell(u, v):
            if u == v:
                return FALSE
            through = disj(conj((C[(u, w)], C[(w, v)])) for w in g.nodes if w not in (u, v))
            return conj((C[(u, v)], neg(through)))
        return self._derived(g, "reduction", cell)

    def _reverse_graph(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        return self._derived(g, "reverse", lambda u, v: g.edge(v, u))

    def _undirected_graph(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        return self._derived(g, "undirected", lambda u, v: disj((g.edge(u, v), g.edge(v, u))))

    def _weakly_connected(self, args, env, pol):
        g = self.graph(args[0], env)
        both = self._derived(g, "undirected", lambda u, v: disj((g.edge(u, v), g.edge(v, u))))
        C = self.closure(both)
        return conj(C[(u, v)] for u in g.nodes for v in g.nodes if u != v)

    def _node_outside_edit(self, e: A.Call, env: dict):
        raise GraphUnsupported("node(In, Out) is a new node, written only in G + node(In, Out)")

    # ------------------------------------------------------------ counts
    def _topological_orders(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        n = len(g.nodes)
        if n > DP_LIMIT:
            raise GraphUnsupported(f"counting the orders of {n} nodes is too large to encode")
        nodes = g.nodes
        ways = {0: Fraction(1)}
        for X in range(1, 1 << n):
            terms = []
            for i in range(n):
                if X >> i & 1:
                    Y = X & ~(1 << i)
                    if isinstance(ways[Y], Fraction) and ways[Y] == 0:
                        continue
                    ok = conj(neg(g.edge(nodes[j], nodes[i])) for j in range(n) if not (Y >> j & 1))
                    if ok is TRUE:
                        terms.append(ways[Y])
                    elif ok is not FALSE:
                        terms.append(z3.If(ok, num(ways[Y]), 0))
            known = sum((t for t in terms if isinstance(t, Fraction)), Fraction(0))
            symbolic = [t for t in terms if not isinstance(t, Fraction)]
            ways[X] = known if not symbolic else z3.Sum([num(known), *symbolic]) if known else \
                (symbolic[0] if len(symbolic) == 1 else z3.Sum(symbolic))
        return ways[(1 << n) - 1]

    # ---------------------------------------------------------- literals
    def literal_term(self, e: A.Expr):
        """A set or order literal; None for anything else."""
        if isinstance(e, A.SetLit):
            ids = tuple(sorted({_numeral(i) for i in e.items}))
            return SSet(ids, {u: TRUE for u in ids})
        if isinstance(e, A.ListLit):
            seq = [_numeral(i) for i in e.items]
            if len(set(seq)) != len(seq):
                raise GraphUnsupported("an order lists each node once")
            return SOrder(tuple(seq), {u: k + 1 for k, u in enumerate(seq)})
        return None


def _numeral(e: A.Expr) -> int:
    if not (isinstance(e, A.Num) and e.value.denominator == 1 and e.value >= 1):
        raise GraphUnsupported("a literal lists node numbers (whole numbers from 1)")
    return int(e.value)


def _same(x, y):
    if x is y:
        return TRUE
    if (x is TRUE or x is FALSE) and (y is TRUE or y is FALSE):
        return FALSE
    return x == y


def node_id(x):
    """A node from a term: an SNode, or a whole number >= 1 (a numeral); else None."""
    if isinstance(x, SNode):
        return x.id
    if isinstance(x, Fraction) and x.denominator == 1 and x >= 1:
        return int(x)
    return None


def equal_values(a, b):
    """a = b for two orders, two sets or two nodes (numerals included); None otherwise."""
    if node_id(a) is not None and node_id(b) is not None and (isinstance(a, SNode) or isinstance(b, SNode)):
        return const(node_id(a) == node_id(b))
    if isinstance(a, SSet) and isinstance(b, SSet):
        cells = sorted(set(a.nodes) | set(b.nodes))
        return conj(_same(a.mem.get(u, FALSE), b.mem.get(u, FALSE)) for u in cells)
    if isinstance(a, SOrder) and isinstance(b, SOrder):
        if set(a.nodes) != set(b.nodes):
            return FALSE
        parts = []
        for u in a.nodes:
            x, y = a.pos[u], b.pos[u]
            if isinstance(x, int) and isinstance(y, int):
                parts.append(const(x == y))
            else:
                parts.append(num(Fraction(x)) == y if isinstance(x, int) else
                             x == (num(Fraction(y)) if isinstance(y, int) else y))
        return conj(parts)
    return None
