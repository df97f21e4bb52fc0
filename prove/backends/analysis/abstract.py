"""Claims about abstract functions `g: R -> R`: a Z3 proof from instances of the definitions.

The definitions (docs/language.md, analysis section) are first-order statements about an
uninterpreted g.  Z3 with them as quantified axioms does not terminate
(measured: no hint = timeout), so each definition that the negated claim
asserts is replaced by finitely many of its instances at chosen terms.  An
instance is implied by the definition, so the instantiated problem is an
over-approximation of the negated claim: its unsat is a proof, its sat means
nothing (the answer is then `unknown`, never `refuted`).

The hint terms are the textbook ones for "a local minimum of a convex function
is global": for a point y with g(y) < g(w0) and a radius gam of local
minimality, t0 = gam / (2 (|y - w0| + gam)) and z0 = (1 - t0) w0 + t0 y lie
inside the neighbourhood, where convexity puts g(z0) below g(w0).

Derivatives of an abstract function are not encoded (they need limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import z3

from prove import ast as A
from prove.relations import holds
from prove import sorts as S
from prove import vocabulary as V
from prove.backends import internal
from prove.backends.analysis.encode import AnalysisUnsupported, z_and, z_or
from prove.backends.base import WALL_CAP, Deadline, solver_from_text
from prove.verdict import Outcome, Verdict


def _abs(x):
    return z3.If(x >= 0, x, -x)


@dataclass(frozen=True)
class _Universal:
    """`forall y: body(y)` asserted under literal `flag`."""

    flag: object
    body: Callable


@dataclass(frozen=True)
class _LocalRadius:
    """A local extremum asserted at p with radius gam, for the convexity hint."""

    flag: object
    fn: Callable
    p: object
    gam: object
    kind: str  # min | max


@dataclass
class _Problem:
    side: list = field(default_factory=list)  # formulas flag -> ...
    universals: list = field(default_factory=list)
    convex: list = field(default_factory=list)  # (flag, fn, sign) sign=+1 convex, -1 concave
    radii: list = field(default_factory=list)
    terms: list = field(default_factory=list)  # ground points
    count: int = 0

    def fresh(self, base: str):
        self.count += 1
        return z3.Real(internal.name(base, self.count))

    def flag(self):
        self.count += 1
        return z3.Bool(internal.name("lit", self.count))


class AbstractEncoder:
    """Formulas about uninterpreted functions R -> R to Z3, each definition the negated claim
    asserts replaced by its instances at the collected terms (see the module docstring)."""

    def __init__(self, funcs: dict, points: dict):
        self.funcs = funcs  # name -> z3 Function
        self.env = dict(points)
        self.pb = _Problem(terms=list(points.values()))

    def term(self, e, env=None):
        env = self.env if env is None else env
        if isinstance(e, A.Num):
            return z3.RealVal(f"{e.value.numerator}/{e.value.denominator}")
        if isinstance(e, A.Name):
            if e.id in env:
                return env[e.id]
            raise AnalysisUnsupported(f"{e.id} has no value here")
        if isinstance(e, A.Neg):
            return -self.term(e.operand, env)
        if isinstance(e, A.BinOp) and e.op in "+-*/":
            a, b = self.term(e.left, env), self.term(e.right, env)
            return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[e.op]
        if isinstance(e, A.BinOp) and e.op == "^" and isinstance(e.right, A.Num) and e.right.value.denominator == 1 \
                and e.right.value >= 0:
            base, out = self.term(e.left, env), z3.RealVal(1)
            for _ in range(int(e.right.value)):
                out = out * base
            return out
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in self.funcs and len(e.args) == 1:
            return self.funcs[e.func.id](self.term(e.args[0], env))
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id in V.CALCULUS_FUNCTIONS:
            raise AnalysisUnsupported("derivatives of an abstract function are not encoded (they need limits); "
                                      "state the claim for a polynomial family, e.g. `g in poly(w, degree <= 4)`")
        raise AnalysisUnsupported(f"{type(e).__name__} is not taken in claims about abstract functions")

    def function(self, e) -> Callable:
        if isinstance(e, A.Name) and e.id in self.funcs:
            return self.funcs[e.id]
        if isinstance(e, A.Lambda) and len(e.params) == 1:
            return lambda t: self.term(e.body, {**self.env, e.params[0]: t})
        raise AnalysisUnsupported("abstract-function claims take functions of one variable")

    def formula(self, e, positive: bool):
        if isinstance(e, (A.And, A.Or)):
            parts = [self.formula(o, positive) for o in e.operands]
            return z_and(parts) if isinstance(e, A.And) == positive else z_or(parts)
        if isinstance(e, A.Not):
            return self.formula(e.operand, not positive)
        if isinstance(e, A.Implies):
            if positive:
                return z_or([self.formula(e.left, False), self.formula(e.right, True)])
            return z_and([self.formula(e.left, True), self.formula(e.right, False)])
        if isinstance(e, A.Iff):
            a, na, b, nb = (self.formula(e.left, True), self.formula(e.left, False),
                            self.formula(e.right, True), self.formula(e.right, False))
            return z_or([z_and([a, b]), z_and([na, nb])]) if positive else z_or([z_and([a, nb]), z_and([na, b])])
        if isinstance(e, A.Compare):
            vals = [self.term(o) for o in e.operands]
            f = z_and(holds(a, op, b) for op, a, b in zip(e.ops, vals, vals[1:]))
            return f if positive else z3.Not(f)
        if isinstance(e, A.Call) and isinstance(e.func, A.Name):
            return self.predicate(e.func.id, e.args, positive)
        raise AnalysisUnsupported(f"{type(e).__name__} is not taken in claims about abstract functions")

    def predicate(self, name, args, positive):
        pb = self.pb
        flag = pb.flag()
        if name in ("convex", "concave"):
            g = self.function(args[0])
            sgn = 1 if name == "convex" else -1
            if positive:
                pb.convex.append((flag, g, sgn))
            else:
                a, b, t = pb.fresh("a"), pb.fresh("b"), pb.fresh("t")
                pb.side.append(z3.Implies(flag, z3.And(0 <= t, t <= 1, sgn * g((1 - t) * a + t * b)
                                                       > sgn * ((1 - t) * g(a) + t * g(b)))))
                pb.terms += [a, b, (1 - t) * a + t * b]
            return flag
        if name in ("local_min", "local_max", "strict_local_min", "strict_local_max", "global_min", "global_max"):
            g = self.function(args[0])
            p = self.term(args[1])
            kind = "min" if name.endswith("min") else "max"
            strict = name.startswith("strict")
            better = (lambda y: g(y) < g(p)) if kind == "min" else (lambda y: g(y) > g(p))
            worse_or_eq = (lambda y: g(p) <= g(y)) if kind == "min" else (lambda y: g(p) >= g(y))
            if strict:
                worse_or_eq = ((lambda y: z3.Or(y == p, g(p) < g(y))) if kind == "min"
                               else (lambda y: z3.Or(y == p, g(p) > g(y))))
                better = (lambda y: z3.And(y != p, g(y) <= g(p))) if kind == "min" else \
                    (lambda y: z3.And(y != p, g(y) >= g(p)))
            if name.startswith("global"):
                if positive:
                    pb.universals.append(_Universal(flag, worse_or_eq))
                else:
                    y = pb.fresh("y")
                    pb.side.append(z3.Implies(flag, better(y)))
                    pb.terms.append(y)
                return flag
            if positive:
                gam = pb.fresh("gam")
                pb.side.append(z3.Implies(flag, gam > 0))
                pb.universals.append(_Universal(flag, lambda y, gam=gam: z3.Implies(_abs(y - p) < gam, worse_or_eq(y))))
                if not strict:
                    pb.radii.append(_LocalRadius(flag, g, p, gam, kind))
            else:
                # every neighbourhood holds a better point: the instance at radius 1
                y = pb.fresh("y")
                pb.side.append(z3.Implies(flag, z3.And(_abs(y - p) < 1, better(y))))
                pb.terms.append(y)
            return flag
        raise AnalysisUnsupported(f"{name} of an abstract function is not encoded here "
                                  "(stationary points and derivatives need limits)")

    def instances(self) -> list:
        pb = self.pb
        out = list(pb.side)
        terms = list(pb.terms)
        hints = []
        for r in pb.radii:
            for y in list(terms):
                if y is r.p:
                    continue
                t0 = r.gam / (2 * (_abs(y - r.p) + r.gam))
                z0 = (1 - t0) * r.p + t0 * y
                hints.append(z0)
                for flag, g, sgn in pb.convex:
                    out.append(z3.Implies(flag, sgn * g(z0) <= sgn * ((1 - t0) * g(r.p) + t0 * g(y))))
        terms += hints
        for u in pb.universals:
            for y in terms:
                out.append(z3.Implies(u.flag, u.body(y)))
        for flag, g, sgn in pb.convex:  # convexity between the named points, at the midpoint
            for i, a in enumerate(terms[:6]):
                for b in terms[i + 1:6]:
                    h = z3.RealVal("1/2")
                    out.append(z3.Implies(flag, sgn * g(h * a + h * b) <= sgn * (h * g(a) + h * g(b))))
        return out


# Words whose meaning needs a derivative of the function, which is not encoded here.
RLIMIT = 20_000_000  # Z3's resource count for the query, as in abstract_rd_check (whose fallback this is)

NEED_DERIVATIVES = V.CALCULUS_FUNCTIONS | {"stationary", "saddle"}


def check_abstract(claim, formula, abstract, points, deadline: Deadline) -> Outcome:
    """A proof from instances of the definitions, by `deadline`; otherwise unknown."""
    try:
        for node in A.walk(formula):
            if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id in NEED_DERIVATIVES:
                raise AnalysisUnsupported(f"{node.func.id} of an abstract function is not encoded (derivatives need "
                                          "limits); no polynomial of degree <= 3 is a counterexample either; state the "
                                          "claim for a polynomial family, e.g. `g in poly(w, degree <= 4)`")
        for v in abstract:
            if not (isinstance(v.sort.source, S.Real) and isinstance(v.sort.target, S.Real)):
                raise AnalysisUnsupported(f"{v.name} is {v.sort}; abstract functions are taken from R to R here")
        pts = {}
        for v in points:
            if not isinstance(v.sort, S.Real):
                raise AnalysisUnsupported(f"{v.name} is {v.sort}; with abstract functions, points are reals here")
            pts[v.name] = z3.Real(internal.name(v.name))
        funcs = {v.name: z3.Function(internal.name(v.name), z3.RealSort(), z3.RealSort()) for v in abstract}
        enc = AbstractEncoder(funcs, pts)
        negated = enc.formula(formula, positive=False)
        s = solver_from_text([negated, *enc.instances()], RLIMIT, deadline.z3_ms() * int(WALL_CAP))
        res = s.check()
    except AnalysisUnsupported as exc:
        return Outcome.unknown(f"{exc}", method="z3, abstract functions")
    names = ", ".join(v.name for v in abstract)
    if res == z3.unsat:
        return Outcome(Verdict.PROVED, method=(
            f"z3: the negation is unsat for every function {names}: R -> R, from instances of the definitions "
            "(convexity between w0 and a better point y at t0 = gam/(2(|y - w0| + gam)), local minimality at "
            "(1 - t0) w0 + t0 y)" if enc.pb.radii and enc.pb.convex else
            f"z3: the negation is unsat for every function {names}: R -> R, from instances of the definitions"))
    why = "z3 timed out" if res == z3.unknown else "z3 finds no contradiction"
    return Outcome.unknown(
        f"{why} from the instances of the definitions tried for the abstract function(s) {names}, and no polynomial "
        "of degree <= 3 is a counterexample; try the claim over a polynomial family (`poly(w, degree <= 4)`) "
        "or split it into lemmas (`by lemma NAME`)", method="z3, abstract functions")
