"""Polynomial (in)equalities proved by Z3 over the reals: a whole claim
(`x^2 >= 0`, AM-GM, Cauchy-Schwarz in R^3) or one calc step, by one route.

Method: in every concrete instance of the claim (sizes and indices given
values, `instances`), each goal's negation is asserted with the instance's
hypotheses (its conditions and solved unknowns) and Z3 must answer `unsat`.
Besides polynomials, a few operations are encoded exactly: abs, max and min
as `If` terms; sqrt(e) as a fresh s with s >= 0 and s^2 = e; a negative
power e^-k as r^k with r*e = 1.  Such a definition holds only where e >= 0
(e != 0), so each one comes with its own obligation, proved the same way:
the hypotheses imply e >= 0 (e != 0), given only the definitions made
before it (those of the atoms inside e), so that no definition vouches for
itself.

Soundness: only `unsat` counts; `sat`, `unknown` and a timeout leave the
claim to the other routes (never `proved`).  Before any goal, the
hypotheses and definitions alone must be satisfiable (a twin check: an
encoding that admits no point proves everything).  A `sat` answer whose
model is rational is handed back as a candidate counterexample, which the
caller re-checks exactly from the syntax tree before refuting.  Every Z3 call
takes its timeout from the caller's deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import sympy as sp
import z3

from prove.backends.base import Deadline
from prove.backends.identity import abstract
from prove.backends.identity import instances as I
from prove.backends.identity.sympy_translate import Fn, Untranslatable
from prove.backends.z3_bridge import NotPolynomial, Z3Vars
from prove.claim import Claim
from prove.relations import holds
from prove.verdict import Outcome, Verdict

METHOD = "z3: the negation is unsat over the reals (polynomial arithmetic)"
Z3_CALL_CAP = 3.0  # seconds for one Z3 call: a hard goal must not starve the rest of the claim
MAX_Z3_INSTANCES = 200


@dataclass(frozen=True)
class Z3Route:
    """What the Z3 route made of a claim: a proof, a candidate counterexample
    (instance and rational point, to be re-checked by the caller), or why neither."""

    outcome: Optional[Outcome] = None
    note: str = ""
    refused: bool = False  # the claim is outside what Z3 takes (not polynomial, abstract functions)
    candidate: Optional[tuple] = None  # (Instance, Goal, point) from a rational model


def prove(claim: Claim, deadline: Deadline) -> Z3Route:
    """Z3 on every instance of the claim; see the module docstring."""
    if abstract.function_names(claim):
        return Z3Route(note="abstract functions are not polynomials", refused=True)
    try:
        cases = list(I.instances(claim))
    except Untranslatable as exc:
        return Z3Route(note=str(exc), refused=True)
    if not cases:
        return Z3Route(note="no instance of the claim's variables satisfies its bounds")
    if len(cases) > MAX_Z3_INSTANCES:
        return Z3Route(note=f"{len(cases)} instances are too many for Z3 one by one")
    encodings = set()
    for inst in cases:
        if any(isinstance(v, Fn) for v in inst.env.values()):
            return Z3Route(note="abstract functions are not polynomials", refused=True)
        try:
            goals = I.instance_goals(claim, inst)
            route = _instance(inst, goals, deadline, encodings)
        except Untranslatable as exc:
            return Z3Route(note=str(exc), refused=True)
        except NotPolynomial as exc:
            return Z3Route(note=f"not polynomial: {exc}", refused=True)
        if route is not None:
            return route
    method = METHOD + (f"; {', '.join(sorted(encodings))}" if encodings else "")
    sizes = I.enumerate_sizes(claim)
    if sizes.names and not sizes.complete:
        return Z3Route(Outcome(Verdict.VERIFIED, method=method, bound=sizes.bound()))
    return Z3Route(Outcome(Verdict.PROVED, method=method + (f", every {sizes.bound()} checked" if sizes.names else "")))


def _instance(inst, goals, deadline: Deadline, encodings: set) -> Optional[Z3Route]:
    """None when every goal of the instance is proved, else why not."""
    enc = _Encoder()
    facts = [holds(enc(a), op, enc(b)) for a, op, b in inst.conditions]
    facts += [enc(s) == enc(e) for s, e in inst.solved.items()]
    targets = [(g, holds(enc(g.lhs), g.rel, enc(g.rhs))) for g in goals]
    encodings |= enc.used
    base = facts + enc.definitions
    alone = _check(base, deadline)
    if alone != z3.sat:  # the twin check: hypotheses and definitions must admit a point
        why = "unsatisfiable" if alone == z3.unsat else "not shown satisfiable"
        return Z3Route(note=f"the hypotheses are {why}; nothing is proved from them")
    for obligation, words, earlier in enc.obligations:
        # only the definitions made before this one: its own (s^2 = e) would imply e >= 0
        if _check(facts + enc.definitions[:earlier] + [z3.Not(obligation)], deadline) != z3.unsat:
            return Z3Route(note=f"could not show {words} wherever the hypotheses hold")
    for g, target in targets:
        solver = _solver(base + [z3.Not(target)], deadline)
        answer = solver.check()
        if answer == z3.unsat:
            continue
        if answer == z3.sat:
            point = _rational_point(solver.model(), enc, I.all_symbols(inst), inst)
            where = f" ({g.entry})" if g.entry else ""
            return Z3Route(note=f"the negation is satisfiable{where}",
                           candidate=(inst, g, point) if point is not None else None)
        return Z3Route(note=f"unknown ({solver.reason_unknown()})")
    return None


def _solver(assertions: list, deadline: Deadline) -> z3.Solver:
    solver = z3.Solver()
    solver.set("timeout", deadline.z3_ms(cap=Z3_CALL_CAP))
    for a in assertions:
        solver.add(a)
    return solver


def _check(assertions: list, deadline: Deadline):
    return _solver(assertions, deadline).check()


def _rational_point(model, enc: "_Encoder", symbols: list, inst) -> Optional[dict]:
    """The model's values of the claim's own unknowns, when all are rational."""
    point = {}
    for s in symbols:
        if s in inst.solved:
            continue
        v = enc.vars.by_symbol.get(s)
        value = model.eval(v, model_completion=True) if v is not None else z3.RealVal(0)
        if not z3.is_rational_value(value):
            return None
        frac = value.as_fraction()
        point[s] = sp.Rational(frac.numerator, frac.denominator)
    return point


@dataclass
class _Encoder:
    """SymPy terms to Z3, with abs/max/min/sqrt/negative powers replaced by
    fresh unknowns whose definitions (and obligations) are collected."""

    vars: Z3Vars = field(default_factory=Z3Vars)
    definitions: list = field(default_factory=list)
    obligations: list = field(default_factory=list)  # (z3 bool, words, definitions made before it)
    used: set = field(default_factory=set)
    cache: dict = field(default_factory=dict)

    def __call__(self, e):
        if isinstance(e, int):
            return z3.RealVal(e)
        if not isinstance(e, sp.Basic) or getattr(e, "is_Matrix", False):
            raise NotPolynomial(f"{e!r} is not a number or a polynomial")
        return self.vars(self._flatten(e), expand=False)

    def _flatten(self, e):
        """e with every non-polynomial atom it knows replaced by a fresh symbol."""
        if e.is_Atom:
            return e
        if e in self.cache:
            return self.cache[e]
        args = [self._flatten(a) for a in e.args]
        out = self._atom(e, args)
        self.cache[e] = out
        return out

    def _atom(self, e, args):
        if isinstance(e, sp.Abs):
            a = self.vars(args[0], expand=False)
            return self._define(lambda t: t == z3.If(a >= 0, a, -a), "abs as cases")
        if isinstance(e, (sp.Max, sp.Min)):
            zs = [self.vars(a, expand=False) for a in args]
            best = zs[0]
            for z in zs[1:]:
                best = z3.If(z >= best, z, best) if isinstance(e, sp.Max) else z3.If(z <= best, z, best)
            return self._define(lambda t: t == best, "max/min as cases")
        if isinstance(e, sp.Pow) and e.exp == sp.Rational(1, 2):
            a = self.vars(args[0], expand=False)
            self.obligations.append((a >= 0, f"{e.args[0]} >= 0 (under sqrt)", len(self.definitions)))
            return self._define(lambda t: z3.And(t >= 0, t * t == a), "sqrt as a non-negative root")
        if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp < 0:
            a = self.vars(args[0], expand=False)
            self.obligations.append((a != 0, f"{e.args[0]} != 0 (a denominator)", len(self.definitions)))
            r = self._define(lambda t: t * a == 1, "division as an inverse")
            return r ** (-e.exp)
        return e.func(*args)

    def _define(self, definition, words: str):
        s = sp.Dummy("t", real=True)
        self.definitions.append(definition(self.vars.var(s)))
        self.used.add(words)
        return s
