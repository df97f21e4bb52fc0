"""The graph backend: claims over all directed graphs up to a bound, checked with Z3.

For every number of nodes in the claim's range (smallest first), the negated
claim is translated to Z3 (`encode`) and must be unsatisfiable; the verdict
is then `verified`, with the bound in words, never `proved`.  A satisfiable
size gives a counterexample: the edge count is minimised, and the graph and
the other witnesses are re-checked by plain evaluation (`evaluate`) before
`refuted` is reported.

Speed-ups, each sound for claims about graph variables, which are invariant
under renumbering nodes (the language has no node constants):
  * the claim is split into goals (`A <-> B` into both directions, `A and B`
    into both parts, hypotheses kept), each checked on its own;
  * symmetry breaking, one of three kinds per goal: when the first outer
    variable is a node of the graph, it is fixed to node 1 and the adjacency
    matrix is lex-leader under the swaps of neighbouring numbers from 2 on;
    else an order that the negated goal asserts to exist is fixed to 1..n (any
    counterexample can be renumbered so that this order is the identity); else
    the adjacency matrix is required to be lexicographically no larger than
    after swapping any two neighbouring node numbers.

Only an `unknown` depends on time: `verified` is said after every size of the
range was checked, and a refutation is at the smallest size with one (the
search for fewer edges there is cut by the time limit only, and then says so).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import z3

from prove import ast as A
from prove import sorts as S
from prove.backends.base import Deadline
from prove.backends.graph import evaluate as GE
from prove.backends.graph.encode import GraphEncoder, GraphUnsupported, OutOfTime
from prove.backends.graph.z3_terms import FALSE, SNode, SGraph, SOrder, SSet, count, disj, implies, neg
from prove.claim import Claim
from prove.verdict import Outcome, Verdict


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class GraphVar:
    name: str
    low: int
    high: int
    low_written: bool = False  # the claim wrote a lower bound (`1 <= nodes <= 6`)


@dataclass(frozen=True)
class Plan:
    graphs: tuple[GraphVar, ...]
    others: tuple  # (name, binder) of the outer node / set / order / integer variables, in order
    hypotheses: tuple
    goals: tuple
    symmetric: bool


def split_goals(e: A.Expr) -> list:
    """Formulas whose conjunction is e."""
    if isinstance(e, A.And):
        return [g for o in e.operands for g in split_goals(o)]
    if isinstance(e, A.Iff):
        return [A.Implies(e.left, e.right, span=e.span), A.Implies(e.right, e.left, span=e.span)]
    if isinstance(e, A.Implies):
        return [A.Implies(e.left, g, span=e.span) for g in split_goals(e.right)]
    return [e]


def plan_claim(claim: Claim) -> Plan:
    graphs, others = [], []
    for var in claim.variables:
        if isinstance(var.sort, S.Graph):  # the elaborator read its range from graphs(...)
            if var.sort.high is None:
                raise GraphUnsupported(f"{var.name} must range over graphs(nodes <= N)")
            graphs.append(GraphVar(var.name, var.sort.low, var.sort.high, var.sort.low_written))
        elif isinstance(var.sort, (S.GraphNode, S.NodeSet, S.Order)) or (
                isinstance(var.sort, S.Int) and isinstance(var.domain, A.Range)):
            kind = "subset" if isinstance(var.sort, S.NodeSet) else "in"
            others.append((var.name, A.Binder(var.name, kind, var.domain, span=var.span)))
        elif var.free:
            raise GraphUnsupported(f"{var.name} is not bound; graph claims bind every variable "
                                   f"(forall {var.name} in nodes(G), ...)")
        else:
            raise GraphUnsupported(f"{var.name} is {var.sort}; the graph backend takes graphs, nodes, node sets, "
                                   "orders and integer ranges")
    uses_literal = any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id == "graph"
                       for e in (claim.body, *claim.hypotheses) for n in A.walk(e))
    goals = tuple(split_goals(claim.body))
    return Plan(tuple(graphs), tuple(others), tuple(claim.hypotheses), goals,
                symmetric=len(graphs) == 1 and not uses_literal)


def bound_words(graphs: tuple[GraphVar, ...]) -> str:
    def one(g: GraphVar) -> str:
        if g.low == g.high:
            return f"exactly {g.high} node" + ("" if g.high == 1 else "s")
        if g.low == 0:
            return f"at most {g.high} nodes, the empty graph included"
        if g.low == 1 and not g.low_written:
            return f"at most {g.high} nodes"
        return f"{g.low} to {g.high} nodes"

    if len(graphs) == 1:
        return f"all directed graphs with {one(graphs[0])}"
    return "all directed graphs " + " and ".join(f"{g.name} with {one(g)}" for g in graphs)


# ---------------------------------------------------------------- one query


@dataclass(frozen=True)
class Found:
    sizes: tuple
    edges: int
    witness: dict  # name -> value of evaluate
    goal: int
    fewest: bool = True  # no counterexample of this size has fewer edges


def lex_leader(E: dict, n: int, first: int = 1) -> list:
    """The adjacency matrix is lexicographically <= its image under each swap (i, i+1), i >= first."""
    out = []
    cells = [(u, v) for u in range(1, n + 1) for v in range(1, n + 1)]
    for i in range(first, n):
        swap = {i: i + 1, i + 1: i}
        eq = []
        for (u, v) in cells:
            a, b = E[(u, v)], E[(swap.get(u, u), swap.get(v, v))]
            if a.eq(b):
                continue
            out.append(disj([*[neg(x) for x in eq], neg(a), b]))
            eq.append(a == b)
    return out


class _Query:
    """The negated goal for one tuple of graph sizes."""

    def __init__(self, plan: Plan, goal: A.Expr, sizes: tuple, deadline: Deadline):
        self.t = GraphEncoder(deadline)
        self.bases = {g.name: self.t.base_graph(g.name, n) for g, n in zip(plan.graphs, sizes)}
        self.combos: list = []  # (indicator, env)
        parts = []
        negated = A.And((*plan.hypotheses, A.Not(goal, span=goal.span)), span=goal.span)
        self.pinned = self._pinned(plan)
        envs = list(self._envs(plan.others, dict(self.bases)))
        for i, env in enumerate(envs):
            f = self.t.formula(negated, env, +1)
            if len(envs) == 1:
                self.combos.append((None, env))
                parts.append(f)
            else:
                pick = z3.Bool(f"pick!{i}")
                self.combos.append((pick, env))
                parts.append(implies(pick, f))
        if len(envs) > 1:
            parts.append(disj([p for p, _ in self.combos]))
        elif not envs:
            parts.append(FALSE)  # no node to pick: nothing to refute at this size
        self.t.link_closures()
        self.assertions = self.t.side + parts
        self.symmetry = ""
        if plan.symmetric:
            (name, base), = self.bases.items()
            orders = self.t.skolem_orders
            if self.pinned:
                self.assertions += lex_leader(base.E, len(base.nodes), first=2)
                self.symmetry = f"{self.pinned} fixed to node 1 by renumbering, lex-leader on the others"
            elif len(orders) == 1 and orders[0].depth == 0 and orders[0].graph_key == base.key:
                self.assertions += [orders[0].pos[u] == u for u in base.nodes]
                self.symmetry = "an order fixed to 1..n by renumbering"
            else:
                self.assertions += lex_leader(base.E, len(base.nodes))
                self.symmetry = "lex-leader symmetry breaking"
        self.edge_count = count(e for g in self.bases.values() for e in g.E.values())

    def _pinned(self, plan: Plan) -> str:
        """The first outer variable, when it is a node of the one graph variable.

        A counterexample renumbered so that this node is 1 is still one (a claim
        cannot tell renumbered graphs apart), so only node 1 is tried; the
        renumberings left permute 2..n, generated by the swaps (i, i+1) with
        i >= 2, so lex-leader over those swaps stays sound."""
        if not plan.symmetric or not plan.others:
            return ""
        (base,) = self.bases.values()
        name, binder = plan.others[0]
        kind, dom = self.t.domain_kind(binder, dict(self.bases))
        return name if kind == "node" and tuple(dom) == base.nodes else ""

    def _envs(self, others, env):
        if not others:
            yield env
            return
        (name, binder), rest = others[0], others[1:]
        kind, dom = self.t.domain_kind(binder, env)
        if name == self.pinned:
            dom = dom[:1]
        if kind == "node":
            for u in dom:
                yield from self._envs(rest, {**env, name: SNode(u)})
        elif kind == "int":
            for k in dom:
                yield from self._envs(rest, {**env, name: k})
        elif kind == "set":
            yield from self._envs(rest, {**env, name: self.t.new_set(dom, name)})
        else:
            yield from self._envs(rest, {**env, name: self.t.new_order(dom, name)})

    def witness(self, model: z3.ModelRef) -> dict:
        env = None
        for pick, e in self.combos:
            if pick is None or z3.is_true(model.eval(pick, model_completion=True)):
                env = e
                break
        out = {}
        for name, value in env.items():
            if isinstance(value, SGraph):
                edges = {k for k, b in value.E.items() if z3.is_true(model.eval(b, model_completion=True))}
                out[name] = GE.GraphValue.make(len(value.nodes), edges)
            elif isinstance(value, SNode):
                out[name] = GE.NodeV(value.id)
            elif isinstance(value, SSet):
                out[name] = GE.NodeSetValue(frozenset(u for u, b in value.mem.items()
                                                 if z3.is_true(model.eval(b, model_completion=True))))
            elif isinstance(value, SOrder):
                pos = {u: (p if isinstance(p, int) else model.eval(p, model_completion=True).as_long())
                       for u, p in value.pos.items()}
                out[name] = GE.OrderValue(tuple(sorted(pos, key=pos.get)))
            elif isinstance(value, Fraction):
                out[name] = value
        return out


def _solve(plan: Plan, goal_index: int, sizes: tuple, deadline: Deadline):
    """('unsat', notes) | ('sat', Found) | ('unknown', reason)."""
    try:
        q = _Query(plan, plan.goals[goal_index], sizes, deadline)
    except OutOfTime:
        return "unknown", "time"
    s = z3.Solver()
    s.add(*q.assertions)
    if deadline.passed():
        return "unknown", "time"
    s.set("timeout", deadline.z3_ms())
    r = s.check()
    notes = set(q.t.notes) | ({q.symmetry} if q.symmetry else set())
    if r == z3.unsat:
        return "unsat", notes
    if r != z3.sat:
        return "unknown", s.reason_unknown()
    model = s.model()
    # fewest edges: tighten until unsat (out of time: keep the best so far, and say so)
    fewest = True
    while not isinstance(q.edge_count, Fraction):  # a Fraction: no edge variables at all
        k = model.eval(q.edge_count, model_completion=True).as_long()
        if k == 0:
            break
        s.push()
        s.add(q.edge_count < k)
        s.set("timeout", deadline.z3_ms())
        r = s.check() if not deadline.passed() else z3.unknown
        if r != z3.sat:
            fewest = r == z3.unsat
            s.pop()
            break
        model = s.model()
        s.pop()
    w = q.witness(model)
    edges = sum(len(v.edges) for v in w.values() if isinstance(v, GE.GraphValue))
    return "sat", Found(sizes, edges, w, goal_index, fewest)


# --------------------------------------------------------------- re-checking


def witness_text(value) -> str:
    if isinstance(value, (GE.GraphValue, GE.OrderValue, GE.NodeSetValue)):
        return value.text()
    if isinstance(value, GE.NodeV):
        return str(value.id)
    if isinstance(value, Fraction):
        return str(value)
    return repr(value)


def renumber(plan: Plan, witness: dict) -> dict:
    """The same counterexample with its nodes renumbered to read well: edges
    going forward where possible, then the smallest edge list.  Sound because a
    claim about one graph variable cannot tell renumbered graphs apart."""
    if not plan.symmetric:
        return witness
    (g,) = plan.graphs
    graph = witness[g.name]
    n = len(graph.nodes)
    if n > 7 or n < 2:
        return witness

    def mapped(perm):  # perm[i - 1] is the new number of node i
        return sorted((perm[a - 1], perm[b - 1]) for a, b in graph.edges)

    def key(perm):
        edges = mapped(perm)
        nodes = [perm[v.id - 1] for v in witness.values() if isinstance(v, GE.NodeV)]
        return (sum(1 for a, b in edges if a > b), edges, nodes)

    best = min(itertools.permutations(range(1, n + 1)), key=key)
    if list(best) == list(range(1, n + 1)):
        return witness
    out = {}
    for name, v in witness.items():
        if isinstance(v, GE.GraphValue):
            out[name] = GE.GraphValue.make(n, mapped(best))
        elif isinstance(v, GE.NodeV):
            out[name] = GE.NodeV(best[v.id - 1])
        elif isinstance(v, GE.NodeSetValue):
            out[name] = GE.NodeSetValue(frozenset(best[u - 1] for u in v.members))
        elif isinstance(v, GE.OrderValue):
            out[name] = GE.OrderValue(tuple(best[u - 1] for u in v.seq))
        else:
            out[name] = v
    return out


def recheck(claim: Claim, plan: Plan, witness: dict) -> Optional[str]:
    """None when the witness is a counterexample by direct evaluation, else what went wrong."""
    env = {}
    try:
        for var in claim.variables:  # the range as the independent evaluator reads it
            if isinstance(var.sort, S.Graph):
                graph = witness[var.name]
                if graph not in GE.domain_values(A.Binder(var.name, "in", var.domain, span=var.span), {}):
                    return f"{var.name} has {len(graph.nodes)} nodes, outside its range"
                env[var.name] = graph
        for name, binder in plan.others:
            allowed = GE.domain_values(binder, env) if not _is_orders(binder) else None
            value = witness[name]
            if allowed is not None and value not in allowed:
                return f"{name} = {witness_text(value)} is not in its domain"
            if allowed is None:
                graph = GE._graph(binder.domain.expr.args[0], env)
                if sorted(value.seq) != sorted(graph.nodes):
                    return f"{name} = {witness_text(value)} is not an order of the nodes"
            env[name] = value
        if GE.claim_holds(claim.hypotheses, claim.body, env):
            return "the claim holds at the solver's counterexample"
    except GE.NotEvaluable as exc:
        return f"the independent evaluator cannot decide it: {exc}"
    return None


def _is_orders(binder: A.Binder) -> bool:
    dom = binder.domain
    return (binder.kind == "in" and isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call)
            and isinstance(dom.expr.func, A.Name) and dom.expr.func.id == "orders")


# ----------------------------------------------------------------- the entry


def _size_text(sizes: tuple, plan: Plan) -> str:
    if len(sizes) == 1:
        return f"{sizes[0]} node" + ("" if sizes[0] == 1 else "s")
    return ", ".join(f"{g.name} with {n}" for g, n in zip(plan.graphs, sizes)) + " nodes"


def check(claim: Claim, limits) -> Outcome:
    # a little before the claim's own limit, so that `unknown` can say how far it got
    if any(isinstance(v.sort, S.Graph) and v.sort.high is None for v in claim.variables):
        from prove.backends.graph import induction  # every finite graph: no bound to search up to
        return induction.check(claim, limits)
    deadline = limits.deadline(0.9)
    try:
        plan = plan_claim(claim)
    except GraphUnsupported as exc:
        return Outcome.unknown(str(exc), method="graphs")
    ranges = [range(g.low, g.high + 1) for g in plan.graphs]
    all_sizes = sorted(itertools.product(*ranges), key=lambda t: (sum(t), t))
    if not all_sizes:
        return Outcome.unknown("the graph range is empty", method="graphs")
    notes: set = set()
    checked: list = []
    for sizes in all_sizes:
        found: list[Found] = []
        for i in range(len(plan.goals)):
            try:
                status, data = _solve(plan, i, sizes, deadline)
            except GraphUnsupported as exc:
                return Outcome.unknown(str(exc) + _progress(plan, checked), method="graphs")
            if status == "unknown" and found:  # a counterexample stands, though not the smallest
                found = [dataclasses.replace(f, fewest=False) for f in found]
                break
            if status == "unknown":
                why = "time limit" if data in ("time", "timeout", "canceled") else f"solver: {data}"
                return Outcome.unknown(f"no answer at {_size_text(sizes, plan)} ({why})" + _progress(plan, checked)
                                       + "; a smaller bound or a longer --timeout may help",
                                       method="z3 per graph size")
            if status == "sat":
                found.append(data)
            else:
                notes |= data
        if found:
            best = min(found, key=lambda f: f.edges)
            witness = renumber(plan, best.witness)
            if recheck(claim, plan, witness):  # renumbering should never matter; keep the solver's if it does
                witness = best.witness
            problem = recheck(claim, plan, witness)
            shown = {name: witness_text(v) for name, v in witness.items()}
            if problem:
                return Outcome(Verdict.UNKNOWN, method="z3 per graph size", witness=shown,
                               reason=f"the solver's counterexample did not survive the independent re-check "
                                      f"({problem}); this is a bug in the graph backend, please report it")
            if best.fewest:
                method = ("z3: smallest counterexample (fewest nodes, then fewest edges), "
                          "re-checked by direct evaluation")
            else:
                method = ("z3: a counterexample with the fewest nodes (the time limit stopped the search for fewer "
                          "edges), re-checked by direct evaluation")
            return Outcome(Verdict.REFUTED, witness=shown, method=method)
        checked.append(sizes)
    extra = f"; {len(plan.goals)} goals" if len(plan.goals) > 1 else ""
    extra += "".join(f"; {n}" for n in sorted(notes))
    if not plan.graphs:
        return _concrete(claim, plan, extra)
    if len(plan.graphs) == 1:
        g = plan.graphs[0]
        method = f"z3: negation unsat for each size {g.low}..{g.high}{extra}"
    else:
        method = f"z3: negation unsat for each combination of sizes{extra}"
    return Outcome(Verdict.VERIFIED, method=method, bound=bound_words(plan.graphs))


def _progress(plan: Plan, checked: list) -> str:
    if len(plan.graphs) != 1 or not checked:
        return ""
    g = plan.graphs[0]
    return f"; it holds for all directed graphs with {g.low} to {checked[-1][0]} nodes"


def _concrete(claim: Claim, plan: Plan, extra: str) -> Outcome:
    """No graph variable: the claim is about given graphs, so the check is exact."""
    try:
        env: dict = {}
        ok = all(_all_outer(claim, plan.others, env))
    except GE.NotEvaluable as exc:
        return Outcome.unknown(f"the independent evaluator cannot decide it: {exc}", method="z3")
    if not ok:
        return Outcome.unknown("z3 and the independent evaluator disagree; this is a bug, please report it",
                               method="z3")
    return Outcome(Verdict.PROVED, method=f"z3: negation unsat (given graphs){extra}; confirmed by evaluation")


def _all_outer(claim, others, env):
    if not others:
        yield GE.claim_holds(claim.hypotheses, claim.body, env)
        return
    (name, binder), rest = others[0], others[1:]
    for value in GE.domain_values(binder, env):
        yield from _all_outer(claim, rest, {**env, name: value})
