"""Backends and dispatch: each family of claims goes to one backend, the
`check.py` of its folder under prove/backends/ (the registry `BACKENDS`).

A backend's entry is `check(claim, limits) -> Outcome`.  A family without a backend gets
`unknown` with the reason, never `proved`.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass, replace

from prove.claim import Claim, Family
from prove.verdict import Outcome, Verdict

BACKENDS = {
    Family.IDENTITY: "prove.backends.identity.check",
    Family.ANALYSIS: "prove.backends.analysis.check",
    Family.GRAPH: "prove.backends.graph.check",
    Family.CALC: "prove.backends.calc.check",
}
FAMILY_WORDS = {
    Family.IDENTITY: "identity",
    Family.ANALYSIS: "stationary-point and convexity",
    Family.GRAPH: "graph",
    Family.CALC: "calc-chain",
}


def clock() -> float:
    """The clock of a claim's time limit and of every deadline inside a backend:
    the CPU seconds of this process (all its threads, Z3's included), which a
    loaded machine does not stretch the way it stretches wall time."""
    return time.process_time()


WALL_CAP = 4.0  # a claim's wall time may stretch to this many times its limit on a loaded machine


def solver_from_text(query: list, rlimit: int, timeout_ms: int, logic: str | None = None, **options):
    """A solver holding the query in a fresh Z3 context.  Z3's search depends on its context's
    history (even a translated copy keeps the order of the terms' ids): the same query could
    take 0.3 s after one set of claims and time out after another.  Read anew from its text,
    it takes the same work in every process, and `rlimit` (Z3's deterministic resource count)
    makes that work the budget; `timeout_ms` is the backstop in wall time."""
    import z3

    text = z3.Solver()
    text.add(*query)
    ctx = z3.Context()
    s = z3.SolverFor(logic, ctx=ctx) if logic else z3.Solver(ctx=ctx)
    for key, value in options.items():
        s.set(key, value)
    s.add(z3.parse_smt2_string(text.sexpr(), ctx=ctx))
    s.set("rlimit", rlimit)
    s.set("timeout", timeout_ms)
    return s


_BUDGETED = [0]  # times a deadline cut work short or bounded a solver, in this process


def budgeted() -> int:
    """How often, in this process, a deadline has cut work short, a solver call has
    answered unknown, or a solver was given a budget that cannot be watched: an
    `unknown` reached while this stayed put owes nothing to time."""
    return _BUDGETED[0]


_Z3_WATCH: list = []  # [True] once Z3's checks are counted, [False] when they cannot be
_Z3_CALLS: dict = {}  # the C API functions wrapped, by name


def _watch_z3() -> bool:
    """Count every Z3 check in this process that answers unknown (its time budget, its memory
    or its incompleteness): wrapped where `Solver.check` and `Optimize.check` call Z3's C API."""
    if not _Z3_WATCH:
        try:
            import z3.z3 as api

            for name in ("Z3_solver_check_assumptions", "Z3_optimize_check"):
                _Z3_CALLS[name] = getattr(api, name)

                def counted(*args, _name=name):
                    answer = _Z3_CALLS[_name](*args)
                    if answer not in (-1, 1):  # Z3_L_FALSE, Z3_L_TRUE: anything else is undecided
                        _BUDGETED[0] += 1
                    return answer

                setattr(api, name, counted)
            _Z3_WATCH.append(True)
        except (ImportError, AttributeError):
            _Z3_WATCH.append(False)
    return _Z3_WATCH[0]


class CannotDecide(Exception):
    """A backend cannot decide this claim, or this part of it (not a polynomial,
    no SymPy meaning, a construct its encoding does not take): the verdict is
    `unknown` with the message as the reason, never an internal error."""


@dataclass(frozen=True)
class Limits:
    """A claim's limits.  The runner enforces them from outside; a backend turns
    them into deadlines with `deadline`, and every solver call under it takes
    its time from that deadline (`Deadline.z3_ms`), never from a constant."""

    timeout: float = 10.0  # CPU seconds per claim, enforced by the runner
    memory_mb: int = 4096

    def deadline(self, share: float = 0.9) -> "Deadline":
        """The deadline of a backend's work: `share` of the claim's time from now
        (the rest is left for the audit and the report)."""
        return Deadline(clock() + share * float(self.timeout))


@dataclass(frozen=True)
class Deadline:
    """A point on `clock()` by which a piece of work must end."""

    at: float

    def left(self) -> float:
        left = max(0.0, self.at - clock())
        if not left:
            _BUDGETED[0] += 1
        return left

    def passed(self) -> bool:
        if clock() >= self.at:
            _BUDGETED[0] += 1
            return True
        return False

    def share(self, fraction: float) -> "Deadline":
        """A deadline for a part of the work: `fraction` of the time left."""
        return Deadline(clock() + fraction * self.left())

    def z3_ms(self, cap: float = float("inf")) -> int:
        """A Z3 `timeout` for a call that must end by this deadline, at most `cap`
        seconds.  Z3 counts wall time, which a loaded machine stretches past CPU
        time: the call then ends early with `unknown`, never with a wrong answer."""
        if not _watch_z3():  # then any budgeted call may have stopped for lack of time
            _BUDGETED[0] += 1
        return max(1, int(min(self.left(), cap) * 1000))


def check(claim: Claim, limits: Limits = Limits(), suggest: bool = True) -> Outcome:
    """The claim's outcome; a refuted one with what would make it hold
    (`prove.repair`) when `suggest` and the claim's time allow."""
    start, budgeted_before = clock(), budgeted()
    outcome = _check(claim, limits, suggest, start)
    if outcome.verdict is Verdict.UNKNOWN and not outcome.internal and budgeted() == budgeted_before \
            and not any(_UNSETTLED.search(text or "") for text in [outcome.reason, *(s.reason for s in outcome.steps)]):
        outcome = replace(outcome, settled=True)
    return outcome


# A backend that caught an exception (a MemoryError under the memory cap among them) says so in
# its reason: such an unknown may not come again, so it is never settled.
_UNSETTLED = re.compile(r"Error\b|Exception\b|\b(failed|memory|time|timeout|limit|canceled)\b", re.IGNORECASE)


def _check(claim: Claim, limits: Limits, suggest: bool, start: float) -> Outcome:
    module_name = BACKENDS.get(claim.family)
    try:
        module = importlib.import_module(module_name) if module_name else None
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        module = None
    if module is None:
        return Outcome.unknown(f"no backend for {FAMILY_WORDS.get(claim.family, claim.family)} claims yet")
    try:
        if claim.family is Family.IDENTITY:  # both sides must be defined where the claim is stated
            outcome = with_definedness(claim, lambda: module.check(claim, limits))
        else:
            outcome = module.check(claim, limits)
    except CannotDecide as exc:
        return Outcome.unknown(str(exc) or type(exc).__name__)
    outcome = audited(claim, outcome, limits, start)
    if suggest and outcome.verdict is Verdict.REFUTED:
        from prove import repair  # late, as the audit
        left = Deadline(start + float(limits.timeout)).left()
        outcome = repair.suggest(claim, outcome, repair.REPAIR_SHARE * left)
    return outcome


def audited(claim: Claim, outcome: Outcome, limits: Limits, start: float) -> Outcome:
    """A proved or verified outcome after the independent audit (`prove.audit`),
    which gets at most 30% of the claim's time left."""
    from prove.audit import audit  # late, as above
    claim_deadline = Deadline(start + float(limits.timeout))
    return audit(claim, outcome, limits, deadline=claim_deadline.share(0.3))


def with_definedness(claim: Claim, run) -> Outcome:
    """`run()`, a backend's check of claim, under `definedness.guarded`."""
    from prove.backends.identity import definedness  # late: SymPy is imported only when a claim is checked
    return definedness.guarded(claim, run)
