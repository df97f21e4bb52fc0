"""Calc chains (section 4 of the brief): every step checked on its own.

A step `REL rhs [by HINT]` is the claim `previous REL rhs` under the chain's
variables and hypotheses, with `where` abbreviations put back in, and goes
through the identity backend (concrete sizes, any n, abstract functions).
Inequality steps that SymPy cannot prove go to Z3 there, as a claim's do
(`identity.polynomial`).  Every step gets its own verdict, witness and line, and a
failing step does not stop the others.

Hints only add routes: `by z3` tries Z3 first (a Z3 proof is sound, so the
search has nothing to find then), `by lemma NAME` rewrites with a
lemma that itself comes back proved and then proves the rewritten step;
`by sympy`, `by cases` (and the descriptive `by algebra`, `by chain_rule`)
are accepted and change nothing.  Whatever the hint, a step whose two sides
differ at an exact point is refuted: the default route's search runs on every
step that Z3 did not prove.
"""

from __future__ import annotations

from dataclasses import replace

from prove import ast as A
from prove.backends import base as dispatch
from prove.backends.base import Limits
from prove.backends.calc.bounds import chain_bound
from prove.backends.calc.lemma import lemma_step
from prove.backends.identity import check as identities
from prove.claim import Claim, Family
from prove.verdict import Outcome, Step, Verdict

NOOP_HINTS = {"sympy", "cases", "algebra", "chain_rule"}


def check(claim: Claim, limits: Limits = Limits()) -> Outcome:
    calc = claim.body
    if not isinstance(calc, A.Calc):
        return Outcome.unknown("a calc chain was expected", method="calc")
    abbreviations: dict = {}
    previous = calc.first
    steps: list[Step] = []
    rels: list[str] = []
    for item in calc.steps:
        if isinstance(item, A.CalcWhere):
            abbreviations[item.name] = A.substitute(item.expr, abbreviations)
            continue
        lhs = A.substitute(previous, abbreviations)
        rhs = A.substitute(item.rhs, abbreviations)
        body = A.Compare((item.rel,), (lhs, rhs), span=item.span)
        step_claim = replace(claim, family=Family.IDENTITY, body=body)
        try:
            outcome = dispatch.with_definedness(step_claim, lambda: check_step(step_claim, item.hints, limits))
        except Exception as exc:  # one step's failure must not lose the others
            outcome = Outcome.unknown(f"the checker failed on this step: {type(exc).__name__}: {exc}")
        steps.append(Step(line=item.span.line, verdict=outcome.verdict, witness=outcome.witness,
                          reason=outcome.reason or (f"bound: {outcome.bound}" if outcome.bound else None),
                          method=outcome.method))
        rels.append(item.rel)
        previous = item.rhs
    return _combine(steps, rels, claim)


def _combine(steps: list[Step], rels: list[str], claim: Claim) -> Outcome:
    method = f"calc: {len(steps)} step(s), each checked on its own"
    steps_t = tuple(steps)
    refuted = [s for s in steps if s.verdict is Verdict.REFUTED]
    if refuted:
        first = refuted[0]
        lines = ", ".join(str(s.line) for s in refuted)
        why = first.reason or "its two sides differ at the witness"
        reason = (f"the step at line {first.line} does not hold ({why})"
                  + (f"; failing steps at lines {lines}" if len(refuted) > 1 else ""))
        return Outcome(Verdict.REFUTED, method=method, witness=first.witness, reason=reason, steps=steps_t)
    open_steps = [s for s in steps if s.verdict not in (Verdict.PROVED, Verdict.VERIFIED)]
    if open_steps:
        first = open_steps[0]
        return Outcome(Verdict.UNKNOWN, method=method, steps=steps_t,
                       reason=f"the step at line {first.line} is {first.verdict.value}: {first.reason}")
    ups = {r for r in rels if r in ("<", "<=")}
    downs = {r for r in rels if r in (">", ">=")}
    if ups and downs:
        return Outcome(Verdict.UNKNOWN, method=method, steps=steps_t,
                       reason="every step holds, but the chain mixes < and > so it relates nothing end to end")
    if "!=" in rels:  # a != b != a: steps of != never chain
        return Outcome(Verdict.UNKNOWN, method=method, steps=steps_t,
                       reason="every step holds, but a step with != relates nothing end to end")
    if any(s.verdict is Verdict.VERIFIED for s in steps):
        bound = chain_bound([s for s in steps if s.verdict is Verdict.VERIFIED])
        if bound is None:
            return Outcome(Verdict.UNKNOWN, method=method, steps=steps_t,
                           reason="every step holds, but for sizes that cannot be combined into one bound")
        return Outcome(Verdict.VERIFIED, method=method, bound=bound, steps=steps_t)
    return Outcome(Verdict.PROVED, method=method, steps=steps_t)



# ------------------------------------------------------------------ one step


def check_step(step_claim: Claim, hints: tuple, limits: Limits) -> Outcome:
    names = [h.name for h in hints if h.kind == "by"]
    notes = [f"by {n}: accepted, nothing to add" for n in names if n in NOOP_HINTS]
    if any(h.kind == "witness" for h in hints):
        notes.append("witness hints are for exists claims; ignored in a calc step")
    # the claim-level route, Z3 included (`identity.polynomial`): one step, one verdict as a claim
    base = identities.check_hinted(step_claim, limits, by_z3="z3" in names)
    if base.verdict in (Verdict.REFUTED, Verdict.PROVED, Verdict.VERIFIED, Verdict.ERROR):
        return _note(base, notes)
    for h in hints:
        if h.kind == "by" and h.name == "lemma":
            out = lemma_step(step_claim, h.arg, limits)
            if out.verdict in (Verdict.PROVED, Verdict.VERIFIED):
                return _note(out, notes)
            notes.append(out.reason or "the lemma did not help")
    return _note(base, notes)


def _note(outcome: Outcome, notes: list) -> Outcome:
    if not notes:
        return outcome
    if outcome.verdict in (Verdict.UNKNOWN,):
        return replace(outcome, reason="; ".join([outcome.reason or ""] + notes).strip("; "))
    return replace(outcome, method="; ".join([outcome.method] + notes))
