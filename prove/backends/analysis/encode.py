"""Analysis formulas over polynomials with unknown coefficients, as Z3 nonlinear real arithmetic.

Each predicate is replaced by a characterisation that is a quantifier-free
formula in the coefficients and the points (measured: the quantified
epsilon-delta definition of a local minimum stalls from degree 3 on, these
answer in tens of milliseconds):

- local extrema in one variable: the first non-vanishing Taylor coefficient of
  g(p + t) in t (exact for polynomials);
- `convex` in one variable: g'' >= 0 everywhere; as a hypothesis, g'' is a sum of
  two squares of polynomials (exact for univariate polynomials), as a negated
  conclusion, g''(x) < 0 at a fresh x;
- `global_min`: g(x) - g(p) is a sum of two squares / g(x) < g(p) at a fresh x;
- several variables: exact where an exact quantifier-free form is known
  (stationary, psd/pd by principal minors, convexity of degree <= 3), else a pair of a
  necessary condition and a sufficient one.

The formula (the negation of the claim) is put in negation normal form; each
literal then has an "over" encoding (implied by the literal) and an "under"
one (implying it).  Over everywhere: unsat is a proof.  Under everywhere: a
model is a counterexample (and is still re-checked exactly elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import sympy as sp
import z3

from prove import ast as A
from prove.relations import holds
from prove.backends.analysis.exact import as_point, body_of, directions, principal_minors, show_expr
from prove.backends.base import CannotDecide
from prove.backends import z3_bridge
from prove.backends.identity.sympy_translate import Fn, ToSympy, Untranslatable, is_matrix


class AnalysisUnsupported(CannotDecide):
    """The formula leaves the fragment the analysis encoders take; the message says where."""


# ------------------------------------------------------------ SymPy -> Z3

class PolynomialZ3Vars(z3_bridge.Z3Vars):
    """The shared bridge; a term that is not a polynomial is not taken here."""

    def __call__(self, e, expand: bool = True):
        try:
            return super().__call__(e, expand)
        except z3_bridge.NotPolynomial:
            raise AnalysisUnsupported(f"{show_expr(e)} is not a polynomial; only polynomial functions are decided "
                                      "with unknowns") from None


def settled(v, subs: dict):
    """v with subs put in; a function's values get them as it is applied."""
    if not subs or isinstance(v, (int, Fraction)):
        return v
    if isinstance(v, Fn):
        inner = v
        return Fn(inner.arity_shape, lambda args: settled(inner.apply(args), subs), inner.name)
    return v.xreplace(subs)


# ------------------------------------------------------------ literals


@dataclass(frozen=True)
class Lit:
    """An atom's four encodings: (positive | negated) x (over | under)."""

    pos_over: object
    pos_under: object
    neg_over: object
    neg_under: object
    note: str = ""  # set when over != under: why the encoding is only approximate

    @staticmethod
    def exact(f, note: str = "") -> "Lit":
        return Lit(f, f, z3.Not(f), z3.Not(f))

    @staticmethod
    def split(pos, neg) -> "Lit":
        """Exact, but the two polarities use different (each exact) formulas."""
        return Lit(pos, pos, neg, neg)

    def negate(self) -> "Lit":
        return Lit(self.neg_over, self.neg_under, self.pos_over, self.pos_under, self.note)


def z_and(xs):
    xs = list(xs)
    return z3.BoolVal(True) if not xs else xs[0] if len(xs) == 1 else z3.And(xs)


def z_or(xs):
    xs = list(xs)
    return z3.BoolVal(False) if not xs else xs[0] if len(xs) == 1 else z3.Or(xs)


def lit_and(lits) -> Lit:
    lits = list(lits)
    return Lit(z_and(l.pos_over for l in lits), z_and(l.pos_under for l in lits),
               z_or(l.neg_over for l in lits), z_or(l.neg_under for l in lits),
               "; ".join(l.note for l in lits if l.note))


# ------------------------------------------------------------ the encoder


class PolynomialEncoder:
    """Analysis formulas over polynomials with unknown coefficients to Z3 (see the module docstring)."""

    def __init__(self, env: dict, zv: PolynomialZ3Vars, settle: Optional[dict] = None):
        """settle: symbol -> value, put into every value after translation (after any
        derivative the claim takes), as the anchors of re-centred families are."""
        self.tr = ToSympy(env)
        self.zv = zv
        self.settle = settle or {}
        self.notes: list[str] = []
        self._atoms: dict = {}  # id(node) -> Lit: both modes share one translation

    # formulas ------------------------------------------------------
    def formula(self, e, positive: bool, mode: str):
        """The Z3 encoding of e (or of not e), every literal in `mode` (over | under)."""
        if isinstance(e, A.And) or isinstance(e, A.Or):
            parts = [self.formula(o, positive, mode) for o in e.operands]
            conj = isinstance(e, A.And) == positive
            return z_and(parts) if conj else z_or(parts)
        if isinstance(e, A.Not):
            return self.formula(e.operand, not positive, mode)
        if isinstance(e, A.Implies):
            left = self.formula(e.left, not positive, mode)
            right = self.formula(e.right, positive, mode)
            return z_or([left, right]) if positive else z_and([self.formula(e.left, True, mode),
                                                               self.formula(e.right, False, mode)])
        if isinstance(e, A.Iff):
            a, na = self.formula(e.left, True, mode), self.formula(e.left, False, mode)
            b, nb = self.formula(e.right, True, mode), self.formula(e.right, False, mode)
            return z_or([z_and([a, b]), z_and([na, nb])]) if positive else z_or([z_and([a, nb]), z_and([na, b])])
        if isinstance(e, A.Quant):
            raise AnalysisUnsupported("quantifiers inside the claim (after its leading `forall`s) are not taken here")
        lit = self._atoms.get(id(e))
        if lit is None:
            lit = self._atoms[id(e)] = self.atom(e)
        if lit.note and lit.note not in self.notes:
            self.notes.append(lit.note)
        if positive:
            return lit.pos_over if mode == "over" else lit.pos_under
        return lit.neg_over if mode == "over" else lit.neg_under

    def atom(self, e) -> Lit:
        if isinstance(e, A.Compare):
            return lit_and(self.compare(op, a, b) for op, a, b in zip(e.ops, e.operands, e.operands[1:]))
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in self.PREDICATES:
            return self.PREDICATES[e.func.id](self, e.func.id, e.args)
        raise AnalysisUnsupported(f"{type(e).__name__} is not an analysis formula this encoder takes")

    def value(self, e):
        try:
            return settled(self.tr(e), self.settle)
        except Untranslatable as exc:
            raise AnalysisUnsupported(str(exc))

    def compare(self, op, a_node, b_node) -> Lit:
        a, b = self.value(a_node), self.value(b_node)
        if is_matrix(a) or is_matrix(b):
            if op not in ("=", "!="):
                raise AnalysisUnsupported("vectors are compared with = and != only")
            if is_matrix(a) and is_matrix(b):
                diffs = list(a - b)
            elif is_matrix(a):
                diffs = [x - b for x in a]
            else:
                diffs = [a - y for y in b]
            eq = z_and(self.zv(d) == 0 for d in diffs)
            return Lit.exact(eq if op == "=" else z3.Not(eq))
        d = self.zv(a - b)
        return Lit.exact(holds(d, op, 0))

    # functions -----------------------------------------------------
    def function_body(self, node):
        f = self.value(node)
        try:
            syms, body = body_of(f)
        except Untranslatable as exc:
            raise AnalysisUnsupported(str(exc))
        if not sp.expand(body).is_polynomial():
            raise AnalysisUnsupported("only polynomial functions are decided when something in the claim is unknown")
        return syms, sp.expand(body)

    def taylor(self, body, syms, point, direction=None) -> list:
        """Coefficients a_0..a_d of g(p + t*d) in t (SymPy, polynomial in the unknowns)."""
        t = sp.Dummy("t", real=True)
        d = direction or [1] * len(syms)
        h = sp.expand(body.xreplace({s: p + di * t for s, p, di in zip(syms, point, d)}))
        coeffs = sp.Poly(h, t).all_coeffs()[::-1] if h.has(t) else [h]
        return coeffs

    def extremum_1d(self, a: list, kind: str):
        """Exact: g(p + t) = sum a_k t^k has a local min/max at t = 0."""
        sgn = 1 if "min" in kind else -1
        zs = [self.zv(x) for x in a]
        cases = []
        for k in range(2, len(zs), 2):
            cases.append(z_and([z == 0 for z in zs[1:k]] + [zs[k] * sgn > 0]))
        if not kind.startswith("strict"):
            cases.append(z_and(z == 0 for z in zs[1:]))
        return z_or(cases)

    def point_predicate(self, name, fnode, pnode) -> Lit:
        syms, body = self.function_body(fnode)
        point = as_point(self.value(pnode), len(syms))
        if name == "stationary":
            return Lit.exact(self.stationary(body, syms, point))
        if name == "saddle":
            st = Lit.exact(self.stationary(body, syms, point))
            return lit_and([st, self.extremum(body, syms, point, "min").negate(),
                            self.extremum(body, syms, point, "max").negate()])
        if name.startswith("global"):
            return self.global_extremum(body, syms, point, name.split("_")[1])
        return self.extremum(body, syms, point, name.replace("local_", ""))

    def stationary(self, body, syms, point):
        sub = dict(zip(syms, point))
        return z_and(self.zv(sp.diff(body, s).xreplace(sub)) == 0 for s in syms)

    def hessian_at(self, body, syms, point):
        sub = dict(zip(syms, point))
        return sp.Matrix([[sp.expand(sp.diff(body, a, b).xreplace(sub)) for b in syms] for a in syms])

    def extremum(self, body, syms, point, kind) -> Lit:
        if len(syms) == 1:
            return Lit.exact(self.extremum_1d(self.taylor(body, syms, point), kind))
        sgn = 1 if "min" in kind else -1
        hess = self.hessian_at(body, syms, point) * sgn
        stat = self.stationary(body, syms, point)
        lines = [self.extremum_1d(self.taylor(body, syms, point, d), kind) for d in directions(len(syms))]
        necessary = z_and([stat, self.definite(hess, strict=False)] + lines)
        sufficient = z_and([stat, self.definite(hess, strict=True)])
        if sp.Poly(body, *syms).total_degree() <= 2:
            # quadratics: stationary + semidefinite is exact for a (non-strict) extremum
            exact = necessary if not kind.startswith("strict") else sufficient
            return Lit.exact(exact)
        note = (f"{kind.replace('_', ' ')} in {len(syms)} variables is decided only when the second-order test or a "
                "line through the point settles it")
        return Lit(necessary, sufficient, z3.Not(sufficient), z3.Not(necessary), note)

    def global_extremum(self, body, syms, point, kind) -> Lit:
        sgn = 1 if kind == "min" else -1
        sub = dict(zip(syms, point))
        base = body.xreplace(sub)
        fresh = [self.zv.fresh("x") for _ in syms]
        below = self.zv(sgn * (body.xreplace(dict(zip(syms, fresh))) - base)) < 0  # a point beats p
        if len(syms) == 1:
            x = sp.Dummy("x", real=True)
            diff = sp.expand(sgn * (body.xreplace({syms[0]: x}) - base))
            # the derivative test at p is implied; stating it helps the solver
            local = self.extremum_1d(self.taylor(body, syms, point), kind)
            return Lit.split(z3.And(local, self.nonneg_univariate(diff, x)), below)
        if sp.Poly(body, *syms).total_degree() <= 2:
            hess = self.hessian_at(body, syms, point) * sgn
            exact = z_and([self.stationary(body, syms, point), self.definite(hess, strict=False)])
            return Lit.split(exact, below)
        local = self.extremum(body, syms, point, kind)
        note = f"global {kind}ima in {len(syms)} variables above degree 2 are decided only when refuted at a point"
        return Lit(local.pos_over, z3.BoolVal(False), below, below, note)

    def nonneg_univariate(self, p, x):
        """Exact: the polynomial p(x) is >= 0 for every real x."""
        coeffs = sp.Poly(p, x).all_coeffs()[::-1] if p.has(x) else [p]
        zs = [self.zv(c) for c in coeffs]
        m = len(zs) - 1
        if m == 0:
            return zs[0] >= 0
        if m <= 2:
            c0, c1 = zs[0], zs[1]
            c2 = zs[2] if m == 2 else z3.RealVal(0)
            return z3.Or(z3.And(c2 == 0, c1 == 0, c0 >= 0), z3.And(c2 > 0, 4 * c2 * c0 - c1 * c1 >= 0))
        # a univariate polynomial is >= 0 iff it is a sum of two squares of polynomials
        half = m // 2
        q1 = [self.zv.real(f"sos_a{i}") for i in range(half + 1)]
        q2 = [self.zv.real(f"sos_b{i}") for i in range(half + 1)]
        eqs = []
        for k in range(m + 1):
            terms = [q1[i] * q1[k - i] + q2[i] * q2[k - i] for i in range(max(0, k - half), min(k, half) + 1)]
            eqs.append(zs[k] == (z3.Sum(terms) if terms else z3.RealVal(0)))
        return z3.And(eqs)

    def function_predicate(self, name, fnode) -> Lit:
        syms, body = self.function_body(fnode)
        if "concave" in name:
            body = -body
        strict = name.startswith("strictly")
        if len(syms) == 1:
            x = syms[0]
            g2 = sp.expand(sp.diff(body, x, 2))
            xf = self.zv.fresh("x")
            somewhere_negative = self.zv(g2.xreplace({x: xf})) < 0
            nonneg = self.nonneg_univariate(g2, x)
            if not strict:
                return Lit.split(nonneg, somewhere_negative)
            coeffs = sp.Poly(g2, x).all_coeffs() if g2.has(x) else [g2]
            zero = z_and(self.zv(c) == 0 for c in coeffs)
            return Lit.split(z3.And(nonneg, z3.Not(zero)), z3.Or(somewhere_negative, zero))
        degree = sp.Poly(body, *syms).total_degree()
        hess = sp.Matrix([[sp.diff(body, a, b) for b in syms] for a in syms])
        xs = [self.zv.fresh("x") for _ in syms]
        vs = [self.zv.fresh("v") for _ in syms]
        hx = hess.xreplace(dict(zip(syms, xs)))
        quad = sp.expand((sp.Matrix([vs]) * hx * sp.Matrix(vs))[0, 0])
        not_psd_somewhere = self.zv(quad) < 0
        if degree <= 3:
            poly = sp.Poly(body, *syms)
            cubic = [c for m, c in zip(poly.monoms(), poly.coeffs()) if sum(m) == 3]
            h0 = hess.xreplace({s: 0 for s in syms})
            ok = z_and([self.zv(c) == 0 for c in cubic] + [self.definite(h0, strict=strict)])
            return Lit.exact(ok)
        at_points = self.definite(hess.xreplace({s: 0 for s in syms}), strict=False)
        note = f"{name} in {len(syms)} variables above degree 3 is decided only when refuted at a point"
        if strict:
            return Lit(at_points, z3.BoolVal(False), z3.BoolVal(True), not_psd_somewhere, note)
        return Lit(at_points, z3.BoolVal(False), not_psd_somewhere, not_psd_somewhere, note)

    def definite(self, m, strict: bool):
        if not is_matrix(m):
            m = sp.Matrix([[m]])
        minors = principal_minors(sp.Matrix(m), leading_only=strict)
        zs = [self.zv(sp.expand(x)) for x in minors]
        return z_and(z > 0 for z in zs) if strict else z_and(z >= 0 for z in zs)

    def matrix_predicate(self, name, m) -> Lit:
        if not is_matrix(m):
            m = sp.Matrix([[m]])
        m = sp.Matrix(m)
        if name in ("nsd", "nd"):
            m = -m
        if sp.expand(m - m.T) != sp.zeros(*m.shape):
            raise AnalysisUnsupported(f"{name} is decided for symmetric matrices")
        return Lit.exact(self.definite(m, strict=name in ("pd", "nd")))

    def _matrix_predicate(self, name, args) -> Lit:
        return self.matrix_predicate(name, self.value(args[0]))

    def _point_predicate(self, name, args) -> Lit:
        return self.point_predicate(name, args[0], args[1])

    def _function_predicate(self, name, args) -> Lit:
        return self.function_predicate(name, args[0])

    # What each analysis predicate of prove/vocabulary.py means here: (self, name, args) -> Lit.
    PREDICATES = {
        "stationary": _point_predicate, "saddle": _point_predicate,
        "local_min": _point_predicate, "strict_local_min": _point_predicate,
        "local_max": _point_predicate, "strict_local_max": _point_predicate,
        "global_min": _point_predicate, "global_max": _point_predicate,
        "convex": _function_predicate, "concave": _function_predicate,
        "strictly_convex": _function_predicate, "strictly_concave": _function_predicate,
        "psd": _matrix_predicate, "pd": _matrix_predicate, "nsd": _matrix_predicate, "nd": _matrix_predicate,
    }
