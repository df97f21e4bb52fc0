"""Names the prover makes for itself, which no claim can spell.

A SymPy `Symbol('f_d1')` is the same symbol as a user's `f_d1`, a
`Function('r1')` the same function as a user's `r1`, and a Z3 `Real('g_c1')`
the same constant as any other `Real('g_c1')`.  So every atom a backend
invents (derivative atoms, vector components, point coordinates, family
coefficients, summation indices) is named here, with a `#` that the grammar
never lets into a name (NAME is `[A-Za-z_][A-Za-z_0-9]*'*`).
"""

from __future__ import annotations

import re

MARK = "#"
_USER_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*'*\Z")


def name(base: str, *parts: object) -> str:
    """An internal name: `name('f', 'd', 1)` is `f#d1`; never a user's name."""
    text = f"{base}{MARK}{''.join(str(p) for p in parts)}"
    assert not _USER_NAME.match(text)
    return text


def is_internal(text: str) -> bool:
    return MARK in text


def symbol(base: str, *parts: object, **assumptions):
    import sympy as sp

    return sp.Symbol(name(base, *parts), **assumptions)


def function(base: str, *parts: object, **assumptions):
    import sympy as sp

    return sp.Function(name(base, *parts), **assumptions)


def real(base: str, *parts: object):
    import z3

    return z3.Real(name(base, *parts))
