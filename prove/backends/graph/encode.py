"""Graph formulas to Z3, for graphs of a fixed number of nodes.

Nodes are concrete numbers: node quantifiers are expanded into conjunctions or
disjunctions.  Edges are Boolean variables.  Sets of nodes and orders are
Boolean / integer vectors when they can be Skolemised, and expanded otherwise
(the symbolic values and the Boolean builders are in `z3_terms`).  Each graph
word of prove/vocabulary.py has its meaning in one of the tables of
`GraphEncoder` (PREDICATES, TERMS, DOMAINS).

The translation is polarity-aware.  `formula(e, env, pol)` returns a Z3 formula Y
over the edge variables and some fresh variables, with:
  pol = +1:  e holds  <=>  Y holds for SOME value of the fresh variables;
  pol = -1:  e holds  <=>  Y holds for EVERY value of the fresh variables.
The query is `formula(not claim, +1)`, so every fresh variable is existential
there and the query is equisatisfiable with the negated claim.  Constraints on
fresh variables (an order is a bijection, a relation is transitive) go to
`side`; each is satisfiable on its own, so asserting them globally is exact.

Reachability, acyclicity and orders are encoded in `structure` (its docstring
says how, and why each encoding is exact).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import factorial

import z3

from prove import ast as A
from prove.backends.base import Deadline
from prove.backends.graph.paths import PathEncoding
from prove.backends.graph.structure import GraphUnsupported, OutOfTime
from prove.backends.graph.words import GraphWords, equal_values, node_id
from prove.backends.graph.z3_terms import (FALSE, SNode, Number, SGraph, SOrder, SSet, canon, conj, const,
                                           count, disj, implies, neg, num)
from prove.relations import holds

EXPANSION_LIMIT = 20_000  # copies of quantifier bodies we are willing to build, in all


def _then(first, f, *args):
    """first, then f(*args) only if conj / disj read that far."""
    yield first
    yield f(*args)


class GraphEncoder(PathEncoding, GraphWords):
    """Graph formulas to Z3 at one size, polarity-aware (see the module docstring); the encoding
    stops with OutOfTime once `deadline` has passed."""

    def __init__(self, deadline: Deadline, prefix: str = ""):
        super().__init__(prefix)
        self.deadline = deadline
        self.copies = 0
        self.depth = 0  # how many universal expansions enclose the current point
        self.skolem_orders: list[SOrder] = []
        self.notes: set[str] = set()

    # ---------------------------------------------------------- formulas
    def formula(self, e: A.Expr, env: dict, pol: int):
        if isinstance(e, A.Not):
            return neg(self.formula(e.operand, env, -pol))
        if isinstance(e, A.And):
            return conj(self.formula(o, env, pol) for o in e.operands)
        if isinstance(e, A.Or):
            return disj(self.formula(o, env, pol) for o in e.operands)
        if isinstance(e, A.Implies):
            return self._implies(e.left, e.right, env, pol)
        if isinstance(e, A.Iff):
            return conj(_then(self._implies(e.left, e.right, env, pol), self._implies, e.right, e.left, env, pol))
        if isinstance(e, A.Compare):
            return self.compare(e, env)
        if isinstance(e, A.Quant):
            return self.quant(e.kind, e.binders, e.body, env, pol)
        if isinstance(e, A.Call):
            return self.predicate(e, env, pol)
        raise GraphUnsupported(f"cannot read {type(e).__name__} as a statement about graphs")

    def _implies(self, left: A.Expr, right: A.Expr, env: dict, pol: int):
        return disj(_then(neg(self.formula(left, env, -pol)), self.formula, right, env, pol))

    def compare(self, e: A.Compare, env: dict):
        values = [self.term(o, env) for o in e.operands]
        parts = []
        for op, a, b in zip(e.ops, values, values[1:]):
            same = equal_values(a, b) if op in ("=", "!=") else None
            if same is not None:
                parts.append(same if op == "=" else neg(same))
                continue
            if isinstance(a, SNode) or isinstance(b, SNode):
                if not (isinstance(a, SNode) and isinstance(b, SNode)) or op not in ("=", "!="):
                    raise GraphUnsupported("nodes are compared with = and != only")
                parts.append(const((a.id == b.id) == (op == "=")))
                continue
            if not all(isinstance(x, (Fraction, z3.ArithRef)) for x in (a, b)):
                raise GraphUnsupported("only numbers and nodes can be compared")
            if isinstance(a, Fraction) and isinstance(b, Fraction):
                parts.append(const(holds(a, op, b)))
                continue
            x, y = num(a), num(b)
            parts.append(holds(x, op, y))
        return conj(parts)

    def predicate(self, e: A.Call, env: dict, pol: int):
        name = e.func.id if isinstance(e.func, A.Name) else ""
        meaning = self.PREDICATES.get(name)
        if meaning is None:
            raise GraphUnsupported(f"{name or 'this'}(...) is not a statement about graphs")
        return meaning(self, e.args, env, pol)

    # The graph predicates, one method each: (self, args, env, pol) -> Z3 formula.
    def _edge(self, args, env, pol):
        g, u, v = self.graph(args[0], env), self.node(args[1], env), self.node(args[2], env)
        return g.edge(u, v) if u in g.nodes and v in g.nodes else FALSE

    def _path(self, args, env, pol):
        g, u, v = self.graph(args[0], env), self.node(args[1], env), self.node(args[2], env)
        return self.path(g, u, v, pol)

    def _acyclic(self, args, env, pol):
        return self.acyclic(self.graph(args[0], env), pol)

    def _cycle(self, args, env, pol):
        return neg(self.acyclic(self.graph(args[0], env), -pol))

    def _source(self, args, env, pol):
        g, v = self._graph_and_node(args, "source", env)
        return conj(neg(g.edge(u, v)) for u in g.nodes) if v in g.nodes else FALSE

    def _sink(self, args, env, pol):
        g, v = self._graph_and_node(args, "sink", env)
        return conj(neg(g.edge(v, u)) for u in g.nodes) if v in g.nodes else FALSE

    def _graph_and_node(self, args, name: str, env: dict):
        if len(args) != 2:
            raise GraphUnsupported(f"{name}(...) is not a statement about graphs")
        return self.graph(args[0], env), self.node(args[1], env)

    def _topological(self, args, env, pol):
        p, g = self.term(args[0], env), self.graph(args[1], env)
        if not isinstance(p, SOrder):
            raise GraphUnsupported("topological takes an order and a graph")
        return self.topological(p, g)

    def topological(self, p: SOrder, g: SGraph):
        if any(u not in p.pos for u in g.nodes):
            return FALSE
        parts = [] if p.partial is None else [p.partial]
        for u in g.nodes:
            for v in g.nodes:
                e = g.edge(u, v)
                if e is FALSE:
                    continue
                a, b = p.pos[u], p.pos[v]
                if isinstance(a, int) and isinstance(b, int):
                    if a >= b:
                        parts.append(neg(e))
                else:
                    parts.append(implies(e, num(Fraction(a)) < b if isinstance(a, int) else a < b))
        return conj(parts)

    # ------------------------------------------------------------- terms
    def term(self, e: A.Expr, env: dict):
        if isinstance(e, A.Num):
            return Fraction(e.value)
        if isinstance(e, A.Name):
            if e.id not in env:
                raise GraphUnsupported(f"{e.id} is not a graph, node, set, order or count here")
            return env[e.id]
        if isinstance(e, (A.SetLit, A.ListLit)):
            return self.literal_term(e)
        if isinstance(e, A.Neg):
            return self._arith("-", Fraction(0), self.number(e.operand, env))
        if isinstance(e, A.Card):
            inner = self.term(e.operand, env)
            if isinstance(inner, SSet):
                return count(inner.mem.values())
            if isinstance(inner, Fraction):
                return abs(inner)
            if isinstance(inner, z3.ArithRef):
                return z3.If(inner >= 0, inner, -inner)
            raise GraphUnsupported("|...| takes a set of nodes or a number")
        if isinstance(e, A.BinOp):
            left = self.term(e.left, env)
            if isinstance(left, SGraph):
                edited = self.graph_edit(left, e, env)
                if edited is not None:
                    return edited
                if e.op == "-":
                    return self.minus(left, self.node(e.right, env))
                if e.op == "+" and isinstance(e.right, A.Call) and isinstance(e.right.func, A.Name) \
                        and e.right.func.id == "sink" and len(e.right.args) == 1:
                    s = self.term(e.right.args[0], env)
                    if not isinstance(s, SSet):
                        raise GraphUnsupported("sink(S) takes a set of nodes")
                    return self.plus_sink(left, s)
                raise GraphUnsupported("a graph can lose a node (G - v) or gain a sink (G + sink(S))")
            return self._arith(e.op, self._as_number(left), self.number(e.right, env))
        if isinstance(e, A.Call):
            return self.call(e, env)
        raise GraphUnsupported(f"cannot read {type(e).__name__} as a graph term")

    def _as_number(self, x):
        if not isinstance(x, (Fraction, z3.ArithRef)):
            raise GraphUnsupported("arithmetic takes numbers")
        return x

    def number(self, e: A.Expr, env: dict):
        return self._as_number(self.term(e, env))

    def _arith(self, op: str, a: Number, b: Number) -> Number:
        if isinstance(a, Fraction) and isinstance(b, Fraction):
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/" and b != 0:
                return a / b
            if op == "^" and b.denominator == 1 and b >= 0:
                return a ** int(b)
            raise GraphUnsupported(f"cannot compute {a} {op} {b}")
        x, y = num(a), num(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            if isinstance(b, Fraction) and b != 0:
                return z3.ToReal(x) / num(b) if z3.is_int(x) else x / num(b)
            raise GraphUnsupported("division by a quantity that depends on the graph")
        if op == "^" and isinstance(b, Fraction) and b.denominator == 1 and 0 <= b <= 8:
            out = z3.IntVal(1) if z3.is_int(x) else z3.RealVal(1)
            for _ in range(int(b)):
                out = out * x
            return out
        raise GraphUnsupported(f"the operator {op} on counts")

    def call(self, e: A.Call, env: dict):
        name = e.func.id if isinstance(e.func, A.Name) else ""
        args = e.args
        if (name in env and isinstance(env[name], SOrder)) or isinstance(e.func, A.Call):  # p(v), reversed(p)(v)
            p = env[name] if name in env else self.term(e.func, env)
            if not isinstance(p, SOrder):
                raise GraphUnsupported("only an order is applied to a node")
            v = self.node(args[0], env)
            pos = p.pos.get(v, 0)
            return Fraction(pos) if isinstance(pos, int) else pos
        meaning = self.TERMS.get(name)
        if meaning is None:
            raise GraphUnsupported(f"{name or 'this'}(...) is not a count or a graph")
        return meaning(self, e, env)

    # The graph terms, one method each: (self, call, env) -> SGraph, or a number.
    def _graph_literal(self, e: A.Call, env: dict):
        return self.literal_graph(e)

    def _nodes(self, e: A.Call, env: dict):
        return Fraction(len(self.graph(e.args[0], env).nodes))

    def _edges(self, e: A.Call, env: dict):
        g = self.graph(e.args[0], env)
        return count(g.edge(u, v) for u in g.nodes for v in g.nodes)

    def _card(self, e: A.Call, env: dict):
        s = self.term(e.args[0], env)
        if not isinstance(s, SSet):
            raise GraphUnsupported("card takes a set of nodes")
        return count(s.mem.values())

    def _indegree(self, e: A.Call, env: dict):
        g, v = self.graph(e.args[0], env), self.node(e.args[1], env)
        return count(g.edge(u, v) for u in g.nodes) if v in g.nodes else Fraction(0)

    def _outdegree(self, e: A.Call, env: dict):
        g, v = self.graph(e.args[0], env), self.node(e.args[1], env)
        return count(g.edge(v, u) for u in g.nodes) if v in g.nodes else Fraction(0)

    def graph(self, e: A.Expr, env: dict) -> SGraph:
        g = self.term(e, env)
        if not isinstance(g, SGraph):
            raise GraphUnsupported("expected a graph")
        return g

    def node(self, e: A.Expr, env: dict) -> int:
        v = node_id(self.term(e, env))
        if v is None:
            raise GraphUnsupported("expected a node")
        return v

    # ------------------------------------------------------- quantifiers
    def domain_kind(self, b: A.Binder, env: dict):
        """('node', nodes) | ('set', nodes) | ('order', graph) | ('int', values)."""
        if b.kind == "subset":
            return "set", self.graph(b.domain.expr.args[0], env).nodes
        dom = b.domain
        if isinstance(dom, A.Range):
            lo, hi = self.term(dom.low, env), self.term(dom.high, env)
            if not (isinstance(lo, Fraction) and isinstance(hi, Fraction)):
                raise GraphUnsupported("a range of integers needs ends that do not depend on the edges")
            return "int", [Fraction(k) for k in range(int(lo), int(hi) + 1)]
        if b.kind == "in" and isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) \
                and isinstance(dom.expr.func, A.Name):
            name = dom.expr.func.id
            if name in self.DOMAINS:
                return self.DOMAINS[name](self, dom.expr, env)
            if name == "graphs":
                return self._in_inner_graphs(dom.expr, env)
        raise GraphUnsupported(f"the domain of {b.name} is not nodes, subsets, orders or a range of integers")

    # The binder domains, one method each: (self, call, env) -> (kind, values) as above.
    def _in_nodes(self, e: A.Call, env: dict):
        return "node", self.graph(e.args[0], env).nodes

    def _in_orders(self, e: A.Call, env: dict):
        return "order", self.graph(e.args[0], env)

    def new_set(self, nodes, stem: str) -> SSet:
        return SSet(tuple(nodes), {u: z3.Bool(self.fresh(stem + "∋" + str(u))) for u in nodes})

    def new_order(self, g: SGraph, stem: str) -> SOrder:
        pos = {u: z3.Int(self.fresh(f"{stem}({u})")) for u in g.nodes}
        m = len(g.nodes)
        self.side.extend(z3.And(1 <= x, x <= m) for x in pos.values())
        if m > 1:
            self.side.append(z3.Distinct(*pos.values()))
        order = SOrder(g.nodes, pos, g.key if g.base else (), self.depth)
        self.skolem_orders.append(order)
        return order

    def _reserve(self, k: int, name: str) -> None:
        self.copies += k
        if self.copies > EXPANSION_LIMIT:
            raise GraphUnsupported(f"trying every value of {name} and the variables around it would build more than "
                                   f"{EXPANSION_LIMIT} copies of the formula (orders and subsets are enumerated "
                                   "where the claim needs all of them, unless the formula is `topological(p, G)` "
                                   "alone); lower the bound")

    def values(self, kind: str, dom, name: str):
        if kind in ("node",):
            return [SNode(u) for u in dom]
        if kind == "graph":
            return self.every_graph(dom, name)
        if kind == "int":
            return list(dom)
        if kind == "set":
            self._reserve(2 ** len(dom), name)
            if 2 ** len(dom) > EXPANSION_LIMIT:
                raise GraphUnsupported(f"{name} ranges over all {2 ** len(dom)} subsets of {len(dom)} nodes "
                                       "where it cannot be Skolemised; lower the bound")
            return [SSet(tuple(dom), {u: const(u in c) for u in dom})
                    for k in range(len(dom) + 1) for c in itertools.combinations(dom, k)]
        nodes = dom.nodes
        self._reserve(factorial(len(nodes)), name)
        if factorial(len(nodes)) > EXPANSION_LIMIT:
            raise GraphUnsupported(f"{name} ranges over all {factorial(len(nodes))} orders of {len(nodes)} nodes "
                                   "where it cannot be Skolemised and is not `topological(...)` alone; "
                                   "lower the bound")
        return [SOrder(nodes, {u: i + 1 for i, u in enumerate(seq)}) for seq in itertools.permutations(nodes)]

    def quant(self, kind: str, binders: tuple, body: A.Expr, env: dict, pol: int):
        if kind == "exists!":
            if len(binders) != 1:
                raise GraphUnsupported("exists! with several variables at once; nest them or use exists")
            return self.exists_unique(binders[0], body, env, pol)
        if not binders:
            return self.formula(body, env, pol)
        b, rest = binders[0], binders[1:]
        universal = kind == "forall"
        if not rest and universal == (pol > 0):  # to be expanded: try the order programme
            target = body.operand if universal and isinstance(body, A.Not) else body
            if universal == isinstance(body, A.Not):
                dp = self.order_pattern(b, target, env)
                if dp is not None:
                    return neg(dp) if universal else dp

        def inner(value):
            env2 = {**env, b.name: value}
            rest_f = self.quant(kind, rest, body, env2, pol)
            if b.where is None:
                return rest_f
            guard = self.formula(b.where, env2, -pol if universal else pol)
            return disj((neg(guard), rest_f)) if universal else conj((guard, rest_f))

        return self.over(b, env, universal, pol, inner)

    def over(self, b: A.Binder, env: dict, universal: bool, pol: int, inner):
        """All (universal) or some value of b satisfy `inner`, at polarity pol."""
        kind, dom = self.domain_kind(b, env)
        skolem = universal == (pol < 0)  # an existential in the query
        if skolem and kind in ("set", "order"):
            value = self.new_set(dom, b.name) if kind == "set" else self.new_order(dom, b.name)
            return inner(value)
        if skolem and kind == "dfs":
            return inner(self.new_dfs_order(dom, b.name))
        if skolem and kind == "bfs":
            return inner(self.new_bfs_order(*dom, b.name))
        if kind in ("dfs", "bfs"):
            raise GraphUnsupported(f"{b.name} would have to range over every run of a search here; "
                                   "dfs_finish_orders(G) and bfs_orders(G, s) are taken where the claim says `forall` at the top, "
                                   "or `exists` under a negation")
        if skolem and kind == "graph":
            return disj(inner(self.new_inner_graph(b.name, n, loopless)) for n, loopless in dom)
        if kind == "member":  # nodes of a set: each node, guarded by its membership
            self._reserve(len(dom.nodes), b.name)
            parts = ((dom.mem[u], inner(SNode(u))) for u in dom.nodes)
            if universal:
                return conj(disj((neg(m), f)) for m, f in parts)
            return disj(conj((m, f)) for m, f in parts)
        if kind in ("node", "int"):
            self._reserve(len(dom), b.name)
        values = self.values(kind, dom, b.name)
        if self.deadline.passed():
            raise OutOfTime()
        if not skolem:
            self.depth += 1
        try:
            return conj(inner(v) for v in values) if universal else disj(inner(v) for v in values)
        finally:
            if not skolem:
                self.depth -= 1

    def order_pattern(self, b: A.Binder, body: A.Expr, env: dict):
        """`p in orders(H): topological(p, H)`: the prefix programme, or None for another body."""
        if b.where is not None or b.kind != "in" or not isinstance(b.domain, A.SetDomain):
            return None
        dom = b.domain.expr
        if not (isinstance(dom, A.Call) and isinstance(dom.func, A.Name) and dom.func.id == "orders"):
            return None
        if not (isinstance(body, A.Call) and isinstance(body.func, A.Name) and body.func.id == "topological"
                and len(body.args) == 2 and isinstance(body.args[0], A.Name) and body.args[0].id == b.name):
            return None
        g = self.graph(dom.args[0], env)
        h = self.graph(body.args[1], {k: v for k, v in env.items() if k != b.name})
        if set(h.nodes) != set(g.nodes):
            return None
        self.notes.add("orders by prefix dynamic programming")
        return self.has_order(h)

    def exists_unique(self, b: A.Binder, body: A.Expr, env: dict, pol: int):
        """exists! x: phi  ==  (exists x: phi) and not (exists x != y: phi(x) and phi(y))."""
        def phi(value, p):
            env2 = {**env, b.name: value}
            f = self.formula(body, env2, p)
            if b.where is not None:
                f = conj((self.formula(b.where, env2, p), f))
            return f

        dp = self.order_pattern(b, body, env) if pol < 0 else None
        some = dp if dp is not None else self.over(b, env, False, pol, lambda x: phi(x, pol))
        # two distinct witnesses, at the opposite polarity (it stands under a `not`)
        two = self.over(b, env, False, -pol, lambda x: self.over(
            b, env, False, -pol, lambda y: conj((distinct(x, y), phi(x, -pol), phi(y, -pol)))))
        return conj((some, neg(two)))

    # What each graph word of prove/vocabulary.py means here, by where it stands in a
    # formula; `graphs`, the outer binder's domain, is read by check.plan_claim.
    PREDICATES = {"edge": _edge, "path": _path, "acyclic": _acyclic, "cycle": _cycle, "source": _source,
                  "sink": _sink, "topological": _topological,
                  "weakly_connected": GraphWords._weakly_connected}
    TERMS = {"graph": _graph_literal, "nodes": _nodes, "edges": _edges, "card": _card,
             "indegree": _indegree, "outdegree": _outdegree,
             "closure": GraphWords._closure_graph, "reduction": GraphWords._reduction_graph,
             "reverse": GraphWords._reverse_graph, "undirected": GraphWords._undirected_graph,
             "topological_orders": GraphWords._topological_orders,
             "node": GraphWords._node_outside_edit,  # its meaning is the edit G + node(In, Out)
             # --- paths and traversals (prove/backends/graph/paths.py)
             "count_paths": PathEncoding._count_paths, "depth": PathEncoding._depth,
             "descendants": PathEncoding._descendants, "ancestors": PathEncoding._ancestors,
             "reachable": PathEncoding._reachable, "reversed": PathEncoding._reversed, "dist": PathEncoding._dist}
    DOMAINS = {"nodes": _in_nodes, "orders": _in_orders,
               "descendants": PathEncoding._in_member_set, "ancestors": PathEncoding._in_member_set,
               "reachable": PathEncoding._in_member_set, "dfs_finish_orders": PathEncoding._in_dfs_finish_orders,
               "bfs_orders": PathEncoding._in_bfs_orders}


def distinct(x, y):
    if isinstance(x, SNode):
        return const(x.id != y.id)
    if isinstance(x, Fraction):
        return const(x != y)
    if isinstance(x, SSet):
        return disj(canon(x.mem[u] != y.mem[u]) for u in x.nodes)
    if isinstance(x, SOrder):
        parts = []
        for u in x.nodes:
            a, b = x.pos[u], y.pos[u]
            if isinstance(a, int) and isinstance(b, int):
                parts.append(const(a != b))
            else:
                parts.append(num(Fraction(a)) != b if isinstance(a, int) else a != (num(Fraction(b)) if isinstance(b, int) else b))
        return disj(parts)
    raise GraphUnsupported("exists! over this domain")
