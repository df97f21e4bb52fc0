"""A formula of one concrete instance as a tree of exact atoms, for the
logic around identities: `and`, `or`, `not`, `->`, `<->` of comparisons,
vector `=` (every entry) and `!=` (some entry), and a `forall`/`exists` over
a finite range of integers (a conjunction/disjunction of its instances).

Two ways to judge the tree, each independent of the other:

- `value_at` evaluates it at an exact point in three values (Kleene): an atom
  is True or False only when its two sides are exact rationals compared
  exactly, or differ by more than 1e-20 at 30 certified digits; a side that
  is not a real number there, or two sides equal to 30 digits but not
  exactly, leave the atom undecided (None).  `or` is False only when every
  disjunct is False, `not` of an undecided atom is undecided: an undecided
  part never makes a formula False.
- `to_z3` translates it for Z3's real arithmetic when every side is a
  polynomial (division by numbers only).  A total function Z3 does not know
  (exp, sin, ...) may be replaced by a fresh real (`abstract=True`; exp by a
  positive one): every model of the original is a model of the abstraction,
  so `unsat` still proves, while a model then proves nothing and is never
  used as a counterexample.  Roots, powers with a variable base and a
  fractional or negative exponent, and every partial function make the
  translation fail (`NotInZ3`): the caller is then `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Union

import sympy as sp

from prove import ast as A
from prove.backends import internal
from prove.backends.identity.exact import value_at as _certified
from prove.backends.identity.instances import int_value
from prove.backends.identity.sympy_translate import ToSympy, Untranslatable, is_matrix

TOL = sp.Float(10) ** -20


@dataclass(frozen=True)
class LogicAtom:
    lhs: object
    rel: str
    rhs: object


@dataclass(frozen=True)
class Connective:
    """A connective: `and`, `or` over parts; `not` and `iff` over one and two."""

    op: str
    parts: tuple


Prop = Union[LogicAtom, Connective, bool]


class NotInZ3(Exception):
    """The formula has a part Z3's real arithmetic cannot take exactly."""


# ------------------------------------------------------------ translation


def translate(node: A.Expr, tr: ToSympy) -> Prop:
    """The formula of `node` under the instance's translator."""
    if isinstance(node, A.And):
        return Connective("and", tuple(translate(o, tr) for o in node.operands))
    if isinstance(node, A.Or):
        return Connective("or", tuple(translate(o, tr) for o in node.operands))
    if isinstance(node, A.Not):
        return Connective("not", (translate(node.operand, tr),))
    if isinstance(node, A.Implies):
        return Connective("or", (Connective("not", (translate(node.left, tr),)), translate(node.right, tr)))
    if isinstance(node, A.Iff):
        return Connective("iff", (translate(node.left, tr), translate(node.right, tr)))
    if isinstance(node, A.Quant):
        return _finite_quant(node, tr)
    if (isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id == "invertible"
            and len(node.args) == 1):
        m = tr(node.args[0])
        return LogicAtom(m.det() if is_matrix(m) else m, "!=", sp.Integer(0))
    if isinstance(node, A.Compare):
        sides = [tr(o) for o in node.operands]
        return Connective("and", tuple(_pair(a, op, b) for op, a, b in zip(node.ops, sides, sides[1:])))
    raise Untranslatable(f"{type(node).__name__} is not a formula the logic check takes")


def _pair(a, op: str, b) -> Prop:
    if not (is_matrix(a) or is_matrix(b)):
        return LogicAtom(a, op, b)
    if not (is_matrix(a) and is_matrix(b)) or a.shape != b.shape:
        raise Untranslatable("vectors and matrices are compared with one of the same shape")
    if op == "=":
        return Connective("and", tuple(LogicAtom(x, "=", y) for x, y in zip(a, b)))
    if op == "!=":  # two vectors differ when some entry does
        return Connective("or", tuple(LogicAtom(x, "!=", y) for x, y in zip(a, b)))
    raise Untranslatable(f"`{op}` compares numbers, not vectors or matrices")


def _finite_quant(node: A.Quant, tr: ToSympy) -> Prop:
    """`forall k in 1..n: P` as P(1) and ... and P(n); `exists` as an `or`."""
    if node.kind not in ("forall", "exists"):
        raise Untranslatable(f"`{node.kind}` inside a formula is not taken by the logic check")
    parts: list = []

    def expand(i: int, t: ToSympy) -> None:
        if i == len(node.binders):
            parts.append(translate(node.body, t))
            return
        b = node.binders[i]
        if b.kind != "in" or not isinstance(b.domain, A.Range):
            raise Untranslatable("a quantifier inside a formula must range over integers `k in a..b`; "
                                 "a real one can stand at the front of the claim or of a conjunct")
        low, high = int_value(b.domain.low, t.env), int_value(b.domain.high, t.env)
        if high - low > 64:
            raise Untranslatable(f"the range of {b.name} is too long to expand")
        for k in range(low, high + 1):
            inner = t.child({b.name: k})
            if b.where is None:
                expand(i + 1, inner)
                continue
            before = len(parts)
            expand(i + 1, inner)
            cond = translate(b.where, inner)
            body = Connective("and", tuple(parts[before:]))
            del parts[before:]
            parts.append(Connective("or", (Connective("not", (cond,)), body)) if node.kind == "forall"
                         else Connective("and", (cond, body)))

    expand(0, tr)
    return Connective("and" if node.kind == "forall" else "or", tuple(parts))


# ------------------------------------------------------ three-valued value


def _exact(e, point: dict):
    v = (e if isinstance(e, sp.Basic) else sp.Integer(e)).xreplace(point)
    return v if isinstance(v, sp.Rational) else None


def atom_at(atom: LogicAtom, point: dict) -> Optional[bool]:
    a, b = _exact(atom.lhs, point), _exact(atom.rhs, point)
    if a is not None and b is not None:  # exact rationals: compared exactly, 0 included
        return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[atom.rel]
    va, vb = _certified(atom.lhs, point), _certified(atom.rhs, point)
    if va is None or vb is None or not (va.is_Number and vb.is_Number):
        return None
    diff = va - vb
    if abs(diff) <= TOL:
        return None  # equal to 30 digits is no proof of equality, nor of a strict order
    return {"=": False, "!=": True, "<": diff < 0, "<=": diff < 0, ">": diff > 0, ">=": diff > 0}[atom.rel]


def value_at(p: Prop, point: dict) -> Optional[bool]:
    """Kleene's three values at an exact point (see the module docstring)."""
    if isinstance(p, bool):
        return p
    if isinstance(p, LogicAtom):
        return atom_at(p, point)
    vals = [value_at(q, point) for q in p.parts]
    if p.op == "not":
        return None if vals[0] is None else not vals[0]
    if p.op == "iff":
        return None if None in vals else vals[0] == vals[1]
    if p.op == "and":
        return False if False in vals else (None if None in vals else True)
    return True if True in vals else (None if None in vals else False)


def why_false(p: Prop, point: dict, most: int = 4) -> str:
    """What each comparison of p is at point, in the claim language: why the formula is false there."""
    from prove.backends.identity.exact import show_expr
    said, seen = [], set()
    for a in atoms(p):
        text = f"{show_expr(a.lhs)} {a.rel} {show_expr(a.rhs)}"
        value = atom_at(a, point)
        if text in seen or value is None:
            continue
        seen.add(text)
        said.append(f"{text} is {'true' if value else 'false'}")
    if not said:
        return "the formula is false here"
    return "here " + ", ".join(said[:most]) + (", ..." if len(said) > most else "")


def atoms(p: Prop) -> list:
    if isinstance(p, LogicAtom):
        return [p]
    if isinstance(p, Connective):
        return [a for q in p.parts for a in atoms(q)]
    return []


def symbols_of(p: Prop) -> set:
    out: set = set()
    for a in atoms(p):
        for side in (a.lhs, a.rhs):
            if isinstance(side, sp.Basic):
                out |= side.free_symbols
    return out


# ------------------------------------------------------------------ Z3


class Z3Form:
    """Translates Props for one solver: one Z3 real per SymPy symbol, one per
    abstracted function application (`abstracted` says whether any was)."""

    def __init__(self, abstract: bool = False):
        import z3
        self.z3 = z3
        self.abstract = abstract
        self.vars: dict = {}  # sympy symbol -> z3 real
        self.fresh: dict = {}  # abstracted sympy term -> z3 real
        self.side: list = []  # facts about abstracted terms (exp(u) > 0)

    @property
    def abstracted(self) -> bool:
        return bool(self.fresh)

    def prop(self, p: Prop):
        z3 = self.z3
        if isinstance(p, bool):
            return z3.BoolVal(p)
        if isinstance(p, LogicAtom):
            a, b = self.term(p.lhs), self.term(p.rhs)
            return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[p.rel]
        parts = [self.prop(q) for q in p.parts]
        if p.op == "not":
            return z3.Not(parts[0])
        if p.op == "iff":
            return parts[0] == parts[1]
        return z3.And(*parts) if p.op == "and" else z3.Or(*parts)

    def term(self, e):
        z3 = self.z3
        if isinstance(e, int):
            return z3.RealVal(e)
        if isinstance(e, sp.Rational):
            return z3.RealVal(str(Fraction(int(e.p), int(e.q))))
        if isinstance(e, sp.Symbol):
            if e not in self.vars:
                self.vars[e] = z3.Real(internal.name("v", len(self.vars)))
            return self.vars[e]
        if isinstance(e, sp.Add):
            return z3.Sum(*[self.term(a) for a in e.args])
        if isinstance(e, sp.Mul):
            out = self.term(e.args[0])
            for a in e.args[1:]:
                out = out * self.term(a)
            return out
        if isinstance(e, sp.Pow):
            base, k = e.args
            if isinstance(k, sp.Integer) and k >= 0:
                b = self.term(base)
                out = z3.RealVal(1)
                for _ in range(int(k)):
                    out = out * b
                return out
            if isinstance(k, sp.Integer) and isinstance(base, sp.Rational) and base != 0:
                return self.term(base ** k)
            raise NotInZ3(f"{e} is not a polynomial")
        if isinstance(e, sp.Abs):
            a = self.term(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, (sp.Max, sp.Min)):
            out = self.term(e.args[0])
            for a in e.args[1:]:
                t = self.term(a)
                out = z3.If(t > out, t, out) if isinstance(e, sp.Max) else z3.If(t < out, t, out)
            return out
        if self.abstract and isinstance(e, (sp.exp, sp.sin, sp.cos, sp.atan, sp.tanh, sp.erf)):
            if e not in self.fresh:
                self.fresh[e] = z3.Real(internal.name("u", len(self.fresh)))
                if isinstance(e, sp.exp):
                    self.side.append(self.fresh[e] > 0)
            return self.fresh[e]
        raise NotInZ3(f"{e} is not a polynomial")

    def rational_model(self, model) -> Optional[dict]:
        """The model's values as SymPy rationals, None when one is irrational."""
        out = {}
        for sym, v in self.vars.items():
            val = model.eval(v, model_completion=True)
            if not self.z3.is_rational_value(val):
                return None
            out[sym] = sp.Rational(val.numerator_as_long(), val.denominator_as_long())
        return out
