"""Verdicts and results: what a run says about each claim."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from prove.figure import Figure


class Verdict(str, Enum):
    PROVED = "proved"      # holds for every value of every variable, no bound
    VERIFIED = "verified"  # holds for every instance up to the bound that `bound` names
    REFUTED = "refuted"    # a concrete counterexample, re-checked independently of its finder
    UNKNOWN = "unknown"    # no verdict; `reason` says why and what might help
    ERROR = "error"        # malformed or ill-typed, at a position

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Step:
    """The verdict on one step of a calc chain."""

    line: int
    verdict: Verdict
    witness: Optional[dict] = None
    reason: Optional[str] = None
    method: str = ""
    text: str = ""

    def to_json(self) -> dict:
        return {"line": self.line, "verdict": self.verdict.value, "witness": self.witness,
                "reason": self.reason, "method": self.method}


@dataclass(frozen=True)
class Repair:
    """A side condition under which a refuted claim holds (`prove.repair`): the
    condition in the claim language, and the verdict of the claim with it added."""

    condition: str
    verdict: Verdict

    def to_json(self) -> dict:
        return {"condition": self.condition, "verdict": self.verdict.value}


@dataclass(frozen=True)
class Outcome:
    """What a backend found; the runner adds where and how long."""

    verdict: Verdict
    method: str = ""
    witness: Optional[dict] = None  # variable name -> value written in the claim language
    bound: Optional[str] = None
    reason: Optional[str] = None
    steps: tuple[Step, ...] = ()
    internal: bool = False  # the tool itself failed (a bug to report), not the claim or a limit
    repair: Optional[Repair] = None  # of a refuted claim: what would make it hold, itself checked
    settled: bool = False  # an unknown no time limit, solver budget or memory cap played a part in
    figure: Optional[Figure] = None  # what the HTML report draws; never part of the verdict

    @staticmethod
    def unknown(reason: str, method: str = "") -> "Outcome":
        return Outcome(Verdict.UNKNOWN, method=method, reason=reason)

    @staticmethod
    def internal_error(what: str) -> "Outcome":
        """`unknown` because the tool failed: never as expected, whatever the claim expects."""
        return Outcome(Verdict.UNKNOWN, reason=f"{INTERNAL_ERROR}: {what}", internal=True)


INTERNAL_ERROR = "internal error, please report"


@dataclass(frozen=True)
class Result:
    """One claim's verdict, as the report, the JSON and the Python API show it."""

    name: str
    verdict: Verdict
    expected: str = "proved"
    witness: Optional[dict] = None
    bound: Optional[str] = None
    reason: Optional[str] = None
    method: str = ""
    line: int = 0
    seconds: float = 0.0
    file: str = ""
    column: int = 0
    source: str = ""  # the claim's first source line, or the caret block of an error
    steps: tuple[Step, ...] = field(default=())
    internal: bool = False  # `unknown` because the tool failed; never as expected
    repair: Optional[Repair] = None
    cached: bool = False  # answered from the result cache (`seconds` is then 0)
    figure: Optional[Figure] = None  # for the HTML report's picture (`prove.figure`)

    @property
    def as_expected(self) -> bool:
        return not self.internal and meets(self.verdict, self.expected)

    def to_json(self) -> dict:
        data = {
            "file": self.file, "line": self.line, "name": self.name, "verdict": self.verdict.value,
            "expected": self.expected, "as_expected": self.as_expected, "method": self.method,
            "bound": self.bound, "witness": self.witness, "reason": self.reason,
            "seconds": round(self.seconds, 4), "column": self.column, "source": self.source,
            "internal": self.internal, "repair": self.repair.to_json() if self.repair else None,
            "cached": self.cached,
        }
        if self.steps:
            data["steps"] = [s.to_json() for s in self.steps]
        return data


def meets(verdict: Verdict, expected: str) -> bool:
    """`verified` meets `proved` (the bound is in the report); `proved` meets `verified`."""
    if verdict.value == expected:
        return True
    return {verdict.value, expected} == {"proved", "verified"}
