"""Convexity of given functions by a curvature calculus (disciplined convex programming).

Method, in order; the first that decides gives the verdict:

1. **Rules.** Every sub-expression gets a curvature (constant, affine, convex,
   concave), a sign, and (for the atoms) a monotonicity, bottom up.  An atom's
   tag is the table `ATOMS`; the composition rule (Boyd & Vandenberghe, Convex
   Optimization, 3.2.4) is: h(g1, ..., gk) is convex when h is convex and each gi
   is affine, or convex where h is nondecreasing in it, or concave where h is
   nonincreasing in it (concave: the mirror image).  Nonnegative multiples and
   sums keep curvature, a negative multiple flips it.  A tree the rules accept is
   a proof, provided each atom's tag is right: tests/test_curvature.py checks
   every row of `ATOMS` by an independent method (the sign of the second
   derivative, or the Hessian, in SymPy, and chords at exact rational points),
   so a wrong row fails a test.  An atom that is defined only on part of the
   line (log, sqrt, 1/x, x*log(x), x^2/y) needs its argument in that part on the
   whole stated domain (`on x > 0`), read from the signs; otherwise the verdict
   is `unknown` and says which domain to state.
2. **Second derivative after u = exp(x)** for a smooth function of one real
   variable on all of R: g''(log u) is, for the exponential-type functions,
   a rational function of u; Z3 (nonlinear real arithmetic, exact) decides
   whether it is negative, or has a pole, for some u > 0.  unsat is a proof
   (u = exp(x) maps R onto u > 0); anything else decides nothing.
3. **Chords** for refutations: (1-t)a + tb at small exact rational points of the
   domain; a chord below the function (above, for concave) is a counterexample,
   computed in SymPy with exact numbers (sqrt of a rational stays an algebraic
   number) and re-checked by `evalf(30, strict=True)`, which raises rather than
   give digits it does not have.  The witness is the two points and t.

Nothing here falls back to a float, and a rule that does not apply gives no
verdict: the claim goes on to the next method, and finally `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations, product
from typing import Optional

import sympy as sp
import z3

from prove import ast as A
from prove import sorts as S
from prove.backends.analysis.curvature_rules import ATOMS, CurvatureRules, NotDecided, OutOfDomain, read_domain
from prove.backends.analysis.exact import sign
from prove.backends.base import Deadline
from prove.backends.internal import name as internal_name
from prove.backends.identity.exact import show_expr, show_number
from prove.backends.identity.sympy_translate import NON_SMOOTH, ToSympy, Untranslatable, is_matrix
from prove.verdict import Outcome, Verdict
from prove.vocabulary import VOCABULARY, Smoothness

KINDS = ("convex", "concave")
KINKED = {b.name for b in VOCABULARY if b.smoothness in (Smoothness.KINK, Smoothness.JUMP)}
__all__ = ["ATOMS", "check_curvature"]


@dataclass(frozen=True)
class ConvexityInstance:
    """One `convex(f)` or `concave(f)` to decide, f a function written in the claim."""

    kind: str
    fn: A.Lambda
    label: str  # `y = 2`, when a range variable was given a value


def check_curvature(claim, formula: A.Expr, deadline: Deadline) -> Optional[Outcome]:
    """The verdict for a claim that is a convexity predicate of given functions (for each value
    of range variables such as `forall y in 1..3`); None when the claim is not of that shape
    and the function has no `on` domain, so the other methods of the backend take it."""
    lambdas = [n for n in A.walk(formula) if isinstance(n, A.Lambda)]
    stated = any(lam.spaces or lam.domain is not None for lam in lambdas)
    instances = _instances(claim, formula)
    if instances is None:
        if stated:
            return Outcome.unknown("a function with an `on` domain is decided here only as a whole claim "
                                   "`convex(f, on ...)` or `concave(f, on ...)`, possibly for each value of a "
                                   "range variable (`forall y in 1..3:`)", method="curvature")
        return None
    results = []
    for inst in instances:
        out = decide(inst, deadline.share(1 / max(1, len(instances))), fallback=not stated)
        if out is None:
            return None
        if out.verdict is Verdict.REFUTED:
            witness = dict(out.witness or {})
            if inst.label:
                witness = {**dict(v.split(" = ") for v in inst.label.split(", ")), **witness}
            return replace(out, witness=witness)
        results.append((inst, out))
    unknown = [(i, o) for i, o in results if o.verdict is not Verdict.PROVED]
    if unknown:
        inst, out = unknown[0]
        return replace(out, reason=(f"for {inst.label}: " if inst.label else "") + (out.reason or ""))
    methods = []
    for _, o in results:
        if o.method not in methods:
            methods.append(o.method)
    return Outcome(Verdict.PROVED, method="; ".join(methods))


def _instances(claim, formula) -> Optional[list]:
    """The claim as predicates of given functions, one per value of its range variables."""
    ranges = []
    for v in claim.variables:
        if isinstance(v.sort, S.Int) and isinstance(v.domain, A.Range):
            lo, hi = _const_int(v.domain.low), _const_int(v.domain.high)
            if lo is None or hi is None or hi - lo > 20:
                return None
            ranges.append((v.name, range(lo, hi + 1)))
        elif isinstance(v.sort, S.Int) and v.bound is not None:
            continue  # a dimension (`forall n >= 1: ... on x in R^n`): the rules hold for every n
        else:
            return None
    if claim.hypotheses:
        return None
    calls = _conjuncts(formula)
    if calls is None:
        return None
    out = []
    for values in product(*[r for _, r in ranges]):
        mapping = {name: A.Num(Fraction(k), str(k), span=formula.span) for (name, _), k in zip(ranges, values)}
        label = ", ".join(f"{name} = {k}" for (name, _), k in zip(ranges, values))
        for call in calls:
            lam = A.substitute(call.args[0], mapping) if mapping else call.args[0]
            out.append(ConvexityInstance(call.func.id, lam, label))
    return out


def _conjuncts(formula) -> Optional[list]:
    parts = formula.operands if isinstance(formula, A.And) else (formula,)
    out = []
    for p in parts:
        if not (isinstance(p, A.Call) and isinstance(p.func, A.Name) and p.func.id in KINDS
                and len(p.args) == 1 and isinstance(p.args[0], A.Lambda)):
            return None
        out.append(p)
    return out


def _const_int(node) -> Optional[int]:
    if isinstance(node, A.Num) and node.value.denominator == 1:
        return int(node.value)
    return None


# ------------------------------------------------------------------ deciding

def decide(inst: ConvexityInstance, deadline: Deadline, fallback: bool = False) -> Optional[Outcome]:
    """proved by the rules or by the second derivative, refuted by a chord, else unknown
    (or None, when `fallback`: the backend's exact checker may still decide)."""
    lam = inst.fn
    try:
        domain = read_domain(lam)
    except NotDecided as exc:
        return Outcome.unknown(str(exc), method="curvature")
    rules = CurvatureRules(lam, domain)
    why_not = ""
    try:
        info = rules.scalar(lam.body)
        want = "convex" if inst.kind == "convex" else "concave"
        if info.curv in ("const", "affine", want):
            return Outcome(Verdict.PROVED, method="curvature: " + ", ".join(rules.used))
        why_not = f"the curvature rules find the function {info.curv if info.curv != 'unknown' else 'of unknown curvature'}"
    except OutOfDomain as exc:
        return Outcome.unknown(str(exc), method="curvature")
    except NotDecided as exc:
        why_not = str(exc)
    except (AttributeError, TypeError, ValueError):  # a shape the rules do not model (a matrix): no verdict
        why_not = "the curvature rules do not take this expression"
    if deadline.passed():
        return Outcome.unknown(why_not + "; no time was left for other tests", method="curvature")
    second = _second_derivative_test(inst, deadline)
    if second is not None:
        return second
    if fallback and not _has_kink(lam):
        return None  # a smooth function on all of R: the backend's exact second-derivative checker
    chord = _chord_refutation(inst, domain, deadline)
    if chord is not None:
        return chord
    if fallback:
        return None
    return Outcome.unknown(why_not + "; no chord at small rational points refutes it", method="curvature")


def _has_kink(lam: A.Lambda) -> bool:
    return any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id in KINKED
               for n in A.walk(lam.body))


def _sympy_function(lam: A.Lambda):
    """The function as a SymPy callable on exact points (the translation the backend shares)."""
    plain = replace(lam, spaces=(), domain=None)
    return ToSympy({})(plain)


def _second_derivative_test(inst: ConvexityInstance, deadline: Deadline) -> Optional[Outcome]:
    lam = inst.fn
    if len(lam.params) != 1 or lam.domain is not None or any(s is not None for s in lam.spaces):
        return None
    try:
        f = _sympy_function(lam)
        x = sp.Dummy("x", real=True)
        body = f.apply([x])
    except Untranslatable:
        return None
    if is_matrix(body) or body.has(*NON_SMOOTH) or not body.has(sp.exp):
        return None
    if inst.kind == "concave":
        body = -body
    u = sp.Dummy("u", positive=True)  # a strict sign: no kink can hide behind it (smooth body)
    if not _defined_everywhere(body.xreplace({x: sp.log(u)}), u):
        return None
    g2 = sp.together(sp.diff(body, x, 2).xreplace({x: sp.log(u)}))
    if g2.free_symbols - {u} or g2.has(sp.log, sp.exp):
        return None
    num, den = sp.fraction(g2)
    try:
        pn, pd = sp.Poly(sp.expand(num), u, domain="QQ"), sp.Poly(sp.expand(den), u, domain="QQ")
    except (sp.PolynomialError, sp.CoercionFailed):
        return None
    zu = z3.Real(internal_name("u"))

    def z3poly(p):
        return z3.Sum([z3.RealVal(str(c)) * zu ** k for (k,), c in p.terms()]) if not p.is_zero else z3.RealVal(0)

    s = z3.Solver()
    s.set("timeout", deadline.z3_ms())
    s.add(zu > 0, z3.Or(z3poly(pn) * z3poly(pd) < 0, z3poly(pd) == 0))
    if s.check() != z3.unsat:
        return None
    shown = show_expr(g2, {u: "u"})
    return Outcome(Verdict.PROVED, method=f"curvature: second derivative after u = exp(x) is {shown}, "
                                          f"z3: never negative for u > 0")


def _defined_everywhere(f, u) -> bool:
    """f(log u) is real and finite for every u > 0, read from its syntax: only rational
    operations, exp, and log of a rational function whose numerator and denominator have
    nonnegative coefficients and are not zero (so positive for u > 0).  A pole shows up in
    the second derivative, which the Z3 query rules out."""
    for node in sp.preorder_traversal(f):
        if isinstance(node, sp.log):
            num, den = sp.fraction(sp.together(node.args[0]))
            try:
                polys = [sp.Poly(sp.expand(p), u, domain="QQ") for p in (num, den)]
            except (sp.PolynomialError, sp.CoercionFailed):
                return False
            if any(p.is_zero or any(c < 0 for c in p.coeffs()) for p in polys):
                return False
        elif isinstance(node, sp.Pow):
            if not node.exp.is_Integer:
                return False
        elif isinstance(node, sp.Function) and not isinstance(node, sp.exp):
            return False
        elif node.is_Number and node.is_extended_real is not True:
            return False
    return True


def _sample_values(domain: dict, name: str) -> list:
    values = [sp.Integer(v) for v in (0, 1, -1, 2, -2, 3)] + [sp.Rational(1, 2), sp.Rational(-1, 2)]
    return [v for v in values if _within(domain.get(name, ()), v)]


def _within(bounds, v) -> bool:
    ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
           ">=": lambda a, b: a >= b}
    return all(ops[op](v, c) for op, c in bounds)


def _points(lam: A.Lambda, domain: dict) -> list:
    spaces = lam.spaces or (None,) * len(lam.params)
    if len(lam.params) == 1 and spaces[0] is not None:
        dim = spaces[0].shape[0] if isinstance(spaces[0], A.Space) and spaces[0].shape else None
        if not isinstance(dim, int) or dim > 4 or domain.get(lam.params[0]):
            return []
        grid = [sp.Integer(v) for v in (0, 1, -1)]
        return [sp.ImmutableMatrix(p) for p in product(grid, repeat=dim)][:40]
    per = [_sample_values(domain, p) for p in lam.params]
    if len(per) == 1:
        return [v[0] for v in product(*per)]
    if len(per) > 3:
        return []
    return [sp.ImmutableMatrix(p) for p in product(*[v[:5] for v in per])][:60]


def _chord_refutation(inst: ConvexityInstance, domain: dict, deadline: Deadline) -> Optional[Outcome]:
    lam = inst.fn
    try:
        f = _sympy_function(lam)
    except Untranslatable:
        return None
    points = _points(lam, domain)
    cache: dict = {}

    def value(p):
        key = tuple(p) if is_matrix(p) else p
        if key not in cache:
            try:
                v = f.apply([p])
            except (Untranslatable, ZeroDivisionError):
                v = None
            if v is not None and (is_matrix(v) or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) or v.free_symbols
                                  or v.is_extended_real is not True):
                v = None
            cache[key] = v
        return cache[key]

    want = -1 if inst.kind == "convex" else 1  # the sign of chord - value that refutes
    for a, b in combinations(points, 2):
        if deadline.passed():
            return None
        for t in (sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(3, 4)):
            m = a + t * (b - a) if not is_matrix(a) else sp.ImmutableMatrix(a + t * (b - a))
            fa, fb, fm = value(a), value(b), value(m)
            if fa is None or fb is None or fm is None:
                continue
            gap = (1 - t) * fa + t * fb - fm
            if sign(gap) != want or not _confirmed(gap, want):
                continue
            name = ", ".join(lam.params) if len(lam.params) > 1 else lam.params[0]
            rel = "below" if want == -1 else "above"
            reason = (f"the chord from a to b lies {rel} the function at (1-t)a + tb: "
                      f"f({_show(m)}) = {show_expr(sp.nsimplify(fm) if fm.is_Rational else fm)}, "
                      f"(1-t)f(a) + t f(b) = {show_expr((1 - t) * fa + t * fb)} (exact; re-checked to 30 digits)")
            return Outcome(Verdict.REFUTED, method="curvature: exact chord test",
                           witness={"a": _show(a), "b": _show(b), "t": show_number(t)},
                           reason=f"{reason}; f is a function of {name}")
    return None


def _confirmed(gap, want: int) -> bool:
    """An independent look at the same number: 30 guaranteed digits, never a float."""
    try:
        approx = sp.N(gap, 30, strict=True)
    except Exception:  # PrecisionExhausted and friends: not confirmed
        return False
    return (approx < 0) if want == -1 else (approx > 0)


def _show(p) -> str:
    if is_matrix(p):
        return "[" + ", ".join(show_number(v) for v in p) + "]"
    return show_number(p)
