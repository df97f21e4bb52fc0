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
from prove.backends.graph import evaluate_words as EW
from prove.backends.graph.encode import GraphEncoder, GraphUnsupported, OutOfTime
from prove.backends.graph.z3_terms import FALSE, SNode, SGraph, SOrder, SSet, conj, count, disj, implies, neg
from prove.backends.graph import inner as INNER
from prove.claim import Claim
from prove.figure import graph_figure
from prove.verdict import Outcome, Verdict

GUARDS = "#guards"  # env key (no claim can spell it): memberships that an outer node's value needs


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class GraphVar:
    name: str
    low: int
    high: int
    low_written: bool = False  # the claim wrote a lower bound (`1 <= nodes <= 6`)
    loopless: bool = False  # `graphs(..., loopless)`: no self-loops


@dataclass(frozen=True)
class Plan:
    graphs: tuple[GraphVar, ...]
    others: tuple  # (name, binder) of the outer node / set / order / integer variables, in order
    hypotheses: tuple
    goals: tuple
    symmetric: bool
    body: Optional[A.Expr] = None  # the claim's body, with the binders the plan moved inside it


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
    variables, body = INNER.outer_prefix(claim)
    for var in variables:
        if isinstance(var.sort, S.Graph):  # the elaborator read its range from graphs(...)
            if var.sort.high is None:
                raise GraphUnsupported(f"{var.name} must range over graphs(nodes <= N)")
            graphs.append(GraphVar(var.name, var.sort.low, var.sort.high, var.sort.low_written, var.sort.loopless))
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
                       for e in (body, *claim.hypotheses) for n in A.walk(e))
    uses_literal = uses_literal or names_nodes(claim)
    goals = tuple(split_goals(body))
    return Plan(tuple(graphs), tuple(others), tuple(claim.hypotheses), goals,
                symmetric=len(graphs) == 1 and not uses_literal, body=body)


_NODE_ARGS = {"edge", "path", "source", "sink", "indegree", "outdegree"}


def names_nodes(claim: Claim) -> bool:
    """The claim names particular nodes (a numeral where a node is expected, a set or
    order literal): renumbering nodes may then change its truth, so no symmetry
    breaking may assume it cannot."""
    def sort(term):
        try:
            return claim.sort_of(term)
        except Exception:  # noqa: BLE001 - unknown here means "may be a node"
            return S.GraphNode("?")

    for top in (claim.body, *claim.hypotheses):
        for n in A.walk(top):
            if isinstance(n, (A.SetLit, A.ListLit)):
                return True
            if isinstance(n, A.Call) and isinstance(n.func, A.Name) and any(isinstance(a, A.Num) for a in n.args):
                if n.func.id in _NODE_ARGS or isinstance(claim.sorts.get(n.func.id), S.Order):
                    return True
            if isinstance(n, A.BinOp) and n.op == "-" and isinstance(n.right, A.Num) \
                    and isinstance(sort(n.left), S.Graph):
                return True
            if isinstance(n, A.Compare):
                for a, b in zip(n.operands, n.operands[1:]):
                    if isinstance(a, A.Num) != isinstance(b, A.Num):
                        other = b if isinstance(a, A.Num) else a
                        if isinstance(sort(other), S.GraphNode):
                            return True
    return False


def bound_words(graphs: tuple[GraphVar, ...]) -> str:
    def one(g: GraphVar) -> str:
        if g.low == g.high:
            return f"exactly {g.high} node" + ("" if g.high == 1 else "s")
        if g.low == 0:
            return f"at most {g.high} nodes, the empty graph included"
        if g.low == 1 and not g.low_written:
            return f"at most {g.high} nodes"
        return f"{g.low} to {g.high} nodes"

    kind = "directed graphs" if not any(g.loopless for g in graphs) else (
        "loop-free directed graphs" if all(g.loopless for g in graphs) else "directed graphs")
    if len(graphs) == 1:
        return f"all {kind} with {one(graphs[0])}"
    return f"all {kind} " + " and ".join(f"{g.name} with {one(g)}" + (" (loop-free)" if g.loopless and
                                                                      kind == "directed graphs" else "")
                                         for g in graphs)


# ---------------------------------------------------------------- one query


@dataclass(frozen=True)
class Found:
    sizes: tuple
    edges: int
    witness: dict  # name -> value of evaluate
    goal: int
    fewest: bool = True  # no counterexample of this size has fewer edges
    hints: dict = dataclasses.field(default_factory=dict)  # graphs the solver chose inside the claim


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
        self.bases = {g.name: self.t.base_graph(g.name, n, g.loopless) for g, n in zip(plan.graphs, sizes)}
        self.combos: list = []  # (indicator, env)
        parts = []
        negated = A.And((*plan.hypotheses, A.Not(goal, span=goal.span)), span=goal.span)
        self.pinned = self._pinned(plan)
        envs = list(self._envs(plan.others, dict(self.bases)))
        self.inner: list = []  # per combination: the graphs bound inside the claim, by name
        for i, env in enumerate(envs):
            before = {k: len(v) for k, v in self.t.inner_graphs.items()}
            f = conj([*env.get(GUARDS, ()), self.t.formula(negated, env, +1)])
            self.inner.append({k: v[before.get(k, 0):] for k, v in self.t.inner_graphs.items()})
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
        elif kind == "member":  # a node of a set: the membership guards this value
            for u in dom.nodes:
                if dom.mem[u] is not FALSE:
                    yield from self._envs(rest, {**env, name: SNode(u), GUARDS: (*env.get(GUARDS, ()), dom.mem[u])})
        elif kind == "dfs":
            yield from self._envs(rest, {**env, name: self.t.new_dfs_order(dom, name)})
        elif kind == "bfs":
            yield from self._envs(rest, {**env, name: self.t.new_bfs_order(*dom, name)})
        elif kind == "int":
            for k in dom:
                yield from self._envs(rest, {**env, name: k})
        elif kind == "set":
            yield from self._envs(rest, {**env, name: self.t.new_set(dom, name)})
        else:
            yield from self._envs(rest, {**env, name: self.t.new_order(dom, name)})

    def picked(self, model: z3.ModelRef) -> int:
        for i, (pick, _) in enumerate(self.combos):
            if pick is None or z3.is_true(model.eval(pick, model_completion=True)):
                return i
        return 0

    def witness(self, model: z3.ModelRef) -> dict:
        env = self.combos[self.picked(model)][1]
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
                out[name] = GE.OrderValue(tuple(sorted((u for u in pos if pos[u] >= 1), key=pos.get)))
            elif isinstance(value, Fraction):
                out[name] = value
        return out


def _solve(plan: Plan, goal_index: int, sizes: tuple, deadline: Deadline):
    """('unsat', notes) | ('sat', Found) | ('unknown', reason)."""
    if not plan.graphs and INNER.existence_goal(plan.goals[goal_index]):
        try:
            status, data = INNER.solve_existence(GraphEncoder, plan, plan.goals[goal_index], deadline)
        except OutOfTime:
            return "unknown", "time"
        if status == "sat":
            return "sat", Found(sizes, 0, data[0], goal_index)
        return status, data
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
    hints = INNER.graph_values(q.inner[q.picked(model)], model) if q.inner else {}
    return "sat", Found(sizes, edges, w, goal_index, fewest, hints)


# --------------------------------------------------------------- re-checking


def witness_text(value) -> str:
    if isinstance(value, (GE.GraphValue, GE.OrderValue, GE.NodeSetValue)):
        return value.text()
    if isinstance(value, GE.NodeV):
        return str(value.id)
    if isinstance(value, Fraction):
        return str(value)
    return repr(value)


def _figure(witness: dict):
    """The first counterexample graph, for the report's drawing."""
    for name, value in witness.items():
        if isinstance(value, GE.GraphValue) and value.nodes == tuple(range(1, len(value.nodes) + 1)):
            return graph_figure(len(value.nodes), value.edges, label=name)
    return None


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


def recheck(claim: Claim, plan: Plan, witness: dict, hints: Optional[dict] = None) -> Optional[str]:
    """None when the witness is a counterexample by direct evaluation, else what went wrong.
    `hints`: graphs to try first where the claim binds graphs inside (each checked to be in range)."""
    env = {GE.HINTS: hints} if hints else {}
    try:
        for var in claim.variables:  # the range as the independent evaluator reads it
            if isinstance(var.sort, S.Graph) and any(g.name == var.name for g in plan.graphs):
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
        if GE.claim_holds(plan.hypotheses, plan.body, env):
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
    if any(isinstance(v.sort, S.Graph) and v.sort.every for v in claim.variables):
        from prove.backends.graph import induction  # every finite graph: no bound to search up to
        return induction.check(claim, limits)
    deadline = limits.deadline(0.9)
    try:
        plan = plan_claim(claim)
    except GraphUnsupported as exc:
        return Outcome.unknown(str(exc), method="graphs")
    undefined = INNER.guard_problem(claim.hypotheses, claim.body)
    if undefined:
        return Outcome.unknown(undefined, method="graphs")
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
            if recheck(claim, plan, witness, best.hints):  # renumbering should never matter; keep the solver's
                witness = best.witness
            problem = recheck(claim, plan, witness, best.hints)
            shown = {name: witness_text(v) for name, v in witness.items()}
            shown.update({name: witness_text(g) for name, g in INNER.inner_witness(best.hints).items()
                          if name not in shown})
            if not problem:  # an `exists!` that fails: the two values (or none) that break it
                try:
                    extra = EW.uniqueness_breakers(plan.body, dict(witness))
                except GE.NotEvaluable:
                    extra = {}
                shown.update({k: v for k, v in extra.items() if k not in shown})
            if problem and problem.startswith("the independent evaluator cannot decide it"):
                return Outcome(Verdict.UNKNOWN, method="z3 per graph size", witness=shown,
                               reason=f"z3 found this counterexample, but it is not confirmed without z3: {problem}; "
                                      "a smaller bound may let the evaluator try every graph")
            if problem:
                return Outcome(Verdict.UNKNOWN, method="z3 per graph size", witness=shown,
                               reason=f"the solver's counterexample did not survive the independent re-check "
                                      f"({problem}); this is a bug in the graph backend, please report it")
            if not plan.graphs and not plan.others:
                method = "z3: false on the given graphs, re-checked by direct evaluation"
            elif not plan.graphs:  # no graph variable to minimise: the values the solver found
                method = "z3: a counterexample, re-checked by direct evaluation"
            elif best.fewest:
                method = ("z3: smallest counterexample (fewest nodes, then fewest edges), "
                          "re-checked by direct evaluation")
            else:
                method = ("z3: a counterexample with the fewest nodes (the time limit stopped the search for fewer "
                          "edges), re-checked by direct evaluation")
            return Outcome(Verdict.REFUTED, witness=shown, method=method, figure=_figure(witness))
        checked.append(sizes)
    extra = f"; {len(plan.goals)} goals" if len(plan.goals) > 1 else ""
    extra += "".join(f"; {n}" for n in sorted(notes))
    if not plan.graphs and INNER.graphs_inside(claim):
        return Outcome(Verdict.VERIFIED, method=f"z3: negation unsat for each value{extra}",
                       bound=INNER.bound_words(plan))
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
