"""Claims about every finite graph, `forall G in graphs: P(G)`, proved by
induction on the number of nodes (`by induction on nodes(G) removing a source`).

Method:
  1. the bounded search of `check` on every graph with 0..BOUND nodes: a
     counterexample is `refuted` with the smallest graph, re-checked by the
     plain evaluator (flawed statements end here);
  2. the base case, the empty graph, decided exactly by the plain evaluator;
  3. the step, for an arbitrary finite graph G with at least one node: v is a
     node of G, of the move's kind (a source, a sink) whenever G has one, and
     the claim for G - v is assumed (the induction hypothesis, an opaque fact
     about the smaller graph); the claim for G must follow.  It is checked by Z3
     over the first-order facts of `fol` (an uninterpreted node sort), with
     every cited lemma, each itself proved here by induction, as a fact about G
     and G - v; `unsat` of the negated step is the only way to `proved`.  The
     facts about paths and sizes are proved first, once per
     process (`foundations`); one not proved makes the step `unknown`.

Soundness: the induction is strong induction on the number of nodes, and that
is where finiteness is used: G - v has one node fewer, so the claim holds for
it.  The step's assumptions are true of the real G, v and G - v (the choice of
v is possible: a node of the kind if there is one, else any node), the facts
of `fol` are proved true of every finite graph (`foundations`), and a lemma is
used only once it is proved; so `unsat` means no finite graph with n + 1 nodes falsifies the claim
when none with n does.  Z3's `unknown` or a time-out is `unknown`, naming the
part that failed.
"""

from __future__ import annotations

import dataclasses

import z3

from prove import ast as A
from prove import sorts as S
from prove.backends.base import WALL_CAP, CannotDecide, Limits, solver_from_text
from prove.backends.graph import evaluate as GE
from prove.backends.graph import foundations
from prove.backends.graph.encode import GraphUnsupported
from prove.backends.graph.fol import Translator
from prove.backends.graph.moves import MOVES, read_hint
from prove.claim import Claim
from prove.verdict import Outcome, Verdict

BOUND = 5  # nodes of the bounded search that runs before the induction
BOUNDED_SHARE = 0.3  # of the claim's time
LEMMA_SHARE = 0.6  # of the time left, for the proofs of the lemmas a step uses (not yet proved in this process)
# Each attempt ends by Z3's resource count, not by the clock, so a loaded machine does not turn a
# proof into `unknown` (see `attempt`): the steps shipped take at most 1.75 million (measured, the
# same in every process); a failed attempt stops at this many, a second or two of CPU time.
ATTEMPT_RLIMIT = 6_000_000
_PROVED: dict = {}  # (path, name, body) -> method line of a lemma proved in this process


def check(claim: Claim, limits: Limits, stack: tuple = ()) -> Outcome:
    """The claim's outcome; `stack` holds the claims whose proof needs this one (a
    lemma is proved without the bounded search: only a proof of it is of use)."""
    deadline = limits.deadline(0.9)
    graphs = [v for v in claim.variables if isinstance(v.sort, S.Graph)]
    hints = [h for h in claim.hints if h.kind == "induction"]
    if len(graphs) != 1:
        return Outcome.unknown("an induction over graphs takes one graph variable", method="induction")
    (gvar,) = graphs
    if not hints:
        return Outcome.unknown(f"{gvar.name} ranges over every finite graph: give a bound, graphs(nodes <= 6), "
                               f"or an induction, `by induction on nodes({gvar.name}) removing a source`",
                               method="induction")
    hint = hints[0]
    if hint.name != gvar.name:
        return Outcome.unknown(f"the induction is on nodes({hint.name}), but the graph variable is {gvar.name}",
                               method="induction")
    move = MOVES[read_hint(hint)[1]]
    title = f"induction on nodes({gvar.name}) {move.words}"

    bounded = _bounded(claim, gvar, limits) if not stack else Outcome(Verdict.VERIFIED)
    if bounded.verdict is Verdict.REFUTED:
        return dataclasses.replace(bounded, method=f"bounded search before the {title} "
                                                   f"(graphs with 0 to {BOUND} nodes): {bounded.method}")
    searched = (f"no counterexample up to {BOUND} nodes; " if bounded.verdict is Verdict.VERIFIED
                else f"bounded search up to {BOUND} nodes inconclusive ({bounded.reason}); ")
    searched = searched if not stack else ""

    base = _base(claim, gvar)
    if base is not None:
        return Outcome.unknown(f"base case: {base}", method=title)

    uses, facts = [], []
    names = [move.existence] if move.existence else []
    names += [n for n in claim.lemmas if n not in names]
    lemmas = []
    for name in names:
        lemma, why = _lemma(claim, name, Limits(timeout=LEMMA_SHARE * deadline.left(), memory_mb=limits.memory_mb),
                            stack)
        if lemma is None:
            return Outcome.unknown(f"the lemma {name} is not proved: {why}", method=title)
        lemmas.append(lemma)
        uses.append(f"{name} (proved here by induction)")

    unproved = [(name, why) for name, why in foundations.proved().items() if why is not None]
    if unproved:
        name, why = unproved[0]
        return Outcome.unknown(f"the graph fact {name} is not proved ({why}); the step assumes it", method=title)
    try:
        status, reason = _step(claim, gvar, move, lemmas, deadline)
    except CannotDecide as exc:
        return Outcome.unknown(f"step: {exc}", method=title)
    method = (f"{title}: {searched}base 0 nodes exact; step z3 over an arbitrary finite graph ({reason}), "
              f"from {len(foundations.FACTS)} facts about paths and sizes, each proved from the definitions "
              "of walk and size")
    if uses:
        method += "; uses: " + ", ".join(uses)
    if status == "unsat":
        return Outcome(Verdict.PROVED, method=method)
    if status == "sat":
        return Outcome.unknown("step: the claim for G - v does not give the claim for G from the facts "
                               "(z3 found a model); a stronger statement, another move or a lemma may help",
                               method=title)
    return Outcome.unknown(f"step: z3 gave no answer ({reason}); a longer --timeout, a lemma or a stronger "
                           "statement may help", method=title)


def property_of(claim: Claim, gvar) -> A.Expr:
    """P(G): the claim without its graph binder (its other outer variables bound again)."""
    body = claim.body
    if claim.hypotheses:
        body = A.Implies(A.And(tuple(claim.hypotheses), span=body.span) if len(claim.hypotheses) > 1
                         else claim.hypotheses[0], body, span=body.span)
    others = [A.Binder(v.name, "subset" if isinstance(v.sort, S.NodeSet) else "in", v.domain, span=v.span)
              for v in claim.variables if v is not gvar]
    return A.Quant("forall", tuple(others), body, span=body.span) if others else body


def _bounded(claim: Claim, gvar, limits: Limits) -> Outcome:
    from prove.backends.graph import check as bounded_check  # late: check imports this module
    span = gvar.span
    rng = A.Compare(("<=", "<="), (A.Num(0, span=span), A.Name("nodes", span=span), A.Num(BOUND, span=span)),
                    span=span)
    domain = A.SetDomain(A.Call(A.Name("graphs", span=span), (rng,), span=span), span=span)
    var = dataclasses.replace(gvar, sort=S.Graph(0, BOUND, True), domain=domain)
    variables = tuple(var if v is gvar else v for v in claim.variables)
    sub = dataclasses.replace(claim, variables=variables)
    return bounded_check.check(sub, Limits(timeout=BOUNDED_SHARE * float(limits.timeout),
                                           memory_mb=limits.memory_mb))


def _base(claim: Claim, gvar):
    """None when the claim holds of the empty graph (plain evaluation), else why not."""
    env = {gvar.name: GE.GraphValue.make(0, ())}
    others = [(v.name, A.Binder(v.name, "subset" if isinstance(v.sort, S.NodeSet) else "in", v.domain, span=v.span))
              for v in claim.variables if v is not gvar]

    def every(i, env):
        if i == len(others):
            return GE.claim_holds(claim.hypotheses, claim.body, env)
        name, binder = others[i]
        return all(every(i + 1, {**env, name: value}) for value in GE.domain_values(binder, env))
    try:
        return None if every(0, env) else "the claim fails on the empty graph"
    except GE.NotEvaluable as exc:
        return f"the plain evaluator cannot decide it on the empty graph: {exc}"


def _lemma(claim: Claim, name: str, limits: Limits, stack: tuple):
    """(the lemma's claim, "") once it is proved by induction here, else (None, why)."""
    if name in stack:
        return None, "it is used in its own proof"
    cited = claim.lemmas.get(name)
    lemma = cited.claim if cited is not None else None
    if lemma is None:
        return None, cited.reason if cited is not None else f"{name} is not cited"
    graphs = [v for v in lemma.variables if isinstance(v.sort, S.Graph)]
    if len(graphs) != 1 or not graphs[0].sort.every:
        return None, "only lemmas about every finite graph (`forall G in graphs`) are used in an induction step"
    key = (lemma.path, lemma.name, repr(lemma.decl.body))
    if key not in _PROVED:
        outcome = check(lemma, limits, stack + (claim.name,))
        if outcome.verdict is not Verdict.PROVED:
            return None, outcome.reason or outcome.verdict.value
        _PROVED[key] = outcome.method
    return lemma, ""


def step_query(claim: Claim, gvar, move, lemmas, drop_hypothesis: bool = False, skip=frozenset(),
               goal: bool = True):
    """The negated step as a list of Z3 assertions; tests run its twin checks (without the
    induction hypothesis, without the negated goal)."""
    t = Translator(skip=frozenset(skip))
    g = t.base_graph(gvar.name)
    v = t.node("removed")
    t.removed.append(v)
    gm = t.minus(g, v)
    facts = [g.mem(v)]
    if move.kind != "node":
        u, w = t.node("u"), t.node("w")

        def kind(x):
            into = g.edge(w, x) if move.kind == "source" else g.edge(x, w)
            return z3.And(g.mem(x), z3.ForAll([w], z3.Not(into)))
        facts.append(z3.Implies(z3.Exists([u], kind(u)), kind(v)))
    prop = property_of(claim, gvar)
    if not drop_hypothesis:
        facts.append(t.formula(prop, {gvar.name: gm}, +1))
    for lemma in lemmas:
        (lvar,) = [x for x in lemma.variables if isinstance(x.sort, S.Graph)]
        lprop = property_of(lemma, lvar)
        facts += [t.formula(lprop, {lvar.name: h}, +1) for h in (g, gm)]
    if goal:
        facts.append(z3.Not(t.formula(prop, {gvar.name: g}, -1)))
    facts += t.resolve_deferred()
    return t.facts + facts


# The step is tried with every fact and with a part of them (fewer true
# sentences: an `unsat` is still a proof, a `sat` is not a counterexample), and
# with model-based instantiation alone or with E-matching too: measured, each
# attempt closes steps the others time out on.
_CORE = frozenset({"size", "path_first_edge", "remove_into", "remove_out_of", "remove_loop"})
_SMALL = _CORE | {"remove_avoid_or_split"}
# (name, facts left out, E-matching on, random seed)
_MBQI_SMALL = ("path facts and a path of G - v is one of G, model-based instantiation", _SMALL, False, 0)
_MBQI_SMALL2 = ("the same, another random seed", _SMALL, False, 1)
_MBQI_CORE = ("path and removal facts, model-based instantiation", _CORE, False, 0)
_EMATCH_ALL = ("all facts, e-matching and model-based instantiation", frozenset(), True, 0)
_MBQI_ALL = ("all facts, model-based instantiation", frozenset(), False, 0)


def attempts(claim: Claim) -> tuple:
    """The attempts in the order that measured fastest: steps with orders or node
    sets need the size facts and the instances E-matching finds; the others
    close with model-based instantiation over the path and removal facts."""
    second_order = any(isinstance(v.sort, (S.Order, S.NodeSet)) for v in claim.variables) or any(
        isinstance(n, A.Binder) and isinstance(n.domain, A.SetDomain) and isinstance(n.domain.expr, A.Call)
        and isinstance(n.domain.expr.func, A.Name) and n.domain.expr.func.id == "orders"
        for e in (claim.body, *claim.hypotheses) for n in _binders(e))
    if second_order:
        return _EMATCH_ALL, _MBQI_ALL, _MBQI_CORE
    return _MBQI_SMALL, _MBQI_SMALL2, _MBQI_CORE, _EMATCH_ALL, _MBQI_ALL


def _binders(e: A.Expr):
    for n in A.walk(e):
        if isinstance(n, A.Quant):
            yield from n.binders


def _step(claim: Claim, gvar, move, lemmas, deadline):
    """The step for each part of the claim (`A <-> B` is A -> B and B -> A; each part is a
    claim about every finite graph, proved by its own induction), as `_step_one`."""
    from prove.backends.graph.check import split_goals  # late: check imports this module
    goals = split_goals(claim.body)
    used = []
    for k, goal in enumerate(goals):
        part = dataclasses.replace(claim, body=goal)
        status, reason = _step_one(part, gvar, move, lemmas, deadline.share(1 / (len(goals) - k)))
        if status != "unsat":
            where = f"part {k + 1} of {len(goals)}: " if len(goals) > 1 else ""
            return status, where + reason
        used.append(reason)
    return "unsat", "; ".join(dict.fromkeys(used)) + (f"; {len(goals)} parts" if len(goals) > 1 else "")


def attempt(query: list, ematching: bool, seed: int, timeout_ms: int):
    """(Z3's answer, the solver) for one attempt at a step, bounded by ATTEMPT_RLIMIT: the same
    work in every process, whatever ran before it (`solver_from_text`)."""
    s = solver_from_text(query, ATTEMPT_RLIMIT, timeout_ms, **{"smt.ematching": ematching, "smt.random_seed": seed})
    return s.check(), s


def _step_one(claim: Claim, gvar, move, lemmas, deadline):
    """("unsat", attempt) | ("sat", "") | ("unknown", reasons)."""
    reasons, saw_sat = [], False
    tries = attempts(claim)
    for k, (name, skip, ematching, seed) in enumerate(tries):
        if deadline.passed():
            reasons.append(f"{name}: time limit")
            break
        # wall time, which load stretches: the runner's own cap; the work is bounded by ATTEMPT_RLIMIT
        r, s = attempt(step_query(claim, gvar, move, lemmas, skip=skip), ematching, seed,
                       deadline.z3_ms() * int(WALL_CAP))
        if r == z3.unsat:
            return "unsat", name
        if r == z3.sat and not skip:  # a model of every fact: the step does not follow from them
            saw_sat = True
            break
        reasons.append(f"{name}: {'a model of the part' if r == z3.sat else s.reason_unknown()}")
    return ("sat", "") if saw_sat else ("unknown", "; ".join(reasons))
