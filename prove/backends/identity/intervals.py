"""Sign and interval inference over a claim's syntax tree, for definedness.

`Inference(claim, facts)(node)` is a `Val`: an interval, open or closed at
each end, that holds every value the expression `node` takes (every entry of
it, for a vector) wherever the claim is stated, and maybe that it is never 0.
`facts_of` reads the facts from the claim: its hypotheses and an
implication's premises that compare a quantity with a number (`x > 0`,
`0 <= t <= 1`, `det(X) > 0`), and the bounds of its integer variables.

Soundness: every rule only widens.  Constants are exact rationals (pi lies in
(3.14, 3.15), e in (2.71, 2.72); a name the claim binds anywhere is not the
constant, but ANY); exp > 0, sigmoid in (0, 1), softmax entries in (0, 1], squares
>= 0, sums and products by interval arithmetic with an end at 0 times an
unbounded one taken as 0; a sum over a range counts as non-empty only when
its bounds show it; anything else is `ANY`.  A condition shown from a `Val`
therefore holds at every point, size and index of the claim at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from prove import ast as A
from prove import sorts as S
from prove.claim import Claim
from prove.relations import FLIP

INF = math.inf


@dataclass(frozen=True)
class Val:
    """What is known of a value (every entry of it, for a vector): it lies
    between lo and hi (infinite ends are open), and maybe that it is not 0."""

    lo: object = -INF  # a Fraction or -inf
    hi: object = INF
    lo_closed: bool = False
    hi_closed: bool = False
    nonzero: bool = False

    @property
    def positive(self) -> bool:
        return self.lo > 0 or (self.lo == 0 and not self.lo_closed)

    @property
    def negative(self) -> bool:
        return self.hi < 0 or (self.hi == 0 and not self.hi_closed)

    @property
    def nonnegative(self) -> bool:
        return self.lo >= 0

    @property
    def not_zero(self) -> bool:
        return self.nonzero or self.positive or self.negative


ANY = Val()


def point(c: Fraction) -> Val:
    return Val(c, c, True, True, c != 0)


def _meet(a: Val, b: Val) -> Val:
    lo, lo_c = (a.lo, a.lo_closed) if (a.lo, not a.lo_closed) > (b.lo, not b.lo_closed) else (b.lo, b.lo_closed)
    hi, hi_c = (a.hi, a.hi_closed) if (a.hi, a.hi_closed) < (b.hi, b.hi_closed) else (b.hi, b.hi_closed)
    return Val(lo, hi, lo_c, hi_c, a.nonzero or b.nonzero)


def _upper_of(a: Val, b: Val) -> Val:
    """What is known of max(a, b): its low end is the higher one, its high end too."""
    lo, lo_c = max((a.lo, not a.lo_closed), (b.lo, not b.lo_closed))
    hi, hi_c = max((a.hi, a.hi_closed), (b.hi, b.hi_closed))
    return Val(lo, hi, not lo_c, hi_c)


def _emul(x, y):
    if x == 0 or y == 0:
        return Fraction(0)  # an end at 0 times an unbounded one: the product's end is 0
    return x * y


def _add(a: Val, b: Val) -> Val:
    return Val(a.lo + b.lo, a.hi + b.hi, a.lo_closed and b.lo_closed, a.hi_closed and b.hi_closed)


def _neg(a: Val) -> Val:
    return Val(-a.hi, -a.lo, a.hi_closed, a.lo_closed, a.nonzero)


def _mul(a: Val, b: Val) -> Val:
    ends = []
    for p, pc in ((a.lo, a.lo_closed), (a.hi, a.hi_closed)):
        for q, qc in ((b.lo, b.lo_closed), (b.hi, b.hi_closed)):
            attained = (pc and qc) or (p == 0 and pc) or (q == 0 and qc)
            ends.append((_emul(p, q), attained))
    lo = min(v for v, _ in ends)
    hi = max(v for v, _ in ends)
    lo_c = any(c for v, c in ends if v == lo) and abs(lo) != INF
    hi_c = any(c for v, c in ends if v == hi) and abs(hi) != INF
    return Val(lo, hi, lo_c, hi_c, a.not_zero and b.not_zero)


def _recip(a: Val) -> Val:
    def inv(x, closed):
        if abs(x) == INF:
            return Fraction(0), False
        if x == 0:
            return INF, False
        return 1 / Fraction(x), closed
    if a.positive or a.negative:
        lo, lo_c = inv(a.hi, a.hi_closed)
        hi, hi_c = inv(a.lo, a.lo_closed)
        if a.negative:
            lo, lo_c = (-INF, False) if a.hi == 0 else (lo, lo_c)
        return Val(lo, hi, lo_c, hi_c, True)
    return Val(nonzero=a.not_zero)


def _ipow(a: Val, k: int) -> Val:
    if k == 0:
        return point(Fraction(1))
    if k < 0:
        return _recip(_ipow(a, -k))

    def p(x):
        return x ** k if abs(x) != INF else (INF if x > 0 or k % 2 == 0 else -INF)
    if a.nonnegative or k % 2 == 1:
        return Val(p(a.lo), p(a.hi), a.lo_closed, a.hi_closed, a.not_zero)
    if a.hi <= 0:
        return Val(p(a.hi), p(a.lo), a.hi_closed, a.lo_closed, a.not_zero)
    top = max((p(a.lo), a.lo_closed), (p(a.hi), a.hi_closed))
    return Val(Fraction(0), top[0], not a.nonzero, top[1], a.not_zero)


def constant(node) -> Optional[Fraction]:
    """The value of a constant expression (numbers, + - * /, whole powers)."""
    if isinstance(node, A.Num):
        return node.value
    if isinstance(node, A.Neg):
        v = constant(node.operand)
        return None if v is None else -v
    if isinstance(node, A.BinOp) and node.op in "+-*/^":
        a, b = constant(node.left), constant(node.right)
        if a is None or b is None:
            return None
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if node.op == "/":
            return a / b if b != 0 else None
        if b.denominator == 1 and abs(b) <= 64 and (a != 0 or b >= 0):
            return a ** int(b)
    return None


PI = Val(Fraction(314, 100), Fraction(315, 100), False, False, True)
CONSTANT_RANGES = {"pi": PI, "e": Val(Fraction(271, 100), Fraction(272, 100), False, False, True)}
UNIT_OPEN = Val(Fraction(0), Fraction(1), False, False, True)
POSITIVE = Val(Fraction(0), INF, False, False, True)
NONNEGATIVE = Val(Fraction(0), INF, True, False)
FUNCTION_RANGES = {
    "exp": POSITIVE, "sigmoid": UNIT_OPEN, "softplus": POSITIVE, "cosh": Val(Fraction(1), INF, True),
    "sin": Val(Fraction(-1), Fraction(1), True, True), "cos": Val(Fraction(-1), Fraction(1), True, True),
    "tanh": Val(Fraction(-1), Fraction(1)), "erf": Val(Fraction(-1), Fraction(1)),
    "delta": Val(Fraction(0), Fraction(1), True, True), "norm": NONNEGATIVE, "frobenius": NONNEGATIVE,
}


class Inference:
    """Interval inference over the syntax tree, under a claim's facts."""

    def __init__(self, claim: Claim, facts: dict):
        self.claim = claim
        self.facts = facts

    def __call__(self, node) -> Val:
        v = self._infer(node)
        fact = self.facts.get(node)
        return _meet(v, fact) if fact is not None else v

    def _infer(self, node) -> Val:
        c = constant(node)
        if c is not None:
            return point(c)
        if isinstance(node, A.Name):
            if node.id in self.claim.sorts:  # bound somewhere in the claim: maybe a variable named pi
                return ANY
            return CONSTANT_RANGES.get(node.id, ANY)
        if isinstance(node, A.Neg):
            return _neg(self(node.operand))
        if isinstance(node, A.Card):
            return self._abs(self(node.operand))
        if isinstance(node, A.BinOp):
            return self._binop(node)
        if isinstance(node, A.Index):
            base = node.base
            if isinstance(base, A.Call) and isinstance(base.func, A.Name) and base.func.id == "softmax":
                return Val(Fraction(0), Fraction(1), False, True, True)
            return ANY
        if isinstance(node, A.Call) and isinstance(node.func, A.Name):
            return self._call(node.func.id, node)
        return ANY

    def _abs(self, a: Val) -> Val:
        return Val(Fraction(0), INF, not a.not_zero, False, a.not_zero)

    def _binop(self, node: A.BinOp) -> Val:
        if node.op == "^" and isinstance(node.right, A.Name) and node.right.id == "T":
            return ANY
        a = self(node.left)
        if node.op == "^":
            k = constant(node.right)
            if k is not None and k.denominator == 1:
                return _ipow(a, int(k))
            if a.positive:
                return POSITIVE
            if k is not None and k > 0 and a.nonnegative:
                return NONNEGATIVE
            return ANY
        b = self(node.right)
        if node.op == "+":
            return _add(a, b)
        if node.op == "-":
            return _add(a, _neg(b))
        if node.op == "*":
            return _mul(a, b)
        if node.op == "/":
            return _mul(a, _recip(b))
        return ANY

    def _call(self, name: str, node: A.Call) -> Val:
        args = node.args
        if name in FUNCTION_RANGES:
            return FUNCTION_RANGES[name]
        if name == "softmax":
            return Val(Fraction(0), Fraction(1), False, True, True)
        if name in ("sqrt",) and len(args) == 1:
            return POSITIVE if self(args[0]).positive else NONNEGATIVE
        if name in ("abs",) and len(args) == 1:
            return self._abs(self(args[0]))
        if name == "relu" and len(args) == 1:
            return POSITIVE if self(args[0]).positive else NONNEGATIVE
        if name in ("log", "ln") and len(args) == 1:
            a = self(args[0])
            if a.lo >= 1:
                return Val(Fraction(0), INF, a.lo == 1 and a.lo_closed, False, a.lo > 1 or not a.lo_closed)
            return ANY
        if name in ("max", "min") and len(args) == 2:
            a, b = self(args[0]), self(args[1])
            return _upper_of(a, b) if name == "max" else _neg(_upper_of(_neg(a), _neg(b)))
        if name == "sum":
            return self._sum(node)
        return ANY

    def _sum(self, node: A.Call) -> Val:
        if len(node.args) == 1:
            term, nonempty = self(node.args[0]), self._dims_at_least_one()
        else:
            first, body = node.args
            term = self(body)
            if isinstance(first, A.ArgBinder) and isinstance(first.domain, A.Range):
                lo, hi = self(first.domain.low), self(first.domain.high)
                nonempty = hi.lo != -INF and lo.hi != INF and hi.lo >= lo.hi
            else:
                nonempty = self._dims_at_least_one()
        if term.positive:
            return POSITIVE if nonempty else NONNEGATIVE
        if term.nonnegative:
            return NONNEGATIVE
        if term.negative:
            return _neg(POSITIVE) if nonempty else _neg(NONNEGATIVE)
        return ANY

    def _dims_at_least_one(self) -> bool:
        """Every vector of the claim has at least one entry."""
        for v in self.claim.variables:
            if isinstance(v.sort, S.Int) and v.domain is None:
                bound = self.facts.get(A.Name(v.name, span=A.Span.unknown()))
                if bound is None or bound.lo < 1:
                    return False
        return True



def _fact(op: str, c: Fraction) -> Optional[Val]:
    return {"<": Val(hi=c), "<=": Val(hi=c, hi_closed=True), ">": Val(lo=c), ">=": Val(lo=c, lo_closed=True),
            "=": point(c), "!=": Val(nonzero=True) if c == 0 else None}.get(op)


def facts_of(claim: Claim, premises: list) -> dict:
    """Node -> Val for what the claim's hypotheses and premises say of a
    quantity compared with a number, and the bounds of its integer variables."""
    facts: dict = {}

    def add(node, val):
        if val is not None:
            facts[node] = _meet(facts[node], val) if node in facts else val

    def visit(h):
        if isinstance(h, A.And):
            for o in h.operands:
                visit(o)
            return
        if not isinstance(h, A.Compare):
            return
        for op, a, b in zip(h.ops, h.operands, h.operands[1:]):
            if op == "!=":  # a != b says a - b != 0: the denominator of (x^2 - 1)/(x - 1) where x != 1
                add(A.BinOp("-", a, b, span=A.Span.unknown()), Val(nonzero=True))
                add(A.BinOp("-", b, a, span=A.Span.unknown()), Val(nonzero=True))
            cb, ca = constant(b), constant(a)
            if cb is not None and ca is None:
                add(a, _fact(op, cb))
            elif ca is not None and cb is None:
                add(b, _fact(FLIP[op], ca))

    for v in claim.variables:
        name = A.Name(v.name, span=A.Span.unknown())
        if v.bound is not None:
            c = constant(v.bound[1])
            if c is not None:
                add(name, _fact(v.bound[0], c))
        elif isinstance(v.domain, A.Range):
            lo, hi = constant(v.domain.low), constant(v.domain.high)
            add(name, Val(lo if lo is not None else -INF, hi if hi is not None else INF,
                          lo is not None, hi is not None))
    for h in list(claim.hypotheses) + list(premises):
        visit(h)
    return facts
