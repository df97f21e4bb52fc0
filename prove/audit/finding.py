"""What the audit found about one claim, and the note it adds to a method line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Finding:
    status: str  # "agrees" | "refuted" | "uncertain" | "not_applicable" | "failed" (a bug of the audit)
    witness: Optional[dict] = None  # name -> value in the claim language, as Outcome.witness
    reason: str = ""
    points: int = 0  # how many points / instances were evaluated


def describe(finding: Finding) -> str:
    """The audit's note for a method line."""
    if finding.status == "agrees":
        if finding.reason.startswith("incomplete"):
            return f"audit: incomplete (time, {finding.points} points agree)"
        n = finding.points
        if finding.reason == "graphs agree":
            return f"audit: {n} random graphs agree"
        if finding.reason == "evaluation agrees":
            return "audit: direct evaluation agrees"
        return "audit: 1 point agrees" if n == 1 else f"audit: {n} points agree"
    if finding.status == "not_applicable":
        return f"audit: not applicable ({finding.reason})"
    return f"audit: {finding.status}"
