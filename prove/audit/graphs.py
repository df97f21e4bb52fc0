"""The audit of graph claims: seeded random graphs within the bound, each
decided by the plain evaluator (`prove.backends.graph.evaluate`, which shares no
code with the Z3 encoding) over every value of the claim's other variables.

Half the graphs are DAGs (edges forward in a random order, as most claims
assume acyclicity), half arbitrary graphs (self-loops included), at several
densities; every size in the range is visited in turn.  A graph on which the
claim fails is a counterexample that needs no further re-check: it was found
by exact evaluation of the claim as written.
"""

from __future__ import annotations

import math
import random
from typing import Optional

from prove import ast as A
from prove import sorts as S
from prove.audit.finding import Finding
from prove.backends.base import Deadline
from prove.backends.graph import evaluate as GE

SAMPLES = 60
# A deterministic cap on work, in worst-case evaluations (a node variable over n
# nodes counts n, a set 2^n, an order n!): sizes whose next graph would pass it
# are dropped, smallest sizes first kept, so the count never depends on timing.
BUDGET = 20000
UNBOUNDED_AUDIT = 5  # nodes of the random graphs audited for a claim about every finite graph


class _Skip(Exception):
    pass


def _range(var) -> tuple:
    dom = var.domain
    if isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Name) and dom.expr.id == "graphs":
        return 0, UNBOUNDED_AUDIT  # every finite graph: audit the small ones
    if not (isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) and dom.expr.args
            and isinstance(dom.expr.args[0], A.Compare)):
        raise _Skip(f"cannot read the range of {var.name}")
    cmp = dom.expr.args[0]
    low, high = 1, None
    for op, a, b in zip(cmp.ops, cmp.operands, cmp.operands[1:]):
        if isinstance(a, A.Num) and isinstance(b, A.Name):
            k = int(a.value)
            low = k + 1 if op == "<" else k
            high = k if op == "=" else high
        elif isinstance(a, A.Name) and isinstance(b, A.Num):
            k = int(b.value)
            high = k - 1 if op == "<" else k
            low = k if op == "=" else low
        else:
            raise _Skip(f"cannot read the range of {var.name}")
    if high is None:
        raise _Skip(f"{var.name} has no upper bound")
    return max(low, 0), high


def _random_graph(rng: random.Random, n: int, style: int, loopless: bool = False) -> GE.GraphValue:
    density = rng.choice((0.15, 0.3, 0.5, 0.7))
    edges = set()
    if style == 0:
        order = list(range(1, n + 1))
        rng.shuffle(order)
        for i in range(n):
            for j in range(i + 1, n):
                if rng.random() < density:
                    edges.add((order[i], order[j]))
    else:
        for u in range(1, n + 1):
            for v in range(1, n + 1):
                if rng.random() < (density if u != v else 0 if loopless else density / 4):
                    edges.add((u, v))
    return GE.GraphValue.make(n, edges)


def _text(value) -> str:
    if isinstance(value, (GE.GraphValue, GE.OrderValue, GE.NodeSetValue)):
        return value.text()
    if isinstance(value, GE.NodeV):
        return str(value.id)
    return str(value)


def _failure(claim, others, env) -> Optional[dict]:
    """An assignment of the other outer variables where the claim fails, if any."""
    if not others:
        return None if GE.claim_holds(claim.hypotheses, claim.body, env) else dict(env)
    (name, binder), rest = others[0], others[1:]
    for value in GE.domain_values(binder, env):
        found = _failure(claim, rest, {**env, name: value})
        if found is not None:
            return found
    return None


def _domain_cost(binder: A.Binder, n: int) -> int:
    if binder.kind == "subset":
        return 2 ** n
    dom = binder.domain
    if isinstance(dom, A.SetDomain) and isinstance(dom.expr, A.Call) and isinstance(dom.expr.func, A.Name) \
            and dom.expr.func.id in ("orders", "dfs_finish_orders", "bfs_orders"):
        return math.factorial(n)
    return n


def _cost(claim, others, n: int) -> int:
    """Worst-case evaluations for one graph with n nodes (inner quantifiers over
    graphs built from it counted at n + 1 nodes)."""
    total = 1
    for _, binder in others:
        total *= _domain_cost(binder, n)
    for e in (claim.body, *claim.hypotheses):
        for node in A.walk(e):
            if isinstance(node, A.Quant):
                for binder in node.binders:
                    total *= _domain_cost(binder, n + 1)
    return max(total, 1)


def examine(claim, rng: random.Random, deadline: Optional[Deadline], samples: int = SAMPLES):
    graphs, others = [], []
    try:
        for var in claim.variables:
            if isinstance(var.sort, S.Graph):
                graphs.append((var.name, _range(var)))
            elif isinstance(var.sort, (S.GraphNode, S.NodeSet, S.Order)) or (
                    isinstance(var.sort, S.Int) and isinstance(var.domain, A.Range)):
                kind = "subset" if isinstance(var.sort, S.NodeSet) else "in"
                others.append((var.name, A.Binder(var.name, kind, var.domain, span=var.span)))
            else:
                raise _Skip(f"{var.name} is not a graph, node, node set, order or index")
    except _Skip as exc:
        return Finding("not_applicable", reason=str(exc))
    loopless = {v.name for v in claim.variables if getattr(v.sort, "loopless", False)}
    count = samples if graphs else 1
    checked = spent = 0
    top = {name: high for name, (low, high) in graphs}
    try:
        for k in range(count):
            if deadline is not None and deadline.passed():
                if not checked:
                    return Finding("not_applicable", reason="incomplete (time)")
                return Finding("agrees", reason="incomplete (time)", points=checked)
            env, sizes_now = {}, []
            for name, (low, high) in graphs:
                sizes = list(range(low, min(high, top[name]) + 1)) or [low]
                n = sizes[k % len(sizes)]
                sizes_now.append((name, n))
                env[name] = _random_graph(rng, n, (k // len(sizes)) % 2, name in loopless)
            largest = max((n for _, n in sizes_now), default=0)
            cost = _cost(claim, others, largest)
            if graphs and spent + cost > BUDGET:
                name, n = max(sizes_now, key=lambda t: t[1])
                if n <= dict(graphs)[name][0]:
                    break
                top[name] = n - 1  # this size no longer fits: keep sampling the smaller ones
                continue
            spent += cost
            bad = _failure(claim, others, env)
            checked += 1
            if bad is not None:
                witness = {name: _text(v) for name, v in bad.items()}
                return Finding("refuted", witness=witness, points=checked,
                               reason="the claim fails on this graph (decided by direct evaluation)")
    except GE.NotEvaluable as exc:
        return Finding("not_applicable" if checked == 0 else "agrees",
                       reason=f"the plain evaluator cannot decide it: {exc}", points=checked)
    if not checked:  # no graph fits the budget: nothing was evaluated, so nothing agrees
        return Finding("not_applicable", reason="every size in the bound is too large to evaluate graph by graph")
    what = "graphs agree" if graphs else "evaluation agrees"
    return Finding("agrees", reason=what, points=checked)
