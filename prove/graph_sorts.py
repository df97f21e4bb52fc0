"""Sort rules of the graph words that are not plain calls: node numerals, set and
order literals, graph edits (`G + edge(u, v)`, `G - edge(u, v)`, `G + node(In, Out)`)
and comparisons of orders and sets.  The type checker calls these; the call
signatures of the words themselves are in prove/signatures.py.

A node numeral is a whole number >= 1 written where a node is expected
(`edge(G, 1, 2)`); an order literal `[2, 1, 3]` lists distinct node numerals,
first to last; a set literal `{1, 3}` lists node numerals.  What they mean on a
graph whose nodes do not include them (no such edge, no such order) is in
docs/language.md.
"""

from __future__ import annotations

from prove import ast as A
from prove import sorts as S
from prove.scope import error_at as _err

LITERAL = "a literal"  # the graph name a literal set or order carries in its sort


def is_node_numeral(e: A.Expr) -> bool:
    return isinstance(e, A.Num) and e.value.denominator == 1 and e.value >= 1


def is_order_literal(e: A.Expr) -> bool:
    return isinstance(e, A.ListLit) and bool(e.items) and all(is_node_numeral(i) for i in e.items)


def check_order_literal(e: A.ListLit) -> S.Order:
    if not is_order_literal(e):
        raise _err(e, "an order is written as a list of node numbers", "[2, 1, 3]")
    values = [i.value for i in e.items]
    if len(set(values)) != len(values):
        raise _err(e, "an order lists each node once", "[2, 1, 3]")
    return S.Order(LITERAL)


def set_literal_sort(tc, e: A.SetLit, scope) -> S.Sort:
    tc.uses_graphs = True
    for item in e.items:
        if not is_node_numeral(item):
            raise _err(item, "a set literal lists node numbers (whole numbers from 1)", "{1, 3}")
    return S.NodeSet(LITERAL)


def node_ok(tc, e: A.Expr, scope) -> bool:
    """e is a node: a node variable or a node numeral."""
    return is_node_numeral(e) or isinstance(tc.sort(e, scope), S.GraphNode)


def arg_ok(tc, e: A.Expr, sort: S.Sort, kind) -> bool:
    """An argument of a graph word: its sort, or a literal where a node or an order is expected."""
    if isinstance(sort, kind):
        return True
    if kind is S.GraphNode:
        return is_node_numeral(e)
    if kind is S.Order and isinstance(e, A.ListLit):
        check_order_literal(e)
        return True
    return False


def _call_named(e: A.Expr, name: str) -> bool:
    return isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id == name


def graph_op_sort(tc, e: A.BinOp, scope) -> S.Sort:
    """`G - v`, `G + sink(S)`, `G + edge(u, v)`, `G - edge(u, v)`, `G + node(In, Out)`."""
    right = e.right
    tc.uses_graphs = True
    if _call_named(right, "edge"):
        if len(right.args) != 2:
            raise _err(right, "an edge added or removed names its two ends", "G + edge(u, v) or G - edge(u, v)")
        for a in right.args:
            if not node_ok(tc, a, scope):
                raise _err(a, f"the ends of an edge are nodes, got {tc.sort(a, scope)}", "G + edge(u, v)")
        return S.GRAPH
    if e.op == "+" and _call_named(right, "node"):
        if len(right.args) != 2:
            raise _err(right, "a new node takes the set of nodes with an edge into it and the set it has edges "
                              "to", "G + node(In, Out)")
        for a in right.args:
            if not isinstance(tc.sort(a, scope), S.NodeSet):
                raise _err(a, f"node(In, Out) takes sets of nodes, got {tc.sort(a, scope)}", "G + node(In, Out)")
        return S.GRAPH
    if e.op == "+" and _call_named(right, "sink"):
        tc.sort(right, scope)
        return S.GRAPH
    if e.op == "-" and node_ok(tc, right, scope):
        return S.GRAPH
    raise _err(e, "a graph can lose a node or an edge, or gain an edge, a sink or a node",
               "G - v, G - edge(u, v), G + edge(u, v), G + sink(S) or G + node(In, Out)")


def compare_ok(tc, a_node: A.Expr, a: S.Sort, b_node: A.Expr, b: S.Sort) -> bool:
    """= / != between two graph values: nodes (or numerals), orders (or literals), sets."""
    if isinstance(a, S.GraphNode) or isinstance(b, S.GraphNode):
        return all(isinstance(s, S.GraphNode) or is_node_numeral(n) for n, s in ((a_node, a), (b_node, b)))
    if isinstance(a, S.Order) or isinstance(b, S.Order):
        for n, s in ((a_node, a), (b_node, b)):
            if isinstance(n, A.ListLit):
                check_order_literal(n)
            elif not isinstance(s, S.Order):
                raise _err(n, f"an order is compared with an order, got {s}", "p = [2, 1, 3]")
        return True
    if isinstance(a, S.NodeSet) or isinstance(b, S.NodeSet):
        for n, s in ((a_node, a), (b_node, b)):
            if not isinstance(s, S.NodeSet):
                raise _err(n, f"a set of nodes is compared with a set of nodes, got {s}", "S = {1, 3}")
        return True
    return False
