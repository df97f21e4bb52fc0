"""An independent evaluator of graph claims on concrete graphs: plain Python, no solver.

It reads the claim's syntax tree directly and decides it on one given graph by
enumeration (nodes, subsets, orders) and depth-first search (paths, cycles).
The Z3 backend's counterexamples are re-checked here before they are reported,
so this module shares no code with the encoding in `encode`.

Semantics (the same as docs/language.md, graphs section):
  * a graph is a set of nodes (whole numbers) and a set of directed edges,
    self-loops allowed (a self-loop is a cycle), no parallel edges;
  * path(G, u, v): a directed walk of length at least 1 from u to v;
  * acyclic(G): no node has a path to itself; cycle(G) is its negation;
  * source(G, v) / sink(G, v): v is a node of G without incoming / outgoing edges;
  * an order of G maps the nodes of G one-to-one onto 1..|nodes(G)|;
    topological(p, G): p orders every node of G and p(u) < p(v) for every edge u -> v;
    p(v) is 0 when p does not order v;
  * G - v: G without v and its edges (G itself when v is not a node of G);
  * G + sink(S): G with one new node, numbered one past every node number G was
    built from, and an edge from each node of S that is a node of G to it;
  * edge edits, G + node(In, Out), derived graphs, literals and order counts:
    in `evaluate_words`, plain Python as here;
  * graphs(..., loopless) contains no graph with an edge u -> u.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Union

from prove import ast as A


class NotEvaluable(Exception):
    """The claim uses something this evaluator does not define."""


@dataclass(frozen=True)
class GraphValue:
    nodes: tuple[int, ...]
    edges: frozenset  # of (u, v) pairs
    next_id: int  # the number a node added by `+ sink(S)` gets

    @staticmethod
    def make(n: int, edges) -> "GraphValue":
        return GraphValue(tuple(range(1, n + 1)), frozenset(edges), n + 1)

    def minus(self, v: int) -> "GraphValue":
        if v not in self.nodes:
            return self
        return GraphValue(tuple(u for u in self.nodes if u != v),
                          frozenset(e for e in self.edges if v not in e), self.next_id)

    def plus_sink(self, members: frozenset) -> "GraphValue":
        new = self.next_id
        added = {(s, new) for s in self.nodes if s in members}
        return GraphValue(self.nodes + (new,), self.edges | added, new + 1)

    def successors(self, u: int) -> list[int]:
        return [b for (a, b) in self.edges if a == u]

    def reachable(self, u: int) -> set[int]:
        """Nodes at the end of a walk of length >= 1 from u."""
        seen: set[int] = set()
        stack = self.successors(u)
        while stack:
            w = stack.pop()
            if w not in seen:
                seen.add(w)
                stack.extend(self.successors(w))
        return seen

    def text(self) -> str:
        """The graph as a literal of the claim language (its nodes must be 1..n)."""
        edges = ", ".join(f"{a}->{b}" for a, b in sorted(self.edges))
        return f"graph({len(self.nodes)}, [{edges}])"


@dataclass(frozen=True)
class OrderValue:
    """Nodes listed from first to last: p(seq[i]) = i + 1."""

    seq: tuple[int, ...]

    def position(self, v: int) -> int:
        return self.seq.index(v) + 1 if v in self.seq else 0

    def text(self) -> str:
        return "[" + ", ".join(map(str, self.seq)) + "]"


@dataclass(frozen=True)
class NodeV:
    id: int


@dataclass(frozen=True)
class NodeSetValue:
    members: frozenset

    def text(self) -> str:
        return "{" + ", ".join(map(str, sorted(self.members))) + "}"


Value = Union[GraphValue, OrderValue, NodeV, NodeSetValue, Fraction, bool]

ORDER_LIMIT = 9  # enumerating the orders of more nodes than this is too slow here


def holds(expr: A.Expr, env: dict) -> bool:
    value = _eval(expr, env)
    if not isinstance(value, bool):
        raise NotEvaluable(f"expected a formula, got {value!r}")
    return value


def _eval(e: A.Expr, env: dict) -> Value:
    if isinstance(e, A.Num):
        return Fraction(e.value)
    if isinstance(e, A.Name):
        if e.id not in env:
            raise NotEvaluable(f"{e.id} has no value")
        return env[e.id]
    if isinstance(e, A.Not):
        return not holds(e.operand, env)
    if isinstance(e, A.And):
        return all(holds(o, env) for o in e.operands)
    if isinstance(e, A.Or):
        return any(holds(o, env) for o in e.operands)
    if isinstance(e, A.Implies):
        return (not holds(e.left, env)) or holds(e.right, env)
    if isinstance(e, A.Iff):
        return holds(e.left, env) == holds(e.right, env)
    if isinstance(e, A.Compare):
        return _compare(e, env)
    if isinstance(e, A.Quant):
        return _quant(e.kind, e.binders, e.body, env)
    if isinstance(e, A.Neg):
        return -_number(e.operand, env)
    if isinstance(e, A.Card):
        inner = _eval(e.operand, env)
        if isinstance(inner, NodeSetValue):
            return Fraction(len(inner.members))
        if isinstance(inner, Fraction):
            return abs(inner)
        raise NotEvaluable("|...| of something that is not a set or a number")
    if isinstance(e, A.BinOp):
        return _binop(e, env)
    if isinstance(e, A.Call):
        return _call(e, env)
    if isinstance(e, (A.SetLit, A.ListLit)):
        return EW.literal_value(e)
    raise NotEvaluable(f"cannot evaluate {type(e).__name__}")


def _number(e: A.Expr, env: dict) -> Fraction:
    value = _eval(e, env)
    if isinstance(value, bool) or not isinstance(value, Fraction):
        raise NotEvaluable("expected a number")
    return value


def _compare(e: A.Compare, env: dict) -> bool:
    values = [_eval(o, env) for o in e.operands]
    for op, a, b in zip(e.ops, values, values[1:]):
        if isinstance(a, NodeV) or isinstance(b, NodeV):
            if op not in ("=", "!="):
                raise NotEvaluable("nodes are compared with = and != only")
            a, b = (NodeV(int(x)) if isinstance(x, Fraction) and x.denominator == 1 else x for x in (a, b))
            ok = (a == b) if op == "=" else (a != b)
        elif isinstance(a, (OrderValue, NodeSetValue)) or isinstance(b, (OrderValue, NodeSetValue)):
            if op not in ("=", "!="):
                raise NotEvaluable("orders and sets are compared with = and != only")
            ok = (a == b) if op == "=" else (a != b)
        else:
            ok = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        if not ok:
            return False
    return True


def _binop(e: A.BinOp, env: dict) -> Value:
    left = _eval(e.left, env)
    if isinstance(left, GraphValue):
        edited = EW.edit(left, e, env)
        if edited is not None:
            return edited
        if e.op == "-" and isinstance(e.right, A.Num):
            return left.minus(_node(e.right, env))
        if e.op == "-":
            v = _eval(e.right, env)
            if not isinstance(v, NodeV):
                raise NotEvaluable("G - v takes a node")
            return left.minus(v.id)
        if e.op == "+" and isinstance(e.right, A.Call) and _fname(e.right) == "sink":
            s = _eval(e.right.args[0], env)
            if not isinstance(s, NodeSetValue):
                raise NotEvaluable("sink(S) takes a set of nodes")
            return left.plus_sink(s.members)
        raise NotEvaluable("unknown graph operation")
    right = _number(e.right, env)
    if not isinstance(left, Fraction) or isinstance(left, bool):
        raise NotEvaluable("arithmetic on something that is not a number")
    if e.op == "+":
        return left + right
    if e.op == "-":
        return left - right
    if e.op == "*":
        return left * right
    if e.op == "/":
        if right == 0:
            raise NotEvaluable("division by zero")
        return left / right
    if e.op == "^" and right.denominator == 1 and right >= 0:
        return left ** int(right)
    raise NotEvaluable(f"operator {e.op}")


def _fname(e: A.Call) -> str:
    return e.func.id if isinstance(e.func, A.Name) else ""


def _graph(e: A.Expr, env: dict) -> GraphValue:
    g = _eval(e, env)
    if not isinstance(g, GraphValue):
        raise NotEvaluable("expected a graph")
    return g


def _node(e: A.Expr, env: dict) -> int:
    v = _eval(e, env)
    if isinstance(v, Fraction) and isinstance(e, A.Num) and v.denominator == 1 and v >= 1:
        return int(v)  # a node numeral
    if not isinstance(v, NodeV):
        raise NotEvaluable("expected a node")
    return v.id


def graph_literal(e: A.Call) -> GraphValue:
    """`graph(3, [1->2, 2->3])`; raises NotEvaluable when it is not one."""
    if len(e.args) != 2 or not isinstance(e.args[0], A.Num) or e.args[0].value.denominator != 1:
        raise NotEvaluable("a graph literal is graph(n, [u->v, ...])")
    n = int(e.args[0].value)
    items = e.args[1].items if isinstance(e.args[1], A.ListLit) else None
    if items is None or n < 0:
        raise NotEvaluable("a graph literal is graph(n, [u->v, ...])")
    edges = set()
    for item in items:
        ok = (isinstance(item, A.Implies) and all(isinstance(s, A.Num) and s.value.denominator == 1
                                                  for s in (item.left, item.right)))
        if not ok or not all(1 <= int(s.value) <= n for s in (item.left, item.right)):
            raise NotEvaluable(f"edges of graph({n}, ...) are written u->v with 1 <= u, v <= {n}")
        edges.add((int(item.left.value), int(item.right.value)))
    return GraphValue.make(n, edges)


def _call(e: A.Call, env: dict) -> Value:
    name = _fname(e)
    if name in env and isinstance(env[name], OrderValue):
        return Fraction(env[name].position(_node(e.args[0], env)))
    if isinstance(e.func, A.Call):  # reversed(p)(v)
        p = _eval(e.func, env)
        if not isinstance(p, OrderValue):
            raise NotEvaluable("only an order is applied to a node")
        return Fraction(p.position(_node(e.args[0], env)))
    meaning = CALLS.get(name)
    if meaning is None:
        raise NotEvaluable(f"{name or 'this'}(...) is not defined on graphs")
    return meaning(e, env)


def _edge(e: A.Call, env: dict) -> bool:
    g, u, v = _graph(e.args[0], env), _node(e.args[1], env), _node(e.args[2], env)
    return u in g.nodes and v in g.nodes and (u, v) in g.edges


def _path(e: A.Call, env: dict) -> bool:
    g, u, v = _graph(e.args[0], env), _node(e.args[1], env), _node(e.args[2], env)
    return u in g.nodes and v in g.nodes and v in g.reachable(u)


def _acyclic(e: A.Call, env: dict) -> bool:
    g = _graph(e.args[0], env)
    return all(u not in g.reachable(u) for u in g.nodes)


def _cycle(e: A.Call, env: dict) -> bool:
    g = _graph(e.args[0], env)
    return any(u in g.reachable(u) for u in g.nodes)


def _graph_and_node(e: A.Call, name: str, env: dict) -> tuple:
    if len(e.args) != 2:
        raise NotEvaluable(f"{name}(...) is not defined on graphs")
    return _graph(e.args[0], env), _node(e.args[1], env)


def _source(e: A.Call, env: dict) -> bool:
    g, v = _graph_and_node(e, "source", env)
    return v in g.nodes and not any(b == v for (_, b) in g.edges)


def _sink(e: A.Call, env: dict) -> bool:
    g, v = _graph_and_node(e, "sink", env)
    return v in g.nodes and not any(a == v for (a, _) in g.edges)


def _indegree(e: A.Call, env: dict) -> Fraction:
    g, v = _graph(e.args[0], env), _node(e.args[1], env)
    return Fraction(sum(1 for (_, b) in g.edges if b == v))


def _outdegree(e: A.Call, env: dict) -> Fraction:
    g, v = _graph(e.args[0], env), _node(e.args[1], env)
    return Fraction(sum(1 for (a, _) in g.edges if a == v))


def _nodes(e: A.Call, env: dict) -> Fraction:
    return Fraction(len(_graph(e.args[0], env).nodes))


def _edges(e: A.Call, env: dict) -> Fraction:
    return Fraction(len(_graph(e.args[0], env).edges))


def _card(e: A.Call, env: dict) -> Fraction:
    s = _eval(e.args[0], env)
    if not isinstance(s, NodeSetValue):
        raise NotEvaluable("card takes a set of nodes")
    return Fraction(len(s.members))


def _topological(e: A.Call, env: dict) -> bool:
    p, g = _eval(e.args[0], env), _graph(e.args[1], env)
    if not isinstance(p, OrderValue):
        raise NotEvaluable("topological takes an order")
    if any(u not in p.seq for u in g.nodes):
        return False
    return all(p.position(a) < p.position(b) for (a, b) in g.edges)


# What each graph word of prove/vocabulary.py means as a call: (call, env) -> value;
# as a binder's domain, see DOMAINS.
CALLS = {
    "graph": lambda e, env: graph_literal(e),
    "edge": _edge, "path": _path, "acyclic": _acyclic, "cycle": _cycle, "source": _source, "sink": _sink,
    "indegree": _indegree, "outdegree": _outdegree, "nodes": _nodes, "edges": _edges, "card": _card,
    "topological": _topological,
}


# ------------------------------------------------------------------ quantifiers


def domain_values(binder: A.Binder, env: dict) -> list:
    """Every value a bound variable can take, given the values of the outer ones."""
    if binder.kind == "subset":
        g = _graph(binder.domain.expr.args[0], env)
        return [NodeSetValue(frozenset(c)) for k in range(len(g.nodes) + 1)
                for c in itertools.combinations(g.nodes, k)]
    dom = binder.domain
    if isinstance(dom, A.Range):
        lo, hi = _number(dom.low, env), _number(dom.high, env)
        return [Fraction(k) for k in range(int(lo), int(hi) + 1)]  # whole numbers in between
    if binder.kind == "in" and isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) \
            and _fname(dom.expr) == "graphs":
        return _in_graphs(dom.expr, env, tuple(env.get(HINTS, {}).get(binder.name, ())))
    if binder.kind == "in" and isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) \
            and _fname(dom.expr) in DOMAINS:
        return DOMAINS[_fname(dom.expr)](dom.expr, env)
    raise NotEvaluable("this quantifier's domain is not a finite set of nodes, subsets or orders")


def _in_nodes(e: A.Call, env: dict) -> list:
    return [NodeV(v) for v in _graph(e.args[0], env).nodes]


def _in_orders(e: A.Call, env: dict) -> list:
    g = _graph(e.args[0], env)
    if len(g.nodes) > ORDER_LIMIT:
        raise NotEvaluable(f"too many orders of {len(g.nodes)} nodes to enumerate")
    return [OrderValue(seq) for seq in itertools.permutations(g.nodes)]


HINTS = "#hints"  # env key (no claim can spell it): binder name -> graphs to try first
GRAPHS_ENUMERATED = 3  # a quantifier over graphs inside a claim is enumerated up to this many nodes


@dataclass(frozen=True)
class GraphRange:
    """The graphs of `graphs(...)`: every directed graph with low..high nodes.  It
    answers `in`.  The outer binder's range is never enumerated (the solver covers
    it); a graph quantified inside a claim is iterated as its hints (graphs the
    caller proposes, each checked to be in the range), then, for sizes up to
    GRAPHS_ENUMERATED, every graph; beyond that the iteration stops with
    NotEvaluable, so a quantifier is decided only by a value really in its range."""

    low: int
    high: int
    loopless: bool = False  # `graphs(..., loopless)`: no edge u -> u
    hints: tuple = ()

    def __contains__(self, g) -> bool:
        return (isinstance(g, GraphValue) and self.low <= len(g.nodes) <= self.high
                and not (self.loopless and any(a == b for (a, b) in g.edges)))

    def __iter__(self):
        yield from (g for g in self.hints if g in self)
        if self.high > GRAPHS_ENUMERATED:
            raise NotEvaluable(f"a quantifier over all graphs with up to {self.high} nodes is not enumerated here")
        for n in range(self.low, self.high + 1):
            cells = [(u, v) for u in range(1, n + 1) for v in range(1, n + 1)]
            for mask in range(1 << len(cells)):
                g = GraphValue.make(n, {c for i, c in enumerate(cells) if mask >> i & 1})
                if g in self:  # a loopless range leaves out the graphs with a self-loop
                    yield g


def _in_graphs(e: A.Call, env: dict, hints: tuple = ()) -> GraphRange:
    """`graphs(nodes <= 6)`, `graphs(2 <= nodes <= 6)`, `graphs(nodes = 3)`: at least one
    node unless the bound says otherwise (`0 <= nodes`)."""
    loopless = len(e.args) == 2 and isinstance(e.args[1], A.Name) and e.args[1].id in ("loopless", "simple")
    bound = e.args[0] if len(e.args) == 1 or loopless else None
    if not isinstance(bound, A.Compare):
        raise NotEvaluable("graphs(...) takes a bound on the number of nodes")
    low, high = 1, None
    for op, a, b in zip(bound.ops, bound.operands, bound.operands[1:]):
        number, name_right = (a, True) if _is_nodes(b) else (b, False)
        value = _number(number, env)  # a whole number, or an integer variable bound outside
        if value.denominator != 1 or op not in ("<", "<=", "="):
            raise NotEvaluable("graphs(...) takes a bound on the number of nodes")
        k = int(value)
        if op == "=":
            low = high = k
        elif name_right:  # k < nodes, k <= nodes
            low = k + 1 if op == "<" else k
        else:  # nodes < k, nodes <= k
            high = k - 1 if op == "<" else k
    if high is None:
        raise NotEvaluable("graphs(...) needs an upper bound on the number of nodes")
    return GraphRange(max(low, 0), high, loopless, hints)


def _is_nodes(e: A.Expr) -> bool:
    return isinstance(e, A.Name) and e.id == "nodes"


# What each graph word means as a binder's domain: (call, env) -> the values.
DOMAINS = {"nodes": _in_nodes, "orders": _in_orders, "graphs": _in_graphs}


def _quant(kind: str, binders: tuple, body: A.Expr, env: dict) -> bool:
    if kind == "exists!":
        if len(binders) != 1:
            raise NotEvaluable("exists! with several variables")
        b = binders[0]
        count = 0
        for value in domain_values(b, env):
            inner = {**env, b.name: value}
            if (b.where is None or holds(b.where, inner)) and holds(body, inner):
                count += 1
                if count > 1:
                    return False
        return count == 1
    if not binders:
        return holds(body, env)
    b, rest = binders[0], binders[1:]
    for value in domain_values(b, env):
        inner = {**env, b.name: value}
        guard = b.where is None or holds(b.where, inner)
        if kind == "forall":
            if guard and not _quant(kind, rest, body, inner):
                return False
        elif guard and _quant(kind, rest, body, inner):
            return True
    return kind == "forall"


def claim_holds(hypotheses, body: A.Expr, env: dict) -> bool:
    """The claim's matrix (hypotheses -> body) at one assignment of its outer variables."""
    return (not all(holds(h, env) for h in hypotheses)) or holds(body, env)


# --- graph words: edits, derived graphs, literals and counts (their own module)
from prove.backends.graph import evaluate_words as EW  # noqa: E402

CALLS.update(EW.WORDS)

# The path and traversal words (count_paths, depth, descendants, dfs_finish_orders, ...)
# have their meanings in a module of their own, read into the tables here.
from prove.backends.graph import evaluate_paths as _paths  # noqa: E402

CALLS.update(_paths.CALLS)
DOMAINS.update(_paths.DOMAINS)
