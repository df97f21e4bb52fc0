"""Where a claim's expressions are defined, read from its syntax tree.

An identity or comparison claims that its sides are defined, and related as
stated, at every point of its domain.  The operations that may be undefined
are read from the tree before any simplification (SymPy evaluates `x/x` to
1 at construction): a denominator must be non-zero, log's argument positive,
sqrt's non-negative, a real power's base positive (non-negative for a
positive exponent, non-zero for a negative whole one), tan's argument off
pi/2 + k*pi; under a derivative the expression must be defined on both sides
of the point along the variable, and a kink (abs, relu, sign, max, min) is a
place with no derivative.

Method, and why it is sound:

1. Each condition is first shown on the whole domain by a sign and interval
   inference over the tree (`Val`), with the claim's hypotheses and implied
   premises as facts (`x > 0`, `0 <= t <= 1`, `det(X) > 0`).  The inference
   only widens: exp > 0, sigmoid in (0, 1), softmax entries in (0, 1], squares
   >= 0, sums and products of positives, dimensions >= 1.  A condition shown
   here holds for every size and index at once.
2. What it cannot show is looked at instance by instance (the claim
   translated with real symbols that carry no sign assumption): SymPy's own
   facts about real symbols, else exact rational points (roots of the
   quantity first, then the usual simple points) where the hypotheses hold
   exactly and the operation is not a real number (1/0, log(-1)); a kink
   under a derivative is refuted only where its one-sided derivatives differ
   by a certified amount.  An abstract function is any smooth function: a
   condition on one is tried with concrete ones (polynomials, exp, as the
   identity backend's refutations), named in the witness.  A refutation is
   re-checked by translating the claim again from its tree (with the same
   concrete functions) and evaluating at the point exactly.
3. Neither: the verdict can be no better than `unknown`, with the condition
   that could not be shown (`guarded` keeps a refutation by the backend).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional

import sympy as sp

from prove import ast as A
from prove.relations import FLIP
from prove import sorts as S
from prove.claim import Claim
from prove.backends.identity import abstract
from prove.backends.identity import instances as I
from prove.backends.identity.exact import show_number, value_at
from prove.backends.identity.sympy_translate import Partial, Translator, Untranslatable, is_matrix
from prove.verdict import Outcome, Verdict

METHOD = "definedness: read from the syntax tree, checked at an exact point"
MAX_INSTANCES = 64
POINTS_PER_CONDITION = 24
FUNCTION_COMBOS = 25  # concrete functions tried for the abstract ones, per instance
FUNCTION_INSTANCES = 4  # instances where concrete functions are tried
INF = math.inf


# ------------------------------------------------------------- intervals


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


def _const(node) -> Optional[Fraction]:
    """The value of a constant expression (numbers, + - * /, whole powers)."""
    if isinstance(node, A.Num):
        return node.value
    if isinstance(node, A.Neg):
        v = _const(node.operand)
        return None if v is None else -v
    if isinstance(node, A.BinOp) and node.op in "+-*/^":
        a, b = _const(node.left), _const(node.right)
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
        c = _const(node)
        if c is not None:
            return point(c)
        if isinstance(node, A.Name):
            return PI if node.id == "pi" else ANY
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
            k = _const(node.right)
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


def _flip(op: str) -> str:
    return FLIP[op]


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
            cb, ca = _const(b), _const(a)
            if cb is not None and ca is None:
                add(a, _fact(op, cb))
            elif ca is not None and cb is None:
                add(b, _fact(_flip(op), ca))

    for v in claim.variables:
        name = A.Name(v.name, span=A.Span.unknown())
        if v.bound is not None:
            c = _const(v.bound[1])
            if c is not None:
                add(name, _fact(v.bound[0], c))
        elif isinstance(v.domain, A.Range):
            lo, hi = _const(v.domain.low), _const(v.domain.high)
            add(name, Val(lo if lo is not None else -INF, hi if hi is not None else INF,
                          lo is not None, hi is not None))
    for h in list(claim.hypotheses) + list(premises):
        visit(h)
    return facts


# --------------------------------------------------------------- needs


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


KINK_NAMES = {"abs", "relu", "sign", "max", "min"}
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
            k = _const(node.right)
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


def _condition_words(need: Need) -> str:
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


# ---------------------------------------------------------------- check


def check(claim: Claim) -> Optional[Outcome]:
    """None when every definedness condition of the claim's sides holds where
    the claim is stated; else `refuted` at an exact point or `unknown`."""
    shape = sides_of(claim.body)
    if shape is None:
        return None
    sides, premises = shape
    return check_sides(claim, sides, premises)


def check_expression(claim: Claim, expr, words: str = "the expression") -> Optional[Outcome]:
    """The same for one expression under the claim's variables and hypotheses
    (a calc step's side, a term a backend is about to use)."""
    return check_sides(claim, [Side(expr, words)], [])


def check_sides(claim: Claim, sides: list, premises: list) -> Optional[Outcome]:
    infer = Inference(claim, facts_of(claim, premises))
    open_needs: dict = {}
    for side in sides:
        for need in needs_of(side.expr):
            if id(need.node) not in open_needs and not shown(need, infer):
                open_needs[id(need.node)] = need
    if not open_needs:
        return None
    try:
        return _search(claim, sides, premises, open_needs)
    except Untranslatable as exc:
        need = next(iter(open_needs.values()))
        return Outcome.unknown(f"could not show that {_condition_words(need)} where the claim is stated "
                               f"({exc})", method="definedness")


def guarded(claim: Claim, run: Callable[[], Outcome]) -> Outcome:
    """Run a backend under the definedness check: a refutation stands, and a
    `proved` or `verified` becomes `unknown` when a condition is open."""
    try:
        pre = check(claim)
    except Exception as exc:  # a failure here may hide an undefined point: never proved then
        pre = Outcome.unknown(f"the definedness check failed: {type(exc).__name__}: {exc}", method="definedness")
    if pre is not None and pre.verdict is Verdict.REFUTED:
        return pre
    out = run()
    if pre is not None and out.verdict in (Verdict.PROVED, Verdict.VERIFIED):
        return pre
    return out


# -------------------------------------------------- instances and points


def plain_instance(claim: Claim, values: dict) -> I.Instance:
    """An instance whose real variables carry no sign assumption (SymPy would
    otherwise remove abs(x) for x >= 0 before its kink is seen)."""
    inst = I.make_instance(claim, values)
    for name, value in list(inst.symbols.items()):
        if isinstance(value, sp.Symbol):
            plain = sp.Symbol(value.name, real=True)
            inst.symbols[name] = plain
            inst.env[name] = plain
    return inst


def _translate(claim: Claim, values: dict, sides: list, premises: list, table: Optional[dict] = None):
    """(instance, partials) for one instance, or None when a hypothesis excludes it;
    with a table, the abstract functions are the concrete ones in it."""
    inst = plain_instance(claim, values)
    for name, sort in (abstract.function_names(claim).items() if table else ()):
        inst.env[name] = abstract.concrete_fn(name, sort, table, values)
    tr = Translator(inst.env)
    for h in list(claim.hypotheses) + list(premises):
        I.add_hypothesis(h, tr, inst)
    if inst.vacuous:
        return None
    partials: list = []
    rec = Translator(inst.env, partials)
    for k, side in enumerate(sides):
        rec.side = k
        rec(side.expr)
    return inst, partials


def _sizes(claim: Claim) -> tuple[list, bool]:
    """The values of the integer variables to look at, and whether they are all of them."""
    from prove.backends.identity.concrete import dim_range

    complete = not any(isinstance(v.sort, S.Int) and not isinstance(v.domain, A.Range) for v in claim.variables)
    values = [inst.values for inst in itertools.islice(I.instances(claim, dim_range(claim)), MAX_INSTANCES + 1)]
    if len(values) > MAX_INSTANCES:
        values, complete = values[:MAX_INSTANCES], False
    return values, complete


def _search(claim: Claim, sides: list, premises: list, open_needs: dict) -> Optional[Outcome]:
    values_list, complete = _sizes(claim)
    functions = abstract.function_names(claim)
    unresolved: Optional[Need] = None
    for k, values in enumerate(values_list):
        got = _translate(claim, values, sides, premises)
        if got is None:
            continue
        open_here: dict = {}
        found = _refutation(claim, values, sides, premises, got, open_needs, open_here)
        if found is not None:
            return found
        unresolved = unresolved or next(iter(open_here.values()), None)
        if not (functions and open_here and k < FUNCTION_INSTANCES):
            continue
        # An abstract function is any smooth function: a concrete one where the
        # operation is undefined, and its hypotheses hold, refutes the claim.
        for table, texts in abstract.assignments(functions, values, FUNCTION_COMBOS):
            got = _translate(claim, values, sides, premises, table)
            if got is not None:
                found = _refutation(claim, values, sides, premises, got, open_here, {}, table, texts)
                if found is not None:
                    return found
    if unresolved is None and complete:
        return None
    need = unresolved or next(iter(open_needs.values()))
    return Outcome.unknown(f"could not show that {_condition_words(need)} where the claim is stated",
                           method="definedness")


def _refutation(claim: Claim, values: dict, sides: list, premises: list, got: tuple, needs: dict,
                open_here: dict, table: Optional[dict] = None, texts: Optional[dict] = None) -> Optional[Outcome]:
    """A re-checked point of one translated instance where an open condition
    fails; the conditions left open there go into open_here."""
    inst, partials = got
    for p in partials:
        need = needs.get(id(p.node))
        if need is None or _sympy_shows(p, inst):
            continue
        if p.kind != "norm":  # a norm's slope at 0 is 0 whatever the vector: nothing is concluded
            found = _violation(claim, inst, p, partials)
            if found is not None:
                full, why = found
                if _recheck(claim, values, sides, premises, p, full, table):
                    return _refuted(claim, inst, sides[p.side], full, why, _bound_values(p, inst), texts)
        open_here.setdefault(id(p.node), need)
    return None


def _sympy_shows(p: Partial, inst: I.Instance) -> bool:
    """SymPy's facts about real numbers settle the condition (exp(x) + 1 > 0)."""
    args = [I.apply_solved(a, inst) if isinstance(a, sp.Basic) else a for a in p.args]
    if p.kind == "div":
        return bool(args[0].is_nonzero)
    if p.kind == "log":
        return bool(args[0].is_positive)
    if p.kind == "sqrt":
        return bool(args[0].is_positive if p.under else args[0].is_nonnegative)
    if p.kind == "pow":
        base, e = args
        if base.is_positive:
            return True
        if e.is_integer:
            return bool(e.is_nonnegative or base.is_nonzero)
        return bool(e.is_positive and base.is_nonnegative and not p.under)
    if p.kind == "kink":
        return bool(args[0].is_nonzero)
    if p.kind == "norm":
        return any(bool(a.is_nonzero) for a in args)
    return False


def _candidates(p: Partial, inst: I.Instance):
    """Exact points to try: where the quantity is 0 (and just beside it), then simple points."""
    syms = [s for s in I.all_symbols(inst) if s not in inst.solved]
    quantity = p.args[0]
    if p.kind == "pow":
        quantity = p.args[0]
    if isinstance(quantity, sp.Basic):
        quantity = I.apply_solved(quantity, inst)
        free = [s for s in syms if s in quantity.free_symbols]
        for s in free:
            for base in (sp.Integer(0), sp.Integer(1)):
                others = {t: base for t in syms if t is not s}
                for r in _roots(quantity.xreplace(others), s, p.kind == "tan"):
                    for shift in (0, -1, 1, sp.Rational(-1, 2), sp.Rational(1, 2)):
                        if shift and p.kind in ("div", "kink", "tan"):
                            continue
                        yield {**others, s: r + shift}
    yield from I.points(inst, POINTS_PER_CONDITION, seed=23)


def _roots(e, s, tan: bool) -> list:
    """Rational roots of e in s (for tan: where e is pi/2, when e is linear in s)."""
    try:
        if tan:
            a, b = sp.diff(e, s), e.xreplace({s: sp.Integer(0)})
            if a.is_number and a != 0 and b.is_number and not sp.diff(e, s, 2):
                return [(sp.pi / 2 - b) / a]
            return []
        num, _ = sp.fraction(sp.together(e))
        if not num.is_polynomial(s):
            return []
        poly = sp.Poly(num, s)
        if poly.degree() < 1 or poly.degree() > 8 or not poly.domain.is_QQ and not poly.domain.is_ZZ:
            return []
        return list(poly.ground_roots())[:4]
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
        return []


def _violation(claim: Claim, inst: I.Instance, p: Partial, partials: list) -> Optional[tuple]:
    seen = set()
    for pt in itertools.islice(_candidates(p, inst), 4 * POINTS_PER_CONDITION):
        key = tuple(sorted((s.name, str(v)) for s, v in pt.items()))
        if key in seen:
            continue
        seen.add(key)
        full = I.complete(pt, inst)
        if not I.conditions_hold(inst, full) or outside_domain(claim, inst.env, full):
            continue
        why = undefined_at(p, full, partials)
        if why:
            return full, why
    return None


# --------------------------------------------------------- at one point


def _exact(e, point: dict):
    return e.xreplace(point) if isinstance(e, sp.Basic) else sp.Integer(e)


def _is_zero(v) -> bool:
    return isinstance(v, sp.Basic) and not v.free_symbols and (v == 0 or v.is_zero is True)


def _not_a_real(v) -> bool:
    """Certainly not a real number: 1/0, log(0), log(-1), sqrt(-1)."""
    if not isinstance(v, sp.Basic) or v.free_symbols or v.has(sp.Function) and not v.is_number:
        return False
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return True
    try:
        im = sp.im(v).evalf(30, strict=True)
    except (sp.PrecisionExhausted, ZeroDivisionError, TypeError, ValueError):
        return False
    return bool(im.is_Number and abs(im) > sp.Float(10) ** -20)


def _certainly_nonzero(v) -> bool:
    n = value_at(v, {})
    return n is not None and n.is_Number and abs(n) > sp.Float(10) ** -20


OPERATIONS = {
    "div": lambda d: sp.Pow(d, -1),
    "log": sp.log,
    "sqrt": sp.sqrt,
    "pow": sp.Pow,
    "tan": sp.tan,
}


def _wrt_symbols(d) -> list:
    if d is None or d.wrt is None:
        return []
    return list(d.wrt) if is_matrix(d.wrt) else [d.wrt]


def undefined_at(p: Partial, point: dict, partials: list) -> Optional[str]:
    """Why the operation p is undefined at point (a full, exact point), or None."""
    vals = [_exact(a, point) for a in p.args]
    if p.kind in OPERATIONS:
        if _not_a_real(OPERATIONS[p.kind](*vals)):
            return _words(p, vals)
        # Under a derivative a square root or real power must be defined on both sides.
        if p.under and p.kind in ("sqrt", "pow") and _is_zero(vals[0]):
            for x in _wrt_symbols(p.under[-1]):
                if _certainly_nonzero(_exact(sp.diff(p.args[0], x), point)):
                    return (f"{show(p.node)} is undefined on one side of the point, so it has no derivative "
                            f"by {x.name} there")
        return None
    if p.kind == "kink" and _is_zero(vals[0]):
        return _kink_breaks(p, point, partials)
    return None


def _words(p: Partial, vals: list) -> str:
    text = show(p.node)
    if p.kind == "div":
        return f"division by zero in {text}"
    if p.kind == "log":
        return f"log of {_number(vals[0])} in {text}"
    if p.kind == "sqrt":
        return f"square root of {_number(vals[0])} in {text}"
    if p.kind == "tan":
        return f"tan at {_number(vals[0])} in {text}"
    base, e = vals
    if _is_zero(base):
        return f"0 to the power {_number(e)} in {text}"
    return f"{_number(base)} to the power {_number(e)} in {text}"


def _number(v) -> str:
    if isinstance(v, sp.Rational):
        return show_number(v)
    if isinstance(v, sp.Basic) and v.is_number:
        return show_number(v)
    return "a value"


def _branch(node, t: int):
    """The expression a kink node equals where its argument has sign t."""
    if isinstance(node, A.Card):
        return node.operand if t > 0 else A.Neg(node.operand, span=node.span)
    name, args = node.func.id, node.args
    if name in ("abs", "norm"):
        return args[0] if t > 0 else A.Neg(args[0], span=node.span)
    if name == "relu":
        return args[0] if t > 0 else A.Num(Fraction(0), "0", span=node.span)
    if name == "sign":
        return A.Num(Fraction(t), str(t), span=node.span)
    if name == "max":
        return args[0] if t > 0 else args[1]
    return args[1] if t > 0 else args[0]  # min


def _kink_breaks(p: Partial, point: dict, partials: list) -> Optional[str]:
    """A kink at the point (its argument is 0 there): refuted only when the
    one-sided derivatives of the differentiated expression differ by a
    certified amount.  Where the argument's slope is 0 nothing is concluded."""
    d = p.under[-1]
    if d.wrt is None:
        return None
    if any(k not in d.env or d.env[k] is not v for k, v in p.env.items()):
        return None  # the kink sits under a binder inside the derivative: one node, many kinks
    others = [q for q in partials if q.kind == "kink" and q.under and q.under[-1] is d and q.node != p.node
              and _is_zero(_exact(q.args[0], point))]
    if others:
        return None
    body = Translator(d.env)(d.body)
    for x in _wrt_symbols(d):
        slope = _exact(sp.diff(p.args[0], x), point)
        if not _certainly_nonzero(slope):
            continue
        sign = 1 if value_at(slope, {}) > 0 else -1
        right = Translator(d.env)(A.rebuild(d.body, lambda n: _branch(n, sign) if n == p.node else None))
        left = Translator(d.env)(A.rebuild(d.body, lambda n: _branch(n, -sign) if n == p.node else None))
        pairs = [(body, right), (left, right)] + [(sp.diff(left, x, j), sp.diff(right, x, j))
                                                  for j in range(1, d.order + 1)]
        for a, b in pairs:
            entries = zip(list(a), list(b)) if is_matrix(a) else [(a, b)]
            if any(_certainly_nonzero(_exact(u - v, point)) for u, v in entries):
                name = p.node.func.id if isinstance(p.node, A.Call) else "abs"
                return f"{name} is not differentiable at {_point_words(point, x)} (in {show(p.node)})"
    return None


def _point_words(point: dict, x) -> str:
    return f"{x.name} = {_number(point.get(x, x))}"


# ------------------------------------------------------------- verdicts


def _recheck(claim: Claim, values: dict, sides: list, premises: list, p: Partial, full: dict,
             table: Optional[dict] = None) -> bool:
    """Translate again from the tree (with the same concrete functions) and
    evaluate at the point: the hypotheses hold there exactly and the same
    operation is undefined there."""
    got = _translate(claim, values, sides, premises, table)
    if got is None:
        return False
    inst, partials = got
    named = {s.name: v for s, v in full.items()}
    concrete = {s: named[s.name] for s in I.all_symbols(inst) if s.name in named}
    if len(concrete) != len(I.all_symbols(inst)) or not I.conditions_hold(inst, concrete):
        return False
    for sym, expr in inst.solved.items():
        if not _is_zero(sp.expand(_exact(sym - expr, concrete))):
            return False
    if outside_domain(claim, inst.env, concrete):
        return False
    return any(q.node is p.node and q.kind == p.kind and undefined_at(q, concrete, partials) for q in partials)


def outside_domain(claim: Claim, env: dict, point: dict) -> bool:
    """Whether a `where` hypothesis or an implication's premise is itself
    undefined at the point (full and exact): the point is then not in the
    claim's domain, though SymPy may have made the hypothesis hold there
    (`0*log(x) = 0` is `0 = 0` once built).  Untranslatable counts as outside."""
    premises = list(sides_of(claim.body)[1]) if sides_of(claim.body) else []
    partials: list = []
    rec = Translator(env, partials)

    def visit(node) -> None:
        if isinstance(node, (A.And, A.Or)):
            for o in node.operands:
                visit(o)
        elif isinstance(node, A.Not):
            visit(node.operand)
        elif isinstance(node, A.Compare):
            for o in node.operands:
                rec(o)
        elif isinstance(node, A.Call):
            for a in node.args:
                rec(a)

    try:
        for h in list(claim.hypotheses) + premises:
            visit(h)
        return any(undefined_at(q, point, partials) is not None for q in partials)
    except (Untranslatable, TypeError, ValueError, ZeroDivisionError):
        return True


def _bound_values(p: Partial, inst: I.Instance) -> str:
    """The values of sum indices at the failing term: ` (k = 2)`."""
    names = [f"{k} = {v}" for k, v in (p.env or {}).items()
             if k not in inst.env and isinstance(v, (int, sp.Integer))]
    return f" ({', '.join(names)})" if names else ""


def _refuted(claim: Claim, inst: I.Instance, side: Side, full: dict, why: str, bound: str = "",
             functions: Optional[dict] = None) -> Outcome:
    point = I.witness(claim, inst, full)
    at = " at " + ", ".join(f"{k} = {v}" for k, v in point.items()) if point else ""
    if functions:
        at = " for " + ", ".join(functions.values()) + at
    return Outcome(Verdict.REFUTED, method=METHOD + ", re-checked", witness={**(functions or {}), **point},
                   reason=f"{side.words} is undefined{at}: {why}{bound}")
