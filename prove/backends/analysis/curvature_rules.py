"""The rules of the curvature calculus: atoms with their tags, and composition.

An expression's `Info` is its curvature (const, affine, convex, concave or
unknown) and its sign ("+" > 0, "0+" >= 0, "-" < 0, "0-" <= 0, "?"), read
bottom up.  `ATOMS` is the table of tags; every row is checked by an
independent method in tests/test_curvature.py.  The composition rule is
Boyd & Vandenberghe, Convex Optimization (2004), 3.2.4: h convex and, for each
argument, g affine, or g convex where h is nondecreasing, or g concave where h
is nonincreasing.  Monotonicity "sign" means nondecreasing where the argument
is >= 0 and nonincreasing where it is <= 0 (|x|, x^2), so it is used only
when the argument's sign is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sympy as sp

from prove import ast as A


class NotDecided(Exception):
    """The rules do not apply here (no verdict from them)."""


class OutOfDomain(Exception):
    """An atom's argument may leave the atom's domain: the claim must state a domain."""


@dataclass(frozen=True)
class AtomTag:
    """A function with its tag: curvature, monotonicity per argument, domain, sign of its value."""

    curv: str  # convex | concave
    mono: str  # inc | dec | sign | none
    domain: str  # R | x>0 | x>=0
    sign: str  # sign of the value
    text: str  # the definition, as the tests evaluate it


ATOMS = {
    "exp": AtomTag("convex", "inc", "R", "+", "exp(x)"),
    "softplus": AtomTag("convex", "inc", "R", "+", "log(1 + exp(x))"),
    "log": AtomTag("concave", "inc", "x>0", "?", "log(x)"),
    "sqrt": AtomTag("concave", "inc", "x>=0", "0+", "sqrt(x)"),
    "abs": AtomTag("convex", "sign", "R", "0+", "|x|"),
    "relu": AtomTag("convex", "inc", "R", "0+", "max(0, x)"),
    "square": AtomTag("convex", "sign", "R", "0+", "x^2 (and x^k, k even)"),
    "odd power": AtomTag("convex", "inc", "x>=0", "0+", "x^k, k odd >= 3, for x >= 0"),
    "inverse": AtomTag("convex", "dec", "x>0", "+", "1/x"),
    "entropy": AtomTag("convex", "none", "x>0", "?", "x*log(x)"),
    "quad_over_lin": AtomTag("convex", "none", "y>0", "0+", "x^2/y"),
    "max": AtomTag("convex", "inc", "R", "?", "max(x, y)"),
    "min": AtomTag("concave", "inc", "R", "?", "min(x, y)"),
    "logsumexp": AtomTag("convex", "inc", "R", "?", "log(sum_k exp(z_k))"),
    "norm": AtomTag("convex", "sign", "R", "0+", "sqrt(sum_k z_k^2)"),
    "log_softmax": AtomTag("concave", "none", "R", "0-", "log(softmax(z)[i]) = z_i - logsumexp(z)"),
}

CONSTANT_VALUE = {
    "exp": sp.exp, "softplus": lambda x: sp.log(1 + sp.exp(x)), "log": sp.log, "sqrt": sp.sqrt,
    "abs": sp.Abs, "relu": lambda x: sp.Max(0, x), "square": lambda x: x ** 2, "inverse": lambda x: 1 / x,
    "max": sp.Max, "min": sp.Min,
}

_FLIP_CURV = {"convex": "concave", "concave": "convex"}
_FLIP_SIGN = {"+": "-", "0+": "0-", "-": "+", "0-": "0+", "0": "0", "?": "?"}


@dataclass(frozen=True)
class Info:
    curv: str
    sign: str
    value: Optional[sp.Expr] = None  # the exact value of a constant


@dataclass(frozen=True)
class VecInfo:
    """A vector: its entries, or (size unknown, `R^n`) one Info that every entry has."""

    entries: Optional[tuple] = None
    uniform: Optional[Info] = None

    def all(self) -> list:
        return list(self.entries) if self.entries is not None else [self.uniform]


def _const(v) -> Info:
    v = sp.nsimplify(v) if not isinstance(v, sp.Basic) else v
    if v.is_extended_real is not True or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise OutOfDomain(f"the constant {v} is not a real number")
    s = "0" if v == 0 else "+" if v.is_positive else "-" if v.is_negative else "?"
    return Info("const", s, v)


def read_domain(lam: A.Lambda) -> dict:
    """`on x > 0 and y >= 1`: param -> list of (op, rational bound).  Only bounds on single
    variables are read (such a set is convex); anything else decides nothing."""
    out: dict = {p: [] for p in lam.params}
    if lam.domain is None:
        return out
    parts = lam.domain.operands if isinstance(lam.domain, A.And) else (lam.domain,)
    for part in parts:
        if not isinstance(part, A.Compare):
            raise NotDecided("a domain is read here as bounds on the variables, as in `on x > 0`")
        for op, left, right in zip(part.ops, part.operands, part.operands[1:]):
            flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
            if isinstance(left, A.Name) and left.id in out and _num(right) is not None and op in flip:
                out[left.id].append((op, _num(right)))
            elif isinstance(right, A.Name) and right.id in out and _num(left) is not None and op in flip:
                out[right.id].append((flip[op], _num(left)))
            else:
                raise NotDecided("a domain is read here as bounds on the variables, as in `on x > 0`")
    return out


def _num(node) -> Optional[sp.Rational]:
    if isinstance(node, A.Num):
        return sp.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, A.Neg) and isinstance(node.operand, A.Num):
        return -_num(node.operand)
    return None


def _bound_sign(bounds) -> str:
    lo = [(c, op == ">") for op, c in bounds if op in (">", ">=")]
    hi = [(c, op == "<") for op, c in bounds if op in ("<", "<=")]
    if any(c > 0 or (c == 0 and strict) for c, strict in lo):
        return "+"
    if any(c >= 0 for c, _ in lo):
        return "0+"
    if any(c < 0 or (c == 0 and strict) for c, strict in hi):
        return "-"
    if any(c <= 0 for c, _ in hi):
        return "0-"
    return "?"


class CurvatureRules:
    """Infos of the sub-expressions of one function; `used` names the rules a proof used."""

    def __init__(self, lam: A.Lambda, domain: dict):
        self.env: dict = {}
        spaces = lam.spaces or (None,) * len(lam.params)
        for p, space in zip(lam.params, spaces):
            if space is None or (isinstance(space, A.Space) and not space.shape):
                self.env[p] = Info("affine", _bound_sign(domain.get(p, ())))
            elif isinstance(space, A.Space) and len(space.shape) == 1:
                dim = space.shape[0]
                entry = Info("affine", "?")
                self.env[p] = VecInfo(entries=(entry,) * dim) if isinstance(dim, int) else VecInfo(uniform=entry)
            else:
                raise NotDecided("the rules take real and vector variables")
        self.used: list = []

    def note(self, rule: str) -> None:
        if rule not in self.used:
            self.used.append(rule)

    # ------------------------------------------------------------ walking
    def scalar(self, e) -> Info:
        v = self.value(e)
        if isinstance(v, VecInfo):
            raise NotDecided("a vector where a number is expected")
        return v

    def vector(self, e) -> VecInfo:
        v = self.value(e)
        if not isinstance(v, VecInfo):
            raise NotDecided("a number where a vector is expected")
        return v

    def value(self, e):
        method = getattr(self, "v_" + type(e).__name__, None)
        if method is None:
            raise NotDecided(f"the rules have no case for {type(e).__name__}")
        return method(e)

    def v_Num(self, e):
        return _const(sp.Rational(e.value.numerator, e.value.denominator))

    def v_Name(self, e):
        if e.id in self.env:
            return self.env[e.id]
        if e.id == "pi":
            return _const(sp.pi)
        if e.id == "e":
            return _const(sp.E)
        raise NotDecided(f"{e.id} is not a variable of the function")

    def v_Neg(self, e):
        return self.scale(sp.Integer(-1), self.value(e.operand))

    def v_ListLit(self, e):
        items = [self.value(i) for i in e.items]
        if all(isinstance(i, Info) for i in items):
            return VecInfo(entries=tuple(items))
        if all(isinstance(i, VecInfo) and i.entries is not None for i in items):
            return ("matrix", tuple(i.entries for i in items))
        raise NotDecided("a list of vectors of unknown size")

    def v_Index(self, e):
        base = self.vector(e.base)
        if len(e.indices) != 1:
            raise NotDecided("matrix entries")
        if base.entries is None:
            return base.uniform
        k = self.scalar(e.indices[0])
        if k.curv != "const" or not (k.value.is_Integer and 1 <= k.value <= len(base.entries)):
            raise NotDecided("an index must be a constant in range")
        return base.entries[int(k.value) - 1]

    def v_BinOp(self, e):
        op = e.op
        if op in ("+", "-"):
            a, b = self.value(e.left), self.value(e.right)
            if op == "-":
                b = self.scale(sp.Integer(-1), b)
            if isinstance(a, VecInfo) and isinstance(b, VecInfo) and a.entries is not None \
                    and b.entries is not None and len(a.entries) == len(b.entries):
                return VecInfo(entries=tuple(self.add(x, y) for x, y in zip(a.entries, b.entries)))
            if isinstance(a, Info) and isinstance(b, Info):
                return self.add(a, b)
            raise NotDecided("sums of vectors of unknown or different sizes")
        if op == "*":
            return self.product(e)
        if op == "/":
            return self.quotient(e)
        if op in ("^", "**"):
            return self.power(e)
        if op == "@":
            return self.matmul(e)
        raise NotDecided(f"the operator {op}")

    def v_Call(self, e):
        if not isinstance(e.func, A.Name):
            raise NotDecided("a call of a function value")
        name = e.func.id
        method = getattr(self, "f_" + name, None)
        if method is None:
            raise NotDecided(f"{name} has no curvature tag")
        return method(e)

    # ----------------------------------------------------------- algebra
    def add(self, a: Info, b: Info) -> Info:
        if a.curv == "const" and b.curv == "const":
            return _const(a.value + b.value)
        order = {"const": 0, "affine": 1}
        curvs = {a.curv, b.curv} - {"const", "affine"}
        if not curvs:
            curv = "affine"
        elif len(curvs) == 1 and "unknown" not in curvs:
            curv = curvs.pop()
        else:
            curv = "unknown"
        if curv != "unknown" and order.get(a.curv, 2) + order.get(b.curv, 2) > 1:
            self.note("sum")
        return Info(curv, _add_sign(a.sign, b.sign))

    def scale(self, c, a):
        if isinstance(a, VecInfo):
            return VecInfo(entries=tuple(self.scale(c, x) for x in a.entries)) if a.entries is not None \
                else VecInfo(uniform=self.scale(c, a.uniform))
        if a.curv == "const":
            return _const(c * a.value)
        if c == 0:
            return _const(sp.Integer(0))
        if c.is_positive:
            if a.curv not in ("affine",):
                self.note("nonnegative multiple")
            return Info(a.curv, a.sign)
        if c.is_negative:
            if a.curv in _FLIP_CURV:
                self.note("negative multiple flips curvature")
            return Info(_FLIP_CURV.get(a.curv, a.curv), _FLIP_SIGN[a.sign])
        raise NotDecided("a constant of unknown sign")

    def product(self, e):
        left, right = e.left, e.right
        for x, y in ((left, right), (right, left)):
            if isinstance(y, A.Call) and isinstance(y.func, A.Name) and y.func.id in ("log", "ln") \
                    and y.args[0] == x:
                arg = self.scalar(x)
                return self.apply("entropy", [arg])
        a, b = self.value(left), self.value(right)
        if isinstance(a, Info) and a.curv == "const":
            return self.scale(a.value, b)
        if isinstance(b, Info) and b.curv == "const":
            return self.scale(b.value, a)
        if left == right:
            return self.apply("square", [a])
        raise NotDecided("a product of two non-constant terms")

    def quotient(self, e):
        b = self.scalar(e.right)
        if b.curv != "const" and isinstance(e.left, A.BinOp) and e.left.op in ("^", "**") \
                and self._exponent(e.left) == 2:
            return self.apply("quad_over_lin", [self.scalar(e.left.left), b])
        a = self.value(e.left)
        if b.curv == "const":
            if b.value == 0:
                raise OutOfDomain("division by zero")
            return self.scale(1 / b.value, a)
        if isinstance(a, Info) and a.curv == "const":
            return self.scale(a.value, self.apply("inverse", [b]))
        raise NotDecided("a quotient of two non-constant terms")

    def _exponent(self, e) -> Optional[sp.Rational]:
        k = self.value(e.right)
        return k.value if isinstance(k, Info) and k.curv == "const" and k.value.is_Rational else None

    def power(self, e):
        k = self._exponent(e)
        base = self.scalar(e.left)
        if k is None:
            raise NotDecided("a power with a non-constant exponent")
        if base.curv == "const":
            return _const(base.value ** k)
        if k == 0:
            return _const(sp.Integer(1))
        if k == 1:
            return base
        if k.is_Integer and k > 0 and k % 2 == 0:
            return self.apply("square", [base])
        if k.is_Integer and k > 0:
            if base.sign in ("+", "0+", "0"):
                return self.apply("odd power", [base])
            raise NotDecided(f"x^{k} is convex only where x >= 0")
        if k == -1:
            return self.apply("inverse", [base])
        if k == sp.Rational(1, 2):
            return self.apply("sqrt", [base])
        raise NotDecided(f"the power {k}")

    def matmul(self, e):
        m = self.value(e.left)
        v = self.vector(e.right)
        if not (isinstance(m, tuple) and m[0] == "matrix") or v.entries is None:
            raise NotDecided("a matrix product other than a constant matrix times a vector")
        rows = m[1]
        if any(x.curv != "const" for row in rows for x in row):
            raise NotDecided("a matrix with non-constant entries")
        out = []
        for row in rows:
            if len(row) != len(v.entries):
                raise NotDecided("sizes differ")
            total = _const(sp.Integer(0))
            for c, x in zip(row, v.entries):
                total = self.add(total, self.scale(c.value, x))
            out.append(total)
        self.note("affine map")
        return VecInfo(entries=tuple(out))

    # ------------------------------------------------------------- atoms
    def apply(self, name: str, args: list) -> Info:
        """The composition rule for atom `name` at arguments with these Infos."""
        atom = ATOMS[name]
        self._domain(name, atom, args)
        if all(a.curv == "const" for a in args):
            if name not in CONSTANT_VALUE:
                raise NotDecided(f"{name} of a constant")
            return _const(CONSTANT_VALUE[name](*[a.value for a in args]))
        curv = atom.curv
        how = []
        for i, a in enumerate(args):
            mono = self._mono(name, atom, i, a)
            if a.curv in ("const", "affine"):
                how.append("affine argument")
            elif a.curv == curv and mono == "inc":
                how.append(f"nondecreasing of {curv}")
            elif a.curv == _FLIP_CURV[curv] and mono == "dec":
                how.append(f"nonincreasing of {a.curv}")
            else:
                return Info("unknown", atom.sign)
        self.note(f"{name} {curv} (atom)")
        for h in how:
            self.note(h)
        return Info(curv, atom.sign)

    def _mono(self, name, atom, i, a) -> str:
        if name == "quad_over_lin":
            return ("inc" if a.sign in ("+", "0+", "0") else "dec" if a.sign in ("-", "0-") else "none") \
                if i == 0 else "dec"
        if atom.mono == "sign":
            return "inc" if a.sign in ("+", "0+", "0") else "dec" if a.sign in ("-", "0-") else "none"
        return atom.mono

    def _domain(self, name, atom, args) -> None:
        need = {"x>0": ("+",), "x>=0": ("+", "0+", "0"), "y>0": ("+",)}.get(atom.domain)
        if need is None:
            return
        arg = args[1] if atom.domain == "y>0" else args[0]
        if arg.curv == "const":
            ok = arg.value.is_positive if "+" == need[0] and len(need) == 1 else arg.value.is_nonnegative
            if ok:
                return
        elif arg.sign in need:
            return
        where = {"x>0": "positive", "x>=0": "nonnegative", "y>0": "positive"}[atom.domain]
        raise OutOfDomain(f"{ATOMS[name].text} is defined (or convex) only where its "
                          f"{'denominator' if atom.domain == 'y>0' else 'argument'} is {where}, and that does "
                          "not follow from the function's domain: state it, as in `convex(-log(x), on x > 0)`")

    def _one(self, e) -> Info:
        if len(e.args) != 1:
            raise NotDecided(f"{e.func.id} with {len(e.args)} arguments")
        return self.scalar(e.args[0])

    def f_exp(self, e):
        return self.apply("exp", [self._one(e)])

    def f_softplus(self, e):
        return self.apply("softplus", [self._one(e)])

    def f_log(self, e):
        arg = e.args[0]
        if isinstance(arg, A.Index) and isinstance(arg.base, A.Call) and isinstance(arg.base.func, A.Name) \
                and arg.base.func.id == "softmax":
            v = self.vector(arg.base.args[0])
            if all(x.curv in ("const", "affine") for x in v.all()):
                self.note("log_softmax concave (atom)")
                self.note("affine argument")
                return Info("concave", "0-")
            raise NotDecided("log(softmax(v)[i]) with a non-affine v")
        return self.apply("log", [self._one(e)])

    f_ln = f_log

    def f_sqrt(self, e):
        return self.apply("sqrt", [self._one(e)])

    def f_abs(self, e):
        return self.apply("abs", [self._one(e)])

    def f_relu(self, e):
        return self.apply("relu", [self._one(e)])

    def f_max(self, e):
        return self.apply("max", [self.scalar(a) for a in e.args])

    def f_min(self, e):
        return self.apply("min", [self.scalar(a) for a in e.args])

    def f_logsumexp(self, e):
        v = self.vector(e.args[0])
        return self.apply("logsumexp", v.all())

    def f_norm(self, e):
        v = self.value(e.args[0])
        return self.apply("norm", v.all() if isinstance(v, VecInfo) else [v])

    def f_sum(self, e):
        if len(e.args) != 1:
            raise NotDecided("sums over an index")
        v = self.vector(e.args[0])
        if v.entries is None:
            if v.uniform.curv in ("const", "affine"):
                return Info("affine", "?")
            return Info(v.uniform.curv if v.uniform.curv in _FLIP_CURV else "unknown", "?")
        total = _const(sp.Integer(0))
        for x in v.entries:
            total = self.add(total, x)
        return total


def _add_sign(a: str, b: str) -> str:
    if a == "0":
        return b
    if b == "0":
        return a
    if a in ("+", "0+") and b in ("+", "0+"):
        return "+" if "+" in (a, b) else "0+"
    if a in ("-", "0-") and b in ("-", "0-"):
        return "-" if "-" in (a, b) else "0-"
    return "?"
