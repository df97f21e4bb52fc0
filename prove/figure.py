"""What a picture of a refuted claim needs, carried by its verdict as plain data.

A backend that refutes a claim knows the exact objects behind its witness: the
polynomial it found (`g(w) = -w^2`), the two sides of an identity and the
point where they differ, the counterexample graph.  It puts them in a
`Figure`; the HTML report (`prove.report_html`) draws it after every verdict
is in.  A figure never takes part in a verdict.

Method.  Expressions are stored as trees of tuples built from SymPy objects
that came from the claim's parse tree (`tree_of`): numbers as exact rationals
(`"-3/2"`), symbols by name, and a fixed list of SymPy heads (`HEADS`).  The
report rebuilds them with the same list (`expr_of`); nothing is parsed or
evaluated from text.  An expression with any other head has no tree
(`Unplottable`), and the claim simply has no picture.  Figures are JSON-safe,
so cached results keep their pictures; a figure that does not survive the
JSON round trip is not made.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

FUNCTION, SIDES, GRAPH = "function", "sides", "graph"

# SymPy heads a tree may hold; each is rebuilt from its own name only
HEADS = ("Add", "Mul", "Pow", "exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh", "atan",
         "Abs", "Max", "Min", "sign", "Heaviside")
CONSTANTS = ("pi", "E")
MAX_NODES = 400  # a bigger expression is not worth a picture


class Unplottable(Exception):
    """The expression has a head outside `HEADS`, or is too big."""


@dataclass(frozen=True)
class Figure:
    """`kind` FUNCTION: `exprs[0]` over `variables` (one or two), `point` marked when given.
    SIDES: `exprs` = (left, right) over `variables`, compared along a line through `point`.
    GRAPH: nodes 1..`nodes` with `edges`."""

    kind: str
    variables: tuple[str, ...] = ()
    exprs: tuple = ()  # expression trees (`tree_of`)
    point: tuple[str, ...] = ()  # exact rationals, one per variable
    label: str = ""  # the function's name, or what the sides are
    nodes: int = 0
    edges: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict:
        return {"kind": self.kind, "variables": list(self.variables), "exprs": _lists(self.exprs),
                "point": list(self.point), "label": self.label, "nodes": self.nodes,
                "edges": [list(e) for e in self.edges]}

    @staticmethod
    def from_json(d: Optional[dict]) -> Optional["Figure"]:
        if not d:
            return None
        return Figure(kind=d["kind"], variables=tuple(d["variables"]), exprs=_tuples(d["exprs"]),
                      point=tuple(d["point"]), label=d["label"], nodes=int(d["nodes"]),
                      edges=tuple((int(a), int(b)) for a, b in d["edges"]))


def _lists(t):
    return [_lists(x) for x in t] if isinstance(t, tuple) else t


def _tuples(t):
    return tuple(_tuples(x) for x in t) if isinstance(t, list) else t


def tree_of(expr) -> tuple:
    """The tree of a SymPy expression; `Unplottable` outside `HEADS`."""
    count = [0]

    def walk(e):
        count[0] += 1
        if count[0] > MAX_NODES:
            raise Unplottable("too big")
        if e.is_Rational:
            return ("n", str(e))
        if e.is_Symbol:
            return ("s", e.name)
        name = type(e).__name__
        if name in ("Pi", "Exp1"):
            return ("c", "pi" if name == "Pi" else "E")
        if name == "ImaginaryUnit" or name not in HEADS:
            raise Unplottable(name)
        return (name,) + tuple(walk(a) for a in e.args)

    return walk(expr)


def expr_of(tree, symbols: dict):
    """The SymPy expression of a tree; `symbols` maps names to the symbols to use."""
    import sympy as sp

    tag = tree[0]
    if tag == "n":
        q = Fraction(tree[1])
        return sp.Rational(q.numerator, q.denominator)
    if tag == "s":
        if tree[1] not in symbols:
            raise Unplottable(f"free name {tree[1]}")
        return symbols[tree[1]]
    if tag == "c":
        return {"pi": sp.pi, "E": sp.E}[tree[1]]
    if tag not in HEADS:
        raise Unplottable(tag)
    head = getattr(sp, tag)
    return head(*(expr_of(a, symbols) for a in tree[1:]))


def function_figure(name: str, variables, expr, point=()) -> Optional[Figure]:
    """A FUNCTION figure, or None when the expression has no tree or the figure no JSON round trip."""
    return _checked(lambda: Figure(FUNCTION, tuple(variables), (tree_of(expr),),
                                   tuple(str(p) for p in point), label=name))


def sides_figure(variables, left, right, point, label: str = "") -> Optional[Figure]:
    return _checked(lambda: Figure(SIDES, tuple(variables), (tree_of(left), tree_of(right)),
                                   tuple(str(p) for p in point), label=label))


def graph_figure(nodes: int, edges, label: str = "") -> Optional[Figure]:
    return _checked(lambda: Figure(GRAPH, nodes=nodes, edges=tuple(sorted((int(a), int(b)) for a, b in edges)),
                                   label=label))


def _checked(make) -> Optional[Figure]:
    try:
        fig = make()
    except (Unplottable, RecursionError, TypeError, ValueError):
        return None
    return fig if Figure.from_json(fig.to_json()) == fig else None
