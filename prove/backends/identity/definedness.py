"""Where a claim's expressions are defined, read from its syntax tree.

An identity or comparison claims that its sides are defined, and related as
stated, at every point of its domain.  The operations that may be undefined
are read from the tree before any simplification (SymPy evaluates `x/x` to
1 at construction): a denominator must be non-zero, log's argument positive,
sqrt's non-negative, a real power's base positive (non-negative for a
positive exponent, non-zero for a negative whole one), tan's argument off
pi/2 + k*pi; under a derivative the expression must be defined on both sides
of the point along the variable, and a kink (abs, relu, sign, max, min) is a
place with no derivative.

Method, and why it is sound:

1. Each condition is first shown on the whole domain by a sign and interval
   inference over the tree (`Val`), with the claim's hypotheses and implied
   premises as facts (`x > 0`, `0 <= t <= 1`, `det(X) > 0`).  The inference
   only widens: exp > 0, sigmoid in (0, 1), softmax entries in (0, 1], squares
   >= 0, sums and products of positives, dimensions >= 1.  A condition shown
   here holds for every size and index at once.
2. What it cannot show is looked at instance by instance (the claim
   translated with real symbols that carry no sign assumption): SymPy's own
   facts about real symbols, else exact rational points (roots of the
   quantity first, then the usual simple points) where the hypotheses hold
   exactly and the operation is not a real number (1/0, log(-1)); a kink
   under a derivative is refuted only where its one-sided derivatives differ
   by a certified amount.  An abstract function is any smooth function: a
   condition on one is tried with concrete ones (polynomials, exp, as the
   identity backend's refutations), named in the witness.  A refutation is
   re-checked by translating the claim again from its tree (with the same
   concrete functions) and evaluating at the point exactly.
3. Neither: the verdict can be no better than `unknown`, with the condition
   that could not be shown (`guarded` keeps a refutation by the backend).

The conditions are read by `conditions`, the inference of step 1 is
`intervals`, the exact judgement at one point is `undefined`; this module
runs the steps and searches the points.
"""

from __future__ import annotations

import itertools
from typing import Callable, Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.claim import Claim
from prove.backends.identity import abstract
from prove.backends.identity.concrete import dim_range
from prove.backends.identity import instances as I
from prove.backends.identity import points as P
from prove.backends.identity.conditions import Need, Side, condition_words, needs_of, shown, sides_of
from prove.backends.identity.intervals import Inference, facts_of
from prove.backends.identity.sympy_translate import Partial, ToSympy, Untranslatable
from prove.backends.identity.undefined import exact_at, is_zero, outside_domain, undefined_at
from prove.verdict import Outcome, Verdict

METHOD = "definedness: read from the syntax tree, checked at an exact point"
MAX_INSTANCES = 64
POINTS_PER_CONDITION = 24
FUNCTION_COMBOS = 25  # concrete functions tried for the abstract ones, per instance
FUNCTION_INSTANCES = 4  # instances where concrete functions are tried


# ---------------------------------------------------------------- check


def check(claim: Claim) -> Optional[Outcome]:
    """None when every definedness condition of the claim's sides holds where
    the claim is stated; else `refuted` at an exact point or `unknown`."""
    shape = sides_of(claim.body)
    if shape is None:
        return None
    sides, premises = shape
    return check_sides(claim, sides, premises)


def check_expression(claim: Claim, expr, words: str = "the expression") -> Optional[Outcome]:
    """The same for one expression under the claim's variables and hypotheses
    (a calc step's side, a term a backend is about to use)."""
    return check_sides(claim, [Side(expr, words)], [])


def check_sides(claim: Claim, sides: list, premises: list) -> Optional[Outcome]:
    infer = Inference(claim, facts_of(claim, premises))
    open_needs: dict = {}
    for side in sides:
        for need in needs_of(side.expr):
            if id(need.node) not in open_needs and not shown(need, infer):
                open_needs[id(need.node)] = need
    if not open_needs:
        return None
    try:
        return _search(claim, sides, premises, open_needs)
    except Untranslatable as exc:
        need = next(iter(open_needs.values()))
        return Outcome.unknown(f"could not show that {condition_words(need)} where the claim is stated "
                               f"({exc})", method="definedness")


def guarded(claim: Claim, run: Callable[[], Outcome]) -> Outcome:
    """Run a backend under the definedness check: a refutation stands, and a
    `proved` or `verified` becomes `unknown` when a condition is open."""
    try:
        pre = check(claim)
    except Exception as exc:  # a failure here may hide an undefined point: never proved then
        pre = Outcome.unknown(f"the definedness check failed: {type(exc).__name__}: {exc}", method="definedness")
    if pre is not None and pre.verdict is Verdict.REFUTED:
        return pre
    out = run()
    if pre is not None and out.verdict in (Verdict.PROVED, Verdict.VERIFIED):
        return pre
    return out


# -------------------------------------------------- instances and points


def plain_instance(claim: Claim, values: dict) -> I.Instance:
    """An instance whose real variables carry no sign assumption (SymPy would
    otherwise remove abs(x) for x >= 0 before its kink is seen)."""
    inst = I.make_instance(claim, values)
    for name, value in list(inst.symbols.items()):
        if isinstance(value, sp.Symbol):
            plain = sp.Symbol(value.name, real=True)
            inst.symbols[name] = plain
            inst.env[name] = plain
    return inst


def _translate(claim: Claim, values: dict, sides: list, premises: list, table: Optional[dict] = None):
    """(instance, partials) for one instance, or None when a hypothesis excludes it;
    with a table, the abstract functions are the concrete ones in it."""
    inst = plain_instance(claim, values)
    for name, sort in (abstract.function_names(claim).items() if table else ()):
        inst.env[name] = abstract.concrete_fn(name, sort, table, values)
    tr = ToSympy(inst.env)
    for h in list(claim.hypotheses) + list(premises):
        I.add_hypothesis(h, tr, inst)
    if inst.vacuous:
        return None
    partials: list = []
    rec = ToSympy(inst.env, partials)
    for k, side in enumerate(sides):
        rec.side = k
        rec(side.expr)
    return inst, partials


def _sizes(claim: Claim) -> tuple[list, bool]:
    """The values of the integer variables to look at, and whether they are all of them."""
    complete = not any(isinstance(v.sort, S.Int) and not isinstance(v.domain, A.Range) for v in claim.variables)
    values = [inst.values for inst in itertools.islice(I.instances(claim, dim_range(claim)), MAX_INSTANCES + 1)]
    if len(values) > MAX_INSTANCES:
        values, complete = values[:MAX_INSTANCES], False
    return values, complete


def _search(claim: Claim, sides: list, premises: list, open_needs: dict) -> Optional[Outcome]:
    values_list, complete = _sizes(claim)
    functions = abstract.function_names(claim)
    unresolved: Optional[Need] = None
    for k, values in enumerate(values_list):
        got = _translate(claim, values, sides, premises)
        if got is None:
            continue
        open_here: dict = {}
        found = _refutation(claim, values, sides, premises, got, open_needs, open_here)
        if found is not None:
            return found
        unresolved = unresolved or next(iter(open_here.values()), None)
        if not (functions and open_here and k < FUNCTION_INSTANCES):
            continue
        # An abstract function is any smooth function: a concrete one where the
        # operation is undefined, and its hypotheses hold, refutes the claim.
        for table, texts in abstract.assignments(functions, values, FUNCTION_COMBOS):
            got = _translate(claim, values, sides, premises, table)
            if got is not None:
                found = _refutation(claim, values, sides, premises, got, open_here, {}, table, texts)
                if found is not None:
                    return found
    if unresolved is None and complete:
        return None
    need = unresolved or next(iter(open_needs.values()))
    return Outcome.unknown(f"could not show that {condition_words(need)} where the claim is stated",
                           method="definedness")


def _refutation(claim: Claim, values: dict, sides: list, premises: list, got: tuple, needs: dict,
                open_here: dict, table: Optional[dict] = None, texts: Optional[dict] = None) -> Optional[Outcome]:
    """A re-checked point of one translated instance where an open condition
    fails; the conditions left open there go into open_here."""
    inst, partials = got
    for p in partials:
        need = needs.get(id(p.node))
        if need is None or _sympy_shows(p, inst):
            continue
        if p.kind != "norm":  # a norm's slope at 0 is 0 whatever the vector: nothing is concluded
            found = _violation(claim, inst, p, partials)
            if found is not None:
                full, why = found
                if _recheck(claim, values, sides, premises, p, full, table):
                    return _refuted(claim, inst, sides[p.side], full, why, _bound_values(p, inst), texts)
        open_here.setdefault(id(p.node), need)
    return None


def _sympy_shows(p: Partial, inst: I.Instance) -> bool:
    """SymPy's facts about real numbers settle the condition (exp(x) + 1 > 0)."""
    args = [I.apply_solved(a, inst) if isinstance(a, sp.Basic) else a for a in p.args]
    return facts_show(p, args)


def facts_show(p: Partial, args: list) -> bool:
    """SymPy's facts about real symbols show the operation p defined, its arguments being args
    (the analysis backend asks this of a given function at fresh real symbols)."""
    if p.kind == "div":
        return bool(args[0].is_nonzero)
    if p.kind == "log":
        return bool(args[0].is_positive)
    if p.kind == "sqrt":
        return bool(args[0].is_positive if p.under else args[0].is_nonnegative)
    if p.kind == "pow":
        base, e = args
        if base.is_positive:
            return True
        if e.is_integer:
            return bool(e.is_nonnegative or base.is_nonzero)
        return bool(e.is_positive and base.is_nonnegative and not p.under)
    if p.kind == "kink":
        return bool(args[0].is_nonzero)
    if p.kind == "norm":
        return any(bool(a.is_nonzero) for a in args)
    return False


def _candidates(p: Partial, inst: I.Instance):
    """Exact points to try: where the quantity is 0 (and just beside it), then simple points."""
    syms = [s for s in I.all_symbols(inst) if s not in inst.solved]
    quantity = p.args[0]
    if p.kind == "pow":
        quantity = p.args[0]
    if isinstance(quantity, sp.Basic):
        quantity = I.apply_solved(quantity, inst)
        free = [s for s in syms if s in quantity.free_symbols]
        for s in free:
            for base in (sp.Integer(0), sp.Integer(1)):
                others = {t: base for t in syms if t is not s}
                for r in _roots(quantity.xreplace(others), s, p.kind == "tan"):
                    for shift in (0, -1, 1, sp.Rational(-1, 2), sp.Rational(1, 2)):
                        if shift and p.kind in ("div", "kink", "tan"):
                            continue
                        yield {**others, s: r + shift}
    yield from P.points(inst, POINTS_PER_CONDITION, seed=23)


def _roots(e, s, tan: bool) -> list:
    """Rational roots of e in s (for tan: where e is pi/2, when e is linear in s)."""
    try:
        if tan:
            a, b = sp.diff(e, s), e.xreplace({s: sp.Integer(0)})
            if a.is_number and a != 0 and b.is_number and not sp.diff(e, s, 2):
                return [(sp.pi / 2 - b) / a]
            return []
        num, _ = sp.fraction(sp.together(e))
        if not num.is_polynomial(s):
            return []
        poly = sp.Poly(num, s)
        if poly.degree() < 1 or poly.degree() > 8 or not poly.domain.is_QQ and not poly.domain.is_ZZ:
            return []
        return list(poly.ground_roots())[:4]
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
        return []


def _violation(claim: Claim, inst: I.Instance, p: Partial, partials: list) -> Optional[tuple]:
    seen = set()
    for pt in itertools.islice(_candidates(p, inst), 4 * POINTS_PER_CONDITION):
        key = tuple(sorted((s.name, str(v)) for s, v in pt.items()))
        if key in seen:
            continue
        seen.add(key)
        full = P.complete(pt, inst)
        if not P.conditions_hold(inst, full) or outside_domain(claim, inst.env, full):
            continue
        why = undefined_at(p, full, partials)
        if why:
            return full, why
    return None




# ------------------------------------------------------------- verdicts


def _recheck(claim: Claim, values: dict, sides: list, premises: list, p: Partial, full: dict,
             table: Optional[dict] = None) -> bool:
    """Translate again from the tree (with the same concrete functions) and
    evaluate at the point: the hypotheses hold there exactly and the same
    operation is undefined there."""
    got = _translate(claim, values, sides, premises, table)
    if got is None:
        return False
    inst, partials = got
    named = {s.name: v for s, v in full.items()}
    concrete = {s: named[s.name] for s in I.all_symbols(inst) if s.name in named}
    if len(concrete) != len(I.all_symbols(inst)) or not P.conditions_hold(inst, concrete):
        return False
    for sym, expr in inst.solved.items():
        if not is_zero(sp.expand(exact_at(sym - expr, concrete))):
            return False
    if outside_domain(claim, inst.env, concrete):
        return False
    return any(q.node is p.node and q.kind == p.kind and undefined_at(q, concrete, partials) for q in partials)



def _bound_values(p: Partial, inst: I.Instance) -> str:
    """The values of sum indices at the failing term: ` (k = 2)`."""
    names = [f"{k} = {v}" for k, v in (p.env or {}).items()
             if k not in inst.env and isinstance(v, (int, sp.Integer))]
    return f" ({', '.join(names)})" if names else ""


def _refuted(claim: Claim, inst: I.Instance, side: Side, full: dict, why: str, bound: str = "",
             functions: Optional[dict] = None) -> Outcome:
    point = P.witness(claim, inst, full)
    at = " at " + ", ".join(f"{k} = {v}" for k, v in point.items()) if point else ""
    if functions:
        at = " for " + ", ".join(functions.values()) + at
    return Outcome(Verdict.REFUTED, method=METHOD + ", re-checked", witness={**(functions or {}), **point},
                   reason=f"{side.words} is undefined{at}: {why}{bound}")
