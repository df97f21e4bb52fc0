"""Symbolic graph values for the Z3 encoding, and fast Z3 Boolean builders.

A graph of a fixed number of nodes is a map from node pairs to Z3 Booleans
(`SGraph`); a set of nodes maps nodes to Booleans (`SSet`); an order maps nodes
to Z3 integers or, once enumerated, to Python ints (`SOrder`); a node is a
plain number (`SNode`).  Counts are `Fraction`s while they are known and Z3
terms once they depend on the edges.

The builders make the same formulas as z3.And / z3.Or / z3.Not, with the
constants folded; nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union

import z3

TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)
_CTX = z3.main_ctx()

# The translation builds many small terms.  z3.And / z3.Or re-check the sort of
# every argument on each call (measured: three quarters of the time of a graph
# claim); these builders make one C call per term, and fold the constants, which
# are kept as the objects TRUE and FALSE throughout (`canon`).


def canon(x):
    """x, with a constant replaced by TRUE or FALSE (so that `is` can test it)."""
    if x is TRUE or x is FALSE:
        return x
    if z3.is_true(x):
        return TRUE
    if z3.is_false(x):
        return FALSE
    return x


def conj(parts):
    """And of parts, which may be a generator: it is not read past a FALSE."""
    return _junction(parts, FALSE, TRUE, z3.Z3_mk_and)


def disj(parts):
    """Or of parts, which may be a generator: it is not read past a TRUE."""
    return _junction(parts, TRUE, FALSE, z3.Z3_mk_or)


def _junction(parts, absorbing, neutral, make):
    """One C call for the whole And/Or (z3.And builds it argument by argument in Python)."""
    args = []
    for p in parts:
        if p is absorbing:
            return absorbing
        if p is not neutral:
            args.append(p)
    if len(args) <= 1:
        return args[0] if args else neutral
    arr = (z3.Ast * len(args))()
    for i, a in enumerate(args):
        arr[i] = a.ast
    return z3.BoolRef(make(_CTX.ref(), len(args), arr), _CTX)


def neg(x):
    if x is TRUE:
        return FALSE
    if x is FALSE:
        return TRUE
    return z3.BoolRef(z3.Z3_mk_not(_CTX.ref(), x.ast), _CTX)


def implies(a, b):
    return disj((neg(a), b))


def const(ok: bool):
    return TRUE if ok else FALSE


@dataclass(eq=False)
class SGraph:
    key: tuple  # structural identity, for caching closures
    nodes: tuple[int, ...]
    E: dict  # (u, v) -> z3 Bool, for every pair of nodes
    next_id: int
    base: bool = False  # a graph variable itself (not G - v, not a literal)

    def edge(self, u: int, v: int):
        return self.E.get((u, v), FALSE)


@dataclass(eq=False)
class SSet:
    nodes: tuple[int, ...]
    mem: dict  # node -> z3 Bool


@dataclass(eq=False)
class SOrder:
    nodes: tuple[int, ...]
    pos: dict  # node -> z3 Int or Python int
    graph_key: tuple = ()
    depth: int = 0  # universal expansions it sits under
    partial: object = None  # a z3 Bool "every node is ordered" when some may have position 0 (a BFS order)


@dataclass(frozen=True)
class SNode:
    id: int


Number = Union[Fraction, z3.ArithRef]


def num(x: Number):
    """A number as a Z3 term."""
    if isinstance(x, Fraction):
        return z3.IntVal(x.numerator) if x.denominator == 1 else z3.RealVal(f"{x.numerator}/{x.denominator}")
    return x


def count(bools) -> Number:
    bools = [b for b in bools if b is not FALSE]
    if not bools:
        return Fraction(0)
    return z3.Sum([z3.If(b, 1, 0) for b in bools])
