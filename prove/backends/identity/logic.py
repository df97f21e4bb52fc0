"""Logic around identities: `and`, `or`, `not`, `->`, `<->` of equations and
inequalities, a `forall` or `exists` nested in a conjunction, `exists` with a
witness (given, or found by Z3), `!=` between vectors and hypotheses that
are formulas (`where (forall k in 1..3: y[k] = delta(k, i))`).

Method:

1. Split.  A body `A and (forall y: B)` (also under an implication, and under
   a `forall` at the front) is split into claims of their own, each with the
   claim's variables and hypotheses: `forall x: A` and `forall x, y: B`, a
   bound name clashing with the claim's renamed apart first.  The claim is
   proved when every part is, refuted when one part is (a counterexample to
   a conjunct is one to the conjunction).
2. `exists x in R: P`.  With `witness x = EXPR`, P with EXPR put in for x is
   checked as a claim of its own (the claim's variables still universal): the
   claim is proved when that is; a failing witness leaves it `unknown`.
   Without one, for a closed, polynomial P, Z3 is asked for a model; its
   rational values are used as the witness above (so checked exactly).  The
   claim is refuted only when `forall x: not P` is proved by Z3 and no exact
   point makes P true.
3. Otherwise each instance of the index and size variables is a formula of
   exact atoms (`props`).  It is proved when Z3 finds `hypotheses and not
   body` unsatisfiable over the reals (polynomial atoms; a total function
   abstracted as any real) and the hypotheses alone satisfiable somewhere;
   refuted at an exact point where the hypotheses are True and the body
   False in three values, re-checked by translating the claim again from its
   syntax tree and evaluating there with no solver.  Z3's unknown, a timeout
   or a non-polynomial atom is never a proof.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.backends.base import Limits
from prove.claim import Claim, Family, Variable
from prove.errors import ProveError
from prove.backends.identity import props as P
from prove.backends.identity.instances import enumerate_sizes, make_instance
from prove.backends.identity.points import points, witness
from prove.backends.identity.sympy_translate import ToSympy, Untranslatable
from prove.backends.identity.undefined import outside_domain
from prove.verdict import Outcome, Verdict

METHOD = "logic"
SEARCH = 40


def uses_logic(claim: Claim) -> bool:
    """Whether the claim has a form the plain identity check does not take."""
    for part in (claim.body, *claim.hypotheses):
        for node in A.walk(part):
            if isinstance(node, (A.Or, A.Not, A.Iff, A.Quant)):
                return True
    if any(isinstance(n, A.Compare) and "!=" in n.ops for n in A.walk(claim.body)):
        return True
    for h in claim.hypotheses:
        for n in A.walk(h):
            if isinstance(n, A.Compare) and "!=" in n.ops and any(_is_array(claim, o) for o in n.operands):
                return True
    return False


def _is_array(claim: Claim, e: A.Expr) -> bool:
    try:
        return isinstance(claim.sort_of(e), (S.Vec, S.Mat))
    except ProveError:
        return False


def attempt(claim: Claim, limits: Limits = Limits()) -> Optional[Outcome]:
    """The logic check's outcome, or None when the claim is the plain check's."""
    if not uses_logic(claim):
        return None
    deadline = limits.deadline(0.6)
    parts = split(_innermost(claim.decl.body))
    if len(parts) > 1 or parts[0] is not _innermost(claim.decl.body):
        return _conjunction(claim, parts, limits)
    if isinstance(claim.body, A.Quant) and claim.body.kind == "exists":
        from prove.backends.identity.exists import check_exists
        return check_exists(claim, limits, deadline)
    outcome = check_formula(claim, deadline)
    if outcome.verdict is Verdict.UNKNOWN and not _logic_in_body(claim.body):
        return None  # hypotheses the plain check also takes (finite foralls, vector !=): let it try
    return outcome


def _logic_in_body(body: A.Expr) -> bool:
    return any(isinstance(n, (A.Or, A.Not, A.Iff, A.Quant)) or (isinstance(n, A.Compare) and "!=" in n.ops)
               for n in A.walk(body))


# ----------------------------------------------------------------- splitting


def _innermost(body: A.Expr) -> A.Expr:
    while isinstance(body, A.Quant) and body.kind == "forall":
        body = body.body
    return body


def with_body(decl_body: A.Expr, inner: A.Expr) -> A.Expr:
    """The claim's outer `forall` prefix around a new innermost formula."""
    if isinstance(decl_body, A.Quant) and decl_body.kind == "forall":
        return replace(decl_body, body=with_body(decl_body.body, inner))
    return inner


def split(body: A.Expr) -> list:
    """The conjuncts of body, with `forall`s over the reals lifted to the front
    of each (see the module docstring); [body] when nothing splits."""
    if isinstance(body, A.And):
        return [p for o in body.operands for p in split(o)]
    if isinstance(body, A.Implies) and _has_real_quant(body.right):
        out = []
        for p in split(body.right):
            if isinstance(p, A.Quant) and p.kind == "forall":
                q = _apart(p, A.free_vars(body.left))
                out.append(replace(q, body=A.Implies(body.left, q.body, span=body.span)))
            else:
                out.append(A.Implies(body.left, p, span=body.span))
        return out
    if isinstance(body, A.Quant) and body.kind == "forall":
        inner = split(body.body)
        if len(inner) > 1 or inner[0] is not body.body:
            return [replace(body, body=p) for p in inner]
    return [body]


def _has_real_quant(e: A.Expr) -> bool:
    return any(isinstance(n, A.Quant) for n in A.walk(e))


def _apart(q: A.Quant, avoid: frozenset) -> A.Quant:
    """q with each binder whose name is in `avoid` renamed to a fresh name."""
    taken = set(avoid) | A.free_vars(q) | {b.name for n in A.walk(q) if isinstance(n, A.Quant) for b in n.binders}
    binders, body = list(q.binders), q.body
    for i, b in enumerate(binders):
        if b.name not in avoid:
            continue
        k = 2
        while f"{b.name}{k}" in taken:
            k += 1
        new = f"{b.name}{k}"
        taken.add(new)
        if any(b.name in _dims(later.domain) for later in binders[i + 1:]):
            raise Untranslatable(f"{b.name} is bound twice and sizes a space; rename it")
        ren = {b.name: A.Name(new, span=b.span)}
        binders[i] = replace(b, name=new)
        binders[i + 1:] = [replace(o, where=A.substitute(o.where, ren) if o.where is not None else None,
                                   bound=A.substitute(o.bound, ren) if o.bound is not None else None)
                           for o in binders[i + 1:]]
        binders[i] = replace(binders[i], where=A.substitute(b.where, ren) if b.where is not None else None)
        body = A.substitute(body, ren)
    return replace(q, binders=tuple(binders), body=body)


def _dims(d) -> set:
    if isinstance(d, A.Space):
        return {s for s in d.shape if isinstance(s, str)}
    if isinstance(d, A.FunSig):
        return _dims(d.source) | _dims(d.target)
    return set()


def sub_claim(claim: Claim, inner: A.Expr, hints: tuple = ()) -> Claim:
    """`inner` as a claim of its own, with the claim's variables and
    hypotheses (a `forall` at its front joins them, renamed apart)."""
    variables, hyps, sorts = list(claim.variables), list(claim.hypotheses), dict(claim.sorts)
    while isinstance(inner, A.Quant) and inner.kind == "forall":
        q = _apart(inner, frozenset(v.name for v in variables))
        for b in q.binders:
            sort = _binder_sort(b)
            bound = (b.kind, b.bound) if b.kind != "in" else None
            variables.append(Variable(b.name, sort, b.span, domain=b.domain if b.kind == "in" else None,
                                      bound=bound))
            sorts[b.name] = sort
            if b.where is not None:
                hyps.append(b.where)
        inner = q.body
    decl = replace(claim.decl, hints=hints, expect=None)
    return replace(claim, decl=decl, variables=tuple(variables), hypotheses=tuple(hyps), body=inner, sorts=sorts)


def _binder_sort(b: A.Binder) -> S.Sort:
    if b.kind in ("<=", ">=", "<", ">", "=", "!="):
        return S.INT
    if b.kind == "in" and isinstance(b.domain, A.Range):
        return S.INT
    if b.kind == "in" and isinstance(b.domain, A.Space) and b.domain.field_ == "R":
        shape = b.domain.shape
        if shape == ():
            return S.REAL
        if len(shape) == 1:
            return S.Vec(shape[0])
        return S.Mat(shape[0], shape[1])
    raise Untranslatable(f"a nested binder `{b.name}` of this kind is not taken by the logic check")


def run_sub(claim: Claim, limits: Limits) -> Outcome:
    """A part's own verdict, by the backend of its family (the plain identity
    check for a comparison), under the definedness check."""
    from prove.backends import base
    if claim.family is not Family.IDENTITY:
        return Outcome.unknown(f"a part of this claim is a {claim.family} claim, which the logic check "
                               "does not combine", method=METHOD)
    from prove.backends.identity.check import check
    out = base.with_definedness(claim, lambda: check(claim, limits))
    if out.verdict is Verdict.UNKNOWN and not uses_logic(claim):  # an inequality: Z3's polynomial route
        alt = base.with_definedness(claim, lambda: check_formula(claim, limits.deadline(0.3)))
        if alt.verdict is not Verdict.UNKNOWN:
            return alt
    return out


def _conjunction(claim: Claim, parts: list, limits: Limits) -> Outcome:
    outcomes = []
    for p in parts:
        try:
            sub = sub_claim(claim, p, tuple(h for h in claim.hints if h.kind == "witness"))
        except (ProveError, Untranslatable) as exc:
            return Outcome.unknown(f"a conjunct could not be checked on its own ({exc})", method=METHOD)
        out = run_sub(sub, limits)
        if out.verdict is Verdict.REFUTED:
            return replace(out, method=f"{METHOD}: conjunct {len(outcomes) + 1} of {len(parts)} refuted; "
                                        f"{out.method}")
        outcomes.append(out)
    open_ = [(i, o) for i, o in enumerate(outcomes) if o.verdict not in (Verdict.PROVED, Verdict.VERIFIED)]
    if open_:
        i, o = open_[0]
        return Outcome.unknown(f"conjunct {i + 1} of {len(parts)}: {o.reason}", method=METHOD)
    methods = "; ".join(f"({i + 1}) {o.method}" for i, o in enumerate(outcomes))
    bounds = [o.bound for o in outcomes if o.bound]
    verdict = Verdict.VERIFIED if bounds else Verdict.PROVED
    return Outcome(verdict, method=f"{METHOD}: each of {len(parts)} conjuncts checked on its own: {methods}",
                   bound="; ".join(dict.fromkeys(bounds)) or None)


# ------------------------------------------------------- formulas, instance-wise


def formulas(claim: Claim, values: dict):
    """(instance, hypotheses, body) of one instance, translated from the tree."""
    inst = make_instance(claim, values)
    tr = ToSympy(inst.env)
    hyps = P.Connective("and", tuple(P.translate(h, tr) for h in claim.hypotheses))
    return inst, hyps, P.translate(claim.body, tr)


def check_formula(claim: Claim, deadline) -> Outcome:
    try:
        return _check_formula(claim, deadline)
    except Untranslatable as exc:
        return Outcome.unknown(str(exc), method=METHOD)


def _check_formula(claim: Claim, deadline) -> Outcome:
    sizes = enumerate_sizes(claim)
    if not sizes.values:
        return Outcome.unknown("no instance of the claim's variables satisfies its bounds", method=METHOD)
    open_reason, held, abstracted = None, 0, False
    for values in sizes.values:
        inst, hyps, body = formulas(claim, values)
        if P.symbols_of(hyps) == set() and P.value_at(hyps, {}) is False:
            continue  # an index hypothesis (i != j) excludes this instance
        verdict, model, why = solve(hyps, body, deadline)
        refuted = _refute(claim, inst, hyps, body, model)
        if refuted is not None:
            return refuted
        if verdict == "proved":
            held += 1
            abstracted |= why == "abstracted"
        elif verdict == "vacuous":
            continue
        elif open_reason is None:
            where = ", ".join(f"{k} = {v}" for k, v in values.items())
            open_reason = why + (f" (at {where})" if where else "")
    if open_reason is not None:
        return Outcome.unknown(open_reason + "; no counterexample found at exact points", method=METHOD)
    if not held:
        return Outcome.unknown("the hypotheses hold nowhere (they contradict each other): nothing was shown",
                               method=METHOD)
    method = "z3: the negation of the formula is unsatisfiable over the reals"
    if abstracted:
        method += " (exp, sin, ... taken as arbitrary reals)"
    if not sizes.complete:
        return Outcome(Verdict.VERIFIED, method=f"{METHOD}: {method}", bound=sizes.bound())
    if sizes.names:
        method += f"; every {sizes.bound()} checked"
    return Outcome(Verdict.PROVED, method=f"{METHOD}: {method}, re-checked at exact points")


def solve(hyps: P.Prop, body: P.Prop, deadline, abstract: bool = True):
    """("proved" | "vacuous" | "open", a rational model of hyps and not body or
    None, why).  Z3's unknown is "open", never proved."""
    try:
        form = P.Z3Form(abstract=abstract)
        h, b = form.prop(hyps), form.prop(body)
    except P.NotInZ3 as exc:
        return "open", None, f"not decided: {exc} (Z3 takes polynomial atoms)"
    z3 = form.z3
    s = z3.Solver()
    s.set("timeout", deadline.z3_ms())
    s.add(*form.side, h, z3.Not(b))
    r = s.check()
    if r == z3.unsat:
        twin = z3.Solver()  # the hypotheses alone must hold somewhere
        twin.set("timeout", deadline.z3_ms())
        twin.add(*form.side, h)
        t = twin.check()
        if t == z3.unsat:
            return "vacuous", None, "the hypotheses never hold"
        if t != z3.sat:
            return "open", None, "Z3 could not tell whether the hypotheses can hold"
        return "proved", None, "abstracted" if form.abstracted else ""
    if r == z3.sat and not form.abstracted:
        return "open", form.rational_model(s.model()), "Z3 found a model of the negation"
    return "open", None, ("Z3 gave no answer in time" if r != z3.sat else
                          "not decided with exp, sin, ... taken as arbitrary reals")


def _refute(claim: Claim, inst, hyps, body, model: Optional[dict]) -> Optional[Outcome]:
    """A re-checked counterexample: Z3's model first, then simple exact points."""
    candidates = ([model] if model else []) + list(points(inst, SEARCH, seed=23))
    for point in candidates:
        if P.value_at(hyps, point) is True and P.value_at(body, point) is False:
            if recheck(claim, inst.values, point):
                return Outcome(Verdict.REFUTED, method=f"{METHOD}: exact evaluation at a point, re-checked",
                               witness=witness(claim, inst, point), reason=P.why_false(body, point))
    return None


def recheck(claim: Claim, values: dict, point: dict) -> bool:
    """Translate the claim again from its tree, put the point in by name:
    hypotheses True, no hypothesis undefined there, body False."""
    try:
        inst, hyps, body = formulas(claim, values)
    except Untranslatable:
        return False
    named = {s.name: v for s, v in point.items()}
    syms = {s for s in P.symbols_of(hyps) | P.symbols_of(body)}
    if any(s.name not in named for s in syms):
        return False
    concrete = {s: named[s.name] for s in syms}
    if outside_domain(claim, inst.env, concrete):
        return False
    return P.value_at(hyps, concrete) is True and P.value_at(body, concrete) is False
