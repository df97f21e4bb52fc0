"""Exact, Z3-free decisions about concrete functions at concrete points.

This is the judge for the analysis backend: a closed claim (`local_min(x^4, 0)`)
is decided here, and every counterexample that Z3 proposes is re-checked here
before it is reported.  Everything is SymPy with exact numbers; a question
that cannot be settled exactly gets `None` (three-valued logic), never a guess.

Characterisations used (textbook definitions, see docs/language.md, "Stationary points, minima and convexity"):
- one variable, analytic g: the first non-vanishing derivative at p decides
  local extrema (even order and positive: strict local minimum, ...);
- a univariate polynomial is >= 0 everywhere iff its leading coefficient is
  positive and every real root has even multiplicity (Sturm root counting);
- several variables: a non-zero gradient, or a Hessian that is not positive
  semidefinite, rules out a local minimum; a positive definite Hessian at a
  stationary point proves a strict one; in between, a line through p along
  which the restriction is no local minimum rules it out.

Each analysis predicate of prove/vocabulary.py has its meaning in the table
`Evaluator.PREDICATES` (the Z3 side's is `PolynomialEncoder.PREDICATES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Optional

import sympy as sp

from prove import ast as A
from prove.relations import sign_holds
from prove.backends.identity.exact import show_expr, show_number
from prove.backends.identity.sympy_translate import NON_SMOOTH, Fn, ToSympy, Untranslatable, is_matrix

MAX_DERIVATIVE_ORDER = 12  # for analytic functions that are not polynomials


@dataclass(frozen=True)
class Truth:
    """A three-valued answer with the reason and, when false, where it fails."""

    value: Optional[bool]
    why: str = ""
    where: dict = field(default_factory=dict)


TRUE, UNKNOWN = Truth(True), Truth(None)


# ------------------------------------------------------------------ numbers

def sign(x) -> Optional[int]:
    """The exact sign of a real SymPy number, or None when SymPy cannot tell."""
    if isinstance(x, (int, Fraction)):
        x = sp.Rational(Fraction(x).numerator, Fraction(x).denominator)
    if isinstance(x, sp.Rational):
        return 1 if x.p > 0 else -1 if x.p < 0 else 0
    if not isinstance(x, sp.Expr) or x.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or x.free_symbols:
        return None
    if x.is_real is False:
        return None
    if x.is_zero:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    return None


def show_point(p) -> str:
    if is_matrix(p):
        return "[" + ", ".join(show_number(v) for v in p) + "]"
    return show_number(p)


def ordinal(k: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(k, f"{k}th")


# ---------------------------------------------------------------- functions

def body_of(f: Fn):
    """The function's value at fresh real symbols: (symbols, expression)."""
    k = f.arity_shape[0] if f.arity_shape else 1
    syms = [sp.Dummy(f"u{i + 1}", real=True) for i in range(k)]
    point = syms[0] if not f.arity_shape else sp.ImmutableMatrix(syms)
    body = f.apply([point])
    if is_matrix(body):
        raise Untranslatable("this predicate is about real-valued functions")
    if body.has(*NON_SMOOTH):
        raise Untranslatable("derivatives of non-smooth functions (relu, abs, max, min) are not checked here")
    return syms, sp.expand(body) if body.is_polynomial(*syms) else body


def as_point(p, k: int) -> list:
    if is_matrix(p):
        vals = list(p)
    else:
        vals = [p]
    if len(vals) != k:
        raise Untranslatable(f"the point has {len(vals)} coordinates, the function takes {k}")
    return vals


def nonneg_poly(poly: sp.Poly) -> bool:
    """Exact: is a univariate polynomial with rational coefficients >= 0 on all of R?"""
    if poly.is_zero:
        return True
    lc = poly.LC()
    if lc < 0:
        return False
    if poly.degree() % 2:
        return False
    _, factors = poly.sqf_list()
    return all(f.count_roots() == 0 for f, mult in factors if mult % 2)


def negative_point(poly: sp.Poly) -> Optional[sp.Rational]:
    """A simple rational point where the polynomial is < 0, if there is one."""
    candidates = [sp.Integer(v) for v in (0, 1, -1, 2, -2, 3, -3)] + [sp.Rational(s, 2) for s in (1, -1, 3, -3)]
    for c in candidates:
        if poly(c) < 0:
            return c
    roots = sorted({r for (a, b), _ in poly.intervals() for r in (a, b)})
    probes = [roots[0] - 1, roots[-1] + 1] if roots else []
    probes += [(a + b) / 2 for a, b in zip(roots, roots[1:])]
    for c in probes:
        if poly(c) < 0:
            return sp.Rational(c)
    for (a, b), _ in poly.intervals(eps=sp.Rational(1, 10**6)):  # a negative stretch between close roots
        for c in (a - sp.Rational(1, 10**7), b + sp.Rational(1, 10**7)):
            if poly(c) < 0:
                return sp.Rational(c)
    return None


def taylor_1d(expr, u, p, order: int):
    """Derivatives 1..order of expr in u at p, exactly."""
    out = []
    d = expr
    for _ in range(order):
        d = sp.diff(d, u)
        out.append(sp.simplify(d.xreplace({u: p})) if not d.is_polynomial(u) else sp.expand(d.xreplace({u: p})))
    return out


def extremum_1d(expr, u, p, kind: str, name: str = "g") -> Truth:
    """kind: min | strict_min | max | strict_max; the first non-vanishing derivative decides."""
    is_poly = expr.is_polynomial(u)
    order = sp.Poly(expr, u).degree() if is_poly else MAX_DERIVATIVE_ORDER
    want = 1 if "min" in kind else -1
    strict = kind.startswith("strict")
    at = show_point(p)
    d = expr
    for k in range(1, max(order, 0) + 1):
        d = sp.diff(d, u)
        value = d.xreplace({u: p})
        value = sp.expand(value) if is_poly else sp.simplify(value)
        s = sign(value)
        if s is None:
            return Truth(None, f"cannot decide the sign of the {ordinal(k)} derivative at {at} exactly")
        if s == 0:
            continue
        what = f"the first non-zero derivative of {name} at {at} is the {ordinal(k)}, {show_number(value)}"
        if k % 2:
            return Truth(False, what + ", of odd order: values on both sides of g(p) arbitrarily close to p")
        ok = s == want
        return Truth(ok, what + (", of even order and the right sign" if ok else ", of even order and the wrong sign"))
    if is_poly:
        # every derivative vanishes: a constant polynomial, a local extremum but not a strict one
        return Truth(not strict, f"{name} is constant" + (", so no extremum is strict" if strict else ""))
    return Truth(None, f"the first {MAX_DERIVATIVE_ORDER} derivatives at {at} vanish; higher orders are not tried")


def principal_minors(m: sp.Matrix, leading_only: bool = False) -> list:
    n = m.shape[0]
    out = []
    for k in range(1, n + 1):
        subsets = [tuple(range(k))] if leading_only else combinations(range(n), k)
        for idx in subsets:
            out.append(m.extract(list(idx), list(idx)).det())
    return out


def matrix_definiteness(m, kind: str) -> Truth:
    """psd, pd, nsd, nd of a concrete symmetric matrix (or a scalar), exactly."""
    if not is_matrix(m):
        m = sp.Matrix([[m]])
    m = sp.Matrix(m)
    if m.shape[0] != m.shape[1]:
        return Truth(None, "not a square matrix")
    if kind in ("nsd", "nd"):
        m = -m
    if m != m.T:
        return Truth(None, "the matrix is not symmetric")
    strict = kind in ("pd", "nd")
    minors = principal_minors(m, leading_only=strict)
    signs = [sign(sp.expand(x)) for x in minors]
    if None in signs:
        return Truth(None, "cannot decide the signs of the principal minors exactly")
    if strict:
        ok = all(s > 0 for s in signs)
        return Truth(ok, "leading principal minors " + ", ".join(show_number(sp.expand(x)) for x in minors))
    ok = all(s >= 0 for s in signs)
    return Truth(ok, "principal minors " + ", ".join(show_number(sp.expand(x)) for x in minors))


def directions(n: int, extra=()) -> list:
    out = []
    for i in range(n):
        e = [0] * n
        e[i] = 1
        out.append(e)
    for i, j in combinations(range(n), 2):
        for s in (1, -1):
            e = [0] * n
            e[i], e[j] = 1, s
            out.append(e)
    out.extend(list(v) for v in extra)
    return out


def extremum(f: Fn, p, kind: str, name: str = "g", names=None, solver=None, used=None) -> Truth:
    """local_min etc. of a concrete function at a concrete point.  names: the coordinates' names
    for a witness curve; solver: a Deadline when Z3 may prove (never refute) a polynomial case,
    each such use appended to `used` (see multivar)."""
    syms, body = body_of(f)
    pt = as_point(p, len(syms))
    if len(syms) == 1:
        return extremum_1d(body, syms[0], pt[0], kind, name)
    sub = dict(zip(syms, pt))
    grad = [sp.diff(body, s).xreplace(sub) for s in syms]
    gs = [sign(sp.simplify(x)) for x in grad]
    if any(s not in (0, None) for s in gs):
        return Truth(False, f"the gradient of {name} at {show_point(p)} is not zero")
    if None in gs:
        return Truth(None, "cannot decide whether the gradient vanishes")
    hess = sp.Matrix([[sp.diff(body, a, b).xreplace(sub) for b in syms] for a in syms])
    want_min = "min" in kind
    h = hess if want_min else -hess
    if matrix_definiteness(h, "pd").value:
        return Truth(True, f"stationary with a {'positive' if want_min else 'negative'} definite Hessian")
    psd = matrix_definiteness(h, "psd")
    if psd.value is False:
        return Truth(False, f"the Hessian of {name} at {show_point(p)} is not "
                            f"{'positive' if want_min else 'negative'} semidefinite")
    if psd.value is None:
        return Truth(None, "cannot decide the definiteness of the Hessian")
    t = sp.Dummy("t", real=True)
    null = [v for v in sp.Matrix(hess).nullspace() if all(isinstance(x, sp.Rational) for x in v)]
    for d in directions(len(syms), null):
        line = body.xreplace({s: pi + di * t for s, pi, di in zip(syms, pt, d)})
        r = extremum_1d(sp.expand(line) if line.is_polynomial(t) else line, t, 0, kind, name)
        if r.value is False:
            return Truth(False, f"along the line {show_point(p)} + t*{show_point(sp.ImmutableMatrix(d))}, "
                                f"{r.why}")
    if body.is_polynomial(*syms) and sp.Poly(body, *syms).total_degree() <= 2:
        if kind.startswith("strict"):
            return Truth(False, "a quadratic with a singular Hessian is constant along a line: no strict extremum")
        return Truth(True, "a quadratic whose Hessian is semidefinite, stationary at the point")
    if body.is_polynomial(*syms):
        from prove.backends.analysis.multivar import extremum_nd  # it imports this module
        names = list(names) if names and len(names) == len(syms) else [f"x{i + 1}" for i in range(len(syms))]
        ans = extremum_nd(body, syms, pt, kind, names, name, solver, used)
        if ans is not None:
            return Truth(ans.value, ans.why, ans.curve or {})
    return Truth(None, f"the second-order test is inconclusive at {show_point(p)} (semidefinite, singular Hessian)"
                       " and no line through the point rules the extremum out")


def global_extremum(f: Fn, p, kind: str, name: str = "g") -> Truth:
    syms, body = body_of(f)
    pt = as_point(p, len(syms))
    diff = body - body.xreplace(dict(zip(syms, pt)))
    if kind == "max":
        diff = -diff
    if len(syms) == 1 and diff.is_polynomial(syms[0]):
        poly = sp.Poly(sp.expand(diff), syms[0])
        if not all(isinstance(c, sp.Rational) for c in poly.all_coeffs()):
            return Truth(None, "the polynomial has irrational coefficients here")
        if nonneg_poly(poly):
            return Truth(True, f"{name}(x) - {name}({show_point(p)}) has no real root of odd multiplicity")
        x = negative_point(poly)
        return Truth(False, f"{name}({show_number(x) if x is not None else '...'}) is "
                            f"{'below' if kind == 'min' else 'above'} {name}({show_point(p)})",
                     {"x": show_number(x)} if x is not None else {})
    for v in _sample_points(len(syms)):
        val = diff.xreplace(dict(zip(syms, v)))
        if sign(val) == -1:
            return Truth(False, f"{name}({show_point(sp.ImmutableMatrix(v))}) is "
                                f"{'below' if kind == 'min' else 'above'} {name}({show_point(p)})")
    loc = extremum(f, p, "min" if kind == "min" else "max", name)
    if loc.value is False:
        return Truth(False, "not even a local " + ("minimum: " if kind == "min" else "maximum: ") + loc.why)
    if body.is_polynomial(*syms) and sp.Poly(body, *syms).total_degree() <= 2 and loc.value:
        return Truth(True, "a quadratic: a local extremum of a quadratic is global")
    return Truth(None, "global extrema of functions of several variables are decided here only for quadratics")


def _sample_points(n: int) -> list:
    vals = [sp.Integer(v) for v in (0, 1, -1, 2, -2)]
    if n == 1:
        return [[v] for v in vals]
    from itertools import product
    return [list(v) for v in product(vals, repeat=n)]


def convexity(f: Fn, kind: str, name: str = "g") -> Truth:
    """convex, strictly_convex, concave, strictly_concave of a concrete function."""
    syms, body = body_of(f)
    if "concave" in kind:
        body = -body
    strict = kind.startswith("strictly")
    word = kind
    if len(syms) == 1:
        u = syms[0]
        g2 = sp.diff(body, u, 2)
        if g2.is_polynomial(u):
            poly = sp.Poly(sp.expand(g2), u)
            if not all(isinstance(c, sp.Rational) for c in poly.all_coeffs()):
                return Truth(None, "the second derivative has irrational coefficients")
            if not nonneg_poly(poly):
                x = negative_point(poly)
                where = {"x": show_number(x)} if x is not None else {}
                val = show_number(poly(x)) if x is not None else "negative"
                return Truth(False, f"the second derivative of {name} at {where.get('x', 'some point')} is "
                                    f"{val if 'concave' not in kind else show_number(-poly(x))}", where)
            if strict and poly.is_zero:
                return Truth(False, f"the second derivative of {name} is identically 0 (a line is not strictly {word.split('_')[-1]})")
            why = "the second derivative is >= 0 everywhere (no real root of odd multiplicity)"
            if strict:
                why += " and vanishes only at isolated points"
            return Truth(True, why)
        if (g2.is_positive if strict else g2.is_nonnegative):
            shown = show_expr(g2, {u: "x"})
            return Truth(True, f"the second derivative {shown} is "
                               f"{'positive' if strict else 'nonnegative'} for every real argument")
        for v in _sample_points(1):
            val = g2.xreplace({u: v[0]})
            if sign(val) == -1:
                return Truth(False, f"the second derivative of {name} at {show_number(v[0])} is negative",
                             {"x": show_number(v[0])})
        shown = show_expr(g2, {u: "x"})
        return Truth(None, f"cannot decide the sign of the second derivative {shown} everywhere")
    hess = sp.Matrix([[sp.diff(body, a, b) for b in syms] for a in syms])
    if body.is_polynomial(*syms) and sp.Poly(body, *syms).total_degree() <= 3:
        if any(x.free_symbols for x in hess):
            return Truth(False, f"the Hessian of {name} is not constant: a cubic is never {word}")
        return matrix_definiteness(hess, "pd" if strict else "psd")
    for v in _sample_points(len(syms)):
        r = matrix_definiteness(hess.xreplace(dict(zip(syms, v))), "psd")
        if r.value is False:
            return Truth(False, f"the Hessian of {name} at {show_point(sp.ImmutableMatrix(v))} is not "
                                "positive semidefinite")
    return Truth(None, f"{word} is decided exactly here for one variable and for polynomials of degree <= 3")


# ---------------------------------------------------------------- formulas

class Evaluator:
    """Three-valued exact evaluation of an analysis formula in a concrete environment."""

    def __init__(self, env: dict, points: Optional[dict] = None, solver=None):
        """env: names -> values (functions, symbols); points: symbol -> exact value, substituted
        after translation so that `diff(g(w), w)` is taken before w gets its value; solver: a
        Deadline when Z3 may prove a case (never when re-checking a counterexample), each use
        listed in `solver_used`."""
        self.env = env
        self.tr = ToSympy(env)
        self.points = points or {}
        self.solver = solver
        self.solver_used: list = []

    def value(self, e):
        v = self.tr(e)
        if isinstance(v, Fn):
            if not self.points:
                return v
            inner, subs = v, self.points
            return Fn(inner.arity_shape, lambda args: _xrep(inner.apply(args), subs), inner.name)
        return _xrep(v, self.points)

    def __call__(self, e) -> Truth:
        method = getattr(self, "e_" + type(e).__name__, None)
        if method is None:
            return Truth(None, f"{type(e).__name__} is not decided by the exact checker")
        try:
            return method(e)
        except Untranslatable as exc:
            return Truth(None, str(exc))

    def e_And(self, e):
        parts = [self(o) for o in e.operands]
        for p in parts:
            if p.value is False:
                return p
        if all(p.value for p in parts):
            return Truth(True, "; ".join(p.why for p in parts if p.why))
        return next(p for p in parts if p.value is None)

    def e_Or(self, e):
        parts = [self(o) for o in e.operands]
        for p in parts:
            if p.value:
                return p
        if all(p.value is False for p in parts):
            return Truth(False, "; ".join(p.why for p in parts if p.why), _merge(parts))
        return next(p for p in parts if p.value is None)

    def e_Not(self, e):
        p = self(e.operand)
        return Truth(None if p.value is None else not p.value, p.why, p.where)

    def e_Implies(self, e):
        left = self(e.left)
        if left.value is False:
            return Truth(True, "the premise fails: " + left.why)
        right = self(e.right)
        if right.value:
            return right
        if left.value and right.value is False:
            return Truth(False, f"the premise holds ({left.why}) and the conclusion fails ({right.why})"
                         if left.why else f"the conclusion fails: {right.why}", _merge([left, right]))
        return Truth(None, right.why if right.value is None else left.why)

    def e_Iff(self, e):
        a, b = self(e.left), self(e.right)
        if a.value is None or b.value is None:
            return Truth(None, a.why if a.value is None else b.why)
        return Truth(a.value == b.value, f"{a.why}; {b.why}", _merge([a, b]))

    def e_Quant(self, e):
        from prove.backends.analysis.candidates import quantifier  # it imports this module
        return quantifier(self, e)

    def e_Compare(self, e):
        values = [self.value(o) for o in e.operands]
        result = TRUE
        for op, a, b in zip(e.ops, values, values[1:]):
            r = _compare(op, a, b)
            if r.value is False:
                return r
            if r.value is None:
                result = r
        return result

    def e_Call(self, e):
        if not isinstance(e.func, A.Name):
            return Truth(None, "not a predicate")
        meaning = self.PREDICATES.get(e.func.id)
        if meaning is None:
            return Truth(None, f"{e.func.id} is not a predicate the analysis backend decides")
        label = self._label(e.args[0]) if e.args else "g"
        return meaning(self, e.func.id, e.args, label)

    # The predicates, one method per kind: (self, name, args, label) -> Truth.
    def _stationary_at(self, name, args, label):
        return self._stationary(self.value(args[0]), self.value(args[1]), label)

    def _saddle(self, name, args, label):
        f, p = self.value(args[0]), self.value(args[1])
        st = self._stationary(f, p, label)
        if st.value is not True:
            return st
        lo = extremum(f, p, "min", label, self._params(args[0]), self.solver, self.solver_used)
        hi = extremum(f, p, "max", label, self._params(args[0]), self.solver, self.solver_used)
        if lo.value or hi.value:
            return Truth(False, "it is a local " + ("minimum: " + lo.why if lo.value else "maximum: " + hi.why))
        if lo.value is False and hi.value is False:
            return Truth(True, f"stationary, not a local minimum ({lo.why}), not a local maximum ({hi.why})")
        return Truth(None, lo.why if lo.value is None else hi.why)

    def _local(self, name, args, label):
        return extremum(self.value(args[0]), self.value(args[1]), name.replace("local_", ""), label,
                        self._params(args[0]), self.solver, self.solver_used)

    def _global(self, name, args, label):
        return global_extremum(self.value(args[0]), self.value(args[1]), name.split("_")[1], label)

    def _convexity(self, name, args, label):
        return convexity(self.value(args[0]), name, label)

    def _definiteness(self, name, args, label):
        return matrix_definiteness(self.value(args[0]), name)

    PREDICATES = {
        "stationary": _stationary_at, "saddle": _saddle,
        "local_min": _local, "strict_local_min": _local, "local_max": _local, "strict_local_max": _local,
        "global_min": _global, "global_max": _global,
        "convex": _convexity, "concave": _convexity, "strictly_convex": _convexity, "strictly_concave": _convexity,
        "psd": _definiteness, "pd": _definiteness, "nsd": _definiteness, "nd": _definiteness,
    }

    @staticmethod
    def _params(arg):
        return arg.params if isinstance(arg, A.Lambda) else None

    def _label(self, arg) -> str:
        if isinstance(arg, A.Name):
            return arg.id
        if isinstance(arg, A.Lambda):
            try:
                f = self.value(arg)
                syms = [sp.Symbol(p) for p in arg.params]  # the user's own names, for printing only
                body = f.apply([syms[0]] if len(syms) == 1 else [sp.ImmutableMatrix(syms)])
                return show_expr(sp.expand(body) if body.is_polynomial(*syms) else body)
            except Exception:  # a label is cosmetic: never let it decide anything
                pass
        return "the function"

    def _stationary(self, f, p, label) -> Truth:
        syms, body = body_of(f)
        pt = as_point(p, len(syms))
        sub = dict(zip(syms, pt))
        grads = [sp.diff(body, s).xreplace(sub) for s in syms]
        signs = [sign(sp.simplify(x)) for x in grads]
        if any(s not in (0, None) for s in signs):
            return Truth(False, f"the gradient of {label} at {show_point(p)} is "
                                + show_point(sp.ImmutableMatrix(grads) if len(grads) > 1 else grads[0]))
        if None in signs:
            return Truth(None, "cannot decide whether the gradient vanishes")
        return Truth(True, f"the gradient of {label} vanishes at {show_point(p)}")


def _xrep(v, subs):
    if not subs or isinstance(v, (int, Fraction)):
        return v
    return v.xreplace(subs)


def _merge(parts) -> dict:
    out = {}
    for p in parts:
        out.update(p.where)
    return out


def _compare(op: str, a, b) -> Truth:
    if is_matrix(a) or is_matrix(b):
        if op not in ("=", "!="):
            return Truth(None, "vectors are compared with = and != only")
        entries = list(a - b) if is_matrix(a) and is_matrix(b) else list(a) if is_matrix(a) else list(b)
        if is_matrix(a) and not is_matrix(b):
            entries = [x - b for x in a]
        elif is_matrix(b) and not is_matrix(a):
            entries = [a - y for y in b]
        signs = [sign(sp.simplify(x)) for x in entries]
        if any(s not in (0, None) for s in signs):
            return Truth(op == "!=", f"{show_point(a)} {'!=' if op == '=' else '='} {show_point(b)}")
        if None in signs:
            return Truth(None, "cannot decide an entry exactly")
        return Truth(op == "=", f"{show_point(a)} = {show_point(b)}")
    s = sign(sp.simplify(a - b))
    if s is None:
        return Truth(None, f"cannot decide the sign of {show_expr(a - b)} exactly")
    holds = sign_holds(s, op)
    text = f"{show_number(a)} {op} {show_number(b)}" if holds else f"not {show_number(a)} {op} {show_number(b)}"
    return Truth(holds, text)
