"""Boundary points of a goal: exact rationals where a strict comparison is
most likely to fail, for the point search (`points.search`) to try after its
usual points.

A strict inequality that holds almost everywhere (`x^2 > 0`,
`a^2 + b^2 > 2ab`, `x > 0` for `x >= 0`) fails only where something holds
with equality, which random points never hit.  The candidates here are:
every unknown given one common value (a = b), and points where one unknown
is a rational root of a hypothesis `p >= q` / `p <= q` / `p = q`, or of the
goal's own `lhs - rhs`, with the other unknowns at simple values.

Soundness: these are only candidates.  A point is used by the search only if
every hypothesis holds there and the goal fails there, both decided exactly
(`points.holds_at`), and the refutation is re-checked from the syntax tree;
a candidate that is not a rational point is never produced.
"""

from __future__ import annotations

import itertools
from typing import Iterator

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

SIMPLE = [sp.Integer(v) for v in (0, 1, -1, 2, -2)] + [sp.Rational(1, 2)]
MAX_DEGREE = 6  # a root is looked for only in a polynomial of at most this degree
MAX_UNKNOWNS = 6  # beyond this many unknowns only the common-value points are tried
MAX_POINTS = 400


def points(goal, conditions: list, free: list, solved: dict) -> Iterator[dict]:
    """Candidate exact points (free symbol -> rational), no two alike."""
    seen: set = set()
    for point in itertools.islice(_candidates(goal, conditions, free, solved), MAX_POINTS):
        key = tuple(point.get(s) for s in free)
        if key in seen or len(point) != len(free):
            continue
        seen.add(key)
        yield point


def _candidates(goal, conditions: list, free: list, solved: dict) -> Iterator[dict]:
    if not free:
        return
    for v in SIMPLE:  # a = b = ... : where a sum of squares of differences vanishes
        yield {s: v for s in free}
    if len(free) > MAX_UNKNOWNS:
        return
    edges = [_expr(a - b, solved) for a, op, b in conditions if op in ("<=", ">=", "=")]
    edges = [e for e in edges + [_expr(goal.lhs - goal.rhs, solved)] if e is not None]
    first = []
    for edge in edges:
        for s in [s for s in free if s in edge.free_symbols]:
            others = [o for o in free if o != s]
            for values in _simple_assignments(others):
                for root in _rational_roots(edge.xreplace(values), s):
                    first.append({**values, s: root})
                    yield first[-1]
    # then two edges at once: from each point above, another unknown moved
    # onto another edge (x = 7 from x >= 7, then y = 7 from y < 7)
    for point in first:
        for edge in edges:
            for s in [s for s in free if s in edge.free_symbols]:
                values = {o: v for o, v in point.items() if o != s}
                for root in _rational_roots(edge.xreplace(values), s):
                    yield {**values, s: root}


def _expr(e, solved: dict):
    if not isinstance(e, sp.Basic) or getattr(e, "is_Matrix", False):
        return None
    return e.xreplace(solved) if solved else e


def _simple_assignments(others: list) -> Iterator[dict]:
    """The others all at one simple value, then each other in turn at 1 or -1
    with the rest at 0."""
    for v in SIMPLE:
        yield {o: v for o in others}
    for o in others:
        for v in (sp.Integer(1), sp.Integer(-1)):
            yield {**{p: sp.Integer(0) for p in others}, o: v}


def _rational_roots(e, s) -> list:
    """The rational roots of e in s when e is a polynomial in s alone with
    rational coefficients (after the others were put in); else none."""
    try:
        if e.free_symbols != {s}:
            return []
        try:
            poly = sp.Poly(e, s, domain="QQ")
        except BasePolynomialError:  # a rational function: the roots of its numerator
            poly = sp.Poly(sp.fraction(sp.together(e))[0], s, domain="QQ")
        if poly.degree() < 1 or poly.degree() > MAX_DEGREE:
            return []
        return [r for r in poly.ground_roots() if isinstance(r, sp.Rational)]
    except (BasePolynomialError, NotImplementedError, ValueError, TypeError):
        return []
