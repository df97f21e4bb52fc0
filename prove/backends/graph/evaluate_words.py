"""The graph words of edits, derived graphs, literals and order counting, decided
on concrete graphs in plain Python for the independent evaluator (`evaluate`).

Nothing here is shared with the Z3 encoding (`words`): each meaning is written
again from its definition in docs/language.md, by set operations, depth-first
search and enumeration of permutations:
  * G + edge(u, v) / G - edge(u, v): the edge set with (u, v) added / removed,
    G itself when u or v is not a node of G;
  * G + node(In, Out): one new node numbered `next_id`, edges from In and to Out
    (their members that are nodes of G);
  * closure(G): u -> v for every v reachable from u by a walk of length >= 1;
  * reduction(G): u -> v for u != v with v reachable from u and no third node w
    reachable from u that reaches v;
  * reverse(G), undirected(G): edges turned around / both ways;
  * weakly_connected(G): a search over the undirected view from one node reaches all;
  * topological_orders(G): the permutations of the nodes that are topological.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from prove import ast as A
from prove.backends.graph import evaluate as GE


def literal_value(e: A.Expr):
    """`{1, 3}` or `[2, 1, 3]` as a value."""
    items = []
    for item in e.items:
        if not (isinstance(item, A.Num) and item.value.denominator == 1 and item.value >= 1):
            raise GE.NotEvaluable("a literal lists node numbers")
        items.append(int(item.value))
    if isinstance(e, A.SetLit):
        return GE.NodeSetValue(frozenset(items))
    if len(set(items)) != len(items):
        raise GE.NotEvaluable("an order lists each node once")
    return GE.OrderValue(tuple(items))


def edit(g, e: A.BinOp, env: dict):
    """The edit `g op e.right`, or None when it is not an edit of this module."""
    right = e.right
    name = right.func.id if isinstance(right, A.Call) and isinstance(right.func, A.Name) else ""
    if name == "edge" and len(right.args) == 2:
        u, v = (GE._node(a, env) for a in right.args)
        if u not in g.nodes or v not in g.nodes:
            return g
        edges = set(g.edges)
        if e.op == "+":
            edges.add((u, v))
        else:
            edges.discard((u, v))
        return GE.GraphValue(g.nodes, frozenset(edges), g.next_id)
    if name == "node" and e.op == "+" and len(right.args) == 2:
        into, out = (GE._eval(a, env) for a in right.args)
        if not (isinstance(into, GE.NodeSetValue) and isinstance(out, GE.NodeSetValue)):
            raise GE.NotEvaluable("node(In, Out) takes two sets of nodes")
        new = g.next_id
        added = {(i, new) for i in into.members if i in g.nodes} | {(new, o) for o in out.members if o in g.nodes}
        return GE.GraphValue(g.nodes + (new,), g.edges | frozenset(added), new + 1)
    return None


def _same_nodes(g, edges) -> "GE.GraphValue":
    return GE.GraphValue(g.nodes, frozenset(edges), g.next_id)


def _closure(e: A.Call, env: dict):
    g = GE._graph(e.args[0], env)
    return _same_nodes(g, {(u, v) for u in g.nodes for v in g.reachable(u)})


def _reduction(e: A.Call, env: dict):
    g = GE._graph(e.args[0], env)
    reach = {u: g.reachable(u) for u in g.nodes}
    return _same_nodes(g, {(u, v) for u in g.nodes for v in reach[u]
                           if u != v and not any(w not in (u, v) and v in reach[w] for w in reach[u])})


def _reverse(e: A.Call, env: dict):
    g = GE._graph(e.args[0], env)
    return _same_nodes(g, {(b, a) for (a, b) in g.edges})


def _undirected(e: A.Call, env: dict):
    g = GE._graph(e.args[0], env)
    return _same_nodes(g, set(g.edges) | {(b, a) for (a, b) in g.edges})


def _weakly_connected(e: A.Call, env: dict) -> bool:
    g = GE._graph(e.args[0], env)
    if not g.nodes:
        return True
    seen, stack = {g.nodes[0]}, [g.nodes[0]]
    while stack:
        u = stack.pop()
        for (a, b) in g.edges:
            for x, y in ((a, b), (b, a)):
                if x == u and y not in seen:
                    seen.add(y)
                    stack.append(y)
    return seen == set(g.nodes)


def _topological_orders(e: A.Call, env: dict) -> Fraction:
    g = GE._graph(e.args[0], env)
    if len(g.nodes) > GE.ORDER_LIMIT:
        raise GE.NotEvaluable(f"too many orders of {len(g.nodes)} nodes to enumerate")
    count = 0
    for seq in itertools.permutations(g.nodes):
        pos = {v: i for i, v in enumerate(seq)}
        if all(pos[a] < pos[b] for (a, b) in g.edges):
            count += 1
    return Fraction(count)


def _node_outside_edit(e: A.Call, env: dict):
    raise GE.NotEvaluable("node(In, Out) is written only in G + node(In, Out)")


WORDS = {"node": _node_outside_edit, "closure": _closure, "reduction": _reduction, "reverse": _reverse, "undirected": _undirected,
         "weakly_connected": _weakly_connected, "topological_orders": _topological_orders}


# ------------------------------------------------------- what breaks a uniqueness


def _show(value) -> str:
    if isinstance(value, GE.NodeV):
        return str(value.id)
    if isinstance(value, Fraction):
        return str(value)
    return value.text()


def uniqueness_breakers(e: A.Expr, env: dict) -> dict:
    """Where the false formula e fails because an `exists!` has no value or two:
    those values (`p` and `p'`), after the values of the enclosing `forall`s that
    lead there.  Empty when e holds or fails for another reason."""
    if GE.holds(e, env):
        return {}
    if isinstance(e, A.Implies):
        return uniqueness_breakers(e.right, env)
    if isinstance(e, A.And):
        for o in e.operands:
            if not GE.holds(o, env):
                return uniqueness_breakers(o, env)
        return {}
    if isinstance(e, A.Quant) and e.kind == "forall":
        return _first_failure(e.binders, e.body, env)
    if isinstance(e, A.Quant) and e.kind == "exists!" and len(e.binders) == 1:
        b = e.binders[0]
        good = []
        for value in GE.domain_values(b, env):
            inner = {**env, b.name: value}
            if (b.where is None or GE.holds(b.where, inner)) and GE.holds(e.body, inner):
                good.append(value)
                if len(good) == 2:
                    return {b.name: _show(good[0]), b.name + "'": _show(good[1])}
        return {} if good else {b.name: "none"}
    return {}


def _first_failure(binders, body, env) -> dict:
    if not binders:
        return uniqueness_breakers(body, env)
    b, rest = binders[0], binders[1:]
    for value in GE.domain_values(b, env):
        inner = {**env, b.name: value}
        if (b.where is None or GE.holds(b.where, inner)) and not GE._quant("forall", rest, body, inner):
            found = _first_failure(rest, body, inner)
            return {b.name: _show(value), **found} if found else {}
    return {}
