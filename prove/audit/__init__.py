"""An independent audit of every `proved` and `verified` verdict.

Before such a verdict is reported, the claim as written (its elaborated
syntax tree: variables, `where` hypotheses and body; never the form a
backend rewrote, never a hint) is translated again by this package's own
evaluator (`translate`, which imports nothing from the backends) and
evaluated at seeded pseudo-random points that the refutation search does not
use: rationals p/q with q up to 10^4, of both signs, magnitudes from 1e-3 to
1e3.  Sizes `n >= 1` are instantiated at a few concrete sizes (inside the
bound of a `verified` verdict), index variables at all or a sample of their
values, abstract functions `f: R^k -> R^m` at concrete smooth functions
(polynomials, sin, exp with rational coefficients), and polynomial families
in one variable at sparse and random members with their critical points
among the points.  Graph claims go to `prove.audit.graphs`.

Soundness: a refutation is reported only when the claim fails at a point by
certified evaluation (intervals or exact arithmetic, see `numeric`) and the
failure is confirmed a second time by exact substitution and strict `evalf`
alone.  A point where a side is undefined or a hypothesis fails is skipped;
one whose value cannot be certified makes the finding `uncertain`.  What the
audit cannot evaluate (predicates of functions of several variables or of
non-polynomial functions, quantifiers inside a claim) is `not_applicable`,
never a refutation.  The seed is a hash of the claim's syntax tree, so two
runs evaluate the same points.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Optional

import sympy as sp
from sympy.core.parameters import evaluate as sympy_evaluate

from prove import ast as A
from prove.backends.base import Deadline
from prove import sorts as S
from prove.audit import evaluate as E
from prove.audit import numeric as N
from prove.audit.calculus import derivative
from prove.audit.translate import AuditTranslator
from prove.audit.values import Atom, Conn, Const, ConcreteFunction, MatrixValue, NotAudited, VectorValue


@dataclass(frozen=True)
class Finding:
    status: str  # "agrees" | "refuted" | "uncertain" | "not_applicable" | "failed" (a bug of the audit)
    witness: Optional[dict] = None  # name -> value in the claim language, as Outcome.witness
    reason: str = ""
    points: int = 0  # how many points / instances were evaluated


MAX_INSTANCES = 12
ANALYSIS_INSTANCES = 15


def seed_of(claim) -> int:
    text = f"{claim.name}\n{claim.decl.body!r}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


# ------------------------------------------------------------------ sampling


def random_rational(rng: random.Random, moderate: bool = False) -> sp.Rational:
    exponent = rng.uniform(-1, 1) if moderate else rng.uniform(-3, 3)
    q = rng.randint(2, 10 ** 4)
    p = max(1, round(10 ** exponent * q))
    if math.gcd(p, q) == q:  # keep the denominator non-trivial
        p += 1
    return sp.Rational(-p if rng.random() < 0.5 else p, q)


_COEFFS = [Fraction(1), Fraction(-1), Fraction(2), Fraction(-2), Fraction(1, 2), Fraction(-1, 2),
           Fraction(3), Fraction(-1, 3), Fraction(3, 2), Fraction(-2, 3)]


def _term_text(coef: Fraction, body: str, first: bool) -> str:
    sign = "-" if coef < 0 else ("" if first else "+")
    mag = -coef if coef < 0 else coef
    core = body if mag == 1 and body else (f"{mag}*{body}" if body else str(mag))
    return (sign + core) if first else f" {sign} {core}"


def _component(rng: random.Random, xs: list, names: list, style: int) -> tuple:
    """One smooth component: a polynomial (style 0) or with sin and exp (style 1)."""
    k = len(xs)
    a, b = rng.randrange(k), rng.randrange(k)
    terms = [(rng.choice(_COEFFS), "", sp.Integer(1))]
    for i in range(k):
        terms.append((rng.choice(_COEFFS), names[i], xs[i]))
    if style == 0:
        terms.append((rng.choice(_COEFFS), f"{names[a]}*{names[b]}", xs[a] * xs[b]))
        terms.append((rng.choice(_COEFFS), f"{names[a]}^3", xs[a] ** 3))
    else:
        inner_c = [rng.choice(_COEFFS) for _ in range(k)]
        inner_t = "".join(_term_text(c, names[i], i == 0) for i, c in enumerate(inner_c))
        inner = sp.Add(*[sp.Rational(c.numerator, c.denominator) * xs[i] for i, c in enumerate(inner_c)])
        terms.append((rng.choice(_COEFFS), f"sin({inner_t})", sp.sin(inner)))
        terms.append((rng.choice(_COEFFS), f"exp({names[b]}/4)", sp.exp(xs[b] / 4)))
        terms.append((rng.choice(_COEFFS), f"{names[a]}^2", xs[a] ** 2))
    text = "".join(_term_text(c, t, i == 0) for i, (c, t, _) in enumerate(terms))
    expr = sp.Add(*[sp.Rational(c.numerator, c.denominator) * e for c, _, e in terms])
    return expr, text


def _dim(d, sizes: dict) -> int:
    if isinstance(d, int):
        return d
    if d in sizes:
        return sizes[d]
    raise NotAudited(f"the size {d}")


def abstract_function(rng: random.Random, name: str, sort: S.Fun, sizes: dict, style: int) -> ConcreteFunction:
    k = 1 if S.is_number(sort.source) else _dim(sort.source.dim, sizes) if isinstance(sort.source, S.Vec) else None
    if k is None:
        raise NotAudited(f"{name} takes a matrix")
    names = ["x"] if k == 1 else [f"x{i + 1}" for i in range(k)]
    xs = [sp.Dummy(n, real=True) for n in names]
    target = sort.target
    if S.is_number(target):
        body, text = _component(rng, xs, names, style)
    elif isinstance(target, S.Vec):
        parts = [_component(rng, xs, names, style) for _ in range(_dim(target.dim, sizes))]
        body, text = VectorValue(tuple(p[0] for p in parts)), "[" + ", ".join(p[1] for p in parts) + "]"
    elif isinstance(target, S.Mat):
        r, c = _dim(target.rows, sizes), _dim(target.cols, sizes)
        parts = [[_component(rng, xs, names, style) for _ in range(c)] for _ in range(r)]
        body = MatrixValue(tuple(tuple(p[0] for p in row) for row in parts))
        text = "[" + ", ".join("[" + ", ".join(p[1] for p in row) + "]" for row in parts) + "]"
    else:
        raise NotAudited(f"{name} has values that are not numbers")
    return ConcreteFunction(tuple(xs), body, (), f"{name}({', '.join(names)}) = {text}")


# Coefficients, constant first: -w^2, w^3, w^4, -w^4, w, w^2, -w^3, 1, w^3 - 3w (a local minimum
# that is not global), w^4 - 2w^2 (a local maximum between two minima), 3w^4 - 4w^3 - 12w^2
# (two local minima of different heights).
SPARSE = [(0, 0, -1), (0, 0, 0, 1), (0, 0, 0, 0, 1), (0, 0, 0, 0, -1), (0, 1), (0, 0, 1), (0, 0, 0, -1), (1,),
          (0, -3, 0, 1), (0, 0, -2, 0, 1), (0, 0, -12, -4, 3)]


def _poly_text(coeffs, var: str) -> str:
    parts = []
    for k in range(len(coeffs) - 1, -1, -1):
        c = Fraction(coeffs[k])
        if c == 0:
            continue
        mono = "" if k == 0 else (var if k == 1 else f"{var}^{k}")
        parts.append(_term_text(c, mono, not parts))
    return "".join(parts) or "0"


def poly_functions(rng: random.Random, name: str, var: str, degree: int, exact: bool) -> list:
    """Members of poly(var, degree <= d): sparse ones first, then random ones."""
    chosen = [c for c in SPARSE if (len(c) - 1 == degree if exact else len(c) - 1 <= degree)]
    for _ in range(4):
        coeffs = [rng.randint(-3, 3) for _ in range(degree + 1)]
        if exact and coeffs[-1] == 0:
            coeffs[-1] = rng.choice((-2, -1, 1, 2))
        chosen.append(tuple(coeffs))
    u = sp.Dummy(var, real=True)
    out = []
    for coeffs in chosen:
        body = sp.Add(*[sp.Integer(c) * u ** k for k, c in enumerate(coeffs)])
        out.append(ConcreteFunction((u,), body, (), f"{name}({var}) = {_poly_text(coeffs, var)}"))
    return out


def _family(var) -> tuple:
    """(family variable's name, degree, exact) of `g in poly(w, degree <= d)`."""
    dom = var.domain
    call = dom.expr if isinstance(dom, A.SetDomain) else None
    if not (isinstance(call, A.Call) and isinstance(call.func, A.Name) and call.func.id == "poly"
            and len(call.args) == 2 and isinstance(call.args[0], A.Name)):
        raise NotAudited("a polynomial family in several variables")
    cmp = call.args[1]
    return call.args[0].id, int(cmp.operands[1].value), cmp.ops == ("=",)


# ------------------------------------------------------------------ the plan


def _bound_ranges(bound: Optional[str]) -> dict:
    """`n = 1..8`, `m, n = 1..4` in a verdict's bound -> {name: (low, high)}."""
    out = {}
    for names, low, high in re.findall(r"([A-Za-z_][\w, ]*?)\s*=\s*(-?\d+)\.\.(-?\d+)", bound or ""):
        for n in names.split(","):
            out[n.strip()] = (int(low), int(high))
    return out


def _size_choices(var, covered: Optional[tuple]) -> list:
    op, expr = var.bound
    if not isinstance(expr, A.Num) or expr.value.denominator != 1:
        raise NotAudited(f"the bound of {var.name} is not a whole number")
    k = int(expr.value)
    low, high = {">=": (k, None), ">": (k + 1, None), "<=": (1, k), "<": (1, k - 1),
                 "=": (k, k)}.get(op, (None, None))
    if low is None:
        raise NotAudited(f"the bound {op} of {var.name}")
    low = max(low, 1)
    if covered is not None:
        low, high = max(low, covered[0]), covered[1] if high is None else min(high, covered[1])
    if high is not None and high < low:
        return []
    if covered is None and high is None:
        return [low, low + 1, low + 2, low + 3, low + 5]
    top = high if high is not None else low + 5
    span = list(range(low, top + 1))
    if len(span) <= 5:
        return span
    return sorted({span[0], span[1], span[len(span) // 2], span[-2], span[-1]})


@dataclass
class SampledInstance:
    env: dict  # name -> value for the translator
    symbols: list  # every scalar unknown, in declaration order
    shown: dict  # name -> callable(point values) -> text, for a witness
    special: list  # rationals worth trying (critical points of the functions)


def _instances(claim, rng: random.Random, bound: Optional[str]) -> list:
    covered = _bound_ranges(bound)
    size_vars = [v for v in claim.variables if v.bound is not None and isinstance(v.sort, S.Int)]
    per_var = [_size_choices(v, covered.get(v.name)) for v in size_vars]
    size_sets = [dict(zip((v.name for v in size_vars), combo)) for combo in itertools.product(*per_var)]
    if len(size_sets) > 6:
        size_sets = [size_sets[0]] + rng.sample(size_sets[1:], 5)
    function_vars = [v for v in claim.variables if isinstance(v.sort, S.Fun)]
    out = []
    for sizes in size_sets:
        for indices in _index_choices(claim, sizes, rng):
            for functions in _function_choices(function_vars, sizes, rng):
                out.append(_instance(claim, sizes, indices, functions, rng))
    if claim.family == "analysis":
        return out[:ANALYSIS_INSTANCES]  # the sparse members come first
    if len(out) > MAX_INSTANCES:
        out = [out[0]] + rng.sample(out[1:], MAX_INSTANCES - 1)
    return out


def _index_choices(claim, sizes: dict, rng: random.Random) -> list:
    index_vars = [v for v in claim.variables if isinstance(v.sort, S.Int) and v.bound is None]
    combos = [dict()]
    for v in index_vars:
        grown = []
        for c in combos:
            if isinstance(v.domain, A.Range):
                t = AuditTranslator({**sizes, **c})
                low, high = (t.value(v.domain.low), t.value(v.domain.high))
                if not (isinstance(low, int) or getattr(low, "is_Integer", False)) or not (
                        isinstance(high, int) or getattr(high, "is_Integer", False)):
                    raise NotAudited(f"the range of {v.name}")
                values = range(int(low), int(high) + 1)
            else:
                values = [rng.randint(-5, 5) for _ in range(3)]
            grown.extend({**c, v.name: k} for k in values)
            if len(grown) > 400:
                raise NotAudited("too many index values to choose from")
        combos = grown
    if len(combos) <= 6:
        return combos
    diagonal = [c for c in combos if len(set(c.values())) == 1]
    rest = [c for c in combos if len(set(c.values())) != 1]
    return diagonal[:2] + rng.sample(rest, min(4, len(rest)))


def _function_choices(function_vars, sizes: dict, rng: random.Random) -> list:
    if not function_vars:
        return [dict()]
    options = []
    for v in function_vars:
        if v.sort.family == "poly":
            var, degree, exact = _family(v)
            options.append(poly_functions(rng, v.name, var, degree, exact))
        elif v.sort.family == "abstract":
            options.append([abstract_function(rng, v.name, v.sort, sizes, style) for style in (0, 1)])
        else:
            raise NotAudited(f"the function {v.name}")
    names = [v.name for v in function_vars]
    if len(options) == 1:
        return [{names[0]: f} for f in options[0]]
    combos = [dict(zip(names, fs)) for fs in itertools.product(*options)]
    if len(combos) > ANALYSIS_INSTANCES:
        combos = [combos[0]] + rng.sample(combos[1:], ANALYSIS_INSTANCES - 1)
    return combos


def _show(x) -> str:
    return str(sp.Rational(x))


def _instance(claim, sizes: dict, indices: dict, functions: dict, rng) -> SampledInstance:
    env: dict = {**sizes, **indices}
    symbols: list = []
    shown: dict = {}
    special: list = []
    for v in claim.variables:
        name, sort = v.name, v.sort
        if name in sizes or name in indices:
            shown[name] = (lambda k: lambda vals: str(k))(env[name])
        elif name in functions:
            fn = functions[name]
            env[name] = fn
            shown[name] = (lambda t: lambda vals: t)(fn.text)
            if len(fn.params) == 1 and isinstance(fn.body, sp.Basic) and fn.body.is_polynomial(fn.params[0]):
                poly = sp.Poly(fn.body, fn.params[0])
                if poly.degree() >= 2:
                    special.extend(r for r in poly.diff().ground_roots() if r.is_Rational)
        elif isinstance(sort, S.Real) or (isinstance(sort, S.Int) and v.domain is None):
            s = sp.Dummy(name, real=True)
            env[name] = s
            symbols.append(s)
            shown[name] = (lambda s: lambda vals: _show(vals[s]))(s)
        elif isinstance(sort, S.Vec):
            xs = tuple(sp.Dummy(f"{name}{i + 1}", real=True) for i in range(_dim(sort.dim, sizes)))
            env[name] = VectorValue(xs)
            symbols.extend(xs)
            shown[name] = (lambda xs: lambda vals: "[" + ", ".join(_show(vals[x]) for x in xs) + "]")(xs)
        elif isinstance(sort, S.Mat):
            r, c = _dim(sort.rows, sizes), _dim(sort.cols, sizes)
            rows = tuple(tuple(sp.Dummy(f"{name}{i + 1}{j + 1}", real=True) for j in range(c)) for i in range(r))
            env[name] = MatrixValue(rows)
            symbols.extend(x for row in rows for x in row)
            shown[name] = (lambda rows: lambda vals: "[" + ", ".join(
                "[" + ", ".join(_show(vals[x]) for x in row) + "]" for row in rows) + "]")(rows)
        else:
            raise NotAudited(f"{name} is {sort}")
    return SampledInstance(env, symbols, shown, sorted(set([sp.Integer(0)] + special)))


# ---------------------------------------------------------- formulas to check


@dataclass
class InstanceGoal:
    hypotheses: list  # formulas
    body: object  # formula
    equations: list  # (symbol, expr = 0) to solve for, in order


def _goal(claim, inst: SampledInstance) -> InstanceGoal:
    t = AuditTranslator(inst.env)
    # Unevaluated construction: fast, and `x/x` stays x/x with its condition x != 0.
    with sympy_evaluate(False):
        hyps = [t.formula(h, "a hypothesis") for h in claim.hypotheses]
        body = _calc(t, claim.body) if isinstance(claim.body, A.Calc) else t.formula(claim.body)
    return InstanceGoal(hyps, body, _equations(hyps, inst.symbols))


def _calc(t: AuditTranslator, calc: A.Calc):
    prev_value, prev_conds = _with_conds(t, calc.first)
    first = (prev_value, prev_conds)
    atoms, rels, extra = [], [], []
    for step in calc.steps:
        if isinstance(step, A.CalcWhere):
            value, conds = _with_conds(t, step.expr)
            t.env[step.name] = value  # an abbreviation, for the lines after it only
            extra.extend(conds)
            continue
        value, conds = _with_conds(t, step.rhs)
        conds = tuple(conds) + tuple(extra)
        atoms.append(_relation(t, step.rel, prev_value, value, prev_conds + conds,
                               f"the step at line {step.span.line}"))
        rels.append(step.rel)
        prev_value, prev_conds = value, conds
    whole = _chain_relation(rels)
    if whole and len(atoms) > 1:
        atoms.append(_relation(t, whole, first[0], prev_value, first[1] + prev_conds,
                               "the chain from its first line to its last"))
    return Conn("and", tuple(atoms))


def _with_conds(t: AuditTranslator, e) -> tuple:
    saved, t.conds = t.conds, []
    value = t.value(e)
    conds, t.conds = tuple(t.conds), saved
    return value, conds


def _relation(t: AuditTranslator, op: str, a, b, conds, label: str):
    xs, ys = t._sides(a, b)
    return Atom(tuple((op, x, y) for x, y in zip(xs, ys)), tuple(conds), label)


def _chain_relation(rels: list) -> Optional[str]:
    strict = any(r in ("<", ">") for r in rels)
    ups = {r for r in rels if r in ("<", "<=")}
    downs = {r for r in rels if r in (">", ">=")}
    if any(r not in ("=", "<", "<=", ">", ">=") for r in rels) or (ups and downs):
        return None
    if ups:
        return "<" if strict else "<="
    if downs:
        return ">" if strict else ">="
    return "="


def _atoms(f):
    if isinstance(f, Atom):
        yield f
    elif isinstance(f, Conn) and f.kind == "and":
        for p in f.parts:
            yield from _atoms(p)


def _equations(hyps: list, symbols: list) -> list:
    """Equation hypotheses solved for one unknown each (linear in it), so that
    sampled points satisfy them: [(symbol, its coefficient, the rest)]."""
    order = {s: i for i, s in enumerate(symbols)}
    used: set = set()
    seen: set = set()
    out = []
    for h in hyps:
        for atom in _atoms(h):
            if atom.any_ne:
                continue
            for op, a, b in atom.pairs:
                if op != "=":
                    continue
                d = a - b
                free = [s for s in d.free_symbols if s in order]
                candidates = []
                for s in free:
                    if s in used or s in seen:
                        continue
                    coef = derivative(d, s, {})
                    if s not in coef.free_symbols:
                        candidates.append((order[s], s, coef))
                seen.update(free)
                if candidates:
                    _, s, coef = max(candidates, key=lambda c: c[0])
                    used.add(s)
                    out.append((s, coef, d.xreplace({s: sp.Integer(0)})))
    return out


# ----------------------------------------------------------------- the search


def _solve(goal: InstanceGoal, values: dict) -> bool:
    """Fix each solved unknown so that its equation holds exactly; False if one cannot."""
    for s, coef, rest in goal.equations:
        c, r = coef.xreplace(values), rest.xreplace(values)
        if not (c.is_Rational and r.is_Rational) or c == 0:
            return False
        values[s] = -r / c
    return True


def _point(inst: SampledInstance, goal: InstanceGoal, rng: random.Random, k: int) -> dict:
    solved = {s for s, _, _ in goal.equations}
    values = {}
    for j, s in enumerate(inst.symbols):
        if s in solved:
            values[s] = sp.Integer(0)
        elif k < len(inst.special):
            values[s] = inst.special[(k + j) % len(inst.special)]
        else:
            values[s] = random_rational(rng, moderate=k % 3 == 0)
    return values


def _evaluate(goal: InstanceGoal, values: dict, exact_only: bool = False):
    pt = E.Point(values, exact_only)
    for h in goal.hypotheses:
        r = E.holds(h, pt)
        if r is not True:
            return "skip" if r in (False, E.UNDEFINED) else E.UNCERTAIN, pt
    return E.holds(goal.body, pt), pt


def _reason(goal: InstanceGoal, pt: E.Point) -> str:
    bad = E.failing_atom(goal.body, pt)
    where = f" ({bad.label})" if getattr(bad, "label", "") and bad.label != "a hypothesis" else ""
    if isinstance(bad, Atom) and len(bad.pairs) == 1:
        op, a, b = bad.pairs[0]
        return (f"the left side is about {N.approx(a, pt.values)} and the right side about "
                f"{N.approx(b, pt.values)}{where}")
    if isinstance(bad, Atom):
        for op, a, b in bad.pairs:
            if pt.compare(op, a, b) is False:
                return (f"an entry of the left side is about {N.approx(a, pt.values)} and of the right side "
                        f"about {N.approx(b, pt.values)}{where}")
    if bad is not None and hasattr(bad, "name"):
        return f"{bad.name}(...) does not hold there"
    return "the claim does not hold there" + where


def examine(claim, *, points: int = 12, deadline: Optional[Deadline] = None,
            bound: Optional[str] = None) -> Finding:
    """Evaluate the claim as written at seeded points; see the module docstring."""
    rng = random.Random(seed_of(claim))
    try:
        if claim.family == "graph":
            from prove.audit import graphs

            return graphs.examine(claim, rng, deadline)
        return _examine(claim, points, deadline, bound, rng)
    except NotAudited as exc:
        return Finding("not_applicable", reason=str(exc))
    except RecursionError:
        return Finding("not_applicable", reason="the claim is too deeply nested")
    except Exception as exc:  # a bug of the audit: the verdict cannot be said audited
        return Finding("failed", reason=f"the audit failed: {type(exc).__name__}: {exc}")


def _examine(claim, points: int, deadline, bound, rng) -> Finding:
    instances = _instances(claim, rng, bound)
    if not instances:
        return Finding("not_applicable", reason="no size inside the verdict's bound")
    agree = skipped = undefined = 0
    uncertain = ""
    analysis = claim.family == "analysis"
    for inst in instances:
        goal = _goal(claim, inst)
        if any(isinstance(h, Const) and not h.value for h in goal.hypotheses):
            continue
        if not inst.symbols:
            per, tries = 1, 1
        else:
            per = max(2, min(3, len(inst.special))) if analysis else max(2, math.ceil(points / len(instances)))
            if _pairs(goal.body) > 8:  # a vector or matrix claim: each point checks every entry
                per = max(2, per // 2)
            tries = 4 * per
        done = 0
        for k in range(tries):
            if done >= per:
                break
            if deadline is not None and deadline.passed():
                return _finish(agree, skipped, undefined, uncertain, timed_out=True)
            values = _point(inst, goal, rng, k)
            if not _solve(goal, values):
                skipped += 1
                continue
            try:
                result, pt = _evaluate(goal, values)
            except N.TooLarge:
                continue
            if result == "skip":
                skipped += 1
            elif result == E.UNDEFINED:
                undefined += 1
            elif result == E.UNCERTAIN:
                uncertain = uncertain or _where(inst, values)
            elif result is True:
                agree += 1
                done += 1
            else:
                confirmed = _confirm(goal, values)
                if confirmed:
                    witness = {name: show(values) for name, show in inst.shown.items()}
                    return Finding("refuted", witness=witness, reason=_reason(goal, pt), points=agree + 1)
                uncertain = uncertain or _where(inst, values)
    return _finish(agree, skipped, undefined, uncertain)


def _pairs(f) -> int:
    if isinstance(f, Atom):
        return len(f.pairs)
    if isinstance(f, Conn):
        return sum(_pairs(p) for p in f.parts)
    return 1


def _confirm(goal: InstanceGoal, values: dict) -> bool:
    """The failure again, by exact substitution and strict evalf only."""
    try:
        result, _ = _evaluate(goal, values, exact_only=True)
    except N.TooLarge:
        return False
    return result is False


def _where(inst: SampledInstance, values: dict) -> str:
    return ", ".join(f"{name} = {show(values)}" if not show(values).startswith(f"{name}(") else show(values)
                     for name, show in inst.shown.items())


def _finish(agree: int, skipped: int, undefined: int, uncertain: str, timed_out: bool = False) -> Finding:
    if uncertain:
        return Finding("uncertain", points=agree,
                       reason=f"the claim could not be evaluated with certainty at {uncertain}")
    if timed_out:
        return Finding("agrees" if agree else "not_applicable", points=agree, reason="incomplete (time)")
    if agree:
        return Finding("agrees", points=agree)
    if skipped:
        return Finding("not_applicable", reason="no sampled point satisfies the hypotheses")
    if undefined:
        return Finding("not_applicable", reason="a side is undefined at every sampled point")
    return Finding("not_applicable", reason="nothing to evaluate")


# ------------------------------------------------------------------ the verdict


def describe(finding: Finding) -> str:
    """The audit's note for a method line."""
    if finding.status == "agrees":
        if finding.reason.startswith("incomplete"):
            return f"audit: incomplete (time, {finding.points} points agree)"
        n = finding.points
        if finding.reason == "graphs agree":
            return f"audit: {n} random graphs agree"
        if finding.reason == "evaluation agrees":
            return "audit: direct evaluation agrees"
        return "audit: 1 point agrees" if n == 1 else f"audit: {n} points agree"
    if finding.status == "not_applicable":
        return f"audit: not applicable ({finding.reason})"
    return f"audit: {finding.status}"


def audit(claim, outcome, limits, *, deadline: Optional[Deadline] = None):
    """A `proved` or `verified` outcome after the audit; other outcomes unchanged.
    Without a deadline the audit takes a quarter of the claim's time limit."""
    from prove.verdict import Outcome, Verdict

    if outcome.verdict not in (Verdict.PROVED, Verdict.VERIFIED):
        return outcome
    if deadline is None:
        deadline = limits.deadline(share=0.25)
    finding = examine(claim, deadline=deadline, bound=outcome.bound)
    said = outcome.verdict.value
    if finding.status == "refuted":
        return Outcome(Verdict.REFUTED, method=f"audit: certified evaluation at a seeded point "
                                                f"(the backend said {said}: {outcome.method})",
                       witness=finding.witness,
                       reason=f"{finding.reason}; the backend's `{said}` was wrong, please report it",
                       steps=outcome.steps)
    if finding.status == "failed":
        return replace(Outcome.internal_error(f"the backend said {said}, and {finding.reason}"),
                       method=f"{outcome.method}; audit: failed", steps=outcome.steps)
    if finding.status == "uncertain":
        return Outcome(Verdict.UNKNOWN, method=f"{outcome.method}; audit: uncertain",
                       reason=f"the backend said {said}, but the independent audit could not confirm it: "
                              f"{finding.reason}", steps=outcome.steps)
    return replace(outcome, method=f"{outcome.method}; {describe(finding)}")
