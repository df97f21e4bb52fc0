"""Syntax tree to SymPy, one method per node, for concrete sizes.

Values: a scalar is a SymPy expression, a vector an n x 1 `ImmutableMatrix`,
a matrix an m x n one, an index a Python int, a function a `Fn`.  Nothing
here reads text: every SymPy object is built from a node of the tree.

A translator given a `partials` list records, as it goes, every operation
that may be undefined (a division, log, sqrt, a real power, tan, and a kink
or a norm under a derivative) with the SymPy values of its arguments: SymPy
evaluates `x/x` to 1 at construction, so this is the one moment the
denominator can still be seen (`prove.backends.identity.definedness` reads them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional

import sympy as sp

from prove import ast as A
from prove.backends.base import CannotDecide
from prove.vocabulary import SCALAR_KINKS


@dataclass(frozen=True)
class Derivative:
    """A derivative being translated: `body` (a node) by `wrt` (a symbol, a
    matrix of symbols, or None for a derivative of a function) `order` times,
    in the environment `env`."""

    body: object
    wrt: object
    order: int
    env: dict


@dataclass(frozen=True)
class Partial:
    """An operation that may be undefined, as translated: `kind` is div, log,
    sqrt, pow, tan, kink (abs, relu, sign, max, min under a derivative) or
    norm (under a derivative); `args` its SymPy arguments (for a kink, the
    quantity whose zeros are its breakpoints); `side` the operand of the
    comparison it sits in; `under` the enclosing derivatives, innermost last."""

    node: object
    kind: str
    args: tuple
    value: object
    side: int
    under: tuple = ()
    env: Optional[dict] = None


class Untranslatable(CannotDecide):
    """This expression has no meaning for the SymPy backend (the reason says why)."""


@dataclass(frozen=True)
class Fn:
    """A function value: `apply(args)` with args a list of values."""

    arity_shape: tuple  # () for R -> ..., (n,) for R^n -> ...
    apply: Callable
    name: str = "f"


def rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def is_matrix(v) -> bool:
    return isinstance(v, sp.MatrixBase)


def elementwise(v, fn):
    if is_matrix(v):
        return v.applyfunc(fn)
    return fn(v)


NON_SMOOTH = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise)
PARTIAL = {"log": "log", "ln": "log", "sqrt": "sqrt", "tan": "tan"}  # functions undefined somewhere
CONSTANTS = {"pi": sp.pi, "e": sp.E}  # the language's constants (prove.typecheck.CONSTANTS), where not bound
KINKS = SCALAR_KINKS  # from the vocabulary: abs, relu, sign


def sigmoid(x):
    return 1 / (1 + sp.exp(-x))


SCALAR = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "sigmoid": sigmoid,
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "relu": lambda x: sp.Max(0, x),
    "abs": sp.Abs,
    "sign": sp.sign,
    "erf": sp.erf,
    "gelu": lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
}


class ToSympy:
    """The syntax tree to SymPy in concrete sizes, under an environment of name -> value."""

    def __init__(self, env: dict, partials: Optional[list] = None):
        self.env = dict(env)
        self.inverted: list = []  # determinants that inv(...) divided by
        self.partials = partials  # Partial records, when definedness is being read
        self.side = 0
        self.under: tuple = ()

    def child(self, extra: dict) -> "ToSympy":
        t = ToSympy({**self.env, **extra})
        t.inverted = self.inverted
        t.partials, t.side, t.under = self.partials, self.side, self.under
        return t

    def _record(self, node, kind: str, args: tuple, value) -> None:
        if self.partials is not None:
            args = tuple(sp.Integer(a) if isinstance(a, int) else a for a in args)  # an index value
            self.partials.append(Partial(node, kind, args, value, self.side, self.under, self.env))

    def _smooth(self, expr, inner: Optional["ToSympy"] = None) -> None:
        if self.partials is None:
            _check_smooth(expr)
            return
        # Recording: a kink is a Partial, decided by the caller; one that SymPy
        # removed as an identity of real numbers (|x|^2 = x^2) is no kink.
        if inner is None or not inner.under:
            return
        here = inner.under[-1]
        items = list(expr) if is_matrix(expr) else [expr]
        self.partials[:] = [p for p in self.partials
                            if not (p.kind in ("kink", "norm") and here in p.under
                                    and not any(isinstance(e, sp.Basic) and e.has(p.value) for e in items))]

    def _deriving(self, body, wrt, order: int) -> "ToSympy":
        t = self.child({})
        t.under = self.under + (Derivative(body, wrt, order, self.env),)
        return t

    def __call__(self, node):
        method = getattr(self, "t_" + type(node).__name__, None)
        if method is None:
            raise Untranslatable(f"{type(node).__name__} is not an expression the SymPy backend takes")
        return method(node)

    # ------------------------------------------------------------ atoms
    def t_Num(self, n: A.Num):
        return rational(n.value)

    def t_Name(self, n: A.Name):
        if n.id in self.env:
            return self.env[n.id]
        if n.id in CONSTANTS:
            return CONSTANTS[n.id]
        raise Untranslatable(f"{n.id} has no value here")

    def t_Neg(self, n: A.Neg):
        return -self(n.operand)

    def t_Card(self, n: A.Card):
        return self._kink(n, "abs", sp.Abs, self(n.operand))

    def t_ListLit(self, n: A.ListLit):
        items = [self(i) for i in n.items]
        if all(is_matrix(i) for i in items):
            return sp.ImmutableMatrix([[x for x in row] for row in items])
        return sp.ImmutableMatrix(items)

    def t_Lambda(self, n: A.Lambda):
        params = n.params

        def apply(args):
            args = _spread(args, len(params))
            return self.child(dict(zip(params, args)))(n.body)

        return Fn((len(params),) if len(params) != 1 else (), apply, "lambda")

    # ------------------------------------------------------ operators
    def t_BinOp(self, n: A.BinOp):
        if n.op == "^" and isinstance(n.right, A.Name) and n.right.id == "T" and "T" not in self.env:
            return _transpose(self(n.left))
        a, b = self(n.left), self(n.right)
        if n.op == "+":
            return _broadcast(a, b, lambda x, y: x + y)
        if n.op == "-":
            return _broadcast(a, b, lambda x, y: x - y)
        if n.op == "*":
            if is_matrix(a) and is_matrix(b):
                return a.multiply_elementwise(b)
            return a * b
        if n.op == "/":
            if not is_matrix(b):
                self._record(n, "div", (b,), None)
            return a / b if not is_matrix(a) else a.applyfunc(lambda x: x / b)
        if n.op == "^":
            if is_matrix(a):
                return a ** b
            value = sp.Pow(a, b)
            if not (isinstance(b, (int, sp.Integer)) and int(b) >= 0) and not is_matrix(b):
                self._record(n, "pow", (a, b), value)
            return value
        if n.op == "@":
            r = a * b
            return r[0, 0] if r.shape == (1, 1) else r
        raise Untranslatable(f"operator {n.op}")

    def t_Index(self, n: A.Index):
        base = self(n.base)
        idx = [self._index(i) for i in n.indices]
        if not is_matrix(base):
            raise Untranslatable("only vectors and matrices can be indexed")
        for k, size in zip(idx, base.shape if base.shape[1] != 1 or len(idx) != 1 else base.shape[:1]):
            if not 1 <= k <= size:  # Python would read base[-1] as the last entry
                raise Untranslatable(f"an index is {k} here, outside 1..{size}")
        if len(idx) == 1:
            if base.shape[1] == 1:
                return base[idx[0] - 1, 0]
            return base[idx[0] - 1, :].T
        return base[idx[0] - 1, idx[1] - 1]

    def _index(self, node) -> int:
        v = self(node)
        if isinstance(v, int):
            return v
        if isinstance(v, sp.Integer):
            return int(v)
        raise Untranslatable("an index must have a concrete value here")

    # ------------------------------------------------------------ calls
    def t_Call(self, n: A.Call):
        if isinstance(n.func, A.Name) and n.func.id not in self.env:
            name = n.func.id
            method = getattr(self, "f_" + name, None)
            if name in SCALAR:
                (arg,) = n.args
                if name in PARTIAL or name in KINKS:
                    return elementwise(self(arg), lambda x: self._scalar(n, name, x))
                return elementwise(self(arg), SCALAR[name])
            if method is None:
                raise Untranslatable(f"{name} is not handled by the SymPy backend")
            return method(n)
        f = self(n.func)
        if not isinstance(f, Fn):
            raise Untranslatable("only functions can be applied")
        return f.apply([self(a) for a in n.args])

    def _scalar(self, n, name: str, x):
        """A scalar function that is partial (log, sqrt, tan) or has a kink, recorded."""
        if name in KINKS:
            return self._kink(n, name, SCALAR[name], x)
        value = SCALAR[name](x)
        self._record(n, PARTIAL[name], (x,), value)
        return value

    def _kink(self, n, name: str, fn, *args):
        """A kink matters only under a derivative, and only if SymPy did not
        remove it as an identity of real numbers (abs(x^2) is x^2)."""
        value = fn(*args)
        if self.under and isinstance(value, sp.Basic) and value.has(*NON_SMOOTH):
            u = args[0] if len(args) == 1 else args[0] - args[1]
            self._record(n, "kink", (u,) + tuple(args), value)
        return value

    def f_softmax(self, n):
        v = self(n.args[0])
        exps = [sp.exp(x) for x in v]
        total = sp.Add(*exps)
        return sp.ImmutableMatrix([e / total for e in exps])

    def f_logsumexp(self, n):
        v = self(n.args[0])
        return sp.log(sp.Add(*[sp.exp(x) for x in v]))

    def f_sum(self, n):
        if len(n.args) == 1:
            v = self(n.args[0])
            return sp.Add(*list(v))
        first, term = n.args
        if isinstance(first, A.ArgBinder):
            var = first.name
            low, high = self._index(first.domain.low), self._index(first.domain.high)
        else:
            var = first.id
            low, high = 1, self._sum_range(term, var)
        return sp.Add(*[self.child({var: k})(term) for k in range(low, high + 1)])

    def _sum_range(self, term, var) -> int:
        sizes = set()
        for node in A.walk(term):
            if isinstance(node, A.Index):
                for pos, i in enumerate(node.indices):
                    if isinstance(i, A.Name) and i.id == var:
                        base = self.child({var: 1})(node.base)
                        if is_matrix(base):
                            sizes.add(base.shape[0] if pos == 0 else base.shape[1])
        if len(sizes) != 1:
            raise Untranslatable(f"cannot tell the range of the sum over {var}")
        return sizes.pop()

    def f_delta(self, n):
        i, j = (self(a) for a in n.args)
        if isinstance(i, (int, sp.Integer)) and isinstance(j, (int, sp.Integer)):
            return sp.Integer(1 if int(i) == int(j) else 0)
        return sp.KroneckerDelta(i, j)

    def f_dot(self, n):
        a, b = (self(x) for x in n.args)
        return (a.T * b)[0, 0]

    def f_outer(self, n):
        a, b = (self(x) for x in n.args)
        return sp.ImmutableMatrix(a * b.T)

    def f_diag(self, n):
        v = self(n.args[0])
        if v.shape[1] == 1:
            return sp.ImmutableMatrix(sp.diag(*list(v)))
        return sp.ImmutableMatrix([v[i, i] for i in range(v.shape[0])])

    def f_norm(self, n):
        v = self(n.args[0])
        if not is_matrix(v):
            return self._kink(n, "abs", sp.Abs, v)
        value = sp.sqrt(sp.Add(*[x ** 2 for x in v]))
        if self.under:
            self._record(n, "norm", tuple(v), value)
        return value

    f_frobenius = f_norm

    def f_trace(self, n):
        m = self(n.args[0])
        return m.trace() if is_matrix(m) else m  # a 1x1 product is already a scalar

    def f_det(self, n):
        m = self(n.args[0])
        return m.det() if is_matrix(m) else m

    def f_inv(self, n):
        m = self(n.args[0])
        det = m.det() if is_matrix(m) else m
        if det == 0:
            raise Untranslatable("inv of a singular matrix: its determinant is 0")
        # The caller must show det != 0 from the claim's hypotheses (instances.py does).
        self.inverted.append(det)
        if not is_matrix(m):
            return 1 / m
        return sp.ImmutableMatrix(m.adjugate() / det)

    def f_transpose(self, n):
        return _transpose(self(n.args[0]))

    def f_I(self, n):
        size = self._index(n.args[0])
        return sp.ImmutableMatrix(sp.eye(size))

    def f_zeros(self, n):
        dims = [self._index(a) for a in n.args]
        return sp.ImmutableMatrix(sp.zeros(dims[0], dims[-1] if len(dims) == 2 else 1))

    def f_max(self, n):
        args = [self(a) for a in n.args]
        if len(args) == 2 and not any(is_matrix(a) for a in args):
            return self._kink(n, "max", sp.Max, *args)
        return sp.Max(*args)

    def f_min(self, n):
        args = [self(a) for a in n.args]
        if len(args) == 2 and not any(is_matrix(a) for a in args):
            return self._kink(n, "min", sp.Min, *args)
        return sp.Min(*args)

    # ------------------------------------------------------- calculus
    def _wrt(self, node):
        """The symbol (or matrix of symbols) that a derivative is taken by."""
        v = self(node)
        if isinstance(v, sp.Symbol) or (is_matrix(v) and all(isinstance(x, sp.Symbol) for x in v)):
            return v
        raise Untranslatable("a derivative is taken with respect to a variable")

    def f_diff(self, n):
        x = self._wrt(n.args[1])
        order = int(n.args[2].value) if len(n.args) == 3 else 1
        inner = self._deriving(n.args[0], x, order)
        expr = inner(n.args[0])
        self._smooth(expr, inner)
        if is_matrix(expr):
            return expr.applyfunc(lambda e: sp.diff(e, x, order))
        return sp.diff(expr, x, order)

    def f_grad(self, n):
        if len(n.args) == 1:
            return self._grad_fn(self._deriving(n.args[0], None, 1)(n.args[0]))
        x = self._wrt(n.args[1])
        inner = self._deriving(n.args[0], x, 1)
        expr = inner(n.args[0])
        self._smooth(expr, inner)
        if is_matrix(x):
            return x.applyfunc(lambda xi: sp.diff(expr, xi))
        return sp.diff(expr, x)

    def f_jacobian(self, n):
        if len(n.args) == 1:
            raise Untranslatable("jacobian(f) of a function is not supported here; write jacobian(f(z), z)")
        z = self._wrt(n.args[1])
        inner = self._deriving(n.args[0], z, 1)
        v = inner(n.args[0])
        self._smooth(v, inner)
        rows = list(v) if is_matrix(v) else [v]
        return sp.ImmutableMatrix([[sp.diff(r, zj) for zj in z] for r in rows])

    def f_hessian(self, n):
        if len(n.args) == 1:
            return self._hessian_fn(self._deriving(n.args[0], None, 2)(n.args[0]))
        z = self._wrt(n.args[1])
        inner = self._deriving(n.args[0], z, 2)
        expr = inner(n.args[0])
        self._smooth(expr, inner)
        if not is_matrix(z):
            return sp.diff(expr, z, 2)
        return sp.ImmutableMatrix([[sp.diff(expr, a, b) for b in z] for a in z])

    def _fresh_point(self, f: Fn):
        k = math.prod(f.arity_shape)
        syms = [sp.Dummy(f"u{i + 1}", real=True) for i in range(k)]
        if len(f.arity_shape) == 2:  # a function of a matrix: the point is a matrix, row by row
            return syms, sp.ImmutableMatrix(*f.arity_shape, syms)
        return syms, (syms[0] if not f.arity_shape else sp.ImmutableMatrix(syms))

    def _grad_fn(self, f: Fn) -> Fn:
        syms, point = self._fresh_point(f)
        body = f.apply([point])
        self._smooth(body)
        grads = [sp.diff(body, s) for s in syms]
        value = grads[0] if not f.arity_shape else sp.ImmutableMatrix(*point.shape, grads)
        return Fn(f.arity_shape, lambda args: _subs_point(value, syms, args), "grad")

    def _hessian_fn(self, f: Fn) -> Fn:
        if len(f.arity_shape) == 2:
            raise Untranslatable("hessian(g) of a function of a matrix is not supported here")
        syms, point = self._fresh_point(f)
        body = f.apply([point])
        self._smooth(body)
        if not f.arity_shape:
            value = sp.diff(body, syms[0], 2)
        else:
            value = sp.ImmutableMatrix([[sp.diff(body, a, b) for b in syms] for a in syms])
        return Fn(f.arity_shape, lambda args: _subs_point(value, syms, args), "hessian")


def _spread(args, k):
    """Arguments of a k-ary function: k scalars, or one vector of k."""
    if len(args) == 1 and is_matrix(args[0]) and k != 1:
        return list(args[0])
    return list(args)


def _subs_point(value, syms, args):
    vals = _spread(args, len(syms))
    mapping = dict(zip(syms, vals))
    if isinstance(value, sp.Basic) and value.has(sp.Derivative):
        # an abstract function's derivative at a point: Subs(Derivative(f(u), u), u, p),
        # where xreplace would differentiate with respect to p itself
        return value.subs(mapping, simultaneous=True)
    if is_matrix(value):
        return value.xreplace(mapping)
    return value.xreplace(mapping)


def _transpose(v):
    if is_matrix(v):
        return sp.ImmutableMatrix(v.T)
    return v


def _broadcast(a, b, op):
    if is_matrix(a) and not is_matrix(b):
        return a.applyfunc(lambda x: op(x, b))
    if is_matrix(b) and not is_matrix(a):
        return b.applyfunc(lambda y: op(a, y))
    return op(a, b)


def _check_smooth(expr) -> None:
    """Refuse to differentiate a kink: SymPy's derivative of Max or Piecewise
    ignores what happens at the breakpoint, so a claim could pass wrongly."""
    items = list(expr) if is_matrix(expr) else [expr]
    for e in items:
        if isinstance(e, sp.Basic) and e.has(*NON_SMOOTH):
            raise Untranslatable("derivatives of non-smooth functions (relu, abs, max, min) are not checked here")
