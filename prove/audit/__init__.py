"""An independent audit of every `proved` and `verified` verdict.

Before such a verdict is reported, the claim as written (its elaborated
syntax tree: variables, `where` hypotheses and body; never the form a
backend rewrote, never a hint) is translated again by this package's own
evaluator (`translate`, which imports nothing from the backends) and
evaluated at seeded pseudo-random points that the refutation search does not
use: rationals p/q with q up to 10^4, of both signs, magnitudes from 1e-3 to
1e3.  Sizes `n >= 1` are instantiated at a few concrete sizes (inside the
bound of a `verified` verdict), index variables at all or a sample of their
values, abstract functions `f: R^k -> R^m` at concrete smooth functions
(polynomials, sin, exp with rational coefficients), and polynomial families
in one variable at sparse and random members with their critical points
among the points.  Graph claims go to `prove.audit.graphs`.

Soundness: a refutation is reported only when the claim fails at a point by
certified evaluation (intervals or exact arithmetic, see `numeric`) and the
failure is confirmed a second time by exact substitution and strict `evalf`
alone.  A point where a side is undefined or a hypothesis fails is skipped;
one whose value cannot be certified makes the finding `uncertain`.  What the
audit cannot evaluate (predicates of functions of several variables or of
non-polynomial functions, quantifiers inside a claim) is `not_applicable`,
never a refutation.  The seed is a hash of the claim's syntax tree, so two
runs evaluate the same points.

The package: `instances` plans what to evaluate at, `translate` (with
`values` and `calculus`) reads the claim, `points` searches the points,
`evaluate` and `numeric` judge each one, `graphs` audits graph claims, and
this module turns a finding into the verdict reported.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from typing import Optional

from prove.audit import points as P
from prove.audit.finding import Finding, describe
from prove.audit.values import NotAudited
from prove.backends.base import Deadline
from prove.claim import Family

__all__ = ["Finding", "audit", "describe", "examine", "seed_of"]


def seed_of(claim) -> int:
    """The seed of a claim's points: a hash of its name and syntax tree."""
    text = f"{claim.name}\n{claim.decl.body!r}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def examine(claim, *, points: int = 12, deadline: Optional[Deadline] = None,
            bound: Optional[str] = None) -> Finding:
    """Evaluate the claim as written at seeded points; see the module docstring."""
    rng = random.Random(seed_of(claim))
    try:
        if claim.family is Family.GRAPH:
            from prove.audit import graphs

            return graphs.examine(claim, rng, deadline)
        return P.search(claim, points, deadline, bound, rng)
    except NotAudited as exc:
        return Finding("not_applicable", reason=str(exc))
    except RecursionError:
        return Finding("not_applicable", reason="the claim is too deeply nested")
    except Exception as exc:  # a bug of the audit: the verdict cannot be said audited
        return Finding("failed", reason=f"the audit failed: {type(exc).__name__}: {exc}")


def audit(claim, outcome, limits, *, deadline: Optional[Deadline] = None):
    """A `proved` or `verified` outcome after the audit; other outcomes unchanged.
    Without a deadline the audit takes a quarter of the claim's time limit."""
    from prove.verdict import Outcome, Verdict

    if outcome.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return outcome
    if deadline is None:
        deadline = limits.deadline(share=0.25)
    finding = examine(claim, deadline=deadline, bound=outcome.bound)
    said = outcome.verdict.value
    if finding.status == "refuted":
        return Outcome(Verdict.REFUTED, method=f"audit: certified evaluation at a seeded point "
                                                f"(the backend said {said}: {outcome.method})",
                       witness=finding.witness,
                       reason=f"{finding.reason}; the backend's `{said}` was wrong, please report it",
                       steps=outcome.steps)
    if finding.status == "failed":
        return replace(Outcome.internal_error(f"the backend said {said}, and {finding.reason}"),
                       method=f"{outcome.method}; audit: failed", steps=outcome.steps)
    if finding.status == "uncertain":
        return Outcome(Verdict.UNKNOWN, method=f"{outcome.method}; audit: uncertain",
                       reason=f"the backend said {said}, but the independent audit could not confirm it: "
                              f"{finding.reason}", steps=outcome.steps)
    return replace(outcome, method=f"{outcome.method}; {describe(finding)}")
