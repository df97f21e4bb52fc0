"""Sorts: what kind of value an expression denotes.

A dimension is an int (`R^3`) or the name of an integer variable (`R^n`).
Vectors are columns; `x^T` is a 1 x n matrix, so `a^T @ x` is a scalar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

Dim = Union[int, str]


class Sort:
    def __str__(self) -> str:  # pragma: no cover - each sort has its own
        return type(self).__name__


@dataclass(frozen=True)
class Real(Sort):
    def __str__(self) -> str:
        return "a real number"


@dataclass(frozen=True)
class Int(Sort):
    """An integer: an index, a dimension, a count."""

    def __str__(self) -> str:
        return "an integer"


@dataclass(frozen=True)
class Bool(Sort):
    def __str__(self) -> str:
        return "a formula"


@dataclass(frozen=True)
class Vec(Sort):
    dim: Dim

    def __str__(self) -> str:
        return f"a vector in R^{self.dim}"


@dataclass(frozen=True)
class Mat(Sort):
    rows: Dim
    cols: Dim

    def __str__(self) -> str:
        return f"a {self.rows}x{self.cols} matrix"


@dataclass(frozen=True)
class Fun(Sort):
    """A function R^k -> R^m (or matrices); `family` is "poly" for a member of
    a polynomial family, "abstract" for any smooth function, "" for a given one.
    A polynomial family's sort keeps what was checked of it: the names of its
    variables and its degree (`degree <= d`, or `= d` when `exact_degree`)."""

    source: Sort
    target: Sort
    family: str = ""
    params: tuple[str, ...] = field(default=(), compare=False)
    degree: Optional[int] = field(default=None, compare=False)
    exact_degree: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"a function {space_name(self.source)} -> {space_name(self.target)}"


@dataclass(frozen=True)
class Graph(Sort):
    """A graph.  A graph variable's sort keeps the node counts it ranges over:
    `low..high`, `low_written` when the claim states the lower end, and
    `loopless` for a family without self-loops (`graphs(nodes <= 6, loopless)`), and `every`
    for bare `graphs`, every finite graph (proved by induction); `high` is None there and
    for `graphs(nodes = n)` inside a claim, whose sizes are read where n has a value."""

    low: int = field(default=1, compare=False)
    high: Optional[int] = field(default=None, compare=False)
    low_written: bool = field(default=False, compare=False)
    loopless: bool = field(default=False, compare=False)
    every: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return "a graph"


@dataclass(frozen=True)
class GraphNode(Sort):
    graph: str

    def __str__(self) -> str:
        return f"a node of {self.graph}"


@dataclass(frozen=True)
class NodeSet(Sort):
    graph: str

    def __str__(self) -> str:
        return f"a set of nodes of {self.graph}"


@dataclass(frozen=True)
class Order(Sort):
    graph: str

    def __str__(self) -> str:
        return f"an order of the nodes of {self.graph}"


REAL, INT, BOOL, GRAPH = Real(), Int(), Bool(), Graph()


def is_number(s: Sort) -> bool:
    return isinstance(s, (Real, Int))


def space_name(s: Sort) -> str:
    if isinstance(s, (Real, Int)):
        return "R"
    if isinstance(s, Vec):
        return f"R^{s.dim}"
    if isinstance(s, Mat):
        return f"R^({s.rows}x{s.cols})"
    return str(s)


def shape(s: Sort) -> tuple:
    """Rows and columns of a numeric sort, a scalar being 1 x 1."""
    if is_number(s):
        return (1, 1)
    if isinstance(s, Vec):
        return (s.dim, 1)
    if isinstance(s, Mat):
        return (s.rows, s.cols)
    raise TypeError(s)


def from_shape(rows: Dim, cols: Dim) -> Sort:
    if rows == 1 and cols == 1:
        return REAL
    if cols == 1:
        return Vec(rows)
    return Mat(rows, cols)


def shape_text(s: Sort) -> str:
    if is_number(s):
        return "a scalar"
    if isinstance(s, Vec):
        return f"{s.dim}x1 (a vector in R^{s.dim})"
    if isinstance(s, Mat):
        return f"{s.rows}x{s.cols}"
    return str(s)
