"""Local extrema of a given polynomial in several variables, past the second-order test.

Write G(h) = g(p + h) - g(p) (for a maximum, g(p) - g(p + h)) and let F be its
lowest-degree non-vanishing homogeneous part, of degree k.

Theorem (the one every `proved` here rests on): if F is positive definite
(F(h) > 0 for every h != 0), p is a strict local minimum.  Proof: on the unit
sphere F >= m > 0 (compactness), and the higher parts are at most C |h|^(k+1)
for |h| <= 1, so G(h) >= m |h|^k - C |h|^(k+1) > 0 for 0 < |h| < min(1, m / C).

What is NOT a theorem, and is never used: F positive *semi*definite does not
give a local minimum.  The Peano surface (y - x^2)(y - 3x^2) at [0, 0] has
F = y^2 and is a minimum along every line through 0, yet along y = 2x^2 its
value is -x^4 < 0.

Definiteness of F is decided exactly for two variables (F(x, y) > 0 for h != 0
iff F(0, 1) > 0 and F(1, t) has no real root and a positive value: Sturm root
counting); for more variables by an exact certificate (only even powers with
positive coefficients, every pure power present) or, when the caller allows a
solver, by Z3's nlsat on the unit sphere (`F(h) <= 0, |h|^2 = 1` unsat).  A
solver is only ever used towards `True`; the caller records it (`used`).

Refutations are curves h(t) -> 0 with h(t) != 0: a rational direction d with
F(d) < 0 (a line), or y = p_y + c (x - p_x)^e, e = 1..4, in a plane of two
coordinates (the others fixed at p).  c is found exactly: the lowest
coefficient of G along the curve is a polynomial a(c), and a rational c with
a(c) < 0 (or a(c) != 0 at an odd order) is a witness; rational roots of a(c)
are looked at to the end.  Every curve is re-checked by substituting it and
reading the lowest-order term of the univariate polynomial q(t) = G(h(t)):
negative, or of odd order, means values below g(p) arbitrarily close to p; q
identically 0 means no strict extremum.  When nothing decides, the answer is
None with the reason, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Optional

import sympy as sp
import z3

from prove.backends import z3_bridge
from prove.backends.analysis.exact import negative_point
from prove.backends.identity.exact import show_expr, show_number

MAX_CURVE_EXPONENT = 4
SMALL_VALUES = [sp.Integer(v) for v in (1, -1, 2, -2, 3, -3)] + [sp.Rational(a, 2) for a in (1, -1, 3, -3)]


@dataclass(frozen=True)
class Answer:
    """value True/False/None, why, and for False the curve as {coordinate name: expression}."""

    value: Optional[bool]
    why: str
    curve: Optional[dict] = None
    path: tuple = ()  # for False: the curve's points p + h(t), one expression per coordinate in a Dummy t


@dataclass(frozen=True)
class Curve:
    """h(t) = (c_1 t^e_1, ..., c_n t^e_n) around p; e_i = 0 with c_i = 0 marks a fixed coordinate."""

    coeffs: tuple
    exps: tuple

    def at(self, t) -> list:
        return [c * t ** e if c != 0 else sp.Integer(0) for c, e in zip(self.coeffs, self.exps)]


def _rational_poly(expr, syms) -> Optional[sp.Poly]:
    try:
        poly = sp.Poly(expr, *syms)
    except sp.PolynomialError:
        return None
    if not all(isinstance(c, sp.Rational) for c in poly.coeffs()):
        return None
    return poly


def lowest_part(G: sp.Poly) -> tuple:
    """(k, F): the degree and the lowest-degree homogeneous part of a non-zero polynomial."""
    k = min(sum(m) for m in G.monoms())
    terms = {m: c for m, c in G.terms() if sum(m) == k}
    return k, sp.Poly.from_dict(terms, *G.gens)


def _directions(n: int) -> list:
    span = range(-2, 3) if n <= 3 else range(-1, 2)
    out = [d for d in product(span, repeat=n) if any(d)]
    out.sort(key=lambda d: (sum(abs(x) for x in d), [abs(x) for x in d], [-x for x in d]))
    return [tuple(sp.Integer(x) for x in d) for d in out]


def _even_certificate(F: sp.Poly) -> bool:
    """Every exponent even, every coefficient positive, every pure power present: F > 0 off 0."""
    n = len(F.gens)
    if any(e % 2 for m in F.monoms() for e in m) or any(c <= 0 for c in F.coeffs()):
        return False
    k = F.total_degree()
    pure = {tuple(k if j == i else 0 for j in range(n)) for i in range(n)}
    return pure <= set(F.monoms())


def _nonneg_1d(f: sp.Poly) -> bool:
    if f.is_zero:
        return True
    if f.LC() < 0 or f.degree() % 2:
        return False
    _, factors = f.sqf_list()
    return all(q.count_roots() == 0 for q, mult in factors if mult % 2)


def definiteness(F: sp.Poly, solver=None, used=None) -> tuple:
    """("pd", why) | ("negative", d) with F(d) < 0, d rational | ("degenerate", why) | (None, why)."""
    n = len(F.gens)
    for d in _directions(n):
        if F.eval(dict(zip(F.gens, d))) < 0:
            return "negative", d
    k = F.total_degree()
    if k % 2:
        return None, "the lowest part has odd degree and no sign change was found at small directions"
    if n == 2:
        x, y = F.gens
        t = sp.Dummy("t", real=True)
        f1 = sp.Poly(F.as_expr().xreplace({x: 1, y: t}), t)
        top = F.eval({x: 0, y: 1})
        if _nonneg_1d(f1) and top >= 0:
            if top > 0 and f1.count_roots() == 0 and not f1.is_zero:
                return "pd", "F(0, 1) > 0 and F(1, t) has no real root (Sturm)"
            return "degenerate", "positive semidefinite and zero in some direction (exactly)"
        if top < 0:
            return "negative", (sp.Integer(0), sp.Integer(1))
        t0 = negative_point(f1)
        if t0 is not None:
            return "negative", (sp.Integer(1), t0)
        return None, "the lowest part is negative only at directions this search does not reach"
    if _even_certificate(F):
        return "pd", "even powers with positive coefficients, every pure power present"
    if solver is None or solver.passed():
        return None, f"definiteness of a form in {n} variables is decided here with Z3 only for a given function"
    zv = z3_bridge.Z3Vars()
    hs = [zv(s) for s in F.gens]
    s = z3.SolverFor("QF_NRA")
    s.set("timeout", solver.z3_ms())
    s.add(zv(F.as_expr()) <= 0, z3.Sum([h * h for h in hs]) == 1)
    res = s.check()
    if res == z3.unsat:
        if used is not None:
            used.append("z3 (nlsat)")
        return "pd", "z3 (nlsat): F(h) <= 0 on the unit sphere is unsat"
    return None, "z3 could not show the lowest part positive definite" if res == z3.unknown else \
        "the lowest part vanishes or is negative somewhere on the unit sphere, at no rational direction tried"


def along(G: sp.Poly, curve: Curve) -> tuple:
    """q(t) = G(h(t)) exactly: (order m, coefficient a) of its lowest term, or (None, 0) if q = 0."""
    t = sp.Dummy("t", real=True)
    q = sp.Poly(sp.expand(G.as_expr().xreplace(dict(zip(G.gens, curve.at(t))))), t)
    if q.is_zero:
        return None, sp.Integer(0)
    m = min(e for (e,) in q.monoms())
    return m, q.coeff_monomial(t ** m)


def along_exactly(G: sp.Poly, curve: Curve) -> bool:
    """Is q(t) = G(h(t)) a single term?"""
    t = sp.Dummy("t", real=True)
    q = sp.Poly(sp.expand(G.as_expr().xreplace(dict(zip(G.gens, curve.at(t))))), t)
    return len(q.terms()) == 1


def _breaks(G: sp.Poly, curve: Curve, strict: bool) -> Optional[tuple]:
    """The exact re-check: (m, a) when the curve shows no (strict) minimum at p, else None."""
    if all(c == 0 for c in curve.coeffs):
        return None
    m, a = along(G, curve)
    if m is None:
        return (None, a) if strict else None
    if m == 0:
        raise ValueError("a curve through p must give q(0) = 0")
    return (m, a) if a < 0 or m % 2 else None


def _plane_curves(G: sp.Poly, strict: bool):
    """Curves y = c x^e in each plane of two coordinates, c found exactly (module docstring)."""
    n = len(G.gens)
    c = sp.Dummy("c", real=True)
    t = sp.Dummy("t", real=True)
    for e in range(1, MAX_CURVE_EXPONENT + 1):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                h = [sp.Integer(0)] * n
                h[i], h[j] = t, c * t ** e
                q = sp.Poly(sp.expand(G.as_expr().xreplace(dict(zip(G.gens, h)))), t)
                if q.is_zero:
                    continue
                m = min(mm for (mm,) in q.monoms())
                a = sp.Poly(q.coeff_monomial(t ** m), c)
                picks = []
                if m % 2:
                    picks = [v for v in SMALL_VALUES[:4] if a.eval(v) != 0][:1]
                elif a.degree() > 0:
                    v = negative_point(a)
                    picks = [v] if v is not None else []
                    picks += [r for r in a.ground_roots() if isinstance(r, sp.Rational)]
                elif a.LC() < 0:
                    picks = [sp.Integer(1)]
                for v in picks:
                    coeffs = [sp.Integer(0)] * n
                    exps = [0] * n
                    coeffs[i], exps[i] = sp.Integer(1), 1
                    coeffs[j], exps[j] = v, e
                    curve = Curve(tuple(coeffs), tuple(exps))
                    if _breaks(G, curve, strict) is not None:
                        yield curve


def _curve_text(curve: Curve, pt: list, names: list) -> dict:
    """{name: expression of the parameter coordinate} for each dependent coordinate."""
    i = next(k for k, e in enumerate(curve.exps) if e == 1 and curve.coeffs[k] != 0)
    x = sp.Dummy(names[i])
    ci = curve.coeffs[i]
    out = {}
    for j, (c, e) in enumerate(zip(curve.coeffs, curve.exps)):
        if j == i:
            continue
        expr = pt[j] + (c / ci ** e) * (x - pt[i]) ** e if c != 0 else pt[j]
        out[names[j]] = show_expr(sp.expand(expr) if pt[i] == 0 else expr, {x: names[i]})
    return out


def _lowest_text(m, a, curve: Curve, pt: list, names: list, exact: bool) -> str:
    """The lowest term of q written in the parameter coordinate (its coefficient in the curve is 1)."""
    i = next(k for k, e in enumerate(curve.exps) if e == 1 and curve.coeffs[k] != 0)
    x = sp.Dummy(names[i])
    return show_expr(a * (x - pt[i]) ** m, {x: names[i]}) + ("" if exact else " + higher-order terms")


def extremum_nd(body, syms: list, pt: list, kind: str, names: list, name: str = "g",
                solver=None, used=None) -> Optional[Answer]:
    """local_min / strict_local_min / local_max / strict_local_max of a polynomial at a rational point."""
    if not all(isinstance(v, sp.Rational) for v in pt):
        return None
    poly = _rational_poly(sp.expand(body), syms)
    if poly is None:
        return None
    want_min = "min" in kind
    strict = kind.startswith("strict")
    word = ("strict " if strict else "") + ("local minimum" if want_min else "local maximum")
    at = "[" + ", ".join(show_number(v) for v in pt) + "]"
    shifted = sp.expand(body.xreplace({s: v + s for s, v in zip(syms, pt)}) - body.xreplace(dict(zip(syms, pt))))
    G = sp.Poly(shifted if want_min else -shifted, *syms)
    if G.is_zero:
        return Answer(not strict, f"{name} is constant" + (", so no extremum is strict" if strict else ""))
    k, F = lowest_part(G)
    intro = ""
    if not name.isidentifier():
        intro, name = f"with g = {name}: ", "g"
    shown = [sp.Dummy(x) for x in names]
    form = show_expr((F.as_expr() if want_min else -F.as_expr()).xreplace(
        {s: x - v for s, x, v in zip(syms, shown, pt)}), dict(zip(shown, names)))
    verdict, info = definiteness(F, solver, used)
    if verdict == "pd":
        return Answer(True, f"{intro}the lowest-degree part of {name} - {name}({at}) around {at} is {form}, "
                            f"of degree {k}, "
                            f"{'positive' if want_min else 'negative'} definite ({info}): a strict local "
                            f"{'minimum' if want_min else 'maximum'} (lowest homogeneous part definite)")
    lines = [info] if verdict == "negative" else []
    if verdict != "pd":  # the rational directions where F vanishes: G decides along them
        lines += [d for d in _directions(len(syms)) if F.eval(dict(zip(F.gens, d))) == 0][:40]
    candidates = []
    for d in lines:
        i = next(j for j, x in enumerate(d) if x != 0)
        candidates.append(Curve(tuple(x / d[i] for x in d), tuple(1 if x != 0 else 0 for x in d)))
    candidates.extend(_plane_curves(G, strict))
    for curve in candidates:
        broken = _breaks(G, curve, strict)
        if broken is None:
            continue
        m, a = broken
        text = _curve_text(curve, pt, names)
        shape = "line" if all(e <= 1 for e in curve.exps) else "curve"
        where = ", ".join(f"{k_} = {v}" for k_, v in text.items())
        lowest = _lowest_text(m, a, curve, pt, names, along_exactly(G, curve)) if m is not None else ""
        diff = f"{name} - {name}({at})" if want_min else f"{name}({at}) - {name}"
        if m is None:
            why = f"{intro}along the {shape} {where} through {at}, {name} is constant: no {word}"
        else:
            side = "on both sides" if m % 2 == 0 else "on one side"
            why = (f"{intro}along the {shape} {where} through {at}, {diff} = {lowest}, "
                   f"{'below' if want_min else 'above'} {name}({at}) {side} arbitrarily close to it: no {word}")
        t = sp.Dummy("t")
        return Answer(False, why, text, tuple(v + h for v, h in zip(pt, curve.at(t))))
    if verdict == "degenerate":
        reason = (f"{intro}the lowest-degree part {form} is only {'positive' if want_min else 'negative'} semidefinite, "
                  f"which does not decide a {word} (the Peano surface), and no curve y = c*x^e (e <= "
                  f"{MAX_CURVE_EXPONENT}) through {at} rules it out")
    else:
        reason = f"{intro}the lowest-degree part {form}, of degree {k}, is not decided: {info}"
    ball = _ball(G, strict, solver, used)
    if ball is not None:
        return Answer(True, f"{reason}; but {ball}")
    return Answer(None, reason)


def _ball(G: sp.Poly, strict: bool, solver, used) -> Optional[str]:
    """The definition itself with a fixed radius: no point h with |h| <= r does worse (z3 nlsat, unsat)."""
    if solver is None:
        return None
    zv = z3_bridge.Z3Vars()
    hs = [zv(s) for s in G.gens]
    value = zv(G.as_expr())
    norm = z3.Sum([h * h for h in hs])
    for r in (sp.Integer(1), sp.Rational(1, 10)):
        if solver.passed():
            return None
        s = z3.SolverFor("QF_NRA")
        s.set("timeout", solver.z3_ms())
        s.add(norm <= z3.RealVal(str(r * r)))
        s.add(z3.And(norm > 0, value <= 0) if strict else value < 0)
        if s.check() == z3.unsat:
            text = f"z3 (nlsat): no point within distance {show_number(r)} of it does worse"
            if used is not None:
                used.append("z3 (nlsat)")
            return text
    return None
