"""Inequalities with exp and log (sigmoid, softplus, softmax, tanh), decided
by Z3 over the reals after the transcendental functions are taken out.

Method.  Each goal `lhs REL rhs` of a concrete instance, with the hypotheses
it is stated under, is translated into real arithmetic for Z3 (nlsat), and
its negation is asked for: unsat is a proof.  Three methods are tried in
turn, cheapest first, and the first that proves every open goal is named in
the method line:

(a) substitution: for each variable x that occurs in exp's arguments only
    through linear forms with rational coefficients and no constant term,
    u = exp(x/q) > 0 (q the common denominator), so exp(3x/2 - y) becomes
    u^3 / v^q'.  When every occurrence of every variable is rewritten so
    (`substitution` refuses otherwise), the goal is a rational-function
    inequality in u > 0: x -> exp(x/q) is a bijection of R onto (0, inf),
    so the translated question is equivalent to the claim (sigmoid =
    1/(1 + 1/u), sigmoid' = u/(1 + u)^2, softmax entries u_i / sum u_k).
(b) monotonicity and tangent lines: any other exp(a), and every log(b) (read
    as exp(L) = b for b > 0), becomes an unknown tied to its argument by
    facts true of every real number: exp(a) > 0, exp(-a) = 1/exp(a),
    a1 <= a2 iff exp(a1) <= exp(a2) (and strictly: exp is strictly
    increasing, with exp(0) = 1), and the tangent line exp(a) >= 1 + a
    (so log(b) <= b - 1 and log(b) >= 1 - 1/b).
(c) Taylor bounds, as MetiTarski uses them: with T_n the degree-n Taylor
    polynomial of exp at 0 and the Lagrange remainder exp(c) a^(n+1)/(n+1)!,
    exp(a) >= T_3(a) for every a, exp(a) <= T_2(a) for a <= 0, and
    exp(a) * T_3(-a) <= 1 where T_3(-a) > 0.

Soundness.  Every fact added is a theorem about the real values at every
point where the claim is defined (the textbook facts above; tests check each
at many exact points by certified evaluation); a log's facts are guarded by
its argument being positive, and Z3's division by zero is an arbitrary value,
so a point where the claim is undefined is never assumed away (definedness
itself is decided before, by `definedness.guarded`).  A real counterexample
would therefore be a model of the query: unsat proves the goal.  Z3's
`unknown` or a timeout is never a proof.  The twin check: the hypotheses with
the facts alone must be satisfiable, or nothing is concluded.  Anything
else (sin, a power with a symbolic exponent, an abstract function) is
refused.  A model of the negation is only a hint: a refutation is a point of
exact rationals where the goal fails by exact arithmetic (both sides
rational) or by a certified margin (`evalf(strict=True)`), re-checked on a
fresh translation of the claim from its syntax tree.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import sympy as sp
import z3

from prove.backends import internal
from prove.backends.base import Deadline, Limits
from prove.backends.identity.exact import rewrites_to_zero
from prove.backends.identity.instances import (
    Goal, Instance, add_hypothesis, all_symbols, apply_solved, enumerate_sizes, goals_of, instance_goals,
    make_instance,
)
from prove.backends.identity.points import witness
from prove.backends.identity.sympy_translate import ToSympy, Untranslatable
from prove.backends.identity.undefined import outside_domain
from prove.claim import Claim
from prove.verdict import Outcome, Verdict

STAGES = ("substitution", "monotonicity", "taylor")
METHODS = {
    "substitution": "z3: substitution u = exp(x) > 0, then the negation is unsat over the reals (polynomial arithmetic)",
    "monotonicity": ("z3: exp and log as unknowns with monotonicity (a <= b iff exp(a) <= exp(b)) and the "
                     "tangent lines exp(a) >= 1 + a, log(b) <= b - 1; the negation is unsat over the reals"),
    "taylor": ("z3: exp and log bounded by Taylor polynomials with Lagrange remainder (degrees 2 and 3), "
               "monotonicity and tangent lines; the negation is unsat over the reals"),
}
REFUTED_METHOD = "z3: a model of the negation suggested the point, exact evaluation there; re-checked"
HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.coth, sp.sech, sp.csch)


class NotExpLog(Exception):
    """The expression is outside what this module translates."""


def has_transcendental(e) -> bool:
    return isinstance(e, sp.Basic) and (e.has(sp.exp, sp.log, *HYPERBOLIC) or e.has(sp.E))


def substitution(expr, variables) -> Optional[dict]:
    """Method (a) alone: {variable: q} with u = exp(x/q) rewriting every
    exp in expr, or None when it does not apply: some variable also occurs
    outside exp (x + exp(x)), or an exp's argument is not a linear form
    without constant term."""
    expr = _exp_form(expr)
    scales = _scales([expr], variables)
    if any(not _linear(a.args[0], variables) for a in expr.atoms(sp.exp)):
        return None
    bare = expr.replace(lambda n: isinstance(n, sp.exp), lambda n: sp.Integer(1))
    if bare.free_symbols & set(variables):
        return None
    return {v: q for v, q in scales.items() if v in expr.free_symbols}


def _exp_form(e):
    """tanh, cosh ... written with exp (an identity of real numbers)."""
    if not isinstance(e, sp.Basic):
        return sp.Integer(e)
    e = e.replace(lambda n: isinstance(n, HYPERBOLIC), lambda n: n.rewrite(sp.exp))
    return e.xreplace({sp.E: sp.exp(1, evaluate=False)})


def _linear(a, variables) -> Optional[dict]:
    """{variable: rational coefficient} when a is such a form with no constant term."""
    a = sp.expand(a)
    coeffs = {}
    for term in sp.Add.make_args(a):
        c, rest = term.as_coeff_Mul()
        if rest in variables and c.is_Rational:
            coeffs[rest] = coeffs.get(rest, 0) + c
        else:
            return None
    return coeffs


def _scales(exprs, variables) -> dict:
    """q for each variable: the common denominator of its coefficients in
    the linear exp arguments, so that every such exp is a monomial in u."""
    q: dict = {}
    for e in exprs:
        for atom in e.atoms(sp.exp):
            lin = _linear(atom.args[0], variables) or {}
            for v, c in lin.items():
                q[v] = math.lcm(q.get(v, 1), int(sp.Rational(c).q))
    return q


@dataclass(frozen=True)
class ExpPair:
    """value = exp(arg), known where `guard` holds (a log's argument positive)."""

    arg: object  # z3 term
    value: object  # z3 term
    guard: object  # z3 bool


class ExpEncoding:
    """A sympy expression as a Z3 term, and the exp/log pairs it used."""

    def __init__(self, variables, scales: dict):
        self.vars = {v: z3.Real(internal.name("x", k)) for k, v in enumerate(variables)}
        self.scales = scales
        self.u = {v: z3.Real(internal.name("u", k)) for k, v in enumerate(variables) if v in scales}
        self.bare: set = set()  # variables used outside exp
        self.pairs: list[ExpPair] = [ExpPair(self.vars[v] / q, self.u[v], z3.BoolVal(True)) for v, q in scales.items()]
        self.atoms: dict = {}
        self.positive = [u > 0 for u in self.u.values()]

    def __call__(self, e):
        if isinstance(e, (int, sp.Integer)):
            return z3.RealVal(int(e))
        if isinstance(e, sp.Rational):
            return z3.Q(int(e.p), int(e.q))
        if isinstance(e, sp.Symbol):
            if e not in self.vars:
                raise NotExpLog(f"unknown symbol {e}")
            self.bare.add(e)
            return self.vars[e]
        if isinstance(e, sp.Add):
            return z3.Sum([self(a) for a in e.args])
        if isinstance(e, sp.Mul):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if isinstance(e, sp.Pow):
            n = e.exp
            if n.is_Integer:
                base = self(e.base)
                p = base
                for _ in range(abs(int(n)) - 1):
                    p = p * base
                return p if n > 0 else (1 / p if n < 0 else z3.RealVal(1))
            if n == sp.Rational(1, 2):
                return self._sqrt(e.base)
            raise NotExpLog(f"the power {e}")
        if isinstance(e, sp.exp):
            return self._exp(e.args[0])
        if isinstance(e, sp.log) and len(e.args) == 1:
            return self._log(e.args[0])
        if isinstance(e, (sp.Max, sp.Min)):
            terms = [self(a) for a in e.args]
            out = terms[0]
            for t in terms[1:]:
                out = z3.If(t >= out, t, out) if isinstance(e, sp.Max) else z3.If(t <= out, t, out)
            return out
        if isinstance(e, sp.Abs):
            t = self(e.args[0])
            return z3.If(t >= 0, t, -t)
        raise NotExpLog(f"{type(e).__name__} is not exp, log or arithmetic")

    def _exp(self, a):
        lin = _linear(a, list(self.vars))
        if lin is not None and all(v in self.scales for v in lin):
            out = z3.RealVal(1)
            for v, c in lin.items():
                k = int(c * self.scales[v])
                term = self.u[v] ** abs(k) if abs(k) != 1 else self.u[v]
                out = out * (term if k > 0 else 1 / term)
            return out
        key = ("exp", a)
        if key not in self.atoms:
            e = z3.Real(internal.name("exp", len(self.atoms)))
            self.atoms[key] = e
            self.positive.append(e > 0)
            self.pairs.append(ExpPair(self(a), e, z3.BoolVal(True)))
        return self.atoms[key]

    def _log(self, b):
        key = ("log", b)
        if key not in self.atoms:
            t = z3.Real(internal.name("log", len(self.atoms)))
            self.atoms[key] = t
            arg = self(b)
            self.pairs.append(ExpPair(t, arg, arg > 0))
        return self.atoms[key]

    def _sqrt(self, b):
        key = ("sqrt", b)
        if key not in self.atoms:
            s = z3.Real(internal.name("sqrt", len(self.atoms)))
            self.atoms[key] = s
            arg = self(b)
            self.positive.append(z3.Implies(arg >= 0, z3.And(s >= 0, s * s == arg)))
        return self.atoms[key]


def _taylor(a, n: int):
    out, term = z3.RealVal(1), z3.RealVal(1)
    for k in range(1, n + 1):
        term = term * a / k
        out = out + term
    return out


def facts(enc: ExpEncoding, stage: str) -> list:
    """The facts of a stage about the pairs value = exp(arg) (see the module docstring)."""
    out = list(enc.positive)
    if stage == "substitution":
        return out
    pairs = list(enc.pairs)
    pairs += [ExpPair(-p.arg, 1 / p.value, p.guard) for p in enc.pairs]  # exp(-a) = 1/exp(a)
    pairs.append(ExpPair(z3.RealVal(0), z3.RealVal(1), z3.BoolVal(True)))  # exp(0) = 1
    for p in pairs:
        out.append(z3.Implies(p.guard, z3.And(p.value > 0, p.value >= 1 + p.arg)))
        if stage == "taylor":
            t3m = _taylor(-p.arg, 3)
            out.append(z3.Implies(p.guard, z3.And(
                p.value >= _taylor(p.arg, 3),
                z3.Implies(p.arg <= 0, p.value <= _taylor(p.arg, 2)),
                z3.Implies(t3m > 0, p.value * t3m <= 1))))
    for p, r in itertools.combinations(pairs, 2):
        both = z3.And(p.guard, r.guard)
        out.append(z3.Implies(both, z3.And((p.arg <= r.arg) == (p.value <= r.value),
                                           (p.arg < r.arg) == (p.value < r.value))))
    return out


def relation(rel: str, a, b):
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b}[rel]


def solve(assertions: list, deadline: Deadline):
    """Z3's answer (sat, unsat or unknown) and the solver, within the deadline."""
    s = z3.SolverFor("QF_NRA")
    s.set("timeout", deadline.z3_ms())
    s.add(*assertions)
    return s.check(), s


@dataclass(frozen=True)
class ExpQuery:
    """One goal's question: the conditions, the goal, and the stage that proves it."""

    goal: object  # z3 bool
    hypotheses: tuple
    encoding: ExpEncoding


def _query(goal: Goal, inst: Instance) -> ExpQuery:
    variables = all_symbols(inst)
    variables = [v for v in variables if v not in inst.solved]
    lhs, rhs = (_exp_form(apply_solved(s, inst)) for s in (goal.lhs, goal.rhs))
    conds = [(_exp_form(apply_solved(a, inst)), op, _exp_form(apply_solved(b, inst))) for a, op, b in inst.conditions]
    exprs = [lhs, rhs] + [x for a, _, b in conds for x in (a, b)]
    enc = ExpEncoding(variables, _scales(exprs, variables))
    z_goal = relation(goal.rel, enc(lhs), enc(rhs))
    hyps = []
    for a, op, b in conds:
        za, zb = enc(a), enc(b)
        hyps.append(za != zb if op == "!=" else relation(op, za, zb))
    return ExpQuery(z_goal, tuple(hyps), enc)


def prove_goal(q: ExpQuery, stage: str, deadline: Deadline) -> tuple[str, object]:
    """('proved', None), ('sat', model) or ('unknown', reason) for one stage."""
    if stage == "substitution" and (q.encoding.bare & set(q.encoding.u) or len(q.encoding.atoms)):
        return "unknown", "a variable occurs outside exp"
    base = list(q.hypotheses) + facts(q.encoding, stage)
    answer, s = solve(base + [z3.Not(q.goal)], deadline)
    if answer == z3.sat:
        return "sat", s.model()
    if answer != z3.unsat:
        return "unknown", f"z3 returned {answer} ({s.reason_unknown()})"
    twin, _ = solve(base, deadline)  # the hypotheses with the facts alone must be satisfiable
    if twin != z3.sat:
        return "unknown", f"the hypotheses with the facts used are not shown satisfiable (z3: {twin})"
    return "proved", None


def attempt(claim: Claim, limits: Limits = Limits()) -> Optional[Outcome]:
    """Proved, or refuted at a re-checked exact point, or None (nothing to
    add to the caller's own unknown).  Only claims with concrete sizes (every
    size checked) and some exp or log in a comparison are taken."""
    sizes = enumerate_sizes(claim)
    if not sizes.complete:
        return None
    deadline = limits.deadline(0.5)  # the rest: what ran before, and the audit
    open_goals = []
    try:
        for values in sizes.values:
            inst = make_instance(claim, values)
            for g in instance_goals(claim, inst):
                if g.rel == "=" and rewrites_to_zero(apply_solved(g.lhs - g.rhs, inst)):
                    continue  # closed, and already cross-checked by the caller
                if g.rel not in ("<", "<=", ">", ">="):
                    return None
                open_goals.append((inst, g))
    except Untranslatable:
        return None
    if not open_goals or not any(has_transcendental(g.lhs) or has_transcendental(g.rhs) for _, g in open_goals):
        return None
    used, reason = 0, ""
    for inst, g in open_goals:
        try:
            q = _query(g, inst)
        except (NotExpLog, Untranslatable, z3.Z3Exception, TypeError, ValueError) as exc:
            return Outcome.unknown(f"not translated to real arithmetic: {exc}", method="z3")
        done = False
        for k, stage in enumerate(STAGES):
            if deadline.passed():
                return Outcome.unknown("time limit reached while proving an inequality with exp and log",
                                       method="z3")
            status, info = prove_goal(q, stage, deadline.share(0.5))
            if status == "proved":
                used, done = max(used, k), True
                break
            if status == "sat":
                found = _refute(claim, inst, g, q, info)
                if found is not None:
                    return found
            reason = info if status == "unknown" else "z3 found a model of the negation with the facts used"
        if not done:
            return Outcome.unknown(f"inequality with exp and log not proved: {reason}", method="z3")
    return Outcome(Verdict.PROVED, method=METHODS[STAGES[used]])


# ------------------------------------------------------------------ refutation


def _value(model, term) -> Optional[Fraction]:
    v = model.eval(term, model_completion=True)
    if z3.is_rational_value(v):
        return Fraction(v.numerator_as_long(), v.denominator_as_long())
    if z3.is_algebraic_value(v):
        return Fraction(v.approx(12).as_fraction())
    return None


def _nearby(x: float) -> list:
    out = []
    for d in (1, 2, 3, 4, 10):
        f = Fraction(round(x * d), d)
        if f not in out:
            out.append(f)
    return out


def candidates(q: ExpQuery, model) -> list[dict]:
    """Exact rational points suggested by a model: a variable's own value, or
    q*log(u) when it occurs only through u = exp(x/q) (u = 1 gives x = 0)."""
    options = {}
    for v, zv in q.encoding.vars.items():
        opts = [Fraction(0)]
        if v in q.encoding.u and v not in q.encoding.bare:
            u = _value(model, q.encoding.u[v])
            if u is not None and u > 0:
                opts += [] if u == 1 else _nearby(q.encoding.scales[v] * math.log(u))
        else:
            x = _value(model, zv)
            if x is not None:
                opts = [x] + _nearby(float(x)) + opts
        options[v] = list(dict.fromkeys(opts))[:4]
    names = list(options)
    return [dict(zip(names, combo)) for combo in itertools.islice(itertools.product(*options.values()), 64)]


def fails_exactly(goal: Goal, point: dict) -> Optional[bool]:
    """True when the goal is false at point by exact arithmetic (both sides
    rational) or a certified margin; False when it holds so; else None."""
    try:
        d = (sp.Integer(0) + goal.lhs - goal.rhs).xreplace(point)  # SymPy values, never text
        if d.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
            return None
        if not d.is_Rational:
            n = d.evalf(30, strict=True)
            if not n.is_real or abs(n) < sp.Float(10) ** -20:
                return None
            d = n
    except (sp.PrecisionExhausted, ZeroDivisionError, TypeError, ValueError):
        return None
    holds = {"<": d < 0, "<=": d <= 0, ">": d > 0, ">=": d >= 0, "=": d == 0, "!=": d != 0}[goal.rel]
    return not bool(holds)


def _conditions_exact(inst: Instance, point: dict) -> bool:
    for a, op, b in inst.conditions:
        if fails_exactly(Goal(a, b, op, inst.values), point) is not False:
            return False
    return True


def _refute(claim: Claim, inst: Instance, goal: Goal, q: ExpQuery, model) -> Optional[Outcome]:
    for cand in candidates(q, model):
        point = {v: sp.Rational(f.numerator, f.denominator) for v, f in cand.items()}
        full = dict(point)
        for s, e in inst.solved.items():
            full[s] = e.xreplace(point)
        if not _conditions_exact(inst, full) or fails_exactly(goal, full) is not True:
            continue
        if recheck(claim, inst.values, full):
            return Outcome(Verdict.REFUTED, method=REFUTED_METHOD,
                           witness=witness(claim, inst, full))
    return None


def recheck(claim: Claim, values: dict, point: dict) -> bool:
    """The claim translated again from its syntax tree: at point every
    hypothesis holds exactly, none is undefined, and some goal fails exactly."""
    inst = make_instance(claim, values)
    tr = ToSympy(inst.env)
    for hyp in claim.hypotheses:
        add_hypothesis(hyp, tr, inst)
    if inst.vacuous:
        return False
    goals = goals_of(claim.body, tr, inst)
    named = {s.name: v for s, v in point.items()}
    concrete = {s: named[s.name] for s in all_symbols(inst) if s.name in named}
    if len(concrete) != len(all_symbols(inst)) or not _conditions_exact(inst, concrete):
        return False
    if any(fails_exactly(Goal(s, e, "=", values), concrete) is not False for s, e in inst.solved.items()):
        return False  # an equation hypothesis, solved for s, must hold exactly at the point
    if outside_domain(claim, inst.env, concrete):
        return False
    return any(fails_exactly(g, concrete) is True for g in goals)
