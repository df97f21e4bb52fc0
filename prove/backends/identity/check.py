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

No step here sets a deadline or a solver timeout of its own: the claim's
time limit bounds the whole check from outside (the runner), and a check cut
short is `unknown`, never a verdict.
"""

from __future__ import annotations

from prove.backends.base import Limits
from prove.claim import Claim
from prove.backends.identity import concrete
from prove.backends.identity import symbolic
from prove.backends.identity import transcendental
from prove.backends.identity.sympy_translate import Untranslatable
from prove.verdict import Outcome, Verdict


def check(claim: Claim, limits: Limits = Limits()) -> Outcome:
    try:
        outcome = _check(claim)
    except Untranslatable as exc:
        return Outcome.unknown(str(exc), method="sympy")
    if outcome.verdict is Verdict.UNKNOWN:  # an inequality with exp or log left open
        return transcendental.attempt(claim, limits) or outcome
    return outcome


def _check(claim: Claim) -> Outcome:
    outcome = symbolic.attempt(claim)  # any n, or many index instances: indexed symbols and sums
    if outcome is not None:
        return outcome
    return concrete.check_instances(claim, concrete.dim_range(claim))
