"""Two checks the graph backend makes around the path words and inner graphs.

Where path counts and depths are defined.  `count_paths` and `depth` are
defined on acyclic graphs only.  `guard_problem` reads the claim's tree in the
order the plain evaluator evaluates it (hypotheses first, the left of `->`,
`and` and `or` before the right, a binder's `where` before its body) and
requires every use on a graph H to stand where `acyclic(H)` is already known
true (a conjunct on the left of `->` or of `and`, a hypothesis, a `where`),
or where `not acyclic(H)` / `cycle(H)` is known false (the left of `or`), or
H to be an acyclic literal, or H built from such a graph by `- v` or
`+ sink(S)` (which keep a graph acyclic).  Then on a cyclic H the formula
around the use is decided without it, in the encoding (where the value there
is meaningless) and in the evaluator (which raises rather than give one), so
no verdict depends on the value of a path word on a cyclic graph.

Graphs bound inside a claim.  A goal whose conclusion is
`exists G in graphs(...): P` (under outer integer or node variables only) is
not refuted through its negation, which would need every graph; it is
checked directly: for each value of the outer variables the encoding of the
goal itself, at the polarity where its fresh variables are existential, must
be satisfiable, and the graph the solver finds is handed to the plain
evaluator, which must confirm the goal with it.  An unsatisfiable value is a
counterexample, which the plain evaluator confirms by trying every graph
(only at small sizes; otherwise the verdict is `unknown`).
"""

from __future__ import annotations

from typing import Optional

import z3

from prove import ast as A
from prove import sorts as S
from prove.backends.graph import evaluate as GE
from prove.backends.graph.structure import GraphUnsupported
from prove.backends.graph.z3_terms import TRUE, SNode

DEFINED_ON_DAGS = ("count_paths", "depth")


# ------------------------------------------------------------ definedness


def _call_name(e) -> str:
    return e.func.id if isinstance(e, A.Call) and isinstance(e.func, A.Name) else ""


def _names(e) -> set:
    return {n.id for n in A.walk(e) if isinstance(n, A.Name)}


def _facts(e, positive: bool = True) -> set:
    """Graph terms H for which `acyclic(H)` holds whenever e is true (positive) or false."""
    if isinstance(e, A.Not):
        return _facts(e.operand, not positive)
    name = _call_name(e)
    if name == "acyclic" and len(e.args) == 1 and positive:
        return {e.args[0]}
    if name == "cycle" and len(e.args) == 1 and not positive:
        return {e.args[0]}
    if isinstance(e, A.And) and positive:
        return set().union(*(_facts(o) for o in e.operands))
    if isinstance(e, A.Or) and not positive:
        return set().union(*(_facts(o, False) for o in e.operands))
    return set()


def _known_acyclic(h, known: set) -> bool:
    if h in known:
        return True
    if isinstance(h, A.BinOp) and h.op in ("-", "+"):  # G - v, G + sink(S) keep a DAG acyclic
        right_ok = h.op == "-" or _call_name(h.right) == "sink"
        return right_ok and _known_acyclic(h.left, known)
    if _call_name(h) == "graph":
        try:
            g = GE.graph_literal(h)
        except GE.NotEvaluable:
            return False
        return all(u not in g.reachable(u) for u in g.nodes)
    return False


def _visit(e, known: frozenset) -> Optional[str]:
    if isinstance(e, A.And):
        for o in e.operands:
            problem = _visit(o, known)
            if problem:
                return problem
            known = known | _facts(o)
        return None
    if isinstance(e, A.Or):
        for o in e.operands:
            problem = _visit(o, known)
            if problem:
                return problem
            known = known | _facts(o, False)
        return None
    if isinstance(e, A.Implies):
        return _visit(e.left, known) or _visit(e.right, known | _facts(e.left))
    if isinstance(e, A.Quant):
        for b in e.binders:
            for sub in (b.domain, b.bound):
                problem = _visit(sub, known) if sub is not None else None
                if problem:
                    return problem
            known = frozenset(h for h in known if b.name not in _names(h))  # rebound: no longer the same graph
            if b.where is not None:
                problem = _visit(b.where, known)
                if problem:
                    return problem
                known = known | _facts(b.where)
        return _visit(e.body, known)
    name = _call_name(e)
    if name in DEFINED_ON_DAGS and e.args and not _known_acyclic(e.args[0], known):
        return (f"{name}(...) is defined on acyclic graphs only, and nothing before this use says the graph is "
                f"acyclic; state it first, as in `acyclic(G) -> ... {name}(G...) ...` or `where acyclic(G)`")
    for c in A.children(e):
        problem = _visit(c, known)
        if problem:
            return problem
    return None


def guard_problem(hypotheses, body) -> Optional[str]:
    """None when every path count and depth stands where its graph is acyclic; else why not."""
    known: frozenset = frozenset()
    for h in hypotheses:
        problem = _visit(h, known)
        if problem:
            return problem
        known = known | _facts(h)
    return _visit(body, known)


# --------------------------------------------------------- graphs inside


def _binds_graphs(b: A.Binder) -> bool:
    return b.kind == "in" and isinstance(b.domain, A.SetDomain) and _call_name(b.domain.expr) == "graphs"


def graphs_inside(claim) -> bool:
    return any(isinstance(n, A.Quant) and any(_binds_graphs(b) for b in n.binders)
               for e in (claim.body, *claim.hypotheses) for n in A.walk(e))


def outer_prefix(claim):
    """The outer variables the backend enumerates, and the body: a graph variable whose
    size is another variable (`forall n in 1..5, G in graphs(nodes = n)`) goes back
    inside the body as a `forall`, with the variables after it."""
    for k, var in enumerate(claim.variables):
        if isinstance(var.domain, A.SetDomain) and _call_name(var.domain.expr) == "graphs" \
                and getattr(var.sort, "high", 0) is None and any(
                    isinstance(n, A.Name) and n.id != "nodes" for n in A.walk(var.domain.expr.args[0])):
            if claim.hypotheses:
                raise GraphUnsupported(f"{var.name} ranges over graphs whose size is a variable: write its `where` "
                                       f"inside, as `forall {var.name} in graphs(...): (... -> ...)`")
            rest = claim.variables[k:]
            binders = tuple(A.Binder(v.name, "subset" if v.domain is not None and _is_subset(v) else "in", v.domain,
                                     span=v.span) for v in rest)
            return claim.variables[:k], A.Quant("forall", binders, claim.body, span=claim.body.span)
    return claim.variables, claim.body


def _is_subset(var) -> bool:
    return isinstance(var.sort, S.NodeSet)


def existence_goal(goal) -> bool:
    """`exists G in graphs(...): P`, possibly after `A ->`."""
    body = goal.right if isinstance(goal, A.Implies) else goal
    return isinstance(body, A.Quant) and body.kind == "exists" and _binds_graphs(body.binders[0])


def _outer_values(t, others, env: dict):
    """Every value of the outer variables (integers and nodes of given graphs only)."""
    if not others:
        yield env
        return
    (name, binder), rest = others[0], others[1:]
    kind, dom = t.domain_kind(binder, env)
    if kind == "int":
        values = list(dom)
    elif kind == "node":
        values = [SNode(u) for u in dom]
    elif kind == "member" and all(m is TRUE or z3.is_false(m) for m in dom.mem.values()):
        values = [SNode(u) for u in dom.nodes if dom.mem[u] is TRUE]
    else:
        raise GraphUnsupported(f"`exists G in graphs(...)` is checked under integer and node variables only, "
                               f"and {name} is not one")
    for v in values:
        yield from _outer_values(t, rest, {**env, name: v})


def plain(env: dict) -> dict:
    """The outer values as the plain evaluator takes them."""
    return {k: GE.NodeV(v.id) if isinstance(v, SNode) else v for k, v in env.items() if not k.startswith("#")}


def graph_values(inner: dict, model) -> dict:
    """binder name -> the graphs the solver chose for it inside the claim (`inner`: name -> SGraphs)."""
    out: dict = {}
    for name, graphs in inner.items():
        for g in graphs:
            edges = {k for k, b in g.E.items() if z3.is_true(model.eval(b, model_completion=True))}
            out.setdefault(name, []).append(GE.GraphValue.make(len(g.nodes), edges))
    return out


def solve_existence(encoder_class, plan, goal, deadline):
    """('unsat', notes): the goal holds for every outer value (each confirmed by evaluation);
    ('sat', (witness, hints)): a value where it fails; ('unknown', reason)."""
    stated = goal if not plan.hypotheses else A.Implies(A.And(tuple(plan.hypotheses), span=goal.span), goal,
                                                         span=goal.span)
    checked = 0
    for env in _outer_values(encoder_class(deadline), plan.others, {}):
        t = encoder_class(deadline)
        f = t.formula(stated, env, +1)  # holds at env iff f is satisfiable (its fresh variables are existential)
        t.link_closures()
        s = z3.Solver()
        s.add(*t.side, f)
        if deadline.passed():
            return "unknown", "time"
        s.set("timeout", deadline.z3_ms())
        r = s.check()
        if r == z3.unsat:
            return "sat", (plain(env), {})
        if r != z3.sat:
            return "unknown", s.reason_unknown()
        hints = graph_values(t.inner_graphs, s.model())
        try:
            ok = GE.holds(stated, {**plain(env), GE.HINTS: hints})
        except GE.NotEvaluable as exc:
            ok = f"the plain evaluator cannot confirm it ({exc})"
        if ok is not True:
            why = ok or "the plain evaluator says the graph found does not satisfy it"
            return "unknown", f"the solver's graph for {_show(env)} did not survive the independent re-check: {why}"
        checked += 1
    return "unsat", {f"`exists` goal: a graph found for each of {checked} values and confirmed by evaluation"}


def _show(env: dict) -> str:
    values = plain(env)
    return ", ".join(f"{k} = {v.id if isinstance(v, GE.NodeV) else v}" for k, v in values.items()) or "the claim"


def bound_words(plan) -> str:
    """The bound of a claim whose graphs are all bound inside it."""
    ranges = []
    for name, binder in plan.others:
        dom = binder.domain
        if isinstance(dom, A.Range) and isinstance(dom.low, A.Num) and isinstance(dom.high, A.Num):
            ranges.append(f"{name} = {int(dom.low.value)}..{int(dom.high.value)}")
    where = ", ".join(ranges) or "the values of the outer variables"
    return f"{where}, every directed graph of each size the claim names"


def inner_witness(hints: dict) -> dict:
    """Inner graphs worth showing: a name the solver chose exactly one graph for."""
    return {name: gs[0] for name, gs in hints.items() if len(gs) == 1}
