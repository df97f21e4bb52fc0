"""The syntax tree of a claim file: frozen dataclasses, each node with its span.

The tree says what was written, not what it means: `R^n` is a `Space`,
`softmax(z)[i]` an `Index` of a `Call`.  Meaning (sorts, which backend) is
decided by `prove.elaborate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Optional, Union


@dataclass(frozen=True)
class Span:
    """Where a node stands in its file: 1-based lines and columns."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0  # character offsets into the text
    end: int = 0

    @staticmethod
    def unknown() -> "Span":
        return Span(0, 0, 0, 0)


@dataclass(frozen=True)
class Node:
    span: Span = field(compare=False, repr=False, kw_only=True)


# ------------------------------------------------------------------ expressions


@dataclass(frozen=True)
class Num(Node):
    value: Fraction
    text: str = ""


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Call(Node):
    func: "Expr"
    args: tuple["Expr", ...]


@dataclass(frozen=True)
class Index(Node):
    base: "Expr"
    indices: tuple["Expr", ...]


@dataclass(frozen=True)
class BinOp(Node):
    op: str  # one of + - * / ^ @
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Neg(Node):
    operand: "Expr"


@dataclass(frozen=True)
class ListLit(Node):
    """`[a, b, c]`: a vector, a point, a list of edges or, nested, a matrix."""

    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Card(Node):
    """`|S|`: the size of a node set (or the absolute value of a number)."""

    operand: "Expr"


@dataclass(frozen=True)
class ArgBinder(Node):
    """`k in 1..n` as an argument, as in `sum(k in 1..n, z[k])`."""

    name: str
    domain: "Domain"


# --------------------------------------------------------------------- formulas


@dataclass(frozen=True)
class Compare(Node):
    """A comparison chain: `0 < x <= 1` is ops ('<', '<=') over three operands."""

    ops: tuple[str, ...]
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Not(Node):
    operand: "Expr"


@dataclass(frozen=True)
class And(Node):
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Or(Node):
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Implies(Node):
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Iff(Node):
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Quant(Node):
    kind: str  # forall | exists | exists!
    binders: tuple["Binder", ...]
    body: "Expr"


# ---------------------------------------------------------------------- domains


@dataclass(frozen=True)
class Space(Node):
    """`R`, `Z`, `R^n`, `R^(m x n)`: shape is () for scalars, (n,) or (m, n)."""

    field_: str  # "R" or "Z"
    shape: tuple[Union[int, str], ...] = ()


@dataclass(frozen=True)
class Range(Node):
    """`1..n`: integers from low to high, both included."""

    low: "Expr"
    high: "Expr"


@dataclass(frozen=True)
class SetDomain(Node):
    """Any other domain, written as an expression: `poly(w, degree <= 3)`,
    `graphs(nodes <= 6)`, `nodes(G)`, `orders(G)`."""

    expr: "Expr"


@dataclass(frozen=True)
class FunSig(Node):
    """`R^2 -> R`: an arbitrary smooth function between these spaces."""

    source: Space
    target: Space


Domain = Union[Space, Range, SetDomain, FunSig]


@dataclass(frozen=True)
class Binder(Node):
    """One bound variable.  kind is `in` (x in R^3), `subset` (S subset
    nodes(G)), `fun` (f: R -> R) or a comparison (`n >= 1`, an integer bound)."""

    name: str
    kind: str
    domain: Optional[Domain] = None
    bound: Optional["Expr"] = None
    where: Optional["Expr"] = None


# ------------------------------------------------------------------ calc chains


@dataclass(frozen=True)
class Hint(Node):
    """`by sympy`, `by lemma NAME`, `witness NAME = EXPR`."""

    kind: str  # by | witness
    name: str
    arg: Optional[str] = None
    expr: Optional["Expr"] = None


@dataclass(frozen=True)
class CalcStep(Node):
    rel: str
    rhs: "Expr"
    hints: tuple[Hint, ...] = ()


@dataclass(frozen=True)
class CalcWhere(Node):
    name: str
    expr: "Expr"


@dataclass(frozen=True)
class Calc(Node):
    first: "Expr"
    steps: tuple[Union[CalcStep, CalcWhere], ...]


Expr = Union[
    Num, Name, Call, Index, BinOp, Neg, ListLit, Card, ArgBinder,
    Compare, Not, And, Or, Implies, Iff, Quant, Calc,
]


# -------------------------------------------------------------------- top level


@dataclass(frozen=True)
class Use(Node):
    target: str
    is_file: bool


@dataclass(frozen=True)
class Let(Node):
    name: str
    params: Optional[tuple[str, ...]]  # None for `let c = 3`
    body: Expr


@dataclass(frozen=True)
class ClaimDecl(Node):
    name: str
    body: Expr
    hints: tuple[Hint, ...] = ()
    expect: Optional[str] = None
    name_span: Span = field(default_factory=Span.unknown, compare=False, repr=False)


@dataclass(frozen=True)
class Module:
    path: str
    text: str
    items: tuple[Union[Use, Let, ClaimDecl], ...]


@dataclass(frozen=True)
class Lambda(Node):
    """A function written as an expression, `x^4 - 2*x^2` in `local_min(x^4 - 2*x^2, 0)`.

    Made by elaboration, never by the parser: params are the expression's
    free variables in order of first appearance.
    """

    params: tuple[str, ...]
    body: "Expr"


def children(node) -> list:
    """The direct sub-nodes of a node, in source order."""
    out = []
    for f in fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, Node))
    return out


def walk(node):
    """Every node below `node`, itself first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def rebuild(node, fn):
    """Rebuild a tree bottom-up; `fn(node)` returns a replacement or None to keep it."""
    if not isinstance(node, Node):
        return node
    changes = {}
    for f in fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            new = rebuild(value, fn)
        elif isinstance(value, tuple):
            new = tuple(rebuild(v, fn) if isinstance(v, Node) else v for v in value)
        else:
            continue
        if new is not value:
            changes[f.name] = new
    if changes:
        node = replace(node, **changes)
    result = fn(node)
    return node if result is None else result
