"""Backend for stationary points, extrema and convexity (family "analysis").

Three kinds of function meet here: given ones (`local_min(x^4, 0)`), members
of a polynomial family with unknown real coefficients (`g in poly(w, degree <= 4)`)
and abstract ones (`g: R -> R`).

- A closed claim about given functions is decided exactly in SymPy
  (`exact`): proved or refuted, with the reason.
- A claim with unknowns (coefficients, points) is negated and encoded in Z3
  nonlinear real arithmetic (`encode`).  unsat of a sound over-approximation
  is a proof for every polynomial of the stated degree.  Otherwise the
  under-approximation is searched for the simplest counterexample (fewest
  terms, small integer coefficients, points 0 then +-1), which is reported only
  after the exact SymPy checker, which shares no code with the Z3 encoding of
  the predicates, confirms it.
- Abstract functions (`abstract`): a Z3 proof from instances of the
  definitions at hint terms; refutations by a polynomial instance.

A family is written around its point so that its unknowns are the Taylor
coefficients there; the centre is a constant of its own that becomes the
point only after every derivative in the claim is taken (PolyFamily), so
`diff(g(w0), w0)` differentiates one fixed polynomial.  Every symbol and Z3
constant made here is a Dummy or carries a name no claim can spell, so a
user's `g_c1` or `p_1` is never a coefficient or a coordinate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations_with_replacement
from typing import Optional

import sympy as sp
import z3

from prove import ast as A
from prove import sorts as S
from prove.backends.analysis.encode import AnalysisUnsupported, PolynomialEncoder, PolynomialZ3Vars
from prove.backends.analysis.exact import Evaluator, show_number
from prove.backends.base import Deadline
from prove.claim import Claim
from prove.backends.identity.sympy_translate import Fn
from prove.figure import function_figure
from prove.verdict import Outcome, Verdict

MAX_SEARCH_TERMS = 4


# ----------------------------------------------------------------- families


@dataclass(frozen=True)
class PolyFamily:
    """A polynomial with unknown coefficients: sum_i c_i * monomial_i.

    Re-centred at a point p it is sum_i c_i * (x - a)^monomial_i, where the anchor
    `a` is a constant of its own: a derivative with respect to p (`diff(g(p), p)`)
    sees g as one fixed polynomial, and `a` becomes p only after translation
    (`settle`).  For each value of p, c -> the Taylor coefficients at p is a
    bijection, so the claim over all (c, p) is the claim over all (Taylor
    coefficients, p); re-centring on p itself would make g(p) the constant c_0."""

    name: str
    var_names: tuple
    degree: int
    exact_degree: bool
    monomials: tuple  # exponent tuples, constant first
    coeffs: tuple  # SymPy Dummy symbols
    anchor: tuple = ()  # Dummy symbols, one per variable, when re-centred
    center: Optional[tuple] = None  # what the anchor stands for: the point's symbols

    @staticmethod
    def make(name: str, var_names: tuple, degree: int, exact_degree: bool = False) -> "PolyFamily":
        n = len(var_names)
        monos = []
        for d in range(degree + 1):
            for combo in combinations_with_replacement(range(n), d):
                e = [0] * n
                for i in combo:
                    e[i] += 1
                monos.append(tuple(e))
        coeffs = tuple(sp.Dummy(f"{name}_c{''.join(map(str, m))}", real=True) for m in monos)
        return PolyFamily(name, var_names, degree, exact_degree, tuple(monos), coeffs)

    def centred(self, center) -> "PolyFamily":
        anchor = tuple(sp.Dummy(f"{self.name}_a{i + 1}", real=True) for i in range(len(center)))
        return replace(self, anchor=anchor, center=tuple(center))

    def settle(self) -> dict:
        """anchor -> point: substituted into values only after every derivative is taken."""
        return dict(zip(self.anchor, self.center)) if self.center is not None else {}

    def fn(self, values: Optional[list] = None, center: Optional[list] = None) -> Fn:
        """The family as a function: symbolic (anchored when re-centred), or with the given
        coefficient values around the given numeric centre."""
        coeffs = self.coeffs if values is None else values
        n = len(self.var_names)
        if values is None and self.center is not None:
            center = self.anchor

        def apply(args):
            if len(args) == 1 and hasattr(args[0], "shape") and n != 1:
                args = list(args[0])
            if center is not None:
                args = [a - c0 for a, c0 in zip(args, center)]
            total = sp.Integer(0)
            for c, m in zip(coeffs, self.monomials):
                term = c
                for a, e in zip(args, m):
                    term = term * a ** e
                total += term
            return total

        return Fn((n,) if n != 1 else (), apply, self.name)

    def top_coeffs(self) -> list:
        return [c for c, m in zip(self.coeffs, self.monomials) if sum(m) == self.degree]

    def text(self, values: list, center: Optional[list] = None) -> str:
        """`g(w) = -w^2`, in the claim language."""
        if center is not None and any(c != 0 for c in center):
            xs = [sp.Dummy(f"v{i}") for i in range(len(self.var_names))]
            f = self.fn(values, center)
            expr = sp.expand(f.apply([xs[0]] if len(xs) == 1 else [sp.ImmutableMatrix(xs)]))
            poly = sp.Poly(expr, *xs)
            values = [poly.coeff_monomial(tuple(m)) for m in self.monomials]
        terms = sorted(((m, v) for m, v in zip(self.monomials, values) if v != 0),
                       key=lambda mv: (-sum(mv[0]), [-e for e in mv[0]]))
        out = ""
        for i, (m, v) in enumerate(terms):
            mono = "*".join(f"{x}^{e}" if e > 1 else x for x, e in zip(self.var_names, m) if e)
            neg = v < 0
            mag = -v if neg else v
            if mono:
                body = mono if mag == 1 else f"{show_number(mag)}*{mono}"
            else:
                body = show_number(mag)
            out += ("-" if neg else "") + body if i == 0 else (" - " if neg else " + ") + body
        args = ", ".join(self.var_names)
        return f"{self.name}({args}) = {out or '0'}"


def _family_of(var) -> PolyFamily:
    """The family the elaborator read from `poly(w, degree <= d)` or `quadratic(w)`, kept in the sort."""
    sort = var.sort
    if not sort.params or sort.degree is None:
        raise AnalysisUnsupported(f"cannot read the family of {var.name}")
    return PolyFamily.make(var.name, sort.params, sort.degree, exact_degree=sort.exact_degree)


def _abstract_names(var, taken: set) -> tuple:
    k = var.sort.source.dim if isinstance(var.sort.source, S.Vec) else 1
    pools = [("x",), ("w",), ("u",), ("t",)] if k == 1 else [("x", "y", "z")[:k] if k <= 3 else ()]
    for names in pools:
        if names and not set(names) & taken:
            return names
    return tuple(f"u{i + 1}" for i in range(k))


# ------------------------------------------------------------------- check


def check(claim: Claim, limits) -> Outcome:
    try:
        return _check(claim, limits)
    except AnalysisUnsupported as exc:
        return Outcome.unknown(f"{exc}", method="analysis")


def _check(claim: Claim, limits) -> Outcome:
    formula = claim.body
    if claim.hypotheses:
        formula = A.Implies(A.And(tuple(claim.hypotheses), span=claim.body.span), claim.body, span=claim.body.span)
    from prove.backends.analysis.curvature import check_curvature
    curvature = check_curvature(claim, formula, limits.deadline(0.8))
    if curvature is not None:
        return curvature
    families, abstract, points = [], [], []
    for v in claim.variables:
        if isinstance(v.sort, S.Fun) and v.sort.family == "poly":
            families.append(_family_of(v))
        elif isinstance(v.sort, S.Fun) and v.sort.family == "abstract":
            abstract.append(v)
        elif isinstance(v.sort, S.Real) or (isinstance(v.sort, S.Vec) and isinstance(v.sort.dim, int)):
            points.append(v)
        elif _symbolic_point(v, claim.variables):
            points.append(v)
        else:
            raise AnalysisUnsupported(f"{v.name} is {v.sort}; this backend takes functions, reals and vectors "
                                      "of fixed size")
    # the rest of the claim's time is the audit's and the report's
    deadline = limits.deadline(0.8)

    if any(isinstance(v.sort, (S.Int, S.Vec)) and not isinstance(getattr(v.sort, "dim", 0), int) for v in points):
        if not abstract:
            raise AnalysisUnsupported("symbolic dimensions are taken with abstract functions g: R^n -> R only")
        return _abstract_proof(claim, formula, abstract, points, deadline.share(0.8))
    if abstract:
        proof = _abstract_proof(claim, formula, abstract, points, deadline.share(0.5))
        if proof.verdict is Verdict.PROVED:
            return proof
        from prove.backends.analysis.chords import refute_with_parabolas
        kinked = refute_with_parabolas(claim, formula, abstract)
        if kinked is not None:
            return kinked
        taken = {v.name for v in claim.variables}
        for node in A.walk(formula):
            if isinstance(node, A.Lambda):
                taken |= set(node.params)
        stand_ins = [PolyFamily.make(v.name, _abstract_names(v, taken), 3) for v in abstract]
        try:
            refutation = _refute(families + stand_ins, points, formula, deadline, note_abstract=True)
        except AnalysisUnsupported:
            refutation = None
        if refutation is not None and refutation.verdict is Verdict.REFUTED:
            return refutation
        if not families:
            from prove.backends.analysis.candidates import refute
            refutation = refute(formula, abstract, points, deadline,
                                lambda v: PolyFamily.make(v.name, _abstract_names(v, taken), 4))
            if refutation is not None:
                return refutation
        return proof

    if not families and not points:
        judge = Evaluator({}, solver=deadline.share(0.5))
        truth = judge(formula)
        if truth.value is False and judge.solver_used:  # a refutation is judged without a solver
            truth = Evaluator({})(formula)
        if truth.value is True:
            how = "sympy, exact" if not judge.solver_used else "sympy and " + ", ".join(sorted(set(judge.solver_used)))
            return Outcome(Verdict.PROVED, method=f"{how}: {truth.why}")
        if truth.value is False:
            return Outcome(Verdict.REFUTED, method="sympy, exact", witness=truth.where or None, reason=truth.why)
        # fall through: Z3 may still decide a polynomial claim
        outcome = _decide(families, points, formula, deadline, closed_reason=None)
        if outcome.verdict is Verdict.UNKNOWN and truth.why:
            return Outcome.unknown(f"{truth.why}; {outcome.reason}", method=outcome.method)
        return outcome

    return _decide(families, points, formula, deadline, closed_reason=None)


def _symbolic_point(v, variables) -> bool:
    """A dimension n, or a point of R^n, beside an abstract g: R^n -> R."""
    dims = {f.sort.source.dim for f in variables if isinstance(f.sort, S.Fun) and f.sort.family == "abstract"
            and isinstance(f.sort.source, S.Vec) and isinstance(f.sort.source.dim, str)}
    return (isinstance(v.sort, S.Int) and v.name in dims) or (isinstance(v.sort, S.Vec) and v.sort.dim in dims)


def _abstract_proof(claim, formula, abstract, points, deadline: Deadline) -> Outcome:
    """Abstract functions on R^d and their derivatives (`abstract_rd`); the R -> R encoder where that
    one does not take the claim."""
    from prove.backends.analysis.abstract import check_abstract
    from prove.backends.analysis.abstract_rd_check import check_abstract_rd
    try:
        return check_abstract_rd(claim, formula, abstract, points, deadline.share(0.7))
    except AnalysisUnsupported as exc:
        if any(isinstance(v.sort, S.Int) for v in claim.variables):
            return Outcome.unknown(f"{exc}", method="z3, abstract functions on R^d")
        return check_abstract(claim, formula, abstract, points, deadline)


def _centre(families, points, env) -> list:
    """Each one-family polynomial written around the first point of its space (a change of
    variables: its coefficients are then the Taylor coefficients there, which the
    derivative tests read directly; see PolyFamily)."""
    out = []
    for f in families:
        for v in points:
            value = env[v.name]
            k = len(value) if isinstance(value, sp.MatrixBase) else 1
            if k == len(f.var_names):
                f = f.centred(list(value) if isinstance(value, sp.MatrixBase) else [value])
                break
        out.append(f)
    return out


def _point_env(points) -> dict:
    """Points as Dummy symbols: no name a claim can spell (`p_1`, `g_c1`) is one of them."""
    env = {}
    for v in points:
        if isinstance(v.sort, S.Vec):
            env[v.name] = sp.ImmutableMatrix([sp.Dummy(f"{v.name}_{i + 1}", real=True) for i in range(v.sort.dim)])
        else:
            env[v.name] = sp.Dummy(v.name, real=True)
    return env


def _scope_words(families, points) -> str:
    parts = []
    for f in families:
        parts.append(f"every polynomial {f.name} of degree {'=' if f.exact_degree else '<='} {f.degree} in "
                     f"{', '.join(f.var_names)}")
    for v in points:
        parts.append(f"every {v.name} in {S.space_name(v.sort)}")
    return " and ".join(parts) if parts else "the given functions"


def _solver(deadline: Deadline) -> z3.Solver:
    s = z3.Solver()
    s.set("timeout", deadline.z3_ms())
    return s


def _degree_constraints(families, zv: PolynomialZ3Vars) -> list:
    out = []
    for f in families:
        if f.exact_degree:
            out.append(z3.Or([zv.var(c) != 0 for c in f.top_coeffs()]))
    return out


def _encoding(families, points):
    """The families re-centred at the points, the environment and its Z3 encoder."""
    env = _point_env(points)
    families = _centre(families, points, env)
    settle = {}
    for f in families:
        env[f.name] = f.fn()
        settle.update(f.settle())
    zv = PolynomialZ3Vars()
    return families, env, zv, PolynomialEncoder(env, zv, settle)


def _decide(families, points, formula, deadline: Deadline, closed_reason) -> Outcome:
    families, env, zv, enc = _encoding(families, points)
    over = enc.formula(formula, positive=False, mode="over")
    s = _solver(deadline.share(0.5))  # the proof attempt; the rest is the refutation's
    s.add(over, *_degree_constraints(families, zv))
    res = s.check()
    scope = _scope_words(families, points)
    if res == z3.unsat:
        how = "exact quantifier-free characterisations (derivative tests, principal minors, sums of squares)"
        if enc.notes:
            how = "sound over-approximations where no exact form is used (" + "; ".join(enc.notes) + ")"
        return Outcome(Verdict.PROVED, method=f"z3: the negation is unsat for {scope}; encoding: {how}")
    refutation = _refute(families, points, formula, deadline, shared=(families, env, zv, enc))
    if refutation is not None:
        return refutation
    if res == z3.unknown:
        return Outcome.unknown(f"z3 gave up on the negation ({s.reason_unknown()}) and no counterexample was found; "
                               "a lower degree bound may help", method="z3")
    reason = "no counterexample was confirmed"
    if enc.notes:
        reason = "the encoding is not exact here: " + "; ".join(enc.notes) + ", and " + reason
    return Outcome.unknown(reason, method="z3")


# --------------------------------------------------------------- refutation


def _refute(families, points, formula, deadline: Deadline, note_abstract: bool = False,
            shared=None) -> Optional[Outcome]:
    families, env, zv, enc = shared if shared is not None else _encoding(families, points)
    try:
        under = enc.formula(formula, positive=False, mode="under")
    except AnalysisUnsupported:
        if note_abstract:
            return None
        raise
    s = _solver(deadline.share(0.5))  # whether the under-approximation has a model at all; then the search
    s.add(under, *_degree_constraints(families, zv))
    if s.check() != z3.sat:
        return None
    coeffs = [zv.var(c) for f in families for c in f.coeffs]
    pts = [zv.var(x) for v in points for x in (env[v.name] if isinstance(env[v.name], sp.MatrixBase)
                                                 else [env[v.name]])]
    tried = 0
    degree_of = [sum(m) for f in families for m in f.monomials]
    top = max(degree_of, default=0)
    # simplest first: fewest terms, then coefficients +1, +-1, +-1 or +-2, then points 0, then 0 or +-1,
    # then the lowest degree that still works
    stages = [(k, vals, pv) for k in range(0, min(MAX_SEARCH_TERMS, len(coeffs)) + 1)
              for vals in ((1,), (1, -1), (1, -1, 2, -2)) for pv in ((0,), (0, 1, -1))]
    for k, vals, pv in stages:
        if deadline.passed():
            break
        s.push()
        for c in coeffs:
            s.add(z3.Or([c == 0] + [c == v for v in vals]))
        if coeffs:
            s.add(z3.Sum([z3.If(c != 0, 1, 0) for c in coeffs]) <= k)
        for p in pts:
            s.add(z3.Or([p == v for v in pv]))
        found = None
        for max_degree in range(0, top + 1):
            if tried >= 12:
                break
            s.push()
            s.add(*[c == 0 for c, d in zip(coeffs, degree_of) if d > max_degree])
            while s.check() == z3.sat and tried < 12:
                tried += 1
                # the simplest model written first: later coefficients zero, earlier ones and points small
                model = _least_model(s, [(c, (0,) + vals) for c in reversed(coeffs)] + [(p, pv) for p in pts])
                if model is None:
                    break
                found = _confirm(families, points, formula, model, zv, env, note_abstract)
                if found is not None:
                    break
                s.add(z3.Or([c != model.eval(c, model_completion=True) for c in coeffs + pts]) if coeffs + pts
                      else z3.BoolVal(False))
            s.pop()
            if found is not None:
                break
        s.pop()
        if found is not None:
            return found
    # the solver's own model, if it is rational
    if s.check() == z3.sat:
        return _confirm(families, points, formula, s.model(), zv, env, note_abstract)
    return None


def _least_model(s: z3.Solver, choices: list) -> Optional[z3.ModelRef]:
    """The model of s that takes, variable by variable in order, the first of its
    values that still leaves a model; None when the solver gives up.  So the
    witness does not depend on which model Z3 returns, which varies with what the
    worker process built before this claim."""
    depth = s.num_scopes()
    try:
        for var, values in choices:
            for v in values:
                s.push()
                s.add(var == v)
                if s.check() == z3.sat:
                    break
                s.pop()
            else:
                return None
        return s.model() if s.check() == z3.sat else None
    finally:
        if s.num_scopes() > depth:
            s.pop(s.num_scopes() - depth)


def _rational(model, var) -> Optional[sp.Rational]:
    v = model.eval(var, model_completion=True)
    if z3.is_rational_value(v):
        return sp.Rational(v.numerator_as_long(), v.denominator_as_long())
    return None


def _confirm(families, points, formula, model, zv, env, note_abstract) -> Optional[Outcome]:
    """Re-check a candidate exactly in SymPy; return the refutation or None."""
    concrete, witness, values_of = {}, {}, {}
    for f in families:
        values = [_rational(model, zv.var(c)) for c in f.coeffs]
        if None in values:
            return None
        if f.exact_degree and all(values[i] == 0 for i, m in enumerate(f.monomials) if sum(m) == f.degree):
            return None
        center = None
        if f.center is not None:
            center = [_rational(model, zv.var(c)) if isinstance(c, sp.Symbol) else c for c in f.center]
            if None in center:
                return None
        concrete[f.name] = f.fn(values, center)
        witness[f.name] = f.text(values, center)
    for v in points:
        sym = env[v.name]
        if isinstance(sym, sp.MatrixBase):
            vals = [_rational(model, zv.var(x)) for x in sym]
            if None in vals:
                return None
            values_of.update(zip(sym, vals))
            witness[v.name] = "[" + ", ".join(show_number(x) for x in vals) + "]"
        else:
            val = _rational(model, zv.var(sym))
            if val is None:
                return None
            values_of[sym] = val
            witness[v.name] = show_number(val)
    concrete.update({v.name: env[v.name] for v in points})
    truth = Evaluator(concrete, values_of)(formula)
    if truth.value is not False:
        return None
    method = "z3 found it; re-checked exactly in sympy"
    if note_abstract:
        method += " (a polynomial is one of the smooth functions the claim ranges over)"
    figure = _figure(families[0], concrete, points, values_of, env) if families else None
    return Outcome(Verdict.REFUTED, method=method, witness=witness, reason=truth.why, figure=figure)


def _figure(family, concrete, points, values_of, env):
    """The found polynomial for the report's picture, with the first point of its space marked."""
    xs = [sp.Symbol(n) for n in family.var_names]
    if not 1 <= len(xs) <= 2:
        return None
    expr = sp.expand(concrete[family.name].apply(xs))
    at = ()
    for v in points:
        sym = env[v.name]
        shape = len(sym) if isinstance(sym, sp.MatrixBase) else 1
        if shape == len(xs):
            at = tuple(values_of[x] for x in sym) if isinstance(sym, sp.MatrixBase) else (values_of[sym],)
            break
    return function_figure(family.name, family.var_names, expr, at)
