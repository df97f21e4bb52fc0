"""Calc chains (section 4 of the brief): every step checked on its own.

A step `REL rhs [by HINT]` is the claim `previous REL rhs` under the chain's
variables and hypotheses, with `where` abbreviations put back in, and goes
through the identity backend (concrete sizes, any n, abstract functions).
Inequality steps that it cannot prove go to Z3 when both sides are
polynomials.  Every step gets its own verdict, witness and line, and a
failing step does not stop the others.

Hints only add routes: `by z3` tries Z3 first, `by lemma NAME` rewrites with a
lemma that itself comes back proved and then proves the rewritten step;
`by sympy`, `by cases` (and the descriptive `by algebra`, `by chain_rule`)
are accepted and change nothing.  Whatever the hint, a step whose two sides
differ at an exact point is refuted: the default route's search always runs
first on the step as written.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Optional

import sympy as sp
import z3

from prove import ast as A
from prove import sorts as S
from prove.elaborate import Claim, elaborate_lemma, sort_of, substitute
from prove.errors import ProveError
from prove import solver as dispatch
from prove.solver import abstract, identities
from prove.solver import instances as I
from prove.solver.sympy_translate import Untranslatable
from prove.verdict import Outcome, Step, Verdict

NOOP_HINTS = {"sympy", "cases", "algebra", "chain_rule"}
Z3_TIMEOUT_MS = 3000
_lemma_depth = 0


def check(claim: Claim, limits=None) -> Outcome:
    calc = claim.body
    if not isinstance(calc, A.Calc):
        return Outcome.unknown("a calc chain was expected", method="calc")
    abbreviations: dict = {}
    previous = calc.first
    steps: list[Step] = []
    rels: list[str] = []
    for item in calc.steps:
        if isinstance(item, A.CalcWhere):
            abbreviations[item.name] = substitute(item.expr, abbreviations)
            continue
        lhs = substitute(previous, abbreviations)
        rhs = substitute(item.rhs, abbreviations)
        body = A.Compare((item.rel,), (lhs, rhs), span=item.span)
        step_claim = replace(claim, family="identity", body=body)
        try:
            outcome = check_step(step_claim, item.hints)
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
        reason = (f"the step at line {first.line} does not hold (its two sides differ at the witness)"
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
    bounds = [s.reason[len("bound: "):] for s in steps if s.verdict is Verdict.VERIFIED and s.reason
              and s.reason.startswith("bound: ")]
    if any(s.verdict is Verdict.VERIFIED for s in steps):
        return Outcome(Verdict.VERIFIED, method=method, bound=bounds[0] if bounds else None, steps=steps_t)
    return Outcome(Verdict.PROVED, method=method, steps=steps_t)


# ------------------------------------------------------------------ one step


def check_step(step_claim: Claim, hints: tuple) -> Outcome:

    names = [h.name for h in hints if h.kind == "by"]
    notes = [f"by {n}: accepted, nothing to add" for n in names if n in NOOP_HINTS]
    if any(h.kind == "witness" for h in hints):
        notes.append("witness hints are for exists claims; ignored in a calc step")
    base = identities.check(step_claim)
    if base.verdict in (Verdict.REFUTED, Verdict.PROVED, Verdict.VERIFIED, Verdict.ERROR):
        return _note(base, notes)
    rel = step_claim.body.ops[0]
    if "z3" in names or rel != "=":
        z3_out = z3_step(step_claim)
        if z3_out is not None:
            return _note(z3_out, notes)
        if "z3" in names:
            notes.append("by z3: the step is not a polynomial (in)equality Z3 takes")
    for h in hints:
        if h.kind == "by" and h.name == "lemma":
            out = lemma_step(step_claim, h.arg)
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


# ------------------------------------------------------------------------ z3


def z3_step(step_claim: Claim) -> Optional[Outcome]:
    """Prove a polynomial (in)equality step with Z3 (negation unsat) in every
    instance; None when a side is not a polynomial in real unknowns."""

    if abstract.function_names(step_claim):
        return None
    dims = [v for v in step_claim.variables if isinstance(v.sort, S.Int) and v.domain is None]
    try:
        instances = list(I.instances(step_claim))
    except Untranslatable:
        return None
    if not instances or len(instances) > 200:
        return None
    for inst in instances:
        if any(isinstance(v, I.Fn) for v in inst.env.values()):
            return None
        try:
            goals = I.instance_goals(step_claim, inst)
        except Untranslatable:
            return None
        zs: dict = {}
        try:
            facts = [_z3_rel(_z3(a, zs), op, _z3(b, zs)) for a, op, b in inst.conditions]
            facts += [_z3(s, zs) == _z3(e, zs) for s, e in inst.solved.items()]
            for g in goals:
                solver = z3.Solver()
                solver.set("timeout", Z3_TIMEOUT_MS)
                for f in facts:
                    solver.add(f)
                solver.add(z3.Not(_z3_rel(_z3(g.lhs, zs), g.rel, _z3(g.rhs, zs))))
                if solver.check() != z3.unsat:
                    return None
        except _NotPolynomial:
            return None
    method = "z3: the negation of the step is unsat (polynomial arithmetic over the reals)"
    if dims:
        bound = ", ".join(v.name for v in dims) + f" = {I.SYMBOLIC_DIMS.start}..{I.SYMBOLIC_DIMS.stop - 1}"
        return Outcome(Verdict.VERIFIED, method=method, bound=bound)
    return Outcome(Verdict.PROVED, method=method)


class _NotPolynomial(Exception):
    pass


def _z3(e, zs: dict):

    if not isinstance(e, sp.Basic) or isinstance(e, sp.MatrixBase):
        if isinstance(e, int):
            return z3.RealVal(e)
        raise _NotPolynomial()
    if isinstance(e, sp.Symbol):
        if e not in zs:
            zs[e] = z3.Real(e.name)
        return zs[e]
    if isinstance(e, sp.Rational):
        return z3.RealVal(f"{e.p}/{e.q}") if e.q != 1 else z3.RealVal(e.p)
    if isinstance(e, sp.Add):
        return z3.Sum([_z3(a, zs) for a in e.args])
    if isinstance(e, sp.Mul):
        out = _z3(e.args[0], zs)
        for a in e.args[1:]:
            out = out * _z3(a, zs)
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer and 0 <= e.exp <= 64:
        base = _z3(e.base, zs)
        out = z3.RealVal(1)
        for _ in range(int(e.exp)):
            out = out * base
        return out
    raise _NotPolynomial()


def _z3_rel(a, op, b):
    return {"=": lambda: a == b, "<=": lambda: a <= b, "<": lambda: a < b,
            ">=": lambda: a >= b, ">": lambda: a > b, "!=": lambda: a != b}[op]()


# --------------------------------------------------------------------- lemma


def lemma_step(step_claim: Claim, name: str) -> Outcome:
    """Rewrite the step with an equation lemma (either direction, either side),
    after checking the lemma itself, then prove the rewritten step."""
    global _lemma_depth

    entry = step_claim.lemmas.get(name)
    if entry is None:
        return Outcome.unknown(f"by lemma {name}: no such lemma in scope")
    lemma = _lemma_claim(name, entry)
    if lemma is None:
        return Outcome.unknown(f"by lemma {name}: the lemma does not elaborate")
    if _lemma_depth > 3:
        return Outcome.unknown(f"by lemma {name}: lemmas nest too deeply")
    _lemma_depth += 1
    try:
        status = dispatch.check(lemma)
    finally:
        _lemma_depth -= 1
    if status.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return Outcome.unknown(f"by lemma {name}: the lemma is {status.verdict.value}, not proved")
    body = lemma.body
    if lemma.hypotheses or not (isinstance(body, A.Compare) and body.ops == ("=",)):
        return Outcome.unknown(f"by lemma {name}: only equations without hypotheses are used as rewrites")
    left, right = body.operands
    patterns = {v.name: v for v in lemma.variables}
    lhs, rhs = step_claim.body.operands
    rel = step_claim.body.ops[0]
    tried = 0
    for pat, rep in ((left, right), (right, left)):
        for side in (0, 1):
            target = (lhs, rhs)[side]
            rewritten = _rewrite(target, pat, rep, patterns, lemma, step_claim)
            if rewritten is None:
                continue
            tried += 1
            new_sides = (rewritten, rhs) if side == 0 else (lhs, rewritten)
            new_claim = replace(step_claim, body=A.Compare((rel,), new_sides, span=step_claim.body.span))
            out = identities.check(new_claim)
            if out.verdict in (Verdict.PROVED, Verdict.VERIFIED):
                how = f"by lemma {name} ({status.verdict.value}): rewritten, then {out.method}"
                bound = out.bound or status.bound
                verdict = Verdict.VERIFIED if bound else Verdict.PROVED
                return Outcome(verdict, method=how, bound=bound)
    if not tried:
        return Outcome.unknown(f"by lemma {name}: neither side of the lemma matches a part of this step")
    return Outcome.unknown(f"by lemma {name}: the rewritten step is still not proved")


def _lemma_claim(name: str, entry) -> Optional[Claim]:
    return elaborate_lemma(name, entry)


def _rewrite(expr, pat, rep, patterns: dict, lemma: Claim, step_claim: Claim):
    """Replace the first subterm of expr that matches pat by rep's instance."""
    done = [False]

    def fn(node):
        if done[0] or not isinstance(node, A.Node):
            return None
        binding: dict = {}
        if _match(pat, node, binding, patterns, lemma, step_claim):
            done[0] = True
            return substitute(rep, binding)
        return None

    out = A.rebuild(expr, fn)
    return out if done[0] else None


def _match(pat, term, binding: dict, patterns: dict, lemma: Claim, step_claim: Claim) -> bool:
    if isinstance(pat, A.Name) and pat.id in patterns:
        if pat.id in binding:
            return binding[pat.id] == term
        if not _sort_fits(patterns[pat.id], term, lemma, step_claim):
            return False
        binding[pat.id] = term
        return True
    if type(pat) is not type(term):
        return False
    for f in fields(pat):
        if f.name == "span":
            continue
        a, b = getattr(pat, f.name), getattr(term, f.name)
        if isinstance(a, A.Node):
            if not _match(a, b, binding, patterns, lemma, step_claim):
                return False
        elif isinstance(a, tuple):
            if not isinstance(b, tuple) or len(a) != len(b):
                return False
            for x, y in zip(a, b):
                if isinstance(x, A.Node):
                    if not _match(x, y, binding, patterns, lemma, step_claim):
                        return False
                elif x != y:
                    return False
        elif a != b:
            return False
    return True


def _sort_fits(var, term, lemma: Claim, step_claim: Claim) -> bool:
    """A lemma variable may stand for a term of the same sort; integer
    variables (indices, dimensions) only for a step variable with the same
    declared range, so the lemma is never used outside what it proved."""
    try:
        sort = sort_of(term, step_claim)
    except ProveError:
        return False
    want = var.sort
    if isinstance(want, S.Real):
        return S.is_number(sort)
    if isinstance(want, S.Vec):
        return isinstance(sort, S.Vec) and (want.dim == sort.dim)
    if isinstance(want, S.Int):
        if not isinstance(term, A.Name):
            return False
        mine = next((v for v in step_claim.variables if v.name == term.id), None)
        return mine is not None and mine.domain == var.domain and mine.bound == var.bound
    return want == sort
