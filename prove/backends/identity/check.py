"""The SymPy backend for identities (section 1 of the brief), in concrete sizes.

An identity `lhs = rhs` is proved when the difference of the two sides
reduces to 0 by exact, assumption-free rewriting (expand, together, cancel,
then simplify), and the difference is then also evaluated at random exact
points: a simplifier that wrongly says 0 is caught there.  A claim is
refuted only at a point where the difference is certified non-zero by
`evalf(strict=True)` and, re-translated from the syntax tree, the two sides
are seen to differ.  A symbolic dimension `n` is instantiated for the first
eight sizes its bounds allow and the verdict is `verified` with the sizes
checked (`proved` when that was its whole, finite range).

Comparisons (`x^2 >= 0`, AM-GM, Cauchy-Schwarz in R^3, `abs(x) >= 0`) that
SymPy neither proves nor refutes go to Z3 (`polynomial`: the negation unsat
over the reals, in every instance, with a deadline from the claim's limits);
a rational model Z3 finds instead is re-checked exactly from the syntax tree
before it refutes.  A `by z3` hint tries Z3 first; on a claim Z3 does not
take, the hint is refused with a note in the method or reason, never dropped.
Apart from Z3's calls, no step here sets a deadline of its own: the claim's
time limit bounds the whole check from outside (the runner), and a check cut
short is `unknown`, never a verdict.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from prove import ast as A
from prove.backends.base import Limits
from prove.claim import Claim
from prove.backends.identity import concrete
from prove.backends.identity import logic
from prove.backends.identity import points
from prove.backends.identity import polynomial
from prove.backends.identity import symbolic
from prove.backends.identity import transcendental
from prove.backends.identity.sympy_translate import Untranslatable
from prove.verdict import Outcome, Verdict

Z3_SHARE = 0.6  # of the claim's time: the Z3 route ends by then


def check(claim: Claim, limits: Limits = Limits()) -> Outcome:
    by_z3 = any(h.kind == "by" and h.name == "z3" for h in claim.hints)
    return check_hinted(claim, limits, by_z3)


def check_hinted(claim: Claim, limits: Limits, by_z3: bool) -> Outcome:
    """The check, with Z3 first when a `by z3` hint asks for it (a claim's own
    hint, or a calc step's)."""
    deadline = limits.deadline(Z3_SHARE)  # from the start: SymPy's time counts against it
    route = None
    if by_z3:
        route = polynomial.prove(claim, deadline)
        if route.outcome is not None:
            return route.outcome
    try:
        outcome = logic.attempt(claim, limits)  # or, not, iff, exists, nested forall, vector !=
        if outcome is not None:
            return outcome
        outcome = _check(claim, limits)
        if outcome.verdict is Verdict.UNKNOWN:  # an inequality with exp or log left open
            outcome = transcendental.attempt(claim, limits) or outcome
    except Untranslatable as exc:
        outcome = Outcome.unknown(str(exc), method="sympy")
    if outcome.verdict is Verdict.UNKNOWN and (by_z3 or _compares(claim)):
        if route is None:
            route = polynomial.prove(claim, deadline)
            if route.outcome is not None:
                return route.outcome
        if route.candidate is not None:
            inst, goal, point = route.candidate
            found = points.refutation(claim, inst, goal, points.complete(point, inst),
                                      "z3: a model of the negation, evaluated exactly")
            if found.verdict is Verdict.REFUTED:
                return found
        whole = _whole_formula(claim, limits)
        if whole is not None:
            return whole
        outcome = replace(outcome, reason=f"{outcome.reason}; {_said(route, by_z3)}")
    elif outcome.verdict is Verdict.UNKNOWN:
        whole = _whole_formula(claim, limits)
        if whole is not None:
            return whole
    elif by_z3:
        outcome = replace(outcome, method=f"{outcome.method}; {_said(route, by_z3)}")
    return outcome


def _whole_formula(claim: Claim, limits: Limits) -> Optional[Outcome]:
    """The logic part's Z3 route over the whole formula (`x^2 < 1 -> x < 1`), for
    what the comparison route left open; None when it decides nothing either."""
    try:
        alt = logic.check_formula(claim, limits.deadline(0.3))
    except Untranslatable:
        return None
    return alt if alt.verdict is not Verdict.UNKNOWN else None


def _said(route: polynomial.Z3Route, by_z3: bool) -> str:
    if not by_z3:
        return f"z3: {route.note}"
    if route.refused:
        return f"by z3: refused, not a claim Z3 takes ({route.note})"
    return f"by z3: tried first, {route.note}"


def _compares(claim: Claim) -> bool:
    """Whether the claim states an inequality anywhere (Z3 adds nothing to
    an equation SymPy could not reduce)."""
    return any(isinstance(n, A.Compare) and any(op != "=" for op in n.ops) for n in A.walk(claim.body))


def _check(claim: Claim, limits: Limits) -> Outcome:
    outcome = symbolic.attempt(claim)  # any n, or many index instances: indexed symbols and sums
    if outcome is not None:
        return outcome
    return concrete.check_instances(claim, concrete.dim_range(claim), limits)
