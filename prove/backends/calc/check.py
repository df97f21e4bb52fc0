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

import re
from dataclasses import fields, replace
from fractions import Fraction
from typing import Optional

import z3

from prove import ast as A
from prove.relations import FLIP, holds
from prove.backends.z3_bridge import NotPolynomial, Z3Vars
from prove import sorts as S
from prove.claim import Claim
from prove.elaborate import elaborate_lemma, sort_of  # not yet passed in with the claim
from prove.scope import substitute
from prove.errors import ProveError
from prove.backends import base as dispatch
from prove.backends.identity import abstract
from prove.backends.identity import check as identities
from prove.backends.identity import instances as I
from prove.backends.identity.sympy_translate import Untranslatable
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
            outcome = dispatch.with_definedness(step_claim, lambda: check_step(step_claim, item.hints))
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
        bound = _chain_bound([s for s in steps if s.verdict is Verdict.VERIFIED])
        if bound is None:
            return Outcome(Verdict.UNKNOWN, method=method, steps=steps_t,
                           reason="every step holds, but for sizes that cannot be combined into one bound")
        return Outcome(Verdict.VERIFIED, method=method, bound=bound, steps=steps_t)
    return Outcome(Verdict.PROVED, method=method, steps=steps_t)


def _chain_bound(verified: list) -> Optional[str]:
    """The sizes every verified step was checked at: the chain holds only there."""
    texts = [s.reason[len("bound: "):] for s in verified if s.reason and s.reason.startswith("bound: ")]
    if len(texts) != len(verified):
        return None
    if len(set(texts)) == 1:
        return texts[0]
    parsed = [_parse_bound(t) for t in texts]
    if any(p is None for p in parsed):
        return None
    covered: dict = {}
    for p in parsed:
        for name, values in p.items():
            covered[name] = covered[name] & values if name in covered else set(values)
    if any(not v for v in covered.values()):
        return None
    return _render_bound(covered)


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
        zs = Z3Vars()
        try:
            facts = [_z3_rel(zs(a, expand=False), op, zs(b, expand=False)) for a, op, b in inst.conditions]
            facts += [zs(s, expand=False) == zs(e, expand=False) for s, e in inst.solved.items()]
            for g in goals:
                solver = z3.Solver()
                solver.set("timeout", Z3_TIMEOUT_MS)
                for f in facts:
                    solver.add(f)
                solver.add(z3.Not(_z3_rel(zs(g.lhs, expand=False), g.rel, zs(g.rhs, expand=False))))
                if solver.check() != z3.unsat:
                    return None
        except NotPolynomial:
            return None
    method = "z3: the negation of the step is unsat (polynomial arithmetic over the reals)"
    sizes = I.enumerate_sizes(step_claim)
    if sizes.names and not sizes.complete:
        return Outcome(Verdict.VERIFIED, method=method, bound=sizes.bound())
    return Outcome(Verdict.PROVED, method=method + (f", every {sizes.bound()} checked" if sizes.names else ""))


def _z3_rel(a, op, b):
    return holds(a, op, b)


# --------------------------------------------------------------------- lemma
#
# A lemma is used only where it was shown.  Its variables are matched to terms
# of the step (binders compared up to renaming, and a lemma variable never
# stands for a term that mentions a variable bound inside the matched part);
# its integer variables and the sizes in its sorts are tied to the step's
# integers, and each must stay in the range the lemma holds on: its stated
# bound, cut to the sizes enumerated when the lemma is only `verified`.  A step
# size the lemma does not reach below is checked without it (a few values);
# one it does not reach above caps the step's bound.


def lemma_step(step_claim: Claim, name: str) -> Outcome:
    """Rewrite the step with an equation lemma (either direction, either side),
    after checking the lemma itself, then prove the rewritten step where the
    lemma holds."""
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
    shown = None
    if status.verdict is Verdict.VERIFIED:
        shown = _parse_bound(status.bound or "")
        if shown is None:
            return Outcome.unknown(f"by lemma {name}: the lemma is verified only up to a bound "
                                   f"({status.bound or 'not stated'}) that a step cannot be restricted to")
    left, right = body.operands
    lhs, rhs = step_claim.body.operands
    tried, reasons = 0, []
    for pat, rep in ((left, right), (right, left)):
        for side in (0, 1):
            target = (lhs, rhs)[side]
            found = _rewrite(target, pat, rep, lemma, step_claim)
            if found is None:
                continue
            rewritten, ints = found
            tried += 1
            new_sides = (rewritten, rhs) if side == 0 else (lhs, rewritten)
            out = _use(step_claim, replace(step_claim.body, operands=new_sides), ints, lemma, shown, name, status)
            if out.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED):
                return out
            reasons.append(out.reason)
    if not tried:
        return Outcome.unknown(f"by lemma {name}: neither side of the lemma matches a part of this step")
    return Outcome.unknown(reasons[0] if reasons else f"by lemma {name}: the rewritten step is still not proved")


def _lemma_claim(name: str, entry) -> Optional[Claim]:
    return elaborate_lemma(name, entry)


def _use(step_claim: Claim, body: A.Compare, ints: dict, lemma: Claim, shown, name: str, status) -> Outcome:
    """The rewritten step, checked only where the lemma holds; the rest of the
    step's range checked without the lemma, or left out of the bound."""
    restrict: list = []  # hypotheses keeping each step size where the lemma holds
    gaps: list = []  # (step variable, low, high): step sizes below the lemma's range
    capped: dict = {}  # step variable -> the largest size the lemma reaches
    for var in lemma.variables:
        if not isinstance(var.sort, S.Int) or var.name not in ints:
            continue
        image = ints[var.name]
        held = _held(var, lemma, ints, shown)
        if held is None:
            return Outcome.unknown(f"by lemma {name}: the range of its {var.name} could not be related to this step")
        low, high, excluded = held
        what = f"by lemma {name}: the lemma holds for {var.name} in {_show_range(low, high, excluded)}"
        if isinstance(image, int):
            if not _inside(image, low, high, excluded):
                return Outcome.unknown(f"{what}, and this step needs {var.name} = {image}")
            continue
        mine = next((v for v in step_claim.variables if v.name == image), None)
        if mine is None or not isinstance(mine.sort, S.Int):
            return Outcome.unknown(f"{what}; this step's {image} is not a variable with a range it can compare")
        s_low, s_high = _step_range(mine, step_claim)
        if isinstance(mine.domain, A.Range) or mine.bound is None and mine.domain is not None:
            if not (_le(low, s_low) and _le(s_high, high, upper=True)
                    and not any(_inside(e, s_low, s_high, set()) for e in excluded)):
                return Outcome.unknown(f"{what}, and this step needs {image} in {_show_range(s_low, s_high, set())}")
            continue
        if not isinstance(low, int) or not (high is None or isinstance(high, int)) or not isinstance(s_low, int):
            return Outcome.unknown(f"{what}; this step's {image} could not be compared with it")
        if low > s_low:
            gaps.append((image, s_low, low - 1))
            restrict.append(_compare(image, ">=", low, step_claim))
        for e in sorted(excluded):
            if _inside(e, s_low, s_high, set()):
                gaps.append((image, e, e))
                restrict.append(_compare(image, "!=", e, step_claim))
        if high is not None and (s_high is None or s_high > high):
            capped[image] = high
            restrict.append(_compare(image, "<=", high, step_claim))
    if len({g[0] for g in gaps}) > 1:
        return Outcome.unknown(f"by lemma {name}: the lemma misses small sizes of several variables of this step "
                               f"({', '.join(sorted({g[0] for g in gaps}))}); split the step")
    rewritten = replace(step_claim, body=body, hypotheses=step_claim.hypotheses + tuple(restrict))
    out = identities.check(rewritten)
    if out.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return Outcome.unknown(f"by lemma {name}: the rewritten step is still not proved")
    how = f"by lemma {name} ({status.verdict.value}): rewritten, then {out.method}"
    covered = _coverage(out, rewritten)
    if covered is None:
        return Outcome.unknown(f"by lemma {name}: the rewritten step holds, but what it covers "
                               f"({out.bound}) could not be combined with the lemma's range")
    exact = out.verdict is Verdict.PROVED and not capped and shown is None
    for image, g_low, g_high in gaps:
        part = _only(step_claim, image, g_low, g_high)
        alone = identities.check(part)
        span = f"{image} = {g_low}" if g_low == g_high else f"{image} = {g_low}..{g_high}"
        if alone.verdict is Verdict.REFUTED:
            return replace(alone, reason=(alone.reason or "") + f" (where {name} does not apply, {span})")
        if alone.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
            return Outcome.unknown(f"by lemma {name}: the lemma does not cover {span}, and there the step is "
                                   f"{alone.verdict.value} without it: {alone.reason}")
        how += f"; {span} checked without the lemma ({alone.method})"
        if alone.verdict is Verdict.VERIFIED:
            exact = False
        more = _coverage(alone, part)
        for key, values in (more or {}).items():
            if key == image and key in covered and covered[key] is not None and values is not None:
                covered[key] = covered[key] | values
            elif key != image and values is not None:
                covered[key] = values if covered.get(key) is None else covered[key] & values
        if more is None or more.get(image) is None:
            covered.setdefault(image, None)
            if covered[image] is not None:
                covered[image] = covered[image] | set(range(g_low, g_high + 1))
    if exact:
        return Outcome(Verdict.PROVED, method=how)
    bound = _render_bound({k: v for k, v in covered.items() if v is not None})
    if not bound:
        return Outcome.unknown(f"by lemma {name}: the lemma was shown only up to a bound, and the step's "
                               "range could not be stated")
    return Outcome(Verdict.VERIFIED, method=how, bound=bound)


def _held(var, lemma: Claim, ints: dict, shown) -> Optional[tuple]:
    """(low, high, excluded) where the lemma holds for an integer variable, in
    the step's terms (ints or step variable names; high None: no upper end)."""
    def term(e):
        if isinstance(e, A.Num) and e.value.denominator == 1:
            return int(e.value)
        if isinstance(e, A.Neg) and isinstance(e.operand, A.Num) and e.operand.value.denominator == 1:
            return -int(e.operand.value)
        if isinstance(e, A.Name) and e.id in ints:
            return ints[e.id]
        raise _Unrelated()

    try:
        if isinstance(var.domain, A.Range):
            return term(var.domain.low), term(var.domain.high), set()
        if var.bound is None:
            return None
        low, high, excluded = _bounds_of(var, lemma, term)
    except _Unrelated:
        return None
    if shown is not None:
        values = shown.get(var.name)
        if values is None:
            return None  # verified, but its bound does not say for which sizes of this variable
        values = {v for v in values if _inside(v, low, high, excluded)}
        if not values:
            return None
        low, high = min(values), max(values)
        excluded = set(range(low, high + 1)) - values
    return low, high, excluded


class _Unrelated(Exception):
    pass


def _bounds_of(var, claim: Claim, term) -> tuple:
    """A size variable's range from its binder and the claim's hypotheses on it;
    a dimension is at least 1."""
    dims = I.dimension_names(claim)
    low = 1 if var.name in dims else None
    high, excluded = None, set()
    facts = [var.bound] if var.bound is not None else []
    for h in claim.hypotheses:
        for c in (h.operands if isinstance(h, A.And) else (h,)):
            if isinstance(c, A.Compare) and len(c.ops) == 1:
                a, b = c.operands
                op = c.ops[0]
                if isinstance(b, A.Name) and b.id == var.name:
                    a, b, op = b, a, FLIP[op]
                if isinstance(a, A.Name) and a.id == var.name:
                    facts.append((op, b))
    for op, e in facts:
        k = term(e)
        if not isinstance(k, int):
            if op in (">=", "=") and low is None:
                low = k  # a name: only an equal name compares with it
            if op in ("<=", "=") and high is None:
                high = k
            continue
        if op in (">=", ">", "="):
            lo = k + 1 if op == ">" else k
            low = lo if not isinstance(low, int) else max(low, lo)
        if op in ("<=", "<", "="):
            hi = k - 1 if op == "<" else k
            high = hi if not isinstance(high, int) else min(high, hi)
        if op == "!=":
            excluded.add(k)
    return low, high, excluded


def _step_range(var, claim: Claim) -> tuple:
    """An over-estimate of the values a step's integer variable takes."""
    def term(e):
        if isinstance(e, A.Num) and e.value.denominator == 1:
            return int(e.value)
        if isinstance(e, A.Name):
            return e.id
        raise _Unrelated()

    try:
        if isinstance(var.domain, A.Range):
            return term(var.domain.low), term(var.domain.high)
        low, high, _ = _bounds_of(var, claim, term)
    except _Unrelated:
        return None, None
    return low, high


def _le(a, b, upper: bool = False) -> bool:
    """a <= b for sure; None is minus infinity as a low end, plus infinity as a high end."""
    if upper:
        return b is None or (a is not None and (a == b or (isinstance(a, int) and isinstance(b, int) and a <= b)))
    return a is None or (b is not None and (a == b or (isinstance(a, int) and isinstance(b, int) and a <= b)))


def _inside(value, low, high, excluded) -> bool:
    if not isinstance(value, int) or value in excluded:
        return False
    return (low is None or (isinstance(low, int) and low <= value)) and (
        high is None or (isinstance(high, int) and value <= high))


def _show_range(low, high, excluded) -> str:
    if high is None:
        text = f">= {low}" if low is not None else "every integer"
    else:
        text = f"{low if low is not None else '...'}..{high}"
    return text + (f" except {', '.join(map(str, sorted(excluded)))}" if excluded else "")


def _compare(name: str, op: str, value: int, claim: Claim) -> A.Compare:
    span = claim.body.span
    return A.Compare((op,), (A.Name(name, span=span), A.Num(Fraction(value), str(value), span=span)), span=span)


def _only(step_claim: Claim, name: str, low: int, high: int) -> Claim:
    """The step for `low <= name <= high` only."""
    extra = (_compare(name, ">=", low, step_claim), _compare(name, "<=", high, step_claim))
    return replace(step_claim, hypotheses=step_claim.hypotheses + extra)


def _coverage(out: Outcome, claim: Claim) -> Optional[dict]:
    """Size variable -> the values a proved or verified check covers (None: all of them)."""
    sizes = [v.name for v in claim.variables if isinstance(v.sort, S.Int) and not isinstance(v.domain, A.Range)]
    if out.verdict is Verdict.VERIFIED:
        parsed = _parse_bound(out.bound or "")
        if parsed is None:
            return None
        return {n: parsed.get(n) for n in sizes}
    covered: dict = {}
    for n in sizes:
        var = next(v for v in claim.variables if v.name == n)
        low, high = _step_range(var, claim)
        covered[n] = set(range(low, high + 1)) if isinstance(low, int) and isinstance(high, int) else None
    return covered


_BOUND_PART = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9']*(?:\s*,\s*[A-Za-z_][A-Za-z_0-9']*)*)\s*=\s*"
                         r"(-?\d+(?:\.\.-?\d+)?(?:\s*,\s*-?\d+(?:\.\.-?\d+)?)*)\s*")


def _parse_bound(text: str) -> Optional[dict]:
    """`n = 1..8`, `m, n = 1..4`, `m = 1..4; n = 2, 3, 5..7` -> name -> set of sizes."""
    out: dict = {}
    for part in text.split(";"):
        m = _BOUND_PART.fullmatch(part)
        if m is None:
            return None
        values: set = set()
        for piece in m.group(2).split(","):
            a, _, b = piece.strip().partition("..")
            values |= set(range(int(a), int(b or a) + 1))
        for n in m.group(1).split(","):
            out[n.strip()] = values
    return out or None


def _render_bound(covered: dict) -> str:
    def spans(values):
        values, parts, i = sorted(values), [], 0
        while i < len(values):
            j = i
            while j + 1 < len(values) and values[j + 1] == values[j] + 1:
                j += 1
            if j - i >= 2:
                parts.append(f"{values[i]}..{values[j]}")
            else:
                parts.extend(str(v) for v in values[i:j + 1])
            i = j + 1
        return ", ".join(parts) or "none"

    shown = {n: spans(v) for n, v in covered.items()}
    if len(set(shown.values())) == 1:
        return f"{', '.join(shown)} = {next(iter(shown.values()))}"
    return "; ".join(f"{n} = {t}" for n, t in shown.items())


# ------------------------------------------------------------------ matching


def _rewrite(expr, pat, rep, lemma: Claim, step_claim: Claim):
    """Replace the first subterm of expr that matches pat by rep's instance:
    (new expr, the lemma's integer variables and sizes -> the step's), or None."""
    patterns = {v.name: v for v in lemma.variables}
    found: list = []

    def visit(node):
        if found or not isinstance(node, A.Node):
            return node
        match = _Match(patterns, lemma, step_claim)
        if match.run(pat, node, {}, frozenset()):
            free = A.free_vars(rep)
            missing = sorted(n for n in free if n in patterns and n not in match.binding
                             and not (isinstance(patterns[n].sort, S.Int) and n in match.ints))
            if missing:
                return node  # rep would keep a lemma variable the match does not fix
            binding = dict(match.binding)
            for n, image in match.ints.items():
                if n in free and n not in binding:
                    binding[n] = (A.Name(image, span=node.span) if isinstance(image, str)
                                  else A.Num(Fraction(image), str(image), span=node.span))
            found.append(match.ints)
            return substitute(rep, binding)
        return A.map_children(node, visit)

    out = visit(expr)
    return (out, found[0]) if found else None


class _Match:
    """One attempt to match a lemma side against a term of the step, binders
    compared up to renaming."""

    def __init__(self, patterns: dict, lemma: Claim, step_claim: Claim):
        self.patterns = patterns
        self.lemma = lemma
        self.step = step_claim
        self.binding: dict = {}  # lemma variable -> step term
        self.ints: dict = {}  # lemma integer variable or size name -> step variable name or int

    def run(self, pat, term, renamed: dict, inner: frozenset) -> bool:
        # renamed: the pattern's own bound names -> the term's; inner: the term's names bound inside the match
        if isinstance(pat, A.Name):
            if pat.id in renamed:
                return isinstance(term, A.Name) and term.id == renamed[pat.id]
            if pat.id in self.patterns:
                if A.free_vars(term) & inner:
                    return False  # the term mentions a variable bound inside the matched part
                if pat.id in self.binding:
                    return self.binding[pat.id] == term
                if not self._fits(self.patterns[pat.id], term):
                    return False
                self.binding[pat.id] = term
                return True
            return isinstance(term, A.Name) and term.id == pat.id and term.id not in inner
        if type(pat) is not type(term):
            return False
        kp, kt = A.sum_index(pat), A.sum_index(term)
        if (kp is None) != (kt is None):
            return False
        if kp is not None:
            if len(pat.args) != len(term.args) or type(pat.args[0]) is not type(term.args[0]):
                return False
            if isinstance(pat.args[0], A.ArgBinder) and not self.run(pat.args[0].domain, term.args[0].domain,
                                                                     renamed, inner):
                return False
            deeper, within = {**renamed, kp: kt}, inner | {kt}
            return self.run(pat.func, term.func, renamed, inner) and all(
                self.run(a, b, deeper, within) for a, b in zip(pat.args[1:], term.args[1:]))
        if isinstance(pat, A.Lambda):
            if len(pat.params) != len(term.params):
                return False
            return self.run(pat.body, term.body, {**renamed, **dict(zip(pat.params, term.params))},
                            inner | set(term.params))
        if isinstance(pat, (A.Quant, A.Calc)):
            return False  # not inside an equation's sides
        for f in fields(pat):
            if f.name == "span":
                continue
            a, b = getattr(pat, f.name), getattr(term, f.name)
            if isinstance(a, A.Node):
                if not (isinstance(b, A.Node) and self.run(a, b, renamed, inner)):
                    return False
            elif isinstance(a, tuple):
                if not isinstance(b, tuple) or len(a) != len(b):
                    return False
                for x, y in zip(a, b):
                    if isinstance(x, A.Node):
                        if not (isinstance(y, A.Node) and self.run(x, y, renamed, inner)):
                            return False
                    elif x != y:
                        return False
            elif a != b:
                return False
        return True

    def _fits(self, var, term) -> bool:
        """A lemma variable stands for a step term of its sort; the sizes in the
        two sorts are tied together, and an integer variable stands for a step
        integer variable or a whole number only."""
        try:
            sort = sort_of(term, self.step)
        except ProveError:
            return False
        want = var.sort
        if isinstance(want, S.Real):
            return S.is_number(sort)
        if isinstance(want, S.Int):
            if isinstance(term, A.Num) and term.value.denominator == 1:
                return self._tie(var.name, int(term.value))
            mine = next((v for v in self.step.variables if isinstance(term, A.Name) and v.name == term.id), None)
            return mine is not None and isinstance(mine.sort, S.Int) and self._tie(var.name, term.id)
        return self._unify(want, sort)

    def _tie(self, name: str, image) -> bool:
        if name in self.ints:
            return self.ints[name] == image
        self.ints[name] = image
        return True

    def _unify(self, want, got) -> bool:
        if isinstance(want, S.Vec):
            return isinstance(got, S.Vec) and self._size(want.dim, got.dim)
        if isinstance(want, S.Mat):
            return isinstance(got, S.Mat) and self._size(want.rows, got.rows) and self._size(want.cols, got.cols)
        if isinstance(want, S.Fun):
            smooth = want.family == got.family or (want.family == "abstract" and got.family == "poly")
            return (isinstance(got, S.Fun) and smooth and self._unify(want.source, got.source)
                    and self._unify(want.target, got.target))
        if S.is_number(want):
            return S.is_number(got) and type(want) is type(got)
        return want == got

    def _size(self, want, got) -> bool:
        if isinstance(want, int):
            return want == got
        return self._tie(want, got)
