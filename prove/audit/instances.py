"""What the audit evaluates a claim at: its seeded plan of instances.

Sizes `n >= 1` are taken at a few concrete values (inside the bound of a
`verified` verdict), index variables at all or a sample of their values,
abstract functions `f: R^k -> R^m` at concrete smooth functions (polynomials,
sin, exp with rational coefficients), polynomial families in one variable at
sparse members (chosen for their extrema) and random ones, and every other
variable becomes a fresh `Dummy` to be given a rational value per point.  Each
instance keeps how to print its values in the claim language, for a witness.

Independent of the backends: the plan is read from the claim's elaborated
variables alone, and shares no code with any backend's instantiation or
counterexample search; the random choices come from the caller's seeded
generator, so two runs plan the same instances.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.audit.translate import AuditTranslator
from prove.audit.values import ConcreteFunction, MatrixValue, NotAudited, VectorValue
from prove.claim import Family

MAX_INSTANCES = 12
ANALYSIS_INSTANCES = 15


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


def plan(claim, rng: random.Random, bound: Optional[str]) -> list:
    """The instances to evaluate the claim at (at most MAX_INSTANCES; ANALYSIS_INSTANCES for
    analysis claims, sparse polynomial members first)."""
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
    if claim.family is Family.ANALYSIS:
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
