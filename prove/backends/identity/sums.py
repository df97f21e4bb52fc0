"""Sums over symbolic index ranges, in a normal form, for the symbolic route.

The objects: `SVec`, a vector of symbolic length given by its entries;
`Context`, the declared ranges of the index symbols, the bounds of the
dimensions, index facts (i != j) and sums the hypotheses give values.  The
normal form (`normalise`) settles sums of `KroneckerDelta` and `Piecewise`
residues by the declared ranges, factors out of every sum what does not
depend on its index and names summation indices canonically, so that equal
sums are equal atoms.  `zero_in_every_case` then reduces a difference to 0,
with exact rewriting, once for every way its free indices can coincide.

Soundness: a delta or a Piecewise branch is settled only when the ranges
decide it (`_known`, `at_least`: each step a true lower bound), else the
route gives up (`NotSymbolic`); SymPy's Sum over b < a - 1 is minus a sum
(Karr), so a sum whose range may be empty is refused by the translation and
adjacent ranges are joined only where both were shown non-empty; the sums
left are opaque atoms, and a difference that is 0 for independent values of
them is 0 at their actual values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Optional

import sympy as sp

from prove.backends.base import CannotDecide
from prove.backends import internal
from prove.backends.identity.exact import rewrites_to_zero


class NotSymbolic(CannotDecide):
    """This claim is outside what the symbolic route takes (the reason says why)."""


@dataclass(frozen=True)
class SVec:
    """A vector of symbolic length: `entry(k)` is its k-th entry (1-based)."""

    dim: object  # a SymPy integer or the dimension's symbol
    entry: Callable


@dataclass
class Context:
    dims: dict = field(default_factory=dict)  # dimension name -> Symbol or Integer
    ranges: dict = field(default_factory=dict)  # index Symbol -> (low, high)
    dim_bounds: dict = field(default_factory=dict)  # dimension Symbol -> (low, high or None)
    env: dict = field(default_factory=dict)  # name -> value
    distinct: list = field(default_factory=list)  # pairs of index symbols known to differ
    equal: list = field(default_factory=list)  # pairs known to be equal
    sum_subs: dict = field(default_factory=dict)  # normalised Sum -> value, from hypotheses
    counter: itertools.count = field(default_factory=itertools.count)

    def fresh_index(self, dim, low=sp.Integer(1)) -> sp.Symbol:
        k = internal.symbol("k", next(self.counter), integer=True)
        self.ranges[k] = (low, dim)
        return k



# ----------------------------------------------------------- normal form


def _known(rel, ctx: Context) -> Optional[bool]:
    """Decide `a <= b` style conditions from the declared index ranges."""
    if rel in (sp.true, True):
        return True
    if rel in (sp.false, False):
        return False
    if isinstance(rel, sp.And):
        vals = [_known(a, ctx) for a in rel.args]
        return True if all(v is True for v in vals) else (False if any(v is False for v in vals) else None)
    if isinstance(rel, (sp.GreaterThan, sp.LessThan, sp.StrictGreaterThan, sp.StrictLessThan)):
        big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)) else (rel.rhs, rel.lhs)
        gap = sp.expand(big - small)
        strict = isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan))
        need = 1 if strict else 0
        if gap.is_Integer:
            return bool(gap >= need)
        for sym, (low, high) in ctx.ranges.items():
            for d in (sp.expand(gap - (high - sym)), sp.expand(gap - (sym - low))):
                if d.is_Integer and d >= need:
                    return True
        if gap.is_Integer is False:
            return None
    return None


def _bounds_of(s, ctx: Context) -> tuple:
    if s in ctx.ranges:
        return ctx.ranges[s]
    return ctx.dim_bounds.get(s, (None, None))


def at_least(expr, ctx: Context, need: int = 0) -> bool:
    """expr >= need for every value of its integer symbols that the declared
    ranges and dimension bounds allow.  expr must be linear with number
    coefficients; each symbol is replaced by the end of its range that makes
    expr smallest, a symbol no other symbol's range mentions first (an index
    in 1..n before n), which keeps every step a true lower bound."""
    e = sp.expand(expr)
    for _ in range(4 * len(ctx.ranges) + len(ctx.dim_bounds) + 2):
        if e.is_Integer:
            return bool(e >= need)
        syms = sorted(e.free_symbols, key=lambda x: x.name)
        for s in syms:
            others = [b for t in syms if t != s for b in _bounds_of(t, ctx) if b is not None]
            if any(b.has(s) for b in others):
                continue
            coeff = sp.diff(e, s)
            if not coeff.is_Integer or coeff == 0:
                return False
            end = _bounds_of(s, ctx)[0 if coeff > 0 else 1]
            if end is None:
                return False
            e = sp.expand(e.xreplace({s: end}))
            break
        else:
            return False
    return False


def _within(x, low, high, ctx: Context) -> bool:
    """x, an index expression, certainly lies in low..high."""
    if x.is_Integer and low.is_Integer and high.is_Integer:
        return low <= x <= high
    rng = ctx.ranges.get(x)
    if rng is None:
        return False
    lo, hi = rng
    a, b = sp.expand(lo - low), sp.expand(high - hi)
    return bool(a.is_Integer and a >= 0 and b.is_Integer and b >= 0)


def normalise(e, ctx: Context):
    """Settle sums of Kronecker deltas and Piecewise residues, factor out of
    every sum what does not depend on its index, name sums canonically."""
    if isinstance(e, SVec):
        raise NotSymbolic("vector left in a scalar position")
    if not isinstance(e, sp.Basic) or e.is_Atom:
        return e
    if isinstance(e, sp.Sum):
        return _normalise_sum(e, ctx)
    if isinstance(e, sp.Piecewise):
        for expr, cond in e.args:
            known = _known(cond, ctx)
            if known is True:
                return normalise(expr, ctx)
            if known is None:
                raise NotSymbolic("a Piecewise condition is not settled by the declared ranges")
        raise NotSymbolic("no branch of a Piecewise applies")
    if isinstance(e, sp.Derivative):
        return normalise(e.doit(), ctx) if not isinstance(e.doit(), sp.Derivative) else e
    args = [normalise(a, ctx) for a in e.args]
    out = e.func(*args)
    if isinstance(out, sp.log):
        out = split_log(out)
    return out


def split_log(e):
    """log(exp(a) * rest) = a + log(rest) for real a: exp(a) > 0 never moves the branch."""
    if not isinstance(e, sp.log):
        return e
    arg = e.args[0]
    factors = sp.Mul.make_args(arg)
    out_terms, rest = [], []
    for f in factors:
        if isinstance(f, sp.exp) and f.args[0].is_real:
            out_terms.append(f.args[0])
        elif isinstance(f, sp.Pow) and isinstance(f.base, sp.exp) and f.exp.is_Integer and f.base.args[0].is_real:
            out_terms.append(f.exp * f.base.args[0])
        else:
            rest.append(f)
    if not out_terms:
        return e
    return sp.Add(*out_terms) + sp.log(sp.Mul(*rest))


def _normalise_sum(e: sp.Sum, ctx: Context):
    if len(e.limits) != 1:
        raise NotSymbolic("multiple sums at once are not taken by the symbolic route")
    k, low, high = e.limits[0]
    ctx.ranges.setdefault(k, (low, high))
    term = normalise(e.function, ctx)
    total = sp.Integer(0)
    for t in sp.Add.make_args(sp.expand(term)):
        indep, dep = [], []
        for f in sp.Mul.make_args(t):
            (dep if k in f.free_symbols else indep).append(f)
        outside = sp.Mul(*indep)
        inside = sp.Mul(*dep)
        if not dep:
            total += outside * (high - low + 1)
            continue
        delta = _delta_on(inside, k)
        if delta is not None:
            factor, other = delta
            if _within(other, low, high, ctx):
                total += outside * normalise(factor.xreplace({k: other}), ctx)
                continue
        level = 1 + max([_level(s) for s in inside.atoms(sp.Symbol)] + [-1])
        canon = internal.symbol("s", level, integer=True)
        total += outside * sp.Sum(inside.xreplace({k: canon}), (canon, low, high))
    return total


def _level(s: sp.Symbol) -> int:
    """n for the canonical summation index `s#n`, else -1."""
    return int(s.name[2:]) if s.name.startswith("s" + internal.MARK) else -1


def _summation_index(s: sp.Symbol) -> bool:
    return s.name.startswith(("s" + internal.MARK, "k" + internal.MARK))


def _delta_on(inside, k):
    """inside = factor * KroneckerDelta(k, other)^m: return (factor, other)."""
    for f in sp.Mul.make_args(inside):
        base = f.base if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp > 0 else f
        if isinstance(base, sp.KroneckerDelta) and k in base.free_symbols:
            a, b = base.args
            other = b if a == k else a if b == k else None
            if other is None or k in other.free_symbols:
                continue
            return inside / f, other
    return None


# ----------------------------------------------------------------- proving


def _index_cases(expr_syms: set, ctx: Context):
    """Every way the index symbols can coincide, as substitutions."""
    syms = sorted((s for s in expr_syms if s in ctx.ranges and not _summation_index(s)),
                  key=lambda s: s.name)
    for blocks in _partitions(syms):
        sub = {}
        cls = {}
        for b in blocks:
            for s in b:
                sub[s] = b[0]
                cls[s] = b[0]
        if any(cls.get(a, a) == cls.get(b, b) for a, b in ctx.distinct):
            continue
        if any(cls.get(a, a) != cls.get(b, b) for a, b in ctx.equal):
            continue
        yield sub, cls


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for p in _partitions(rest):
        yield [[first]] + p
        for i in range(len(p)):
            yield p[:i] + [[first] + p[i]] + p[i + 1:]


def _settle_deltas(e, cls):
    def fix(d):
        a, b = d.args
        ca, cb = cls.get(a, a), cls.get(b, b)
        if ca == cb:
            return sp.Integer(1)
        if ca in cls.values() and cb in cls.values():
            return sp.Integer(0)
        return d
    return e.replace(lambda x: isinstance(x, sp.KroneckerDelta), fix)


def zero_in_every_case(d, ctx: Context) -> bool:
    d = normalise(d, ctx)
    if ctx.sum_subs:
        d = d.xreplace(ctx.sum_subs)
    idx = {s for s in d.free_symbols if isinstance(s, sp.Symbol) and s in ctx.ranges}
    for _, cls in _index_cases(idx, ctx):
        case = _settle_deltas(d.xreplace({s: c for s, c in cls.items()}), cls)
        case = normalise(case, ctx)
        if case.has(sp.KroneckerDelta, sp.Piecewise):
            return False
        if not rewrites_to_zero(_opaque_sums(case)):
            return False
    return True


def _opaque_sums(e):
    """Sums over adjacent ranges of one term joined, then each remaining sum a
    symbol of its own, one per normalised sum.  Sound: a difference that is 0
    for independent values of the sums is 0 at their actual values.  SymPy's
    own sum combining (in `simplify`) raises StopIteration on a product whose
    sum simplified away while another sum divides it."""
    e = e.replace(lambda x: isinstance(x, sp.Add) and x.has(sp.Sum), _join_adjacent)
    outer = [s for s in e.atoms(sp.Sum) if not any(s != t and t.has(s) for t in e.atoms(sp.Sum))]
    return e.xreplace({s: sp.Dummy("S") for s in outer})


def _join_adjacent(add):
    """c*Sum(f, (k, a, b)) + c*Sum(f, (k, b + 1, d)) = c*Sum(f, (k, a, d)): true
    for any a, b, d with SymPy's (Karr) sums, and the joined range is no more
    empty than the two were (each was shown non-negative in length)."""
    terms = list(add.args)
    joined = True
    while joined:
        joined = False
        parts = [_scaled_sum(t) for t in terms]
        for (i, (c, s)), (j, (c2, s2)) in itertools.permutations(enumerate(parts), 2):
            if s is None or s2 is None or s.function != s2.function or s.limits[0][0] != s2.limits[0][0]:
                continue
            (k, low, high), (_, low2, high2) = s.limits[0], s2.limits[0]
            if sp.expand(low2 - high - 1) == 0 and sp.expand(c - c2) == 0:
                terms = [t for n, t in enumerate(terms) if n not in (i, j)] + [c * sp.Sum(s.function, (k, low, high2))]
                joined = True
                break
    return sp.Add(*terms)


def _scaled_sum(term) -> tuple:
    """(c, Sum) when term is c times one single-index sum, else (term, None)."""
    factors = sp.Mul.make_args(term)
    sums = [f for f in factors if isinstance(f, sp.Sum) and len(f.limits) == 1]
    if len(sums) != 1:
        return term, None
    return sp.Mul(*[f for f in factors if f is not sums[0]]), sums[0]
