"""Exact points of a concrete instance, its goals decided there, and a
refutation with its witness in the claim language and an independent re-check.

Points are exact rationals, the simplest first (all 0, all 1, then a seeded
draw from a small pool), completed by the unknowns that equality hypotheses
solved, then boundary points (`boundary`: where a hypothesis or the goal
holds with equality).  A goal whose two sides are exact rationals at a point
is decided exactly (so `x^2 > 0` fails at x = 0); otherwise from 30 certified
digits (`evalf(strict=True)`, via `exact.value_at`): a difference above 1e-20
is a difference, equality to 30 digits is never taken as a proof.

Soundness: a refutation stands only after `_recheck` translates the claim
again from its syntax tree, puts the witness in, finds every hypothesis
holding exactly and no hypothesis or premise undefined there
(`undefined.outside_domain`), and some goal failing.
"""

from __future__ import annotations

import itertools
import random
from typing import Optional

import sympy as sp

from prove.backends.base import Deadline, Limits
from prove.claim import Claim
from prove.relations import holds
from prove.backends.identity import boundary
from prove.backends.identity import region
from prove.backends.identity.exact import certainly_nonzero, not_real, show_number, value_at
from prove.backends.identity.instances import (
    Goal, Instance, add_hypothesis, all_symbols, apply_solved, goals_of, make_instance,
)
from prove.backends.identity.sympy_translate import ToSympy, is_matrix
from prove.backends.identity.undefined import outside_domain
from prove.figure import sides_figure
from prove.verdict import Outcome, Verdict

POOL = [sp.Integer(v) for v in (0, 1, -1, 2, -2, 3)] + [sp.Rational(1, 2), sp.Rational(-1, 2),
                                                         sp.Rational(1, 3), sp.Rational(3, 2)]
CROSS_CHECKS = 3
SEARCH_POINTS = 40
POINT_METHOD = "sympy: exact evaluation at a point"
REGION_METHOD = "z3: a point inside the hypotheses, refined to simple rationals; sympy: exact evaluation there"
REGION_SHARE = 0.3  # of the claim's time, for the Z3 models of the hypotheses when no limits are passed


def points(inst: Instance, count: int, seed: int):
    """Exact rational points, the simplest first."""
    syms = [s for s in all_symbols(inst) if s not in inst.solved]
    if not syms:
        yield {}
        return
    for v in (sp.Integer(0), sp.Integer(1)):
        yield {s: v for s in syms}
    rng = random.Random(seed)
    for k in range(count):
        width = 3 if k < count // 2 else len(POOL)
        yield {s: POOL[rng.randrange(width)] for s in syms}


def complete(point: dict, inst: Instance) -> dict:
    full = dict(point)
    for s, expr in inst.solved.items():
        full[s] = expr.xreplace(point)
    return full


def number_at(e, point: dict, digits: int = 30):
    """`value_at`, or None when the value is not a number: with an abstract
    function left in (`h(0) - 1`) nothing is decided at the point."""
    v = value_at(e, point, digits)
    return v if v is not None and v.is_Number else None


def exact_sides(goal: Goal, point: dict) -> Optional[tuple]:
    """Both sides as exact rationals when substituting the rational point
    leaves nothing but a rational number (polynomials, rational functions at
    a non-pole, sqrt(4)); else None.  No float is involved."""
    sides = []
    for side in (goal.lhs, goal.rhs):
        value = side.xreplace(point) if isinstance(side, sp.Basic) else side
        if isinstance(value, int):
            value = sp.Integer(value)
        if not isinstance(value, sp.Rational):
            return None
        sides.append(value)
    return tuple(sides)


def holds_at(goal: Goal, point: dict) -> Optional[bool]:
    """True/False when the goal's relation is decided at point, else None.
    Exact rational sides decide every relation exactly (x^2 > 0 is false at
    x = 0); otherwise 30 certified digits decide only a clear difference."""
    exact = exact_sides(goal, point)
    if exact is not None:
        return bool(holds(exact[0], goal.rel, exact[1]))
    a, b = number_at(goal.lhs, point), number_at(goal.rhs, point)
    if a is None or b is None:
        if goal.rel == "=" and (a is None) != (b is None) and not_real(goal.lhs if a is None else goal.rhs, point):
            return False  # one side is a real number, the other is not (log(-1))
        return None
    diff = a - b
    tol = sp.Float(10) ** -20
    if goal.rel == "=":
        if abs(diff) > tol:
            return False
        return None  # equal to 30 digits is not a proof of equality
    if goal.rel == "!=":
        return True if abs(diff) > tol else None
    if abs(diff) <= tol:
        return None if goal.rel in ("<", ">") else True
    return bool({"<": diff < 0, "<=": diff < 0, ">": diff > 0, ">=": diff > 0}[goal.rel])


def conditions_hold(inst: Instance, point: dict) -> bool:
    for a, op, b in inst.conditions:
        g = Goal(a, b, op, inst.values)
        if op == "=":
            va, vb = number_at(a, point, 40), number_at(b, point, 40)
            if va is None or vb is None or abs(va - vb) > sp.Float(10) ** -30:
                return False
            continue
        if holds_at(g, point) is not True:
            return False
    return True


def search(goal: Goal, inst: Instance, claim: Claim, deadline: Optional[Deadline] = None) -> Optional[dict]:
    return search_how(goal, inst, claim, deadline)[0]


def search_how(goal: Goal, inst: Instance, claim: Claim, deadline: Optional[Deadline] = None) -> tuple:
    """(point, how it was found) or (None, ""): the simplest points first, then
    points inside the hypotheses' region (`region.inside`: a Z3 model refined
    to simple rationals)."""
    solved = Goal(apply_solved(goal.lhs, inst), apply_solved(goal.rhs, inst), goal.rel, goal.instance)
    tagged = itertools.chain(((p, POINT_METHOD) for p in points(inst, SEARCH_POINTS, seed=17)),
                             ((p, REGION_METHOD) for p in _in_region(solved, inst, deadline)))
    for point, how in tagged:
        full = complete(point, inst)
        if not conditions_hold(inst, full):
            continue
        if holds_at(solved, point) is False:
            return full, how
    point = _search_boundary(goal, inst)
    return (point, POINT_METHOD) if point is not None else (None, "")


def _in_region(goal: Goal, inst: Instance, deadline: Optional[Deadline]):
    syms = [s for s in all_symbols(inst) if s not in inst.solved]
    # only where hypotheses restrict the points: a claim without them is searched by the pool alone
    if not syms or not inst.conditions or is_matrix(goal.lhs) or is_matrix(goal.rhs):
        return
    conds = [(apply_solved(a, inst), op, apply_solved(b, inst)) for a, op, b in inst.conditions
             if not (is_matrix(a) or is_matrix(b))]
    yield from region.inside(syms, conds, deadline or Limits().deadline(REGION_SHARE),
                             (goal.lhs, goal.rel, goal.rhs))


def _search_boundary(goal: Goal, inst: Instance) -> Optional[dict]:
    """After the usual points: where a hypothesis or the goal holds with
    equality (x = 0 for x >= 0, a = b for a^2 + b^2 > 2ab), exact rationals."""
    lhs, rhs = apply_solved(goal.lhs, inst), apply_solved(goal.rhs, inst)
    reduced = Goal(lhs, rhs, goal.rel, goal.instance)
    free = [s for s in all_symbols(inst) if s not in inst.solved]
    for point in boundary.points(reduced, inst.conditions, free, inst.solved):
        full = complete(point, inst)
        if conditions_hold(inst, full) and holds_at(reduced, point) is False:
            return full
    return None


def cross_check(goal: Goal, inst: Instance, claim: Claim) -> Optional[dict]:
    d = apply_solved(goal.lhs - goal.rhs, inst)
    for point in itertools.islice(points(inst, CROSS_CHECKS + 4, seed=99), 2, 2 + CROSS_CHECKS):
        full = complete(point, inst)
        if not conditions_hold(inst, full):
            continue
        if certainly_nonzero(d, point):
            return full
    return None


def refutation(claim: Claim, inst: Instance, goal: Goal, point: dict, method: str) -> Outcome:
    shown = witness(claim, inst, point)
    if not _recheck(claim, inst.values, point):
        return Outcome.unknown("a counterexample was found but did not survive the independent re-check "
                               f"({describe_instance(inst.values)})", method="sympy")
    return Outcome(Verdict.REFUTED, method=method + ", re-checked", witness=shown,
                   reason=why_it_fails(goal, point), figure=_figure(goal, point))


def _figure(goal: Goal, point: dict):
    """Both sides and the witness, for the report's picture along a line through it."""
    if is_matrix(goal.lhs) or is_matrix(goal.rhs):
        return None
    lhs, rhs = (sp.Integer(e) if isinstance(e, int) else e for e in (goal.lhs, goal.rhs))
    if not (isinstance(lhs, sp.Basic) and isinstance(rhs, sp.Basic)):
        return None
    free = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    if not free or any(s not in point or not getattr(point[s], "is_Rational", False) for s in free):
        return None
    return sides_figure([s.name for s in free], lhs, rhs, [point[s] for s in free],
                        label=goal.entry and f"entry {goal.entry}")


def why_it_fails(goal: Goal, point: dict) -> Optional[str]:
    """Say so when a side is not a real number at the witness (log of a
    negative number): a student would otherwise see two 'equal' formulas."""
    full = {**point}
    left, right = value_at(goal.lhs, full), value_at(goal.rhs, full)
    where = f" ({goal.entry})" if goal.entry else ""
    if left is None and right is not None:
        return f"the left side is not a real number at this point{where}"
    if right is None and left is not None:
        return f"the right side is not a real number at this point{where}"
    if left is not None and right is not None and goal.rel == "=":
        return (f"the left side is {_shown(goal.lhs, left, full)} and the right side "
                f"{_shown(goal.rhs, right, full)}{where}")
    return None


def _shown(expr, approx, point: dict) -> str:
    """The exact value when it is rational, else 12 certified digits, said as such."""
    exact = expr.xreplace(point) if hasattr(expr, "xreplace") else expr
    if isinstance(exact, int):  # an index or size variable's own value
        exact = sp.Integer(exact)
    if isinstance(exact, sp.Rational):
        return show_number(exact)
    return f"about {sp.Float(approx, 12)}"




def _recheck(claim: Claim, values: dict, point: dict) -> bool:
    """Translate the claim again from its syntax tree, put the witness in, and
    evaluate each side on its own: some goal must fail there."""
    inst = make_instance(claim, values)
    tr = ToSympy(inst.env)
    for hyp in claim.hypotheses:
        add_hypothesis(hyp, tr, inst)
    if inst.vacuous:
        return False
    goals = goals_of(claim.body, tr, inst)  # an implication's premises join the conditions
    named = {s.name: v for s, v in point.items()}
    concrete = {s: named[s.name] for s in all_symbols(inst) if s.name in named}
    if not conditions_hold(inst, concrete):  # equations, inequalities, det(A) != 0
        return False
    for sym, expr in inst.solved.items():
        # the solved unknowns were given values that satisfy the hypotheses
        va = number_at(sym - expr, concrete, 40)
        if va is None or abs(va) > sp.Float(10) ** -30:
            return False
    if outside_domain(claim, inst.env, concrete):
        return False
    for g in goals:
        if holds_at(g, concrete) is False:
            return True
    return False


def witness(claim: Claim, inst: Instance, point: dict) -> dict:
    out = {}
    by_name = {s.name: v for s, v in point.items()}
    for v in claim.variables:
        if v.name in inst.values:
            out[v.name] = str(inst.values[v.name])
            continue
        value = inst.symbols.get(v.name)
        if value is None:
            continue
        if is_matrix(value):
            rows = [[show_number(by_name.get(s.name, s)) for s in value.row(i)] for i in range(value.shape[0])]
            if value.shape[1] == 1:
                out[v.name] = "[" + ", ".join(r[0] for r in rows) + "]"
            else:
                out[v.name] = "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"
        else:
            out[v.name] = show_number(by_name.get(value.name, value))
    return out


def describe_instance(values: dict) -> str:
    if not values:
        return ""
    return " at " + ", ".join(f"{k} = {v}" for k, v in values.items())
