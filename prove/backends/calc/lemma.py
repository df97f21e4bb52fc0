"""`by lemma NAME` in a calc step: rewrite the step with an equation lemma,
then prove the rewritten step where the lemma holds.

The lemma comes elaborated with the claim (prove.claim.CitedLemma), and is
checked here first: a lemma that does not come back proved or verified is not
used.  A lemma is used only where it was shown.  Its variables are matched to
terms of the step (binders compared up to renaming, and a lemma variable never
stands for a term that mentions a variable bound inside the matched part); its
integer variables and the sizes in its sorts are tied to the step's integers,
and each must stay in the range the lemma holds on: its stated bound, cut to the
sizes enumerated when the lemma is only `verified`.  A step size the lemma does
not reach below is checked without it (a few values); one it does not reach
above caps the step's bound.
"""

from __future__ import annotations

from dataclasses import fields, replace
from fractions import Fraction
from typing import Optional

from prove import ast as A
from prove import sorts as S
from prove.backends import base as dispatch
from prove.backends.base import Limits
from prove.backends.calc.bounds import parse_bound, render_bound
from prove.backends.identity import check as identities
from prove.backends.identity import instances as I
from prove.claim import Claim
from prove.errors import ProveError
from prove.relations import FLIP
from prove.verdict import Outcome, Verdict


def lemma_step(step_claim: Claim, name: str, limits: Limits) -> Outcome:
    """Rewrite the step with an equation lemma (either direction, either side),
    after checking the lemma itself, then prove the rewritten step where the
    lemma holds."""
    cited = step_claim.lemmas.get(name)
    if cited is None:
        return Outcome.unknown(f"by lemma {name}: no such lemma in scope")
    lemma = cited.claim
    if lemma is None:
        return Outcome.unknown(f"by lemma {name}: {cited.reason}")
    status = dispatch.check(lemma, limits)
    if status.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return Outcome.unknown(f"by lemma {name}: the lemma is {status.verdict.value}, not proved")
    body = lemma.body
    if lemma.hypotheses or not (isinstance(body, A.Compare) and body.ops == ("=",)):
        return Outcome.unknown(f"by lemma {name}: only equations without hypotheses are used as rewrites")
    shown = None
    if status.verdict is Verdict.VERIFIED:
        shown = parse_bound(status.bound or "")
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
            out = _use(step_claim, replace(step_claim.body, operands=new_sides), ints, lemma, shown, name, status,
                       limits)
            if out.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED):
                return out
            reasons.append(out.reason)
    if not tried:
        return Outcome.unknown(f"by lemma {name}: neither side of the lemma matches a part of this step")
    return Outcome.unknown(reasons[0] if reasons else f"by lemma {name}: the rewritten step is still not proved")


def _use(step_claim: Claim, body: A.Compare, ints: dict, lemma: Claim, shown, name: str, status,
         limits: Limits) -> Outcome:
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
    out = identities.check(rewritten, limits)
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
        alone = identities.check(part, limits)
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
    bound = render_bound({k: v for k, v in covered.items() if v is not None})
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
        parsed = parse_bound(out.bound or "")
        if parsed is None:
            return None
        return {n: parsed.get(n) for n in sizes}
    covered: dict = {}
    for n in sizes:
        var = next(v for v in claim.variables if v.name == n)
        low, high = _step_range(var, claim)
        covered[n] = set(range(low, high + 1)) if isinstance(low, int) and isinstance(high, int) else None
    return covered


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
            return A.substitute(rep, binding)
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
            sort = self.step.sort_of(term)
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
