"""Counterexamples of higher degree to claims about abstract functions, and `exists`/`forall` over R.

A claim `forall g: R -> R, ...` ranges over every function the definitions
apply to, and a polynomial is one of them (smooth, so every derivative the
claim takes exists).  So a polynomial for which the claim is false refutes it.
Z3's search (check.py) stands in a cubic with unknown coefficients; this
module tries a fixed list of polynomials up to degree 4, simplest first (0, 1,
x, -x, x^2, ..., x^4, -x^4, the double well), with the real variables at 0,
1, -1, and judges each combination with the exact evaluator (`exact.Evaluator`,
SymPy with exact numbers, no solver).  Only a `False` from that evaluator is
reported, so a refutation here is exactly as sound as the evaluator.

Quantifiers over R inside a claim (`exists w0 in R: global_min(g, w0)`) are
decided for a concrete function by `quantifier` (called by the evaluator):
`exists` is true when the body holds at a rational value tried, `forall`
false when it fails at one (the value is the witness).  Whether a polynomial
attains its global minimum is decided exactly: a univariate polynomial attains
it iff it is constant or of even degree with a positive leading coefficient
(it then tends to +oo on both sides, and a continuous function that does so
attains its minimum; of odd degree, or even with a negative leading
coefficient, it is unbounded below).  Anything else is `None`, never a guess.
"""

from __future__ import annotations

from itertools import product
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.backends.analysis.exact import Evaluator, Truth, body_of, show_number
from prove.backends.identity.sympy_translate import Untranslatable
from prove.verdict import Outcome, Verdict

# coefficients of 1, x, x^2, x^3, x^4: the simplest first
CANDIDATES = (
    (0,), (1,), (0, 1), (0, -1), (0, 0, 1), (0, 0, -1), (0, 0, 0, 1), (0, 0, 0, -1),
    (0, 0, 0, 0, 1), (0, 0, 0, 0, -1), (0, 0, -2, 0, 1), (0, 0, 2, 0, -1), (0, -3, 0, 1), (0, 3, 0, -1),
)
POINT_VALUES = (sp.Integer(0), sp.Integer(1), sp.Integer(-1))
TRY_VALUES = POINT_VALUES + (sp.Integer(2), sp.Integer(-2), sp.Rational(1, 2), sp.Rational(-1, 2))
MAX_COMBINATIONS = 400


def refute(formula, abstract, points, deadline, stand_in) -> Optional[Outcome]:
    """A refutation by a candidate polynomial for each abstract function, re-checked exactly; else None.
    stand_in(var) -> a degree-4 PolyFamily named after var, whose fn/text make and show a candidate."""
    if any(not (isinstance(v.sort.source, S.Real) and isinstance(v.sort.target, S.Real)) for v in abstract):
        return None
    if any(not isinstance(v.sort, S.Real) for v in points):
        return None
    families = [stand_in(v) for v in abstract]
    syms = {v.name: sp.Dummy(v.name, real=True) for v in points}
    tried = 0
    for funcs in product(CANDIDATES, repeat=len(families)):
        for vals in product(POINT_VALUES, repeat=len(points)):
            tried += 1
            if tried > MAX_COMBINATIONS or deadline.passed():
                return None
            env = dict(syms)
            witness = {}
            for f, coeffs in zip(families, funcs):
                values = [sp.Integer(c) for c in coeffs] + [sp.Integer(0)] * (len(f.coeffs) - len(coeffs))
                env[f.name] = f.fn(values)
                witness[f.name] = f.text(values)
            at = {}
            for v, x in zip(points, vals):
                at[syms[v.name]] = x
                witness[v.name] = show_number(x)
            truth = Evaluator(env, at)(formula)
            if truth.value is False:
                return Outcome(Verdict.REFUTED, witness={**witness, **truth.where}, reason=truth.why,
                               method="a polynomial of degree <= 4 from a fixed list, judged exactly in sympy "
                                      "(a polynomial is one of the functions the claim ranges over)")
    return None


def quantifier(ev: Evaluator, e: A.Quant) -> Truth:
    """`exists`/`forall` over one real variable, for concrete functions (module docstring)."""
    if e.kind not in ("forall", "exists") or len(e.binders) != 1:
        return Truth(None, "only `forall`/`exists` of one real variable are decided here")
    b = e.binders[0]
    dom = b.domain
    if b.kind != "in" or not isinstance(dom, A.Space) or dom.field_ != "R" or dom.shape != () or b.where is not None:
        return Truth(None, "quantifiers are decided here over R only")
    exists = e.kind == "exists"
    if exists:
        known = _attained(ev, b.name, e.body)
        if known is not None:
            return known
    for v in TRY_VALUES:
        sym = sp.Dummy(b.name, real=True)
        inner = Evaluator({**ev.env, b.name: sym}, {**ev.points, sym: v})(e.body)
        if inner.value is exists:
            word = "holds" if exists else "fails"
            return Truth(exists, f"the body {word} at {b.name} = {show_number(v)}: {inner.why}",
                         {} if exists else {b.name: show_number(v), **inner.where})
    return Truth(None, f"`{e.kind} {b.name} in R` is decided here by trying values of {b.name} and, for "
                       "`global_min`/`global_max` of a polynomial, whether it is attained")


def _attained(ev: Evaluator, x: str, body) -> Optional[Truth]:
    """exists x: global_min(f, x) / global_max(f, x) for a univariate polynomial f, exactly."""
    if not (isinstance(body, A.Call) and isinstance(body.func, A.Name) and body.func.id in ("global_min", "global_max")
            and len(body.args) == 2 and isinstance(body.args[1], A.Name) and body.args[1].id == x):
        return None
    if any(isinstance(n, A.Name) and n.id == x for n in A.walk(body.args[0])):
        return None
    try:
        syms, expr = body_of(ev.value(body.args[0]))
    except (Untranslatable, TypeError, AttributeError):
        return None
    if len(syms) != 1 or not expr.is_polynomial(syms[0]):
        return None
    poly = sp.Poly(sp.expand(expr), syms[0])
    if not all(isinstance(c, sp.Rational) for c in poly.all_coeffs()):
        return None
    label = ev._label(body.args[0])
    lc, deg = poly.LC(), poly.degree()
    minimum = body.func.id == "global_min"
    word = "minimum" if minimum else "maximum"
    if deg <= 0:
        return Truth(True, f"{label} is constant: every point is a global {word}")
    if deg % 2 == 0 and (lc > 0) == minimum:
        return Truth(True, f"{label} has even degree {deg} and a {'positive' if minimum else 'negative'} leading "
                           f"coefficient: it tends to {'+' if minimum else '-'}oo on both sides and attains its {word}")
    why = f"odd degree {deg}" if deg % 2 else f"a {'negative' if minimum else 'positive'} leading coefficient"
    return Truth(False, f"{label} has {why}: it is unbounded {'below' if minimum else 'above'}, "
                        f"so no point is a global {word}")
