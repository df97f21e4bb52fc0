"""`exists` claims of the identity family (see `logic`, step 2).

A witness, given (`witness x = EXPR`) or Z3's rational model, is put into the
body by capture-avoiding substitution of the syntax tree, together with the
binder's `where` and, for `k in a..b`, `a <= EXPR <= b`; what results is a
claim of its own, checked by the identity backend like any other: the
`exists` claim is proved only when that claim is.  A witness that fails
leaves the claim `unknown` (another value might do).

Refutation is proof of the negation: Z3 finds the body (with its `where`)
unsatisfiable over the reals, for a closed claim with polynomial atoms and
no abstraction; and, as a twin check of that encoding, no exact point of
the search makes the body true.  Z3's unknown is never a refutation.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Optional

import sympy as sp

from prove import ast as A
from prove.backends.base import Limits
from prove.claim import Claim
from prove.errors import ProveError
from prove.backends.identity import props as P
from prove.backends.identity.exact import show_expr, show_number
from prove.backends.identity.instances import user_symbol
from prove.backends.identity.logic import METHOD, run_sub, sub_claim
from prove.backends.identity.points import POOL
from prove.backends.identity.sympy_translate import ToSympy, Untranslatable
from prove.verdict import Outcome, Verdict


def check_exists(claim: Claim, limits: Limits, deadline) -> Outcome:
    q: A.Quant = claim.body
    if q.kind != "exists":
        return Outcome.unknown("`exists!` is not taken by the identity backend", method=METHOD)
    given = {h.name: h.expr for h in claim.hints if h.kind == "witness"}
    names = [b.name for b in q.binders]
    if given:
        missing = [n for n in names if n not in given]
        if missing:
            return Outcome.unknown(f"give a witness for every bound name (missing: {', '.join(missing)})",
                                   method=METHOD)
        return _with_witness(claim, q, {n: given[n] for n in names}, limits, "given")
    if any(b.kind != "in" or not isinstance(b.domain, A.Space) or b.domain.shape != () or b.domain.field_ != "R"
           for b in q.binders):
        return Outcome.unknown("without a `witness` hint, only `exists x in R` over real numbers is searched",
                               method=METHOD)
    if claim.variables:
        return Outcome.unknown("an `exists` under a `forall` needs a witness that may depend on the outer "
                               "variables: add `witness NAME = EXPR`", method=METHOD)
    return _search(claim, q, limits, deadline)


def _with_witness(claim: Claim, q: A.Quant, chosen: dict, limits: Limits, how: str) -> Outcome:
    conjuncts = []
    for b in q.binders:
        if b.kind == "in" and isinstance(b.domain, A.Range):
            conjuncts.append(A.Compare(("<=", "<="), (b.domain.low, A.Name(b.name, span=b.span), b.domain.high),
                                       span=b.span))
        elif not (b.kind == "in" and isinstance(b.domain, A.Space) and b.domain.shape == ()):
            return Outcome.unknown(f"a witness for {b.name} ({b.kind} a space other than R or a..b) "
                                   "is not taken yet", method=METHOD)
        if b.where is not None:
            conjuncts.append(b.where)
    conjuncts.append(q.body)
    body = conjuncts[0] if len(conjuncts) == 1 else A.And(tuple(conjuncts), span=q.span)
    inner = A.substitute(body, chosen)
    shown = ", ".join(f"{n} = {_text(e)}" for n, e in chosen.items())
    try:
        sub = sub_claim(claim, inner)
    except (ProveError, Untranslatable) as exc:
        return Outcome.unknown(f"the witness {shown} does not fit the claim ({exc})", method=METHOD)
    out = run_sub(sub, limits)
    if out.verdict in (Verdict.PROVED, Verdict.VERIFIED):
        return replace(out, method=f"{METHOD}: witness {shown} ({how}), the body holds there: {out.method}")
    if out.verdict is Verdict.REFUTED:
        at = ", ".join(f"{k} = {v}" for k, v in (out.witness or {}).items())
        why = f" ({out.reason})" if out.reason else ""
        return Outcome.unknown(f"the witness {shown} fails" + (f" at {at}" if at else "") + why
                               + "; the claim itself is not refuted by that", method=METHOD)
    return Outcome.unknown(f"the witness {shown} could not be checked: {out.reason}", method=METHOD)


def _search(claim: Claim, q: A.Quant, limits: Limits, deadline) -> Outcome:
    syms = {b.name: user_symbol(b.name, real=True) for b in q.binders}
    tr = ToSympy(dict(syms))
    try:
        parts = [P.translate(b.where, tr) for b in q.binders if b.where is not None]
        body = P.Connective("and", tuple(parts) + (P.translate(q.body, tr),))
        form = P.Z3Form(abstract=False)
        goal = form.prop(body)
    except Untranslatable as exc:
        return Outcome.unknown(str(exc), method=METHOD)
    except P.NotInZ3 as exc:
        return Outcome.unknown(f"not searched: {exc} (Z3 takes polynomial atoms); give a `witness`",
                               method=METHOD)
    z3 = form.z3
    s = z3.Solver()
    s.set("timeout", deadline.z3_ms())
    s.add(goal)
    r = s.check()
    if r == z3.sat:
        model = form.rational_model(s.model())
        if model is None:
            return Outcome.unknown("Z3 found only irrational values; give a `witness`", method=METHOD)
        chosen = {b.name: _num(model.get(syms[b.name], sp.Integer(0)), b.span) for b in q.binders}
        return _with_witness(claim, q, chosen, limits, "found by Z3")
    if r == z3.unsat:
        if _true_somewhere(body, list(syms.values())):
            return Outcome.unknown("Z3 and exact evaluation disagree; not refuted", method=METHOD)
        return Outcome(Verdict.REFUTED, method=f"{METHOD}: z3: no value makes the body true (its negation "
                       "is proved for every value), twin-checked at exact points",
                       witness={}, reason="no value satisfies the body")
    return Outcome.unknown("Z3 gave no answer in time", method=METHOD)


def _true_somewhere(body: P.Prop, syms: list) -> bool:
    import itertools
    for combo in itertools.islice(itertools.product(POOL, repeat=len(syms)), 200):
        if P.value_at(body, dict(zip(syms, combo))) is True:
            return True
    return False


def _num(v: sp.Rational, span) -> A.Expr:
    f = Fraction(int(v.p), int(v.q))
    n = A.Num(abs(f), span=span)
    return A.Neg(n, span=span) if f < 0 else n


def _text(e: A.Expr) -> str:
    if isinstance(e, A.Num):
        return show_number(sp.Rational(e.value.numerator, e.value.denominator))
    if isinstance(e, A.Neg) and isinstance(e.operand, A.Num):
        return "-" + _text(e.operand)
    try:
        env = {n: user_symbol(n, real=True) for n in A.free_vars(e)}
        return show_expr(ToSympy(env)(e)).replace("**", "^")
    except (Untranslatable, AssertionError, TypeError, ValueError):
        return f"(the expression at line {e.span.line}, column {e.span.column})"
