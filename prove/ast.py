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
class SetLit(Node):
    """`{1, 3}`: a set of nodes written out."""

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


@dataclass(frozen=True)
class OnDomain(Node):
    """`on z in R^3` or `on x > 0` as an argument of a convexity predicate: the function's
    variable and its space, or a condition on its variables (the domain)."""

    name: Optional[str]
    domain: Optional["Domain"]
    condition: Optional["Expr"]


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
    name_span: Span = field(default_factory=Span.unknown, compare=False, repr=False)


@dataclass(frozen=True)
class Calc(Node):
    first: "Expr"
    steps: tuple[Union[CalcStep, CalcWhere], ...]


Expr = Union[
    Num, Name, Call, Index, BinOp, Neg, ListLit, SetLit, Card, ArgBinder, OnDomain,
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
    spaces: tuple = ()  # the params' spaces (`on z in R^3`), () when every param is real
    domain: Optional["Expr"] = None  # `on x > 0`: where the function is considered


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


def map_children(node, fn):
    """`node` with `fn(child)` in place of each direct sub-node; the same
    object when nothing changed."""
    changes = {}
    for f in fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            new = fn(value)
        elif isinstance(value, tuple) and any(isinstance(v, Node) for v in value):
            new = tuple(fn(v) if isinstance(v, Node) else v for v in value)
            if all(a is b for a, b in zip(new, value)):
                new = value
        else:
            continue
        if new is not value:
            changes[f.name] = new
    return replace(node, **changes) if changes else node


def rebuild(node, fn):
    """Rebuild a tree bottom-up; `fn(node)` returns a replacement or None to keep it."""
    if not isinstance(node, Node):
        return node
    node = map_children(node, lambda child: rebuild(child, fn))
    result = fn(node)
    return node if result is None else result


# ---------------------------------------------------------------------- binding
#
# Binders of the language: a quantifier's names (each in scope from its own
# `where` on, and in the later binders' domains), a lambda's parameters, the
# index of `sum(k, t)` / `sum(k in a..b, t)` (in t only) and a calc chain's
# `where` names (in the lines after it).  Dimension names also stand as
# strings in `Space.shape`.  The arguments of `poly(...)`, `quadratic(...)`
# and `graphs(...)` name the family's own variables: nothing there is free.

OPAQUE_CALLS = frozenset({"poly", "quadratic", "graphs"})
FRESH_MARK = "#"  # the grammar never lets `#` into a name, so a fresh name is no user's name


def sum_index(node) -> Optional[str]:
    """The index that `sum(k, t)` or `sum(k in a..b, t)` binds, else None."""
    if not (isinstance(node, Call) and isinstance(node.func, Name) and node.func.id == "sum" and node.args):
        return None
    first = node.args[0]
    if isinstance(first, ArgBinder):
        return first.name
    if isinstance(first, Name) and len(node.args) == 2:
        return first.id
    return None


def _opaque(node) -> bool:
    return isinstance(node, Call) and isinstance(node.func, Name) and node.func.id in OPAQUE_CALLS


class Binding:
    """Free names and capture-avoiding substitution over one family of trees.

    Results are memoised by node identity (trees are immutable and shared),
    so a tree whose repeated parts are one object (as a `let` expansion
    makes them) costs its number of distinct nodes, not its printed size.
    """

    def __init__(self):
        self._free: dict = {}
        self._subst: dict = {}
        self._size: dict = {}

    # ------------------------------------------------------------ free names
    def free(self, node) -> frozenset:
        """Names used in node and not bound inside it (function names and
        dimension names included)."""
        if not isinstance(node, Node):
            return frozenset()
        hit = self._free.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        out = frozenset(self._free_of(node))
        self._free[id(node)] = (node, out)
        return out

    def _free_of(self, node) -> set:
        if isinstance(node, Name):
            return {node.id}
        if isinstance(node, Space):
            return {d for d in node.shape if isinstance(d, str)}
        if _opaque(node):
            return set(self.free(node.func))
        k = sum_index(node)
        if k is not None:
            first, rest = node.args[0], node.args[1:]
            out = set(self.free(node.func))
            if isinstance(first, ArgBinder):
                out |= self.free(first.domain)
            for r in rest:
                out |= self.free(r) - {k}
            return out
        if isinstance(node, Quant):
            out, bound = set(), set()
            for b in node.binders:
                for part in (b.domain, b.bound):
                    out |= self.free(part) - bound
                bound.add(b.name)
                out |= self.free(b.where) - bound
            return out | (self.free(node.body) - bound)
        if isinstance(node, Lambda):
            return set((self.free(node.body) | self.free(node.domain)) - set(node.params))
        if isinstance(node, Calc):
            out, bound = set(self.free(node.first)), set()
            for step in node.steps:
                if isinstance(step, CalcWhere):
                    out |= self.free(step.expr) - bound
                    bound.add(step.name)
                else:
                    out |= self.free(step) - bound
            return out
        out = set()
        for c in children(node):
            out |= self.free(c)
        return out

    # ------------------------------------------------------------------ size
    def size(self, node) -> int:
        """The number of nodes of the tree as written out (shared parts counted each time)."""
        if not isinstance(node, Node):
            return 0
        hit = self._size.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        out = 1 + sum(self.size(c) for c in children(node))
        self._size[id(node)] = (node, out)
        return out

    # ---------------------------------------------------------- substitution
    def substitute(self, node, mapping: dict):
        """Replace the free occurrences of mapping's names; a binder whose name
        a replacement mentions is renamed apart first."""
        if not isinstance(node, Node) or not mapping:
            return node
        names = self.free(node)
        active = {k: v for k, v in mapping.items() if k in names}
        if not active:
            return node
        key = (id(node), tuple(sorted((k, _value_key(v)) for k, v in active.items())))
        hit = self._subst.get(key)
        if hit is not None and hit[0] is node:
            return hit[1]
        out = self._substitute(node, active)
        self._subst[key] = (node, out, tuple(active.values()))
        return out

    def _enter(self, name: str, mapping: dict, scope: frozenset, span: Span) -> tuple[str, dict]:
        """Bring binder `name` into scope: its own name is no longer replaced,
        and it is renamed when a replacement would be captured by it."""
        inner = {k: v for k, v in mapping.items() if k != name and k in scope}
        if not any(name in self.free(v) for v in inner.values()):
            return name, inner
        taken = set(scope) | set(inner)
        for v in inner.values():
            taken |= self.free(v)
        base, i = name.split(FRESH_MARK)[0], 1
        while f"{base}{FRESH_MARK}{i}" in taken:
            i += 1
        fresh = f"{base}{FRESH_MARK}{i}"
        inner[name] = Name(fresh, span=span)
        return fresh, inner

    def _union(self, nodes) -> frozenset:
        out: set = set()
        for n in nodes:
            out |= self.free(n)
        return frozenset(out)

    def _substitute(self, node, mapping: dict):
        if isinstance(node, Name):
            return mapping.get(node.id, node)
        if isinstance(node, Space):
            return replace(node, shape=tuple(_dimension(d, mapping) for d in node.shape))
        if _opaque(node):
            return node
        k = sum_index(node)
        if k is not None:
            first, rest = node.args[0], node.args[1:]
            span = first.span
            name, inner = self._enter(k, mapping, self._union(rest), span)
            if isinstance(first, ArgBinder):
                head = replace(first, name=name, domain=self.substitute(first.domain, mapping))
            else:
                head = replace(first, id=name)
            return replace(node, func=self.substitute(node.func, mapping),
                           args=(head,) + tuple(self.substitute(r, inner) for r in rest))
        if isinstance(node, Quant):
            current, binders = mapping, []
            for i, b in enumerate(node.binders):
                domain = self.substitute(b.domain, current)
                bound = self.substitute(b.bound, current)
                later = [p for c in node.binders[i + 1:] for p in (c.domain, c.bound, c.where)]
                scope = self._union(later + [b.where, node.body])
                name, current = self._enter(b.name, current, scope, b.span)
                where = self.substitute(b.where, current)
                binders.append(replace(b, name=name, domain=domain, bound=bound, where=where))
            return replace(node, binders=tuple(binders), body=self.substitute(node.body, current))
        if isinstance(node, Lambda):
            current, params = mapping, []
            for p in node.params:
                name, current = self._enter(p, current, self.free(node.body), node.span)
                params.append(name)
            return replace(node, params=tuple(params), body=self.substitute(node.body, current),
                           domain=self.substitute(node.domain, current))
        if isinstance(node, Calc):
            current, steps = mapping, []
            first = self.substitute(node.first, mapping)
            for i, step in enumerate(node.steps):
                if isinstance(step, CalcWhere):
                    expr = self.substitute(step.expr, current)
                    name, current = self._enter(step.name, current, self._union(node.steps[i + 1:]), step.span)
                    steps.append(replace(step, name=name, expr=expr))
                else:
                    steps.append(self.substitute(step, current))
            return replace(node, first=first, steps=tuple(steps))
        return map_children(node, lambda child: self.substitute(child, mapping))


def _value_key(value):
    """What identifies a replacement in the memo: a name by its text (each use
    of `x` is its own node), anything else by identity (it is kept alive by the memo)."""
    if isinstance(value, Name):
        return ("name", value.id)
    if isinstance(value, Num):
        return ("num", value.value)
    return ("node", id(value))


def _dimension(d, mapping: dict):
    if not isinstance(d, str) or d not in mapping:
        return d
    value = mapping[d]
    if isinstance(value, Name):
        return value.id
    if isinstance(value, Num) and value.value.denominator == 1 and value.value >= 1:
        return int(value.value)
    from prove.errors import ElaborationError  # late: errors imports this module

    raise ElaborationError(f"{d} sizes a vector or matrix here, so it must be a dimension name or a "
                           "whole number", value.span, "a name or a whole number at least 1")


def free_vars(node) -> frozenset:
    """The names free in node (function and dimension names included)."""
    return Binding().free(node)


def substitute(node, mapping: dict):
    """Capture-avoiding substitution of names by trees: bound names shadow,
    and a binder that would capture a name of a replacement is renamed to a
    fresh name no claim can spell."""
    return Binding().substitute(node, mapping)
