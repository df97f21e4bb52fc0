"""The audit's search: a claim evaluated at seeded points of each instance.

For each instance of the plan (`instances`), the claim's hypotheses and body
become formulas (`translate`; a calc chain is each step and, where the steps
compose, the chain from its first line to its last).  Equation hypotheses
linear in one unknown are solved exactly for it, so sampled points satisfy
them; the other unknowns take the critical points of the instance's functions
first, then seeded rationals p/q with q up to 10^4, of both signs, magnitudes
from 1e-3 to 1e3.  Each point is judged by `evaluate`.

Soundness: a refutation is reported only when the claim fails at a point by
certified evaluation and the failure is confirmed a second time by exact
substitution and strict `evalf` alone.  A point where a side is undefined or
a hypothesis fails is skipped; one that cannot be certified makes the finding
`uncertain`; a search cut short by its deadline says `incomplete (time)`.
Nothing here comes from a backend, so the audit stays independent of them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Optional

import sympy as sp
from sympy.core.parameters import evaluate as sympy_evaluate

from prove import ast as A
from prove.audit import evaluate as E
from prove.audit import numeric as N
from prove.audit.calculus import derivative
from prove.audit.finding import Finding
from prove.audit.instances import SampledInstance, plan, random_rational
from prove.audit.translate import AuditTranslator
from prove.audit.values import Atom, Conn, Const
from prove.backends.base import Deadline
from prove.claim import Family

# ---------------------------------------------------------- formulas to check


@dataclass
class InstanceGoal:
    hypotheses: list  # formulas
    body: object  # formula
    equations: list  # (symbol, expr = 0) to solve for, in order


def _goal(claim, inst: SampledInstance) -> InstanceGoal:
    t = AuditTranslator(inst.env)
    # Unevaluated construction: fast, and `x/x` stays x/x with its condition x != 0.
    with sympy_evaluate(False):
        hyps = [t.formula(h, "a hypothesis") for h in claim.hypotheses]
        body = _calc(t, claim.body) if isinstance(claim.body, A.Calc) else t.formula(claim.body)
    return InstanceGoal(hyps, body, _equations(hyps, inst.symbols))


def _calc(t: AuditTranslator, calc: A.Calc):
    prev_value, prev_conds = _with_conds(t, calc.first)
    first = (prev_value, prev_conds)
    atoms, rels, extra = [], [], []
    for step in calc.steps:
        if isinstance(step, A.CalcWhere):
            value, conds = _with_conds(t, step.expr)
            t.env[step.name] = value  # an abbreviation, for the lines after it only
            extra.extend(conds)
            continue
        value, conds = _with_conds(t, step.rhs)
        conds = tuple(conds) + tuple(extra)
        atoms.append(_relation(t, step.rel, prev_value, value, prev_conds + conds,
                               f"the step at line {step.span.line}"))
        rels.append(step.rel)
        prev_value, prev_conds = value, conds
    whole = _chain_relation(rels)
    if whole and len(atoms) > 1:
        atoms.append(_relation(t, whole, first[0], prev_value, first[1] + prev_conds,
                               "the chain from its first line to its last"))
    return Conn("and", tuple(atoms))


def _with_conds(t: AuditTranslator, e) -> tuple:
    saved, t.conds = t.conds, []
    value = t.value(e)
    conds, t.conds = tuple(t.conds), saved
    return value, conds


def _relation(t: AuditTranslator, op: str, a, b, conds, label: str):
    xs, ys = t._sides(a, b)
    return Atom(tuple((op, x, y) for x, y in zip(xs, ys)), tuple(conds), label)


def _chain_relation(rels: list) -> Optional[str]:
    strict = any(r in ("<", ">") for r in rels)
    ups = {r for r in rels if r in ("<", "<=")}
    downs = {r for r in rels if r in (">", ">=")}
    if any(r not in ("=", "<", "<=", ">", ">=") for r in rels) or (ups and downs):
        return None
    if ups:
        return "<" if strict else "<="
    if downs:
        return ">" if strict else ">="
    return "="


def _atoms(f):
    if isinstance(f, Atom):
        yield f
    elif isinstance(f, Conn) and f.kind == "and":
        for p in f.parts:
            yield from _atoms(p)


def _equations(hyps: list, symbols: list) -> list:
    """Equation hypotheses solved for one unknown each (linear in it), so that
    sampled points satisfy them: [(symbol, its coefficient, the rest)]."""
    order = {s: i for i, s in enumerate(symbols)}
    used: set = set()
    seen: set = set()
    out = []
    for h in hyps:
        for atom in _atoms(h):
            if atom.any_ne:
                continue
            for op, a, b in atom.pairs:
                if op != "=":
                    continue
                d = a - b
                free = [s for s in d.free_symbols if s in order]
                candidates = []
                for s in free:
                    if s in used or s in seen:
                        continue
                    coef = derivative(d, s, {})
                    if s not in coef.free_symbols:
                        candidates.append((order[s], s, coef))
                seen.update(free)
                if candidates:
                    _, s, coef = max(candidates, key=lambda c: c[0])
                    used.add(s)
                    out.append((s, coef, d.xreplace({s: sp.Integer(0)})))
    return out


# ----------------------------------------------------------------- the search


def _solve(goal: InstanceGoal, values: dict) -> bool:
    """Fix each solved unknown so that its equation holds exactly; False if one cannot."""
    for s, coef, rest in goal.equations:
        c, r = coef.xreplace(values), rest.xreplace(values)
        if not (c.is_Rational and r.is_Rational) or c == 0:
            return False
        values[s] = -r / c
    return True


def _point(inst: SampledInstance, goal: InstanceGoal, rng: random.Random, k: int) -> dict:
    solved = {s for s, _, _ in goal.equations}
    values = {}
    for j, s in enumerate(inst.symbols):
        if s in solved:
            values[s] = sp.Integer(0)
        elif k < len(inst.special):
            values[s] = inst.special[(k + j) % len(inst.special)]
        else:
            values[s] = random_rational(rng, moderate=k % 3 == 0)
    return values


def _evaluate(goal: InstanceGoal, values: dict, exact_only: bool = False):
    pt = E.Point(values, exact_only)
    for h in goal.hypotheses:
        r = E.holds(h, pt)
        if r is not True:
            return "skip" if r in (False, E.UNDEFINED) else E.UNCERTAIN, pt
    return E.holds(goal.body, pt), pt


def _reason(goal: InstanceGoal, pt: E.Point) -> str:
    bad = E.failing_atom(goal.body, pt)
    where = f" ({bad.label})" if getattr(bad, "label", "") and bad.label != "a hypothesis" else ""
    if isinstance(bad, Atom) and len(bad.pairs) == 1:
        op, a, b = bad.pairs[0]
        return (f"the left side is about {N.approx(a, pt.values)} and the right side about "
                f"{N.approx(b, pt.values)}{where}")
    if isinstance(bad, Atom):
        for op, a, b in bad.pairs:
            if pt.compare(op, a, b) is False:
                return (f"an entry of the left side is about {N.approx(a, pt.values)} and of the right side "
                        f"about {N.approx(b, pt.values)}{where}")
    if bad is not None and hasattr(bad, "name"):
        return f"{bad.name}(...) does not hold there"
    return "the claim does not hold there" + where


def search(claim, points: int, deadline: Optional[Deadline], bound: Optional[str],
           rng: random.Random) -> Finding:
    """The finding of the seeded search over the claim's instances and points."""
    instances = plan(claim, rng, bound)
    if not instances:
        return Finding("not_applicable", reason="no size inside the verdict's bound")
    agree = skipped = undefined = 0
    uncertain = ""
    analysis = claim.family is Family.ANALYSIS
    for inst in instances:
        goal = _goal(claim, inst)
        if any(isinstance(h, Const) and not h.value for h in goal.hypotheses):
            continue
        if not inst.symbols:
            per, tries = 1, 1
        else:
            per = max(2, min(3, len(inst.special))) if analysis else max(2, math.ceil(points / len(instances)))
            if _pairs(goal.body) > 8:  # a vector or matrix claim: each point checks every entry
                per = max(2, per // 2)
            tries = 4 * per
        done = 0
        for k in range(tries):
            if done >= per:
                break
            if deadline is not None and deadline.passed():
                return _finish(agree, skipped, undefined, uncertain, timed_out=True)
            values = _point(inst, goal, rng, k)
            if not _solve(goal, values):
                skipped += 1
                continue
            try:
                result, pt = _evaluate(goal, values)
            except N.TooLarge:
                continue
            if result == "skip":
                skipped += 1
            elif result == E.UNDEFINED:
                undefined += 1
            elif result == E.UNCERTAIN:
                uncertain = uncertain or _where(inst, values)
            elif result is True:
                agree += 1
                done += 1
            else:
                confirmed = _confirm(goal, values)
                if confirmed:
                    witness = {name: show(values) for name, show in inst.shown.items()}
                    return Finding("refuted", witness=witness, reason=_reason(goal, pt), points=agree + 1)
                uncertain = uncertain or _where(inst, values)
    return _finish(agree, skipped, undefined, uncertain)


def _pairs(f) -> int:
    if isinstance(f, Atom):
        return len(f.pairs)
    if isinstance(f, Conn):
        return sum(_pairs(p) for p in f.parts)
    return 1


def _confirm(goal: InstanceGoal, values: dict) -> bool:
    """The failure again, by exact substitution and strict evalf only."""
    try:
        result, _ = _evaluate(goal, values, exact_only=True)
    except N.TooLarge:
        return False
    return result is False


def _where(inst: SampledInstance, values: dict) -> str:
    return ", ".join(f"{name} = {show(values)}" if not show(values).startswith(f"{name}(") else show(values)
                     for name, show in inst.shown.items())


def _finish(agree: int, skipped: int, undefined: int, uncertain: str, timed_out: bool = False) -> Finding:
    if uncertain:
        return Finding("uncertain", points=agree,
                       reason=f"the claim could not be evaluated with certainty at {uncertain}")
    if timed_out:
        return Finding("agrees" if agree else "not_applicable", points=agree, reason="incomplete (time)")
    if agree:
        return Finding("agrees", points=agree)
    if skipped:
        return Finding("not_applicable", reason="no sampled point satisfies the hypotheses")
    if undefined:
        return Finding("not_applicable", reason="a side is undefined at every sampled point")
    return Finding("not_applicable", reason="nothing to evaluate")
