"""The audit's own reading of a claim: syntax tree -> SymPy values and a formula.

Written from the language reference, node by node, sharing no code with the
backends' translation.  Every variable is a fresh `Dummy` (no name a claim
can spell), sizes and indices are concrete, sums are expanded, and
derivatives are taken once, symbolically, so that points only substitute
numbers.  The definedness conditions of each atom (denominators non-zero,
log arguments positive, sqrt arguments non-negative, no kink where a
derivative is taken) are read here from the tree, before SymPy evaluates
anything, and travel with the atom: a point where one fails is outside the
claim's meaning and is skipped, never counted as agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional, Union

import sympy as sp

from prove import ast as A


class NotAudited(Exception):
    """The claim uses something the audit does not evaluate; the reason says what."""


# ------------------------------------------------------------------- values


@dataclass(frozen=True)
class Vec:
    items: tuple


@dataclass(frozen=True)
class Mat:
    rows: tuple  # of tuples

    @property
    def shape(self) -> tuple:
        return len(self.rows), len(self.rows[0])


@dataclass(frozen=True)
class Fn:
    """A concrete function: params are Dummies, body a scalar, Vec or Mat in them."""

    params: tuple
    body: object
    conds: tuple = ()
    text: str = ""  # its definition in the claim language, for a witness

    def apply(self, args: list) -> tuple:
        if len(args) == 1 and isinstance(args[0], Vec) and len(self.params) > 1:
            args = list(args[0].items)
        if len(args) != len(self.params) or not all(isinstance(a, sp.Basic) for a in args):
            raise NotAudited("a function applied to arguments of another shape")
        mapping = dict(zip(self.params, args))
        return _map(self.body, lambda e: e.xreplace(mapping)), tuple(
            (k, e.xreplace(mapping)) for k, e in self.conds)


Value = Union[sp.Basic, Vec, Mat, Fn, int]


def _map(v, f: Callable):
    if isinstance(v, Vec):
        return Vec(tuple(f(x) for x in v.items))
    if isinstance(v, Mat):
        return Mat(tuple(tuple(f(x) for x in row) for row in v.rows))
    return f(v)


def entries(v) -> list:
    if isinstance(v, Vec):
        return list(v.items)
    if isinstance(v, Mat):
        return [x for row in v.rows for x in row]
    return [v]


# ----------------------------------------------------------------- formulas


@dataclass(frozen=True)
class Atom:
    """Comparisons that must all hold (or, with any_ne, one `!=` that must)."""

    pairs: tuple  # (op, a, b) with SymPy scalars
    conds: tuple  # (kind, expr): kind "pos" | "nonneg" | "nonzero"
    label: str = ""
    any_ne: bool = False


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Conn:
    kind: str  # and | or | not | implies | iff
    parts: tuple


@dataclass(frozen=True)
class Pred:
    """A predicate on a function of one variable (or on a matrix), decided exactly."""

    name: str
    fn: Optional[Fn]
    point: object
    conds: tuple = ()


Formula = Union[Atom, Const, Conn, Pred]

POINT_PREDICATES = {"stationary", "local_min", "strict_local_min", "local_max", "strict_local_max",
                    "global_min", "global_max", "saddle"}
FUNCTION_PREDICATES = {"convex", "concave", "strictly_convex", "strictly_concave"}
MATRIX_PREDICATES = {"psd", "pd", "nsd", "nd"}
KINKS = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Heaviside)


def _scalar(v, what: str = "a number"):
    if isinstance(v, bool) or not isinstance(v, (sp.Basic, int)):
        raise NotAudited(f"expected {what}")
    return sp.Integer(v) if isinstance(v, int) else v


def _numbers(op: str, a, b):
    """Arithmetic on two exact numbers, done at once (construction is unevaluated)."""
    if not all(isinstance(v, int) or (isinstance(v, sp.Basic) and v.is_Rational) for v in (a, b)):
        return None
    x, y = (Fraction(int(v)) if isinstance(v, int) else Fraction(int(v.p), int(v.q)) for v in (a, b))
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/" and y != 0:
        r = x / y
    elif op == "^" and y.denominator == 1 and (x != 0 or y >= 0) and abs(y) <= 64:
        r = x ** int(y)
    else:
        return None
    return sp.Rational(r.numerator, r.denominator)


def _int(v) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, sp.Basic) and v.is_Integer:
        return int(v)
    raise NotAudited("an index or size that is not a concrete whole number")


class Translator:
    """Translates expressions and formulas under an environment of values."""

    def __init__(self, env: dict):
        self.env = dict(env)
        self.conds: list = []
        self.diff_depth = 0
        self.dmemo: dict = {}  # symbol -> {expression: derivative}, shared by every derivative here

    # ------------------------------------------------------------ formulas
    def formula(self, e: A.Expr, label: str = "") -> Formula:
        if isinstance(e, A.Compare):
            return self._compare(e, label)
        if isinstance(e, A.And):
            return Conn("and", tuple(self.formula(o, label) for o in e.operands))
        if isinstance(e, A.Or):
            return Conn("or", tuple(self.formula(o, label) for o in e.operands))
        if isinstance(e, A.Not):
            return Conn("not", (self.formula(e.operand, label),))
        if isinstance(e, A.Implies):
            return Conn("implies", (self.formula(e.left, label), self.formula(e.right, label)))
        if isinstance(e, A.Iff):
            return Conn("iff", (self.formula(e.left, label), self.formula(e.right, label)))
        if isinstance(e, A.Call) and isinstance(e.func, A.Name):
            name = e.func.id
            if name in POINT_PREDICATES | FUNCTION_PREDICATES | MATRIX_PREDICATES:
                return self._predicate(name, e)
            if name == "invertible":
                saved, self.conds = self.conds, []
                d = self._det(self._matrix(self.value(e.args[0])))
                conds, self.conds = tuple(self.conds), saved
                return Atom((("!=", d, sp.Integer(0)),), conds, label)
            if name == "symmetric":
                m = self._matrix(self.value(e.args[0]))
                pairs = tuple(("=", m.rows[i][j], m.rows[j][i]) for i in range(len(m.rows))
                              for j in range(i + 1, len(m.rows)))
                return Atom(pairs, (), label) if pairs else Const(True)
        if isinstance(e, A.Quant):
            raise NotAudited("a quantifier inside the claim")
        raise NotAudited(f"the formula {type(e).__name__}")

    def _compare(self, e: A.Compare, label: str) -> Formula:
        saved, self.conds = self.conds, []
        values = [self.value(o) for o in e.operands]
        conds, self.conds = tuple(self.conds), saved
        pairs, plain, any_ne = [], [], False
        for op, a, b in zip(e.ops, values, values[1:]):
            if isinstance(a, int) and isinstance(b, int):
                plain.append({"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                              ">": a > b, ">=": a >= b}[op])
                continue
            xs, ys = self._sides(a, b)
            if op == "!=" and len(xs) > 1:
                if len(e.ops) > 1:
                    raise NotAudited("`!=` between vectors inside a chain")
                any_ne = True
            pairs.extend((op, x, y) for x, y in zip(xs, ys))
        if not all(plain):
            return Const(False)
        if not pairs:
            return Const(True)
        return Atom(tuple(pairs), conds, label, any_ne)

    def _sides(self, a, b) -> tuple:
        if isinstance(a, Fn) or isinstance(b, Fn):
            raise NotAudited("a comparison between functions")
        xa, xb = entries(a), entries(b)
        if len(xa) == 1 and len(xb) > 1:
            xa = xa * len(xb)
        elif len(xb) == 1 and len(xa) > 1:
            xb = xb * len(xa)
        if len(xa) != len(xb):
            raise NotAudited("sides of different shapes")
        return [_scalar(x) for x in xa], [_scalar(y) for y in xb]

    def _predicate(self, name: str, e: A.Call) -> Formula:
        saved, self.conds = self.conds, []
        if name in MATRIX_PREDICATES:
            m = self.value(e.args[0])
            conds, self.conds = tuple(self.conds), saved
            if isinstance(m, Mat) and m.shape[0] != m.shape[1]:
                raise NotAudited(f"{name} of a matrix that is not square")
            return Pred(name, None, m if isinstance(m, Mat) else _scalar(m), conds)
        fn = self.value(e.args[0])
        if not isinstance(fn, Fn):
            raise NotAudited(f"{name} of something that is not a function")
        if len(fn.params) != 1 or not isinstance(fn.body, sp.Basic):
            raise NotAudited(f"{name} of a function of several variables")
        if not fn.body.is_polynomial(fn.params[0]):
            raise NotAudited(f"{name} of a function that is not a polynomial")
        point = None
        if name in POINT_PREDICATES:
            point = self.value(e.args[1])
            if isinstance(point, Vec) and len(point.items) == 1:
                point = point.items[0]
            point = _scalar(point, "a point on the line")
        conds, self.conds = tuple(self.conds) + fn.conds, saved
        return Pred(name, fn, point, conds)

    # ---------------------------------------------------------- expressions
    def value(self, e: A.Expr) -> Value:
        method = getattr(self, "_v_" + type(e).__name__, None)
        if method is None:
            raise NotAudited(f"the expression {type(e).__name__}")
        return method(e)

    def scalar(self, e: A.Expr):
        return _scalar(self.value(e))

    def _v_Num(self, e: A.Num):
        return sp.Rational(e.value.numerator, e.value.denominator)

    def _v_Name(self, e: A.Name):
        if e.id in self.env:
            return self.env[e.id]
        if e.id == "pi":
            return sp.pi
        raise NotAudited(f"the name {e.id}")

    def _v_Neg(self, e: A.Neg):
        v = self.value(e.operand)
        if isinstance(v, int):
            return -v
        return _map(v, lambda x: sp.Rational(-x.p, x.q) if x.is_Rational else -x)

    def _v_Card(self, e: A.Card):
        v = self.scalar(e.operand)
        self._kink(v)
        return sp.Abs(v)

    def _v_ListLit(self, e: A.ListLit):
        items = [self.value(i) for i in e.items]
        if all(isinstance(i, Vec) for i in items):
            return Mat(tuple(i.items for i in items))
        return Vec(tuple(_scalar(i) for i in items))

    def _v_Lambda(self, e: A.Lambda):
        params = tuple(sp.Dummy(p, real=True) for p in e.params)
        inner = Translator({**self.env, **dict(zip(e.params, params))})
        inner.diff_depth = 1  # a function given as an expression may be differentiated
        body = inner.value(e.body)
        return Fn(params, body, tuple(inner.conds))

    def _v_Index(self, e: A.Index):
        base = self.value(e.base)
        idx = [_int(self.value(i)) for i in e.indices]
        if isinstance(base, Vec) and len(idx) == 1:
            return self._at(base.items, idx[0])
        if isinstance(base, Mat):
            row = self._at(base.rows, idx[0])
            if len(idx) == 1:
                return Vec(row) if len(row) > 1 else row[0]
            return self._at(row, idx[1])
        raise NotAudited("an index into something that is not a vector or matrix")

    @staticmethod
    def _at(items, k: int):
        if not 1 <= k <= len(items):
            raise NotAudited(f"index {k} outside 1..{len(items)}")
        return items[k - 1]

    def _v_BinOp(self, e: A.BinOp):
        if e.op == "^" and isinstance(e.right, A.Name) and e.right.id == "T" and "T" not in self.env:
            return self._transpose(self.value(e.left))
        a, b = self.value(e.left), self.value(e.right)
        if isinstance(a, int) and isinstance(b, int) and e.op in "+-*":
            return {"+": a + b, "-": a - b, "*": a * b}[e.op]
        exact = _numbers(e.op, a, b)
        if exact is not None:
            return exact
        if e.op == "+":
            return self._add(a, b, 1)
        if e.op == "-":
            return self._add(a, b, -1)
        if e.op == "*":
            return self._mul(a, b)
        if e.op == "/":
            d = _scalar(b, "a scalar divisor")
            self.conds.append(("nonzero", d))
            return _map(a, lambda x: _scalar(x) / d) if not isinstance(a, int) else sp.Integer(a) / d
        if e.op == "^":
            return self._pow(a, b)
        if e.op == "@":
            return self._matmul(a, b)
        raise NotAudited(f"the operator {e.op}")

    def _add(self, a, b, sign: int):
        if isinstance(a, (Vec, Mat)) and isinstance(b, (Vec, Mat)):
            if type(a) is not type(b) or len(entries(a)) != len(entries(b)):
                raise NotAudited("adding values of different shapes")
            if isinstance(a, Vec):
                return Vec(tuple(x + sign * y for x, y in zip(a.items, b.items)))
            return Mat(tuple(tuple(x + sign * y for x, y in zip(r, s)) for r, s in zip(a.rows, b.rows)))
        if isinstance(a, (Vec, Mat)):
            s = _scalar(b)
            return _map(a, lambda x: x + sign * s)
        if isinstance(b, (Vec, Mat)):
            s = _scalar(a)
            return _map(b, lambda y: s + sign * y)
        return _scalar(a) + sign * _scalar(b)

    def _mul(self, a, b):
        if isinstance(a, Vec) and isinstance(b, Vec):
            if len(a.items) != len(b.items):
                raise NotAudited("entrywise product of vectors of different sizes")
            return Vec(tuple(x * y for x, y in zip(a.items, b.items)))
        if isinstance(a, (Vec, Mat)):
            s = _scalar(b)
            return _map(a, lambda x: x * s)
        if isinstance(b, (Vec, Mat)):
            s = _scalar(a)
            return _map(b, lambda y: s * y)
        return _scalar(a) * _scalar(b)

    def _pow(self, a, b):
        k = _scalar(b, "a number as exponent")
        if isinstance(a, Mat):
            if not (k.is_Integer and k >= 0):
                raise NotAudited("a matrix power that is not a whole number")
            n = a.shape[0]
            out = Mat(tuple(tuple(sp.Integer(int(i == j)) for j in range(n)) for i in range(n)))
            for _ in range(int(k)):
                out = self._matmul(out, a)
            return out
        base = _scalar(a)
        if k.is_Integer:
            if k < 0:
                self.conds.append(("nonzero", base))
        elif k.is_Rational and k > 0:
            self.conds.append(("nonneg", base))
            if k < 1 and self.diff_depth:
                self.conds.append(("nonzero", base))
        else:
            self.conds.append(("pos", base))
        return sp.Pow(base, k)

    @staticmethod
    def _as_matrix(v) -> Mat:
        if isinstance(v, Mat):
            return v
        if isinstance(v, Vec):
            return Mat(tuple((x,) for x in v.items))
        return Mat(((_scalar(v),),))

    @staticmethod
    def _from_matrix(m: Mat):
        r, c = m.shape
        if r == 1 and c == 1:
            return m.rows[0][0]
        if c == 1:
            return Vec(tuple(row[0] for row in m.rows))
        return m

    def _matmul(self, a, b):
        if isinstance(a, Fn) or isinstance(b, Fn):
            raise NotAudited("`@` with a function")
        x, y = self._as_matrix(a), self._as_matrix(b)  # a scalar is a 1 x 1 matrix
        if x.shape[1] != y.shape[0]:
            raise NotAudited("`@` of shapes that do not match")
        cols = list(zip(*y.rows))
        rows = tuple(tuple(sp.Add(*[p * q for p, q in zip(row, col)]) for col in cols) for row in x.rows)
        return self._from_matrix(Mat(rows))

    def _transpose(self, v):
        if isinstance(v, Vec):
            return Mat((v.items,))
        if isinstance(v, Mat):
            return self._from_matrix(Mat(tuple(zip(*v.rows))))
        return _scalar(v)

    def _matrix(self, v) -> Mat:
        if isinstance(v, Mat):
            return v
        if isinstance(v, sp.Basic):
            return Mat(((v,),))
        raise NotAudited("expected a matrix")

    def _kink(self, arg) -> None:
        if self.diff_depth:
            self.conds.append(("nonzero", arg))

    def _det(self, m: Mat):
        r, c = m.shape
        if r != c:
            raise NotAudited("det of a matrix that is not square")
        return _det(m.rows)

    # ---------------------------------------------------------------- calls
    def _v_Call(self, e: A.Call):
        if isinstance(e.func, A.Name) and e.func.id in self.env:
            fn = self.env[e.func.id]
        elif isinstance(e.func, A.Name):
            return self._builtin(e.func.id, e)
        else:
            fn = self.value(e.func)
        if not isinstance(fn, Fn):
            raise NotAudited("a call of something that is not a function")
        args = [self.value(a) for a in e.args]
        out, conds = fn.apply(args)
        self.conds.extend(conds)
        return out

    def _builtin(self, name: str, e: A.Call):
        args = e.args
        scalar_fn = SCALAR.get(name)
        if scalar_fn is not None:
            v = self.value(args[0])
            return _map(v, lambda x: self._scalar_call(name, scalar_fn, _scalar(x)))
        if name == "sum":
            return self._sum(e)
        if name == "delta":
            i, j = (_int(self.value(a)) for a in args)
            return sp.Integer(int(i == j))
        if name in ("softmax", "logsumexp"):
            v = self.value(args[0])
            if not isinstance(v, Vec):
                raise NotAudited(f"{name} of something that is not a vector")
            exps = [sp.exp(x) for x in v.items]
            total = sp.Add(*exps)
            return Vec(tuple(x / total for x in exps)) if name == "softmax" else sp.log(total)
        if name == "dot":
            a, b = (self.value(x) for x in args)
            return sp.Add(*[p * q for p, q in zip(entries(a), entries(b))])
        if name == "outer":
            a, b = (self.value(x) for x in args)
            return Mat(tuple(tuple(p * q for q in entries(b)) for p in entries(a)))
        if name == "diag":
            v = self.value(args[0])
            if isinstance(v, Vec):
                n = len(v.items)
                return Mat(tuple(tuple(v.items[i] if i == j else sp.Integer(0) for j in range(n))
                                 for i in range(n)))
            m = self._matrix(v)
            return Vec(tuple(m.rows[i][i] for i in range(len(m.rows))))
        if name in ("norm", "frobenius"):
            squares = sp.Add(*[x ** 2 for x in entries(self.value(args[0]))])
            self._kink(squares)
            return sp.sqrt(squares)
        if name == "trace":
            m = self._matrix(self.value(args[0]))
            return sp.Add(*[m.rows[i][i] for i in range(len(m.rows))])
        if name == "det":
            return self._det(self._matrix(self.value(args[0])))
        if name == "inv":
            m = self._matrix(self.value(args[0]))
            d = self._det(m)
            self.conds.append(("nonzero", d))
            n = len(m.rows)
            out = Mat(tuple(tuple(_cofactor(m.rows, j, i) / d for j in range(n)) for i in range(n)))
            return self._from_matrix(out)
        if name == "transpose":
            return self._transpose(self.value(args[0]))
        if name in ("I", "zeros"):
            dims = [_int(self.value(a)) for a in args]
            r, c = dims[0], dims[-1]
            if name == "zeros" and len(dims) == 1:
                return Vec(tuple(sp.Integer(0) for _ in range(r)))
            return self._from_matrix(Mat(tuple(tuple(sp.Integer(int(name == "I" and i == j)) for j in range(c))
                                               for i in range(r))))
        if name in ("max", "min"):
            a, b = (self.scalar(x) for x in args)
            self._kink(a - b)
            return (sp.Max if name == "max" else sp.Min)(a, b)
        if name == "diff":
            return self._diff(e)
        if name in ("grad", "jacobian", "hessian"):
            return self._derivative(name, e)
        raise NotAudited(f"{name}(...)")

    def _scalar_call(self, name: str, fn, x):
        if name in ("log", "ln"):
            self.conds.append(("pos", x))
        elif name == "sqrt":
            self.conds.append(("nonneg", x))
            if self.diff_depth:
                self.conds.append(("nonzero", x))
        elif name == "tan":
            self.conds.append(("nonzero", sp.cos(x)))
        elif name in ("relu", "abs", "sign"):
            self._kink(x)
        return fn(x)

    def _sum(self, e: A.Call):
        args = e.args
        if len(args) == 1:
            return sp.Add(*entries(self.value(args[0])))
        first, term = args
        if isinstance(first, A.ArgBinder):
            if not isinstance(first.domain, A.Range):
                raise NotAudited("a sum over something that is not a range")
            var = first.name
            low, high = _int(self.value(first.domain.low)), _int(self.value(first.domain.high))
        elif isinstance(first, A.Name):
            var, low, high = first.id, 1, self._index_range(term, first.id)
        else:
            raise NotAudited("a sum whose index is not a name")
        saved = self.env.get(var, _MISSING)
        total = None
        try:
            for k in range(low, high + 1):  # an empty range sums to 0
                self.env[var] = k
                v = self.value(term)
                v = sp.Integer(v) if isinstance(v, int) else v
                total = v if total is None else self._add(total, v, 1)
        finally:
            if saved is _MISSING:
                self.env.pop(var, None)
            else:
                self.env[var] = saved
        return sp.Integer(0) if total is None else total

    def _index_range(self, term: A.Expr, var: str) -> int:
        sizes = set()
        for node in A.walk(term):
            if isinstance(node, A.Index):
                for pos, i in enumerate(node.indices):
                    if isinstance(i, A.Name) and i.id == var:
                        base = self.value(node.base)
                        if isinstance(base, Vec):
                            sizes.add(len(base.items))
                        elif isinstance(base, Mat):
                            sizes.add(base.shape[0] if pos == 0 else base.shape[1])
        if len(sizes) != 1:
            raise NotAudited(f"the range of the sum over {var}")
        return sizes.pop()

    def _variable(self, e: A.Expr):
        v = self.value(e)
        if isinstance(v, sp.Symbol):
            return v
        if isinstance(v, (Vec, Mat)) and all(isinstance(x, sp.Symbol) for x in entries(v)):
            return v
        raise NotAudited("a derivative by something that is not a variable")

    def _inner(self, e: A.Expr):
        self.diff_depth += 1
        try:
            return self.value(e)
        finally:
            self.diff_depth -= 1

    def _diff(self, e: A.Call):
        x = self._variable(e.args[1])
        if not isinstance(x, sp.Symbol):
            raise NotAudited("diff by a vector")
        k = 1 if len(e.args) == 2 else int(e.args[2].value)
        f = self._inner(e.args[0])
        if isinstance(f, Fn):
            raise NotAudited("diff of a function")
        return _map(f, lambda y: diff(_scalar(y), x, k, self.dmemo))

    def _derivative(self, name: str, e: A.Call):
        if len(e.args) == 1:
            fn = self.value(e.args[0])
            if not isinstance(fn, Fn):
                raise NotAudited(f"{name} of something that is not a function")
            return self._derivative_fn(name, fn)
        x = self._variable(e.args[1])
        f = self._inner(e.args[0])
        if name == "grad":
            f = _scalar(f)
            return _map(x, lambda s: diff(f, s, 1, self.dmemo))
        if name == "hessian":
            f = _scalar(f)
            if isinstance(x, sp.Symbol):
                return diff(f, x, 2, self.dmemo)
            xs = entries(x)
            return Mat(tuple(tuple(diff(diff(f, a, 1, self.dmemo), b, 1, self.dmemo) for b in xs) for a in xs))
        xs = entries(x)
        return self._from_matrix(Mat(tuple(tuple(diff(_scalar(fi), s, 1, self.dmemo) for s in xs)
                                           for fi in entries(f))))

    def _derivative_fn(self, name: str, fn: Fn) -> Fn:
        ps = fn.params
        body = fn.body
        m = self.dmemo
        if name == "grad":
            body = _scalar(body)
            out = diff(body, ps[0], 1, m) if len(ps) == 1 else Vec(tuple(diff(body, p, 1, m) for p in ps))
        elif name == "hessian":
            body = _scalar(body)
            out = diff(body, ps[0], 2, m) if len(ps) == 1 else Mat(
                tuple(tuple(diff(diff(body, a, 1, m), b, 1, m) for b in ps) for a in ps))
        else:
            out = self._from_matrix(Mat(tuple(tuple(diff(fi, p, 1, m) for p in ps) for fi in entries(body))))
        return Fn(ps, out, fn.conds)


def _det(rows) -> sp.Basic:
    """Laplace expansion along the first row (sizes here are small)."""
    n = len(rows)
    if n > 6:
        raise NotAudited("det of a matrix larger than 6x6")
    if n == 1:
        return rows[0][0]
    terms = []
    for j in range(n):
        minor = tuple(row[:j] + row[j + 1:] for row in rows[1:])
        term = sp.Mul(rows[0][j], _det(minor))
        terms.append(term if j % 2 == 0 else -term)
    return sp.Add(*terms)


def _cofactor(rows, i: int, j: int) -> sp.Basic:
    """(-1)^(i+j) times the minor without row i and column j."""
    if len(rows) == 1:
        return sp.Integer(1)
    minor = tuple(row[:j] + row[j + 1:] for k, row in enumerate(rows) if k != i)
    d = _det(minor)
    return d if (i + j) % 2 == 0 else -d


_MISSING = object()
_ZERO, _ONE = sp.Integer(0), sp.Integer(1)


def derivative(e, x, memo: dict):
    """d e / d x by the textbook rules, built without SymPy's canonicalisation
    (which is what makes `sp.diff` slow on softmax-like trees).  Kinks
    differentiate to their one-sided rule; the atoms carry the conditions that
    keep points off the breakpoints."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    if e.is_Symbol:
        r = _ONE if e == x else _ZERO
    elif e.is_Number or e.is_NumberSymbol:
        r = _ZERO
    elif e.is_Add:
        parts = [derivative(a, x, memo) for a in e.args]
        parts = [p for p in parts if p is not _ZERO]
        r = _ZERO if not parts else parts[0] if len(parts) == 1 else sp.Add(*parts, evaluate=False)
    elif e.is_Mul:
        terms = []
        for i, a in enumerate(e.args):
            da = derivative(a, x, memo)
            if da is _ZERO:
                continue
            others = e.args[:i] + e.args[i + 1:]
            factors = [o for o in others if o is not _ONE]
            if da is not _ONE:
                factors.append(da)
            terms.append(factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)
                         if factors else _ONE)
        r = _ZERO if not terms else terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
    elif e.is_Pow:
        b, k = e.args
        db, dk = derivative(b, x, memo), derivative(k, x, memo)
        if dk is _ZERO:
            k1 = sp.Rational(k.p - k.q, k.q) if k.is_Rational else k - 1
            # b^0 and 0 * b^-1 would make a polynomial's derivative undefined at b = 0.
            power = _ONE if k1 == 0 else b if k1 == 1 else sp.Pow(b, k1, evaluate=False)
            r = _ZERO if db is _ZERO or k == 0 else sp.Mul(k, power, db, evaluate=False)
        else:
            r = sp.Mul(e, sp.Add(sp.Mul(dk, sp.log(b), evaluate=False),
                                 sp.Mul(k, db, sp.Pow(b, -1, evaluate=False), evaluate=False),
                                 evaluate=False), evaluate=False)
    else:
        r = _chain(e, x, memo)
    memo[e] = r
    return r


def _chain(e, x, memo: dict):
    f = e.func
    if f in (sp.Max, sp.Min):
        a, b = e.args if len(e.args) == 2 else (None, None)
        if a is None:
            raise NotAudited("a derivative of max or min of more than two terms")
        da, db = derivative(a, x, memo), derivative(b, x, memo)
        first, second = (sp.Heaviside(a - b), sp.Heaviside(b - a)) if f is sp.Max else (
            sp.Heaviside(b - a), sp.Heaviside(a - b))
        return sp.Add(sp.Mul(first, da, evaluate=False), sp.Mul(second, db, evaluate=False), evaluate=False)
    if len(e.args) != 1:
        raise NotAudited(f"a derivative of {f}")
    u = e.args[0]
    du = derivative(u, x, memo)
    if du is _ZERO or f in (sp.sign, sp.Heaviside):
        return _ZERO
    outer = _OUTER.get(f)
    if outer is None:
        raise NotAudited(f"a derivative of {f}")
    return sp.Mul(outer(u, e), du, evaluate=False)


_OUTER = {
    sp.exp: lambda u, e: e,
    sp.log: lambda u, e: sp.Pow(u, -1, evaluate=False),
    sp.sin: lambda u, e: sp.cos(u),
    sp.cos: lambda u, e: -sp.sin(u),
    sp.tan: lambda u, e: 1 + e ** 2,
    sp.tanh: lambda u, e: 1 - e ** 2,
    sp.sinh: lambda u, e: sp.cosh(u),
    sp.cosh: lambda u, e: sp.sinh(u),
    sp.erf: lambda u, e: 2 / sp.sqrt(sp.pi) * sp.exp(-u ** 2),
    sp.Abs: lambda u, e: sp.sign(u),
}


def diff(e, x, k: int = 1, memos: Optional[dict] = None):
    memos = {} if memos is None else memos
    memo = memos.setdefault(x, {})
    for _ in range(k):
        e = derivative(e, x, memo)
    return e


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


SCALAR = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "erf": sp.erf,
    "sigmoid": _sigmoid,
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "relu": lambda x: sp.Max(x, 0),
    "abs": sp.Abs,
    "sign": sp.sign,
    "gelu": lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
}
