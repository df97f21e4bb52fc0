"""Exact derivatives and determinants for the audit, by the textbook rules.

Derivatives are built without SymPy's canonicalisation (which is what makes
`sp.diff` slow on softmax-like trees) and without anything from the backends:
sum, product, power and chain rules, one function per outer SymPy function
(`OUTER`).  A kink differentiates to its one-sided rule; the translation puts
the condition that keeps points off the breakpoint on the atom, so a point at a
kink is skipped, never judged.  Determinants are Laplace expansions (sizes in
the audit are small).
"""

from __future__ import annotations

from typing import Optional

import sympy as sp

from prove.audit.values import NotAudited

def det(rows) -> sp.Basic:
    """Laplace expansion along the first row (sizes here are small)."""
    n = len(rows)
    if n > 6:
        raise NotAudited("det of a matrix larger than 6x6")
    if n == 1:
        return rows[0][0]
    terms = []
    for j in range(n):
        minor = tuple(row[:j] + row[j + 1:] for row in rows[1:])
        term = sp.Mul(rows[0][j], det(minor))
        terms.append(term if j % 2 == 0 else -term)
    return sp.Add(*terms)


def cofactor(rows, i: int, j: int) -> sp.Basic:
    """(-1)^(i+j) times the minor without row i and column j."""
    if len(rows) == 1:
        return sp.Integer(1)
    minor = tuple(row[:j] + row[j + 1:] for k, row in enumerate(rows) if k != i)
    d = det(minor)
    return d if (i + j) % 2 == 0 else -d


_ZERO, _ONE = sp.Integer(0), sp.Integer(1)


def derivative(e, x, memo: dict):
    """d e / d x by the textbook rules, built without SymPy's canonicalisation
    (which is what makes `sp.diff` slow on softmax-like trees).  Kinks
    differentiate to their one-sided rule; the atoms carry the conditions that
    keep points off the breakpoints."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    if e.is_Symbol:
        r = _ONE if e == x else _ZERO
    elif e.is_Number or e.is_NumberSymbol:
        r = _ZERO
    elif e.is_Add:
        parts = [derivative(a, x, memo) for a in e.args]
        parts = [p for p in parts if p is not _ZERO]
        r = _ZERO if not parts else parts[0] if len(parts) == 1 else sp.Add(*parts, evaluate=False)
    elif e.is_Mul:
        terms = []
        for i, a in enumerate(e.args):
            da = derivative(a, x, memo)
            if da is _ZERO:
                continue
            others = e.args[:i] + e.args[i + 1:]
            factors = [o for o in others if o is not _ONE]
            if da is not _ONE:
                factors.append(da)
            terms.append(factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)
                         if factors else _ONE)
        r = _ZERO if not terms else terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
    elif e.is_Pow:
        b, k = e.args
        db, dk = derivative(b, x, memo), derivative(k, x, memo)
        if dk is _ZERO:
            k1 = sp.Rational(k.p - k.q, k.q) if k.is_Rational else k - 1
            # b^0 and 0 * b^-1 would make a polynomial's derivative undefined at b = 0.
            power = _ONE if k1 == 0 else b if k1 == 1 else sp.Pow(b, k1, evaluate=False)
            r = _ZERO if db is _ZERO or k == 0 else sp.Mul(k, power, db, evaluate=False)
        else:
            r = sp.Mul(e, sp.Add(sp.Mul(dk, sp.log(b), evaluate=False),
                                 sp.Mul(k, db, sp.Pow(b, -1, evaluate=False), evaluate=False),
                                 evaluate=False), evaluate=False)
    else:
        r = _chain(e, x, memo)
    memo[e] = r
    return r


def _chain(e, x, memo: dict):
    f = e.func
    if f in (sp.Max, sp.Min):
        a, b = e.args if len(e.args) == 2 else (None, None)
        if a is None:
            raise NotAudited("a derivative of max or min of more than two terms")
        da, db = derivative(a, x, memo), derivative(b, x, memo)
        first, second = (sp.Heaviside(a - b), sp.Heaviside(b - a)) if f is sp.Max else (
            sp.Heaviside(b - a), sp.Heaviside(a - b))
        return sp.Add(sp.Mul(first, da, evaluate=False), sp.Mul(second, db, evaluate=False), evaluate=False)
    if len(e.args) != 1:
        raise NotAudited(f"a derivative of {f}")
    u = e.args[0]
    du = derivative(u, x, memo)
    if du is _ZERO or f in (sp.sign, sp.Heaviside):
        return _ZERO
    outer = OUTER.get(f)
    if outer is None:
        raise NotAudited(f"a derivative of {f}")
    return sp.Mul(outer(u, e), du, evaluate=False)


OUTER = {
    sp.exp: lambda u, e: e,
    sp.log: lambda u, e: sp.Pow(u, -1, evaluate=False),
    sp.sin: lambda u, e: sp.cos(u),
    sp.cos: lambda u, e: -sp.sin(u),
    sp.tan: lambda u, e: 1 + e ** 2,
    sp.tanh: lambda u, e: 1 - e ** 2,
    sp.sinh: lambda u, e: sp.cosh(u),
    sp.cosh: lambda u, e: sp.sinh(u),
    sp.erf: lambda u, e: 2 / sp.sqrt(sp.pi) * sp.exp(-u ** 2),
    sp.Abs: lambda u, e: sp.sign(u),
}


def diff(e, x, k: int = 1, memos: Optional[dict] = None):
    memos = {} if memos is None else memos
    memo = memos.setdefault(x, {})
    for _ in range(k):
        e = derivative(e, x, memo)
    return e
