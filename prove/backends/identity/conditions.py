"""The definedness conditions of an expression, read from its syntax tree.

`needs_of(expr)` lists, innermost first, what each operation in expr needs
to be defined: a denominator non-zero, log's argument positive, sqrt's
non-negative, a real power's base positive (non-negative for a positive
exponent, non-zero for a negative whole one), tan's argument off pi/2 + k*pi;
under a derivative the expression must be defined on both sides of the point
(sqrt's argument and a fractional power's base positive) and a kink (abs,
relu, sign, max, min, a norm) is a place with no derivative.  `shown(need,
inference)` settles a condition on the whole domain from the interval
inference of `intervals`; `sides_of` names the expressions of a claim whose
definedness is checked, and `show` writes a node back as the claim language
writes it, for the reasons.

Soundness: the conditions are read from the tree before any translation,
because SymPy evaluates at construction (`x/x` is already 1, `sqrt(x)^2`
already x); `shown` is true only when the inference proves the condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import sympy as sp

from prove import ast as A
from prove import sorts as S
from prove.claim import Claim
from prove.vocabulary import VOCABULARY, Smoothness
from prove.backends.identity.exact import show_number
from prove.backends.identity.intervals import Inference, constant


@dataclass(frozen=True)
class Need:
    """A condition read from the tree: `arg REL 0` (rel is !=, >, >=, or
    `tan` for cos(arg) != 0) for the operation `node` to be defined."""

    node: object
    kind: str
    arg: object
    rel: str
    derivative: bool  # inside a derivative: the condition must hold around the point
    name: str = ""
    exponent: object = None  # of a power whose exponent is not a number


# Functions with a breakpoint, from the vocabulary; a norm's only breakpoint is the zero vector (below).
KINK_NAMES = {b.name for b in VOCABULARY if b.smoothness in (Smoothness.KINK, Smoothness.JUMP)} - {"norm"}
DERIVATIVES = {"diff", "grad", "jacobian", "hessian"}


def needs_of(expr, derivative: bool = False) -> list:
    """Every condition in expr, innermost first."""
    out: list = []

    def visit(node, deriv: bool):
        if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id in DERIVATIVES:
            for i, a in enumerate(node.args):
                visit(a, deriv or i == 0)
            return
        for c in A.children(node):
            visit(c, deriv)
        if isinstance(node, A.BinOp) and node.op == "/":
            out.append(Need(node, "div", node.right, "!=", deriv))
        elif isinstance(node, A.BinOp) and node.op == "^":
            if isinstance(node.right, A.Name) and node.right.id == "T":
                return
            k = constant(node.right)
            if k is not None and k.denominator == 1:
                if k < 0:
                    out.append(Need(node, "pow", node.left, "!=", deriv))
            elif k is not None and k > 0:
                out.append(Need(node, "pow", node.left, ">" if deriv else ">=", deriv))
            else:
                out.append(Need(node, "pow", node.left, ">", deriv, exponent=node.right))
        elif isinstance(node, A.Card) and deriv:
            out.append(Need(node, "kink", node.operand, "!=", deriv, "abs"))
        elif isinstance(node, A.Call) and isinstance(node.func, A.Name):
            name, args = node.func.id, node.args
            if name in ("log", "ln") and len(args) == 1:
                out.append(Need(node, "log", args[0], ">", deriv))
            elif name == "sqrt" and len(args) == 1:
                out.append(Need(node, "sqrt", args[0], ">" if deriv else ">=", deriv))
            elif name == "tan" and len(args) == 1:
                out.append(Need(node, "tan", args[0], "tan", deriv))
            elif name in KINK_NAMES and deriv and len(args) in (1, 2):
                u = args[0] if len(args) == 1 else A.BinOp("-", args[0], args[1], span=node.span)
                out.append(Need(node, "kink", u, "!=", deriv, name))
            elif name == "norm" and deriv and len(args) == 1:
                out.append(Need(node, "norm", node, ">", deriv))

    visit(expr, derivative)
    return out


TAN_SAFE = Fraction(157, 100)  # below pi/2


def _whole(node, claim: Claim) -> bool:
    """node is a whole number: integer variables and numbers under + - *."""
    if isinstance(node, A.Num):
        return node.value.denominator == 1
    if isinstance(node, A.Name):
        return isinstance(claim.sorts.get(node.id), S.Int)
    if isinstance(node, A.Neg):
        return _whole(node.operand, claim)
    if isinstance(node, A.BinOp) and node.op in "+-*":
        return _whole(node.left, claim) and _whole(node.right, claim)
    return False


def shown(need: Need, infer: Inference) -> bool:
    v = infer(need.arg)
    if need.exponent is not None and _whole(need.exponent, infer.claim):
        return infer(need.exponent).nonnegative or v.not_zero
    if need.rel == "!=":
        return v.not_zero
    if need.rel == ">":
        return v.positive
    if need.rel == ">=":
        return v.nonnegative
    if need.rel == "tan":
        return v.lo > -TAN_SAFE and v.hi < TAN_SAFE
    return False


# ------------------------------------------------------------- printing


PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "^": 4}


def show(node, outer: int = 0) -> str:
    """An expression as the claim language writes it."""
    if isinstance(node, A.Num):
        return node.text or show_number(sp.Rational(node.value.numerator, node.value.denominator))
    if isinstance(node, A.Name):
        return node.id
    if isinstance(node, A.Neg):
        s = "-" + show(node.operand, 3)
        return f"({s})" if outer >= 2 else s
    if isinstance(node, A.BinOp):
        p = PREC.get(node.op, 1)
        right_p = p + 1 if node.op in "-/" or node.op == "^" else p
        if node.op == "^":
            s = f"{show(node.left, p + 1)}^{show(node.right, p)}"
        else:
            sep = f" {node.op} " if node.op in "+-" else node.op
            s = f"{show(node.left, p)}{sep}{show(node.right, right_p)}"
        return f"({s})" if p < outer or (p == outer and node.op == "^") else s
    if isinstance(node, A.Call):
        return f"{show(node.func, 5)}({', '.join(show(a) for a in node.args)})"
    if isinstance(node, A.Index):
        return f"{show(node.base, 5)}[{', '.join(show(i) for i in node.indices)}]"
    if isinstance(node, A.Card):
        return f"|{show(node.operand)}|"
    if isinstance(node, A.ListLit):
        return "[" + ", ".join(show(i) for i in node.items) + "]"
    if isinstance(node, A.ArgBinder):
        dom = node.domain
        if isinstance(dom, A.Range):
            return f"{node.name} in {show(dom.low)}..{show(dom.high)}"
        return node.name
    if isinstance(node, A.Lambda):
        return show(node.body, outer)
    return "(...)"


def condition_words(need: Need) -> str:
    """What could not be shown, for `unknown`."""
    arg = show(need.arg)
    where = " (it is differentiated)"
    if need.kind == "div":
        return f"the denominator {arg} is non-zero"
    if need.kind == "log":
        return f"log's argument {arg} is positive"
    if need.kind == "sqrt":
        return f"sqrt's argument {arg} is " + ("positive" + where if need.derivative else "non-negative")
    where = " (it is differentiated)" if need.derivative else ""
    if need.kind == "pow":
        word = {"!=": "non-zero", ">": "positive", ">=": "non-negative"}[need.rel]
        return f"the base {arg} of {show(need.node)} is {word}"
    if need.kind == "tan":
        return f"tan's argument {arg} is never pi/2 + k*pi"
    if need.kind == "kink":
        return f"{show(need.node)} is differentiable (its argument {arg} is never 0)"
    return f"{show(need.node)} is differentiable: the vector is never 0"


# --------------------------------------------------------------- sides


@dataclass(frozen=True)
class Side:
    """One expression whose definedness is checked, and how to name it."""

    expr: object
    words: str  # "the left side"


def sides_of(body) -> Optional[tuple[list, list]]:
    """(sides, premises) of an identity or comparison body; None if it has another shape."""
    sides: list = []
    premises: list = []

    def visit(node) -> bool:
        if isinstance(node, A.And):
            return all(visit(o) for o in node.operands)
        if isinstance(node, A.Implies):
            premises.append(node.left)
            return visit(node.right)
        if isinstance(node, A.Compare):
            k = len(node.operands)
            for i, o in enumerate(node.operands):
                words = "the left side" if i == 0 else "the right side" if i == k - 1 else f"side {i + 1}"
                sides.append(Side(o, words))
            return True
        return False

    return (sides, premises) if visit(body) else None
