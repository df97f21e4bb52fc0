"""Graph formulas in first-order logic over an arbitrary finite graph, for the
induction step (`induction`): no bound on the number of nodes.

Nodes are an uninterpreted Z3 sort.  The intended model: the nodes are an
infinite supply of names, a graph is a finite set of them (`mem`) with edges
between its members (`edge`), `path` is the transitive closure of the edges
(walks of length >= 1) and `size` the number of members.

Method and soundness.  Transitive closure and finiteness are not first-order,
so `path` and `size` are uninterpreted here, and what the step may assume of
them is a fact `foundations` proves for every finite graph from the definitions
of walk (by recursion on its length) and size (the length of an enumeration),
written at each graph term by the same function that wrote the statement proved
there: paths are closed under edges and joining, start with an edge, stay in
the graph; for H' = H - v, a path of H' is one of H, a path of H avoids v or
splits at it, enters v for the first time from a path of H', leaves it for the
last time into one; the size is never negative, 0 exactly for the empty graph
and one less without v.  Facts true of every finite graph may be used in any
polarity: if they and the negated step are unsatisfiable, no finite graph
falsifies the step.  The rest is definitions: the members and edges of G - v
and G + sink(S) (whose new node is a fresh name: the supply of names is
infinite), `acyclic`, `source`, `topological`, an order.  What the facts cannot
give (a DAG has a source: finiteness) comes from lemmas proved by induction.

Orders and node sets are second-order; a claim may quantify them only outside
every node quantifier.  Where the negated step asserts one exists it is a fresh
function (Skolemisation, exact).  Where the step needs one (`exists p` to show,
`forall p` to use) it is instantiated at candidate terms built from the orders
and sets already there (the order of G - v with v put first or last, an order
of G with v's place closed up): the formula then implies (or is implied by) the
quantified one in the direction that keeps `unsat` sound, and a candidate must
still be shown to be an order by the solver.  An order of H maps the nodes of H
one-to-one into 1..size(H) (onto: the fact `order_onto`) and every other node
to 0, as in the plain evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import z3

from prove import ast as A
from prove.backends.graph import foundations as F
from prove.backends.graph.encode import GraphUnsupported
from prove.backends.graph.foundations import NODE

# The facts each graph term gets (`foundations` proves each, from the definitions of walk and size).
GRAPH_FACTS = ("path_inside", "path_of_edge", "path_join", "path_first_edge", "size")
REMOVAL_FACTS = ("remove_avoid_or_split", "remove_into", "remove_out_of", "remove_loop", "remove_sub")


def _reuse(nodes):
    """A `var` for the statements of `foundations` that hands out the given bound variables by stem."""
    by_stem = {str(n).split("!")[0]: n for n in nodes}
    return lambda *stems: [by_stem[s] for s in stems]


@dataclass(frozen=True)
class FGraph:
    """A graph term of the step: its members, edges, paths and size as Z3 terms."""

    key: tuple
    mem: Callable  # node -> Bool
    edge: Callable  # node, node -> Bool
    path: Callable  # node, node -> Bool
    size: z3.ArithRef
    parent: object = None  # the graph this one is `parent - removed` of
    removed: object = None
    bound: bool = False  # built from a node a quantifier of the claim binds


@dataclass(frozen=True)
class FOrder:
    """An order: node -> Int, and the graph it orders."""

    at: Callable
    graph: FGraph


@dataclass(frozen=True)
class FSet:
    has: Callable
    graph: FGraph


@dataclass
class _Deferred:
    marker: z3.BoolRef
    kind: str  # exists | forall
    binder: A.Binder
    body: A.Expr
    env: dict
    pol: int


@dataclass
class Translator:
    """The claim language to first-order Z3 (see the module docstring); `facts`
    collects the true sentences about every graph term built."""

    facts: list = field(default_factory=list)
    graphs: dict = field(default_factory=dict)
    orders: list = field(default_factory=list)  # Skolem orders, candidates' raw material
    sets: list = field(default_factory=list)
    deferred: list = field(default_factory=list)
    removed: list = field(default_factory=list)  # nodes the step removes (for candidates)
    counter: int = 0
    binding_depth: int = 0
    skip: frozenset = frozenset()  # fact names left out (fewer true facts: still sound)
    bound_nodes: list = field(default_factory=list)  # node variables of the enclosing quantifiers
    families: dict = field(default_factory=dict)  # graph key -> path of (graph - w) as a function of w

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}!{self.counter}"

    def node(self, stem: str) -> z3.ExprRef:
        return z3.Const(self.fresh(stem), NODE)

    def _vars(self, *stems):
        return [self.node(s) for s in stems]

    # ------------------------------------------------------------ graphs
    def base_graph(self, name: str) -> FGraph:
        mem = z3.Function(self.fresh(f"in_{name}"), NODE, z3.BoolSort())
        edge = z3.Function(self.fresh(f"edge_{name}"), NODE, NODE, z3.BoolSort())
        g = FGraph(("var", name), mem, edge, self._path_fun(name), z3.Int(self.fresh(f"size_{name}")))
        a, b = self._vars("a", "b")
        self.facts.append(z3.ForAll([a, b], z3.Implies(edge(a, b), z3.And(mem(a), mem(b)))))
        self.facts += self._graph_facts(g)
        return g

    def _path_fun(self, name: str):
        return z3.Function(self.fresh(f"path_{name}"), NODE, NODE, z3.BoolSort())

    def _graph_facts(self, g: FGraph) -> list:
        var = _reuse(self._vars("a", "b", "c", "w", "x"))
        return [F.FACT[k].state(var, g) for k in GRAPH_FACTS if k not in self.skip]

    def minus(self, g: FGraph, v) -> FGraph:
        if g.bound:
            raise GraphUnsupported("the induction step takes G - v, but not (G - v) - w with v bound inside the claim")
        key = g.key + ("-", v.sexpr())
        if key in self.graphs:
            return self.graphs[key]
        inside = any(v.eq(b) for b in self.bound_nodes)
        mem = lambda x: z3.And(g.mem(x), x != v)  # noqa: E731
        edge = lambda x, y: z3.And(g.edge(x, y), x != v, y != v)  # noqa: E731
        size = F.size_without(g, v)  # the fact size_remove
        if not inside:  # v is one node: a path relation of its own
            h = FGraph(key, mem, edge, self._path_fun("minus"), size, parent=g, removed=v)
            self.graphs[key] = h
            self.facts += self._graph_facts(h) + self._removal_facts(g, v, h)
            return h
        # v is bound by a quantifier of the claim: the paths of G - w for every node w, one
        # relation with w as an argument, and every fact about it for every w
        fam = self.families.get(g.key)
        if fam is None:
            fam = z3.Function(self.fresh("path_minus"), NODE, NODE, NODE, z3.BoolSort())
            self.families[g.key] = fam
            w = self.node("w")
            hw = FGraph(g.key + ("-", "w"), lambda x: z3.And(g.mem(x), x != w),
                        lambda x, y: z3.And(g.edge(x, y), x != w, y != w), lambda a, b: fam(w, a, b),
                        F.size_without(g, w), parent=g, removed=w)
            self.facts += [z3.ForAll([w], f) for f in self._graph_facts(hw) + self._removal_facts(g, w, hw)]
        h = FGraph(key, mem, edge, lambda a, b: fam(v, a, b), size, parent=g, removed=v, bound=True)
        self.graphs[key] = h
        return h

    def _removal_facts(self, g: FGraph, v, h: FGraph) -> list:
        return [F.remove_absent(_reuse(self._vars("a", "b")), g, v, h), z3.Implies(g.mem(v), self.removal(g, v, h))]

    def plus_sink(self, g: FGraph, s: FSet) -> FGraph:
        if g.bound:
            raise GraphUnsupported("the induction step takes G + sink(S), but not (G - v) + sink(S) with v bound "
                                   "inside the claim")
        key = g.key + ("+sink", id(s))
        if key in self.graphs:
            return self.graphs[key]
        new = self.node("sink")  # a name outside G: the supply of names is infinite
        self.facts.append(z3.Not(g.mem(new)))
        h = FGraph(key, lambda x: z3.Or(g.mem(x), x == new),
                   lambda x, y: z3.Or(g.edge(x, y), z3.And(y == new, s.has(x), g.mem(x))),
                   self._path_fun("plus"), z3.Int(self.fresh("size_plus")))
        self.graphs[key] = h
        self.facts += self._graph_facts(h)
        # (G + sink(S)) - new is G: the removal facts and its size, with G's paths and size as those of h - new
        self.facts += [self.removal(h, new, g), F.size_remove(None, h, new, g)]
        self.removed.append(new)
        return h

    def removal(self, h: FGraph, v, hm: FGraph):
        """The removal facts for hm = h - v (`foundations`)."""
        var = _reuse(self._vars("a", "b", "w", "x"))
        return z3.And([F.FACT[k].state(var, h, v, hm) for k in REMOVAL_FACTS if k not in self.skip])

    # ------------------------------------------------------------ orders
    def is_order(self, p: Callable, g: FGraph):
        return F.is_order(_reuse(self._vars("x", "y")), g, p)

    def order_candidates(self, g: FGraph) -> list:
        out = []
        for q in self.orders:
            base = q.at
            out.append(lambda x, base=base: z3.If(g.mem(x), base(x), 0))
            for v in self._removed_nodes():
                out.append(lambda x, base=base, v=v: z3.If(g.mem(x), z3.If(x == v, 1, base(x) + 1), 0))
                out.append(lambda x, base=base, v=v: z3.If(g.mem(x), z3.If(x == v, g.size, base(x)), 0))
                out.append(lambda x, base=base, v=v: z3.If(g.mem(x), z3.If(base(x) > base(v), base(x) - 1, base(x)), 0))
        return out

    def set_candidates(self, g: FGraph) -> list:
        return [lambda x, t=t: z3.And(g.mem(x), t.has(x)) for t in self.sets]

    def _removed_nodes(self) -> list:
        return list(self.removed)

    # ------------------------------------------------------------ formulas
    def formula(self, e: A.Expr, env: dict, pol: int):
        if isinstance(e, A.And):
            return z3.And([self.formula(o, env, pol) for o in e.operands])
        if isinstance(e, A.Or):
            return z3.Or([self.formula(o, env, pol) for o in e.operands])
        if isinstance(e, A.Not):
            return z3.Not(self.formula(e.operand, env, -pol))
        if isinstance(e, A.Implies):
            return z3.Implies(self.formula(e.left, env, -pol), self.formula(e.right, env, pol))
        if isinstance(e, A.Iff):
            return z3.And(self.formula(A.Implies(e.left, e.right, span=e.span), env, pol),
                          self.formula(A.Implies(e.right, e.left, span=e.span), env, pol))
        if isinstance(e, A.Quant):
            return self.quant(e, env, pol)
        if isinstance(e, A.Compare):
            return self.compare(e, env)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name):
            return self.predicate(e.func.id, e.args, env)
        raise GraphUnsupported(f"the induction step cannot read `{type(e).__name__}` as a statement")

    def quant(self, e: A.Quant, env: dict, pol: int):
        if len(e.binders) > 1:
            first, rest = e.binders[0], e.binders[1:]
            inner = A.Quant(e.kind, rest, e.body, span=e.span)
            return self.quant(A.Quant(e.kind, (first,), inner, span=e.span), env, pol)
        (b,) = e.binders
        if b.where is not None:
            body = A.Implies(b.where, e.body, span=e.span) if e.kind == "forall" else A.And((b.where, e.body), span=e.span)
            return self.quant(A.Quant(e.kind, (A.Binder(b.name, b.kind, b.domain, span=b.span),), body, span=e.span),
                              env, pol)
        what, g = self.domain(b, env)
        if what == "node":
            x = self.node(b.name)
            self.binding_depth += 1
            self.bound_nodes.append(x)
            try:
                body = self.formula(e.body, {**env, b.name: x}, pol)
                if e.kind == "exists!":
                    y = self.node(b.name)
                    self.bound_nodes.append(y)
                    other = self.formula(e.body, {**env, b.name: y}, -pol)
                    return z3.Exists([x], z3.And(g.mem(x), body, z3.ForAll([y], z3.Implies(z3.And(g.mem(y), other), y == x))))
            finally:
                self.binding_depth -= 1  # (bound_nodes keeps them: a term built under a binder stays bound)
            if e.kind == "forall":
                return z3.ForAll([x], z3.Implies(g.mem(x), body))
            return z3.Exists([x], z3.And(g.mem(x), body))
        if e.kind == "exists!":
            raise GraphUnsupported("the induction step does not take `exists!` over orders or sets")
        if self.binding_depth:
            raise GraphUnsupported(f"{b.name} ranges over {what}s inside a node quantifier; the induction step "
                                   "takes orders and node sets only outside every node quantifier")
        existential = (e.kind == "exists") == (pol > 0)
        if existential:  # a witness the negated step asserts: a fresh function
            return self._skolem(what, b, g, e, env, pol)
        marker = z3.Bool(self.fresh("inst"))
        self.deferred.append(_Deferred(marker, e.kind, b, e.body, env, pol))
        return marker

    def _skolem(self, what, b, g, e, env, pol):
        if what == "order":
            f = z3.Function(self.fresh(b.name), NODE, z3.IntSort())
            value, guard = FOrder(f, g), self.is_order(f, g)
            self.orders.append(value)
        else:
            f = z3.Function(self.fresh(b.name), NODE, z3.BoolSort())
            x = self.node("x")
            value, guard = FSet(f, g), z3.ForAll([x], z3.Implies(f(x), g.mem(x)))
            self.sets.append(value)
        body = self.formula(e.body, {**env, b.name: value}, pol)
        return z3.And(guard, body) if e.kind == "exists" else z3.Implies(guard, body)

    def resolve_deferred(self) -> list:
        """Constraints marker -> instance, for each quantifier over orders or sets that is
        instantiated at candidates (see the module docstring for why this keeps `unsat` sound)."""
        out = []
        while self.deferred:
            d = self.deferred.pop(0)
            what, g = self.domain(d.binder, d.env)
            cands = self.order_candidates(g) if what == "order" else self.set_candidates(g)
            parts = []
            for c in cands:
                value = FOrder(c, g) if what == "order" else FSet(c, g)
                x = self.node("x")
                guard = self.is_order(c, g) if what == "order" else z3.ForAll([x], z3.Implies(c(x), g.mem(x)))
                body = self.formula(d.body, {**d.env, d.binder.name: value}, d.pol)
                parts.append(z3.And(guard, body) if d.kind == "exists" else z3.Implies(guard, body))
            inst = (z3.Or(parts) if d.kind == "exists" else z3.And(parts)) if parts else z3.BoolVal(d.kind == "forall")
            # The marker stands where the quantifier was.  In a positive place (a `forall` to use)
            # the instance is weaker than the quantifier and the marker may be at most it; in a
            # negative place (an `exists` to show) the instance is stronger and the marker at least
            # it (else a false marker would make every `exists` hold).  Either way a model of the
            # query with the quantifier gives one with marker = instance, so `unsat` stays sound.
            out.append(z3.Implies(d.marker, inst) if d.pol > 0 else z3.Implies(inst, d.marker))
        return out

    def domain(self, b: A.Binder, env: dict):
        dom = b.domain
        if isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) and isinstance(dom.expr.func, A.Name) \
                and len(dom.expr.args) == 1:
            name = dom.expr.func.id
            g = self.graph(dom.expr.args[0], env)
            if name == "nodes" and b.kind == "subset":
                return "set", g
            if name == "nodes":
                return "node", g
            if name == "orders":
                return "order", g
        raise GraphUnsupported(f"the induction step takes nodes, node sets and orders, not the domain of {b.name}")

    # ------------------------------------------------------------ terms
    def graph(self, e: A.Expr, env: dict) -> FGraph:
        if isinstance(e, A.Name) and isinstance(env.get(e.id), FGraph):
            return env[e.id]
        if isinstance(e, A.BinOp) and e.op == "-":
            return self.minus(self.graph(e.left, env), self.node_term(e.right, env))
        if isinstance(e, A.BinOp) and e.op == "+" and isinstance(e.right, A.Call) \
                and isinstance(e.right.func, A.Name) and e.right.func.id == "sink" and len(e.right.args) == 1:
            s = self.term(e.right.args[0], env)
            if not isinstance(s, FSet):
                raise GraphUnsupported("sink(S) takes a set of nodes")
            return self.plus_sink(self.graph(e.left, env), s)
        raise GraphUnsupported("the induction step takes graph variables, G - v and G + sink(S) (no literals)")

    def node_term(self, e: A.Expr, env: dict):
        if isinstance(e, A.Name) and isinstance(env.get(e.id), z3.ExprRef) and env[e.id].sort() == NODE:
            return env[e.id]
        raise GraphUnsupported("a node is a bound node variable")

    def term(self, e: A.Expr, env: dict):
        if isinstance(e, A.Name) and isinstance(env.get(e.id), FSet):
            return env[e.id]
        if isinstance(e, A.Num):
            if e.value.denominator != 1:
                raise GraphUnsupported("the induction step takes whole numbers only")
            return z3.IntVal(int(e.value))
        if isinstance(e, A.Name) and isinstance(env.get(e.id), z3.ExprRef):
            return env[e.id]
        if isinstance(e, A.BinOp) and e.op in ("+", "-"):
            left, right = self.term(e.left, env), self.term(e.right, env)
            return left + right if e.op == "+" else left - right
        if isinstance(e, A.Neg):
            return -self.term(e.operand, env)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name):
            name = e.func.id
            if isinstance(env.get(name), FOrder) and len(e.args) == 1:
                return env[name].at(self.node_term(e.args[0], env))
            if name == "nodes" and len(e.args) == 1:
                return self.graph(e.args[0], env).size
        raise GraphUnsupported("the induction step cannot count that (edges, degrees and set sizes are not "
                               "first-order)")

    def compare(self, e: A.Compare, env: dict):
        parts = []
        for op, l, r in zip(e.ops, e.operands, e.operands[1:]):
            a, b = self.term(l, env), self.term(r, env)
            parts.append({"=": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
                          ">": lambda: a > b, ">=": lambda: a >= b}[op]())
        return z3.And(parts)

    def predicate(self, name: str, args, env: dict):
        if name in ("acyclic", "cycle") and len(args) == 1:
            g = self.graph(args[0], env)
            x = self.node("x")
            acyclic = z3.ForAll([x], z3.Not(g.path(x, x)))
            return acyclic if name == "acyclic" else z3.Not(acyclic)
        if name in ("edge", "path") and len(args) == 3:
            g = self.graph(args[0], env)
            u, v = self.node_term(args[1], env), self.node_term(args[2], env)
            return g.edge(u, v) if name == "edge" else g.path(u, v)
        if name in ("source", "sink") and len(args) == 2:
            g, v = self.graph(args[0], env), self.node_term(args[1], env)
            u = self.node("u")
            into = g.edge(u, v) if name == "source" else g.edge(v, u)
            return z3.And(g.mem(v), z3.ForAll([u], z3.Not(into)))
        if name == "topological" and len(args) == 2:
            p, g = self.order_term(args[0], env), self.graph(args[1], env)
            x, y = self._vars("x", "y")
            return z3.And(z3.ForAll([x], z3.Implies(g.mem(x), p.at(x) >= 1)),
                          z3.ForAll([x, y], z3.Implies(g.edge(x, y), p.at(x) < p.at(y))))
        raise GraphUnsupported(f"the induction step does not take {name}(...)")

    def order_term(self, e: A.Expr, env: dict) -> FOrder:
        if isinstance(e, A.Name) and isinstance(env.get(e.id), FOrder):
            return env[e.id]
        raise GraphUnsupported("topological takes an order variable")

