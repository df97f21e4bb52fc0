"""Where counterexamples are sought: points that vary per unknown and per
entry, and points inside the region that the hypotheses describe.

`varied` gives the unknowns (scalars, vector and matrix entries, in the
claim's order) the same simple value first, then distinct simple values
cycled over them, then draws from a small pool with a generator seeded
afresh on every call: the same claim gets the same points, and so the same
witness, whatever was checked before it.  A matrix unknown is therefore
not always symmetric (with W = W^T a wrong transpose would go unseen).

`inside` asks Z3 for a model of the polynomial part of the hypotheses, and
of the negated goal when the goal is polynomial too (strict first, so that
the model lies in an open set), then moves each unknown in turn to the
simplest rational (fewest digits) that keeps every polynomial condition
true, checked in exact rational arithmetic.

Soundness: nothing here decides a claim.  A point is a candidate only: the
caller evaluates the hypotheses and the goal exactly at it and re-checks a
refutation from the syntax tree.  Z3's `unknown` or a timeout only means no
candidate; every Z3 call takes its time from the caller's deadline.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Iterator, Optional

import sympy as sp
import z3

from prove.backends.base import Deadline
from prove.backends.z3_bridge import NotPolynomial, Z3Vars

UNIFORM = [sp.Integer(1), sp.Rational(1, 2), sp.Integer(2), sp.Integer(-1), sp.Integer(0), sp.Rational(-3, 2)]
CYCLE = [sp.Integer(v) for v in (1, 2, -1, 0, 3, -2)] + [sp.Rational(1, 2), sp.Rational(3, 2)]
POOL = [sp.Integer(v) for v in (0, 1, -1, 2, -2, 3)] + [sp.Rational(1, 2), sp.Rational(-1, 2),
                                                         sp.Rational(1, 3), sp.Rational(3, 2)]
CYCLES = 3  # shifts of CYCLE tried before the seeded draws
DRAWS = 8
SEED = 13
MODELS = 3  # distinct Z3 models asked for per query
Z3_CAP = 1.0  # seconds: at most this much of the deadline per Z3 call


def varied(syms: list, draws: int = DRAWS, seed: int = SEED) -> Iterator[dict]:
    """Exact points over syms, simplest first; the same list for the same syms."""
    if not syms:
        yield {}
        return
    for v in UNIFORM:
        yield {s: v for s in syms}
    if len(syms) == 1:
        return
    for shift in range(CYCLES):
        yield {s: CYCLE[(i + shift) % len(CYCLE)] for i, s in enumerate(syms)}
    rng = random.Random(seed)
    for _ in range(draws):
        yield {s: POOL[rng.randrange(len(POOL))] for s in syms}


# ----------------------------------------------------------------- region

_NEGATE = {"<": [">", ">="], "<=": [">"], ">": ["<", "<="], ">=": ["<"], "=": [">", "<"], "!=": ["="]}


def inside(syms: list, conditions: list, deadline: Deadline, goal: Optional[tuple] = None) -> Iterator[dict]:
    """Simple rational points where the polynomial conditions hold, and the
    goal `(lhs, rel, rhs)` fails when given and polynomial.  conditions:
    (lhs, op, rhs) with every solved unknown already substituted."""
    polys = [c for c in (_polynomial(a, op, b, syms) for a, op, b in conditions) if c is not None]
    queries = []
    if goal is not None:
        g = _polynomial(goal[0], goal[1], goal[2], syms)
        if g is not None:
            queries = [polys + [(g[0], neg)] for neg in _NEGATE.get(g[1], [])]
    if not queries and polys:
        queries = [polys]
    seen = set()
    for constraints in queries:
        for point in _models(syms, constraints, deadline):
            key = tuple(point[s] for s in syms)
            if key not in seen:
                seen.add(key)
                yield point


def _polynomial(a, op, b, syms):
    """(a - b, op) when a - b is a polynomial in syms with rational coefficients."""
    try:
        d = sp.expand(sp.Integer(0) + a - b)  # SymPy values from the translation, never text
    except (TypeError, sp.SympifyError):
        return None
    if isinstance(d, sp.MatrixBase) or not d.free_symbols <= set(syms):
        return None
    if not d.free_symbols:
        return (d, op) if d.is_Rational else None
    if not d.is_polynomial(*syms) or any(not c.is_Rational for c in sp.Poly(d, *syms).coeffs()):
        return None
    return d, op


def _models(syms, constraints, deadline: Deadline) -> Iterator[dict]:
    zs = Z3Vars()
    solver = z3.Solver()
    try:
        for d, op in constraints:
            solver.add(_rel(zs(d), op))
    except NotPolynomial:
        return
    variables = [zs.var(s) for s in syms]
    for _ in range(MODELS):
        if deadline.passed():
            return
        solver.set("timeout", deadline.z3_ms(cap=Z3_CAP))
        if solver.check() != z3.sat:  # unknown or a timeout: no candidate, nothing more
            return
        model = solver.model()
        point = {s: _rational(model.eval(v, model_completion=True)) for s, v in zip(syms, variables)}
        if any(v is None for v in point.values()):
            return
        point = simplest(point, constraints)
        yield point
        solver.add(z3.Or([v != z3.RealVal(f"{point[s].p}/{point[s].q}") for s, v in zip(syms, variables)]))


def _rel(t, op):
    return {"<": t < 0, "<=": t <= 0, ">": t > 0, ">=": t >= 0, "=": t == 0, "!=": t != 0}[op]


def _rational(value) -> Optional[sp.Rational]:
    if z3.is_rational_value(value):
        return sp.Rational(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_algebraic_value(value):
        r = value.approx(30)
        return sp.Rational(r.numerator_as_long(), r.denominator_as_long())
    return None


def holds(constraints, point: dict) -> bool:
    """Every constraint true at point, in exact rational arithmetic."""
    for d, op in constraints:
        v = d.xreplace(point)
        if not v.is_Rational:
            return False
        if not {"<": v < 0, "<=": v <= 0, ">": v > 0, ">=": v >= 0, "=": v == 0, "!=": v != 0}[op]:
            return False
    return True


def simplest(point: dict, constraints) -> dict:
    """Each unknown in turn moved to the simplest rational near it that keeps
    the constraints true; the point unchanged when it did not satisfy them."""
    if not holds(constraints, point):
        return point
    out = dict(point)
    for s in point:
        v = Fraction(int(out[s].p), int(out[s].q))
        for k in range(3, -40, -1):
            eps = Fraction(2) ** k
            c = simplest_between(v - eps, v + eps)
            trial = {**out, s: sp.Rational(c.numerator, c.denominator)}
            if holds(constraints, trial):
                out = trial
                break
    return out


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the least denominator (then least size) in [lo, hi]."""
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -simplest_between(-hi, -lo)
    fl = math.floor(lo)
    if fl == lo or fl + 1 <= hi:
        return Fraction(math.ceil(lo))
    return fl + 1 / simplest_between(1 / (hi - fl), 1 / (lo - fl))
