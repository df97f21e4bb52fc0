"""The audit's values and formulas: what a claim becomes before it is evaluated.

Values are exact SymPy scalars (in `Dummy` symbols), vectors and matrices of
them, and concrete functions; formulas are comparisons (`Atom`) that carry the
definedness conditions read from the claim's tree, connectives, constants and
predicates on a function of one variable or on a matrix (`Pred`), decided in
`evaluate`.  Nothing here is shared with the backends, so that the audit stays
an independent reading of the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional, Union

import sympy as sp

class NotAudited(Exception):
    """The claim uses something the audit does not evaluate; the reason says what."""


# ------------------------------------------------------------------- values


@dataclass(frozen=True)
class VectorValue:
    items: tuple


@dataclass(frozen=True)
class MatrixValue:
    rows: tuple  # of tuples

    @property
    def shape(self) -> tuple:
        return len(self.rows), len(self.rows[0])


@dataclass(frozen=True)
class ConcreteFunction:
    """A concrete function: params are Dummies, body a scalar, VectorValue or MatrixValue in them."""

    params: tuple
    body: object
    conds: tuple = ()
    text: str = ""  # its definition in the claim language, for a witness

    def apply(self, args: list) -> tuple:
        if len(args) == 1 and isinstance(args[0], VectorValue) and len(self.params) > 1:
            args = list(args[0].items)
        if len(args) != len(self.params) or not all(isinstance(a, sp.Basic) for a in args):
            raise NotAudited("a function applied to arguments of another shape")
        mapping = dict(zip(self.params, args))
        return entrywise(self.body, lambda e: e.xreplace(mapping)), tuple(
            (k, e.xreplace(mapping)) for k, e in self.conds)


Value = Union[sp.Basic, VectorValue, MatrixValue, ConcreteFunction, int]


def entrywise(v, f: Callable):
    if isinstance(v, VectorValue):
        return VectorValue(tuple(f(x) for x in v.items))
    if isinstance(v, MatrixValue):
        return MatrixValue(tuple(tuple(f(x) for x in row) for row in v.rows))
    return f(v)


def entries(v) -> list:
    if isinstance(v, VectorValue):
        return list(v.items)
    if isinstance(v, MatrixValue):
        return [x for row in v.rows for x in row]
    return [v]


# ----------------------------------------------------------------- formulas


@dataclass(frozen=True)
class Atom:
    """Comparisons that must all hold (or, with any_ne, one `!=` that must)."""

    pairs: tuple  # (op, a, b) with SymPy scalars
    conds: tuple  # (kind, expr): kind "pos" | "nonneg" | "nonzero"
    label: str = ""
    any_ne: bool = False


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Conn:
    kind: str  # and | or | not | implies | iff
    parts: tuple


@dataclass(frozen=True)
class Pred:
    """A predicate on a function of one variable (or on a matrix), decided exactly."""

    name: str
    fn: Optional[ConcreteFunction]
    point: object
    conds: tuple = ()


Formula = Union[Atom, Const, Conn, Pred]


def as_scalar(v, what: str = "a number"):
    if isinstance(v, bool) or not isinstance(v, (sp.Basic, int)):
        raise NotAudited(f"expected {what}")
    return sp.Integer(v) if isinstance(v, int) else v


def exact_arithmetic(op: str, a, b):
    """Arithmetic on two exact numbers, done at once (construction is unevaluated)."""
    if not all(isinstance(v, int) or (isinstance(v, sp.Basic) and v.is_Rational) for v in (a, b)):
        return None
    x, y = (Fraction(int(v)) if isinstance(v, int) else Fraction(int(v.p), int(v.q)) for v in (a, b))
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/" and y != 0:
        r = x / y
    elif op == "^" and y.denominator == 1 and (x != 0 or y >= 0) and abs(y) <= 64:
        r = x ** int(y)
    else:
        return None
    return sp.Rational(r.numerator, r.denominator)


def as_int(v) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, sp.Basic) and v.is_Integer:
        return int(v)
    raise NotAudited("an index or size that is not a concrete whole number")
