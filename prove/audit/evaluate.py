"""A translated formula at one exact point: four outcomes, decided exactly.

`holds` answers True, False, UNDEFINED (a definedness condition of an atom
that matters fails at the point) or UNCERTAIN (something that matters could
not be certified).  `and`/`or`/`->` follow Kleene's rules, so an atom that
does not matter (the conclusion under a false premise) never spoils a point.

Predicates on functions of one variable are decided exactly on polynomials
with rational coefficients: local extrema by the first non-vanishing
derivative at the point, global extrema and convexity by non-negativity of a
polynomial (no real root of odd multiplicity, found by square-free
factorisation and Sturm counting, and a positive leading coefficient).
"""

from __future__ import annotations

from itertools import combinations
from typing import Optional

import sympy as sp

from prove.audit import numeric as N
from prove.audit.values import Atom, Conn, Const, MatrixValue, Pred

UNDEFINED = "undefined"
UNCERTAIN = "uncertain"


class Point:
    """Values of the symbols at one point, with the interval cache for it."""

    def __init__(self, values: dict, exact_only: bool = False):
        self.values = values
        self.exact_only = exact_only
        self.memo: dict = {}

    def compare(self, op: str, a, b) -> Optional[bool]:
        return N.compare(op, a, b, self.values, self.memo, self.exact_only)


_COND_OPS = {"pos": ">", "nonneg": ">=", "nonzero": "!="}


def defined(conds, pt: Point):
    """True, UNDEFINED or UNCERTAIN."""
    for kind, expr in conds:
        try:
            ok = pt.compare(_COND_OPS[kind], expr, sp.Integer(0))
        except N.TooLarge:
            raise
        if ok is False:
            return UNDEFINED
        if ok is None:
            return UNCERTAIN
    return True


def holds(f, pt: Point):
    if isinstance(f, Const):
        return f.value
    if isinstance(f, Atom):
        d = defined(f.conds, pt)
        if d is not True:
            return d
        results = [pt.compare(op, a, b) for op, a, b in f.pairs]
        if f.any_ne:
            if any(r is True for r in results):
                return True
            return UNCERTAIN if any(r is None for r in results) else False
        if any(r is False for r in results):
            return False
        return UNCERTAIN if any(r is None for r in results) else True
    if isinstance(f, Pred):
        d = defined(f.conds, pt)
        if d is not True:
            return d
        r = decide(f, pt.values)
        return UNCERTAIN if r is None else bool(r)
    if isinstance(f, Conn):
        if f.kind == "not":
            r = holds(f.parts[0], pt)
            return (not r) if isinstance(r, bool) else r
        if f.kind == "implies":
            left = holds(f.parts[0], pt)
            if left is False:
                return True
            return _or([_not(left), holds(f.parts[1], pt)])
        if f.kind == "iff":
            a, b = holds(f.parts[0], pt), holds(f.parts[1], pt)
            if isinstance(a, bool) and isinstance(b, bool):
                return a == b
            return UNDEFINED if UNDEFINED in (a, b) else UNCERTAIN
        results = []
        for part in f.parts:  # short-circuit as the connective allows
            r = holds(part, pt)
            if (f.kind == "and" and r is False) or (f.kind == "or" and r is True):
                return r
            results.append(r)
        return _and(results) if f.kind == "and" else _or(results)
    raise TypeError(f)


def _not(r):
    return (not r) if isinstance(r, bool) else r


def _and(rs):
    if any(r is False for r in rs):
        return False
    for bad in (UNDEFINED, UNCERTAIN):
        if bad in rs:
            return bad
    return True


def _or(rs):
    if any(r is True for r in rs):
        return True
    for bad in (UNDEFINED, UNCERTAIN):
        if bad in rs:
            return bad
    return False


def failing_atom(f, pt: Point):
    """The first atom or predicate that is false at the point (for the reason line)."""
    if isinstance(f, (Atom, Pred)):
        return f if holds(f, pt) is False else None
    if isinstance(f, Conn):
        if f.kind == "implies":
            return failing_atom(f.parts[1], pt)
        for part in f.parts:
            found = failing_atom(part, pt)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------- predicates


def _rational(e, values) -> Optional[sp.Rational]:
    v = e.xreplace(values) if values else e
    if not v.is_Rational:
        v = v.doit()  # built unevaluated (a derivative can be `-1*2`), and xreplace leaves a constant as it is
    return v if v.is_Rational else None


def decide(p: Pred, values: dict) -> Optional[bool]:
    """The predicate at the point, by its meaning in POINT_TESTS, FUNCTION_TESTS or
    DEFINITENESS; None when it cannot be decided exactly."""
    if p.fn is None:
        return _matrix_predicate(p.name, p.point, values)
    (u,) = p.fn.params
    body = p.fn.body.xreplace(values) if values else p.fn.body
    try:
        poly = sp.Poly(body, u, domain="QQ")
    except (sp.PolynomialError, sp.CoercionFailed, sp.GeneratorsNeeded):
        return None
    if p.point is None:
        return FUNCTION_TESTS[p.name](poly)
    x = _rational(p.point, values)
    if x is None:
        return None
    return POINT_TESTS[p.name](poly, x)


def _stationary(poly: sp.Poly, x) -> bool:
    order, _ = _first_nonvanishing(poly, x)
    return order != 1


def _saddle(poly: sp.Poly, x) -> bool:
    order, _ = _first_nonvanishing(poly, x)
    return order is not None and order % 2 == 1 and order > 1


def _extremum(minimum: bool, strict: bool):
    """A local extremum by the first non-vanishing derivative at the point."""
    def test(poly: sp.Poly, x) -> bool:
        order, value = _first_nonvanishing(poly, x)
        if order is None:  # a constant: every point is a (non-strict) extremum
            return not strict
        return order % 2 == 0 and (value > 0 if minimum else value < 0)
    return test


def _global(minimum: bool):
    def test(poly: sp.Poly, x) -> bool:
        shifted = poly - poly.eval(x)
        return nonnegative(shifted if minimum else -shifted)
    return test


def _curvature(convex: bool, strict: bool):
    """Convexity by the sign of the second derivative everywhere; strict when it is not identically 0."""
    def test(poly: sp.Poly) -> bool:
        second = poly.diff().diff()
        if not nonnegative(second if convex else -second):
            return False
        return not second.is_zero if strict else True
    return test


# The audit's meanings of the predicates (the names come from prove/vocabulary.py).
POINT_TESTS = {
    "stationary": _stationary,
    "saddle": _saddle,
    "local_min": _extremum(minimum=True, strict=False),
    "strict_local_min": _extremum(minimum=True, strict=True),
    "local_max": _extremum(minimum=False, strict=False),
    "strict_local_max": _extremum(minimum=False, strict=True),
    "global_min": _global(minimum=True),
    "global_max": _global(minimum=False),
}
FUNCTION_TESTS = {
    "convex": _curvature(convex=True, strict=False),
    "concave": _curvature(convex=False, strict=False),
    "strictly_convex": _curvature(convex=True, strict=True),
    "strictly_concave": _curvature(convex=False, strict=True),
}
# name -> (sign, strict): sign * M is positive (strict) or non-negative definite.
DEFINITENESS = {"psd": (1, False), "pd": (1, True), "nsd": (-1, False), "nd": (-1, True)}


def _first_nonvanishing(poly: sp.Poly, x) -> tuple:
    if poly.is_zero:
        return None, 0
    d = poly
    for k in range(1, poly.degree() + 1):
        d = d.diff()
        v = d.eval(x)
        if v != 0:
            return k, v
    return None, 0


def nonnegative(h: sp.Poly) -> bool:
    """h(u) >= 0 for every real u, exactly."""
    if h.is_zero:
        return True
    if h.degree() <= 0:
        return h.LC() > 0
    _, factors = h.sqf_list()
    for factor, mult in factors:
        if mult % 2 == 1 and factor.degree() > 0 and factor.count_roots() > 0:
            return False
    return h.LC() > 0


def _matrix_predicate(name: str, m, values) -> Optional[bool]:
    sign, strict = DEFINITENESS[name]
    if not isinstance(m, MatrixValue):
        x = _rational(m, values)
        if x is None:
            return None
        return sign * x > 0 if strict else sign * x >= 0
    rows = [[_rational(e, values) for e in row] for row in m.rows]
    if any(v is None for row in rows for v in row):
        return None
    M = sp.Matrix(rows)
    if M != M.T:
        return None
    M = sign * M
    n = M.rows
    if strict:
        return all(M[:k, :k].det() > 0 for k in range(1, n + 1))
    return all(M.extract(list(c), list(c)).det() >= 0
               for k in range(1, n + 1) for c in combinations(range(n), k))
